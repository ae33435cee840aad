"""The table layout model: slot owners, header rows and header paths (extractors.layout)."""

from __future__ import annotations

import pytest

from extractors.document import Cell, Table
from extractors.layout import note_free, table_to_view


def grid(*rows: str, spans: dict[tuple[int, int], tuple[int, int]] | None = None, th: int = 0) -> Table:
    """Given rows as "a|b|c" strings (^ = a slot covered by a merged cell), the merged cells'
    (row_span, col_span) by origin slot, and how many leading rows are th rows, return a Table."""
    spans = spans or {}
    cells = []
    for r, row in enumerate(rows):
        out = []
        for c, text in enumerate(row.split("|")):
            rs, cs = spans.get((r, c), (1, 1))
            covered = text == "^"
            text = "" if covered else text
            out.append(Cell(text, row_span=rs, col_span=cs, header=r < th, covered=covered))
        cells.append(tuple(out))
    return Table(page=1, rows=tuple(cells))


@pytest.mark.parametrize(
    ("table", "header_rows", "slot", "expected"),
    [
        # a colspan header governs both columns beneath it (HTML colspan, PDF merged rectangle)
        (
            grid("セット名|てん補限度額|^|免責金額", "^|賠償損害|費用損害|^", "A|1,000万円|100万円|10万円",
                 spans={(0, 0): (2, 1), (0, 1): (1, 2), (0, 3): (2, 1)}),
            2, (2, 2), ("てん補限度額", "費用損害"),
        ),
        # a rowspan header over two header rows appears once in its column's path
        (
            grid("セット名|てん補限度額|^|免責金額", "^|賠償損害|費用損害|^", "A|1,000万円|100万円|10万円",
                 spans={(0, 0): (2, 1), (0, 1): (1, 2), (0, 3): (2, 1)}),
            2, (2, 3), ("免責金額",),
        ),
        # without declared spans, an empty slot with a header below takes the header to its left
        (grid("セット名|てん補限度額||免責金額", "|賠償損害|費用損害|", "A|1,000万円|100万円|10万円"),
         2, (2, 2), ("てん補限度額", "費用損害")),
        # ... and an empty slot under a header takes the header above it
        (grid("セット名|てん補限度額||免責金額", "|賠償損害|費用損害|", "A|1,000万円|100万円|10万円"),
         2, (2, 3), ("免責金額",)),
        # a single header row: an empty slot takes its left neighbour, as a colspan leaves it
        (grid("補償項目|保険金額（万円）|", "原因調査費用|500|1,000"), 1, (1, 2), ("保険金額（万円）",)),
        # th rows count as header rows when the caller does not say how many there are
        (grid("項目|ライト|ワイド", "データ復旧費用|500|1,000", th=1), None, (1, 2), ("ワイド",)),
        # a body cell above the header rows' end has no header path
        (grid("項目|ライト", "データ復旧費用|500"), 0, (1, 1), ()),
    ],
)  # fmt: skip
def test_column_header_path(
    table: Table, header_rows: int | None, slot: tuple[int, int], expected: tuple[str, ...]
) -> None:
    assert table_to_view(table, header_rows).column_header_path(*slot) == expected


@pytest.mark.parametrize(
    ("table", "slot", "expected"),
    [
        # a row group's rowspan cell governs every row it spans
        (grid("区分|項目|限度額", "賠償|損害賠償金|1億円", "^|争訟費用|1億円", spans={(1, 0): (2, 1)}),
         (2, 2), ("賠償", "争訟費用")),
        # a cell spanning two columns to the left appears once
        (grid("項目|^|限度額", "見舞金|^|500円", spans={(0, 0): (1, 2), (1, 0): (1, 2)}),
         (1, 2), ("見舞金",)),
        # label cells only: a figure to the left is not a row header
        (grid("項目|ライト|ワイド", "復旧費用|500万円|1,000万円"), (1, 2), ("復旧費用",)),
    ],
)  # fmt: skip
def test_row_header_path(table: Table, slot: tuple[int, int], expected: tuple[str, ...]) -> None:
    view = table_to_view(table, 1)
    assert view.row_header_path(*slot, is_label=lambda text: "円" not in text) == expected


def test_origin_through_spans() -> None:
    # every covered slot resolves to the merged cell's origin, and text() reads through it
    table = grid("a|^|^", "^|^|^", "x|y|z", spans={(0, 0): (2, 3)})
    view = table_to_view(table, 2)
    assert {view.origin(r, c) for r in range(2) for c in range(3)} == {(0, 0)}
    assert view.text(1, 2) == "a"
    assert view.origin(2, 1) == (2, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a note printed inside a header cell after its mark is not what the header names
        ("費用特約部分(*2)謝罪の見舞金・見舞品購入費は500円が限度", "費用特約部分"),
        # a bare mark on a header stays (nothing after it)
        ("サブリミット(*1)", "サブリミット(*1)"),
        # a short tail after a mark is part of the label
        ("見舞金※1等", "見舞金※1等"),
        # a cell without a mark is unchanged
        ("てん補限度額", "てん補限度額"),
    ],
)
def test_note_free(text: str, expected: str) -> None:
    assert note_free(text) == expected
