"""Tables laid out by CSS grid: a small style-sheet reader and the grid auto-placement algorithm.

A brochure page can draw a table without <table>: a `display: grid` container with
`grid-template-columns` whose child elements flow into the tracks row by row. This module
reads just enough CSS to know that layout (rules `selector { declarations }` of <style>
blocks and inline `style`, compound selectors of tag / .class / #id joined by descendant or
`>` combinators, cascade by specificity then order) and places the items with the CSS Grid
"sparse" auto-placement algorithm restricted to an explicit column count. Rules inside
at-rule blocks (@media, @supports) are ignored: the grid read is the page's base layout.
No CSS parser is in the lock, so the style sheet is read with a few regular expressions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

import lxml.etree

from extractors.document import Cell

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
#: an at-rule with a block holding rules one level deep (@media x { a { … } b { … } }), or a statement
_AT_RULE = re.compile(r"@[^{};]*(?:\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}|;)")
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_COMPOUND = re.compile(r"(?P<tag>[A-Za-z][\w-]*|\*)?(?P<rest>(?:[.#][\w-]+)*)")
_COMBINATOR = re.compile(r"\s*(>)\s*|\s+")
_LINE_NAMES = re.compile(r"\[[^\]]*\]")
_REPEAT = re.compile(r"repeat\(\s*(\d+)\s*,\s*([^()]*(?:\([^()]*\)[^()]*)*)\)")
_PARENTHESISED = re.compile(r"\([^()]*\)")
_INTEGER = re.compile(r"[+-]?\d+")

#: a track or span count larger than this is a typo or an attack, not a layout
MAX_TRACKS = 64


@dataclass(frozen=True)
class Compound:
    """One compound selector: an optional tag name (None for any) and the classes and id it requires."""

    tag: str | None
    classes: frozenset[str]
    id: str | None


@dataclass(frozen=True)
class Rule:
    """One style rule for one selector: compounds left to right, the combinator before each but
    the first (" " descendant, ">" child), its specificity and place in the sheet, its declarations."""

    compounds: tuple[Compound, ...]
    combinators: tuple[str, ...]
    specificity: tuple[int, int, int]
    order: int
    declarations: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class StyleSheet:
    """A page's style rules, looked up by what their last compound requires of an element."""

    rules: tuple[Rule, ...] = ()

    @cached_property
    def index(self) -> dict[str, tuple[Rule, ...]]:
        """Given nothing, return the rules grouped by the key of their last compound (built once)."""
        groups: dict[str, list[Rule]] = {}
        for rule in self.rules:
            groups.setdefault(_key(rule.compounds[-1]), []).append(rule)
        return {key: tuple(group) for key, group in groups.items()}

    @cached_property
    def displays(self) -> StyleSheet:
        """Given nothing, return the sheet of the rules setting `display` (enough to find grid containers)."""
        return StyleSheet(tuple(r for r in self.rules if "display" in dict(r.declarations)))

    def candidates(self, element: lxml.etree._Element) -> list[Rule]:
        """Given an element, return the rules whose last compound it may match (by id, class, tag or any)."""
        classes = (element.get("class") or "").split()
        element_id = element.get("id")
        keys = [
            "*",
            str(element.tag).lower(),
            *(f".{c}" for c in classes),
            *([f"#{element_id}"] * bool(element_id)),
        ]
        return [rule for key in dict.fromkeys(keys) for rule in self.index.get(key, ())]


@dataclass(frozen=True)
class GridItem:
    """One grid item to place: its rendered text, whether it is a header, and its grid placement
    (`col_start` 0-based or None for auto; spans of one or more tracks)."""

    text: str
    header: bool = False
    col_start: int | None = None
    col_span: int = 1
    row_span: int = 1


def parse_declarations(text: str) -> tuple[tuple[str, str], ...]:
    """Given a declaration block's text, return its (property, value) pairs, names lower-cased."""
    pairs = (part.split(":", 1) for part in text.split(";") if ":" in part)
    return tuple((name.strip().lower(), value.replace("!important", "").strip()) for name, value in pairs)


