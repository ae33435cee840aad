"""Reading-order units of a Document (paragraphs and tables) and the small text shapes
extractors look for in them: headings, bullets, enumerated items, sentences, label marks.

Nothing here knows about coverages or amounts; coverages, limits and scenario extraction
build on these units.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

from extractors.document import Document, Line, Page, Table, centre_inside, nfkc, union_bbox
from extractors.text_utils import row_key

#: a line at most this long (NFKC characters) with no sentence end inside can be a heading
HEADING_MAX_CHARS = 40

BULLET_CHARS = "・•●⚫◆◇■□▶►▷◉○◎★☆✓✔-–—*＊>"
#: bullet marks that also open section headings (■ 補償内容, ◆ご注意): a short line opened by
#: one of these, with no sentence in it, is a heading
HEADING_MARKS = "■□◆◇"
_BULLET = re.compile(rf"^\s*(?:[{re.escape(BULLET_CHARS)}]\ufe0e?\ufe0f?)+\s*")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_ENUMERATOR = re.compile(
    rf"^\s*(?:[{_CIRCLED}]|\(\d{{1,2}}\)|\d{{1,2}}[.)](?!\d)|\d{{1,2}}\s+(?=[^\d\s,.万億千円%])"
    rf"|[a-zA-Z][.)](?=\s)|Step\s*\d+|STEP\s*\d+|特長\s*\d+)\s*"
)
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f]")
_MARKDOWN_HEADING = re.compile(r"^\s*#{1,6}\s+")
_FOOTNOTE = re.compile(r"\^?\(?(?:※|\*|注)\s*\d*\)?|\(注\d*\)")
_LEADING_FOOTNOTE = re.compile(r"^\s*(?:\^?\(?(?:※|\*)\s*\d*\)?|\(?注\s*\d*\)?)\s*")
_WRAPPING = "「」『』〈〉《》【】\"'“”"
#: a dot leader between a label and its value (NFKC turns … into ... and ‥ into ..)
LEADER = re.compile(r"\s*(?:\.{3,}|・{3,}|･{3,})\s*(?=\S)")
_SENTENCE_END = "。!?！？"


@dataclass(frozen=True)
class Unit:
    """One reading-order unit: a paragraph (one or more wrapped lines) or a table."""

    page: int
    lines: tuple[Line, ...] = ()
    table: Table | None = None

    @property
    def is_table(self) -> bool:
        return self.table is not None

    @property
    def text(self) -> str:
        """Verbatim text: the lines joined by newlines (a substring of Document.text)."""
        return "\n".join(line.text for line in self.lines)

    @property
    def norm(self) -> str:
        """NFKC text with wrapped lines joined directly (CJK has no spaces between words)."""
        return "".join(line.norm.strip() for line in self.lines)


def strip_leading_marks(norm: str) -> str:
    """Given NFKC text, return it without the heading marks, bullets, enumerators and footnote
    marks that open it (up to three, in any order: ■ 1. ※ …)."""
    for _ in range(3):
        before = norm
        for pattern in (_MARKDOWN_HEADING, _BULLET, _ENUMERATOR, _LEADING_FOOTNOTE):
            norm = pattern.sub("", norm)
        if norm == before:
            break
    return norm


@lru_cache(maxsize=1 << 14)
def strip_label_marks(text: str) -> str:
    """Given an item label, return it without bullets, enumerators, footnote marks and brackets (cached)."""
    label = _VARIATION_SELECTORS.sub("", text).strip()
    label = re.sub(rf"^\s*[{_CIRCLED}]\s*", "", label)
    label = _FOOTNOTE.sub("", strip_leading_marks(nfkc(label).strip())).strip()
    label = label.strip(_WRAPPING + " 　:：-–|^")
    return label.rstrip("。、,.!！?？").strip()


def drop_list_marks(text: str) -> str:
    """Given verbatim text, return it without the circled numbers that open its lines (①不正…).

    NFKC turns ① into 1, which then reads as part of the label (1不正アクセス等対応費用), so
    labels are taken from text whose list marks were dropped before normalising.
    """
    return re.sub(rf"(?m)^(\s*)[{_CIRCLED}]\s*", r"\1", _VARIATION_SELECTORS.sub("", text))


#: what parts an item's label from its description on one line (データ復旧費用 … 破損した…,
#: 損害賠償金　　情報の…, 支払限度額：…); a single space only after a label of two characters
#: or more, since PDF text also puts single spaces between CJK characters (賠 償 責 任)
_LABEL_SEPARATOR = re.compile(r"\s{2,}|\s*(?:…+|\.{3,}|[:：]|―+|—+)\s*")
_LABEL_SPACE = re.compile(r"(?<=\S\S)\s(?=\S)")
#: a bracketed tag before a label (〈オプション〉喪失利益…, 【特約】…): not part of the label
_LABEL_TAG = re.compile(r"^[〈《【\[(][^〉》】\])]{1,12}[〉》】\])]\s*(?=\S)")


def split_label(text: str) -> tuple[str, str]:
    """Given an item line (label, then maybe a description), return its label without list
    marks and the description after it ("" when the line is only a label)."""
    norm = _LABEL_TAG.sub("", strip_leading_marks(nfkc(drop_list_marks(text)).strip()))
    m = _LABEL_SEPARATOR.search(norm) or _LABEL_SPACE.search(norm)
    if m is None or m.start() == 0:
        return strip_label_marks(norm), ""
    return strip_label_marks(norm[: m.start()]), norm[m.end() :].strip()


def starts_with_bullet(text: str) -> bool:
    """Given a line, return whether it opens with a bullet mark or an enumerator (①, 1., (1))."""
    norm = nfkc(text)
    return bool(_BULLET.match(norm) and not re.match(r"^\s*-?\d", norm)) or bool(_ENUMERATOR.match(norm))


def starts_with_footnote(text: str) -> bool:
    """Given a line, return whether it is a footnote (※, *1, (注1), (※1) …)."""
    return bool(re.match(r"^\s*(?:\^?\(?※|\*\d|\(?注\s*\d*[)）:：\s])", nfkc(text)))


def is_question(text: str) -> bool:
    """Given a line, return whether it asks a question (marketing or FAQ, not a coverage)."""
    return nfkc(text).rstrip().rstrip("…").endswith(("?", "？"))


def is_heading(text: str) -> bool:
    """Given a line, return whether it reads like a heading: short, no sentence inside, no bullet."""
    norm = nfkc(text).strip()
    if not norm or len(norm) > HEADING_MAX_CHARS or starts_with_footnote(norm) or "。" in norm:
        return False
    return not starts_with_bullet(norm) or bool(_ENUMERATOR.match(norm)) or norm[0] in HEADING_MARKS


#: a trailing bracketed figure on a heading: 費用補償（支払限度額 5,000万円）
_TRAILING_FIGURE = re.compile(r"\s*[(（][^()（）]*\d[^()（）]*[)）]\s*$")


def heading_core(text: str) -> str:
    """Given a line, return it without a trailing bracketed clause that holds a figure (the
    section limit a heading carries), so that the heading can be read as a heading."""
    norm = nfkc(text).strip()
    return _TRAILING_FIGURE.sub("", norm) or norm


_INLINE_BULLET = re.compile(rf"(?:[⚫●•◆■▶►▷◉○◎★☆✓✔]|[{_CIRCLED}])")


def split_enumerated(text: str) -> list[str]:
    """Given verbatim text holding inline bullets or circled numbers, return the pieces they start.

    Works on the verbatim text because NFKC turns ① into 1. The text before the first mark (a
    heading such as 各種費用に関する補償) is the first piece. Pieces stay verbatim.
    """
    return split_at(_VARIATION_SELECTORS.sub("", text), _INLINE_BULLET)


def split_at(text: str, marks: re.Pattern[str]) -> list[str]:
    """Given text and the pattern of the marks that open its pieces, return the pieces, stripped."""
    bounds = [0, *(m.start() for m in marks.finditer(text)), len(text)]
    return [piece for a, b in itertools.pairwise(bounds) if (piece := text[a:b].strip())]


def starts_with_inline_mark(text: str) -> bool:
    """Given verbatim text, return whether it opens with an inline bullet or a circled number."""
    return bool(_INLINE_BULLET.match(_VARIATION_SELECTORS.sub("", text).strip()))


def head_of(text: str) -> str:
    """Given an item's text (label, then a description after a space), return the label part."""
    norm = nfkc(text).strip()
    m = re.match(r"^(\S+?)\s+\S", norm)
    return m.group(1) if m else norm


