"""Japanese yen amounts and percentages in brochure text.

Any text may be passed (verbatim or NFKC): matching runs on its NFKC form, one character at
a time, and every span is mapped back to positions in the string given, so that callers can
cut labels out of their own text.

What counts as an amount:
- a number followed by 円 (`7,920円`, `3,000万円`, `5億4,100万円`, `3億5千万円`, `1.5億円`,
  `10千円`, `五千万円`, `十万円`), or preceded by ¥;
- a number ending in 万/億/兆 without 円 (`1億`, `5億の場合`) unless a counter follows
  (`10万人`, `1万件` are counts);
- with `default_unit` (a unit stated only in a table header, `(単位:千円)`), a bare arabic
  number (`7,920`) that is not part of a date, a phone number, a code, a count or a percentage.

Ranges are not a type: `100万円～300万円` gives two matches, and the bare lower bound of
`100～300万円` borrows the unit of the upper bound (also two matches).

`100万円×3台` is one amount: `yen` is the unit price (1,000,000), `count` is 3, and
`Amount.total_yen` is 3,000,000. `1名につき500円` is yen 500 with `per_unit` "名".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from extractors.document import nfkc

#: units a caller may pass as default_unit, and their value in yen
YEN_UNITS: dict[str, int] = {
    "円": 1,
    "千円": 1_000,
    "万円": 10_000,
    "百万円": 1_000_000,
    "千万円": 10_000_000,
    "億円": 100_000_000,
}

KANJI_DIGITS = dict(zip("〇一二三四五六七八九", range(10), strict=True)) | {"零": 0}
#: the multipliers of a Japanese number: 十/百/千 within a group of four digits, 万 and up across groups
_MULTIPLIERS = {"十": 10, "百": 100, "千": 1_000, "万": 10**4, "億": 10**8, "兆": 10**12, "京": 10**16}
_GROUP = 10**4
#: one token of a number (arabic digits, a kanji digit, a multiplier), after at most one space
_TOKEN = re.compile(
    r"[ \t\u00a0]?(?:(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"|([〇零一二三四五六七八九])|([十百千万億兆京]))"
)
_YEN_AFTER = re.compile(r"[ \t\u00a0]?円")
_NUMBER_START = re.compile(r"[\d〇零一二三四五六七八九十百千]")

# a bare 1万/1億 is money unless a counter or a noun follows (10万人, 1万件, 1億総…)
_BARE_BIG_FOLLOW = re.compile(
    r"$|[\s、。,.)\]】」|/~〜\-:;=＝+※]|以上|以下|未満|超|程度|前後|まで|の|を|は|が|と|で|に|か"
)
# a bare number under default_unit stands alone (a cell, or a token between spaces); a
# footnote mark may follow it (7,930※2: the mark refers to a note, it is not a digit of it)
_BARE_FOLLOW = re.compile(r"$|[\s、。)\]】」|;※]")
_BARE_PRECEDE = re.compile(r"(?:^|[\s(\[【「|:=~〜、])$")
_UNIT_DECLARATION_BEFORE = re.compile(r"(?:[(\[【]|単位\s?[:]?)\s?$")
_UNIT_DECLARATION_AFTER = re.compile(r"\s?円?\s?[)\]】]")
_VAGUE_BEFORE = re.compile(r"(?:数|何|幾|十数)$")
_APPROX_BEFORE = re.compile(r"(?:約|およそ|おおよそ|概ね|概算)\s?$")
_APPROX_AFTER = re.compile(r"\s?(?:程度|前後|ほど)")
_YEN_SIGN_BEFORE = re.compile(r"[¥\\]\s?$")
_PER_PHRASE_BEFORE = re.compile(
    r"(?:1|一)\s?([^\s\d、。,()（）:=]{1,5}?)\s?(?:につき|あたり|当たり|ごと|毎)\s?$"
)
_PER_COUNTER_BEFORE = re.compile(r"(?:1|一)\s?([名人件台社回個枚通口]|被害者|法人|事故|請求)\s?$")
_PER_AFTER = re.compile(r"\s?(?:[/]\s?(?:1\s?)?([名人件台社回個枚通口])|\(\s?(?:1|一)\s?([^)\d]{1,4})\s?\))")
_COUNT_AFTER = re.compile(r"\s?[×xX*]\s?(\d+)\s?(か所|ヶ所|箇所|[台名人件社回個枚本通日口])?")
_RANGE_AFTER = re.compile(r"\s?[~〜\-–]\s?")
_UNIT_NAMES = r"(千万円|百万円|億円|万円|千円|円)"
_UNIT_HINT = re.compile(rf"単位\s?[:]?\s?{_UNIT_NAMES}")
# a bracket whose words include a unit on its own: (円), (年額・円), (百万円/税込)
_BRACKETED = re.compile(r"[(\[【]([^()\[\]【】]{1,20})[)\]】]")
_BRACKET_WORD_BREAK = re.compile(r"[・、,/:;\s]+")
_PERCENT = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)\s?(?:%|パーセント)")
#: a percentage in kanji numerals (九十パーセント, 五十%), as prose in kanji writes it
_KANJI_PERCENT = re.compile(r"([〇一二三四五六七八九十百]+)\s?(?:%|パーセント)")
_WARI_DIGITS = KANJI_DIGITS | {"十": 10}
_WARI = re.compile(
    r"(?<![\d一二三四五六七八九十])(\d+|[一二三四五六七八九十])\s?割(?:\s?(\d|[一二三四五六七八九])\s?分)?"
)


class AmountError(ValueError):
    """A caller named a default unit that is not a yen unit."""


@dataclass(frozen=True)
class Amount:
    """One yen amount as printed: `yen` is the unit value, `count` the multiplier after ×."""

    yen: int
    approximate: bool
    per_unit: str | None
    count: int | None
    text: str

    @property
    def total_yen(self) -> int:
        """Given nothing, return the amount times its count (`100万円×3台` → 3,000,000)."""
        return self.yen * self.count if self.count is not None else self.yen


@dataclass(frozen=True)
class AmountMatch:
    amount: Amount
    start: int
    end: int


@dataclass(frozen=True)
class PercentMatch:
    value: float
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Number:
    """A number scanned from NFKC text: its value and the shape that decides if it is money."""

    value: Fraction
    start: int
    end: int
    has_digit: bool  # an arabic or kanji digit, not only 十/百/千/万/億
    has_big: bool  # a 万/億/兆 multiplier
    multiplied: bool  # any multiplier at all
    tail_multiplier: int  # the multiplier of the last unit (1 when it ends in bare digits)


def nfkc_with_offsets(text: str) -> tuple[str, list[int]]:
    """Given text, return its per-character NFKC form and each normalised char's source index."""
    parts: list[str] = []
    origin: list[int] = []
    for i, ch in enumerate(text):
        # a circled number (②) is an enumerator, not a digit of the figure after it
        norm = ch if "\u2460" <= ch <= "\u2473" else unicodedata.normalize("NFKC", ch)
        parts.append(norm)
        origin.extend([i] * len(norm))
    return "".join(parts), origin


