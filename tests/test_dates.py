"""Dates as Japanese brochures print them (extractors.dates)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.dates import ERAS, era_year_to_year, numeral_to_int, text_to_date, text_to_dates


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 西暦 with 年月日, as in a "この情報は…現在" note
        ("この情報は2018年1月1日現在のものです", dt.date(2018, 1, 1)),
        # 西暦 with slashes, dots and ISO hyphens
        ("2018/1/1", dt.date(2018, 1, 1)),
        ("2018.1.1", dt.date(2018, 1, 1)),
        ("2018-01-01", dt.date(2018, 1, 1)),
        # full-width digits (NFKC makes them ASCII)
        ("２０２３年１０月１日", dt.date(2023, 10, 1)),
        # spaces between the parts, as PDF text layers leave them
        ("2023 年 10 月 1 日", dt.date(2023, 10, 1)),
        # year and month only: the first of the month
        ("2023年10月", dt.date(2023, 10, 1)),
        ("2023/10", dt.date(2023, 10, 1)),
        # a policy-start condition still reads as its date (the premiums extractor needs it)
        ("2025年4月以降保始期", dt.date(2025, 4, 1)),
        # 和暦 with kanji era names
        ("令和5年10月1日", dt.date(2023, 10, 1)),
        ("平成30年1月1日", dt.date(2018, 1, 1)),
        ("昭和64年1月7日", dt.date(1989, 1, 7)),
        # 元年 is the era's first year
        ("令和元年5月1日", dt.date(2019, 5, 1)),
        # kanji numerals
        ("令和五年十月一日", dt.date(2023, 10, 1)),
        ("平成二十九年十二月", dt.date(2017, 12, 1)),
        # the one-character era sign ㋿ is 令和 under NFKC
        ("㋿5年10月", dt.date(2023, 10, 1)),
        # letter abbreviations of eras
        ("R5.10", dt.date(2023, 10, 1)),
        ("R5.10.1", dt.date(2023, 10, 1)),
        ("H30.1.1", dt.date(2018, 1, 1)),
        ("R5年10月", dt.date(2023, 10, 1)),
        # the first date wins when there are several
        ("2022年4月作成 2023年10月改定", dt.date(2022, 4, 1)),
    ],
)
def test_text_to_date_reads(text: str, expected: dt.date) -> None:
    assert text_to_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # a year alone is a period, not a date
        "令和4年におけるサイバー空間をめぐる脅威",
        "2022年の企業の割合",
        # a day that does not exist
        "2018年2月30日",
        "2023年13月",
        # phone numbers, postcodes and form numbers are not dates
        "03-6848-8500",
        "〒105-8602 東京都港区虎ノ門4-3-20",
        "0120-362-119",
        "1760-ER04-14027-202310",
        # a version or model code is not a 大正/明治 date: only R, H and S are read as letters
        "T2.5",
        # amounts
        "1,160万円",
        "",
    ],
)
def test_text_to_date_rejects(text: str) -> None:
    assert text_to_date(text) is None


def test_text_to_dates_gives_nfkc_positions_and_precision() -> None:
    text = "作成日:２０２３年１０月 改定:令和6年4月1日"
    found = text_to_dates(text)
    assert [m.date for m in found] == [dt.date(2023, 10, 1), dt.date(2024, 4, 1)]
    assert [m.precision for m in found] == ["month", "day"]
    # positions index the NFKC text, where the full-width digits are single ASCII characters
    assert "作成日:2023年10月 改定:令和6年4月1日"[found[0].start : found[0].end] == "2023年10月"


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("12", 12),  # digits
        ("元", 1),  # the first year of an era
        ("十", 10),
        ("十二", 12),
        ("二十", 20),
        ("三十一", 31),
        ("五", 5),
        ("十十", None),  # malformed
        ("二三", None),  # no positional kanji without 十
    ],
)
def test_numeral_to_int(numeral: str, value: int | None) -> None:
    assert numeral_to_int(numeral) == value


def test_era_table_is_newest_first_and_letters_unique() -> None:
    starts = [e.start for e in ERAS]
    assert starts == sorted(starts, reverse=True)
    letters = [e.letter for e in ERAS if e.letter]
    assert len(letters) == len(set(letters))
    assert era_year_to_year("令和", 1) == 2019
    assert era_year_to_year("H", 31) == 2019
    assert era_year_to_year("X", 1) is None


dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))


@given(dates)
def test_western_forms_round_trip(d: dt.date) -> None:
    for text in (
        f"{d.year}年{d.month}月{d.day}日",
        f"{d.year}/{d.month}/{d.day}",
        f"{d.year}.{d.month:02}.{d.day:02}",
    ):
        assert text_to_date(f"この資料は{text}現在") == d


@given(dates)
def test_era_forms_round_trip(d: dt.date) -> None:
    era = next(e for e in ERAS if e.start <= d)
    year = d.year - era.start.year + 1
    printed = "元" if year == 1 else str(year)
    assert text_to_date(f"{era.name}{printed}年{d.month}月{d.day}日") == d
    assert text_to_date(f"{era.letter}{year}.{d.month}.{d.day}") == d