def _line_table(line: Line, tables: tuple[Table, ...], keys: list[set[str]]) -> int | None:
    """Given a line and a page's tables (with their row keys), return the table it belongs to."""
    key = row_key(line.text)
    boxed = (
        line.bbox is not None and t.bbox is not None and centre_inside(line.bbox, t.bbox) for t in tables
    )
    return next((i for i, inside in enumerate(boxed) if inside or (key and key in keys[i])), None)


#: a line at least this many line heights wide can fill a column narrower than the page
#: (a card, one column of two); shorter lines (list entries) never count as filling one
COLUMN_MIN_WIDTH_LINES = 12
#: lines within this many line heights above or below a line are its column neighbours
COLUMN_WINDOW_LINES = 3
#: lines whose heights differ by more than this ratio are set in different type sizes: a card's
#: caption and the description under it, never one wrapped sentence
WRAP_MAX_HEIGHT_RATIO = 1.2
#: a line under a footnote or list item may start up to this many line heights further right:
#: a hanging indent, aligned with the text after the mark (※2 …, then the note's next line)
HANGING_INDENT_LINES = 3.0


def column_right_edge(line: Line, lines: tuple[Line, ...]) -> float:
    """Given a PDF line and its page's lines, return the right edge of the column it is in: the
    furthest right end of the lines just above and below it that start where it starts."""
    box = line.bbox
    if box is None:
        return 0.0
    height = max(box.bottom - box.top, 1.0)
    ends = [
        other.bbox.x1
        for other in lines
        if other.bbox is not None
        and abs(other.bbox.x0 - box.x0) <= height * 1.5
        and abs(other.bbox.top - box.top) <= height * COLUMN_WINDOW_LINES
    ]
    return max(ends, default=box.x1)


