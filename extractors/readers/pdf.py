"""The PDF reader: a brochure PDF → Document (pdfplumber; its dicts never leave this module).

Per page:

1. chars are de-duplicated (`dedupe_chars`: fake-bold PDFs print every glyph twice) and
   `(cid:N)` glyphs (fonts without a Unicode map), and glyphs of CID fonts whose text
   pdfminer can only guess, are counted and dropped; a page that is mostly such glyphs or
   has no chars at all is reported, not read;
2. ruled tables are found with pdfplumber's lines strategy (seams between pieces of one
   painted background are no rules); a grid with fewer than two text columns (a box
   around a paragraph) is ignored;
3. vertically set text (tategaki, rotated labels) is gathered into vertical lines, read
   top to bottom and right to left;
4. the remaining glyphs become visual rows, cut into segments at wide gaps, and at narrower
   gaps where other rows nearby start a cell at that very x (table cells set close together,
   as LibreOffice sets them); spaces come from space glyphs, and are inferred from gaps only
   beside non-CJK glyphs, so Japanese is never broken by spaces;
5. where a run of rows leaves a vertical gutter free and both sides read as text columns,
   that band is read left column then right column; everything else top to bottom. A band
   whose two sides start their blocks at the same heights is a grid: a table (read across,
   row by row) or, when its cells hold headings and paragraphs, panels (cell by cell);
   A band whose two sides hold blocks sharing their middles (cells centred vertically) is a
   table of those cells;
6. within each flow, rows whose segments line up in columns become borderless tables; the
   lines of a table row whose cells wrap (or sit vertically centred) make one table row. A
   page that ends in a borderless table passes its columns on: the next page's first aligned
   rows in those columns are that table's continuation, a table even if only one row is left.

Everything ends up as Lines (one per visual line, table text included) and Tables.
"""

from __future__ import annotations

import copy
import io
import itertools
import logging
import math
import re
import statistics
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import pdfplumber
import pypdfium2
from pdfminer.pdftypes import PDFStream, resolve1
from pdfplumber.utils.exceptions import PdfminerException

from extractors.document import BBox, Cell, Document, Line, Page, Table, TextLayer, union_bbox
from extractors.errors import BrochureError
from extractors.readers import ocr
from extractors.readers._bytes import describe_bytes, read_bytes, read_head
from extractors.readers.quality import text_warnings

TableStrategy = Literal["lines", "text"]


@dataclass(frozen=True)
class PdfSettings:
    """How the PDF reader reads; lengths ending in `_ratio` are multiples of the local font size."""

    #: glyphs with the same text closer than this (pt) are one fake-bold glyph printed twice
    dedupe_tolerance: float = 1.0
    #: pdfminer keeps every object and font it parsed until the file is closed; past these
    #: counts its caches are emptied after a page, so that a long document's memory does not
    #: grow with its page count (a 3-page Chromium brochure holds ~500 objects, ~240 fonts)
    max_cached_objects: int = 2_000
    max_cached_fonts: int = 500
    #: ... and past this many MiB of stream bytes in them (content streams, embedded font
    #: programs, which each cached font holds): a long document whose pages embed fonts of their
    #: own would otherwise hold a few thousand font programs before the counts are reached
    max_cached_stream_mib: int = 32
    #: glyph attributes that must also match for two glyphs to count as duplicates
    dedupe_extra_attrs: tuple[str, ...] = ("fontname", "size")
    #: numeric attributes are compared at this many decimals: the copies of one fake-bold glyph
    #: may carry type sizes that differ in the 13th (each copy's text matrix computed anew)
    dedupe_decimals: int = 3
    #: a page whose content streams inflate past this (MiB) is refused before it is parsed: no
    #: brochure page is that large (a compressed-stream bomb: 1 MB on disk, gigabytes inflated)
    max_page_content_mib: int = 64
    #: a page whose content shows more bytes of text than this is refused before its glyphs are
    #: laid out (each costs pdfminer ~1 KB): a dense brochure page shows a few thousand
    max_page_text_bytes: int = 1_000_000
    #: pages read of one PDF: a brochure has a few, a policy wording some tens; past this the
    #: rest are left unread, with a warning (a whole catalogue, a merged export, a page bomb)
    max_pages: int = 300
    #: a gap wider than this between two non-CJK glyphs is a word space
    x_tolerance_ratio: float = 0.15
    #: a gap wider than this between a CJK and a non-CJK glyph is a space (CJK–CJK never is)
    cjk_space_ratio: float = 0.6
    #: glyphs whose vertical extents overlap by this share of the smaller one sit on one row
    y_overlap_ratio: float = 0.5
    #: a gap wider than this cuts a row into separate segments (table cells, columns)
    segment_gap_ratio: float = 0.8
    #: a page whose last table has at most this many lines below it (a footer) ends in that table
    footer_max_lines: int = 2
    #: a gap wider than this may still part two cells when other rows start a cell right after it
    column_cut_gap_ratio: float = 0.3
    #: a narrower gap parts two cells where a figure ends and text begins (a right-aligned number
    #: beside a left-aligned label: a spreadsheet's cell padding, ~0.2 em) at a column edge
    figure_cut_gap_ratio: float = 0.15
    #: what may follow a figure inside one amount or count (3,000 万円, 180 日): no cell edge there
    figure_units: str = ",.:/-~〜%％円銭万億千百十年月日時分秒名件人回社か箇ヶ"
    #: cell starts this close in x mark the same column edge
    column_edge_ratio: float = 0.3
    #: rows whose cell starts count as evidence of a column edge lie at most this far above or below
    column_evidence_ratio: float = 12.0
    #: cuts at column edges are repeated this many times (a cut's new cell start is evidence too)
    column_cut_passes: int = 3
    #: a list mark opening a row keeps the text up to this far after it (a hanging indent)
    marker_gap_ratio: float = 4.0
    #: which table finders run: "lines" (ruling lines) and "text" (aligned segments)
    table_strategies: tuple[TableStrategy, ...] = ("lines", "text")
    #: pdfplumber TableSettings for the lines strategy (points)
    snap_tolerance: float = 3.0
    join_tolerance: float = 3.0
    intersection_tolerance: float = 3.0
    edge_min_length: float = 3.0
    #: a table needs this many columns holding text, else it is junk (a box around a paragraph)
    min_table_columns: int = 2
    #: a borderless (text-strategy) table needs this many rows of 2+ cells (one aligned row is prose)
    min_table_rows: int = 2
    #: text-strategy rows further apart than this end the table
    table_row_gap_ratio: float = 2.0
    #: a table line this close under the one above may continue its cells (wrapped cell text)
    cell_line_gap_ratio: float = 0.7
    #: table rows are spaced at least this much wider than the lines inside a row (cell padding)
    row_break_ratio: float = 0.15
    #: this many row gaps clearly wider than the gaps between lines show a table whose rows wrap
    wide_row_gaps: int = 4
    #: a wrapped cell line above ends at most this far short of its column's right edge,
    #: beyond the width of the word that went on to the next line (justification, kinsoku)
    wrap_slack_ratio: float = 1.0
    #: a page whose glyphs are at least this share of `(cid:N)` has no usable text layer
    cid_threshold: float = 0.5
    #: a page whose glyphs run sideways (rotated 90°) in at least this share, and at least
    #: `sideways_min_glyphs` of them, was set on its side (a landscape table placed on a
    #: portrait page without /Rotate): it is read turned upright
    sideways_share: float = 0.6
    sideways_min_glyphs: int = 20
    #: tables on consecutive pages whose column left edges lie this close (pt) are one table
    page_break_column_slack: float = 3.0
    #: a column gutter is at least this wide
    gutter_min_ratio: float = 0.8
    #: a gutter between columns whose lines never share a row (offset baselines) is at least this
    #: wide: no word space can be that gap, as no line spans it
    offset_gutter_min_ratio: float = 0.3
    #: each side of a gutter needs this many items to be a column
    min_column_lines: int = 3
    #: a text column is at least this share of its band's width (a table's label column is not)
    column_min_width_ratio: float = 0.25
    #: a line of running text has at least this many characters (table cells are shorter)
    column_line_chars: int = 10
    #: at least this share of a text column's characters sit in such lines
    column_text_share: float = 0.5
    #: glyphs stacked closer than this, with no horizontal neighbour, are vertical text
    vertical_gap_ratio: float = 0.2
    #: a run of at least this many stacked glyphs is a vertical line
    vertical_min_run: int = 3
    #: how deep column splitting recurses (2 → up to four columns)
    max_column_depth: int = 2
    #: a gap this much wider than the tightest line gap starts a new block (paragraph, table row)
    block_break_ratio: float = 0.5
    #: tops this close are aligned (cells of one table row start together)
    row_align_ratio: float = 0.5
    #: both sides of a gutter need this many blocks before aligned starts can mean a table
    table_band_min_starts: int = 3
    #: at least this share of each side's block starts must align with the other side's
    table_band_share: float = 0.8
    #: a grid cell with a gap this much wider than the leading holds paragraphs (a panel)
    paragraph_gap_ratio: float = 0.25
    #: a grid cell whose tallest line is this many times its shortest has a heading (a panel)
    panel_size_ratio: float = 1.1


DEFAULT_SETTINGS = PdfSettings()

_CID = re.compile(r"^\(cid:\d+\)$")

#: code-point ranges of characters set without spaces between them (CJK scripts and punctuation)
_CJK_RANGES: tuple[tuple[int, int], ...] = (
    (0x2E80, 0x2FDF),  # CJK radicals supplement, Kangxi radicals
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x3100, 0x31FF),  # bopomofo, kanbun, katakana phonetic extensions
    (0x3200, 0x33FF),  # enclosed CJK, CJK compatibility (㈱, ㎡)
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFE30, 0xFE4F),  # CJK compatibility forms
    (0xFF00, 0xFFEF),  # half-width and full-width forms
    (0x20000, 0x3FFFF),  # CJK extensions B and later
)


def is_cjk(char: str) -> bool:
    """Given one character, return whether it belongs to a script written without word spaces."""
    code = ord(char)
    return any(low <= code <= high for low, high in _CJK_RANGES)


def needs_space(left: str, right: str, gap: float, em: float, settings: PdfSettings) -> bool:
    """Given the glyphs either side of a gap (pt) and the font size, return whether a space is read there."""
    if is_cjk(left[-1]) and is_cjk(right[0]):
        return False
    if is_cjk(left[-1]) or is_cjk(right[0]):
        return gap > settings.cjk_space_ratio * em
    return gap > settings.x_tolerance_ratio * em


def join_wrapped(parts: Iterable[str]) -> str:
    """Given the lines of one wrapped paragraph or cell, return them joined (no space inside CJK)."""
    out = ""
    for part in parts:
        if not part:
            continue
        if out and not is_cjk(out[-1]) and not is_cjk(part[0]):
            out += " "
        out += part
    return out


# --- geometry -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Glyph:
    """One char of the page; `ascending` marks rotated text that reads bottom to top."""

    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    upright: bool = True
    ascending: bool = False

    @property
    def em(self) -> float:
        """Given nothing, return the glyph's size across its line (its height, or width if rotated)."""
        return max(self.bottom - self.top if self.upright else self.x1 - self.x0, 1.0)

    @property
    def blank(self) -> bool:
        """Given nothing, return whether the glyph is a space (the ideographic space is kept as text)."""
        return not self.text.strip() and "\u3000" not in self.text


@dataclass(frozen=True)
class _Segment:
    """A run of glyphs read as one piece of text, horizontal or vertical."""

    text: str
    bbox: BBox
    em: float
    vertical: bool = False
    ascending: bool = False  # a rotated line read bottom to top; such lines stack left to right
    #: width of the leading run that cannot be broken (a word, or one CJK character): had it
    #: fitted at the end of the line above, a wrapping cell would have put it there
    lead: float = 0.0


@dataclass(frozen=True)
class _Block:
    """Finished output for one region of the page: its lines and tables in reading order."""

    bbox: BBox
    lines: tuple[Line, ...]
    tables: tuple[Table, ...] = ()
    #: the x-intervals of a borderless table's columns (a continuation on the next page matches them)
    columns: tuple[_Interval, ...] = ()


_Item = _Segment | _Block
_Interval = tuple[float, float]  # an x-range on the page


def _glyph_box(glyphs: Sequence[_Glyph]) -> BBox:
    """Given glyphs, return their union box."""
    return BBox(
        x0=min(g.x0 for g in glyphs),
        top=min(g.top for g in glyphs),
        x1=max(g.x1 for g in glyphs),
        bottom=max(g.bottom for g in glyphs),
    )


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    """Given two intervals, return the length they share (0 if disjoint)."""
    return max(0.0, min(a1, b1) - max(a0, b0))


def _same_row(top: float, bottom: float, other_top: float, other_bottom: float, ratio: float) -> bool:
    """Given two vertical extents, return whether they overlap enough to sit on one row."""
    smaller = max(min(bottom - top, other_bottom - other_top), 0.5)
    return _overlap(top, bottom, other_top, other_bottom) > ratio * smaller


def _median(values: Iterable[float], default: float) -> float:
    """Given numbers, return their median, or `default` when there are none."""
    items = list(values)
    return statistics.median(items) if items else default


# --- glyphs → rows → segments --------------------------------------------------------------


