"""A figure's own cell names its coverage: the terms nearest before the figure, else a bracket
right after it that restricts the figure to a part of the policy."""

from __future__ import annotations

import pytest

from extractors.limits import _nearest_ids, _qualifier_ids, load_limit_cues


@pytest.mark.parametrize(
    ("before", "expected"),
    [
        # a part's name, then a note sentence about one item: the item nearest the figure wins
        ("費用特約部分 謝罪の見舞金は、1名あたり", ["expense.condolence"]),
        # items chained by a middle dot before one figure all count
        ("うち、見舞金・謝罪広告費用", ["expense.condolence", "expense.public_relations"]),
        # a bare part name alone names the part
        ("費用特約 支払限度額", ["expense"]),
        # no term at all: nothing
        ("支払限度額", []),
    ],
)
def test_nearest_ids(before: str, expected: list[str]) -> None:
    assert _nearest_ids(before) == expected


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # a bracket restricting the figure to one part (90%（費用特約部分のみ）)
        ("（費用特約部分のみ）", ["expense"]),
        # ASCII brackets after a space read the same
        (" (見舞金のみ)", ["expense.condolence"]),
        # a basis bracket names no coverage
        ("（1請求・保険期間中）", []),
        # a bracket with a figure of its own is a sub-limit, not a qualifier
        ("（うち見舞金100万円）", []),
        # an inner limit of a part (…の内枠) is the row's figure, not the part's
        ("（賠償責任の内枠）", []),
        # a term later in the cell, not in a bracket right after the figure, does not qualify it
        ("、見舞金を除く", []),
    ],
)
def test_qualifier_ids(after: str, expected: list[str]) -> None:
    assert _qualifier_ids(after, load_limit_cues()) == expected
