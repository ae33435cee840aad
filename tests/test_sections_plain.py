"""sections.plain: the NFKC text the extractors interpret."""

from __future__ import annotations

import pytest

from extractors.sections import plain


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("支払限度額……………… １億円", "支払限度額:1億円"),  # a … leader joins label and value
        ("免責金額 ・・・・・ なし", "免責金額:なし"),  # a middle-dot leader too
        ("データ復旧費用....... 500万円", "データ復旧費用:500万円"),  # ASCII dots
        ("以下の通り...", "以下の通り..."),  # an ellipsis that ends a line joins nothing
        ("**見舞金**：500円", "見舞金:500円"),  # emphasis marks go
        ("A・B", "A・B"),  # one middle dot is a list separator, not a leader
    ],
)
def test_plain(text: str, expected: str) -> None:
    assert plain(text) == expected
