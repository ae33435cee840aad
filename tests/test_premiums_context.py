"""Premium lines whose industry or revenue is stated by what encloses them (a list item, a heading)."""

from __future__ import annotations

import pytest

from extractors.document import Line
from extractors.premiums import enclosing_context, is_industry_line, line_to_sentence_quotes


def _lines(*texts: str, heading: int | None = None) -> list[Line]:
    """Lines on page 1; the one at index `heading` carries a source heading level."""
    return [Line(t, 1, level=2 if i == heading else None) for i, t in enumerate(texts)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- 小売業", True),  # a list item naming one industry
        ("・卸売業", True),  # another bullet
        ("小売業：年額 12,000円", False),  # it quotes a figure itself
        ("小売業と卸売業の方へ", False),  # prose naming two industries
        ("保険料の目安", False),  # no industry at all
        ("• 小売業（売上高2億円）", True),  # an item naming its industry and the revenue its quotes are for
        ("• 小売業（売上高2億円・年払38,400円）", False),  # a figure beside the revenue: it quotes itself
    ],
)
def test_is_industry_line(text: str, expected: bool) -> None:
    assert is_industry_line(text) is expected


@pytest.mark.parametrize(
    ("lines", "index", "quotes"),
    [
        # a revenue line under an industry item under a heading that names the premiums
        (
            _lines("保険料の目安", "- 小売業", "- 売上高 1億円：年額 12,300円", heading=0),
            2,
            [("小売業", 10**8, 12300, "annual")],
        ),
        # the next revenue of the same item
        (
            _lines(
                "保険料の目安",
                "- 小売業",
                "- 売上高 1億円：年額 12,300円",
                "- 売上高 5億円：年額 45,600円",
                heading=0,
            ),
            3,
            [("小売業", 5 * 10**8, 45600, "annual")],
        ),
        # a heading stating industry and revenue over labelled premium lines
        (
            _lines("■保険料（建設業、前年度売上高 8億円）", "年払保険料 …… 98,700円"),
            1,
            [("建設業", 8 * 10**8, 98700, "annual")],
        ),
        # a limit figure under such a heading is no premium
        (_lines("■保険料（建設業、売上高 8億円）", "支払限度額：1億円"), 1, []),
        # a period line under an item that names industry and revenue (nested bullets of a slide)
        (
            _lines("保険料例（年払・月払）", "• 小売業（売上高2億円）", "– 年払：38,400円", heading=0),
            2,
            [("小売業", 2 * 10**8, 38400, "annual")],
        ),
        # with no enclosing heading or industry item, a bare line quotes nothing
        (_lines("お問い合わせください", "売上高 1億円：年額 12,300円"), 1, []),
    ],
)
def test_line_to_sentence_quotes_reads_the_enclosing_context(
    lines: list[Line], index: int, quotes: list[tuple[str, int, int, str]]
) -> None:
    found, _ = line_to_sentence_quotes(lines, index)
    assert [(i, r, p, period) for i, r, p, period in found] == quotes


def test_the_context_stops_at_the_heading() -> None:
    lines = _lines("- 製造業", "■保険料の目安", "- 売上高 1億円：年額 12,300円")
    # the industry item above the heading belongs to another block
    assert enclosing_context(lines, 2) == ("■保険料の目安", "heading")