def char_to_glyph(char: dict[str, Any]) -> _Glyph:
    """Given a pdfplumber char dict, return the glyph this module works with."""
    a, b = (float(v) for v in (char.get("matrix") or (1.0, 0.0))[:2])
    # the text matrix, not pdfplumber's `upright` flag, tells which way a rotated glyph runs
    upright = abs(a) >= abs(b)
    return _Glyph(
        text=str(char["text"]),
        x0=float(char["x0"]),
        x1=float(char["x1"]),
        top=float(char["top"]),
        bottom=float(char["bottom"]),
        upright=upright,
        ascending=not upright and b > 0,
    )


def glyphs_to_rows(glyphs: Iterable[_Glyph], settings: PdfSettings) -> list[list[_Glyph]]:
    """Given glyphs, return rows of glyphs (top to bottom) that share a baseline, each sorted by x."""
    rows: list[list[_Glyph]] = []
    extents: list[_Interval] = []  # running mean top/bottom of each row
    for glyph in sorted(glyphs, key=lambda g: (g.top, g.x0)):
        best = -1
        for index in range(len(rows) - 1, max(len(rows) - 4, -1), -1):
            top, bottom = extents[index]
            if _same_row(top, bottom, glyph.top, glyph.bottom, settings.y_overlap_ratio):
                best = index
                break
        if best < 0:
            rows.append([glyph])
            extents.append((glyph.top, glyph.bottom))
            continue
        row = rows[best]
        row.append(glyph)
        top, bottom = extents[best]
        count = len(row)
        extents[best] = (top + (glyph.top - top) / count, bottom + (glyph.bottom - bottom) / count)
    ordered = sorted(zip(extents, rows, strict=True), key=lambda pair: pair[0][0])
    return [sorted(row, key=lambda g: g.x0) for _, row in ordered]


def _row_text(glyphs: Sequence[_Glyph], settings: PdfSettings) -> str:
    """Given the glyphs of one segment sorted by x, return their text with real and inferred spaces."""
    parts: list[str] = []
    previous: _Glyph | None = None
    pending_space = False
    for glyph in glyphs:
        if glyph.blank:
            pending_space = previous is not None
            continue
        if previous is not None:
            gap = glyph.x0 - previous.x1
            em = max(glyph.em, previous.em)
            if pending_space or needs_space(previous.text, glyph.text, gap, em, settings):
                parts.append(" ")
        parts.append(glyph.text)
        previous = glyph
        pending_space = False
    return "".join(parts).strip()


def is_marker(text: str) -> bool:
    """Given a piece of text, return whether it is only a list mark (•, ●, ▶, ※, ・, ■, -)."""
    marks = [ch for ch in text if not ch.isspace()]
    return 0 < len(marks) <= 2 and all(
        unicodedata.category(ch) in {"So", "Sm", "Po", "Pd"} and ch not in "%％¥￥$#＃&＆@＠" for ch in marks
    )


def row_to_segments(row: Sequence[_Glyph], settings: PdfSettings) -> list[tuple[_Glyph, ...]]:
    """Given one row of glyphs sorted by x, return its segments: runs separated by wide gaps.

    A list mark set apart by a tab (•, ▶, ※ …) stays with the text after it: it opens that
    item, it is no column of its own.
    """
    segments: list[list[_Glyph]] = []
    last: _Glyph | None = None
    for glyph in row:
        if glyph.blank:
            if segments:
                segments[-1].append(glyph)
            continue
        em = max(glyph.em, last.em) if last is not None else glyph.em
        gap = glyph.x0 - last.x1 if last is not None else math.inf
        opens_item = len(segments) == 1 and is_marker("".join(g.text for g in segments[0]))
        if gap > settings.segment_gap_ratio * em and not (
            opens_item and gap <= settings.marker_gap_ratio * em
        ):
            segments.append([])
        segments[-1].append(glyph)
        last = glyph
    return [tuple(segment) for segment in segments]


#: characters a Japanese line may not start with (kinsoku) besides closing punctuation:
#: the prolonged sound mark, iteration marks and small kana
_NO_LINE_START = frozenset("ーゝゞヽヾ々ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ")


def _opens(text: str) -> bool:
    """Given a glyph's text, return whether it is opening punctuation (never ends a line)."""
    return unicodedata.category(text[-1]) in {"Ps", "Pi"}


def _closes(text: str) -> bool:
    """Given a glyph's text, return whether it never starts a line (closing punctuation, small kana)."""
    return unicodedata.category(text[0]) in {"Pe", "Pf", "Po"} or text[0] in _NO_LINE_START


def breaks_between(left: _Glyph, right: _Glyph, settings: PdfSettings) -> bool:
    """Given two neighbouring glyphs of a line, return whether a line may wrap between them."""
    if _opens(left.text) or _closes(right.text):
        return False
    if is_cjk(left.text[-1]) or is_cjk(right.text[0]):
        return True
    return needs_space(left.text, right.text, right.x0 - left.x1, max(left.em, right.em), settings)


def leading_run_width(glyphs: Sequence[_Glyph], settings: PdfSettings) -> float:
    """Given a run of glyphs sorted by x, return the width of its first piece a line cannot break:
    a Latin word or one CJK character, with the punctuation that kinsoku keeps beside it."""
    inked = [g for g in glyphs if not g.blank]
    if not inked:
        return 0.0
    last = inked[0]
    for glyph in inked[1:]:
        if breaks_between(last, glyph, settings):
            break
        last = glyph
    return last.x1 - inked[0].x0


def _make_segment(glyphs: Sequence[_Glyph], settings: PdfSettings) -> _Segment | None:
    """Given a horizontal run of glyphs, return it as a segment (None if it holds only blanks)."""
    inked = [g for g in glyphs if not g.blank]
    text = _row_text(glyphs, settings)
    if not inked or not text:
        return None
    return _Segment(
        text=text,
        bbox=_glyph_box(inked),
        em=_median((g.em for g in inked), 10.0),
        lead=leading_run_width(glyphs, settings),
    )


def _vertical_segment(glyphs: Sequence[_Glyph]) -> _Segment:
    """Given glyphs stacked in one column, return them as a vertical segment read along the column."""
    ascending = all(g.ascending for g in glyphs)
    ordered = sorted(glyphs, key=lambda g: g.top, reverse=ascending)
    return _Segment(
        text="".join(g.text for g in ordered).strip(),
        bbox=_glyph_box(glyphs),
        em=_median(((g.x1 - g.x0) for g in glyphs), 10.0),
        vertical=True,
        ascending=ascending,
    )


def _stacks_under(upper: _Glyph, glyph: _Glyph, settings: PdfSettings) -> bool:
    """Given two glyphs, return whether the second sits right under the first in one column."""
    width = max(min(upper.x1 - upper.x0, glyph.x1 - glyph.x0), 0.5)
    gap = glyph.top - upper.bottom
    aligned = _overlap(upper.x0, upper.x1, glyph.x0, glyph.x1) >= 0.5 * width
    return aligned and -0.5 * upper.em <= gap <= settings.vertical_gap_ratio * max(upper.em, glyph.em)


def split_vertical(lone: Sequence[_Glyph], settings: PdfSettings) -> tuple[list[_Segment], list[_Glyph]]:
    """Given candidate glyphs, return vertical segments and the glyphs left over.

    Glyphs stacked one under the other (overlapping in x, gaps below `vertical_gap_ratio`)
    form columns; columns of at least `vertical_min_run` glyphs are vertical text.
    """
    columns: list[list[_Glyph]] = []
    for glyph in sorted(lone, key=lambda g: (g.top, g.x0)):
        for column in reversed(columns[-64:]):
            if _stacks_under(column[-1], glyph, settings):
                column.append(glyph)
                break
        else:
            columns.append([glyph])
    vertical: list[_Segment] = []
    leftover: list[_Glyph] = []
    for column in columns:
        if len([g for g in column if not g.blank]) >= settings.vertical_min_run:
            segment = _vertical_segment(column)
            if segment.text:
                vertical.append(segment)
        else:
            leftover.extend(column)
    return vertical, leftover


def glyphs_to_columns(glyphs: Iterable[_Glyph], settings: PdfSettings) -> list[list[_Glyph]]:
    """Given glyphs, return columns of glyphs stacked one above another, each sorted top to bottom."""
    originals = list(glyphs)
    # a column is a row of the page turned on its side: swap the axes, group rows, swap back
    turned = [_Glyph(text=g.text, x0=g.top, x1=g.bottom, top=g.x0, bottom=g.x1) for g in originals]
    back = {id(t): g for t, g in zip(turned, originals, strict=True)}
    return [[back[id(t)] for t in column] for column in glyphs_to_rows(turned, settings)]


def _neighbour_gaps(lines: Iterable[Sequence[_Glyph]], vertical: bool) -> dict[int, float]:
    """Given rows (or columns) of glyphs in order, return each glyph's gap to its nearest neighbour."""
    gaps: dict[int, float] = {}
    for line in lines:
        inked = [g for g in line if not g.blank]
        for index, glyph in enumerate(inked):
            nearest = math.inf
            for other in inked[max(index - 1, 0) : index + 2]:
                if other is glyph:
                    continue
                if vertical:
                    gap = max(other.top - glyph.bottom, glyph.top - other.bottom)
                    size = min(glyph.bottom - glyph.top, other.bottom - other.top)
                else:
                    gap = max(other.x0 - glyph.x1, glyph.x0 - other.x1)
                    size = min(glyph.x1 - glyph.x0, other.x1 - other.x0)
                if gap < -0.5 * size:
                    continue  # mostly on top of each other: stacked across the line, not along it
                nearest = min(nearest, max(gap, 0.0))  # overlap (kerning, tight leading) counts as touching
            gaps[id(glyph)] = nearest
    return gaps


def vertical_candidates(glyphs: Sequence[_Glyph], settings: PdfSettings) -> set[int]:
    """Given glyphs, return ids of those touching a glyph above/below but none beside them (tategaki)."""
    horizontal = _neighbour_gaps(glyphs_to_rows(glyphs, settings), vertical=False)
    vertical = _neighbour_gaps(glyphs_to_columns(glyphs, settings), vertical=True)
    chosen: set[int] = set()
    for glyph in glyphs:
        if glyph.blank:
            continue
        v_gap, h_gap = vertical.get(id(glyph), math.inf), horizontal.get(id(glyph), math.inf)
        if v_gap <= settings.vertical_gap_ratio * glyph.em and v_gap + 0.25 * glyph.em < h_gap:
            chosen.add(id(glyph))
    return chosen


@dataclass(frozen=True)
class _ColumnStart:
    """Where a segment that is not first on its row starts: evidence of a table column edge."""

    x: float
    top: float
    row: int  # index of the row it was seen on


def _column_starts(runs_by_row: Sequence[Sequence[Sequence[_Glyph]]]) -> list[_ColumnStart]:
    """Given each row's runs (segments as glyphs), return the starts of every run after a row's first."""
    starts = []
    for index, runs in enumerate(runs_by_row):
        for run in runs[1:]:
            inked = [g for g in run if not g.blank]
            if inked:
                starts.append(_ColumnStart(x=inked[0].x0, top=inked[0].top, row=index))
    return starts


def _is_column_edge(glyph: _Glyph, row: int, starts: Sequence[_ColumnStart], settings: PdfSettings) -> bool:
    """Given a glyph, its row and the column starts of the region, return whether other rows
    nearby start a cell exactly where the glyph starts (so a table column begins there)."""
    tolerance = settings.column_edge_ratio * glyph.em
    reach = settings.column_evidence_ratio * glyph.em
    seen = {
        s.row
        for s in starts
        if s.row != row and abs(s.x - glyph.x0) <= tolerance and abs(s.top - glyph.top) <= reach
    }
    return len(seen) >= settings.min_table_rows


def _figure_end(last: _Glyph, glyph: _Glyph, settings: PdfSettings) -> bool:
    """Given two glyphs in a run, return whether a figure ends between them and text begins (not
    the figure's own unit)."""
    head = glyph.text[:1]
    return (
        last.text[-1:].isdigit() and bool(head) and not head.isdigit() and head not in settings.figure_units
    )


def _cut_gap(last: _Glyph, glyph: _Glyph, settings: PdfSettings, in_table: bool = True) -> float:
    """Given two glyphs in a run (and whether its row has other cells), return the gap (pt) above
    which a column edge parts them: narrower after a figure in a row of cells (in running text
    LibreOffice spaces a Western figure from Japanese text just as narrowly)."""
    narrow = in_table and _figure_end(last, glyph, settings)
    ratio = settings.figure_cut_gap_ratio if narrow else settings.column_cut_gap_ratio
    return ratio * max(glyph.em, last.em)


def _figure_starts(
    runs_by_row: Sequence[Sequence[Sequence[_Glyph]]], settings: PdfSettings
) -> list[_ColumnStart]:
    """Given each row's runs, return where text starts right after a figure across a narrow gap
    (narrower than a word space): evidence of a column edge where rows set a number flush
    against the next cell."""
    starts = []
    for index, runs in enumerate(runs_by_row):
        for run in runs if len(runs) > 1 else ():
            inked = [g for g in run if not g.blank]
            for last, glyph in itertools.pairwise(inked):
                gap, wide = glyph.x0 - last.x1, settings.column_cut_gap_ratio * max(glyph.em, last.em)
                if _figure_end(last, glyph, settings) and _cut_gap(last, glyph, settings) < gap <= wide:
                    starts.append(_ColumnStart(x=glyph.x0, top=glyph.top, row=index))
    return starts


