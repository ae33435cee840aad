"""The PDF reader: reading order, CJK spacing, tables, text layers and actionable errors.

Fixtures under tests/fixtures/pdfs/ are committed PDFs: Chromium prints of small pages
(regenerate with make_fixtures.py there) and real CJK PDFs made by others (real/).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from types import ModuleType

import pytest
from conftest import load_module

from extractors.document import BBox, Cell, Document, Line, Page, Table, nfkc
from extractors.errors import BrochureError
from extractors.readers import pdf
from extractors.readers import read as read_any

PDFS = Path(__file__).parent / "fixtures" / "pdfs"
REAL = PDFS / "real"

#: a CJK character, a space, a CJK character: what a reader must never produce inside a line
CJK_SPACE_CJK = re.compile(
    r"[\u3040-\u30ff\u4e00-\u9fff\u2f00-\u2fdf\u3000-\u303f] [\u3040-\u30ff\u4e00-\u9fff]"
)


def _fixture_source() -> ModuleType:
    """Given nothing, return the fixture generator module (it holds the texts the PDFs were made from)."""
    return load_module(PDFS / "make_fixtures.py")


def _norm_lines(document: Document) -> list[str]:
    """Given a document, return its lines in NFKC form (Chromium emits Kangxi radicals)."""
    return [nfkc(line.text) for line in document.iter_lines()]


def _index(lines: list[str], needle: str) -> int:
    """Given lines and a substring, return the index of the first line holding it."""
    return next(i for i, line in enumerate(lines) if needle in line)


# --- pure helpers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "expected"),
    [
        ("あ", True),  # hiragana
        ("ア", True),  # katakana
        ("漢", True),  # CJK ideograph
        ("⽇", True),  # Kangxi radical, as Chromium PDFs carry for 日
        ("、", True),  # CJK punctuation
        ("１", True),  # full-width digit
        ("A", False),  # Latin letter
        ("1", False),  # ASCII digit
        ("-", False),  # ASCII punctuation
    ],
)
def test_is_cjk(char: str, expected: bool) -> None:
    assert pdf.is_cjk(char) is expected


@pytest.mark.parametrize(
    ("left", "right", "gap", "expected"),
    [
        ("漢", "字", 5.0, False),  # CJK–CJK: never a space, however wide the justified gap
        ("a", "b", 3.0, True),  # Latin–Latin with a word-sized gap (0.3 em)
        ("a", "b", 0.5, False),  # Latin–Latin with kerning-sized gap
        ("円", "A", 3.0, False),  # CJK–Latin, small gap: Japanese sets no space there
        ("円", "A", 8.0, True),  # CJK–Latin, gap well over half an em
        ("1", "億", 0.2, False),  # digits run into 億 without a space
    ],
)
def test_needs_space(left: str, right: str, gap: float, expected: bool) -> None:
    assert pdf.needs_space(left, right, gap, 10.0, pdf.DEFAULT_SETTINGS) is expected


@pytest.mark.parametrize(
    ("parts", "joined"),
    [
        (["損害賠償責任を負担", "することによる損害"], "損害賠償責任を負担することによる損害"),  # CJK wrap
        (["covers", "incident response"], "covers incident response"),  # Latin wrap keeps a space
        (["3,000万円", "うち見舞金"], "3,000万円うち見舞金"),  # CJK on either side: no space
        (["", "a", ""], "a"),  # empty pieces vanish
    ],
)
def test_join_wrapped(parts: list[str], joined: str) -> None:
    assert pdf.join_wrapped(parts) == joined


def _glyph(text: str, x0: float, width: float = 10.0) -> pdf._Glyph:
    """Given a character and where it starts, return a 10 pt upright glyph on one baseline."""
    return pdf._Glyph(text=text, x0=x0, x1=x0 + width, top=0.0, bottom=10.0)


@pytest.mark.parametrize(
    ("left", "right", "gap", "breaks"),
    [
        ("漢", "字", 0.0, True),  # a line may wrap between any two CJK characters
        ("字", "、", 0.0, False),  # but never before closing punctuation (kinsoku)
        ("費", "ー", 0.0, False),  # nor before the prolonged sound mark
        ("（", "N", 0.0, False),  # nor after an opening bracket
        ("e", "t", 0.5, False),  # nor inside a Latin word
        ("s", "M", 4.0, True),  # but at a word space
        ("k", "）", 0.0, False),  # a closing bracket stays with the word before it
    ],
)
def test_breaks_between(left: str, right: str, gap: float, breaks: bool) -> None:
    first = _glyph(left, 0.0, 5.0)
    second = _glyph(right, first.x1 + gap, 5.0)
    assert pdf.breaks_between(first, second, pdf.DEFAULT_SETTINGS) is breaks


def _run(text: str, x0: float, top: float, gap_at: int = -1, gap: float = 0.0) -> list[pdf._Glyph]:
    """Given text, where it starts and its top, return 10 pt glyphs set solid, with `gap` pt
    added before character `gap_at`."""
    glyphs, x = [], x0
    for index, char in enumerate(text):
        x += gap if index == gap_at else 0.0
        glyphs.append(pdf._Glyph(text=char, x0=x, x1=x + 10.0, top=top, bottom=top + 10.0))
        x += 10.0
    return glyphs


@pytest.mark.parametrize(
    ("rows_above", "pieces"),
    [
        # two rows nearby start a cell at x=44 after their label: the 4 pt gap there is a cell edge
        ([("被害", 44.0, 0), ("損害", 44.0, 20)], ["謝罪対応", "200"]),
        # one row is no evidence of a column: the gap stays inside the segment
        ([("被害", 44.0, 0)], ["謝罪対応200"]),
        # cells starting elsewhere (x=64) prove nothing about x=44
        ([("被害", 64.0, 0), ("損害", 44.0, 20)], ["謝罪対応200"]),
        # rows further than `column_evidence_ratio` em away are another region of the page
        ([("被害", 44.0, 200), ("損害", 44.0, 220)], ["謝罪対応200"]),
    ],
)
def test_segments_cut_at_column_edges(rows_above: list[tuple[str, float, float]], pieces: list[str]) -> None:
    glyphs: list[pdf._Glyph] = []
    for label, amount_x, top in rows_above:
        glyphs += _run(label, 0.0, top) + _run("100", amount_x, top)
    # the row under test: a 4-character label, a 4 pt gap (0.4 em), then its amount at x=44
    glyphs += _run("謝罪対応200", 0.0, 40.0, gap_at=4, gap=4.0)
    segments = pdf._horizontal_segments(glyphs, pdf.DEFAULT_SETTINGS)
    assert [s.text for s in segments if s.bbox.top == 40.0] == pieces


@pytest.mark.parametrize(
    ("row", "gap", "pieces"),
    [
        # a right-aligned figure 2 pt (0.2 em) before a label where other rows do the same: two cells
        ("100000ワイド", 2.0, ["100000", "ワイド"]),
        # the same narrow gap between two labels is no cell edge (letter spacing)
        ("保険料保険料ワイド", 2.0, ["保険料保険料ワイド"]),
        # a figure set solid against its text is one cell (1,000万円 / 100000スタンダード unspaced)
        ("100000ワイド", 0.0, ["100000ワイド"]),
        # a figure's own unit after the narrow gap stays with it (LibreOffice's 3,000 万円)
        ("100000万円です", 2.0, ["100000万円です"]),
    ],
)
def test_segments_cut_after_a_figure_at_a_column_edge(row: str, gap: float, pieces: list[str]) -> None:
    glyphs: list[pdf._Glyph] = []
    for top in (0.0, 20.0):  # two rows of cells above set a figure 2 pt before a label at the same x
        glyphs += _run("製造業", 0.0, top) + _run("500000スタンダード", 100.0, top, gap_at=6, gap=2.0)
    glyphs += _run("卸売業", 0.0, 40.0) + _run(row, 100.0, 40.0, gap_at=6, gap=gap)
    segments = pdf._horizontal_segments(glyphs, pdf.DEFAULT_SETTINGS)
    assert [s.text for s in segments if s.bbox.top == 40.0 and s.bbox.x0 >= 100.0] == pieces


def test_a_figure_in_running_text_is_not_cut() -> None:
    # LibreOffice spaces a Western figure ~0.2 em from the Japanese text after it in prose too:
    # aligned lines of one run each (説明文の1 行目です。) are no table
    glyphs = [
        g for top in (0.0, 20.0, 40.0) for g in _run("説明文の1行目です。", 0.0, top, gap_at=5, gap=2.0)
    ]
    segments = pdf._horizontal_segments(glyphs, pdf.DEFAULT_SETTINGS)
    assert [s.text for s in segments if s.bbox.top == 40.0] == ["説明文の1行目です。"]


@pytest.mark.parametrize(
    ("lines_below", "carried"),
    [
        (0, True),  # the table ends the page: its columns go on to the next page
        (2, True),  # a footer (page number, print code) under it does not end it
        (3, False),  # prose under the table: the page ends with that, not with the table
    ],
)
def test_trailing_columns(lines_below: int, carried: bool) -> None:
    columns = ((10.0, 100.0), (120.0, 200.0))
    table_box = BBox(x0=10.0, top=100.0, x1=200.0, bottom=300.0)
    blocks = [pdf._Block(bbox=table_box, lines=(), columns=columns)]
    for n in range(lines_below):
        box = BBox(x0=10.0, top=310.0 + 15 * n, x1=200.0, bottom=320.0 + 15 * n)
        blocks.append(pdf._Block(bbox=box, lines=(Line(text="脚注", page=1, bbox=box),)))
    assert pdf.trailing_columns(blocks, pdf.DEFAULT_SETTINGS) == (columns if carried else ())


def _table_line(top: float, columns: list[tuple[float, float]]) -> pdf._Row:
    """Given a top and column intervals, return a 10 pt line with a segment filling each column."""
    segments = tuple(
        pdf._Segment(text="費用", bbox=BBox(x0=a, top=top, x1=b, bottom=top + 10.0), em=10.0, lead=10.0)
        for a, b in columns
    )
    return pdf._Row(
        segments=segments, bbox=BBox(x0=columns[0][0], top=top, x1=columns[-1][1], bottom=top + 10.0)
    )


@pytest.mark.parametrize(
    ("wide_row_gaps", "rows"),
    [
        (4, 5),  # four wider gaps between rows show that rows wrap: header + four rows of three lines
        (99, 13),  # demanding as many wide gaps as close ones, every line is a row of its own
    ],
)
def test_rows_wrapping_every_cell_group_by_their_wider_gaps(wide_row_gaps: int, rows: int) -> None:
    columns = [(0.0, 50.0), (60.0, 150.0), (160.0, 250.0)]
    lines, top = [_table_line(0.0, columns)], 14.0  # a header, 4 pt above the first row
    for _ in range(4):
        for _ in range(3):  # every cell of the row wraps onto three lines, 2 pt apart
            lines.append(_table_line(top, columns))
            top += 12.0
        top += 2.0  # rows 4 pt apart
    settings = dataclasses.replace(pdf.DEFAULT_SETTINGS, wide_row_gaps=wide_row_gaps)
    assert len(pdf._table_rows(lines, columns, settings)) == rows


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("危機", 10.0),  # CJK: one character
        ("（Net", 40.0),  # an opening bracket with the word after it
        ("Net）。", 50.0),  # a word with the closing punctuation after it
    ],
)
def test_leading_run_width(text: str, width: float) -> None:
    glyphs = [_glyph(ch, 10.0 * i) for i, ch in enumerate(text)]
    assert pdf.leading_run_width(glyphs, pdf.DEFAULT_SETTINGS) == width


# --- reading order and spacing ----------------------------------------------------------------


def test_two_column_page_reads_left_column_then_right_column() -> None:
    source = _fixture_source()
    document = pdf.read(PDFS / "two_column.pdf")
    lines = _norm_lines(document)
    # the full-width heading comes first and the full-width footer last
    assert lines[0] == "サイバー保険のご案内 Cyber Insurance"
    assert lines[-1].startswith("本ページの最後の行です")
    # no visual line mixes the two columns
    assert not any("左段" in line and "右段" in line for line in lines)
    # the columns, re-joined as wrapped text, are exactly the source paragraphs in order
    body = pdf.join_wrapped(lines[1:-1])
    assert body == nfkc("".join(source.LEFT_COLUMN + source.RIGHT_COLUMN))


def test_three_columns_then_two_columns_with_a_table_inside_one() -> None:
    source = _fixture_source()
    document = pdf.read(PDFS / "columns.pdf")
    lines = _norm_lines(document)
    assert lines[0] == "補償内容"  # letter-spaced heading: no spaces inserted between its CJK glyphs
    # the three columns, each starting at a different height, read as one text in order
    two = _index(lines, "左の段です")
    assert pdf.join_wrapped(lines[1:two]) == nfkc("".join(source.THREE_COLUMNS))
    # the small table inside the left column is a table, and the right column comes after it all
    [table] = document.iter_tables()
    assert [tuple(nfkc(t) for t in row) for row in table.texts()] == source.COLUMN_TABLE
    assert (
        two
        < _index(lines, "事故対応費用 1,000万円")
        < _index(lines, "表の後の左段")
        < _index(lines, "右の段です")
    )


@pytest.mark.parametrize(
    ("name", "texts"),
    [
        ("two_column.pdf", "lines"),  # justified Japanese in narrow columns
        ("plain.pdf", "lines"),  # plain single-column prose
        ("columns.pdf", "lines"),  # letter-spaced heading, three justified columns
        ("ruled_table.pdf", "cells"),  # wrapped cell text joined across visual lines
        ("borderless_table.pdf", "cells"),  # cells (a row's line joins cells by a space, on purpose)
        ("wrapped_table.pdf", "cells"),  # wrapped label and description lines joined
        ("cards.pdf", "lines"),  # a grid of cards
    ],
)
def test_no_space_is_inserted_between_cjk_characters(name: str, texts: str) -> None:
    document = pdf.read(PDFS / name)
    if texts == "lines":
        found = _norm_lines(document)
    else:
        found = [cell.norm for table in document.iter_tables() for row in table.rows for cell in row]
    assert found
    assert [text for text in found if CJK_SPACE_CJK.search(text)] == []


def test_spaces_between_latin_words_survive() -> None:
    lines = _norm_lines(pdf.read(PDFS / "two_column.pdf"))
    assert any("Cyber Insurance covers" in line for line in lines)
    assert any("The policy limit is JPY 300" in line for line in lines)


# --- tables -----------------------------------------------------------------------------------


def test_ruled_table_becomes_a_grid_with_wrapped_and_merged_cells() -> None:
    document = pdf.read(PDFS / "ruled_table.pdf")
    table = document.pages[0].tables[0]
    grid = [[nfkc(text) for text in row] for row in table.texts()]
    assert grid == [
        ["補償の種類", "内容", "支払限度額"],
        [
            "損害賠償責任",
            "被保険者が法律上の損害賠償責任を負担することによって被る損害を補償します。争訟費用も含みます。",
            "3億円",
        ],
        # the space between Latin words survives, none appears between CJK and Latin
        ["事故対応費用", "原因調査費用、Data Recovery費用、コールセンター設置費用", "3,000万円"],
        ["合計(1請求あたり)", "", "3億3,000万円"],  # colspan: the spanned cell is empty
    ]
    assert table.bbox is not None and table.page == 1


def _boxed_table(page: int, texts: list[list[str]], top: float, lefts: tuple[float, ...]) -> Table:
    """Given a page, cell texts, the first row's top and the column left edges, return a table whose
    cells are boxed 20 pt high, 80 pt wide from those edges."""
    rows = tuple(
        tuple(
            Cell(text, bbox=BBox(x0=x, top=top + 20 * r, x1=x + 80, bottom=top + 20 * (r + 1)))
            for x, text in zip(lefts, row, strict=True)
        )
        for r, row in enumerate(texts)
    )
    return Table(page=page, rows=rows, bbox=BBox(lefts[0], top, lefts[-1] + 80, top + 20 * len(texts)))


def _page_with(number: int, table: Table, prose: list[float]) -> Page:
    """Given a page number, its one table and the tops of prose lines, return the page."""
    lines = tuple(Line("本文", number, BBox(10.0, top, 200.0, top + 10)) for top in prose)
    return Page(number=number, lines=lines, tables=(table,))


HEADER = ["プラン", "支払限度額"]
LEFTS = (50.0, 130.0)


@pytest.mark.parametrize(
    ("second_rows", "below_first", "above_second", "lefts", "joined"),
    [
        # the header row repeated on the next page is dropped, the rows go on
        ([HEADER, ["B", "2億円"]], [], [], LEFTS, [HEADER, ["A", "1億円"], ["B", "2億円"]]),
        # without a repeated header the rows simply go on
        ([["B", "2億円"]], [], [], LEFTS, [HEADER, ["A", "1億円"], ["B", "2億円"]]),
        # a page footer under the first part and a running header over the second do not end it
        ([["B", "2億円"]], [780.0], [20.0], LEFTS, [HEADER, ["A", "1億円"], ["B", "2億円"]]),
        # prose under the first table: that page ends with prose, the tables stay two
        ([["B", "2億円"]], [700.0, 720.0, 740.0], [], LEFTS, None),
        # prose above the second table: it starts a table of its own
        ([["B", "2億円"]], [], [20.0, 40.0, 60.0], LEFTS, None),
        # columns at other x-positions: another table
        ([["B", "2億円"]], [], [], (50.0, 160.0), None),
        # another column count: another table
        ([["B", "2億円", "3"]], [], [], (50.0, 130.0, 210.0), None),
    ],
)
def test_table_across_a_page_break_is_one_table(
    second_rows: list[list[str]],
    below_first: list[float],
    above_second: list[float],
    lefts: tuple[float, ...],
    joined: list[list[str]] | None,
) -> None:
    first = _boxed_table(1, [HEADER, ["A", "1億円"]], 600.0, LEFTS)
    second = _boxed_table(2, second_rows, 100.0, lefts)
    pages = pdf.join_page_tables(
        [_page_with(1, first, below_first), _page_with(2, second, above_second)], pdf.DEFAULT_SETTINGS
    )
    tables = [t for page in pages for t in page.tables]
    if joined is None:
        assert [t.texts() for t in tables] == [first.texts(), second.texts()]
        return
    (table,) = tables
    assert table.texts() == joined and table.page == 1
    # each row keeps the page it is printed on and its cells their own boxes there
    assert [table.row_page(i) for i in range(len(joined))] == [1, 1, 2]
    assert table.rows[-1][0].bbox == second.rows[-1][0].bbox


def test_table_over_three_pages_is_one_table() -> None:
    parts = [
        _boxed_table(n, [HEADER, [f"P{n}", "1億円"]], 600.0 if n == 1 else 30.0, LEFTS) for n in (1, 2, 3)
    ]
    pages = pdf.join_page_tables([_page_with(n, t, []) for n, t in enumerate(parts, 1)], pdf.DEFAULT_SETTINGS)
    (table,) = [t for page in pages for t in page.tables]
    assert table.texts() == [HEADER, ["P1", "1億円"], ["P2", "1億円"], ["P3", "1億円"]]


def test_chromium_tables_across_page_breaks_are_one_table_each() -> None:
    document = pdf.read(PDFS / "page_break_table.pdf")
    rows = _fixture_source().BREAK_ROWS
    tables = list(document.iter_tables())
    # the first repeats its header on the next page (thead), the second does not
    assert len(tables) == 2 and [t.page for t in tables] == [1, 2]
    for table in tables:
        grid = [[nfkc(text) for text in row] for row in table.texts()]
        assert grid == [["プラン", "支払限度額", "年間保険料"], *map(list, rows)]
        pages = [table.row_page(i) for i in range(len(table.rows))]
        assert pages == sorted(pages) and pages[-1] == table.page + 1
        # every cell has its box on its own page
        assert all(cell.bbox is not None for row in table.rows for cell in row)


def test_ruled_table_text_is_in_the_lines_at_the_tables_place() -> None:
    lines = _norm_lines(pdf.read(PDFS / "ruled_table.pdf"))
    before, after = _index(lines, "表の前の段落"), _index(lines, "表の後の段落")
    assert before < _index(lines, "3億円") < _index(lines, "3,000万円") < after


def test_one_row_ruled_table_is_a_row_of_panels_read_cell_by_cell() -> None:
    source = _fixture_source()
    document = pdf.read(PDFS / "ruled_table.pdf")
    assert len(document.pages[0].tables) == 2
    panels = document.pages[0].tables[1]
    assert [[nfkc(text) for text in row] for row in panels.texts()] == [[nfkc(p) for p in source.PANELS]]
    # each panel's lines come together, left panel first, not interleaved row by row
    lines = _norm_lines(document)
    start, end = _index(lines, "左のパネル"), _index(lines, "表の後の段落")
    assert pdf.join_wrapped(lines[start:end]) == nfkc("".join(source.PANELS))


def test_borderless_table_is_found_from_aligned_rows() -> None:
    document = pdf.read(PDFS / "borderless_table.pdf")
    grids = [[[nfkc(text) for text in row] for row in t.texts()] for t in document.iter_tables()]
    assert grids == [
        [
            ["プラン", "年間保険料", "支払限度額"],
            ["ライト", "12,000円", "1,000万円"],
            ["スタンダード", "28,000円", "5,000万円"],
            ["プレミアム", "54,000円", "1億円"],
        ]
    ]
    lines = _norm_lines(document)
    # one line per visual row, in place between the paragraphs around the table
    assert lines.index("ライト 12,000円 1,000万円") == _index(lines, "表の前にある説明文") + 2


def test_borderless_table_keeps_rows_whose_label_cells_wrap() -> None:
    source = _fixture_source()
    document = pdf.read(PDFS / "wrapped_table.pdf")
    [table] = document.iter_tables()
    # each label's second (and third) line joins its own row; the amount stays beside it
    assert [tuple(cell.norm for cell in row) for row in table.rows] == [
        tuple(nfkc(text) for text in row) for row in source.WRAPPED_TABLE
    ]
    # the notes in prose under the table are lines, not table rows
    lines = _norm_lines(document)
    assert lines[-2].startswith("免責金額(Retention)") and lines[-1].startswith("総支払限度額")
    assert not any("免責金額" in cell.norm for row in table.rows for cell in row)


def test_grid_of_cards_is_read_card_by_card_row_by_row() -> None:
    source = _fixture_source()
    document = pdf.read(PDFS / "cards.pdf")
    # cards side by side start together like table cells, but each holds a heading and
    # paragraphs: they are panels, not a table
    assert list(document.iter_tables()) == []
    lines = _norm_lines(document)
    headings = [_index(lines, nfkc(heading)) for heading, _, _ in source.CARDS]
    assert headings == sorted(headings)  # in source order: left card, right card, next row
    for number, (heading, text, limit) in enumerate(source.CARDS):
        start = headings[number]
        end = headings[number + 1] if number + 1 < len(headings) else len(lines) - 1
        # a card's lines come together, not interleaved with its neighbour's
        assert lines[start:end] == [nfkc(heading), *lines[start + 1 : end - 1], nfkc(limit)]
        assert pdf.join_wrapped(lines[start + 1 : end - 1]) == nfkc(text)
    assert lines[-1] == "このチラシは概要を説明したものです。"


def test_text_strategy_can_be_switched_off_by_settings() -> None:
    settings = pdf.PdfSettings(table_strategies=("lines",))
    document = pdf.read(PDFS / "borderless_table.pdf", settings)
    assert list(document.iter_tables()) == []
    assert "ライト 12,000円 1,000万円" in _norm_lines(document)


@pytest.mark.parametrize(
    "name",
    [
        "two_column.pdf",  # aligned column lines are not a two-column table
        "plain.pdf",  # a heading and short paragraphs are not a table
        "vertical.pdf",  # vertical lines are not table columns
    ],
)
def test_running_text_yields_no_junk_tables(name: str) -> None:
    assert list(pdf.read(PDFS / name).iter_tables()) == []


# --- text layers ------------------------------------------------------------------------------


def test_image_only_page_is_reported_not_silently_empty() -> None:
    document = pdf.read(PDFS / "image_page.pdf")
    assert [page.text_layer for page in document.pages] == ["ok", "none"]
    assert document.pages[1].lines == ()
    assert len(document.warnings) == 1 and "page 2" in document.warnings[0]
    assert "OCR" in document.warnings[0]


def test_cid_page_is_reported_and_its_mojibake_dropped() -> None:
    document = pdf.read(PDFS / "cid_page.pdf")
    assert [page.text_layer for page in document.pages] == ["cid", "ok"]
    assert document.pages[0].lines == ()
    assert any("page 1" in w and "(cid:N)" in w for w in document.warnings)
    assert "支払限度額は1億円です。" in _norm_lines(document)


@pytest.mark.parametrize(
    ("name", "says"),
    [
        ("image_only.pdf", "no page has a text layer"),  # scanned: images only
        ("blank.pdf", "no page has a text layer"),  # nothing at all
        ("cid.pdf", "(cid:N)"),  # fonts without a Unicode map
    ],
)
def test_pdf_without_any_usable_text_layer_asks_for_ocr(name: str, says: str) -> None:
    with pytest.raises(BrochureError) as caught:
        pdf.read(PDFS / name)
    assert says in caught.value.message
    assert "OCR" in caught.value.message
    assert caught.value.stage == "read"


# --- real CJK PDFs made by others ---------------------------------------------------------------


def test_tategaki_is_read_top_to_bottom_right_to_left() -> None:
    document = pdf.read(REAL / "jo.pdf")
    lines = [line.text for line in document.iter_lines()]
    assert document.page_count == 1
    assert lines[0] == "序"
    assert lines[1] == "わたくしといふ現象は"
    assert lines.index("わたくしといふ現象は") < lines.index("假定された有機交流電燈の")
    assert "大正十三年一月廿日" in lines[-1]


def test_rotated_latin_lines_are_read_along_their_direction() -> None:
    lines = [line.text for line in pdf.read(REAL / "issue-449-vertical.pdf").iter_lines()]
    assert lines == ["Test", "Vertical", "Layout"]


def test_mixed_horizontal_and_vertical_glyphs_are_all_kept() -> None:
    text = pdf.read(REAL / "simple3.pdf").text
    assert text.count("Hello") == 2
    assert text.count("World") == 2
    assert [text.count(kana) for kana in "あいうえお"] == [2, 2, 2, 2, 2]
    assert "あいうえお" in text


def test_chromium_vertical_writing_mode_reads_in_order() -> None:
    lines = _norm_lines(pdf.read(PDFS / "vertical.pdf"))
    assert lines == ["縦書きの一行目です。", "二行目も縦に読みます。", "三行目で終わります。"]


def test_fake_bold_doubled_characters_are_deduplicated() -> None:
    document = pdf.read(REAL / "issue-71-duplicate-chars.pdf")
    text = document.text
    assert document.page_count == 2
    assert "项目描述" in text and "语言能力" in text
    assert "项项" not in text and "描描" not in text and "语语" not in text
    assert any(line.text == "2020.01 - 2020.05" for line in document.iter_lines())


def test_without_dedupe_tolerance_the_fake_bold_doubles_show() -> None:
    # the control for the test above: the doubling is really in the file
    settings = pdf.PdfSettings(dedupe_tolerance=0.0)
    assert "项项" in pdf.read(REAL / "issue-71-duplicate-chars.pdf", settings).text


# --- the document as a whole --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("two_column.pdf", "二段組のテスト"),  # the PDF's metadata title (from <title>)
        (
            "image_page.pdf",
            "一ページ目には文字があります。二ページ目は画像だけです。",
        ),  # no metadata: first line
        ("jo.pdf", "序"),  # no metadata title: the first line
    ],
)
def test_title(name: str, title: str) -> None:
    path = REAL / name if (REAL / name).exists() else PDFS / name
    document = pdf.read(path)
    assert document.title is not None and nfkc(document.title) == title


@pytest.mark.parametrize(
    "path",
    [*sorted(PDFS.glob("*.pdf")), *sorted(REAL.glob("*.pdf"))],
    ids=lambda p: p.name,
)
def test_every_fixture_reads_or_fails_with_a_brochure_error(path: Path) -> None:
    try:
        document = pdf.read(path)
    except BrochureError as error:
        assert error.stage == "read" and error.source == str(path)
        return
    assert document.source_format == "pdf" and document.source == str(path)
    for page_number, page in enumerate(document.pages, start=1):
        assert page.number == page_number
        assert all(
            line.page == page_number and line.text == line.text.strip() and line.text for line in page.lines
        )
        assert all(table.page == page_number for table in page.tables)
        # a usable page is never silently empty
        assert page.text_layer != "ok" or page.lines


def test_the_dispatcher_reads_pdfs_with_default_settings() -> None:
    assert read_any(PDFS / "plain.pdf") == pdf.read(PDFS / "plain.pdf")


# --- bad input ----------------------------------------------------------------------------------


def _encrypted_pdf() -> bytes:
    """Given nothing, return a PDF whose standard security handler wants a user password."""
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
        b"4 0 obj << /Filter /Standard /V 1 /R 2 /O <"
        + b"00" * 32
        + b"> /U <"
        + b"11" * 32
        + b"> /P -4 >> endobj\n"
        b"trailer << /Root 1 0 R /Encrypt 4 0 R /Size 5 "
        b"/ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\n%%EOF\n"
    )


def _half_of_plain_pdf() -> bytes:
    """Given nothing, return the first half of a good PDF (a broken download)."""
    data = (PDFS / "plain.pdf").read_bytes()
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "the file is empty (0 bytes)"),  # empty file
        (_fixture_source().png_bytes(2, 2), "not a PDF (the file holds PNG image data)"),  # PNG renamed
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG image data"),  # a JPEG renamed to .pdf
        (b"PK\x03\x04\x14\x00\x06\x00", "ZIP archive"),  # a .docx renamed to .pdf
        (b"<!DOCTYPE html><html><body>x</body></html>", "an HTML page"),  # a saved web page
        ("保険のご案内".encode(), "plain text"),  # a text file
        (_half_of_plain_pdf(), "PDF is damaged"),  # truncated download
        (b"%PDF-1.7\n" + bytes(range(256)) * 8, "PDF is damaged"),  # PDF header, garbage body
        (_encrypted_pdf(), "password-protected"),  # needs a password to open
    ],
)
def test_bad_files_raise_an_actionable_brochure_error(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "brochure.pdf"
    path.write_bytes(content)
    with pytest.raises(BrochureError) as caught:
        pdf.read(path)
    assert says in caught.value.message
    assert caught.value.stage == "read"
    assert caught.value.source == str(path)
    # every message says what to do, not only what is wrong
    assert re.search(r"re-download|re-export|convert|OCR|unprotected|remove", caught.value.message)


def test_missing_file_raises_a_brochure_error(tmp_path: Path) -> None:
    with pytest.raises(BrochureError, match="does not exist"):
        pdf.read(tmp_path / "nowhere.pdf")


def _glyphs(upright: int, ascending: int, descending: int) -> list[pdf._Glyph]:
    box = {"x0": 0.0, "x1": 10.0, "top": 0.0, "bottom": 10.0}
    return [
        *(pdf._Glyph(text="字", **box) for _ in range(upright)),
        *(pdf._Glyph(text="字", **box, upright=False, ascending=True) for _ in range(ascending)),
        *(pdf._Glyph(text="字", **box, upright=False, ascending=False) for _ in range(descending)),
    ]


@pytest.mark.parametrize(
    ("upright", "ascending", "descending", "turn"),
    [
        (200, 0, 0, 0),  # an ordinary page
        (5, 300, 0, 90),  # a landscape table set bottom to top on a portrait page
        (5, 0, 300, 270),  # the same set top to bottom
        (200, 12, 0, 0),  # a few rotated labels beside upright text
        (0, 10, 0, 0),  # too few glyphs to tell a page from a label
        (100, 120, 0, 0),  # half and half: below the share, read as printed
    ],
)
def test_sideways_turn(upright: int, ascending: int, descending: int, turn: int) -> None:
    assert pdf.sideways_turn(_glyphs(upright, ascending, descending), pdf.DEFAULT_SETTINGS) == turn


SIDEWAYS = Path(__file__).parent / "fixtures" / "blind_2026_12e" / "corpus" / "e6-04.pdf"


def test_a_page_set_sideways_is_read_upright() -> None:
    document = pdf.read(SIDEWAYS)
    assert any("page 2: its text is set sideways" in w for w in document.warnings)
    page = document.pages[1]
    # its table comes out with its header row across, not one glyph per line
    (table,) = page.tables
    header = [nfkc(cell.text) for cell in table.rows[0]]
    assert "支払限度額" in header and "免責金額" in header
    assert max(len(line.text) for line in page.lines) > 20


def _word(text: str, x0: float, top: float) -> list[pdf._Glyph]:
    """Glyphs of one 10-point line starting at x0, top."""
    return [
        pdf._Glyph(text=ch, x0=x0 + 10 * i, x1=x0 + 10 * (i + 1), top=top, bottom=top + 10)
        for i, ch in enumerate(text)
    ]


def _grid(last_column_merged: bool) -> pdf._RuledGrid:
    """Three rows of two columns (label | figure), 20 points high; optionally the figure column's
    box of rows 1–2 drawn as one (a rule the PDF left out)."""
    rows: list[tuple[tuple[float, float, float, float] | None, ...]] = []
    for r in range(3):
        top = 20.0 * r
        figure: tuple[float, float, float, float] | None = (100.0, top, 200.0, top + 20)
        if last_column_merged and r == 1:
            figure = (100.0, top, 200.0, top + 40)
        if last_column_merged and r == 2:
            figure = None
        rows.append(((0.0, top, 100.0, top + 20), figure))
    return pdf._RuledGrid(bbox=(0.0, 0.0, 200.0, 60.0), cells=tuple(rows))


@pytest.mark.parametrize(
    ("labels", "figures", "split"),
    [
        # one figure per row on the line of its label: two cells, the rule between them missing
        (("製造業", "卸売業", "小売業"), ("1,000円", "2,000円", "3,000円"), True),
        # a label over a figure in the merged box: one cell
        (("製造業", "卸売業", "小売業"), ("1,000円", "免責", "8時間"), False),
    ],
)
def test_split_unruled_rows(labels: tuple[str, ...], figures: tuple[str, ...], split: bool) -> None:
    glyphs = [g for r, text in enumerate(labels) for g in _word(text, 5, 20 * r + 5)]
    glyphs += [g for r, text in enumerate(figures) for g in _word(text, 105, 20 * r + 5)]
    found = pdf.split_unruled_rows(_grid(last_column_merged=True), glyphs, pdf.DEFAULT_SETTINGS)
    boxes = [row[1] for row in found.cells]
    expected = [(100.0, 20.0 * r, 200.0, 20.0 * r + 20) for r in range(3)]
    assert (boxes == expected) is split


def test_a_merged_cell_in_a_column_of_two_line_cells_stays_merged() -> None:
    # each one-row cell holds two lines (a basis over an amount): the two lines of the merged box are one cell
    grid = pdf._RuledGrid(
        bbox=(0.0, 0.0, 200.0, 90.0),
        cells=(
            ((0.0, 0.0, 100.0, 30.0), (100.0, 0.0, 200.0, 30.0)),
            ((0.0, 30.0, 100.0, 60.0), (100.0, 30.0, 200.0, 90.0)),
            ((0.0, 60.0, 100.0, 90.0), None),
        ),
    )
    glyphs = _word("賠償", 5, 10) + _word("1請求", 105, 3) + _word("1億円", 105, 16)
    glyphs += _word("損害", 5, 40) + _word("争訟", 5, 70) + _word("2請求", 105, 40) + _word("3億円", 105, 70)
    assert pdf.split_unruled_rows(grid, glyphs, pdf.DEFAULT_SETTINGS) == grid
