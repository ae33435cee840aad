"""The HTML reader: a brochure web page → one-page Document (lxml).

The page is rendered to text the way a reader sees it: block elements start new lines,
inline elements run together without inserted spaces (Japanese has none between words),
<br> breaks a line, each <li> is a line, and each data table becomes a Table plus one line
per row (cells joined by CELL_SEPARATOR) at the table's place. A table drawn without <table>
is read the same way: ARIA table roles (table / row / cell, header roles, aria-colspan and
aria-rowspan), or a CSS grid of cell-like <div>s placed on its tracks (`css_grid`).
Navigation, scripts and styles are dropped; headers and footers are kept because the
insurer's name and contact details usually live there.

`render_markup` is also used by the text reader for HTML fragments inside plain text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import lxml.etree
import lxml.html

from extractors.document import CELL_SEPARATOR, Cell, Document, Line, Page, Table
from extractors.errors import BrochureError
from extractors.readers._bytes import Decoded, bytes_to_decoded, read_bytes
from extractors.readers.css_grid import (
    GridItem,
    StyleSheet,
    column_placement,
    computed_style,
    parse_style_sheet,
    place,
    row_span,
    track_count,
)
from extractors.readers.quality import text_warnings

#: elements whose content is never shown as page text
DROPPED_TAGS = frozenset(
    {"script", "style", "noscript", "template", "svg", "math", "iframe", "nav", "object", "canvas"}
    | {"select", "datalist", "head", "button"}
    # ruby readings (furigana):争訟<rt>そうしょう</rt>費用 reads 争訟費用
    | {"rt", "rp"}
)

#: HTML5 void elements: libxml2 does not know all of them (<embed>) and nests what follows inside
#: them, so their "content" is the page's and is rendered as if they were not there
VOID_TAGS = frozenset({"embed", "source", "track", "wbr", "param", "keygen", "area", "col", "img", "input"})

#: elements that start and end a line (everything else runs inline)
BLOCK_TAGS = frozenset(
    {"address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "div"}
    | {"dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5"}
    | {"h6", "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "ol", "p", "pre"}
    | {"section", "summary", "ul", "caption", "tr", "td", "th", "thead", "tbody", "tfoot", "table"}
    | {"option", "label", "output", "noframes", "frameset", "frame"}
)

HEADING_TAGS = ("h1", "h2", "h3", "h4", "h5", "h6")

#: ARIA roles of a table container, of the cells of its rows, and of its header cells
TABLE_ROLES = frozenset({"table", "grid", "treegrid"})
CELL_ROLES = frozenset({"cell", "gridcell", "columnheader", "rowheader"})
HEADER_ROLES = frozenset({"columnheader", "rowheader"})

#: containers whose children keep their own reading (list items, terms and definitions) when the
#: page lays them out on a CSS grid: the reader renders them as it would without the grid
LIST_TAGS = frozenset({"dl", "ul", "ol", "menu"})

#: a span larger than this is a typo or an attack, not a layout
_MAX_SPAN = 64

_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_\-:.]+)", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
#: elements the parser reads as raw text up to their end tag: one left unclosed takes in the
#: rest of the page (browsers show nothing after it)
RAW_TEXT_TAGS = ("script", "style", "title", "textarea", "iframe", "noembed", "noframes", "xmp")
_RAW_TEXT_OPEN = re.compile(rf"<({'|'.join(RAW_TEXT_TAGS)})(?=[\s/>])[^>]*>", re.IGNORECASE)
#: the start tag of a block of page text: where the text after an unclosed raw-text element resumes
_BLOCK_OPEN = re.compile(
    r"<(?:p|div|table|h[1-6]|ul|ol|li|dl|dt|dd|tr|section|article|main|header|footer|br|hr)(?=[\s/>])",
    re.IGNORECASE,
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


@dataclass(frozen=True)
class Rendered:
    """Rendered text of some markup: lines in reading order (table rows included) and the tables."""

    lines: tuple[str, ...]
    tables: tuple[tuple[tuple[Cell, ...], ...], ...]
    #: each line's heading level (h1 → 1 … h6 → 6, None for other text); () when none is known
    levels: tuple[int | None, ...] = ()


@dataclass
class _Sink:
    """Mutable collector used while walking one tree; never leaves this module."""

    lines: list[str] = field(default_factory=list)
    tables: list[tuple[tuple[Cell, ...], ...]] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)
    preformatted: int = 0
    levels: list[int | None] = field(default_factory=list)
    heading: int | None = None  # the level of the h1–h6 being walked
    #: the page's style rules (CSS grid tables are read through them)
    sheet: StyleSheet = field(default_factory=StyleSheet)
    #: walking a table cell: a table inside it is no part of the cell's text (the outer table
    #: renders it after the cell's row, as a table of its own)
    in_cell: bool = False

    def text(self, value: str | None) -> None:
        """Given a text node's content, append it to the current line (splitting lines inside <pre>)."""
        if not value:
            return
        if not self.preformatted:
            self.buffer.append(value)
            return
        first, *rest = value.split("\n")
        self.buffer.append(first)
        for piece in rest:
            self.flush()
            self.buffer.append(piece)

    def flush(self) -> None:
        """Given nothing, end the current line (dropped if empty)."""
        line = self._current()
        self.buffer.clear()
        if line:
            self.lines.append(line)
            self.levels.append(self.heading)

    def add_table_line(self, line: str) -> None:
        """Given a table row rendered as one line, end the current line and add the row after it."""
        self.flush()
        if line:
            self.lines.append(line)
            self.levels.append(None)

    def _current(self) -> str:
        """Given nothing, return the current line's text, whitespace collapsed (kept inside <pre>)."""
        raw = "".join(self.buffer)
        if self.preformatted:
            return raw.replace("\t", " ").strip()
        return collapse_space(raw)