def _to_source_span(origin: list[int], start: int, end: int, source_length: int) -> tuple[int, int]:
    """Given a span of the normalised text, return the span of the source text it came from."""
    source_start = origin[start] if start < len(origin) else source_length
    source_end = origin[end - 1] + 1 if end > start else source_start
    return source_start, source_end


def _scan_number(norm: str, start: int) -> _Number | None:
    """Given NFKC text and a start, return the longest well-formed Japanese number there.

    Multipliers fall from left to right (千 before 百 in a group, 億 before 万 across groups);
    the digits before one out of order belong to the next number (1億 5億).
    """
    total = group = Fraction(0)
    current: Fraction | None = None
    from_kanji = has_digit = has_big = multiplied = False
    last_big, last_small, tail = 10**20, _GROUP, 1
    end = end_before_current = pos = start
    while token := _TOKEN.match(norm, pos):
        arabic, kanji, unit = token.groups()
        if unit is None:
            if current is not None and not (kanji and from_kanji):
                break  # 1一, 一1 and 1 2 are two numbers
            digit = Fraction(arabic.replace(",", "")) if arabic else Fraction(KANJI_DIGITS[kanji])
            if current is None:
                end_before_current, current = end, digit
            else:
                current = current * 10 + digit  # positional kanji digits: 一〇〇
            from_kanji, has_digit = arabic is None, True
        else:
            multiplier = _MULTIPLIERS[unit]
            big = multiplier >= _GROUP
            value = group + (current or 0)
            if multiplier >= (last_big if big else last_small) or (big and value == 0):
                if current is not None:  # the pending digits belong to the next number (1億 5億)
                    current, end = None, end_before_current
                break
            if big:
                total += value * multiplier
                group, last_big, last_small = Fraction(0), multiplier, _GROUP
            else:
                group += (current if current is not None else 1) * multiplier
                last_small = multiplier
            current, tail, multiplied, has_big = None, multiplier, True, has_big or big
        pos = end = token.end()
    if end == start:
        return None
    value = total + group + (current or 0)
    return _Number(value, start, end, has_digit, has_big, multiplied, 1 if current is not None else tail)


