"""Footnotes resolved to the items carrying their marks, and notes whose lines hang under the mark."""

from __future__ import annotations

import pytest

from extractors.blocks import _wraps_into
from extractors.document import BBox, Document, Line, Page
from extractors.layout import NOTE_MARK
from extractors.limits import continues_note, document_to_limits

HEADING = "事故対応費用に関する補償"


def _limits(lines: list[str]) -> set[tuple[str | None, str, int | float | None]]:
    """Given the lines of a one-page text document, return its limits as (coverage id, type, value)."""
    page = Page(1, tuple(Line(text, page=1) for text in lines))
    records = document_to_limits(Document(source="t", source_format="md", pages=(page,)), "t")
    return {(r.coverage_id, r.limit_type, r.amount_jpy or r.days or r.ratio) for r in records}


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a ※ mark glued to a field's figure: the figure is still the field's, the note takes its item
        (
            [
                HEADING,
                "・事故原因調査費用：1,000万円※2",
                "・データ復旧費用：500万円",
                "※2 攻撃がない場合は、100万円を限度とします。",
            ],
            {
                ("expense.forensics", "limit", 10_000_000),
                ("expense.data_restoration", "limit", 5_000_000),
                ("expense.forensics", "limit", 1_000_000),
            },
        ),
        # no item carries the note's mark: the note keeps the coverage its heading names
        (
            [
                HEADING,
                "・事故原因調査費用：1,000万円",
                "・データ復旧費用：500万円※1",
                "※2 攻撃がない場合は、100万円を限度とします。",
            ],
            {
                ("expense.forensics", "limit", 10_000_000),
                ("expense.data_restoration", "limit", 5_000_000),
                ("expense", "limit", 1_000_000),
            },
        ),
        # a note naming its own coverage keeps it, whichever item carries its mark
        (
            [
                HEADING,
                "・事故原因調査費用：1,000万円※2",
                "・データ復旧費用：500万円",
                "※2 データ復旧費用は、100万円を限度とします。",
            ],
            {
                ("expense.forensics", "limit", 10_000_000),
                ("expense.data_restoration", "limit", 5_000_000),
                ("expense.data_restoration", "limit", 1_000_000),
            },
        ),
        # a markdown footnote reference [^1] and its definition: the window is the marked item's
        (
            [
                HEADING,
                "・事故原因調査費用：1,000万円[^1]",
                "・データ復旧費用：500万円",
                "[^1]: 発見した日から365日以内に要した費用に限ります。",
            ],
            {
                ("expense.forensics", "limit", 10_000_000),
                ("expense.data_restoration", "limit", 5_000_000),
                ("expense.forensics", "time_window_days", 365),
            },
        ),
    ],
)
def test_note_takes_marked_item(lines: list[str], expected: set[tuple[str | None, str, int | float]]) -> None:
    assert _limits(lines) == expected


@pytest.mark.parametrize(
    ("text", "mark"),
    [
        ("1,000万円※2", "※2"),  # a ※ mark glued to a unit
        ("1千万円[^4]", "[^4]"),  # a markdown footnote reference
        ("1千万円[4]", None),  # brackets alone are no mark
    ],
)
def test_note_mark(text: str, mark: str | None) -> None:
    found = NOTE_MARK.search(text)
    assert (found.group() if found else None) == mark


def _line(text: str, x0: float, top: float, x1: float) -> Line:
    """Given a text and its box's left, top and right, return a 10 pt PDF line."""
    return Line(text, page=1, bbox=BBox(x0=x0, top=top, x1=x1, bottom=top + 10.0))


@pytest.mark.parametrize(
    ("first", "x0", "wraps"),
    [
        (
            "※2 攻撃がない場合の調査は、100万円を限度と",
            88.0,
            True,
        ),  # a note's next line at its hanging indent
        ("・攻撃がない場合の調査は、100万円を限度と", 88.0, True),  # a list item's, the same
        ("攻撃がない場合の調査は、100万円を限度と", 88.0, False),  # plain text: an indent opens a paragraph
        ("※2 攻撃がない場合の調査は、100万円を限度と", 110.0, False),  # too far right for a hanging indent
        ("※2 攻撃がない場合の調査は、100万円を限度と", 66.0, True),  # flush left: wraps as ever
    ],
)
def test_hanging_indent(first: str, x0: float, wraps: bool) -> None:
    above = _line(first, 66.0, 100.0, 540.0)
    below = _line("し、その費用に縮小支払割合80%を乗じた額をお支払いします。", x0, 114.0, 300.0)
    assert _wraps_into(above, below, 540.0, (above, below)) is wraps


@pytest.mark.parametrize(
    ("above", "text", "goes_on"),
    [
        (
            "※原因調査費用は、攻撃のおそれを発見した日から",
            "３０日以内に着手した調査に限ります。",
            True,
        ),  # cut mid-sentence
        (
            "※原因調査費用は、発見から３０日以内に限ります。",
            "免責金額は５万円です。",
            False,
        ),  # the note ended
        (
            "原因調査費用は、攻撃のおそれを発見した日から",
            "３０日以内に着手した調査に限ります。",
            False,
        ),  # no note
        ("※原因調査費用は、攻撃のおそれを発見した日から", "※２ 見舞金は対象外です。", False),  # the next note
    ],
)
def test_continues_note(above: str, text: str, goes_on: bool) -> None:
    assert continues_note(above, text) is goes_on


def test_wrapped_note_names_its_item() -> None:
    # a text brochure's note wrapped over two lines under a heading naming the section: its window is
    # the item the note opens with, not the section's
    lines = [
        "【事故対応費用補償】",
        "うち　原因調査費用 …… １千万円",
        "※原因調査費用は、攻撃のおそれを発見した日から",
        "３０日以内に着手した調査に限ります。",
    ]
    assert ("expense.forensics", "time_window_days", 30) in _limits(lines)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # an exception in brackets whose topic is an item: the bracketed ratio is that item's
        (
            [HEADING, "縮小支払割合 …… ９０％（見舞金は１００％）"],
            {("expense", "payout_ratio", 0.9), ("expense.condolence", "payout_ratio", 1.0)},
        ),
        # "または" opens no topic: the bracketed figure is not 原因調査費用's but the heading's
        (
            [HEADING, "支払限度額を2倍（原因調査費用の20%または1億円のいずれか低い金額）に増額できます。"],
            {("expense", "limit", 100_000_000)},
        ),
    ],
)
def test_bracket_exception(lines: list[str], expected: set[tuple[str | None, str, int | float]]) -> None:
    assert expected <= _limits(lines)