def collapse_space(text: str) -> str:
    """Given raw markup text, return it with runs of ASCII whitespace made one space, ends stripped."""
    return _ASCII_SPACE.sub(" ", text).strip()


def _tag(element: lxml.etree._Element) -> str | None:
    """Given a tree node, return its lower-case tag name, or None for comments and instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    return tag.rsplit("}", 1)[-1].lower()


def _is_hidden(element: lxml.etree._Element) -> bool:
    """Given an element, return whether the author hid it (hidden attribute or display:none)."""
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    return bool(_HIDDEN_STYLE.search(element.get("style") or ""))


_NOTE_REFERENCE = re.compile(r"\s*([※*＊†‡]?)\s*(\d{1,2})?\s*")


def note_reference(text: str) -> str | None:
    """Given a superscript's text, return it as a note mark (5 → ※5, *2 → *2), or None if it is no mark."""
    match = _NOTE_REFERENCE.fullmatch(text)
    if match is None or not (match.group(1) or match.group(2)):
        return None
    return (match.group(1) or "※") + (match.group(2) or "")


def _walk(element: lxml.etree._Element, sink: _Sink) -> None:
    """Given an element and a sink, render the element's content (not its tail) into the sink."""
    tag = _tag(element)
    if tag is None or tag in DROPPED_TAGS or (tag not in VOID_TAGS and _is_hidden(element)):
        return
    if tag == "br":
        sink.flush()
        return
    if tag == "sup" and (mark := note_reference("".join(str(t) for t in element.itertext()))):
        sink.text(f" {mark} ")  # apart from the figure it marks: <sup>5</sup>500万円 is not 5500万円
        return
    if tag == "table":
        if sink.in_cell:
            return
        sink.flush()
        _render_table(element, sink)
        sink.flush()
        return
    if (grid := _aria_grid(element, sink) or _css_grid(element, sink)) is not None:
        sink.flush()
        _add_grid(grid, sink)
        sink.flush()
        return
    block = tag in BLOCK_TAGS
    if block:
        sink.flush()
    if tag == "pre":
        sink.preformatted += 1
    outer = sink.heading
    if tag in HEADING_TAGS:
        sink.heading = int(tag[1])
    sink.text(element.text)
    for child in element:
        _walk(child, sink)
        sink.text(child.tail)
    if tag == "pre":
        sink.preformatted -= 1
    if block:
        sink.flush()
    sink.heading = outer


