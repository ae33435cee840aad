"""The text reader: plain text or markdown → one-page Document.

Lines are kept verbatim (stripped), one per non-empty source line, because evidence must be
found in the document text. Three structures are recognised:

- markdown pipe tables (a row, a `---|---` separator, more rows) → a Table;
- space-aligned tables (a header of 3+ figure-free fields, then rows whose fields start under
  the header's, a label wrapped onto lines of its own) → a Table of the header's columns;
- tab-separated rows (2+ consecutive lines with tabs, or one line with 2+ tabs) → a Table;
- comma-separated rows (an export: 2+ consecutive lines of the same 3+ fields, quoted fields
  read as CSV, a comma inside a figure such as 1,000 no delimiter) → a Table, its header the
  rows above the first with a digit;
- HTML fragments pasted into the text (`<h2>…</h2> <p>…</p> <table>…`) → rendered with the
  HTML reader's machinery: their blocks become lines and their <table>s become Tables.

Table rows appear in `lines` as their non-empty cells joined by CELL_SEPARATOR.
"""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from extractors.document import CELL_SEPARATOR, Cell, Document
from extractors.errors import BrochureError
from extractors.readers._bytes import Decoded, bytes_to_decoded, read_bytes
from extractors.readers.html import Rendered, render_markup, rendered_to_page
from extractors.readers.pdf import join_wrapped
from extractors.readers.quality import text_warnings

#: tags whose presence makes a line an HTML fragment; a closed list so that `<https://…>`
#: (a markdown autolink) or `<注>` stays plain text
HTML_FRAGMENT_TAGS = (
    "a|abbr|b|blockquote|br|caption|center|dd|div|dl|dt|em|font|h[1-6]|hr|i|img|li|ol|p|pre|section"
    "|small|span|strong|sub|sup|table|tbody|td|tfoot|th|thead|tr|u|ul"
)
_HTML_TAG = re.compile(rf"</?(?:{HTML_FRAGMENT_TAGS})(?:\s[^<>]*)?/?>", re.IGNORECASE)
_PIPE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")
_HEADING_MARK = re.compile(r"^\s{0,3}#{1,6}\s+")
_EMPHASIS_MARK = re.compile(r"(\*\*|__)")
MARKDOWN_SUFFIXES = (".md", ".markdown")
#: the underline of a setext heading (a line of = or of -, three or more)
_SETEXT_UNDERLINE = re.compile(r"^\s{0,3}(=+|-{3,})\s*$")
#: a comma that delimits fields: not one between a digit and three more (1,000 is one figure)
_COMMA_DELIMITER = re.compile(r"(?<!\d),|,(?!\d{3}(?!\d))")
#: the fewest fields a comma-separated row has (two are a label and a value, prose as often)
MIN_COMMA_FIELDS = 3
#: quote marks opening a line of a quoted e-mail or a markdown block quote, nested or not
_QUOTE_MARK = re.compile(r"^[ \t]*(?:>[ \t]?)+")


@dataclass(frozen=True)
class _Block:
    """A run of source lines read as one unit: lines of text and the tables among them."""

    lines: tuple[str, ...]
    tables: tuple[tuple[tuple[Cell, ...], ...], ...] = ()


def _decode(data: bytes, source: str) -> Decoded:
    """Given file bytes, return them decoded (UTF-8, Shift_JIS/CP932 or EUC-JP), or raise BrochureError."""
    return bytes_to_decoded(
        data,
        source,
        not_text="not a text file (it holds {holds}); convert it or remove it",
        unknown_encoding="the text is not UTF-8, Shift_JIS/CP932 or EUC-JP; re-save it as UTF-8",
    )


def is_html_fragment(line: str) -> bool:
    """Given a source line, return whether it carries HTML markup to be rendered."""
    return _HTML_TAG.search(line) is not None


def is_pipe_separator(line: str) -> bool:
    """Given a source line, return whether it is a markdown table separator such as `---|---|`."""
    return "|" in line and _PIPE_SEPARATOR.match(line) is not None


def pipe_cells(line: str) -> tuple[str, ...]:
    """Given a markdown table row, return its cells (outer pipes optional, cells stripped)."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return tuple(cell.strip() for cell in body.split("|"))


def tab_cells(line: str) -> tuple[str, ...]:
    """Given a tab-separated source line, return its cells stripped (leading empty cells kept)."""
    return tuple(cell.strip() for cell in line.rstrip("\r\n").split("\t"))


def comma_cells(line: str) -> tuple[str, ...]:
    """Given a comma-separated source line, return its cells as CSV reads them (quotes removed), stripped."""
    return tuple(cell.strip() for cell in next(csv.reader([line.rstrip("\r\n")])))


def comma_width(line: str) -> int:
    """Given a source line, return its field count when commas delimit it (3+ fields), else 0."""
    if not _COMMA_DELIMITER.search(line) or is_html_fragment(line):
        return 0
    width = len(comma_cells(line))
    return width if width >= MIN_COMMA_FIELDS else 0


def _row_line(cells: tuple[str, ...]) -> str:
    """Given a table row's cells, return the row as one line of its non-empty cells."""
    return CELL_SEPARATOR.join(cell for cell in cells if cell)


