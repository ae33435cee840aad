"""The structure of a document, read once: its heading tree (each line's heading path) and,
for a table, which cell covers each grid slot, how many rows are column headers, and for
every data cell its column header path and row header path.

This is the one header-assignment algorithm of the project, for every format (the model is
the HTML standard's "forming relationships between data cells and header cells" and
docling-core's `TableCell`): spans come from the source where it states them (HTML
`rowspan`/`colspan`, a PDF ruled table's merged rectangles) and are inferred from empty
header slots where it does not (borderless PDF tables, text tables).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from types import MappingProxyType

from extractors.document import Cell, Document, Line, Table

Slot = tuple[int, int]


def _slot_text(table: Table, row: int, col: int) -> str:
    """Given a table and a slot, return the slot's own verbatim text ("" past a short row's end)."""
    cells = table.rows[row]
    return cells[col].text if col < len(cells) else ""


def declared_owners(table: Table) -> dict[Slot, Slot]:
    """Given a table, return the slot → origin map of the merged cells its source declares."""
    owners: dict[Slot, Slot] = {}
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row):
            if cell.row_span == 1 and cell.col_span == 1:
                continue
            for dr in range(cell.row_span):
                for dc in range(cell.col_span):
                    if (dr, dc) != (0, 0) and r + dr < len(table.rows):
                        owners.setdefault((r + dr, c + dc), (r, c))
    return owners


def declares_spans(table: Table) -> bool:
    """Given a table, return whether its reader knew its merged cells (then nothing is inferred)."""
    return any(cell.covered or cell.row_span > 1 or cell.col_span > 1 for row in table.rows for cell in row)


def declared_header_rows(table: Table) -> int:
    """Given a table, return how many leading rows its source marks as header cells only (th)."""
    count = 0
    for row in table.rows:
        texts = [cell for cell in row if cell.text.strip()]
        if not texts or not all(cell.header for cell in texts):
            break
        count += 1
    return count


def inferred_header_owners(table: Table, header_rows: int, owners: Mapping[Slot, Slot]) -> dict[Slot, Slot]:
    """Given a table without declared spans and its header row count, return the merged header
    cells its empty header slots imply.

    An empty slot with a header below it and a header to its left in the same row is covered
    by that left header (てん補限度額 over 賠償損害 | 費用損害); an empty slot under a header is
    covered by the header above it (セット名 over an empty second header row); an empty slot of
    a single header row takes the header to its left, as a colspan would leave it.
    """
    found = dict(owners)
    width = max((len(row) for row in table.rows), default=0)
    for r in range(header_rows):
        for c in range(width):
            if (r, c) in found or _slot_text(table, r, c).strip():
                continue
            left = next(
                (k for k in range(c - 1, -1, -1) if (r, k) in found or _slot_text(table, r, k).strip()), None
            )
            below = r + 1 < header_rows and bool(_slot_text(table, r + 1, c).strip())
            above = r > 0 and ((r - 1, c) in found or bool(_slot_text(table, r - 1, c).strip()))
            if left is not None and (below or (not above and header_rows == 1)):
                found[(r, c)] = found.get((r, left), (r, left))
            elif above:
                found[(r, c)] = found.get((r - 1, c), (r - 1, c))
    return found


@dataclass(frozen=True)
class TableView:
    """A table with its header structure resolved: slot owners, header rows and header paths."""

    table: Table
    header_rows: int
    owners: Mapping[Slot, Slot]

    def origin(self, row: int, col: int) -> Slot:
        """Given a slot, return the slot of the cell that covers it (itself when not merged)."""
        return self.owners.get((row, col), (row, col))

    def text(self, row: int, col: int) -> str:
        """Given a slot, return the verbatim text of the cell covering it."""
        r, c = self.origin(row, col)
        return _slot_text(self.table, r, c)

    def column_header_path(self, row: int, col: int) -> tuple[str, ...]:
        """Given a slot, return the header cells' texts over its column, top-down, each merged
        header once (a spanning header governs every column beneath it)."""
        path: list[str] = []
        seen: set[Slot] = set()
        for r in range(min(row, self.header_rows)):
            slot = self.origin(r, col)
            text = _slot_text(self.table, *slot).strip()
            if text and slot not in seen:
                seen.add(slot)
                path.append(text)
        return tuple(path)

    def row_header_path(self, row: int, col: int, is_label: Callable[[str], bool]) -> tuple[str, ...]:
        """Given a slot and a test of label text, return the label cells left of it in its row,
        left to right, through row spans (a row group's cell governs every row it spans)."""
        path: list[str] = []
        seen: set[Slot] = set()
        for c in range(col):
            slot = self.origin(row, c)
            text = _slot_text(self.table, *slot)
            if slot not in seen and slot[1] < col and text.strip() and is_label(text):
                seen.add(slot)
                path.append(text)
        return tuple(path)


def table_to_view(table: Table, header_rows: int | None = None) -> TableView:
    """Given a table (and its header row count when the caller reads it from the content),
    return its view: declared spans, else spans inferred from its empty header slots."""
    rows = declared_header_rows(table) if header_rows is None else header_rows
    owners = declared_owners(table)
    if not declares_spans(table):
        owners = inferred_header_owners(table, rows, owners)
    return TableView(table=table, header_rows=rows, owners=MappingProxyType(owners))


# ---------------------------------------------------------------------------------------
# A grid whose columns run onto the next page


def continues_columns(previous: Table, table: Table, is_label: Callable[[str], bool]) -> bool:
    """Given two tables in reading order and a test of label text, return whether the second holds
    more columns of the first printed on the next page: as many rows, none headed by a label,
    its figures on rows where the first has labels (a grid wider than the page)."""
    if table.page != previous.page + 1 or len(table.rows) != len(previous.rows):
        return False
    first = [row[0].text if row else "" for row in table.rows]
    filled = [i for i, text in enumerate(first) if text.strip()]
    return (
        bool(filled)
        and not any(is_label(first[i]) for i in filled)
        and all(any(cell.text.strip() for cell in previous.rows[i]) for i in filled)
        and any(previous.rows[i] and is_label(previous.rows[i][0].text) for i in filled)
    )


def _row_shape(row: Sequence[Cell]) -> tuple[str, ...]:
    """Given a table row, return what each cell holds: "" nothing, "9" a figure, "a" text only."""
    return tuple("9" if any(ch.isdigit() for ch in c.text) else "a" if c.text.strip() else "" for c in row)


def continues_rows(previous: Table, table: Table) -> bool:
    """Given two tables in reading order, return whether the second holds more rows of the first
    on the next page, its header not repeated: its first row holds what the first's last holds,
    cell by cell (a label, a figure or nothing)."""
    if table.page != previous.page + 1 or not table.rows or not previous.rows:
        return False
    return _row_shape(table.rows[0]) == _row_shape(previous.rows[-1]) and "9" in _row_shape(table.rows[0])


def join_rows(previous: Table, table: Table) -> Table:
    """Given a table and the rows continuing it on the next page, return one table whose rows
    keep the page they are printed on."""
    later = tuple(tuple(replace(c, page=c.page or table.page) for c in row) for row in table.rows)
    return replace(previous, rows=previous.rows + later)


def join_columns(previous: Table, table: Table) -> Table:
    """Given a table and the columns continuing it on the next page, return one table: each row
    extended by its continuation's cells, which keep the page they are printed on."""
    rows = tuple(
        tuple(
            replace(cell, page=cell.page or part.page)
            for part, cells in ((previous, left), (table, right))
            for cell in cells
        )
        for left, right in zip(previous.rows, table.rows, strict=True)
    )
    return replace(previous, rows=rows)


#: a footnote mark inside a cell or line: ※, ※1, (※2), *1, (*2), 注, (注1), markdown's [^1]
NOTE_MARK = re.compile(r"\(?(?:※|\*|＊|注)\s*\d{0,2}\)?|\[\^\w{1,8}\]")
#: text after a mark at least this long is the note itself, printed inside the cell
NOTE_MIN_CHARS = 8


def note_free(text: str) -> str:
    """Given a header or label cell's text, return it without a note printed after its mark
    (費用特約部分(*2)謝罪の見舞金…は500円が限度 → 費用特約部分): what the header names."""
    for match in NOTE_MARK.finditer(text):
        if match.start() > 0 and len(text) - match.end() >= NOTE_MIN_CHARS:
            return text[: match.start()].strip()
    return text


# ---------------------------------------------------------------------------------------
# The heading tree: levels stated by the source (HTML, markdown) or read from type size (PDF)


@dataclass(frozen=True)
class HeadingSettings:
    """When a PDF line whose source states no level is a heading, told by its type size."""

    #: a line set at least this many times larger than the body type is a heading
    size_ratio: float = 1.2
    #: longer lines are running text whatever their size (a lead paragraph set large)
    max_chars: int = 40
    #: sizes closer than this (points) are one heading level
    size_step: float = 0.75
    #: ends of sentences: a line holding one is no heading
    sentence_ends: str = "。．"


def body_size(lines: Sequence[Line]) -> float | None:
    """Given lines, return the type size most of their characters are set in, or None if none is known."""
    sized = [(line.size, len(line.text)) for line in lines if line.size is not None]
    if not sized:
        return None
    weights: dict[float, int] = {}
    for size, chars in sized:
        weights[size] = weights.get(size, 0) + chars
    return max(sorted(weights), key=lambda size: weights[size])


def size_levels(lines: Sequence[Line], settings: HeadingSettings = HeadingSettings()) -> list[int | None]:
    """Given a document's lines, return each line's heading level read from its type size (None
    for body text): the largest heading size is level 1, each smaller one a level deeper."""
    body = body_size(lines)
    if body is None:
        return [None] * len(lines)

    def is_heading(line: Line) -> bool:
        text = line.text.strip()
        return (
            line.size is not None
            and line.size >= settings.size_ratio * body
            and 0 < len(text) <= settings.max_chars
            and not any(mark in text for mark in settings.sentence_ends)
        )

    sizes: list[float] = []
    for size in sorted({line.size for line in lines if is_heading(line) and line.size}, reverse=True):
        if not sizes or sizes[-1] - size > settings.size_step:
            sizes.append(size)

    def level(size: float) -> int:
        return 1 + sum(1 for s in sizes[1:] if size <= s + settings.size_step / 2)

    return [level(line.size) if is_heading(line) and line.size else None for line in lines]


#: a run-in heading: an enumerated title, a full-width space, then running text on the same line
#: ((1)賠償責任に関する補償　サイバー事故により他人…); the text after it holds no figure, so a
#: label and its value (① 調査費用　2,000万円) stay one line
_RUN_IN = re.compile(
    r"^\s*(?:[(（][\d０-９]{1,2}[)）]|[\d０-９]{1,2}[.．]|[\u2460-\u2473])[^\u3000。:：]{2,38}?(?=\u3000+[^\d０-９\s]{4})"
)


def split_run_in(line: Line) -> tuple[Line, ...]:
    """Given a line, return it as its run-in heading and the running text after it, or as itself."""
    m = _RUN_IN.match(line.text)
    body = line.text[m.end() :].lstrip("\u3000") if m else ""
    if m is None or re.search(r"[\d０-９]", body):
        return (line,)
    return replace(line, text=m.group(0).strip()), replace(line, text=body)


def document_to_leveled(document: Document, settings: HeadingSettings = HeadingSettings()) -> Document:
    """Given a read Document, return it with run-in headings on lines of their own and a heading level
    on every heading line: the source's own where it states one, else one read from type size (PDF)."""
    split = [tuple(part for line in page.lines for part in split_run_in(line)) for page in document.pages]
    if any(len(lines) != len(page.lines) for lines, page in zip(split, document.pages, strict=True)):
        pages = tuple(replace(page, lines=lines) for page, lines in zip(document.pages, split, strict=True))
        document = replace(document, pages=pages)
    lines = list(document.iter_lines())
    if any(line.level is not None for line in lines):
        return document
    levels = iter(size_levels(lines, settings))
    pages = tuple(
        replace(page, lines=tuple(replace(line, level=next(levels)) for line in page.lines))
        for page in document.pages
    )
    return replace(document, pages=pages)


def lines_to_heading_paths(lines: Sequence[Line]) -> list[tuple[str, ...]]:
    """Given lines in reading order, return each line's heading path: the texts of the headings
    it sits under, outermost first (a heading's own path ends with itself)."""
    stack: list[tuple[int, str]] = []
    paths: list[tuple[str, ...]] = []
    for line in lines:
        if line.level is not None:
            while stack and stack[-1][0] >= line.level:
                stack.pop()
            stack.append((line.level, line.text.strip()))
        paths.append(tuple(text for _, text in stack))
    return paths


# ---------------------------------------------------------------------------------------
# Footnotes: a mark on a label, header or value (※1, (*2), 注1) resolved to its note

#: a footnote mark in NFKC text: ※ / ※1, *1 / (*2) (a bare * is emphasis), (注) / 注1; a
#: number is one or two digits no figure continues (※ 1,190,000 is a bare ※ before a figure)
_NUMBER = r"\d{1,2}(?![\d,.])"
_MARK = (
    rf"(?:(?P<a>※)\s*(?P<an>{_NUMBER})?|(?P<b>\*)\s*(?P<bn>{_NUMBER})"
    rf"|\(\s*(?P<c>注)\s*(?P<cn>{_NUMBER})?\s*\)|(?P<d>注)\s*(?P<dn>{_NUMBER}))"
)
_MARK_IN_TEXT = re.compile(rf"\(?{_MARK}\)?")
_NOTE_OPENING = re.compile(rf"^\s*\(?{_MARK}\)?\s*[:.、]?\s*")
#: a note's text after its mark is at least this long (a lone ※ line is a mark, not a note)
NOTE_TEXT_MIN_CHARS = 4


@dataclass(frozen=True)
class Note:
    """A footnote: its mark's key (※1, *2, 注1; ※ for a bare ※), its verbatim line, where it is."""

    key: str
    text: str
    page: int


def _mark_key(match: re.Match[str]) -> str:
    """Given a match of a footnote mark, return its key: the mark's kind and its number, if any."""
    kind = next(k for k in "abcd" if match.group(k))
    return match.group(kind) + (match.group(kind + "n") or "")


def line_to_note(line: Line) -> Note | None:
    """Given a line, return the note it states when it opens with a footnote mark, else None."""
    match = _NOTE_OPENING.match(line.norm)
    if match is None or len(line.norm) - match.end() < NOTE_TEXT_MIN_CHARS:
        return None
    return Note(key=_mark_key(match), text=line.text.strip(), page=line.page)


def document_to_notes(document: Document) -> tuple[Note, ...]:
    """Given a Document, return its footnotes in reading order."""
    return tuple(note for line in document.iter_lines() if (note := line_to_note(line)))


def text_to_marks(norm: str) -> tuple[str, ...]:
    """Given NFKC text that is not itself a note, return the keys of the footnote marks in it."""
    if _NOTE_OPENING.match(norm):
        return ()
    return tuple(dict.fromkeys(_mark_key(m) for m in _MARK_IN_TEXT.finditer(norm)))


def mark_to_note(key: str, page: int, notes: Sequence[Note]) -> Note | None:
    """Given a mark's key, the page it is printed on and the document's notes, return its note:
    on the same page first (numbering restarts per page), else the first later page, else any;
    a note of another kind with the same number (※2 for (*2)) only when none of its own kind is."""
    number = key.lstrip("※*注")
    same = [n for n in notes if n.key == key] or [
        n for n in notes if number and n.key.lstrip("※*注") == number
    ]
    ranked = sorted(same, key=lambda n: (n.page != page, n.page < page, abs(n.page - page)))
    return ranked[0] if ranked else None


def text_to_notes(norm: str, page: int, notes: Sequence[Note]) -> tuple[Note, ...]:
    """Given NFKC text, its page and the document's notes, return the notes its marks refer to."""
    found = (mark_to_note(key, page, notes) for key in text_to_marks(norm))
    return tuple(dict.fromkeys(n for n in found if n is not None))