def _own_rows(table: lxml.etree._Element) -> Iterator[lxml.etree._Element]:
    """Given a <table>, return its own <tr> elements in order, skipping rows of nested tables."""
    for row in table.iter("tr"):
        if next(row.iterancestors("table"), None) is table:
            yield row


def _span(cell: lxml.etree._Element, name: str) -> int:
    """Given a cell and "colspan"/"rowspan", return the span (or its aria- twin's) as a sane
    positive int (1 if absent)."""
    match = re.match(r"\s*(\d+)", cell.get(name) or cell.get(f"aria-{name}") or "")
    return min(max(int(match.group(1)), 1), _MAX_SPAN) if match else 1


def _has_nested_table(table: lxml.etree._Element) -> bool:
    """Given a <table>, return whether another table sits inside it."""
    return next(table.iterdescendants("table"), None) is not None


def _is_header(cell: lxml.etree._Element) -> bool:
    """Given a table cell, return whether the source declares it a header (<th>, a header role)."""
    return _tag(cell) == "th" or _role(cell) in HEADER_ROLES


def _render_cell(cell: lxml.etree._Element, sheet: StyleSheet) -> str:
    """Given a <td>/<th> (or a grid cell) and the page's style rules, return its rendered text on
    one line (its blocks joined by a space)."""
    sub = _Sink(sheet=sheet, in_cell=True)
    sub.text(cell.text)
    for child in cell:
        _walk(child, sub)
        sub.text(child.tail)
    sub.flush()
    return " ".join(sub.lines)


def _cell_grid(rows: Sequence[Sequence[lxml.etree._Element]], sheet: StyleSheet) -> list[list[Cell]]:
    """Given the cell elements of each row, return the cell grid: a merged cell in its first slot
    with its spans, the slots it covers as empty covered cells, header cells marked as headers."""
    grid: list[list[Cell]] = []
    carried: dict[int, int] = {}  # column → how many more rows a rowspan still covers
    for row in rows:
        out: list[Cell] = []
        for cell in row:
            _cover_carried(out, carried)
            colspan, rowspan = _span(cell, "colspan"), _span(cell, "rowspan")
            for offset in range(colspan):
                if rowspan > 1:
                    carried[len(out) + offset] = rowspan - 1
            text = _render_cell(cell, sheet)
            out.append(Cell(text, row_span=rowspan, col_span=colspan, header=_is_header(cell)))
            out.extend(Cell("", covered=True) for _ in range(colspan - 1))
        _cover_carried(out, carried)
        grid.append(out)
    return _clip_row_spans(grid)


def _cover_carried(out: list[Cell], carried: dict[int, int]) -> None:
    """Given a row being built and the rowspans still open per column, append a covered slot for
    each open rowspan at the row's next column."""
    while carried.get(len(out), 0) > 0:
        carried[len(out)] -= 1
        out.append(Cell("", covered=True))


def _clip_row_spans(grid: list[list[Cell]]) -> list[list[Cell]]:
    """Given a cell grid, return it with each row span cut at the table's last row (a rowspan
    larger than the rows left is common markup and covers nothing below the table)."""
    clipped: list[list[Cell]] = []
    for r, row in enumerate(grid):
        left = len(grid) - r
        clipped.append([replace(c, row_span=left) if c.row_span > left else c for c in row])
    return clipped