def _table_block(rows: list[tuple[str, ...]], header_rows: int = 0) -> _Block:
    """Given table rows (the first `header_rows` of them a header the source marks), return the
    block holding the Table and one line per non-empty row."""
    kept = [(r < header_rows, row) for r, row in enumerate(rows) if any(row)]
    grid = tuple(tuple(Cell(text, header=header) for text in row) for header, row in kept)
    return _Block(lines=tuple(_row_line(row) for _, row in kept), tables=(grid,) if grid else ())


def _pipe_table_end(lines: list[str], start: int) -> int:
    """Given source lines and the index of a header row followed by a separator, return the end index."""
    end = start + 2
    while end < len(lines) and "|" in lines[end] and lines[end].strip():
        end += 1
    return end


def _pipe_run_end(lines: list[str], start: int) -> int:
    """Given source lines and an index, return the end of the separator-less pipe table starting
    there (start if none): lines up to a blank one, as GFM reads a table, back to the last with a pipe."""
    if not lines[start].lstrip().startswith("|"):
        return start
    end = start
    while end < len(lines) and lines[end].strip() and not is_html_fragment(lines[end]):
        end += 1
    while end > start and "|" not in lines[end - 1]:
        end -= 1
    return end


def pipe_run_rows(run: list[str]) -> list[tuple[str, ...]]:
    """Given the lines of a pipe table whose rows break across lines, return its rows: a row
    starts at a line opening with a pipe after one closing with a pipe; other line breaks fall
    inside a row. A short row above the first with a figure is a header row under row-spanned
    cells: its cells take the rightmost slots."""
    texts: list[str] = []
    for line in (raw.strip() for raw in run):
        if texts and not (texts[-1].endswith("|") and line.startswith("|")):
            texts[-1] = join_wrapped([texts[-1], line])
        else:
            texts.append(line)
    rows = [pipe_cells(text) for text in texts]
    width = max(len(row) for row in rows)
    first_data = next((i for i, t in enumerate(texts) if re.search(r"\d", t)), len(rows))
    return [
        (("",) * (width - len(row)) + row) if i < first_data else row + ("",) * (width - len(row))
        for i, row in enumerate(rows)
    ]


def _tab_table_end(lines: list[str], start: int) -> int:
    """Given source lines and an index, return the end of the tab-table starting there (start if none)."""
    end = start
    while end < len(lines) and "\t" in lines[end].strip("\r\n") and not is_html_fragment(lines[end]):
        end += 1
    if end - start >= 2 or (end - start == 1 and lines[start].strip("\r\n").count("\t") >= 2):
        return end
    return start


def _comma_table_end(lines: list[str], start: int) -> int:
    """Given source lines and an index, return the end of the comma-separated table starting there
    (start if none): consecutive lines with the same field count, two at least."""
    width, end = comma_width(lines[start]), start
    while width and end < len(lines) and comma_width(lines[end]) == width:
        end += 1
    return end if end - start >= 2 else start


#: a field of a space-aligned line: words apart by single spaces (a wider gap ends the field)
_ALIGNED_FIELD = re.compile(r"\S+(?:[ \u3000]\S+)*")
#: a ruling line inside a space-aligned table (─, ━, ―, -)
_RULE = re.compile(r"^[\s\u2500-\u257f\u2014\u2015=-]+$")
#: how far (in display columns) a row's field may start from its column header's start
ALIGN_TOLERANCE = 2


def aligned_fields(line: str) -> list[tuple[int, int, str]]:
    """Given a source line, return its fields with the display columns each starts and ends at (a
    full-width character counts two, as a brochure aligned in a monospace font does)."""
    width = [2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line]
    at = list(itertools.accumulate(width, initial=0))
    return [(at[m.start()], at[m.end()], m.group(0)) for m in _ALIGNED_FIELD.finditer(line)]


