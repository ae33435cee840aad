"""Small text helpers every extractor needs: cleaning printed labels, loading data files.

All matching happens on NFKC text (`extractors.document.nfkc`); these helpers accept either
form and say which form they return.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import fields
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import yaml

from extractors.document import BBox, Line, Table, confusables, nfkc

DATA_DIR = Path(__file__).resolve().parent / "data"

#: characters that open a bullet item in brochures (▶ コールセンター…, ● 損害賠償金, ■ …)
BULLETS = "▶►▷▸・●○◯◎■□◆◇★☆•⚫⚪※→➡◉"

_NOTE_MARK = re.compile(
    r"(?:[(（](?:注|※|\*|＊)\s?[\d０-９]*[)）]|※\s?[\d０-９]*|[*＊][\d０-９]+|\^[(（]\S*?[)）]|注[\d０-９]+)"
)
_MARKS = rf"[\s\-–—‐{re.escape(BULLETS)}]*"
_LEADING_MARKS = re.compile(
    rf"^{_MARKS}(?:[①-⑳]|[(（][\d０-９]+[)）]|[\d０-９]+[.)．）](?![\d０-９]))?{_MARKS}"
)
_CJK_SPACES = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")
#: a line is spaced out one character at a time when this share of its words are one character
LETTER_SPACED_SHARE = 0.6
_EDGE_PUNCT = " \t\u3000:：=＝、,。|｜-–—・"
_SPACES = re.compile(r"\s+")
#: markup a text brochure keeps around its words (Markdown headings, quotes, emphasis)
_TEXT_MARKUP = re.compile(r"^\s*(?:#{1,6}|>)\s+|\*\*|__")
#: the Kangxi radicals block, which PDF fonts map CJK ideographs to and NFKC maps back
_KANGXI_FIRST, _KANGXI_LAST = "\u2f00", "\u2fdf"


def repair_glyphs(text: str) -> str:
    """Given verbatim text, return it with the glyphs a PDF text layer substitutes put back.

    Kangxi radicals (⼩ for 小) and look-alikes NFKC leaves alone (‧ for the middle dot ・)
    become the characters printed; everything else (full-width digits, brackets) stays as is.
    """
    text = text.translate(confusables())
    return "".join(
        unicodedata.normalize("NFKC", ch) if _KANGXI_FIRST <= ch <= _KANGXI_LAST else ch for ch in text
    )


def printed_label(text: str) -> str:
    """Given a label as a reader returned it, return it as printed: glyphs repaired, text markup
    (## heading, > quote, **emphasis**) removed, then cleaned."""
    return clean_label(_TEXT_MARKUP.sub("", repair_glyphs(text)))


def clean_label(text: str) -> str:
    """Given a printed label (verbatim), return it without bullets, numbering, notes, edge punctuation."""
    label = _NOTE_MARK.sub("", text)  # footnote marks: ※1, (注1), *1, ^(※1)
    label = _LEADING_MARKS.sub("", label, count=1)
    label = label.strip(_EDGE_PUNCT)
    return _SPACES.sub(" ", label).strip(_EDGE_PUNCT)


def is_letter_spaced(text: str) -> bool:
    """Given a line, return whether it is spaced out one character at a time (a PDF artefact)."""
    tokens = text.split()
    return len(tokens) >= 4 and sum(len(t) == 1 for t in tokens) / len(tokens) >= LETTER_SPACED_SHARE


def unspace(text: str) -> str:
    """Given a line, return it without the spaces a PDF put between its CJK characters, if it has them.

    `小 売 業 52,000 円` becomes `小売業 52,000 円`; a line of words (`小売業 7,920円 製造業`) is kept.
    """
    return _CJK_SPACES.sub("", text) if is_letter_spaced(text) else text


@lru_cache(maxsize=1 << 16)
def squeeze(text: str) -> str:
    """Given text, return its NFKC form with all whitespace removed (PDFs space CJK characters)."""
    # memoised: the same cells, lines and cue words are squeezed again by every extractor
    return _SPACES.sub("", nfkc(text))


@cache
def squeezed_words(words: tuple[str, ...]) -> tuple[str, ...]:
    """Given cue words, return them squeezed (once per word list: the lists are constant data)."""
    return tuple(squeeze(word) for word in words)


def contains_any(text: str, words: tuple[str, ...]) -> bool:
    """Given text and words, return whether the squeezed NFKC text contains any of the words."""
    flat = squeeze(text)
    return any(word in flat for word in squeezed_words(words))


@lru_cache(maxsize=1 << 16)
def row_key(text: str) -> str:
    """Given a row or line, return its comparison key: NFKC without whitespace and cell separators.

    Cached: each table of a document compares its rows with every line of it.
    """
    return squeeze(text).replace("|", "")


def _rows_matched(line_keys: list[str], start: int, keys: list[str]) -> int:
    """Given line keys, a start index and row keys, return how many rows lines from there hold in order."""
    matched = 0
    for offset, key in enumerate(keys):
        index = start + offset
        if index >= len(line_keys) or key not in line_keys[index]:
            break
        matched += 1
    return matched


def table_anchor(lines: list[Line], table: Table) -> int | None:
    """Given the document's lines and a table, return the index of the line holding its first row.

    Where several lines hold that row (two tables with one header), the one followed by the
    most of the table's other rows wins (the first of them on a tie). Where no line holds the
    first row (a header whose spanned cells a PDF reads onto lines of their own), the first
    row that a line does hold places the table, counted back by the rows above it.
    """
    keys = [key for row in table.rows if (key := row_key("".join(cell.text for cell in row)))]
    line_keys = [row_key(line.text) for line in lines]
    on_page = [index for index, line in enumerate(lines) if line.page == table.page]
    for offset, key in enumerate(keys):
        best: tuple[int, int] | None = None
        for index in on_page:
            if key not in line_keys[index]:
                continue
            matched = _rows_matched(line_keys, index, keys[offset:])
            if best is None or matched > best[0]:
                best = (matched, index)
            # no later line can hold more: a table of like rows stays linear
            if matched == len(keys) - offset:
                break
        if best is not None:
            return max(0, best[1] - offset)
    return None


def table_lines(lines: list[Line], table: Table) -> set[int]:
    """Given the document's lines and a table, return the indices of the lines that repeat its rows."""
    anchor = table_anchor(lines, table)
    return set(range(anchor, anchor + len(table.rows))) if anchor is not None else set()


def _overlaps(a: BBox, b: BBox) -> bool:
    """Given two boxes, return whether they share some horizontal extent."""
    return min(a.x1, b.x1) > max(a.x0, b.x0)


def _inside(box: BBox, other: BBox) -> bool:
    """Given two boxes, return whether the first lies within the second (a point of slack)."""
    return (
        box.x0 >= other.x0 - 1
        and box.x1 <= other.x1 + 1
        and box.top >= other.top - 1
        and box.bottom <= other.bottom + 1
    )


def _caption_by_geometry(
    lines: list[Line], table: Table, tables: list[Table], count: int
) -> list[Line] | None:
    """Given lines and tables with boxes, return the lines printed just above the table, or None.

    Two-column pages read in the wrong order put other text between a heading and the table
    under it; on the page the heading is still the nearest text above the table. Text of
    other tables is passed over, so consecutive tables under one heading share it.
    """
    box = table.bbox
    if box is None or not any(line.bbox for line in lines if line.page == table.page):
        return None
    others = [t.bbox for t in tables if t is not table and t.page == table.page and t.bbox is not None]
    above = [
        line
        for line in lines
        if line.page == table.page
        and line.bbox is not None
        and line.bbox.bottom <= box.top + 1
        and _overlaps(line.bbox, box)
        and not any(_inside(line.bbox, other) for other in others)
    ]
    nearest = sorted(above, key=lambda line: -(line.bbox.bottom if line.bbox else 0))[:count]
    return sorted(nearest, key=lambda line: line.bbox.top if line.bbox else 0)


def table_caption(lines: list[Line], table: Table, tables: list[Table], count: int) -> list[Line]:
    """Given the document's lines, a table and all tables, return up to `count` lines printed above it.

    Pages with geometry (PDF) give the lines nearest above the table on the page; others the
    lines before its rows in reading order. Either way the rows of other tables are passed
    over, so that a heading above two consecutive tables captions both.
    """
    by_geometry = _caption_by_geometry(lines, table, tables, count)
    if by_geometry is not None:
        return by_geometry
    anchor = table_anchor(lines, table)
    if anchor is None:
        return []
    other_rows = set().union(*(table_lines(lines, t) for t in tables if t is not table))
    caption = [i for i in range(anchor - 1, -1, -1) if i not in other_rows][:count]
    return [lines[i] for i in sorted(caption)]


@cache
def load_data(name: str) -> dict[str, Any]:
    """Given a file name under extractors/data/, return the mapping that YAML file holds."""
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{DATA_DIR / name} must hold a mapping at the top level")
    return data


def words(data: dict[str, Any], key: str) -> tuple[str, ...]:
    """Given a loaded data mapping and a key, return its list of words as a tuple of NFKC strings."""
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"data key {key!r} must be a list of strings")
    return tuple(nfkc(v) for v in value)


#: how a data value becomes a field of each declared type (the types as annotations spell them)
_FIELD_READERS: dict[str, Any] = {
    "int": lambda data, key: int(data[key]),
    "float": lambda data, key: float(data[key]),
    "tuple[str, ...]": words,
    "frozenset[str]": lambda data, key: frozenset(words(data, key)),
    "re.Pattern[str]": lambda data, key: re.compile(str(data[key])),
    "tuple[re.Pattern[str], ...]": lambda data, key: tuple(re.compile(str(p)) for p in data[key] or ()),
}


def data_to_fields(cls: type[Any], data: dict[str, Any]) -> dict[str, Any]:
    """Given a dataclass and a loaded data mapping, return the values of the fields the mapping
    holds whose type is a number, words or patterns, read as that type (the others are the caller's)."""
    return {
        f.name: _FIELD_READERS[str(f.type)](data, f.name)
        for f in fields(cls)
        if str(f.type) in _FIELD_READERS and f.name in data
    }