def split_at_column_edges(
    run: Sequence[_Glyph],
    row: int,
    starts: Sequence[_ColumnStart],
    settings: PdfSettings,
    in_table: bool = False,
) -> list[tuple[_Glyph, ...]]:
    """Given one segment's glyphs, its row and the region's column starts, return it cut where a
    glyph after a visible gap starts at a column edge other rows show: neighbouring cells set
    closer than a segment gap (LibreOffice leaves ~0.4 em between cells, ~0.2 em after a
    right-aligned figure) are two pieces."""
    pieces: list[list[_Glyph]] = [[]]
    last: _Glyph | None = None
    for glyph in run:
        if not glyph.blank and last is not None:
            gap = glyph.x0 - last.x1
            if gap > _cut_gap(last, glyph, settings, in_table) and _is_column_edge(
                glyph, row, starts, settings
            ):
                pieces.append([])
        pieces[-1].append(glyph)
        if not glyph.blank:
            last = glyph
    return [tuple(piece) for piece in pieces if piece]


def _horizontal_segments(glyphs: Sequence[_Glyph], settings: PdfSettings) -> list[_Segment]:
    """Given glyphs set horizontally, return their segments (cut at wide gaps and at column edges)."""
    runs_by_row = [row_to_segments(row, settings) for row in glyphs_to_rows(glyphs, settings)]
    for _ in range(settings.column_cut_passes):
        starts = _column_starts(runs_by_row) + _figure_starts(runs_by_row, settings)
        if not starts:
            break
        cut = [
            [
                piece
                for run in runs
                for piece in split_at_column_edges(run, index, starts, settings, len(runs) > 1)
            ]
            for index, runs in enumerate(runs_by_row)
        ]
        if cut == runs_by_row:
            break
        runs_by_row = cut
    segments = []
    for runs in runs_by_row:
        for run in runs:
            segment = _make_segment(run, settings)
            if segment is not None:
                segments.append(segment)
    return segments


def glyphs_to_segments(glyphs: Sequence[_Glyph], settings: PdfSettings) -> list[_Segment]:
    """Given free glyphs (not in ruled tables), return horizontal and vertical segments.

    On a page set mostly vertically every stacked glyph may join a vertical line; on a
    horizontal page only glyphs with no horizontal neighbour may (rotated labels, tategaki
    headings), so a column of bullets never turns into a vertical line.
    """
    inked = [g for g in glyphs if not g.blank]
    candidates = vertical_candidates(glyphs, settings)
    if len(candidates) < 0.5 * len(inked):
        lone: set[int] = set()
        for row in glyphs_to_rows(glyphs, settings):
            for run in row_to_segments(row, settings):
                solid = [g for g in run if not g.blank]
                if len(solid) == 1:
                    lone.add(id(solid[0]))
        candidates &= lone
    vertical, leftover = split_vertical([g for g in inked if id(g) in candidates], settings)
    taken = candidates - {id(g) for g in leftover}
    rest = [g for g in glyphs if id(g) not in taken]
    return _horizontal_segments(rest, settings) + vertical


def glyphs_to_text(glyphs: Sequence[_Glyph], settings: PdfSettings) -> str:
    """Given the glyphs of one cell, return its text: visual lines joined, no spaces inside CJK."""
    lines = []
    for row in glyphs_to_rows(glyphs, settings):
        pieces = [_row_text(run, settings) for run in row_to_segments(row, settings)]
        lines.append(" ".join(piece for piece in pieces if piece))
    return join_wrapped(lines)


# --- segments → rows → lines and borderless tables ------------------------------------------


@dataclass(frozen=True)
class _Row:
    """Segments sharing one visual line, sorted left to right."""

    segments: tuple[_Segment, ...]
    bbox: BBox

    @property
    def em(self) -> float:
        """Given nothing, return the largest font size on the row."""
        return max(s.em for s in self.segments)


def segments_to_rows(segments: Iterable[_Segment], settings: PdfSettings) -> list[_Row]:
    """Given horizontal segments of one flow, return them grouped into visual rows, top to bottom."""
    groups: list[list[_Segment]] = []
    for segment in sorted(segments, key=lambda s: (s.bbox.top, s.bbox.x0)):
        for group in reversed(groups[-3:]):
            box = union_bbox(s.bbox for s in group)
            if _same_row(
                box.top, box.bottom, segment.bbox.top, segment.bbox.bottom, settings.y_overlap_ratio
            ):
                group.append(segment)
                break
        else:
            groups.append([segment])
    rows = [
        _Row(segments=tuple(sorted(g, key=lambda s: s.bbox.x0)), bbox=union_bbox(s.bbox for s in g))
        for g in groups
    ]
    return sorted(rows, key=lambda r: (r.bbox.top, r.bbox.x0))


def _row_line(row: _Row, page: int) -> Line:
    """Given a visual row, return it as one Line (segments joined by a space)."""
    return Line(text=" ".join(s.text for s in row.segments), page=page, bbox=row.bbox, size=round(row.em, 1))


def _merge_intervals(intervals: Iterable[_Interval], slack: float) -> list[_Interval]:
    """Given x-intervals, return their union as sorted disjoint intervals (gaps ≤ slack closed)."""
    merged: list[_Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1] + slack:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _row_intervals(row: _Row) -> list[_Interval]:
    """Given a row, return the x-interval of each of its segments."""
    return [(s.bbox.x0, s.bbox.x1) for s in row.segments]


def _table_run_end(rows: Sequence[_Row], start: int, settings: PdfSettings) -> tuple[int, list[_Interval]]:
    """Given rows and a start row with 2+ segments, return the end of its aligned run and its columns.

    The run ends at a wide vertical gap, where the rows stop showing two columns, or at a
    one-piece row that runs across a gutter (prose after the table) — unless that row sits as
    close under the one above as wrapped lines do and the row above left its columns empty: a
    label spanning cells, set vertically centred beside a cell that wraps (合計 beside 3億3,000万 / 円).
    The columns are the union of the cells' widths, leaving out cells that span cells of another
    line (a caption or group header over several columns) where that shows more columns.
    """
    slack = 0.3 * rows[start].em
    columns = _merge_intervals(_row_intervals(rows[start]), slack)
    end = start + 1
    while end < len(rows):
        gap = rows[end].bbox.top - rows[end - 1].bbox.bottom
        if gap > settings.table_row_gap_ratio * max(rows[end].em, rows[end - 1].em):
            break
        widened = _merge_intervals(columns + _row_intervals(rows[end]), slack)
        if len(widened) < settings.min_table_columns:
            break
        if len(rows[end].segments) == 1 and len(widened) < len(columns):
            if not _spanning_label(rows[end - 1], rows[end], columns, settings):
                break
            end += 1  # its cells keep their columns: the label is read into the first it spans
            continue
        columns = widened
        end += 1
    run = rows[start:end]
    narrow = [(s.bbox.x0, s.bbox.x1) for r in run for s in r.segments if not _spans_cells(s, run)]
    split = _merge_intervals(narrow, slack)
    return end, split if len(split) > len(columns) else columns


def _spans_cells(segment: _Segment, rows: Sequence[_Row]) -> bool:
    """Given a segment and the lines of its table, return whether it spans cells: another line
    has two or more cells under it (a caption or group header over several columns), so its
    width shows no column's."""
    box = segment.bbox
    return any(sum(_overlap(box.x0, box.x1, s.bbox.x0, s.bbox.x1) > 0 for s in r.segments) >= 2 for r in rows)


def _spanning_label(above: _Row, row: _Row, columns: Sequence[_Interval], settings: PdfSettings) -> bool:
    """Given a row, the one-piece row under it that bridges columns, and the columns, return whether
    it is a cell spanning columns inside a table row: set as close as wrapped lines, under a row
    with nothing in the columns it spans."""
    gap = row.bbox.top - above.bbox.bottom
    if gap > settings.cell_line_gap_ratio * max(above.em, row.em):
        return False
    box = row.segments[0].bbox
    spanned = {i for i, (a, b) in enumerate(columns) if _overlap(box.x0, box.x1, a, b) > 0}
    return not spanned & _filled_columns(above, columns)


def _column_of(segment: _Segment, columns: Sequence[_Interval]) -> int:
    """Given a segment and column intervals, return the index of the column it starts in (a cell
    spanning columns starts in its first), else the one it overlaps most."""
    for index, (start, end) in enumerate(columns):
        if start - 0.5 <= segment.bbox.x0 <= end:
            return index
    shares = [_overlap(segment.bbox.x0, segment.bbox.x1, a, b) for a, b in columns]
    return max(range(len(columns)), key=lambda i: shares[i])


def _filled_columns(row: _Row, columns: Sequence[_Interval]) -> set[int]:
    """Given a row and column intervals, return the indices of the columns it has text in."""
    return {_column_of(s, columns) for s in row.segments}


def _column_edges(rows: Sequence[_Row], columns: Sequence[_Interval], skip: _Row) -> list[float]:
    """Given a table's lines, its columns and one line to leave out, return each column's right
    edge as the other lines show it (-inf where none has text): a lone line proves no width."""
    edges = [-math.inf] * len(columns)
    for row in rows:
        if row is skip:
            continue
        for segment in row.segments:
            column = _column_of(segment, columns)
            if segment.bbox.x1 > columns[column][1] + 0.5:
                continue  # a cell spanning columns shows no one column's width
            edges[column] = max(edges[column], segment.bbox.x1)
    return edges


def _goes_on(
    group: Sequence[_Row],
    below: _Row,
    rows: Sequence[_Row],
    columns: Sequence[_Interval],
    settings: PdfSettings,
) -> bool:
    """Given a table row's lines so far, the next line, all the table's lines and its columns,
    return whether each cell of the next line belongs to that row: it continues the row's last
    text in its column, which ran out of room (that text plus the cell's first word would not
    fit the column as the other lines show it), or it fills a column the row has left empty so
    far (a cell set lower: vertically centred)."""
    edges = _column_edges(rows, columns, group[-1])
    for segment in below.segments:
        column = _column_of(segment, columns)
        above = [s for line in group for s in line.segments if _column_of(s, columns) == column]
        if not above:
            continue
        reach = above[-1].bbox.x1 + segment.lead + settings.wrap_slack_ratio * segment.em
        if reach < edges[column]:
            return False
    return True


def _continues(
    group: Sequence[_Row],
    below: _Row,
    rows: Sequence[_Row],
    columns: Sequence[_Interval],
    settings: PdfSettings,
) -> bool:
    """Given a table row's lines so far, the next line, all the table's lines and its columns,
    return whether the next line belongs to the same table row.

    Lines of one row sit closer than the rows do. A close line with a single cell and an empty
    first column always belongs (a wrapped description); any other close line when the
    table's rows are spaced clearly wider than this gap and each of its cells goes on with
    the row (see `_goes_on`); a line that fills every cell of the row only where most of the
    table's rows are seen to wrap.
    """
    gap = below.bbox.top - group[-1].bbox.bottom
    em = max(group[-1].em, below.em)
    # rows spaced wider than their lines: the way to tell a wrapped line from a new row
    gaps = [b.bbox.top - a.bbox.bottom for a, b in itertools.pairwise(rows)]
    wider = sum(1 for g in gaps if g >= gap + settings.row_break_ratio * em)
    if gap > settings.cell_line_gap_ratio * em and not wider:
        return False
    filled = _filled_columns(below, columns)
    if 0 not in filled and len(filled) == 1:
        return True
    if not wider or not _goes_on(group, below, rows, columns, settings):
        return False
    row_filled = set().union(*(_filled_columns(line, columns) for line in group))
    if not row_filled <= filled:
        return True
    # a line filling every cell of the row only wraps them all where rows are seen to wrap: wide
    # gaps (between rows) at least as many as close ones (inside rows, or between single-line
    # rows under a header); lines that overlap (cells set vertically centred) are inside rows
    # lines that overlap (cells set vertically centred) are inside rows; `wide_row_gaps` wide
    # gaps are enough where most rows wrap onto many lines (close gaps outnumber them)
    close = sum(1 for g in gaps if 0 <= g < gap + settings.row_break_ratio * em)
    return wider >= max(2, min(close, settings.wide_row_gaps))


def _table_rows(
    rows: Sequence[_Row], columns: Sequence[_Interval], settings: PdfSettings
) -> list[list[_Row]]:
    """Given the lines of a borderless table and its columns, return its rows as groups of lines
    (a row whose cells wrap spans several lines)."""
    groups: list[list[_Row]] = []
    for row in rows:
        if groups and _continues(groups[-1], row, rows, columns, settings):
            groups[-1].append(row)
        else:
            groups.append([row])
    # a trailing one-piece line in the first column is prose after the table, not a cell
    while len(groups) > 1 and len(groups[-1]) == 1 and len(groups[-1][0].segments) == 1:
        if _column_of(groups[-1][0].segments[0], columns) != 0:
            break
        groups.pop()
    return groups


