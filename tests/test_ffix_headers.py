"""A plan-rows table names its coverages in column headers: the header terms must name them."""

from __future__ import annotations

import pytest

from extractors import limits, taxonomy


@pytest.mark.parametrize(
    ("header", "ids"),
    [
        # the first-party payments named as one: the costs aggregate
        ("費用保険金の合計", ["expense"]),
        # a header spanning the cost items, its basis in brackets
        ("費用（1事故・保険期間中）", ["expense"]),
        # 費用 inside an item's name is no aggregate: the item's own term wins
        ("見舞費用", ["expense.condolence"]),
        # 費用 as a word inside a longer label names nothing by itself
        ("費用の内訳", []),
    ],
)
def test_cost_header_terms(header: str, ids: list[str]) -> None:
    assert taxonomy.distinct_ids(taxonomy.match_all(header, weak=False)) == ids


@pytest.mark.parametrize(
    ("path", "ids"),
    [
        # a plan row's figure under 免責金額 below the spanning cost header: the cost aggregate
        (("費用（1事故・保険期間中）", "免責金額"), ["expense"]),
        # the nearest header that names a coverage wins over the spanning one
        (("費用（1事故・保険期間中）", "原因調査費用"), ["expense.forensics"]),
    ],
)
def test_header_ids_from_spanning_header(path: tuple[str, ...], ids: list[str]) -> None:
    assert limits.header_ids(path) == ids


@pytest.mark.parametrize(
    ("cell", "keys"),
    [
        # one circled number
        ("④", [4]),
        # two listed side by side
        ("①②", [1, 2]),
        # a range is spelled out
        ("③〜⑥", [3, 4, 5, 6]),
        # a cell with words is a label, not a key
        ("① 損害賠償金", []),
        # no circled number at all
        ("適用する項目", []),
    ],
)
def test_circled_keys(cell: str, keys: list[int]) -> None:
    assert limits.circled_keys(cell) == keys


def _found(coverage_id: str | None, evidence: str, kind: str = "limit") -> limits.Found:
    """Given a coverage id, a row's evidence and a type, return a Found of a 10万円 figure."""
    figure = limits.Figure(0, 1, 100_000, None, None, None, False)
    return limits.Found(coverage_id, "", kind, figure, None, None, None, 1, evidence)


def test_enumerated_rows_take_the_coverage_of_their_marks() -> None:
    # a conditions row ③〜⑥ takes the coverages of rows ③ and ④ (⑤, ⑥ absent); ⑦ stays unattributed
    rows = [
        _found("expense", "③ | 事故対応費用 | 5,000万円"),
        _found("expense.forensics", "④ | うち 原因調査費用 | 2,000万円"),
        _found(None, "③〜⑥ | 1事故につき10万円", "deductible"),
        _found(None, "⑦ | 10万円", "deductible"),
    ]
    out = limits.enumerated_to_found(rows)
    assert [(f.coverage_id, f.evidence[:2]) for f in out[2:]] == [
        ("expense", "③〜"),
        ("expense.forensics", "③〜"),
        (None, "⑦ "),
    ]


@pytest.mark.parametrize(
    ("label", "ids"),
    [
        # the lost-profit word beside the continuation costs names both items (and their section)
        (
            "利益損害・営業継続費用",
            [
                "business_interruption",
                "business_interruption.lost_profit",
                "business_interruption.extra_expense",
            ],
        ),
        # alone it still names business interruption as a whole
        ("利益損害", ["business_interruption"]),
    ],
)
def test_interruption_pair_terms(label: str, ids: list[str]) -> None:
    assert taxonomy.distinct_ids(taxonomy.match_all(label, weak=False)) == ids
