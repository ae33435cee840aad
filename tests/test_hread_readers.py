"""Readers: structures the first run of blind round h did not see as tables (raw HTML tables in
markdown, …), checked on small inputs and on the round's real fixture files."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.document import Document
from extractors.readers import read
from extractors.readers import pdf, text

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
        "# 補償\n\n<table>\n  <thead>\n    <tr><th rowspan=\"2\">項目</th><th colspan=\"2\">支払限度額</th></tr>\n"
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


def _rect(x0: float, top: float, x1: float, bottom: float, colour: tuple[float, ...] = (0.8, 0.9, 0.9)) -> dict:
    """Given a box and a paint, return a filled, unstroked pdfplumber-like rect."""
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom, "fill": True, "stroke": False,
            "non_stroking_color": colour, "ncs": "DeviceRGB"}


def _rule(x0: float, top: float, x1: float, bottom: float) -> dict:
    """Given two end points, return a pdfplumber-like line."""
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom}


#: a shaded two-row header (区分 | 補償項目 | 支払限度額 over two plan cells) above a ruled body
_HEADER = [_rect(50, 90, 180, 164), _rect(180, 90, 535, 164), _rect(535, 90, 904, 127),
           _rect(535, 127, 720, 164), _rect(720, 127, 904, 164)]
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
