"""Dates in comma-delimited export fields are read; a comma inside a figure still blocks one."""

from __future__ import annotations

import datetime as dt

import pytest

from extractors.dates import text_to_dates


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        # a field after a comma-delimited label
        ("#データ基準日,2026/11/01", [dt.date(2026, 11, 1)]),
        # a comma after a digit belongs to a figure (1,2026/11 is no date)
        ("1,2026/11/01", []),
        # the plain form still reads
        ("2026/11/01", [dt.date(2026, 11, 1)]),
    ],
)
def test_numeric_date_after_comma(text: str, dates: list[dt.date]) -> None:
    assert [m.date for m in text_to_dates(text)] == dates
