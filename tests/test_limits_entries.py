"""One line of several label–figure entries gives each figure its own entry's coverage, and a row
whose label says it holds a deductible types its figures even under a limit column."""

from __future__ import annotations

import pytest

from extractors.document import nfkc
from extractors.limits import entry_start, load_limit_cues
from tests.test_limits import rows_of

CUES = load_limit_cues()


def _entry(line: str, previous: str, figure: str) -> str:
    """Given a line, the figure text before a figure and the figure's text, return the text from
    where `entry_start` opens the figure's entry ("" for the whole line)."""
    norm = nfkc(line)
    previous_end = norm.index(nfkc(previous)) + len(nfkc(previous))
    figure_start = norm.index(nfkc(figure), previous_end)
    at = entry_start(norm, previous_end, figure_start, CUES)
    return norm[at:] if at else ""


@pytest.mark.parametrize(
    ("line", "previous", "figure", "expected"),
    [
        # a full-width slash after a figure, then a coverage term, opens that term's entry
        ("賠償責任 1億円 ／ 原因調査費用 1,000万円", "1億円", "1,000万円", "原因調査費用 1,000万円"),
        # a division slash (∕, as PDF text gives it) reads the same
        ("賠償責任 1億円 ∕ データ復旧費用 500万円", "1億円", "500万円", "データ復旧費用 500万円"),
        # a middle dot right after a figure separates entries too
        ("賠償責任 1億円・原因調査費用 1,000万円", "1億円", "1,000万円", "原因調査費用 1,000万円"),
        # a wide gap (two spaces or more) separates entries
        ("賠償責任 1億円  原因調査費用 1,000万円", "1億円", "1,000万円", "原因調査費用 1,000万円"),
        # a middle dot inside a label, not right after the figure, opens nothing new in the label
        (
            "賠償責任 1億円 ／ 喪失利益・営業継続費用 1,000万円",
            "1億円",
            "1,000万円",
            "喪失利益・営業継続費用 1,000万円",
        ),
        # a separator followed by no coverage term (a basis) opens no entry: the sentence governs
        ("賠償責任 1億円 ／ 1請求につき 1,000万円", "1億円", "1,000万円", ""),
        # figures joined by a plain clause (no separator) stay one sentence
        ("賠償責任は1億円、うち原因調査費用は1,000万円", "1億円", "1,000万円", ""),
    ],
)
def test_entry_start(line: str, previous: str, figure: str, expected: str) -> None:
    assert _entry(line, previous, figure) == nfkc(expected)


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # each entry's figure is its own label's, not the first label's
        (
            "補償概要 賠償責任 支払限度額 1億円 ／ 原因調査費用 1,000万円 ／ データ復旧費用 500万円",
            {
                ("liability", "limit", 100_000_000),
                ("expense.forensics", "limit", 10_000_000),
                ("expense.data_restoration", "limit", 5_000_000),
            },
            {("liability", "limit", 10_000_000), ("liability", "limit", 5_000_000)},
        ),
        # a row whose label names a deductible and a section is that section's deductible, though
        # its column says 支払限度額
        (
            "| 補償項目 | 支払限度額 |\n|---|---|\n"
            "| 費用損害 | 1,000万円 |\n| 免責金額（費用損害） | 10万円 |\n",
            {("expense", "limit", 10_000_000), ("expense", "deductible", 100_000)},
            {("expense", "limit", 100_000)},
        ),
        # a row naming a coverage with a limit word (…限度額) under a 免責金額 column keeps the column's type
        (
            "| 補償項目 | 免責金額 |\n|---|---|\n| 費用損害限度額 | 10万円 |\n",
            {("expense", "deductible", 100_000)},
            {("expense", "limit", 100_000)},
        ),
    ],
)
def test_entries_and_deductible_rows(
    text: str, present: set[tuple[str | None, str, int]], absent: set[tuple[str | None, str, int]]
) -> None:
    got = rows_of(text)
    assert present <= got
    assert not absent & got