def column_of(start: int, end: int, header: list[tuple[int, int, str]]) -> int | None:
    """Given a field's display span and the header's fields, return the column it stands in: the one
    header field it overlaps (a right-aligned figure ends under its header's end, a label starts
    under its header), else one starting within ALIGN_TOLERANCE of it; None where it overlaps two
    (running text laid out with gaps) or stands under none."""
    overlapped = [c for c, (h_start, h_end, _) in enumerate(header) if start < h_end and h_start < end]
    if len(overlapped) == 1:
        return overlapped[0]
    near = [c for c, (h_start, _, _) in enumerate(header) if abs(h_start - start) <= ALIGN_TOLERANCE]
    return near[0] if not overlapped and near else None


def aligned_rows(lines: list[str], start: int) -> tuple[int, list[tuple[str, ...]]]:
    """Given source lines and an index, return the end and rows (header first) of the space-aligned
    table starting there, or (start, []): a header names 3+ columns without a figure; each row's
    fields stand under header fields; a lone field under the first column only continues the label."""
    header = aligned_fields(lines[start])
    if len(header) < 3 or re.search(r"[\d０-９|\t]", lines[start]):
        return start, []
    rows: list[list[str]] = [[text for _, _, text in header]]
    end = start + 1
    while end < len(lines) and lines[end].strip():
        fields = aligned_fields(lines[end])
        cols = [column_of(at, to, header) for at, to, _ in fields]
        if _RULE.match(lines[end]):
            pass
        elif len(fields) >= 2 and None not in cols:
            row = [""] * len(header)
            for col, (_, _, text) in zip(cols, fields, strict=True):
                row[col or 0] = f"{row[col or 0]} {text}".strip()
            rows.append(row)
        elif cols == [0] and len(rows) > 1:
            rows[-1][0] += fields[0][2]
        else:
            break
        end += 1
    return (end, [tuple(row) for row in rows]) if len(rows) >= 3 else (start, [])


#: the vertical rules of a box-drawn table (│ ┃ ║), which part its cells
_BOX_WALL = re.compile("[\u2502\u2503\u2551]")


def _is_box_line(line: str) -> bool:
    """Given a source line, return whether it is a line of a box-drawn table (┌──┬──┐, │ a │ b │)."""
    body = line.strip()
    return bool(body) and "\u2500" <= body[0] <= "\u257f"


def box_rows(lines: list[str], start: int) -> tuple[int, list[tuple[str, ...]]]:
    """Given source lines and an index, return the end and rows of the box-drawn table starting
    there, or (start, []): the walls (│) part the cells, a rule line (├──┼──┤) ends a row, and
    the lines between two rules are one row whose cells wrap (賠償責任 / （一請求・期間中）)."""
    end, rows, pending = start, list[tuple[str, ...]](), list[list[str]]()
    while end < len(lines) and _is_box_line(lines[end]):
        if _RULE.match(lines[end]):
            rows.extend(_wrapped_row(pending))
            pending = []
        else:
            pending.append([cell.strip(" \u3000") for cell in _BOX_WALL.split(lines[end].strip())[1:-1]])
        end += 1
    rows.extend(_wrapped_row(pending))
    return (end, rows) if len(rows) >= 2 else (start, [])


def _wrapped_row(lines: list[list[str]]) -> list[tuple[str, ...]]:
    """Given the cells of the lines of one box-drawn row, return the row (each cell's lines joined)."""
    if not lines:
        return []
    width = max(len(cells) for cells in lines)
    return [tuple(join_wrapped(cells[c] for cells in lines if c < len(cells)) for c in range(width))]


def _fragment_block(line: str) -> _Block:
    """Given a line with HTML markup (possibly tab-separated parts), return its rendered block."""
    lines: list[str] = []
    tables: list[tuple[tuple[Cell, ...], ...]] = []
    for part in line.split("\t"):
        rendered: Rendered = render_markup(part) if is_html_fragment(part) else Rendered((part.strip(),), ())
        lines.extend(text for text in rendered.lines if text)
        tables.extend(rendered.tables)
    return _Block(lines=tuple(lines), tables=tuple(tables))


_TABLE_OPEN = re.compile(r"<table(?:\s[^<>]*)?>", re.IGNORECASE)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)


def html_table_end(lines: list[str], start: int) -> int:
    """Given source lines and an index, return the end of the raw HTML <table> opening there and
    written over several lines (through its matching </table>), or start + 1 if none opens."""
    depth, end = 0, start
    while end < len(lines):
        depth += len(_TABLE_OPEN.findall(lines[end])) - len(_TABLE_CLOSE.findall(lines[end]))
        end += 1
        if depth <= 0:
            break
    return end if end - start > 1 and depth <= 0 else start + 1


