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
