"""Coverage linked from elsewhere in a table: a row label naming none takes its row-group cell's; a
note naming none takes the coverage of the rows carrying its mark."""

from __future__ import annotations

import pytest

from extractors.document import CELL_SEPARATOR, Cell, Document, Line, Page, Table
from extractors.limits import document_to_limits

Row = tuple[tuple[str, int], ...]


def _doc(rows: tuple[Row, ...], notes: tuple[str, ...] = ()) -> Document:
    """Given rows of (text, row span) cells, a span's lower slots following as ("", 0) (and note
    lines under the table), return a one-page Document with the table and a line per row and
    note, as the PDF and HTML readers give."""
    cells = tuple(
        tuple(Cell(text, row_span=max(span, 1), covered=span == 0) for text, span in row) for row in rows
    )
    lines = tuple(Line(CELL_SEPARATOR.join(t for t, _ in row if t), page=1) for row in rows)
    lines += tuple(Line(note, page=1) for note in notes)
    return Document(source="t", source_format="pdf", pages=(Page(1, lines, (Table(page=1, rows=cells),)),))


def _rows(
    rows: tuple[Row, ...], notes: tuple[str, ...] = ()
) -> set[tuple[str | None, str, int | float | None]]:
    """Given table rows (and notes), return the limits as (coverage id, type, value) like the scorer."""
    return {
        (r.coverage_id, r.limit_type, r.ratio if r.ratio is not None else r.days or r.amount_jpy)
        for r in document_to_limits(_doc(rows, notes), "t")
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


NOTED: tuple[Row, ...] = (
    (("補償項目", 1), ("支払限度額", 1)),
    (("原因調査費用", 1), ("1,000万円※4", 1)),
    (("見舞金費用（※5）", 1), ("1名あたり1,000円", 1)),
)


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        # a mark on a figure cell (1,000万円※4) links its note to that row's coverage
        ("※4 発見から180日以内の調査に限ります。", ("expense.forensics", "time_window_days", 180)),
        # a mark on a label cell (見舞金費用（※5）) links just as well, in another mark style
        ("*5 法人の場合は、1法人あたり5万円を限度とします。", ("expense.condolence", "limit", 50_000)),
        # a mark no row carries links nothing: the note's figure stays unattributed
        ("※9 サイバー攻撃のおそれの段階は30日以内に限ります。", (None, "time_window_days", 30)),
        # a note naming its own coverage keeps it (the mark only fills a gap)
        ("※4 データ復旧費用は500万円を限度とします。", ("expense.data_restoration", "limit", 5_000_000)),
    ],
)  # fmt: skip
def test_note_takes_the_coverage_of_the_rows_carrying_its_mark(
    note: str, expected: tuple[object, ...]
) -> None:
    assert expected in _rows(NOTED, (note,))
