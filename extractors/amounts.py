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
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction

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
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1_000}
_BIG_UNITS = {"万": 10_000, "億": 100_000_000, "兆": 1_000_000_000_000}

_ARABIC = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?")
_NUMBER_START = re.compile(r"[\d〇零一二三四五六七八九十百千]")
_SPACE = re.compile(r"[ \t\u00a0]?")

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


@dataclass
class _Scan:
    """Mutable state of one left-to-right scan of a Japanese number."""

    total: Fraction = Fraction(0)
    section: Fraction = Fraction(0)
    current: Fraction | None = None
    current_from_kanji: bool = False
    last_big: int = 10**16
    last_small: int = 10**5
    end: int = 0
    end_before_current: int = 0
    has_digit: bool = False
    has_big: bool = False
    multiplied: bool = False
    tail: int = 1


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


def _unit_multiplier(default_unit: str | None) -> int | None:
    """Given a default unit such as `千円`, return its value in yen; raise AmountError if unknown."""
    if default_unit is None:
        return None
    unit = unicodedata.normalize("NFKC", default_unit).strip()
    if unit not in YEN_UNITS:
        raise AmountError(f"unknown default_unit {default_unit!r}; use one of {', '.join(YEN_UNITS)}")
    return YEN_UNITS[unit]


def _skip_space(norm: str, pos: int) -> int:
    """Given a position, return it moved past at most one space or tab."""
    match = _SPACE.match(norm, pos)
    return match.end() if match else pos


def _take_digit(scan: _Scan, norm: str, pos: int) -> int | None:
    """Given a scan and a position, consume an arabic or kanji digit there; return the new end."""
    arabic = _ARABIC.match(norm, pos)
    if arabic:
        if scan.current is not None:
            return None
        scan.end_before_current = scan.end
        scan.current = Fraction(arabic.group().replace(",", ""))
        scan.current_from_kanji = False
        scan.has_digit = True
        return arabic.end()
    digit = KANJI_DIGITS.get(norm[pos])
    if digit is None:
        return None
    if scan.current is None:
        scan.end_before_current = scan.end
        scan.current = Fraction(digit)
    elif scan.current_from_kanji:
        scan.current = scan.current * 10 + digit  # positional kanji digits: 一〇〇
    else:
        return None
    scan.current_from_kanji = True
    scan.has_digit = True
    return pos + 1


def _take_multiplier(scan: _Scan, char: str) -> bool | None:
    """Given a scan and a char, apply it if it is a multiplier; None if not one, False if out of order."""
    if char in _SMALL_UNITS:
        small = _SMALL_UNITS[char]
        if small >= scan.last_small:
            return False
        scan.section += (scan.current if scan.current is not None else 1) * small
        scan.last_small, scan.tail = small, small
    elif char in _BIG_UNITS:
        big = _BIG_UNITS[char]
        value = scan.section + (scan.current or 0)
        if big >= scan.last_big or value == 0:
            return False
        scan.total += value * big
        scan.section = Fraction(0)
        scan.last_big, scan.last_small, scan.tail = big, 10**5, big
        scan.has_big = True
    else:
        return None
    scan.current = None
    scan.multiplied = True
    return True


def _scan_number(norm: str, start: int) -> _Number | None:
    """Given NFKC text and a start, return the longest well-formed Japanese number there."""
    scan = _Scan(end=start, end_before_current=start)
    pos = start
    while pos < len(norm):
        token = _skip_space(norm, pos) if pos > start else pos
        if token >= len(norm):
            break
        taken = _take_digit(scan, norm, token)
        if taken is not None:
            pos = scan.end = taken
            continue
        applied = _take_multiplier(scan, norm[token])
        if applied is None:
            break
        if applied is False:
            if scan.current is not None:  # the pending digits belong to the next number (1億 5億)
                scan.current, scan.end = None, scan.end_before_current
            break
        pos = scan.end = token + 1
    if scan.end == start:
        return None
    if scan.current is not None:
        scan.tail = 1
    value = scan.total + scan.section + (scan.current or 0)
    return _Number(value, start, scan.end, scan.has_digit, scan.has_big, scan.multiplied, scan.tail)


def _yen_after(norm: str, end: int) -> int | None:
    """Given the end of a number, return the end of a following 円, or None if there is none."""
    pos = _skip_space(norm, end)
    return pos + 1 if pos < len(norm) and norm[pos] == "円" else None


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


def _iter_amounts(norm: str, multiplier: int | None) -> Iterator[tuple[int, _Modifiers]]:
    """Given NFKC text, yield (yen, modifiers with the widened span) for every amount, in order."""
    pos = 0
    while found := _NUMBER_START.search(norm, pos):
        number = _scan_number(norm, found.start())
        if number is None:
            pos = found.start() + 1
            continue
        money = _money_end(norm, number, multiplier)
        if money is None:
            pos = number.end
            continue
        end, value = money
        modifiers = _modifiers(norm, number.start, end)
        yield round(value), modifiers
        pos = modifiers.end


def find_amounts(text: str, *, default_unit: str | None = None) -> list[AmountMatch]:
    """Given text, return every yen amount in it with its span in that text, in order."""
    multiplier = _unit_multiplier(default_unit)
    norm, origin = nfkc_with_offsets(text)
    matches: list[AmountMatch] = []
    for yen, mods in _iter_amounts(norm, multiplier):
        source_start, source_end = _to_source_span(origin, mods.start, mods.end, len(text))
        amount = Amount(yen, mods.approximate, mods.per_unit, mods.count, text[source_start:source_end])
        matches.append(AmountMatch(amount, source_start, source_end))
    return matches


def text_to_default_unit(text: str) -> str | None:
    """Given a header or caption (`保険料(円)`, `(年額・円)`, `(単位:千円)`), return the unit it declares.

    A unit counts when 単位 names it or when it stands as a word of its own in brackets;
    `(1億円)` is an amount, not a unit.
    """
    norm = unicodedata.normalize("NFKC", text)
    if match := _UNIT_HINT.search(norm):
        return match.group(1)
    for bracket in _BRACKETED.finditer(norm):
        for word in _BRACKET_WORD_BREAK.split(bracket.group(1)):
            if word in YEN_UNITS:
                return word
    return None


def _kanji_or_arabic(text: str) -> int:
    """Given one kanji digit, 十, or arabic digits, return its integer value."""
    if text.isdigit():
        return int(text)
    return 10 if text == "十" else KANJI_DIGITS[text]


def find_percents(text: str) -> list[PercentMatch]:
    """Given text, return every percentage (10%, １０％, 1割, 2割5分) as a fraction with its span."""
    norm, origin = nfkc_with_offsets(text)
    found = [
        (match.start(), match.end(), Fraction(match.group(1)) / 100) for match in _PERCENT.finditer(norm)
    ]
    for match in _WARI.finditer(norm):
        tenths = Fraction(_kanji_or_arabic(match.group(1)), 10)
        hundredths = Fraction(_kanji_or_arabic(match.group(2)), 100) if match.group(2) else Fraction(0)
        found.append((match.start(), match.end(), tenths + hundredths))
    spans = [(_to_source_span(origin, start, end, len(text)), value) for start, end, value in sorted(found)]
    return [PercentMatch(float(value), start, end, text[start:end]) for (start, end), value in spans]
