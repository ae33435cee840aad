"""Readers: structures the first run of blind round h did not see as tables (raw HTML tables in
markdown, …), checked on small inputs and on the round's real fixture files."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.document import Document
from extractors.readers import read
from extractors.readers import text

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