def numeral_value(text: str) -> int:
    """Given a count in arabic digits or kanji numerals (180, 三十, 百八十, 一〇), return its value."""
    number = _scan_number(text, 0)
    return int(number.value) if number is not None else 0


def _yen_after(norm: str, end: int) -> int | None:
    """Given the end of a number, return the end of a following 円, or None if there is none."""
    match = _YEN_AFTER.match(norm, end)
    return match.end() if match else None


def _bare_number_ok(norm: str, number: _Number) -> bool:
    """Given a bare arabic number, return whether it stands alone (not a date, code or count)."""
    before = norm[max(0, number.start - 2) : number.start]
    if before.endswith(":") and len(before) == 2 and before[0].isdigit():
        return False
    return bool(_BARE_PRECEDE.search(before)) and bool(_BARE_FOLLOW.match(norm, number.end))


def _borrowed_unit(norm: str, number: _Number) -> int | None:
    """Given a bare number before a range mark (100～300万円), return the unit of the upper bound."""
    dash = _RANGE_AFTER.match(norm, number.end)
    if not dash or dash.end() >= len(norm) or not _NUMBER_START.match(norm, dash.end()):
        return None
    upper = _scan_number(norm, dash.end())
    if upper is None or _yen_after(norm, upper.end) is None:
        return None
    return upper.tail_multiplier


def _money_end(norm: str, number: _Number, multiplier: int | None) -> tuple[int, Fraction] | None:
    """Given a scanned number, return (end, yen) if it is money in its context, else None."""
    before = norm[: number.start]
    if _VAGUE_BEFORE.search(before):
        return None
    if not number.has_digit and (
        _UNIT_DECLARATION_BEFORE.search(before) or _UNIT_DECLARATION_AFTER.match(norm, number.end)
    ):
        return None  # (千円), (単位:百万円) declare a unit, they are not 1,000 or 1,000,000 yen
    yen_end = _yen_after(norm, number.end)
    if yen_end is not None:
        return yen_end, number.value
    if _YEN_SIGN_BEFORE.search(before):
        return number.end, number.value
    if number.has_big and number.has_digit:
        return (number.end, number.value) if _BARE_BIG_FOLLOW.match(norm, number.end) else None
    if number.multiplied:
        return None
    if multiplier is not None and _bare_number_ok(norm, number):
        return number.end, number.value * multiplier
    borrowed = _borrowed_unit(norm, number)
    return (number.end, number.value * borrowed) if borrowed else None


@dataclass(frozen=True)
class _Modifiers:
    start: int
    end: int
    approximate: bool
    per_unit: str | None
    count: int | None