def _group_to_cells(group: Sequence[_Row], columns: Sequence[_Interval]) -> list[str]:
    """Given the lines of one table row and the columns, return its cell texts (wrapped lines joined)."""
    cells: list[list[str]] = [[] for _ in columns]
    for row in group:
        line: list[list[str]] = [[] for _ in columns]
        for segment in row.segments:
            line[_column_of(segment, columns)].append(segment.text)
        for column, parts in enumerate(line):
            if parts:
                cells[column].append(" ".join(parts))
    return [join_wrapped(parts) for parts in cells]


def continues_columns(columns: Sequence[_Interval], carried: Sequence[_Interval]) -> bool:
    """Given a run's columns and those of the table that ended the previous page, return whether
    the run goes on with that table: as many columns, each overlapping its counterpart."""
    return len(columns) == len(carried) and all(
        _overlap(a0, a1, b0, b1) > 0 for (a0, a1), (b0, b1) in zip(columns, carried, strict=True)
    )


def _centred_label(group: Sequence[_Row], columns: Sequence[_Interval]) -> bool:
    """Given the lines of one table row and the columns, return whether its first cell is set
    lower than text of another cell (vertically centred beside a cell that wraps)."""
    return (
        len(group) > 1
        and 0 not in _filled_columns(group[0], columns)
        and any(0 in _filled_columns(line, columns) for line in group[1:])
    )


def group_lines(group: Sequence[_Row], columns: Sequence[_Interval], page: int) -> list[Line]:
    """Given the lines of one table row and the columns, return the Lines it reads as: its visual
    lines, or one line of its cells in order where a centred label would otherwise come after
    the first line of the cell beside it (合計 between 1億7,200万 and 円)."""
    if not _centred_label(group, columns):
        return [_row_line(r, page) for r in group]
    text = " ".join(cell for cell in _group_to_cells(group, columns) if cell)
    return [Line(text=text, page=page, bbox=union_bbox(r.bbox for r in group))]


def rows_to_blocks(
    rows: Sequence[_Row], page: int, settings: PdfSettings, carried: Sequence[_Interval] = ()
) -> list[_Block]:
    """Given consecutive rows of one flow (and the columns of a table the previous page ended
    with, if these rows open the page), return blocks: plain lines and borderless tables.

    The first aligned run goes on with a carried table even with a single row of 2+ cells: a
    page break leaves a table's last rows alone at the top of the next page.
    """
    blocks: list[_Block] = []
    index = 0
    plain = 0  # rows[plain:index] went out as plain lines, one block each
    find_tables = "text" in settings.table_strategies
    while index < len(rows):
        row = rows[index]
        if find_tables and len(row.segments) >= 2:
            # a cell set higher than the rest of its row (vertically centred) overlaps the row's line
            start = index
            while start > plain and rows[start].bbox.top < rows[start - 1].bbox.bottom:
                start -= 1
            end, columns = _table_run_end(rows, index, settings)
            groups = _table_rows(rows[start:end], columns, settings)
            run = [r for g in groups for r in g]
            multi = sum(1 for r in run if len(r.segments) >= 2)
            grid = [_group_to_cells(g, columns) for g in groups]
            used_columns = sum(1 for c in range(len(columns)) if any(r[c] for r in grid))
            min_rows = 1 if carried and continues_columns(columns, carried) else settings.min_table_rows
            carried = ()  # only the first aligned run can go on with the previous page's table
            if multi >= min_rows and used_columns >= settings.min_table_columns:
                bbox = union_bbox(r.bbox for r in run)
                table = Table(page=page, rows=tuple(tuple(Cell(t) for t in r) for r in grid), bbox=bbox)
                lines = tuple(line for g in groups for line in group_lines(g, columns, page))
                del blocks[len(blocks) - (index - start) :]
                blocks.append(_Block(bbox=bbox, lines=lines, tables=(table,), columns=tuple(columns)))
                index = plain = start + len(run)
                continue
        blocks.append(_Block(bbox=row.bbox, lines=(_row_line(row, page),)))
        index += 1
    return blocks


def _vertical_blocks(segments: Sequence[_Segment], page: int) -> list[_Block]:
    """Given vertical segments, return tiers of them, each read right to left (tategaki) as one block."""
    tiers: list[list[_Segment]] = []
    for segment in sorted(segments, key=lambda s: s.bbox.top):
        if tiers and segment.bbox.top < max(s.bbox.bottom for s in tiers[-1]):
            tiers[-1].append(segment)
        else:
            tiers.append([segment])
    blocks = []
    for tier in tiers:
        left_to_right = all(s.ascending for s in tier)
        ordered = sorted(tier, key=lambda s: s.bbox.x0 if left_to_right else -s.bbox.x1)
        lines = tuple(Line(text=s.text, page=page, bbox=s.bbox) for s in ordered)
        blocks.append(_Block(bbox=union_bbox(s.bbox for s in tier), lines=lines))
    return blocks


# --- reading order: columns ---------------------------------------------------------------


def _box(item: _Item) -> BBox:
    """Given a segment or block, return its box."""
    return item.bbox


def _y_groups(items: Iterable[_Item]) -> list[list[_Item]]:
    """Given items, return groups whose vertical extents chain-overlap, top to bottom."""
    groups: list[list[_Item]] = []
    bottom = -math.inf
    for item in sorted(items, key=lambda i: (_box(i).top, _box(i).x0)):
        box = _box(item)
        if groups and box.top < bottom - 0.5:
            groups[-1].append(item)
            bottom = max(bottom, box.bottom)
        else:
            groups.append([item])
            bottom = box.bottom
    return groups


def _free_intervals(group: Sequence[_Item], left: float, right: float) -> list[_Interval]:
    """Given a group of items and the region's x-extent, return the x-intervals no item covers."""
    free: list[_Interval] = []
    cursor = left
    for start, end in _merge_intervals(((_box(i).x0, _box(i).x1) for i in group), slack=0.0):
        if start > cursor:
            free.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < right:
        free.append((cursor, right))
    return free


def _intersect(first: Sequence[_Interval], second: Sequence[_Interval], min_width: float) -> list[_Interval]:
    """Given two sorted interval lists, return their intersections at least `min_width` wide."""
    out: list[_Interval] = []
    for a0, a1 in first:
        for b0, b1 in second:
            start, end = max(a0, b0), min(a1, b1)
            if end - start >= min_width:
                out.append((start, end))
    return out


def _side_is_column(side: Sequence[_Item], band_width: float, settings: PdfSettings) -> bool:
    """Given the items on one side of a gutter, return whether they read as running text.

    Running text is wide and most of its characters sit in long lines; a table's label or
    amount column is narrow or made of short cells, so a gap beside it is not a gutter.
    """
    if len(side) < settings.min_column_lines:
        return False
    box = union_bbox(_box(i) for i in side)
    if box.x1 - box.x0 < settings.column_min_width_ratio * band_width:
        return False
    lengths = [len(i.text) for i in side if isinstance(i, _Segment) and not i.vertical]
    if not lengths:
        return True  # only blocks (tables, vertical text) beside the other side
    long_text = sum(n for n in lengths if n >= settings.column_line_chars)
    return long_text >= settings.column_text_share * sum(lengths)


def _row_boxes(side: Sequence[_Item]) -> list[BBox]:
    """Given items, return the box of each visual row they form (vertical overlap chains), top to bottom."""
    return [union_bbox(_box(i) for i in group) for group in _y_groups(side)]


def _row_gaps(rows: Sequence[BBox]) -> list[float]:
    """Given row boxes top to bottom, return the vertical gap between each row and the next."""
    return [below.top - above.bottom for above, below in itertools.pairwise(rows)]


def _blocks_of_rows(
    rows: Sequence[BBox], leading: float, em: float, settings: PdfSettings
) -> list[_Interval]:
    """Given row boxes, the line leading (tightest line gap) and the font size, return the
    (top, bottom) of each block (paragraph, table cell) the rows form: a block starts at the
    first row and at every row whose gap to the row above is clearly wider than the leading."""
    threshold = leading + settings.block_break_ratio * em
    blocks: list[_Interval] = []
    for index, row in enumerate(rows):
        if index and row.top - rows[index - 1].bottom <= threshold:
            blocks[-1] = (blocks[-1][0], row.bottom)
        else:
            blocks.append((row.top, row.bottom))
    return blocks


def _structured(
    rows: Sequence[BBox], block: _Interval, leading: float, em: float, settings: PdfSettings
) -> bool:
    """Given a side's row boxes, one of its blocks, the leading and the font size, return whether
    the block is a panel: paragraphs (gaps wider than the leading) or lines of different sizes."""
    inside = [r for r in rows if block[0] - 0.5 <= r.top and r.bottom <= block[1] + 0.5]
    heights = [r.bottom - r.top for r in inside]
    if heights and max(heights) > settings.panel_size_ratio * min(heights):
        return True
    return any(gap > leading + settings.paragraph_gap_ratio * em for gap in _row_gaps(inside))


BandLayout = Literal["columns", "table", "panels", "centred"]


def centred_rows(blocks: Sequence[Sequence[_Interval]], tolerance: float) -> list[_Interval]:
    """Given the blocks (top, bottom) of each side of a gutter and a tolerance, return the rows of
    a grid whose cells are centred vertically, or [] if the blocks are not such a grid.

    Centred cells of one row share their middle, not their top: the taller cell starts higher.
    Every block must pair with one across the gutter, in order, and some pair must start at
    different heights (blocks of equal height are what plain columns show too).
    """
    left, right = blocks
    if len(left) != len(right) or len(left) < 2:
        return []
    pairs = list(zip(left, right, strict=True))
    if any(abs((a0 + a1) - (b0 + b1)) / 2 > tolerance for (a0, a1), (b0, b1) in pairs):
        return []
    if not any(abs(a0 - b0) > tolerance for (a0, _), (b0, _) in pairs):
        return []
    return [(min(a0, b0), max(a1, b1)) for (a0, a1), (b0, b1) in pairs]


def _band_layout(
    left: Sequence[_Item], right: Sequence[_Item], em: float, settings: PdfSettings
) -> tuple[BandLayout, list[float], float]:
    """Given the items either side of a gutter, return how the band reads, the tops of its
    aligned rows and the bottom of the last one (a grid ends there; a column runs on).

    The cells of a table row start together however many lines each holds, so both sides'
    blocks start at the same heights while some end at different ones; text columns only
    show aligned starts when each pair of paragraphs has the same number of lines. Such a
    grid is a table (read across, row by row) when its cells are single blocks of text, and
    a grid of panels (cards: read one cell after the other, row by row) when they hold
    headings and paragraphs.
    """
    rows = _row_boxes(left), _row_boxes(right)
    # one leading for both sides: a side whose cells are all one line shows none of its own
    leading = min((g for side in rows for g in _row_gaps(side)), default=0.0)
    blocks = [_blocks_of_rows(side, leading, em, settings) for side in rows]
    tolerance = settings.row_align_ratio * em
    centred = centred_rows(blocks, tolerance)
    if centred:
        return "centred", [top for top, _ in centred], centred[-1][1]
    if min(len(b) for b in blocks) < settings.table_band_min_starts:
        return "columns", [], math.inf
    uneven = False
    aligned: list[float] = []
    for mine, theirs in (blocks, blocks[::-1]):
        # what one side holds below the other side's end (a note under one column) aligns with nothing
        facing = [(top, bottom) for top, bottom in mine if top < theirs[-1][1]]
        matched = 0
        for top, bottom in facing:
            partner = next((b for t, b in theirs if abs(top - t) <= tolerance), None)
            if partner is not None:
                matched += 1
                aligned.append(top)
                uneven = uneven or abs(bottom - partner) > tolerance
        if matched < max(settings.table_band_share * len(facing), settings.table_band_min_starts):
            return "columns", [], math.inf
    if not uneven:
        return "columns", [], math.inf
    structured = sum(
        _structured(side_rows, block, leading, em, settings)
        for side_rows, side_blocks in zip(rows, blocks, strict=True)
        for block in side_blocks
    )
    layout: BandLayout = "panels" if structured >= 0.5 * sum(len(b) for b in blocks) else "table"
    tops = sorted(set(aligned))
    last = max(aligned)
    bottom = max(b for side in blocks for t, b in side if abs(t - last) <= tolerance)
    return layout, [t for i, t in enumerate(tops) if i == 0 or t - tops[i - 1] > tolerance], bottom


@dataclass(frozen=True)
class _Band:
    """A run of y-groups split by a vertical gutter, and how it reads."""

    end: int  # index of the first y-group after the band
    gutter: _Interval
    layout: BandLayout
    row_tops: tuple[float, ...] = ()  # where the rows of a table or panel grid start


def _one_side(items: Sequence[_Item], start: float, end: float) -> int:
    """Given items and a gap (start, end), return -1 if all lie left of it, 1 if all lie right, else 0."""
    if all(_box(i).x1 <= start + 0.5 for i in items):
        return -1
    if all(_box(i).x0 >= end - 0.5 for i in items):
        return 1
    return 0


