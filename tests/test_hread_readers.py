"""Readers: structures the first run of blind round h did not see as tables (raw HTML tables in
markdown, …), checked on small inputs and on the round's real fixture files."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.document import Document
from extractors.readers import pdf, read, text
from extractors.readers.html import render_markup

ROUND_H = Path(__file__).parent / "fixtures" / "blind_2026_12h" / "corpus"


def _grid(document: Document, index: int = 0) -> list[list[str]]:
    """Given a document, return the texts of its `index`-th table (all pages), row by row."""
    tables = [table for page in document.pages for table in page.tables]
    return [[cell.text for cell in row] for row in tables[index].rows]


@pytest.mark.parametrize(
    ("lines", "start", "end"),
    [
        # a table written over five lines ends at its </table>
        (["<table>", "<tr>", "<td>a</td>", "</tr>", "</table>", "after"], 0, 5),
        # a nested table does not end the outer one early
        (["<table><tr><td>", "<table><tr><td>x</td></tr></table>", "</td></tr>", "</table>", "z"], 0, 4),
        # a table opened and closed on one line is left to the one-line fragment path
        (["<table><tr><td>a</td></tr></table>", "b"], 0, 1),
        # a line that opens no table is no table
        (["<p>text</p>", "<table>", "</table>"], 0, 1),
        # a table never closed is not swallowed to the end of the file
        (["<table>", "<tr><td>a</td></tr>", "text"], 0, 1),
    ],
)
def test_html_table_end(lines: list[str], start: int, end: int) -> None:
    assert text.html_table_end(lines, start) == end


def test_markdown_raw_html_table_keeps_spans_and_header_cells(tmp_path: Path) -> None:
    path = tmp_path / "page.md"
    path.write_text(
        "# 補償\n\n<table>\n  <thead>\n"
        '    <tr><th rowspan="2">項目</th><th colspan="2">支払限度額</th></tr>\n'
        "    <tr><th>A</th><th>B</th></tr>\n  </thead>\n  <tr>\n    <td>賠償</td>\n    <td>1億円</td>\n"
        "    <td>3億円</td>\n  </tr>\n</table>\n\n本文\n",
        encoding="utf-8",
    )
    document = text.read(path)
    assert _grid(document) == [["項目", "支払限度額", ""], ["", "A", "B"], ["賠償", "1億円", "3億円"]]
    table = document.pages[0].tables[0]
    assert table.rows[0][0].header and table.rows[0][0].row_span == 2 and table.rows[0][1].col_span == 2
    assert "賠償 | 1億円 | 3億円" in [line.text for line in document.pages[0].lines]


def test_markdown_fixture_raw_html_table_row_keeps_every_plan_figure() -> None:
    grid = _grid(read(ROUND_H / "h9-10.md"))
    row = next(row for row in grid if row[1].startswith("損害賠償金"))
    assert row[2:] == ["1億円", "3億円", "0円"]
    assert any(cell.startswith("1事故につき") and cell.endswith("10万円") for row in grid for cell in row)


def _rect(
    x0: float, top: float, x1: float, bottom: float, colour: tuple[float, ...] = (0.8, 0.9, 0.9)
) -> dict:
    """Given a box and a paint, return a filled, unstroked pdfplumber-like rect."""
    return {
        "x0": x0,
        "top": top,
        "x1": x1,
        "bottom": bottom,
        "fill": True,
        "stroke": False,
        "non_stroking_color": colour,
        "ncs": "DeviceRGB",
    }


def _rule(x0: float, top: float, x1: float, bottom: float) -> dict:
    """Given two end points, return a pdfplumber-like line."""
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom}


#: a shaded two-row header (区分 | 補償項目 | 支払限度額 over two plan cells) above a ruled body
_HEADER = [
    _rect(50, 90, 180, 164),
    _rect(180, 90, 535, 164),
    _rect(535, 90, 904, 127),
    _rect(535, 127, 720, 164),
    _rect(720, 127, 904, 164),
]
_BODY_RULES = [_rule(180, 163.7, 180, 312), _rule(50, 164, 904, 164)]


@pytest.mark.parametrize(
    ("rects", "rules", "seamless"),
    [
        # highlight pieces behind runs of text, no rule anywhere: seams, dropped
        ([_rect(10, 10, 60, 20), _rect(60, 10, 90, 20)], [], {0, 1}),
        # the same pieces beside a rule that does not meet them: still seams
        ([_rect(10, 10, 60, 20), _rect(60, 10, 90, 20)], [_rule(60, 100, 60, 200)], {0, 1}),
        # a shaded header whose column rules go on in the ruled body: cells, every piece kept,
        # the spanning 支払限度額 cell too (it only touches kept pieces)
        (_HEADER, _BODY_RULES, set()),
        # the same header with no ruled body under it: one painted area, dropped
        (_HEADER, [], {0, 1, 2, 3, 4}),
        # pieces of another paint do not join the area
        ([_rect(10, 10, 60, 20), _rect(60, 10, 90, 20, colour=(1, 0, 0))], [], set()),
    ],
)
def test_seamless_fills(rects: list[dict], rules: list[dict], seamless: set[int]) -> None:
    assert pdf.seamless_fills(rects, 0.5, rules) == seamless


def test_impress_table_object_over_two_slides_is_one_table_with_its_shaded_header() -> None:
    document = read(ROUND_H / "h9-02.pdf")
    grid = _grid(document)
    assert grid[0][:3] == ["区分", "補償項目", "支払限度額"] and grid[1][2:] == ["ベーシック", "ワイド"]
    labels = [row[1] for row in grid]
    # the slide change does not start a second table; the repeated header rows are not repeated
    assert "争訟費用" in labels and "営業継続費用" in labels and labels.count("補償項目") == 1
    assert next(row for row in grid if row[1] == "損害賠償金")[2:] == ["1億円", "3億円"]


@pytest.mark.parametrize(
    ("markup", "lines"),
    [
        # a key–value table (th per row) whose value cell holds a 内訳 table: each th keeps its
        # value on its row line, the nested table follows the row it sits in
        (
            "<table><tr><th>支払限度額</th><td>2億円<table><tr><th>費用</th><th>限度額</th></tr>"
            "<tr><td>調査費用</td><td>5,000万円</td></tr></table></td></tr>"
            "<tr><th>免責金額</th><td>100万円</td></tr></table>",
            ["支払限度額 | 2億円", "費用 | 限度額", "調査費用 | 5,000万円", "免責金額 | 100万円"],
        ),
        # a layout table (no header cells) holding a data table is still read as blocks
        (
            "<table><tr><td>左の欄</td><td><table><tr><td>調査費用</td><td>5,000万円</td></tr></table></td></tr></table>",
            ["左の欄", "調査費用 | 5,000万円"],
        ),
    ],
)
def test_html_table_holding_a_table(markup: str, lines: list[str]) -> None:
    assert list(render_markup(markup).lines) == lines


def test_html_fixture_dd_table_keeps_each_header_beside_its_value() -> None:
    document = read(ROUND_H / "h9-04.html")
    texts = [line.text for line in document.pages[0].lines]
    assert "支払限度額 | 1事故・保険期間中 2億円（合計）" in texts
    assert "免責金額 | 1事故につき 100万円" in texts
    at = texts.index("支払限度額 | 1事故・保険期間中 2億円（合計）")
    assert texts[at + 1].startswith("内訳") and texts[at + 3] == "フォレンジック調査費用 | 5,000万円"


def test_html_section_table_whose_only_header_is_a_title_stays_layout() -> None:
    # a section box (a colspan th title over a cell holding item tables) is page layout: the
    # nested tables are read, none is lost with the box's empty row
    markup = (
        "<table><tr><th colspan='2'>1. 賠償責任補償</th></tr><tr><td><table>"
        "<tr><td>支払限度額</td><td>1億円</td></tr></table></td></tr></table>"
    )
    assert list(render_markup(markup).lines) == ["1. 賠償責任補償", "支払限度額 | 1億円"]


def test_html_nested_tables_of_a_row_without_text_go_after_the_row_above() -> None:
    markup = (
        "<table><tr><th>支払限度額</th><td>2億円</td></tr><tr><td></td><td><table>"
        "<tr><td>調査費用</td><td>5,000万円</td></tr></table></td></tr></table>"
    )
    assert list(render_markup(markup).lines) == ["支払限度額 | 2億円", "調査費用 | 5,000万円"]


@pytest.mark.parametrize(
    ("texts", "slots"),
    [
        # a draft print with headings: letters over the columns, numbers down the rows
        (
            [["", "A", "B"], ["1", "区分", "限度額"], ["2", "賠償", "1億円"], ["3", "費用", "5,000万円"]],
            {(0, 1), (0, 2), (1, 0), (2, 0), (3, 0)},
        ),
        # the columns printed on a later page start at G; an empty row keeps its number
        (
            [
                ["", "G", "H", "I"],
                ["1", "", "", ""],
                ["2", "30億円", "50億円", "100億円"],
                ["3", "1", "2", "3"],
            ],
            {(0, 1), (0, 2), (0, 3), (1, 0), (2, 0), (3, 0)},
        ),
        # a numbered list column (No. 1 2 3) without column letters is the document's own
        (
            [
                ["No.", "項目", "限度額"],
                ["1", "賠償", "1億円"],
                ["2", "費用", "5,000万円"],
                ["3", "中断", "1億円"],
            ],
            set(),
        ),
        # letters that skip (A C D) are no column headings
        ([["", "A", "C", "D"], ["1", "x", "y", "z"], ["2", "x", "y", "z"], ["3", "x", "y", "z"]], set()),
        # row numbers that skip are no row headings
        ([["", "A", "B"], ["1", "x", "y"], ["3", "x", "y"], ["4", "x", "y"]], set()),
        # plan letters over a grid whose first column holds labels, not numbers
        (
            [
                ["", "A", "B"],
                ["賠償", "1億円", "3億円"],
                ["費用", "1,000万円", "3,000万円"],
                ["中断", "x", "y"],
            ],
            set(),
        ),
    ],
)
def test_sheet_headings(texts: list[list[str]], slots: set[tuple[int, int]]) -> None:
    assert pdf.sheet_headings(texts) == slots


def test_calc_draft_print_headings_are_no_cells() -> None:
    document = read(ROUND_H / "h9-09.pdf")
    first = _grid(document)
    assert ["区分", "補償項目", "支払限度額", "免責金額", "備考"] in first
    assert not any(row[0].isdigit() for row in first)
    texts = [line.text for page in document.pages for line in page.lines]
    assert "A B C D E" not in texts and "G H I" not in texts
    assert any(t.startswith("製造業 31,200") for t in texts)
