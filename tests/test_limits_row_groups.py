"""A table row whose own label names no coverage takes it from the row-group cell spanning it."""

from __future__ import annotations

import pytest

from extractors.document import CELL_SEPARATOR, Cell, Document, Line, Page, Table
from extractors.limits import document_to_limits

Row = tuple[tuple[str, int], ...]


def _doc(rows: tuple[Row, ...]) -> Document:
    """Given rows of (text, row span) cells, a span's lower slots following as ("", 0), return a
    one-page Document with the table and a line per row, as the PDF and HTML readers give."""
    cells = tuple(
        tuple(Cell(text, row_span=max(span, 1), covered=span == 0) for text, span in row) for row in rows
    )
    lines = tuple(Line(CELL_SEPARATOR.join(t for t, _ in row if t), page=1) for row in rows)
    return Document(source="t", source_format="pdf", pages=(Page(1, lines, (Table(page=1, rows=cells),)),))


def _rows(rows: tuple[Row, ...]) -> set[tuple[str | None, str, int | float | None]]:
    """Given table rows, return its limits as (coverage id, type, value) like the scorer."""
    return {
        (r.coverage_id, r.limit_type, r.ratio if r.ratio is not None else r.days or r.amount_jpy)
        for r in document_to_limits(_doc(rows), "t")
    }


HEAD: Row = (("補償", 1), ("項目", 1), ("プランA", 1), ("プランB", 1))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a type-only label (支払限度額) under a spanning 賠償責任 cell: the group names the coverage
        (((("賠償責任", 2), ("支払限度額", 1), ("5,000万円", 1), ("1億円", 1)),
          (("", 0), ("免責金額", 1), ("10万円", 1), ("10万円", 1))),
         {("liability", "limit", 50_000_000), ("liability", "limit", 100_000_000),
          ("liability", "deductible", 100_000)}),
        # a label naming nothing (対象となる費用) under the group takes the group's coverage too
        (((("事故対応費用", 2), ("支払限度額", 1), ("500万円", 1), ("1,000万円", 1)),
          (("", 0), ("対象となる費用", 1), ("発見から180日以内に支出した費用", 1), ("同左", 1))),
         {("expense", "limit", 5_000_000), ("expense", "limit", 10_000_000),
          ("expense", "time_window_days", 180)}),
        # a label naming its own coverage (データ復旧費用) wins over the group around it
        (((("事故対応費用", 2), ("データ復旧費用", 1), ("300万円", 1), ("500万円", 1)),
          (("", 0), ("支払限度額", 1), ("1,000万円", 1), ("3,000万円", 1))),
         {("expense.data_restoration", "limit", 3_000_000), ("expense.data_restoration", "limit", 5_000_000),
          ("expense", "limit", 10_000_000), ("expense", "limit", 30_000_000)}),
        # a group naming no coverage (a plan letter) names nothing: the figure stays unattributed
        (((("A", 1), ("支払限度額", 1), ("500万円", 1), ("1,000万円", 1)),),
         {(None, "limit", 5_000_000), (None, "limit", 10_000_000)}),
    ],
)  # fmt: skip
def test_row_group_names_the_coverage(body: tuple[Row, ...], expected: set[tuple[object, ...]]) -> None:
    assert _rows((HEAD, *body)) == expected
