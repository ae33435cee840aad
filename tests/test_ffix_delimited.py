"""Comma-separated export lines become Tables in the text reader; header units scale their cells."""

from __future__ import annotations

import pytest

from extractors import limits
from extractors.readers import text


@pytest.mark.parametrize(
    ("line", "width"),
    [
        # three fields with trailing empty ones: an export row
        ("事故対応費用,初期対応費用,5000,100,,", 6),
        # a quoted field may hold a comma of its own
        ('賠償責任,"損害賠償金,争訟費用",100000', 3),
        # commas inside figures only: prose with thousands separators, no row
        ("保険料は12,300円または23,400円です", 0),
        # two fields are a label and its value (a comment line), not a table row
        ("#出力日時,2026/11/05 09:12:44", 0),
        # digits on both sides but not three after the comma: a delimiter
        ("100,52300,47800", 3),
    ],
)
def test_comma_width(line: str, width: int) -> None:
    assert text.comma_width(line) == width


@pytest.mark.parametrize(
    ("source", "grids"),
    [
        # a header without digits over rows of the same field count: one table, empty cells kept
        (
            "[補償内容]\n区分,項目,限度額（千円）\n賠償,損害賠償金,100000\n費用,見舞金,0.5\n#",
            [
                [
                    ["区分", "項目", "限度額（千円）"],
                    ["賠償", "損害賠償金", "100000"],
                    ["費用", "見舞金", "0.5"],
                ]
            ],
        ),
        # a change in field count ends the table; a single row left over is no table
        ("a,b,c\n1,2,3\nx,y\n4,5,6", [[["a", "b", "c"], ["1", "2", "3"]]]),
        # one comma row alone is a line, not a table
        ("前文\n1,2,3\n後文", []),
    ],
)
def test_comma_rows_become_tables(source: str, grids: list[list[list[str]]]) -> None:
    tables = [table for block in text.text_to_blocks(source) for table in block.tables]
    assert [[[cell.text for cell in row] for row in grid] for grid in tables] == grids


def test_comma_header_marks_header_rows() -> None:
    # the rows above the first holding a digit are the header the source marks
    blocks = text.text_to_blocks("売上高（百万円）,製造業,卸売業\n100,52300,47800\n500,88600,80100")
    grid = next(table for block in blocks for table in block.tables)
    assert [[cell.header for cell in row] for row in grid] == [[True] * 3, [False] * 3, [False] * 3]


@pytest.mark.parametrize(
    ("cell", "unit", "yen"),
    [
        # a column in 千円: 0.5 is 500 yen
        ("0.5", "千円", 500),
        # 100000 千円 is 1億円
        ("100000", "千円", 100_000_000),
        # a figure with its own unit keeps it
        ("300万円", "千円", 3_000_000),
    ],
)
def test_unit_scales_bare_cells(cell: str, unit: str, yen: int) -> None:
    figures = limits.text_to_figures(cell, limits.load_limit_cues(), unit)
    assert [f.amount_jpy for f in figures] == [yen]
