"""The period of a lump sum paid for a one-year policy (generalisation fixes)."""

from __future__ import annotations

import pytest

from extractors.premiums import label_to_period


@pytest.mark.parametrize(
    ("label", "term", "period"),
    [
        (
            "保険料例（保険期間一年・一括払）",
            True,
            "annual",
        ),  # a one-year policy paid at once: the year's premium
        (
            "保険料例（保険期間⼀年‧⼀括払）",
            True,
            "annual",
        ),  # the same in PDF radicals (⼀ U+2F00), NFKC first
        (
            "一時払保険料の例（保険期間1年）",
            True,
            "lump_sum",
        ),  # the premium is named one-time before the term
        ("保険料例（保険期間1年・月払）", True, "monthly"),  # a monthly payment stays monthly
        ("保険料例（一括払）", True, "lump_sum"),  # no policy term named: the payment decides
        ("保険期間1年／払込方法：一時払", False, "lump_sum"),  # conditions: the term is not the period
    ],
)
def test_one_year_lump_sum(label: str, term: bool, period: str) -> None:
    assert label_to_period(label, term=term) == period


@pytest.mark.parametrize(
    ("label", "period"),
    [
        ("年換算", "annual"),  # a column of a monthly premium times twelve names a year's premium
        ("月払保険料", "monthly"),  # the column beside it stays monthly
    ],
)
def test_annualised_column(label: str, period: str) -> None:
    assert label_to_period(label) == period
