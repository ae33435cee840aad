"""Dates as Japanese brochures print them: 西暦 (2018年1月1日, 2018/1/1, 2018.1.1) and 和暦
(令和5年10月1日, 平成30年1月1日, 令和元年, R5.10), with or without the day.

Pure functions over text; a date printed without its day means the first of that month.
A year alone (2023年, 令和4年) is not a date: it names a period, not a day.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from extractors.amounts import KANJI_DIGITS
from extractors.document import nfkc

Precision = Literal["day", "month"]


@dataclass(frozen=True)
class Era:
    """A Japanese era: its name, the letter forms abbreviate it with, and its first day."""

    name: str
    letter: str | None  # None: no abbreviation is read for it (too easily a product or version code)
    start: dt.date  # its year is the era's first year (元年)


#: the eras a brochure may date by, newest first
ERAS: tuple[Era, ...] = (
    Era("令和", "R", dt.date(2019, 5, 1)),
    Era("平成", "H", dt.date(1989, 1, 8)),
    Era("昭和", "S", dt.date(1926, 12, 25)),
    Era("大正", None, dt.date(1912, 7, 30)),
    Era("明治", None, dt.date(1868, 10, 23)),
)

#: the Gregorian years a 4-digit number must fall in to be read as a year
YEAR_RANGE = range(1868, 2101)

_NUM = r"(?:\d{1,2}|[〇零一二三四五六七八九十]{1,3})"


@dataclass(frozen=True)
class DateMention:
    """A date found in text; `start`/`end` index the NFKC form of the text."""

    date: dt.date
    start: int
    end: int
    precision: Precision


def numeral_to_int(s: str) -> int | None:
    """Given a small number in digits, kanji (十二, 二十五) or 元, return its value, or None."""
    if s.isdigit():
        return int(s)
    if s == "元":
        return 1
    tens, ten, ones = s.partition("十")
    if not ten:
        return KANJI_DIGITS.get(s)
    if len(tens) > 1 or len(ones) > 1 or any(c not in KANJI_DIGITS for c in tens + ones):
        return None  # 十十, 二十三十
    return KANJI_DIGITS.get(tens, 1) * 10 + KANJI_DIGITS.get(ones, 0)


_ERA_NAMES = "|".join(re.escape(e.name) for e in ERAS)
_ERA_LETTERS = "".join(e.letter for e in ERAS if e.letter)
_WESTERN_KANJI = re.compile(rf"(?<!\d)(?P<y>\d{{4}})\s*年\s*(?P<m>{_NUM})\s*月(?:\s*(?P<d>{_NUM})\s*日)?")
_WESTERN_NUMERIC = re.compile(
    # a comma after a word delimits a field (基準日,2026/11/01); after a digit it is inside a figure
    r"(?<![\d./\-])(?<!\d,)(?P<y>\d{4})(?P<sep>[/.\-])(?P<m>\d{1,2})(?:(?P=sep)(?P<d>\d{1,2}))?(?![\d])"
)
_ERA_KANJI = re.compile(
    rf"(?P<era>{_ERA_NAMES})\s*(?P<y>元|{_NUM})\s*年\s*(?P<m>{_NUM})\s*月(?:\s*(?P<d>{_NUM})\s*日)?"
)
_ERA_LETTER = re.compile(
    rf"(?<![A-Za-z0-9])(?P<era>[{_ERA_LETTERS}])\s*(?P<y>元|\d{{1,2}})\s*[./年]\s*(?P<m>\d{{1,2}})"
    r"(?:\s*[./月]\s*(?P<d>\d{1,2}))?(?!\d)(?!\.\d)"
)


def era_year_to_year(era: str, year: int) -> int | None:
    """Given an era name or letter (令和, R) and a year of it, return the Gregorian year, or None."""
    return next((e.start.year + year - 1 for e in ERAS if era in (e.name, e.letter)), None)


def parts_to_date(year: int, month: int, day: int | None) -> dt.date | None:
    """Given year, month and optional day, return the date (day 1 when absent), or None if impossible."""
    if year not in YEAR_RANGE:
        return None
    try:
        return dt.date(year, month, day or 1)
    except ValueError:
        return None


def match_to_mention(m: re.Match[str]) -> DateMention | None:
    """Given a match of one of the date patterns, return its DateMention, or None if no real date."""
    groups = m.groupdict()
    y, mo = numeral_to_int(groups["y"]), numeral_to_int(groups["m"])
    d = numeral_to_int(groups["d"]) if groups.get("d") else None
    if y is None or mo is None or (groups.get("d") and d is None):
        return None
    if groups.get("era"):
        y = era_year_to_year(groups["era"], y)
    date = parts_to_date(y, mo, d) if y is not None else None
    return DateMention(date, m.start(), m.end(), "day" if d else "month") if date else None


def text_to_dates(text: str) -> list[DateMention]:
    """Given text, return every date it prints, in order, positions indexing its NFKC form."""
    norm = nfkc(text)
    patterns = (_WESTERN_KANJI, _ERA_KANJI, _ERA_LETTER, _WESTERN_NUMERIC)
    found = [mention for p in patterns for m in p.finditer(norm) if (mention := match_to_mention(m))]
    found.sort(key=lambda x: (x.start, -x.end))
    kept: list[DateMention] = []
    for mention in found:
        if not kept or mention.start >= kept[-1].end:
            kept.append(mention)
    return kept


def text_to_date(text: str) -> dt.date | None:
    """Given text, return the first date it prints (a month alone means its first day), or None."""
    dates = text_to_dates(text)
    return dates[0].date if dates else None