#: a wrapped line sits at most this many line heights below the one it continues, or at the
#: page's own leading (`wrap_leading`) where that is wider, up to WRAP_MAX_LEADING_LINES
WRAP_GAP_LINES = 0.8
WRAP_MAX_LEADING_LINES = 1.2
#: the fewest line pairs that show a page's leading
LEADING_MIN_PAIRS = 3


def wrap_leading(lines: tuple[Line, ...]) -> float:
    """Given a page's lines, return the gap most often seen between a line and the next one at its
    left edge in its type size (rounded to half a point; 0 when fewer than LEADING_MIN_PAIRS show
    it): the leading an airy layout wraps its sentences at (a leaflet set at double spacing)."""
    gaps: dict[float, int] = {}
    for above, below in itertools.pairwise(line for line in lines if line.bbox is not None):
        a, b = above.bbox, below.bbox
        assert a is not None and b is not None
        height = max(a.bottom - a.top, 1.0)
        if abs(a.x0 - b.x0) <= 1.0 and abs((b.bottom - b.top) - height) <= 0.5 and b.top > a.bottom:
            gap = round((b.top - a.bottom) * 2) / 2
            gaps[gap] = gaps.get(gap, 0) + 1
    common = max(gaps.items(), key=lambda item: (item[1], -item[0]), default=(0.0, 0))
    return common[0] if common[1] >= LEADING_MIN_PAIRS else 0.0