def _markup_block(markup: str) -> _Block:
    """Given a multi-line HTML fragment (a raw <table> in markdown), return it rendered as one block
    by the HTML reader, so that its rows, spans and header cells survive."""
    rendered = render_markup(markup)
    return _Block(lines=tuple(text for text in rendered.lines if text), tables=rendered.tables)


def unquote(line: str) -> str:
    """Given a source line, return it without e-mail / markdown quote marks (`> `, `>> `)."""
    return _QUOTE_MARK.sub("", line)


def text_to_blocks(text: str) -> list[_Block]:
    """Given the whole decoded text, return its blocks in order (plain lines, tables, fragments)."""
    # a forwarded brochure is quoted line by line: the quote marks are no part of its text
    lines = [unquote(line) for line in text.splitlines()]
    blocks: list[_Block] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if index + 1 < len(lines) and "|" in line and is_pipe_separator(lines[index + 1]):
            end = _pipe_table_end(lines, index)
            rows = [pipe_cells(line)] + [pipe_cells(row) for row in lines[index + 2 : end]]
            blocks.append(_table_block(rows, header_rows=1))
            index = end
            continue
        end = _pipe_run_end(lines, index)
        rows = pipe_run_rows(lines[index:end]) if end - index >= 2 else []
        if sum(1 for row in rows if sum(1 for cell in row if cell) >= 2) >= 2:
            first_data = next((i for i, row in enumerate(rows) if re.search(r"\d", "".join(row))), 1)
            blocks.append(_table_block(rows, header_rows=first_data))
            index = end
            continue
        end, aligned = box_rows(lines, index)
        if not aligned:
            end, aligned = aligned_rows(lines, index)
        if aligned:
            blocks.append(_table_block(aligned, header_rows=1))
            index = end
            continue
        end = _comma_table_end(lines, index)
        if end > index:
            rows = [comma_cells(row) for row in lines[index:end]]
            first_data = next((i for i, row in enumerate(rows) if re.search(r"\d", "".join(row))), 0)
            blocks.append(_table_block(rows, header_rows=first_data))
            index = end
            continue
        end = _tab_table_end(lines, index)
        if end > index:
            blocks.append(_table_block([tab_cells(row) for row in lines[index:end]]))
            index = end
            continue
        if (end := html_table_end(lines, index)) > index + 1:
            blocks.append(_markup_block("\n".join(lines[index:end])))
            index = end
            continue
        if is_html_fragment(line):
            blocks.append(_fragment_block(line))
        elif line.strip():
            blocks.append(_Block(lines=(line.strip(),)))
        index += 1
    return blocks


def markdown_level(line: str) -> int | None:
    """Given a source line, return its markdown heading level (`## 補償内容` → 2), or None."""
    match = _HEADING_MARK.match(line)
    return match.group().count("#") if match else None


def lines_to_levels(lines: Sequence[str], markdown: bool) -> tuple[int | None, ...]:
    """Given a document's lines and whether it is markdown, return each one's heading level:
    `# …` marks, and in markdown a line underlined with `===` (1) or `---` (2), a setext heading
    (in plain text such a line is a rule under a total)."""
    levels = [markdown_level(line) for line in lines]
    for i, (line, under) in enumerate(itertools.pairwise(lines) if markdown else ()):
        heading = levels[i] is None and line.strip() and not _SETEXT_UNDERLINE.match(line)
        if heading and (match := _SETEXT_UNDERLINE.match(under)):
            levels[i] = 1 if match.group(1).startswith("=") else 2
    return tuple(levels)


def text_title(lines: tuple[str, ...]) -> str | None:
    """Given the document's lines, return the title: the first line, without heading/emphasis marks."""
    for line in lines:
        title = _EMPHASIS_MARK.sub("", _HEADING_MARK.sub("", line)).strip()
        if title:
            return title
    return None


def read(path: Path) -> Document:
    """Given a text or markdown file, return its one-page Document, or raise BrochureError."""
    source = str(path)
    decoded = _decode(read_bytes(path), source)
    blocks = text_to_blocks(decoded.text)
    lines = tuple(line for block in blocks for line in block.lines)
    rendered = Rendered(
        lines=lines,
        tables=tuple(table for block in blocks for table in block.tables),
        levels=lines_to_levels(lines, markdown=path.suffix.lower() in MARKDOWN_SUFFIXES),
    )
    if not rendered.lines:
        raise BrochureError(
            "the file has no text (only whitespace); re-export the brochure text",
            stage="read",
            source=source,
        )
    return Document(
        source=source,
        source_format="text",
        pages=(page := rendered_to_page(rendered),),
        title=text_title(rendered.lines),
        warnings=(*decoded.warnings, *text_warnings([page])),
    )