def _trim_tail(
    groups: Sequence[Sequence[_Item]],
    start: int,
    end: int,
    gutter: _Interval,
    em: float,
    settings: PdfSettings,
) -> int:
    """Given y-groups, a band's start and end and its gutter, return the end without a tail on
    one side that stands apart: lines that start under the end of both columns, further below
    them than any line of the band is below the one before it (a heading or a note after the
    band). A column that runs on alone past the other keeps its later paragraphs."""
    sides = [_one_side(g, *gutter) for g in groups[start:end]]
    # the tail: the groups at the end all on one side (a column running on, or a line under the other)
    tail = len(sides) - 1
    while tail > 0 and sides[tail - 1] == sides[-1]:
        tail -= 1
    if tail == 0 or sides[-1] == 0:
        return end
    tops = [min(_box(i).top for i in g) for g in groups[start:end]]
    bottoms = [max(_box(i).bottom for i in g) for g in groups[start:end]]
    gaps = [tops[k] - bottoms[k - 1] for k in range(1, tail + 1)]
    if gaps[-1] > max(gaps[:-1], default=0.0) + settings.block_break_ratio * em:
        return start + tail
    return end


def _column_band(
    groups: Sequence[Sequence[_Item]], start: int, extent: _Interval, em: float, settings: PdfSettings
) -> _Band | None:
    """Given y-groups, a start index and the region's x-extent, return the two-sided band
    starting there, if any."""
    min_width = settings.gutter_min_ratio * em

    def inner_gaps(seed: Sequence[_Item], min_width: float) -> list[_Interval]:
        """Given items and a width, return the free x-intervals between them (not the margins
        beside them) at least that wide."""
        return [
            (a, b)
            for a, b in _free_intervals(seed, *extent)
            if b - a >= min_width and a > extent[0] + 0.5 and b < extent[1] - 0.5
        ]

    # only gaps with text on both sides can be gutters; the margins beside a short line cannot.
    # Columns whose baselines are offset never share a row: there a row and the next one, each
    # wholly on its own side, show the gutter
    current, end = inner_gaps(groups[start], min_width), start + 1
    if not current and end < len(groups):
        min_width = settings.offset_gutter_min_ratio * em
        current = [
            (a, b)
            for a, b in inner_gaps([*groups[start], *groups[end]], min_width)
            if _one_side(groups[start], a, b) * _one_side(groups[end], a, b) == -1
        ]
        end += 1 if current else 0
    while current and end < len(groups):
        narrowed = _intersect(current, _free_intervals(groups[end], *extent), min_width)
        if not narrowed:
            break
        current = narrowed
        end += 1
    for gap_start, gap_end in sorted(current, key=lambda iv: iv[0] - iv[1]):
        end = _trim_tail(groups, start, end, (gap_start, gap_end), em, settings)
        band = [i for g in groups[start:end] for i in g]
        band_box = union_bbox(_box(i) for i in band)
        left = [i for i in band if _box(i).x1 <= gap_start + 0.5]
        right = [i for i in band if _box(i).x0 >= gap_end - 0.5]
        width = band_box.x1 - band_box.x0
        if _side_is_column(left, width, settings) and _side_is_column(right, width, settings):
            layout, tops, bottom = _band_layout(left, right, em, settings)
            # a grid ends with its last row: what follows under one side only is read after it
            while end > start + 1 and min(_box(i).top for i in groups[end - 1]) > bottom:
                end -= 1
            return _Band(end=end, gutter=(gap_start, gap_end), layout=layout, row_tops=tuple(tops))
    return None


def _slabs(members: Sequence[_Item], tops: Sequence[float]) -> list[list[_Item]]:
    """Given items and the tops where rows start, return the items cut into those rows (an item
    above the first top joins the first row)."""
    slabs: list[list[_Item]] = [[] for _ in tops] or [[]]
    for item in members:
        index = sum(1 for top in tops[1:] if _box(item).top >= top - 0.5)
        slabs[index].append(item)
    return [slab for slab in slabs if slab]


def _cell_text(items: Sequence[_Item], settings: PdfSettings) -> str:
    """Given the segments of one grid cell, return its text (visual lines joined)."""
    rows = segments_to_rows((i for i in items if isinstance(i, _Segment)), settings)
    return join_wrapped(" ".join(s.text for s in row.segments) for row in rows)


def centred_grid_block(
    members: Sequence[_Item], band: _Band, page: int, settings: PdfSettings
) -> _Block | None:
    """Given the items of a band of vertically centred cells, return it as a table block (a row
    per aligned pair of cells, a line per cell), or None if a cell holds anything but text."""
    if not all(isinstance(i, _Segment) and not i.vertical for i in members):
        return None
    middle = sum(band.gutter) / 2
    grid: list[list[str]] = []
    for slab in _slabs(members, band.row_tops):
        left = [i for i in slab if (_box(i).x0 + _box(i).x1) / 2 < middle]
        right = [i for i in slab if (_box(i).x0 + _box(i).x1) / 2 >= middle]
        grid.append([_cell_text(left, settings), _cell_text(right, settings)])
    bbox = union_bbox(_box(i) for i in members)
    table = Table(page=page, rows=tuple(tuple(Cell(t) for t in row) for row in grid), bbox=bbox)
    lines = tuple(Line(text=text, page=page, bbox=bbox) for row in grid for text in row if text)
    return _Block(bbox=bbox, lines=lines, tables=(table,))


def order_items(
    items: Sequence[_Item], em: float, settings: PdfSettings, depth: int = 0, page: int = 0
) -> list[list[_Item]]:
    """Given a region's items (and the page number), return its flows in reading order.

    The region is read top to bottom; where a run of its rows leaves a vertical gutter
    free and both sides read as text columns, that band is read left column, then right
    column (each split again for deeper column layouts). A band of vertically centred cells
    becomes one table block.
    """
    groups = _y_groups(items)
    if not groups:
        return []
    extent = (min(_box(i).x0 for i in items), max(_box(i).x1 for i in items))
    flows: list[list[_Item]] = []
    pending: list[Sequence[_Item]] = []  # groups read top to bottom, not (yet) part of a band
    index = 0
    while index < len(groups):
        deep_enough = depth >= settings.max_column_depth
        band = None if deep_enough else _column_band(groups, index, extent, em, settings)
        if band is None:
            pending.append(groups[index])
            index += 1
            continue
        if band.layout == "table":  # its rows stay whole, read across the gutter, top to bottom
            pending.extend(groups[index : band.end])
            index = band.end
            continue
        gap_start, gap_end = band.gutter
        members = [i for g in groups[index : band.end] for i in g]
        # a column whose first line sits higher than the other column's starts before the band
        while pending and not any(_box(i).x0 < gap_end and _box(i).x1 > gap_start for i in pending[-1]):
            members = [*pending.pop(), *members]
        if pending:
            flows.append([i for g in pending for i in g])
            pending = []
        grid = centred_grid_block(members, band, page, settings) if band.layout == "centred" else None
        if grid is not None:
            flows.append([grid])
            index = band.end
            continue
        middle = (gap_start + gap_end) / 2
        # panels are read row by row, each row left cell then right cell; columns all at once
        for slab in _slabs(members, band.row_tops) if band.layout == "panels" else [members]:
            for side in (
                [i for i in slab if (_box(i).x0 + _box(i).x1) / 2 < middle],
                [i for i in slab if (_box(i).x0 + _box(i).x1) / 2 >= middle],
            ):
                flows.extend(order_items(side, em, settings, depth + 1, page))
        index = band.end
    if pending:
        flows.append([i for g in pending for i in g])
    return flows


def flow_to_blocks(
    items: Sequence[_Item], page: int, settings: PdfSettings, carried: Sequence[_Interval] = ()
) -> list[_Block]:
    """Given the items of one flow (and the columns of a table the previous page ended with, if
    the flow opens the page), return its blocks top to bottom (rows become lines and tables)."""
    rows = segments_to_rows((i for i in items if isinstance(i, _Segment)), settings)
    entries: list[_Row | _Block] = [*rows, *(i for i in items if isinstance(i, _Block))]
    entries.sort(key=lambda e: (e.bbox.top, e.bbox.x0))
    blocks: list[_Block] = []
    pending: list[_Row] = []
    for entry in entries:
        if isinstance(entry, _Row):
            pending.append(entry)
            continue
        blocks.extend(rows_to_blocks(pending, page, settings, carried))
        pending, carried = [], ()
        blocks.append(entry)
    blocks.extend(rows_to_blocks(pending, page, settings, carried))
    return blocks


# --- ruled tables ---------------------------------------------------------------------------


_Box4 = tuple[float, float, float, float]


@dataclass(frozen=True)
class _RuledGrid:
    """A grid pdfplumber found from ruling lines: its box and its rows of cell boxes (None = merged)."""

    bbox: _Box4
    cells: tuple[tuple[_Box4 | None, ...], ...]


def _lines_table_settings(settings: PdfSettings) -> dict[str, Any]:
    """Given reader settings, return pdfplumber TableSettings for ruling-line tables."""
    return {
        "vertical_strategy": "lines",
        "horizontal_strategy": "lines",
        "snap_tolerance": settings.snap_tolerance,
        "join_tolerance": settings.join_tolerance,
        "intersection_tolerance": settings.intersection_tolerance,
        "edge_min_length": settings.edge_min_length,
    }


def _inside(glyph: _Glyph, box: _Box4) -> bool:
    """Given a glyph and a pdfplumber bbox (x0, top, x1, bottom), return whether its centre is inside."""
    cx = (glyph.x0 + glyph.x1) / 2
    cy = (glyph.top + glyph.bottom) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


#: how far (points) a ruling may sit from a column or row edge and still be that edge
_EDGE_SLACK = 1.0


def _spans(box: _Box4, xs: Sequence[float], tops: Sequence[float]) -> tuple[int, int]:
    """Given a cell box and the grid's column and row starts, return its (row_span, col_span):
    a merged cell is one rectangle over several grid slots."""
    rows = sum(1 for t in tops if box[1] - _EDGE_SLACK <= t < box[3] - _EDGE_SLACK)
    cols = sum(1 for x in xs if box[0] - _EDGE_SLACK <= x < box[2] - _EDGE_SLACK)
    return max(rows, 1), max(cols, 1)


def grid_to_cells(found: _RuledGrid, texts: Sequence[Sequence[str]]) -> list[list[Cell]]:
    """Given a ruled grid and the text of each of its cell boxes, return its Cell grid with the
    merged cells' spans, without the rows and columns that hold no text."""
    xs = sorted({b[0] for row in found.cells for b in row if b is not None})
    tops = [next((b[1] for b in row if b is not None), 0.0) for row in found.cells]
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(found.cells):
        for c, box in enumerate(row):
            if box is None:
                continue
            spans[(r, c)] = _spans(box, xs, tops)
            if texts[r][c]:
                for dr in range(spans[(r, c)][0]):
                    for dc in range(spans[(r, c)][1]):
                        owner.setdefault((r + dr, c + dc), (r, c))
    width = max((len(row) for row in found.cells), default=0)
    rows = [r for r in range(len(found.cells)) if any(texts[r])]
    cols = [c for c in range(width) if any(c < len(texts[r]) and texts[r][c] for r in rows)]
    grid: list[list[Cell]] = []
    for r in rows:
        out: list[Cell] = []
        for c in cols:
            origin = owner.get((r, c))
            box = found.cells[r][c] if c < len(found.cells[r]) else None
            if origin is not None and origin != (r, c):
                out.append(Cell("", covered=True))
                continue
            row_span, col_span = spans.get((r, c), (1, 1))
            out.append(
                Cell(
                    texts[r][c] if c < len(texts[r]) else "",
                    bbox=None if box is None else BBox(*box),
                    row_span=sum(1 for k in rows if r <= k < r + row_span),
                    col_span=sum(1 for k in cols if c <= k < c + col_span),
                )
            )
        grid.append(out)
    return grid


def _centre(glyphs: Sequence[_Glyph]) -> float:
    """Given a row of glyphs, return the vertical centre of its line."""
    return (min(g.top for g in glyphs) + max(g.bottom for g in glyphs)) / 2


def _row_band(cells: Sequence[_Box4 | None]) -> tuple[float, float] | None:
    """Given a grid row's cell boxes, return (top, bottom) of its one-row cells, or None if it has none."""
    bands = sorted({(b[1], b[3]) for b in cells if b is not None}, key=lambda band: band[1] - band[0])
    return bands[0] if bands else None


def _column_holds_single_lines(
    found: _RuledGrid, c: int, glyphs: Sequence[_Glyph], settings: PdfSettings
) -> bool:
    """Given a grid, a column and the glyphs, return whether the column's one-row cells hold one line
    each: a cell of several lines over as many rows can then only be several cells, where in a
    column of two-line cells (basis over amount) it is one merged cell."""
    rows = [(row, row[c]) for row in found.cells if c < len(row)]
    single = [b for row, b in rows if b is not None and _row_band(row) == (b[1], b[3])]
    counts = [len(glyphs_to_rows([g for g in glyphs if _inside(g, b)], settings)) for b in single]
    return bool(counts) and max(counts) == 1


