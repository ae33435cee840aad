"""Loss scenarios proven by context rather than arithmetic: a cost column header, a heading."""

from __future__ import annotations

import pytest

from extractors.document import Cell, Document, Line, Page, Table
from extractors.scenarios import document_to_loss_scenarios


def document_of(lines: list[str], rows: list[list[str]] | None = None, header: bool = False) -> Document:
    """Given lines (and a table's rows, its first row th when `header`), return a one-page Document."""
    table = (
        Table(1, tuple(tuple(Cell(t, header=header and i == 0) for t in row) for i, row in enumerate(rows)))
        if rows
        else None
    )
    return Document(
        "synthetic.html", "html", (Page(1, tuple(Line(t, 1) for t in lines), (table,) if table else ()),)
    )


def found(document: Document) -> list[tuple[int, str, str | None]]:
    """Given a Document, return its scenario rows as (amount, kind, attributed_by), evidence checked."""
    records = document_to_loss_scenarios(document, "d")
    assert all(r.evidence in document.text for r in records)
    return [(r.amount_jpy, r.row_kind, r.attributed_by) for r in records]


@pytest.mark.parametrize(
    ("header", "rows", "expected"),
    [
        # 費用 | 金額 over the amounts: the rows are items though no total closes them
        (
            True,
            [["費用", "金額"], ["損害賠償金", "1億円"], ["争訟費用", "1,000万円"]],
            [(100_000_000, "item", "column_header"), (10_000_000, "item", "column_header")],
        ),
        # a borderless table: the header is the row above the first amount, named without th
        (
            False,
            [
                ["請求・訴訟の内容", "金額"],
                ["請求(1) 損害賠償金", "500万円"],
                ["訴訟(2) 損害賠償金", "1億円"],
            ],
            [(5_000_000, "item", "column_header"), (100_000_000, "item", "column_header")],
        ),
        # label and amount in one cell, several header rows: the nearest names the cost (支出額)
        (
            False,
            [
                ["大量流出", "問い合わせ"],
                ["対応による支出額(*)", "対応による支出額(*)"],
                ["見舞費用約4億円", "委託費用約5,000万円"],
            ],
            [(400_000_000, "item", "column_header"), (50_000_000, "item", "column_header")],
        ),
        # a row headed by a term (免責金額) in a cost table states no cost
        (
            True,
            [["費用", "金額"], ["損害賠償金", "1億円"], ["免責金額", "10万円"]],
            [(100_000_000, "item", "column_header")],
        ),
        # a header that names a limit is no cost, even with 金額 beside it: nothing
        (True, [["補償", "支払限度額"], ["賠償損害", "1億円"], ["費用損害", "1,000万円"]], []),
        # a header that names neither: items without a total prove nothing
        (True, [["項目", "内容"], ["損害賠償金", "1億円"], ["争訟費用", "1,000万円"]], []),
    ],
)
def test_cost_column_header_proves_items(
    header: bool, rows: list[list[str]], expected: list[tuple[int, str, str]]
) -> None:
    assert found(document_of(["CASE2 阻害・消失"], rows, header)) == expected


def test_cost_column_header_keeps_the_arithmetic() -> None:
    # a cost table with its total is still closed by arithmetic; the header only names the rows
    rows = [["費用の内容", "金額"], ["広告宣伝", "1,000万円"], ["復旧費用", "200万円"], ["合計", "1,200万円"]]
    assert [kind for _, kind, _ in found(document_of([], rows, False))] == ["item", "item", "total"]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # an amount alone under the scenario heading: that scenario's total
        (
            ["想定事故例", "約1,300万円の損害", "事故の概要 会員データが流出した。"],
            [(13_000_000, "total", "heading")],
        ),
        # the same line with no heading right above it: a mention, no row
        (["想定事故例", "事故の概要 会員データが流出した。", "約1,300万円の損害"], []),
        # under a heading that names no scenario: no row
        (["ご契約の条件", "約1,300万円の損害"], []),
        # a running sentence under the heading: no row
        (["想定事故例", "約1,300万円の損害が発生するおそれがあります。"], []),
    ],
)
def test_lone_total_under_a_scenario_heading(lines: list[str], expected: list[tuple[int, str, str]]) -> None:
    assert found(document_of(lines)) == expected


@pytest.mark.parametrize(
    ("line", "label"),
    [
        # a leader of dots between the label and its amount is no part of the label
        ("フォレンジック調査費用 ……………………………… 八百万円", "フォレンジック調査費用"),
        # a leader of middle dots likewise
        ("弁護士費用 ・・・・・・・・ 二百万円", "弁護士費用"),
    ],
)
def test_leader_cut_from_label(line: str, label: str) -> None:
    document = document_of(
        [
            "事故の例",
            line,
            "原因調査費用 ……… 百万円",
            "合計 ……… " + ("九百万円" if "八" in line else "三百万円"),
        ]
    )
    records = document_to_loss_scenarios(document, "d")
    assert records[0].item_label == label
    assert [r.row_kind for r in records] == ["item", "item", "total"]
