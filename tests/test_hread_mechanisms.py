"""Extraction mechanisms from the first run of blind round h: alternatives after a field's figure,
wrapped lines at a layout's own leading; checked on small inputs and on the round's fixture files."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import taxonomy
from extractors.blocks import page_to_units, wrap_leading
from extractors.document import BBox, Line, Page
from extractors.extract import file_to_extraction
from extractors.limits import alternatives_dropped, field_lead_kind, load_limit_cues

ROUND_H = Path(__file__).parent / "fixtures" / "blind_2026_12h" / "corpus"


@pytest.mark.parametrize(
    ("after", "rest"),
    [
        # a second figure given as the alternative: nothing of the field is left
        ("または三億円", ""),
        # two alternatives, arabic numerals; what follows the last stays for the caller to judge
        ("、3億円または5億円です", "です"),
        # text that is no figure after the separator is kept whole
        ("または別途定める額", "または別途定める額"),
        # a sentence going on after the figure is kept (the figure does not end a field)
        ("を限度にお支払いします", "を限度にお支払いします"),
        # nothing after the figure
        ("", ""),
    ],
)
def test_alternatives_dropped(after: str, rest: str) -> None:
    assert alternatives_dropped(after, load_limit_cues()) == rest


def _line(text: str, top: float, x1: float, x0: float = 20.0, height: float = 11.0) -> Line:
    """Given text, its top, right end and left edge, return a PDF line of one type size."""
    return Line(text=text, page=1, bbox=BBox(x0=x0, top=top, x1=x1, bottom=top + height), size=height)


#: a leaflet panel set at double spacing: wrapped lines 10 pt apart, paragraphs 14.5 pt apart
_AIRY = (
    _line("賠償損害（一請求・保険期間中）　一億円また", 60, 250),
    _line("は三億円", 81, 60),
    _line("費用損害（一事故・保険期間中）　一千万円ま", 105.5, 250),
    _line("たは三千万円", 126.5, 80),
    _line("費用損害の縮小支払割合は九十パーセントで", 152, 248),
    _line("す。", 173, 30),
)


@pytest.mark.parametrize(
    ("lines", "leading"),
    [
        # the gap seen most often between lines at one left edge
        (_AIRY, 10.0),
        # too few line pairs show no leading
        (_AIRY[:2], 0.0),
        # lines at other left edges are no pairs
        (tuple(_line("x", 20 * i, 100, x0=20 + 30 * i) for i in range(5)), 0.0),
    ],
)
def test_wrap_leading(lines: tuple[Line, ...], leading: float) -> None:
    assert wrap_leading(lines) == leading


def test_airy_lines_wrap_at_the_page_leading_and_paragraphs_still_part() -> None:
    units = page_to_units(Page(number=1, lines=_AIRY))
    assert [len(unit.lines) for unit in units] == [2, 2, 2]


def test_leaflet_alternatives_in_kanji_are_both_limits() -> None:
    path = ROUND_H / "h9-08.pdf"
    limits = {
        (r.coverage_id, r.amount_jpy)
        for r in file_to_extraction(path, path.parent).limits
        if r.limit_type == "limit"
    }
    assert {("liability", 100_000_000), ("liability", 300_000_000)} <= limits
    assert {("expense", 10_000_000), ("expense", 30_000_000)} <= limits


@pytest.mark.parametrize(
    ("label", "ids"),
    [
        # a closing bracket that lists the items the heading covers names them too
        (
            "事業中断損失（喪失利益・営業継続費用）",
            [
                "business_interruption",
                "business_interruption.lost_profit",
                "business_interruption.extra_expense",
            ],
        ),
        # a bracket that describes the basis is a gloss: only the head names
        ("賠償損害（一請求・保険期間中）", ["liability"]),
        # a bracket holding words besides its terms is a gloss too
        ("見舞金（被害者1名につき）", ["expense.condolence"]),
        # no bracket: as before
        ("通知・コールセンター費用", ["expense.notification", "expense.call_center"]),
    ],
)
def test_listed_ids_read_a_listing_bracket(label: str, ids: list[str]) -> None:
    assert taxonomy.listed_ids(label) == ids


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # a bullet field opening with a deductible cue and a colon
        ("・免責金額：賠償責任はありません。事故対応費用は1事故につき10万円です。", "deductible"),
        # the cue set off by a (full-width) space, as a leaflet prints a field
        ("免責金額\u3000賠償損害はありません。費用損害は一事故につき五万円です。", "deductible"),
        # a sentence that only mentions the cue later opens with no field
        ("賠償責任の免責金額はありません。", None),
        # a field label that names no figure type
        ("お問い合わせ：03-1234-5678", None),
    ],
)
def test_field_lead_kind(text: str, kind: str | None) -> None:
    assert field_lead_kind(text, load_limit_cues()) == kind


@pytest.mark.parametrize("name", ["h9-02.pdf", "h9-08.pdf"])
def test_deductible_sentence_after_the_field_cue_is_a_deductible(name: str) -> None:
    # 免責金額：賠償…はありません。費用…は1事故につきN万円 (the second sentence has no cue of its own)
    path = ROUND_H / name
    records = file_to_extraction(path, path.parent).limits
    assert any(r.limit_type == "deductible" and r.coverage_id == "expense" and r.amount_jpy for r in records)