def _unruled_split(
    found: _RuledGrid, r: int, c: int, glyphs: Sequence[_Glyph], settings: PdfSettings
) -> list[_Box4] | None:
    """Given a grid, a cell spanning rows and the page's glyphs, return one box per spanned row when
    its text is one line per row, each on the line of the cells beside it (a rule the PDF did not
    draw, not a merged cell), else None."""
    box = found.cells[r][c]
    if box is None:
        return None
    tops = [next((b[1] for b in row if b is not None), 0.0) for row in found.cells]
    span = _spans(box, sorted({b[0] for row in found.cells for b in row if b is not None}), tops)[0]
    if span < 2 or r + span > len(found.cells):
        return None
    bands = [_row_band(found.cells[k]) for k in range(r, r + span)]
    if None in bands:
        return None
    lines = glyphs_to_rows([g for g in glyphs if _inside(g, box)], settings)
    if len(lines) != span or not _column_holds_single_lines(found, c, glyphs, settings):
        return None
    if not all(any(g.text.isdigit() for g in line) for line in lines):
        return None  # one figure per row; a label over a figure (免責時間 / 8時間) is one cell
    for line, k in zip(lines, range(r, r + span), strict=True):
        beside = [
            g for b in found.cells[k] if b is not None and b is not box for g in glyphs if _inside(g, b)
        ]
        centres = [_centre(row) for row in glyphs_to_rows(beside, settings)]
        em = max(g.em for g in line)
        if not any(abs(_centre(line) - centre) <= em / 2 for centre in centres):
            return None
    return [(box[0], band[0], box[2], band[1]) for band in bands if band is not None]


def split_unruled_rows(found: _RuledGrid, glyphs: Sequence[_Glyph], settings: PdfSettings) -> _RuledGrid:
    """Given a ruled grid and its glyphs, return it with every cell that spans rows only because a
    rule is missing split into its rows (196,480円 / 267,150円 / 248,330円 in one box)."""
    cells = [list(row) for row in found.cells]
    for r, row in enumerate(found.cells):
        for c in range(len(row)):
            boxes = _unruled_split(found, r, c, glyphs, settings)
            for k, split in enumerate(boxes or ()):
                if c < len(cells[r + k]):
                    cells[r + k][c] = split
    return replace(found, cells=tuple(tuple(row) for row in cells))


_COLUMN_LETTERS = re.compile(r"[A-Z]{1,2}")


def _letter_number(letters: str) -> int:
    """Given spreadsheet column letters (A, Z, AA), return the column's number (1, 26, 27)."""
    return sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(letters)))


def _consecutive(numbers: Sequence[int], least: int) -> bool:
    """Given numbers and how many there must be, return whether they count up by one."""
    return len(numbers) >= least and all(b - a == 1 for a, b in itertools.pairwise(numbers))


def sheet_headings(texts: Sequence[Sequence[str]]) -> set[tuple[int, int]]:
    """Given a ruled grid's cell texts, return the (row, column) slots of a spreadsheet's printed
    headings: a top row of consecutive column letters (A B C … or G H I) over a left column of
    consecutive row numbers (1 2 3 …), both under an empty corner. They are the print's furniture,
    not the document's cells (a draft print of a sheet with its headings on); none unless both show."""
    if len(texts) < 4 or not texts[0] or texts[0][0]:
        return set()
    letters = [t for t in texts[0][1:] if t]
    numbered = [(r, row[0]) for r, row in enumerate(texts[1:], start=1) if row and row[0]]
    if not all(_COLUMN_LETTERS.fullmatch(t) for t in letters) or not _consecutive(
        [_letter_number(t) for t in letters], 2
    ):
        return set()
    if not all(t.isdigit() for _, t in numbered) or not _consecutive([int(t) for _, t in numbered], 3):
        return set()
    return {(0, c) for c, t in enumerate(texts[0]) if t} | {(r, 0) for r, _ in numbered}


def _ruled_table_block(
    found: _RuledGrid, glyphs: Sequence[_Glyph], page: int, settings: PdfSettings
) -> _Block | None:
    """Given a ruled grid and the glyphs inside it, return its block, or None if it is junk.

    Junk is a grid with fewer than two columns holding text (a box around a paragraph).
    A one-row grid is a row of panels: its lines are read cell by cell, not across cells.
    """
    found = split_unruled_rows(found, glyphs, settings)
    # merged cell (None): the text lives in the first cell of the span
    held = [[[g for g in glyphs if _inside(g, box)] if box else [] for box in cells] for cells in found.cells]
    texts = [[glyphs_to_text(inside, settings) for inside in row] for row in held]
    for r, c in sheet_headings(texts):
        texts[r][c], held[r][c] = "", []
    cell_segments = [_horizontal_segments(inside, settings) for row in held for inside in row if inside]
    grid = grid_to_cells(found, texts)
    if not grid or len(grid[0]) < settings.min_table_columns:
        return None
    if len(grid) == 1:
        rows = [r for segments in cell_segments for r in segments_to_rows(segments, settings)]
    else:
        rows = segments_to_rows((s for segments in cell_segments for s in segments), settings)
    bbox = BBox(x0=found.bbox[0], top=found.bbox[1], x1=found.bbox[2], bottom=found.bbox[3])
    table = Table(page=page, rows=tuple(tuple(r) for r in grid), bbox=bbox)
    return _Block(bbox=bbox, lines=tuple(_row_line(r, page) for r in rows), tables=(table,))


def ruled_tables(
    found: Sequence[_RuledGrid], glyphs: Sequence[_Glyph], number: int, settings: PdfSettings
) -> tuple[list[_Block], list[_Glyph]]:
    """Given the ruled grids of a page and its glyphs, return table blocks and the glyphs outside them."""
    blocks: list[_Block] = []
    free = list(glyphs)
    for grid in found:
        inside = [g for g in free if _inside(g, grid.bbox)]
        block = _ruled_table_block(grid, inside, number, settings)
        if block is None:
            continue
        blocks.append(block)
        taken = {id(g) for g in inside}
        free = [g for g in free if id(g) not in taken]
    return blocks, free


# --- pages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RawPage:
    """Everything this reader needs from one pdfplumber page, taken out of pdfplumber's dicts."""

    number: int
    width: float
    height: float
    glyphs: tuple[_Glyph, ...]
    cids: int
    images: int
    grids: tuple[_RuledGrid, ...]


@dataclass(frozen=True)
class _PageResult:
    """What one page yields: the model Page, warnings for a person, and a title candidate."""

    page: Page
    warnings: tuple[str, ...]
    title: str | None
    #: columns of the borderless table the page ends with (it may go on at the next page's top)
    trailing_columns: tuple[_Interval, ...] = ()


def _fill_key(rect: dict[str, Any]) -> tuple[Any, ...] | None:
    """Given a pdfplumber rect, return what its paint looks like if it is a filled area drawn
    without a stroke (a background, not a rule), else None."""
    thin = min(float(rect["x1"]) - float(rect["x0"]), float(rect["bottom"]) - float(rect["top"]))
    if not rect.get("fill") or rect.get("stroke") or thin <= 2.0:
        return None
    return (repr(rect.get("non_stroking_color")), repr(rect.get("ncs")))


def _abut(a: dict[str, Any], b: dict[str, Any], tolerance: float) -> bool:
    """Given two rects, return whether they touch edge to edge along most of the shorter side."""
    ax0, atop, ax1, abottom = (float(a[k]) for k in ("x0", "top", "x1", "bottom"))
    bx0, btop, bx1, bbottom = (float(b[k]) for k in ("x0", "top", "x1", "bottom"))
    side_by_side = abs(ax1 - bx0) <= tolerance or abs(bx1 - ax0) <= tolerance
    shared_y = _overlap(atop, abottom, btop, bbottom) >= 0.5 * min(abottom - atop, bbottom - btop)
    stacked = abs(abottom - btop) <= tolerance or abs(bbottom - atop) <= tolerance
    shared_x = _overlap(ax0, ax1, bx0, bx1) >= 0.5 * min(ax1 - ax0, bx1 - bx0)
    return (side_by_side and shared_y) or (stacked and shared_x)


def on_a_rule(rect: dict[str, Any], rules: Sequence[dict[str, Any]], tolerance: float) -> bool:
    """Given a filled rect and the page's ruling lines, return whether a side of the rect lies on
    the line of a rule that reaches it: the rect is a table cell whose ruling goes on as fills
    (a presentation table's shaded header rows above its ruled body), not a piece of a highlight."""
    x0, top, x1, bottom = (float(rect[k]) for k in ("x0", "top", "x1", "bottom"))
    for rule in rules:
        rx0, rtop, rx1, rbottom = (float(rule[k]) for k in ("x0", "top", "x1", "bottom"))
        upright = rx1 - rx0 <= tolerance and rtop <= bottom + tolerance and rbottom >= top - tolerance
        if upright and min(abs(rx0 - x0), abs(rx0 - x1)) <= tolerance:
            return True
        level = rbottom - rtop <= tolerance and rx0 <= x1 + tolerance and rx1 >= x0 - tolerance
        if level and min(abs(rtop - top), abs(rtop - bottom)) <= tolerance:
            return True
    return False


def seamless_fills(
    rects: Sequence[dict[str, Any]], tolerance: float, rules: Sequence[dict[str, Any]] = ()
) -> set[int]:
    """Given a page's rects (and its ruling lines), return the indices of filled, unstroked ones
    that touch another of the same paint: one painted area drawn in pieces (a highlight behind
    each run of text), whose seams no reader sees, so they are no ruling lines. An area one of
    whose pieces has a side on a rule's line is table cells (`on_a_rule`) and stays."""
    keyed = [(i, key) for i, r in enumerate(rects) if (key := _fill_key(r)) is not None]
    touching: dict[int, set[int]] = {}
    for n, (i, key) in enumerate(keyed):
        for j, other in keyed[n + 1 :]:
            if other == key and _abut(rects[i], rects[j], tolerance):
                touching.setdefault(i, set()).add(j)
                touching.setdefault(j, set()).add(i)
    seamless: set[int] = set()
    for area in _connected(touching):
        if not any(on_a_rule(rects[i], rules, tolerance) for i in area):
            seamless.update(area)
    return seamless


def _connected(touching: dict[int, set[int]]) -> list[set[int]]:
    """Given which items touch which, return the groups of items connected through touches."""
    groups: list[set[int]] = []
    seen: set[int] = set()
    for start in touching:
        if start in seen:
            continue
        group, todo = set(), [start]
        while todo:
            item = todo.pop()
            if item not in group:
                group.add(item)
                todo.extend(touching[item] - group)
        seen |= group
        groups.append(group)
    return groups


#: character collections whose CIDs pdfminer maps to Unicode by itself (Adobe's CMaps)
_KNOWN_ORDERINGS = frozenset({"Japan1", "GB1", "CNS1", "Korea1", "KR"})


def _name(value: Any) -> str:
    """Given a PDF name object (or a str, or None), return it as a str ('' for None)."""
    return str(getattr(value, "name", value) or "")


def _guessed_font(font: dict[str, Any]) -> bool:
    """Given a font dictionary, return whether pdfminer can only guess its text: a CID-keyed font
    with no ToUnicode map, codes that name no known character collection (Identity), and a
    CIDToGIDMap that renumbers glyphs, so the embedded font's own character map (pdfminer's
    fallback) answers for other glyphs than the ones drawn: plausible Japanese, wrong."""
    if font.get("ToUnicode") is not None or _name(font.get("Subtype")) != "Type0":
        return False
    descendants = resolve1(font.get("DescendantFonts")) or []
    if not descendants:
        return False
    descendant = resolve1(descendants[0]) or {}
    info = resolve1(descendant.get("CIDSystemInfo")) or {}
    ordering = info.get("Ordering", b"")
    ordering = ordering.decode("latin-1") if isinstance(ordering, bytes) else str(ordering)
    mapping = resolve1(descendant.get("CIDToGIDMap"))
    return ordering not in _KNOWN_ORDERINGS and mapping is not None and _name(mapping) != "Identity"


def guessed_fonts(page: Any) -> frozenset[str]:
    """Given a pdfplumber page, return the names of its fonts whose text pdfminer only guesses."""
    try:
        fonts = resolve1(page.page_obj.resources.get("Font")) or {}
        chosen = set()
        for ref in fonts.values():
            font = resolve1(ref) or {}
            if _guessed_font(font):
                chosen.add(_name(font.get("BaseFont")))
        return frozenset(chosen)
    except Exception:  # a damaged font dictionary leaves the text to pdfminer, as before
        return frozenset()


def dedupe_keys(chars: Sequence[dict[str, Any]], settings: PdfSettings) -> tuple[str, ...]:
    """Given a page's chars, give each a rounded copy of the attributes duplicates share; return the keys."""
    keys = tuple(f"_dedupe_{attr}" for attr in settings.dedupe_extra_attrs)
    for char in chars:
        for attr, key in zip(settings.dedupe_extra_attrs, keys, strict=True):
            value = char.get(attr)
            char[key] = round(value, settings.dedupe_decimals) if isinstance(value, float) else value
    return keys


