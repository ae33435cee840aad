"""Borderless tables whose header or caption spans several columns (generalisation fixes)."""

from __future__ import annotations

import pytest

from extractors.document import BBox
from extractors.readers import pdf


def _row(top: float, cells: list[tuple[str, float, float]]) -> pdf._Row:
    """Given a top and (text, x0, x1) cells, return a 10 pt line with one segment per cell."""
    segments = tuple(
        pdf._Segment(text=t, bbox=BBox(x0=a, top=top, x1=b, bottom=top + 10.0), em=10.0, lead=10.0)
        for t, a, b in cells
    )
    box = BBox(x0=segments[0].bbox.x0, top=top, x1=segments[-1].bbox.x1, bottom=top + 10.0)
    return pdf._Row(segments=segments, bbox=box)


_BODY = [
    [("業種", 48.0, 68.0), ("売上高5億円", 249.0, 305.0), ("売上高10億円", 357.0, 420.0)],
    [("製造業", 48.0, 78.0), ("186,000", 262.0, 305.0), ("254,000", 377.0, 420.0)],
    [("卸売業", 48.0, 78.0), ("142,500", 262.0, 305.0), ("197,800", 377.0, 420.0)],
]


@pytest.mark.parametrize(
    ("first", "columns"),
    [
        # a caption whose second piece runs over both revenue columns: it spans them, three columns
        ([("保険料の例", 40.0, 158.0), ("保険期間1年・年払、標準補償", 250.0, 455.0)], 3),
        # a group header over both revenue columns (a colspan header): three columns still
        ([("区分", 48.0, 68.0), ("売上高別の保険料", 249.0, 420.0)], 3),
        # headers one per column: three columns, as ever
        ([("業種", 48.0, 68.0), ("A", 249.0, 305.0), ("B", 357.0, 420.0)], 3),
    ],
)
def test_spanning_caption_keeps_columns(first: list[tuple[str, float, float]], columns: int) -> None:
    rows = [_row(20.0 * i, cells) for i, cells in enumerate([first, *_BODY])]
    end, found = pdf._table_run_end(rows, 0, pdf.DEFAULT_SETTINGS)
    assert (end, len(found)) == (len(rows), columns)


@pytest.mark.parametrize(
    ("cells", "spans"),
    [
        ([("売上高別の保険料", 249.0, 420.0)], True),  # over two cells of one line below: spans them
        ([("売上高5億円", 249.0, 305.0)], False),  # over one cell of each line: a cell of its column
        ([("注記", 430.0, 500.0)], False),  # beside the grid: over no cell at all
    ],
)
def test_spans_cells(cells: list[tuple[str, float, float]], spans: bool) -> None:
    rows = [_row(20.0 * (i + 1), body) for i, body in enumerate(_BODY)]
    assert pdf._spans_cells(_row(0.0, cells).segments[0], rows) is spans


def _line(side: int, top: float) -> list[pdf._Item]:
    """Given a side (-1 left of x 100-110, 1 right of it) and a top, return a y-group of one 10 pt line."""
    x0, x1 = (10.0, 100.0) if side < 0 else (110.0, 200.0)
    return [pdf._Segment(text="本文", bbox=BBox(x0=x0, top=top, x1=x1, bottom=top + 10.0), em=10.0)]


@pytest.mark.parametrize(
    ("lines", "kept"),
    [
        # both columns, the right one runs on alone, then a caption under the left one 16 pt lower
        # than the right column's end (line gaps are 2 pt): the caption stands apart, trimmed
        ([(-1, 0), (1, 1), (-1, 12), (1, 13), (1, 25), (1, 37), (-1, 63)], 6),
        # the same caption set as close under the right column's end as its lines: kept
        ([(-1, 0), (1, 1), (-1, 12), (1, 13), (1, 25), (1, 37), (-1, 49)], 7),
        # the right column runs on alone past the left one, one paragraph further down: kept
        ([(-1, 0), (1, 1), (-1, 12), (1, 13), (1, 25), (1, 50)], 6),
        # a two-sided last group: no tail
        ([(-1, 0), (1, 1), (-1, 12), (1, 13), (0, 40)], 5),
    ],
)
def test_trim_tail(lines: list[tuple[int, float]], kept: int) -> None:
    groups = [_line(-1, top) + _line(1, top) if side == 0 else _line(side, top) for side, top in lines]
    end = pdf._trim_tail(groups, 0, len(groups), (100.0, 110.0), 10.0, pdf.DEFAULT_SETTINGS)
    assert end == kept