def _data_grid(grid: list[list[Cell]]) -> list[list[Cell]] | None:
    """Given a cell grid, return it without its empty rows, or None if it is page layout (one column)."""
    kept = [row for row in grid if any(cell.text for cell in row)]
    return kept if max((len(row) for row in kept), default=0) >= 2 else None


def _add_grid(
    grid: list[list[Cell]], sink: _Sink, inner: Sequence[Sequence[lxml.etree._Element]] = ()
) -> None:
    """Given a data grid (and the tables nested in each of its rows), add it to the sink as a
    Table plus one line per row, each row's nested tables rendered right after its line."""
    sink.tables.append(tuple(tuple(row) for row in grid))
    for r, row in enumerate(grid):
        sink.add_table_line(CELL_SEPARATOR.join(cell.text for cell in row if cell.text))
        for nested in inner[r] if r < len(inner) else ():
            _walk(nested, sink)
            sink.flush()


def _nested_tables(row: lxml.etree._Element, table: lxml.etree._Element) -> list[lxml.etree._Element]:
    """Given a row of a table, return the tables nested in its cells one level down."""
    return [t for t in row.iterdescendants("table") if next(t.iterancestors("table"), None) is table]


def _inner_by_row(
    own: Sequence[lxml.etree._Element], cells: Sequence[Sequence[Cell]], table: lxml.etree._Element
) -> list[list[lxml.etree._Element]]:
    """Given a table's own rows, their cells and the table, return the nested tables to render
    after each row the grid keeps: a row without text of its own hands its tables to the row above
    (to the first kept row where none is above)."""
    inner: list[list[lxml.etree._Element]] = []
    leading: list[lxml.etree._Element] = []
    for row, out in zip(own, cells, strict=True):
        if any(c.text for c in out):
            inner.append(leading)
            leading = []
        (inner[-1] if inner else leading).extend(_nested_tables(row, table))
    return inner


def _pairs_headers(grid: Sequence[Sequence[Cell]]) -> bool:
    """Given a table's cell grid (nested tables left out of the cells), return whether a row pairs
    a header cell with a value cell of its own text (支払限度額 | 2億円): a data table, where a
    section header over a cell that only holds tables is page layout."""
    return any(
        any(c.header and c.text for c in row) and any(not c.header and c.text for c in row) for row in grid
    )


def _render_table(table: lxml.etree._Element, sink: _Sink) -> None:
    """Given a <table>, render it into the sink: as a Table plus row lines, or as blocks if layout."""
    own = list(_own_rows(table))
    rows = [list(row.iterchildren("td", "th")) for row in own]
    cells = _cell_grid(rows, sink.sheet)
    grid = _data_grid(cells)
    if grid is None or (_has_nested_table(table) and not _pairs_headers(cells)):
        # a one-column table or a table holding tables is page layout, not data: read it as blocks;
        # one whose rows pair header and value cells is data whose cells hold tables (内訳 under 支払限度額)
        for child in table:
            _walk(child, sink)
            sink.text(child.tail)
        return
    for caption in table.iterchildren("caption"):
        _walk(caption, sink)
    _add_grid(grid, sink, _inner_by_row(own, cells, table))


def _role(element: lxml.etree._Element) -> str:
    """Given an element, return its ARIA role, lower-cased ("" if none)."""
    return (element.get("role") or "").strip().lower()


def _aria_grid(element: lxml.etree._Element, sink: _Sink) -> list[list[Cell]] | None:
    """Given an element, return the data grid of its ARIA table semantics (a table role holding
    row-role elements holding cell-role children), or None if it declares none."""
    if _role(element) not in TABLE_ROLES or _has_nested_table(element):
        return None
    rows = [
        [cell for cell in row.iterchildren(lxml.etree.Element) if _role(cell) in CELL_ROLES]
        for row in element.iterdescendants(lxml.etree.Element)
        if _role(row) == "row"
        and next((a for a in row.iterancestors() if _role(a) in TABLE_ROLES), None) is element
    ]
    return _data_grid(_cell_grid(rows, sink.sheet)) if rows else None