def load_page(page: Any, number: int, settings: PdfSettings) -> _RawPage:
    """Given a pdfplumber page, return its glyphs, images and ruled grids (all pdfminer work is here)."""
    keys = dedupe_keys(page.chars, settings)
    deduped = page.dedupe_chars(tolerance=settings.dedupe_tolerance, extra_attrs=keys)
    glyphs = [char_to_glyph(c) for c in deduped.chars]
    grids: list[_RuledGrid] = []
    if "lines" in settings.table_strategies and glyphs:
        rects = deduped.rects
        fills = seamless_fills(rects, settings.snap_tolerance / 3, deduped.lines)
        seams = {_rect_id(rects[i]) for i in fills}
        if seams:
            deduped = deduped.filter(
                lambda obj: obj.get("object_type") != "rect" or _rect_id(obj) not in seams
            )
        for found in deduped.find_tables(_lines_table_settings(settings)):
            rows = tuple(tuple(row.cells) for row in found.rows)
            grids.append(_RuledGrid(bbox=tuple(found.bbox), cells=rows))
    guessed = guessed_fonts(page)
    unmapped = [
        _CID.match(str(c["text"])) is not None or str(c.get("fontname")) in guessed for c in deduped.chars
    ]
    return _RawPage(
        number=number,
        width=float(page.width),
        height=float(page.height),
        glyphs=tuple(g for g, bad in zip(glyphs, unmapped, strict=True) if not bad),
        cids=sum(unmapped),
        images=len(page.images),
        grids=tuple(grids),
    )


def sideways_turn(glyphs: Sequence[_Glyph], settings: PdfSettings) -> int:
    """Given a page's glyphs, return the clockwise turn (90, 270) that sets sideways text upright, or 0."""
    ascending = sum(1 for g in glyphs if not g.upright and g.ascending)
    descending = sum(1 for g in glyphs if not g.upright and not g.ascending)
    sideways = max(ascending, descending)
    if sideways < settings.sideways_min_glyphs or sideways < settings.sideways_share * len(glyphs):
        return 0
    # text running bottom to top reads upright once the page turns a quarter clockwise
    return 90 if ascending >= descending else 270


def turned_page(page: Any, turn: int) -> Any:
    """Given a pdfplumber page and a clockwise turn (degrees), return the page as if its /Rotate said so."""
    obj = copy.copy(page.page_obj)
    obj.attrs = {**page.page_obj.attrs, "Rotate": (page.rotation + turn) % 360}
    obj.rotate = (page.rotation + turn) % 360  # pdfminer lays out the page through this
    return pdfplumber.page.Page(page.pdf, obj, page.page_number, page.initial_doctop)


class PageOverBudget(Exception):
    """A page beyond what any brochure page holds; the message names the limit and its setting."""


#: a string operand of a content stream: `(literal)` or `<hex>`
_STRING_OPERAND = re.compile(rb"\((?:[^()\\]|\\.)*\)|<[0-9A-Fa-f\s]*>")


def _inflated(stream: Any, cap: int) -> bytes | None:
    """Given a content stream and a size in bytes, return its decoded bytes, or None when past the size.

    A Flate stream (nearly every content stream) is inflated at most to the size, so a bomb
    costs no more memory than the size; other filters are left to pdfminer.
    """
    filters = [_name(f) for f, _ in stream.get_filters()]
    raw = stream.rawdata
    if raw is None or filters not in ([], ["FlateDecode"], ["Fl"]):
        data = stream.get_data()
    elif filters:
        try:
            data = zlib.decompressobj().decompress(raw, cap + 1)
        except zlib.error:  # damaged: pdfminer reports it when it parses the page
            return b""
    else:
        data = raw
    return None if len(data) > cap else data


def check_page_budget(page: Any, settings: PdfSettings) -> None:
    """Given a pdfplumber page, raise PageOverBudget if its content is beyond the page budgets."""
    cap, content = settings.max_page_content_mib * 1024 * 1024, bytearray()
    for stream in (resolve1(s) for s in page.page_obj.contents):
        data = _inflated(stream, cap - len(content)) if isinstance(stream, PDFStream) else b""
        if data is None:
            raise PageOverBudget(
                f"its content inflates past {settings.max_page_content_mib} MiB, more than "
                "any brochure page (a compressed-stream bomb or a damaged file); raise "
                "PdfSettings.max_page_content_mib if the page is genuine"
            )
        content += data
    shown = sum(m.end() - m.start() - 2 for m in _STRING_OPERAND.finditer(content))
    if shown > settings.max_page_text_bytes:
        raise PageOverBudget(
            f"it shows {shown:,} bytes of text, more than the {settings.max_page_text_bytes:,} "
            "of PdfSettings.max_page_text_bytes (a brochure page shows a few thousand glyphs: a glyph bomb "
            "or a damaged file); raise it if the page is genuine"
        )


def load_upright_page(page: Any, number: int, settings: PdfSettings) -> tuple[_RawPage, str | None]:
    """Given a pdfplumber page, return its raw page read upright, and a note when it had to be turned."""
    check_page_budget(page, settings)
    raw = load_page(page, number, settings)
    turn = sideways_turn(raw.glyphs, settings)
    if not turn:
        return raw, None
    turned = load_page(turned_page(page, turn), number, settings)
    if sideways_turn(turned.glyphs, settings) or sum(g.upright for g in turned.glyphs) <= sum(
        g.upright for g in raw.glyphs
    ):
        return raw, None  # turning did not help: keep the page as printed
    return turned, f"page {number}: its text is set sideways; read turned {turn}° clockwise"


def _rect_id(rect: dict[str, Any]) -> tuple[float, ...]:
    """Given a pdfplumber rect, return a key that names it across filtered views of the page."""
    return tuple(round(float(rect[k]), 3) for k in ("x0", "top", "x1", "bottom"))


def _text_layer(inked: int, cids: int, settings: PdfSettings) -> TextLayer:
    """Given counts of real and `(cid:N)` glyphs, return the page's text layer verdict."""
    if inked + cids == 0:
        return "none"
    if cids / (inked + cids) >= settings.cid_threshold:
        return "cid"
    return "ok"


def _layer_warning(number: int, layer: TextLayer, cids: int, images: int) -> str | None:
    """Given a page's layer verdict, return the warning a person should read, or None."""
    if layer == "none":
        what = f"only {images} image(s): a scan?" if images else "the page is blank"
        return f"page {number} has no text layer ({what}); if it should have text, run OCR on the PDF"
    if layer == "cid":
        return (
            f"page {number}: {cids} glyphs have no Unicode mapping ((cid:N)); its text is missing — "
            "re-export the PDF with embedded Unicode fonts or run OCR on it"
        )
    if cids:
        return f"page {number}: {cids} glyphs without a Unicode mapping ((cid:N)) were dropped"
    return None


def trailing_columns(blocks: Sequence[_Block], settings: PdfSettings) -> tuple[_Interval, ...]:
    """Given a page's blocks in reading order, return the columns of the borderless table that
    ends the page (below it at most a footer: `footer_max_lines` lines), or () if none does."""
    tables = [b for b in blocks if b.columns]
    if not tables:
        return ()
    last = max(tables, key=lambda b: b.bbox.bottom)
    below = [line for b in blocks for line in b.lines if line.bbox and line.bbox.top >= last.bbox.bottom]
    return last.columns if len(below) <= settings.footer_max_lines else ()


def raw_to_page(raw: _RawPage, settings: PdfSettings, carried: Sequence[_Interval] = ()) -> _PageResult:
    """Given a loaded page (and the columns of a table the previous page ended with), return the
    model Page, its warnings, a title candidate and the columns of a table it ends with."""
    number = raw.number
    inked = [g for g in raw.glyphs if not g.blank]
    layer = _text_layer(len(inked), raw.cids, settings)
    warning = _layer_warning(number, layer, raw.cids, raw.images)
    warnings = (warning,) if warning else ()
    if layer != "ok":
        # what survives on a (cid:N) page is mojibake that would only produce false matches
        empty = Page(number=number, lines=(), text_layer=layer, width=raw.width, height=raw.height)
        return _PageResult(page=empty, warnings=warnings, title=None)
    table_blocks, free = ruled_tables(raw.grids, raw.glyphs, number, settings)
    segments = glyphs_to_segments(free, settings)
    vertical = [s for s in segments if s.vertical]
    horizontal = [s for s in segments if not s.vertical]
    em = _median((s.em for s in horizontal), _median((g.em for g in inked), 10.0))
    items: list[_Item] = [*horizontal, *table_blocks, *_vertical_blocks(vertical, number)]
    flows = order_items(items, em, settings, page=number)
    blocks = [
        b
        for index, flow in enumerate(flows)
        for b in flow_to_blocks(flow, number, settings, carried if index == 0 else ())
    ]
    result = Page(
        number=number,
        lines=tuple(line for b in blocks for line in b.lines if line.text),
        tables=tuple(t for b in blocks for t in b.tables),
        text_layer=layer,
        width=raw.width,
        height=raw.height,
    )
    return _PageResult(
        page=result,
        warnings=warnings,
        title=_heading(horizontal, em),
        trailing_columns=trailing_columns(blocks, settings),
    )


# --- tables across page breaks -------------------------------------------------------------


def column_lefts(table: Table) -> tuple[float, ...] | None:
    """Given a table, return each column's left edge (its unmerged cells' leftmost x0), or None
    when a column has no boxed cell (the table's geometry is unknown)."""
    width = max((len(row) for row in table.rows), default=0)
    lefts: list[float] = []
    for col in range(width):
        xs = [
            row[col].bbox.x0  # type: ignore[union-attr]
            for row in table.rows
            if col < len(row) and row[col].bbox is not None and row[col].col_span == 1
        ]
        if not xs:
            return None
        lefts.append(min(xs))
    return tuple(lefts)


def _lines_beyond(page: Page, box: BBox, below: bool) -> int:
    """Given a page and a table's box, return how many of its lines lie wholly below (or above) it."""
    boxes = [line.bbox for line in page.lines if line.bbox is not None]
    return sum(1 for b in boxes if (b.top >= box.bottom if below else b.bottom <= box.top))


def goes_on_across(tail: Table, tail_page: Page, head: Table, head_page: Page, settings: PdfSettings) -> bool:
    """Given the table a page ends with and the table the next page starts with (with their pages),
    return whether the second continues the first: nothing but a footer below the first, nothing
    but a running header above the second, the same columns at the same x-positions."""
    if tail.bbox is None or head.bbox is None:
        return False
    if _lines_beyond(tail_page, tail.bbox, below=True) > settings.footer_max_lines:
        return False
    if _lines_beyond(head_page, head.bbox, below=False) > settings.footer_max_lines:
        return False
    ends, starts = column_lefts(tail), column_lefts(head)
    return (
        ends is not None
        and starts is not None
        and len(ends) == len(starts)
        and all(abs(a - b) <= settings.page_break_column_slack for a, b in zip(ends, starts, strict=True))
    )


def _paged(row: tuple[Cell, ...], page: int) -> tuple[Cell, ...]:
    """Given a table row and its page, return the row with each cell knowing its page."""
    return tuple(cell if cell.page is not None else replace(cell, page=page) for cell in row)


def join_tables(first: Table, rest: Table) -> Table:
    """Given a table and its continuation on the next page, return them as one table: the header
    rows the continuation repeats are dropped, each cell keeps its own page and box."""
    texts = first.texts()
    repeated = 0
    while repeated < min(len(rest.rows), len(first.rows) - 1) and rest.texts()[repeated] == texts[repeated]:
        repeated += 1
    rows = [_paged(row, first.page) for row in first.rows]
    rows += [_paged(row, rest.page) for row in rest.rows[repeated:]]
    return replace(first, rows=tuple(rows))


def join_page_tables(pages: Sequence[Page], settings: PdfSettings) -> tuple[Page, ...]:
    """Given a document's pages, return them with every table that runs across a page break held
    once, as one table, on the page where it starts."""
    tables = [list(page.tables) for page in pages]
    open_at: tuple[int, int, Table] | None = None  # the table the previous page ends with, and its part there
    for index, page in enumerate(pages):
        joined = None
        if open_at is not None and tables[index]:
            at, slot, part = open_at
            head = tables[index][0]
            if goes_on_across(part, pages[index - 1], head, page, settings):
                tables[at][slot] = join_tables(tables[at][slot], tables[index].pop(0))
                joined = (at, slot, head)
        open_at = (index, len(tables[index]) - 1, tables[index][-1]) if tables[index] else joined
    return tuple(replace(page, tables=tuple(found)) for page, found in zip(pages, tables, strict=True))


def _heading(segments: Sequence[_Segment], em: float) -> str | None:
    """Given a page's horizontal segments, return the topmost text set clearly larger than the body."""
    large = [s for s in segments if s.em >= 1.3 * em and len(s.text) >= 2]
    if not large:
        return None
    biggest = max(s.em for s in large)
    top = min((s for s in large if s.em >= 0.9 * biggest), key=lambda s: (s.bbox.top, s.bbox.x0))
    return top.text


# --- documents and errors ---------------------------------------------------------------------


def _error(message: str, path: Path) -> BrochureError:
    """Given a message and the file, return the read-stage BrochureError for it."""
    return BrochureError(message, stage="read", source=str(path))


def _open_error(exc: BaseException, path: Path) -> BrochureError:
    """Given the exception pdfplumber/pdfminer raised while opening, return an actionable error."""
    cause = _cause(exc)
    if _is_locked(exc):
        return _error(
            "the PDF is password-protected; save an unprotected copy "
            "(e.g. qpdf --decrypt --password=… in.pdf out.pdf) and drop that in raw/",
            path,
        )
    return _error(f"PDF is damaged: {_failure(cause)}; re-download or re-export it", path)


def _failure(cause: BaseException) -> str:
    """Given what pdfminer raised on a damaged file, return it as `Kind: what`, in words a person reads."""
    if isinstance(cause, RecursionError):  # resolving references that lead back to themselves
        return f"{type(cause).__name__}: its objects refer to each other in a loop"
    return f"{type(cause).__name__}: {str(cause) or type(cause).__name__}"