def _wraps_into(
    previous: Line, line: Line, right_edge: float, lines: tuple[Line, ...] = (), leading: float = 0.0
) -> bool:
    """Given two consecutive PDF lines (and the page's right edge, lines and leading), return whether
    the second continues the first's sentence: one type size, close below it (within the page's
    leading) at its left edge (or, under a note or list item, at its hanging indent), no bullet,
    and the first runs to the end of its column (the page's text edge, or for a wide line its own
    column's)."""
    box, below = previous.bbox, line.bbox
    if box is None or below is None or previous.page != line.page:
        return False
    height, line_height = max(box.bottom - box.top, 1.0), max(below.bottom - below.top, 1.0)
    if max(height, line_height) > min(height, line_height) * WRAP_MAX_HEIGHT_RATIO:
        return False
    indent = below.x0 - box.x0
    hanging = starts_with_footnote(previous.text) or starts_with_bullet(previous.text)
    if abs(indent) > height * 1.5 and not (hanging and 0 < indent <= height * HANGING_INDENT_LINES):
        return False
    reach = max(height * WRAP_GAP_LINES, min(leading + 0.5, height * WRAP_MAX_LEADING_LINES))
    if not -height / 2 <= below.top - box.bottom <= reach:
        return False
    end = previous.norm.rstrip()[-1:]
    if (
        not end
        or is_leader_field(previous.norm)
        or end in _SENTENCE_END + ":："
        or starts_with_bullet(line.text)
        or starts_with_footnote(line.text)
    ):
        return False
    if box.x1 >= right_edge - height * 2:
        return True
    wide = box.x1 - box.x0 >= height * COLUMN_MIN_WIDTH_LINES
    return wide and box.x1 >= column_right_edge(previous, lines) - height * 2


def continued_parts(document: Document, number: int) -> tuple[Table, ...]:
    """Given a document and a page number, return the rows printed on that page of each table that
    starts on an earlier page, as a table part boxed by its cells (its lines belong to the table)."""
    parts: list[Table] = []
    for table in document.iter_tables():
        rows = tuple(row for i, row in enumerate(table.rows) if table.page < number == table.row_page(i))
        boxes = [cell.bbox for row in rows for cell in row if cell.bbox is not None]
        if rows:
            parts.append(Table(page=number, rows=rows, bbox=union_bbox(boxes) if boxes else None))
    return tuple(parts)


def is_leader_field(norm: str) -> bool:
    """Given a line's NFKC text, return whether it is a whole tab-stop field: a label, a dot
    leader, then its value up to the line's end (争訟費用.........3億円), never a wrapped sentence."""
    return LEADER.search(norm.strip()) is not None


def page_to_units(page: Page, continued: tuple[Table, ...] = ()) -> list[Unit]:
    """Given a page (and the parts on it of tables placed on an earlier page), return its units in
    reading order: paragraphs of lines and tables."""
    tables = (*page.tables, *continued)
    keys = [{row_key(table.row_text(i)) for i in range(len(table.rows))} for table in tables]
    right_edge = max((line.bbox.x1 for line in page.lines if line.bbox is not None), default=0.0)
    leading = wrap_leading(page.lines)
    units: list[Unit] = []
    placed: set[int] = set(range(len(page.tables), len(tables)))
    paragraph: list[Line] = []

    def flush() -> None:
        if paragraph:
            units.append(Unit(page=page.number, lines=tuple(paragraph)))
            paragraph.clear()

    for line in page.lines:
        table_index = _line_table(line, tables, keys)
        breaks = table_index is not None or not line.text.strip()  # a table's line, or a blank line
        if breaks or (paragraph and not _wraps_into(paragraph[-1], line, right_edge, page.lines, leading)):
            flush()
        if table_index is not None and table_index not in placed:
            placed.add(table_index)
            units.append(Unit(page=page.number, table=page.tables[table_index]))
        elif not breaks:
            paragraph.append(line)
    flush()
    units.extend(Unit(page=page.number, table=t) for i, t in enumerate(page.tables) if i not in placed)
    return units


def document_to_units(document: Document) -> list[Unit]:
    """Given a Document, return all its units in reading order, page by page."""
    return [
        unit
        for page in document.pages
        for unit in page_to_units(page, continued_parts(document, page.number))
    ]