def _compound(text: str) -> Compound | None:
    """Given one compound selector's text, return it parsed, or None if it uses what is not supported."""
    match = _COMPOUND.fullmatch(text)
    rest = re.findall(r"[.#][\w-]+", match.group("rest")) if match else []
    ids = [part[1:] for part in rest if part[0] == "#"]
    if match is None or not text or len(ids) > 1:
        return None
    tag = match.group("tag")
    return Compound(
        tag=None if tag in (None, "*") else tag.lower(),
        classes=frozenset(part[1:] for part in rest if part[0] == "."),
        id=ids[0] if ids else None,
    )


def _key(compound: Compound) -> str:
    """Given a compound selector, return one key every element it matches has (#id, .class, tag or *)."""
    if compound.id:
        return f"#{compound.id}"
    if compound.classes:
        return f".{min(compound.classes)}"
    return compound.tag or "*"


def _selector_rule(selector: str, order: int, declarations: tuple[tuple[str, str], ...]) -> Rule | None:
    """Given one selector of a rule, its place and declarations, return the Rule, or None if unsupported."""
    pieces = _COMBINATOR.split(selector.strip())
    texts, combinators = pieces[::2], tuple(piece or " " for piece in pieces[1::2])
    compounds = [_compound(text) for text in texts]
    parsed = tuple(c for c in compounds if c is not None)
    if len(parsed) != len(compounds):
        return None
    specificity = (
        sum(1 for c in parsed if c.id),
        sum(len(c.classes) for c in parsed),
        sum(1 for c in parsed if c.tag),
    )
    return Rule(parsed, combinators, specificity, order, declarations)


def parse_style_sheet(text: str) -> StyleSheet:
    """Given the text of <style> blocks, return its rules, one per selector, at-rule blocks left out."""
    text = _AT_RULE.sub("", _COMMENT.sub("", text))
    rules: list[Rule] = []
    for match in _RULE.finditer(text):
        declarations = parse_declarations(match.group(2))
        for selector in match.group(1).split(","):
            rule = _selector_rule(selector, len(rules), declarations)
            if rule is not None:
                rules.append(rule)
    return StyleSheet(tuple(rules))


def _element_matches(element: lxml.etree._Element, compound: Compound) -> bool:
    """Given an element and a compound selector, return whether the element matches it."""
    if not isinstance(element.tag, str):
        return False
    if compound.tag is not None and element.tag.lower() != compound.tag:
        return False
    if compound.id is not None and element.get("id") != compound.id:
        return False
    return compound.classes <= set((element.get("class") or "").split())


def _rule_matches(element: lxml.etree._Element, rule: Rule, last: int) -> bool:
    """Given an element, a rule and the index of the compound to test, return whether the element
    matches the rule's compounds up to that index (ancestors matched through the combinators)."""
    if not _element_matches(element, rule.compounds[last]):
        return False
    if last == 0:
        return True
    if rule.combinators[last - 1] == ">":
        parent = element.getparent()
        return parent is not None and _rule_matches(parent, rule, last - 1)
    return any(_rule_matches(ancestor, rule, last - 1) for ancestor in element.iterancestors())


def computed_style(element: lxml.etree._Element, sheet: StyleSheet) -> dict[str, str]:
    """Given an element and the page's style sheet, return its declared properties after the cascade
    (matching rules by specificity then order, then its own `style` attribute)."""
    candidates = sheet.candidates(element)
    matching = [rule for rule in candidates if _rule_matches(element, rule, len(rule.compounds) - 1)]
    style: dict[str, str] = {}
    for rule in sorted(matching, key=lambda r: (r.specificity, r.order)):
        style.update(rule.declarations)
    style.update(parse_declarations(element.get("style") or ""))
    return style


def track_count(template: str) -> int | None:
    """Given a `grid-template-columns` value, return its number of tracks, or None if it is not a
    fixed count (none, subgrid, auto-fill / auto-fit repeats)."""
    value = _LINE_NAMES.sub(" ", template.lower())
    while (match := _REPEAT.search(value)) is not None:
        inner = track_count(match.group(2)) or 0
        value = value[: match.start()] + " x" * (int(match.group(1)) * inner) + value[match.end() :]
    if "repeat(" in value or value.strip() in ("", "none", "subgrid", "masonry"):
        return None
    while _PARENTHESISED.search(value):
        value = _PARENTHESISED.sub("", value)
    count = len(value.split())
    return count if 0 < count <= MAX_TRACKS else None