def repair(data: bytes) -> bytes | None:
    """Given a PDF's bytes that pdfminer cannot open, return them rewritten by PDFium (None: it cannot).

    PDFium rebuilds a cross-reference table that is missing or wrong (a file cut off before
    its `xref`, offsets shifted by an editor) by scanning the objects, as poppler does.
    """
    try:
        document = pypdfium2.PdfDocument(data)
    except Exception:  # pypdfium2 raises PdfiumError, and ValueError for a password
        return None
    try:
        if len(document) == 0:
            return None
        out = io.BytesIO()
        document.save(out)
        return out.getvalue()
    except Exception:
        return None
    finally:
        document.close()


#: the start of an indirect object: `12 0 obj`
_OBJECT_START = re.compile(rb"(?<![0-9])(\d{1,10})[ \t\r\n]+(\d{1,5})[ \t\r\n]+obj\b")
_CATALOG = re.compile(rb"/Type[ \t\r\n]*/Catalog\b")
#: a reference to an indirect object: `12 0 R`
_REFERENCE = re.compile(rb"(?<![0-9])(\d{1,10})[ \t\r\n]+\d{1,5}[ \t\r\n]+R(?![A-Za-z])")


def lost_objects(data: bytes) -> set[int]:
    """Given a PDF's bytes, return the numbers of objects it refers to but does not hold.

    A file cut off in its body (half a download) has lost objects: a font, a page's
    contents. Rebuilt, it would publish glyphs without their fonts, so it is not rebuilt.
    """
    defined = {int(m[1]) for m in _OBJECT_START.finditer(data)}
    return {int(m[1]) for m in _REFERENCE.finditer(data)} - defined


def rebuild_xref(data: bytes) -> bytes | None:
    """Given a PDF's bytes whose cross-reference table or trailer is lost, return them with new ones.

    Every `N G obj` is found by scanning, the last definition of a number winning, and the
    catalog is the object holding `/Type /Catalog` (a file cut off before its `xref` keeps
    every object but loses the trailer naming the root, which neither pdfminer nor PDFium
    then finds). None when no catalog object is there.
    """
    starts = {int(m[1]): (m.start(), int(m[2])) for m in _OBJECT_START.finditer(data)}
    catalog = next((m.start() for m in reversed(list(_CATALOG.finditer(data)))), None)
    if not starts or catalog is None:
        return None
    root = max((start, number) for number, (start, _) in starts.items() if start < catalog)[1]
    size = max(starts) + 1
    entries = [
        b"%010d %05d n \n" % starts[n] if n in starts else b"0000000000 65535 f \n" for n in range(size)
    ]
    body = data.rstrip() + b"\n"
    tail = b"trailer\n<< /Size %d /Root %d %d R >>\nstartxref\n%d\n%%%%EOF\n"
    xref = b"xref\n0 %d\n" % size + b"".join(entries)
    return body + xref + tail % (size, root, starts[root][1], len(body))


def _try_open(source: Path | bytes) -> tuple[Any, BaseException | None]:
    """Given a PDF file or its bytes, return it opened by pdfplumber (None: no pages) and what failed."""
    try:
        pdf = pdfplumber.open(source if isinstance(source, Path) else io.BytesIO(source))
    except Exception as exc:  # pdfminer raises anything from struct.error to its own PSEOF
        return None, exc
    try:
        if pdf.pages:
            return pdf, None
        failure = None
    except Exception as exc:
        failure = exc
    with suppress(Exception):  # closing walks the pages again: a reference loop fails there too
        pdf.close()
    return None, failure


def _open(path: Path) -> tuple[Any, str | None]:
    """Given a PDF file, return it opened by pdfplumber, and a warning if it was repaired.

    pdfplumber reads the file itself; its bytes are read here only when it cannot, to repair them.
    """
    pdf, failure = _try_open(path)
    if pdf is not None:
        return pdf, None
    if failure is None or not _is_locked(failure):
        repaired = _repaired(read_bytes(path), failure)
        if repaired is not None:
            return repaired
    if failure is not None:
        raise _open_error(failure, path) from None
    raise _error("the PDF has no pages (damaged or truncated?); re-download or re-export it", path)


def _repaired(data: bytes, failure: BaseException | None) -> tuple[Any, str] | None:
    """Given the bytes of a PDF pdfplumber cannot open and why, return it opened after a repair and a
    warning saying so, None when no repair opens it (or objects are lost, which no repair brings back)."""
    if lost_objects(data):
        return None
    for fix in (rebuild_xref, repair):
        fixed = fix(data)
        if fixed is not None and (pdf := _try_open(fixed)[0]) is not None:
            why = _failure(_cause(failure)) if failure else "no pages found"
            note = (
                f"the PDF is damaged ({why}); it was read after its structure was rebuilt: check its "
                "rows, or re-download or re-export it"
            )
            return pdf, note
    return None


def _is_locked(exc: BaseException) -> bool:
    """Given what pdfplumber raised while opening, return whether it is about a password."""
    kind = type(_cause(exc)).__name__
    return "Password" in kind or "Encrypt" in kind


def _cause(exc: BaseException) -> BaseException:
    """Given what pdfplumber raised, return pdfminer's exception inside it (or it)."""
    return exc.args[0] if isinstance(exc, PdfminerException) and exc.args else exc


def _check_magic(data: bytes, path: Path) -> None:
    """Given the file's leading bytes, raise BrochureError unless they are a PDF."""
    if b"%PDF-" in data[:1024]:
        return
    raise _error(f"not a PDF (the file holds {describe_bytes(data)}); convert it or remove it", path)


def _metadata_title(metadata: dict[str, Any]) -> str | None:
    """Given PDF metadata, return a human title, skipping empty ones and file names."""
    title = metadata.get("Title")
    if not isinstance(title, str):
        return None
    title = title.strip()
    if not title or re.search(r"\.(pdf|docx?|xlsx?|pptx?|html?|indd|ai)$", title, re.IGNORECASE):
        return None
    if title.lower().startswith(("microsoft word", "untitled", "http://", "https://", "file:")):
        return None
    return title


def _no_text_error(
    results: Sequence[_PageResult], damaged: Sequence[str], over: Sequence[str], path: Path
) -> BrochureError:
    """Given the pages read, the damage found and the pages over budget, return why nothing is usable."""
    if over:
        return _error(f"no page was read: {over[0]}", path)
    if damaged:
        return _error(f"PDF is damaged: {damaged[0]}; re-download or re-export it", path)
    layers = {r.page.text_layer for r in results}
    if layers == {"cid"}:
        return _error(
            "no page has usable text: the fonts carry no Unicode map (only (cid:N) glyphs); "
            "run OCR first (e.g. ocrmypdf -l jpn --force-ocr in.pdf out.pdf) and drop the OCR'd PDF in raw/",
            path,
        )
    return _error(
        f"no page has a text layer ({len(results)} page(s) of scanned images or blank pages); "
        f"{ocr.engine_problem() or 'OCR found no text on them either'}",
        path,
    )


def _ocr_page(raw: _RawPage, path: Path, settings: PdfSettings, carried: Sequence[_Interval]) -> _PageResult:
    """Given a page of images without glyphs, return it read by OCR (`readers.ocr`), or unread with why."""
    problem = ocr.engine_problem()
    chars = [] if problem else ocr.page_to_chars(path, raw.number - 1)
    if not chars:
        unread = raw_to_page(raw, settings, carried)
        why = problem or "OCR found no text on it"
        return replace(unread, warnings=tuple(f"{w}; {why}" for w in unread.warnings))
    read = raw_to_page(replace(raw, glyphs=tuple(char_to_glyph(c) for c in chars)), settings, carried)
    page = replace(read.page, text_layer="ocr")
    return replace(read, page=page, warnings=(*read.warnings, ocr.note(raw.number, len(chars))))


class _BenignFontNotes(logging.Filter):
    """Drops pdfminer's per-font note about Type3 fonts without a FontBBox (every Chromium PDF)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Given a log record, return False for the benign FontBBox note, True for anything else."""
        return "Could not get FontBBox" not in record.getMessage()


@contextmanager
def _quiet_font_notes() -> Iterator[None]:
    """Given nothing, silence the benign FontBBox note while a PDF is read (other pdfminer logs stay)."""
    logger = logging.getLogger("pdfminer.pdffont")
    note_filter = _BenignFontNotes()
    logger.addFilter(note_filter)
    try:
        yield
    finally:
        logger.removeFilter(note_filter)


def read(path: Path, settings: PdfSettings = DEFAULT_SETTINGS) -> Document:
    """Given a PDF file, return its Document, or raise BrochureError saying what to do about it."""
    with _quiet_font_notes():
        return _read(path, settings)


def _stream_bytes(value: Any) -> int:
    """Given a cached pdfminer object (or an (object, generation) pair), return the bytes its stream holds."""
    obj = value[0] if isinstance(value, tuple) and value else value
    if not isinstance(obj, PDFStream):
        return 0
    data = obj.data if obj.data is not None else obj.rawdata
    return len(data or b"")


def cached_stream_bytes(objects: Iterable[Any], fonts: Iterable[Any]) -> int:
    """Given pdfminer's cached objects and fonts, return the stream bytes they hold (a font: its file)."""
    held = sum(_stream_bytes(o) for o in objects)
    return held + sum(_stream_bytes(getattr(f, "fontfile", None)) for f in fonts)


def release_page(page: Any, settings: PdfSettings) -> None:
    """Given a pdfplumber page that has been read, free what it and its document cache for it.

    pdfplumber keeps each parsed page's objects, and pdfminer every object and font of the file,
    until the file is closed: a 500-page document would hold them all at once. The caches are
    emptied past a count of objects or fonts, or past a size of the streams they hold (a font
    dropped holds its font program, so both caches go together then).
    """
    page.close()
    document, resources = page.pdf.doc, page.pdf.rsrcmgr
    # private caches of pdfminer, read defensively: without them there is nothing to bound
    caches = (getattr(document, name, None) for name in ("_cached_objs", "_parsed_objs"))
    objects: list[dict[Any, Any]] = [c for c in caches if isinstance(c, dict)]
    found = getattr(resources, "_cached_fonts", None)
    fonts: dict[Any, Any] = found if isinstance(found, dict) else {}
    held = cached_stream_bytes((v for c in objects for v in c.values()), fonts.values())
    too_big = held > settings.max_cached_stream_mib * 1024 * 1024
    if too_big or sum(len(c) for c in objects) > settings.max_cached_objects:
        for cache in objects:
            cache.clear()
    if too_big or len(fonts) > settings.max_cached_fonts:
        fonts.clear()


def page_budget_warning(count: int, settings: PdfSettings) -> str | None:
    """Given a PDF's page count and the settings, return the warning that its pages past the budget
    are left unread, or None when it is within the budget."""
    if count <= settings.max_pages:
        return None
    return (
        f"the PDF has {count:,} pages, more than the budget of {settings.max_pages:,} "
        f"(PdfSettings.max_pages): only pages 1-{settings.max_pages:,} were read, pages "
        f"{settings.max_pages + 1:,}-{count:,} are missing; split the file into brochures, or raise "
        "PdfSettings.max_pages if it is one"
    )


def _read(path: Path, settings: PdfSettings) -> Document:
    """Given a PDF file and settings, return its Document (see `read`)."""
    _check_magic(read_head(path), path)
    pdf, repaired = _open(path)
    with pdf:
        pages = pdf.pages
        results: list[_PageResult] = []
        damaged: list[str] = []
        over: list[str] = []  # pages over a budget
        unread = page_budget_warning(len(pages), settings)
        for number, page in enumerate(pages[: settings.max_pages], start=1):
            try:
                raw, turned = load_upright_page(page, number, settings)
            except Exception as exc:  # one unparsable content stream must not lose the other pages
                detail = str(exc) if isinstance(exc, PageOverBudget) else f"{type(exc).__name__}: {exc}"
                (over if isinstance(exc, PageOverBudget) else damaged).append(f"page {number}: {detail}")
                empty = Page(number=number, lines=(), text_layer="none")
                note = f"page {number} could not be parsed ({detail}); its text is missing"
                results.append(_PageResult(page=empty, warnings=(note,), title=None))
                continue
            carried = results[-1].trailing_columns if results else ()
            if not raw.glyphs and not raw.cids and raw.images:  # a scan
                result = _ocr_page(raw, path, settings, carried)
            else:
                result = raw_to_page(raw, settings, carried)
            results.append(replace(result, warnings=(*result.warnings, turned)) if turned else result)
            release_page(page, settings)
        metadata_title = _metadata_title(pdf.metadata)
    if not any(r.page.text_layer in ("ok", "ocr") for r in results):
        raise _no_text_error(results, damaged, over, path)
    first_heading = next((r.title for r in results if r.title), None)
    first_line = next((line.text for r in results for line in r.page.lines), None)
    return Document(
        source=str(path),
        source_format="pdf",
        pages=join_page_tables([r.page for r in results], settings),
        title=metadata_title or first_heading or first_line,
        warnings=(
            *([repaired] if repaired else []),
            *([unread] if unread else []),
            *(w for r in results for w in r.warnings),
            *text_warnings(r.page for r in results),
        ),
    )