def _grid_items(element: lxml.etree._Element, sink: _Sink) -> list[lxml.etree._Element] | None:
    """Given a grid container, return its children laid out as table cells, or None if the
    container lays out something else (text of its own, headings, blocks, lists, tables)."""
    items = [
        child
        for child in element.iterchildren(lxml.etree.Element)
        if _tag(child) not in DROPPED_TAGS
        and not _is_hidden(child)
        and computed_style(child, sink.sheet).get("display") != "none"
    ]
    loose_text = collapse_space(element.text or "") or any(collapse_space(c.tail or "") for c in items)
    return None if loose_text or not all(_is_cell_like(item) for item in items) else items


def _is_cell_like(item: lxml.etree._Element) -> bool:
    """Given a grid item, return whether it reads as one table cell: a generic box (div, p, span or
    inline) holding only inline content and line breaks, not a heading, list, card or table."""
    if _tag(item) in BLOCK_TAGS - {"div", "p"} or _tag(item) in HEADING_TAGS:
        return False
    return not any(_tag(d) in BLOCK_TAGS for d in item.iterdescendants())


def _css_grid(element: lxml.etree._Element, sink: _Sink) -> list[list[Cell]] | None:
    """Given an element, return the data grid its CSS grid layout draws (a display:grid container
    with a fixed column count whose children are cells), or None if it draws no table."""
    grids = ("grid", "inline-grid")
    if _tag(element) in LIST_TAGS or computed_style(element, sink.sheet.displays).get("display") not in grids:
        return None
    columns = track_count(computed_style(element, sink.sheet).get("grid-template-columns", ""))
    if columns is None or columns < 2:
        return None
    items = _grid_items(element, sink)
    if items is None:
        return None
    grid = _data_grid(place((_grid_item(item, columns, sink.sheet) for item in items), columns))
    return grid if grid is not None and len(grid) >= 2 else None  # one row of boxes is a strip of panels


def _grid_item(element: lxml.etree._Element, columns: int, sheet: StyleSheet) -> GridItem:
    """Given a grid cell element, the column count and the page's style rules, return the item to place."""
    style = computed_style(element, sheet)
    column = style.get("grid-column") or (
        f"{style.get('grid-column-start', 'auto')} / {style.get('grid-column-end', 'auto')}"
    )
    start, span = column_placement(column, columns)
    return GridItem(
        _render_cell(element, sheet),
        header=_is_header(element),
        col_start=start,
        col_span=span,
        row_span=row_span(style.get("grid-row", "")),
    )


@lru_cache(maxsize=16)
def _style_sheet(text: str) -> StyleSheet:
    """Given the text of a page's <style> blocks, return its style rules (cached: titles re-render)."""
    return parse_style_sheet(text)


def _page_sheet(root: lxml.etree._Element) -> StyleSheet:
    """Given any element of a parsed page, return the rules of the page's <style> blocks."""
    styles = root.getroottree().getroot().iter("style")
    return _style_sheet("\n".join(style.text or "" for style in styles))


def render_element(root: lxml.etree._Element) -> Rendered:
    """Given a parsed HTML element, return its rendered lines and tables."""
    sink = _Sink(sheet=_page_sheet(root))
    _walk(root, sink)
    sink.flush()
    return Rendered(lines=tuple(sink.lines), tables=tuple(sink.tables), levels=tuple(sink.levels))


def render_markup(markup: str) -> Rendered:
    """Given an HTML fragment or document as str, return its rendered lines and tables."""
    if not markup.strip():
        return Rendered(lines=(), tables=())
    root = lxml.html.fragment_fromstring(_XML_DECLARATION.sub("", markup), create_parent="div")
    return render_element(root)


def declared_charset(data: bytes) -> str | None:
    """Given HTML bytes, return the charset its <meta> declares in the first 4 KiB, if any."""
    match = _META_CHARSET.search(data[:4096])
    return match.group(1).decode("ascii") if match else None