def _line(text: str, columns: int) -> int | None:
    """Given a grid line number's text and the column count, return the 0-based line index
    (negative numbers count from the end: -1 is the last line), or None if it is not a number."""
    if not _INTEGER.fullmatch(text) or int(text) == 0:
        return None
    number = int(text)
    return number - 1 if number > 0 else columns + 1 + number


def _span_of(text: str) -> int | None:
    """Given one side of a grid placement ("span 2"), return its span, or None if it is no span."""
    parts = text.split()
    if len(parts) == 2 and parts[0] == "span" and parts[1].isdigit():
        return min(max(int(parts[1]), 1), MAX_TRACKS)
    return None


def column_placement(value: str, columns: int) -> tuple[int | None, int]:
    """Given a `grid-column` value and the column count, return the item's 0-based start column
    (None for auto) and its span, clipped to the grid."""
    start_text, _, end_text = (side.strip().lower() for side in value.partition("/"))
    start, end = _line(start_text, columns), _line(end_text, columns)
    span = _span_of(start_text) or _span_of(end_text) or 1
    if start is not None and end is not None and end != start:
        start, span = min(start, end), abs(end - start)
    elif start is None and end is not None and _span_of(start_text):
        start = end - span
    if start is None:
        return None, min(span, columns)
    start = min(max(start, 0), columns - 1)
    return start, min(span, columns - start)


def row_span(value: str) -> int:
    """Given a `grid-row` value, return the rows the item spans ("span 2", "2 / 4"; else 1)."""
    start_text, _, end_text = (side.strip().lower() for side in value.partition("/"))
    start, end = _INTEGER.fullmatch(start_text), _INTEGER.fullmatch(end_text)
    if start and end and 0 < int(start.group()) < int(end.group()):
        return min(int(end.group()) - int(start.group()), MAX_TRACKS)
    return _span_of(start_text) or _span_of(end_text) or 1


def _fits(taken: set[tuple[int, int]], row: int, col: int, item: GridItem) -> bool:
    """Given the occupied slots, a position and an item, return whether the item's area there is free."""
    return all(
        (r, c) not in taken for r in range(row, row + item.row_span) for c in range(col, col + item.col_span)
    )


def _next_position(
    taken: set[tuple[int, int]], item: GridItem, columns: int, cursor: tuple[int, int]
) -> tuple[int, int]:
    """Given the occupied slots, an item, the column count and the auto-placement cursor, return
    where the sparse algorithm puts the item (its row and column)."""
    row, col = cursor
    if item.col_start is not None:
        row += item.col_start < col  # a fixed column left of the cursor starts a new row
        while not _fits(taken, row, item.col_start, item):
            row += 1
        return row, item.col_start
    while True:
        if col + item.col_span > columns:
            row, col = row + 1, 0
        elif _fits(taken, row, col, item):
            return row, col
        else:
            col += 1


def place(items: Iterable[GridItem], columns: int) -> list[list[Cell]]:
    """Given grid items in document order and the column count, return the cell grid they make: each
    item in its top-left slot with its spans, the slots it covers as covered cells, gaps as empty
    cells, row spans cut at the last row that holds an item."""
    taken: set[tuple[int, int]] = set()
    placed: list[tuple[int, int, GridItem]] = []
    cursor = (0, 0)
    for item in items:
        row, col = _next_position(taken, item, columns, cursor)
        taken.update((r, c) for r in range(row, row + item.row_span) for c in range(col, col + item.col_span))
        placed.append((row, col, item))
        cursor = (row, col + item.col_span)
    height = max((row + 1 for row, _, _ in placed), default=0)
    grid = [[Cell("") for _ in range(columns)] for _ in range(height)]
    for row, col, item in placed:
        rows = min(item.row_span, height - row)
        for r in range(row, row + rows):
            for c in range(col, col + item.col_span):
                grid[r][c] = Cell("", covered=True)
        grid[row][col] = Cell(item.text, row_span=rows, col_span=item.col_span, header=item.header)
    return grid