def _modifiers(norm: str, start: int, end: int) -> _Modifiers:
    """Given the span of an amount, return it widened by 約/程度/¥/につき/×N and what they say."""
    before = norm[:start]
    approximate = False
    per_unit: str | None = None
    if sign := _YEN_SIGN_BEFORE.search(before):
        start = sign.start()
        before = norm[:start]
    if phrase := _PER_PHRASE_BEFORE.search(before):
        per_unit, start = phrase.group(1), phrase.start()
        before = norm[:start]
    elif counter := _PER_COUNTER_BEFORE.search(before):
        per_unit = counter.group(1)  # PC1台100万円: "1台" stays in the label
    if approx := _APPROX_BEFORE.search(norm[:start]):
        approximate, start = True, approx.start()
    count: int | None = None
    if times := _COUNT_AFTER.match(norm, end):
        count, end = int(times.group(1)), times.end()
    if per := _PER_AFTER.match(norm, end):
        per_unit, end = per.group(1) or per.group(2), per.end()
    if approx_after := _APPROX_AFTER.match(norm, end):
        approximate, end = True, approx_after.end()
    return _Modifiers(start, end, approximate, per_unit, count)


def find_amounts(text: str, *, default_unit: str | None = None) -> list[AmountMatch]:
    """Given text, return every yen amount in it with its span in that text, in order.

    Cached by text: the extractors ask about one cell or line many times (a fresh list each time).
    """
    return list(_find_amounts(text, default_unit))


@lru_cache(maxsize=1 << 15)
def _find_amounts(text: str, default_unit: str | None) -> tuple[AmountMatch, ...]:
    """Given text and its default unit, return its yen amounts in order (see `find_amounts`)."""
    unit = unicodedata.normalize("NFKC", default_unit).strip() if default_unit is not None else None
    if unit is not None and unit not in YEN_UNITS:
        raise AmountError(f"unknown default_unit {default_unit!r}; use one of {', '.join(YEN_UNITS)}")
    multiplier = YEN_UNITS[unit] if unit is not None else None
    norm, origin = nfkc_with_offsets(text)
    matches: list[AmountMatch] = []
    pos = 0
    while found := _NUMBER_START.search(norm, pos):
        number = _scan_number(norm, found.start())
        money = _money_end(norm, number, multiplier) if number else None
        if number is None or money is None:
            pos = number.end if number else found.start() + 1
            continue
        mods = _modifiers(norm, number.start, money[0])
        start, end = _to_source_span(origin, mods.start, mods.end, len(text))
        amount = Amount(round(money[1]), mods.approximate, mods.per_unit, mods.count, text[start:end])
        matches.append(AmountMatch(amount, start, end))
        pos = mods.end
    return tuple(matches)


def text_to_default_unit(text: str) -> str | None:
    """Given a header or caption (`保険料(円)`, `(年額・円)`, `(単位:千円)`), return the unit it declares.

    A unit counts when 単位 names it or when it stands as a word of its own in brackets;
    `(1億円)` is an amount, not a unit.
    """
    norm = nfkc(text)  # a host system's half-width kana (ﾀﾝｲ: ｴﾝ) declares it as 単位: 円 does
    if match := _UNIT_HINT.search(norm):
        return match.group(1)
    for bracket in _BRACKETED.finditer(norm):
        for word in _BRACKET_WORD_BREAK.split(bracket.group(1)):
            if word in YEN_UNITS:
                return word
    return None


def find_percents(text: str) -> list[PercentMatch]:
    """Given text, return every percentage (10%, １０％, 九十％, 1割, 2割5分) as a fraction with its span."""
    return list(_find_percents(text))


@lru_cache(maxsize=1 << 15)
def _find_percents(text: str) -> tuple[PercentMatch, ...]:
    """Given text, return its percentages in order (see `find_percents`; cached by text)."""
    norm, origin = nfkc_with_offsets(text)
    found = [
        (match.start(), match.end(), Fraction(match.group(1)) / 100) for match in _PERCENT.finditer(norm)
    ]
    for match in _KANJI_PERCENT.finditer(norm):
        if value := numeral_value(match.group(1)):
            found.append((match.start(), match.end(), Fraction(value, 100)))
    for match in _WARI.finditer(norm):
        tenths, hundredths = (int(d) if d.isdigit() else _WARI_DIGITS[d] for d in (match[1], match[2] or "0"))
        found.append((match.start(), match.end(), Fraction(tenths, 10) + Fraction(hundredths, 100)))
    spans = [(_to_source_span(origin, start, end, len(text)), value) for start, end, value in sorted(found)]
    return tuple(PercentMatch(float(value), start, end, text[start:end]) for (start, end), value in spans)