def _decode(data: bytes, source: str) -> Decoded:
    """Given HTML bytes, return the page decoded (BOM, <meta charset>, then sniffing), or raise."""
    decoded = bytes_to_decoded(
        data,
        source,
        not_text="not an HTML page (the file holds {holds}); convert it or remove it",
        unknown_encoding="the page's encoding is not UTF-8, Shift_JIS/CP932 or EUC-JP; re-save it as UTF-8",
        declared=declared_charset(data),
    )
    return replace(decoded, text=_XML_DECLARATION.sub("", decoded.text))


def close_raw_text(markup: str) -> tuple[str, tuple[str, ...]]:
    """Given a page's markup, return it with each raw-text element that is never closed (`<script>`
    without `</script>`) closed before the first block tag after it, and a warning for each.

    A browser shows nothing after such an element; a brochure's text after it is still its text,
    and a page that lost its end tag is far likelier than a script holding paragraphs.
    """
    warnings: list[str] = []
    at = 0
    while (opening := _RAW_TEXT_OPEN.search(markup, at)) is not None:
        name = opening.group(1).lower()
        close = re.compile(rf"</{name}(?=[\s/>])", re.IGNORECASE).search(markup, opening.end())
        if close is not None:
            at = close.end()
            continue
        block = _BLOCK_OPEN.search(markup, opening.end())
        if block is None:
            break
        markup = f"{markup[: block.start()]}</{name}>{markup[block.start() :]}"
        at = block.start() + len(name) + 3
        warnings.append(
            f"the page's <{name}> is never closed (no </{name}>), so a browser shows nothing after it; "
            f"the text from the next block on was read as the page's: add </{name}> to the page"
        )
    return markup, tuple(warnings)


def _parse(text: str, source: str) -> lxml.html.HtmlElement:
    """Given HTML text, return the parsed document root, or raise BrochureError."""
    if not text.strip():
        raise BrochureError(
            "the page has no visible text (the file holds only whitespace); re-download or re-save it",
            stage="read",
            source=source,
        )
    try:
        return lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise BrochureError(
            f"the page cannot be parsed as HTML ({exc}); re-download or re-save it",
            stage="read",
            source=source,
        ) from None


def document_title(root: lxml.etree._Element) -> str | None:
    """Given a parsed page, return its <title>, else its first heading, else None."""
    for path in (".//title", *(f".//{tag}" for tag in HEADING_TAGS)):
        for element in root.iterfind(path):
            text = " ".join(render_element(element).lines) if _tag(element) != "title" else ""
            text = text or collapse_space(element.text or "")
            if text:
                return text
    return None


def rendered_to_page(rendered: Rendered, number: int = 1) -> Page:
    """Given rendered lines and tables, return a Page without geometry."""
    tables = tuple(Table(page=number, rows=grid) for grid in rendered.tables)
    levels = rendered.levels or (None,) * len(rendered.lines)
    lines = tuple(
        Line(text=text, page=number, level=level) for text, level in zip(rendered.lines, levels, strict=True)
    )
    return Page(number=number, lines=lines, tables=tables)


def read(path: Path) -> Document:
    """Given an HTML file, return its one-page Document, or raise BrochureError if it has no text."""
    source = str(path)
    decoded = _decode(read_bytes(path), source)
    markup, unclosed = close_raw_text(decoded.text)
    root = _parse(markup, source)
    rendered = render_element(root.find("body") if root.find("body") is not None else root)
    if not rendered.lines:
        raise BrochureError(
            "the page has no visible text (only markup, scripts or images?); "
            "save the brochure's text or PDF instead",
            stage="read",
            source=source,
        )
    return Document(
        source=source,
        source_format="html",
        pages=(page := rendered_to_page(rendered),),
        title=document_title(root),
        warnings=(*decoded.warnings, *unclosed, *text_warnings([page])),
    )
