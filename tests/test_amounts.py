"""The Japanese amount parser: yen amounts and percentages as brochures print them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractors.amounts import Amount, AmountError, find_amounts, find_percents, text_to_default_unit

FULL_WIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")
KANJI_DIGITS = "〇一二三四五六七八九"


def only_amount(text: str, default_unit: str | None = None) -> Amount:
    """Given text that should hold one amount, return it (the test fails on none or several)."""
    (match,) = find_amounts(text, default_unit=default_unit)
    return match.amount


@pytest.mark.parametrize(
    ("text", "yen"),
    [
        ("7,920円", 7_920),  # plain yen with a comma
        ("500円", 500),  # small plain yen
        ("10万円", 100_000),  # 万円
        ("3,000万円", 30_000_000),  # 万円 with a comma
        ("1億円", 100_000_000),  # 億円
        ("5億4,100万円", 541_000_000),  # compound 億 + 万
        ("1億7,200万円", 172_000_000),  # compound 億 + 万 (a scenario total)
        ("3億5千万円", 350_000_000),  # 千万 inside a compound
        ("5千万円", 50_000_000),  # 千万円
        ("3百万円", 3_000_000),  # 百万円
        ("10千円", 10_000),  # 千円 as a unit
        ("1.5億円", 150_000_000),  # a decimal before 億
        ("１０万円", 100_000),  # full-width digits
        ("１，０００万円", 10_000_000),  # full-width digits and comma
        ("一億円", 100_000_000),  # kanji numeral
        ("一億", 100_000_000),  # kanji numeral, 億 without 円
        ("五千万円", 50_000_000),  # kanji 千万
        ("三百万円", 3_000_000),  # kanji 百万
        ("十万円", 100_000),  # kanji 十 without a leading digit
        ("一〇〇万円", 1_000_000),  # positional kanji digits
        ("⼗万円", 100_000),  # a PDF's Kangxi radical for 十 (NFKC makes it 十)
        ("1,160 万円", 11_600_000),  # a PDF's space before the unit
        ("￥12,000", 12_000),  # a full-width yen sign
        ("1 億 7,200 万 円", 172_000_000),  # a PDF's spaces between the parts
        ("¥7,920", 7_920),  # a yen sign instead of 円
        ("売上高5億の場合", 500_000_000),  # 億 without 円, followed by a particle
    ],
)
def test_parse_amount_reads_the_yen_value(text: str, yen: int) -> None:
    assert only_amount(text).yen == yen


@pytest.mark.parametrize(
    ("text", "yen"),
    [
        ("1京円", 10**16),  # 京 (10^16) read like 兆/億/万
        ("1京2,000兆円", 10**16 + 2_000 * 10**12),  # 京 then 兆 in one compound
        ("一京五千兆円", 10**16 + 5_000 * 10**12),  # kanji numerals with 京
        ("3京", 3 * 10**16),  # 京 without 円, like a bare 億
        ("1兆1京円", 10**16),  # 京 after 兆 is out of order: the 1 before it starts a number of its own
    ],
)
def test_kei_is_a_multiplier(text: str, yen: int) -> None:
    assert only_amount(text).yen == yen


@pytest.mark.parametrize(
    ("text", "yen"),
    [
        ("1,000京円", 10**19),  # above Int64's 9.2×10^18: still found
        ("99999999999999999999円", 99_999_999_999_999_999_999),  # twenty digits of plain yen
        ("9,999京9,999兆円", 9_999 * 10**16 + 9_999 * 10**12),  # the largest 京 compound
    ],
)
def test_amount_beyond_int64_is_a_python_int(text: str, yen: int) -> None:
    amount = only_amount(text)
    assert type(amount.yen) is int
    assert amount.yen == yen > 2**63 - 1


@pytest.mark.parametrize(
    ("text", "approximate", "per_unit", "count", "total"),
    [
        ("約5億円", True, None, None, 500_000_000),  # 約 marks an approximate amount
        ("5,000円程度", True, None, None, 5_000),  # so does a trailing 程度
        ("1名につき500円", False, "名", None, 500),  # a per-victim amount
        ("1被害者につき 500円", False, "被害者", None, 500),  # a longer unit word
        ("一人当たり5,000円", False, "人", None, 5_000),  # 当たり with a kanji count
        ("500円(1名)", False, "名", None, 500),  # the unit after the amount
        ("100万円×3台", False, None, 3, 3_000_000),  # a unit price times a count
        ("PC1台100万円×3台", False, "台", 3, 3_000_000),  # unit price of one PC, three PCs
    ],
)
def test_parse_amount_reads_modifiers(
    text: str, approximate: bool, per_unit: str | None, count: int | None, total: int
) -> None:
    amount = only_amount(text)
    assert (amount.approximate, amount.per_unit, amount.count, amount.total_yen) == (
        approximate,
        per_unit,
        count,
        total,
    )


def test_count_keeps_the_unit_price_in_yen() -> None:
    # yen is the printed unit price; total_yen is the product
    amount = only_amount("100万円×3台")
    assert (amount.yen, amount.total_yen) == (1_000_000, 3_000_000)


@pytest.mark.parametrize(
    "text",
    [
        "2018年",  # a year
        "2025年4月以降",  # a date
        "10,000件",  # a count
        "825人中155人",  # counts of people
        "約10万人分",  # a count with 万
        "1万件",  # a count with 万
        "03-6848-8500",  # a phone number
        "〒105-8602",  # a postal code
        "10%",  # a percentage
        "(単位:千円)",  # a unit declaration, not 1,000 yen
        "保険料(百万円)",  # a unit in a header
        "数百万円",  # a vague amount
        "万一、事故が起きたら",  # 万 in a word
        "千代田区",  # 千 in a name
    ],
)
def test_non_amounts_are_not_found(text: str) -> None:
    assert find_amounts(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "2025/4/1",  # a date
        "03-6848-8500",  # a phone number
        "10:30",  # a time
        "10%",  # a percentage
        "1,000件",  # a count
        "(注1)",  # a footnote mark
        "ER04-14027",  # a code
    ],
)
def test_default_unit_leaves_non_amounts_alone(text: str) -> None:
    assert find_amounts(text, default_unit="円") == []


@pytest.mark.parametrize(
    ("text", "unit", "yen"),
    [
        ("7,920", "円", 7_920),  # a premium cell under 保険料(円)
        ("1,250", "千円", 1_250_000),  # a cell under (単位:千円)
        ("３００", "万円", 3_000_000),  # full-width digits under (万円)
        ("5億", "千円", 500_000_000),  # an explicit 億 ignores the header unit
        ("7,920円", "千円", 7_920),  # so does an explicit 円
        ("7,930※2", "円", 7_930),  # a footnote mark after a cell's number is not part of it
        ("160,120※", "円", 160_120),  # an unnumbered mark
    ],
)
def test_default_unit_applies_to_bare_numbers(text: str, unit: str, yen: int) -> None:
    assert only_amount(text, default_unit=unit).yen == yen


def test_bare_number_without_default_unit_is_no_amount() -> None:
    # a bare number is no amount unless the caller knows the unit
    assert find_amounts("7,920") == []


def test_unknown_default_unit_is_an_error() -> None:
    with pytest.raises(AmountError, match="unknown default_unit"):
        find_amounts("100", default_unit="ドル")


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("100万円～300万円", [1_000_000, 3_000_000]),  # a range is two matches
        ("100～300万円", [1_000_000, 3_000_000]),  # the bare lower bound borrows 万円
        ("1億 5億 10億", [100_000_000, 500_000_000, 1_000_000_000]),  # a header of revenues
        ("小売業 7,920円 製造業 5,810円", [7_920, 5_810]),  # pairs on one line
        ("見舞金支払い(1名500円) 5,000万円", [500, 50_000_000]),  # an aside and the item
        (
            "PC1台100万円×3台、サーバ1台300万円、 その他100万円= 700万円",
            [3_000_000, 3_000_000, 1_000_000, 7_000_000],
        ),
    ],
)
def test_find_amounts_finds_every_amount(text: str, values: list[int]) -> None:
    assert [m.amount.total_yen for m in find_amounts(text)] == values


@pytest.mark.parametrize(
    ("text", "cut"),
    [
        ("損害賠償金 1億円", "1億円"),  # half-width text
        ("損害賠償金　１億円", "１億円"),  # full-width space and digits: spans index the given text
        ("謝罪広告費用：60万円 (注1)", "60万円"),  # a note after the amount stays outside
        ("約５億円の売上", "約５億円"),  # 約 belongs to the amount
        ("1億※1", "1億"),  # a footnote mark after a bare 億 ends it, outside the span
    ],
)
def test_spans_index_the_text_given(text: str, cut: str) -> None:
    (match,) = find_amounts(text)
    assert text[match.start : match.end] == cut == match.amount.text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("10%", 0.1),  # ASCII percent
        ("10％", 0.1),  # full-width percent sign
        ("１０％", 0.1),  # full-width digits
        ("90%", 0.9),  # a payout ratio
        ("0%(なし)", 0.0),  # zero
        ("1割", 0.1),  # 割
        ("2割5分", 0.25),  # 割 and 分
        ("自己負担割合10%", 0.1),  # 割合 is a word, the 10% is the value
        ("90パーセント", 0.9),  # the word for the sign
        ("九十パーセント", 0.9),  # kanji numerals, as prose in kanji writes a ratio
        ("支払割合は五十%です", 0.5),  # kanji numerals before the sign, inside a sentence
        ("十五パーセント", 0.15),  # 十 before a digit
        ("百パーセント", 1.0),  # a bare 百
    ],
)
def test_find_percents_reads_one_value(text: str, value: float) -> None:
    (match,) = find_percents(text)
    assert match.value == pytest.approx(value)


@pytest.mark.parametrize(
    "text",
    [
        "12分割",  # installments, not a percentage
        "1億円",  # an amount
        "なし",  # no figure at all
        "九十日",  # a kanji count of days, no percent sign
    ],
)
def test_non_percentages(text: str) -> None:
    assert find_percents(text) == []


def test_two_percentages_are_two_matches() -> None:
    assert [m.value for m in find_percents("10%または20%")] == pytest.approx([0.1, 0.2])


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("保険料(円)", "円"),  # a column header
        ("(単位:千円)", "千円"),  # a caption
        ("（単位：万円）", "万円"),  # full-width brackets and colon
        ("年間保険料", None),  # no unit declared
        ("保険料（年額・円）", "円"),  # the unit as one word among others in the bracket
        ("（単位：円、税込）", "円"),  # 単位 with a remark after it
        ("売上高（百万円）", "百万円"),  # a column's unit
        ("(1億円)", None),  # an amount in brackets declares nothing
        ("（税込）", None),  # a bracket without a unit
        ("支払限度額(1億円・費用共通)", None),  # an amount among words is no unit either
        ("(ﾈﾝﾊﾞﾗｲ, ﾀﾝｲ: ｴﾝ)", "円"),  # a host system's half-width kana declares it as 単位: 円 does
    ],
)
def test_text_to_default_unit(text: str, unit: str | None) -> None:
    assert text_to_default_unit(text) == unit


# --- property tests: a yen value printed the ways brochures print it parses back -------------


def kanji_below_10000(n: int) -> str:
    """Given 0 <= n < 10000, return it in kanji numerals (三千五百二十)."""
    out = ""
    for value, mark in ((1000, "千"), (100, "百"), (10, "十")):
        digit, n = divmod(n, value)
        if digit:
            out += ("" if digit == 1 else KANJI_DIGITS[digit]) + mark
    return out + (KANJI_DIGITS[n] if n else "")


def as_kanji(yen: int) -> str:
    """Given a yen value below 1兆, return it in kanji numerals with 億/万 and 円."""
    oku, rest = divmod(yen, 10**8)
    man, ones = divmod(rest, 10**4)
    parts = [kanji_below_10000(oku) + "億" if oku else "", kanji_below_10000(man) + "万" if man else ""]
    return "".join(parts) + kanji_below_10000(ones) + "円"


def as_oku_man(yen: int) -> str:
    """Given a multiple of 1万, return it as brochures do: 5億4,100万円, 1億円, 3,000万円."""
    oku, man = divmod(yen // 10**4, 10**4)
    if oku and man:
        return f"{oku}億{man:,}万円"
    return f"{oku}億円" if oku else f"{man:,}万円"


yen_values = st.integers(min_value=1, max_value=10**12 - 1)
man_values = st.integers(min_value=1, max_value=10**8 - 1).map(lambda n: n * 10**4)
contexts = st.sampled_from(["{}", "保険料 {} (税込)", "▶ 損害賠償金：{}", "合計 {} ", "売上高{}の場合"])


@given(yen_values, contexts)
def test_plain_yen_with_commas_round_trips(yen: int, context: str) -> None:
    text = context.format(f"{yen:,}円")
    (match,) = find_amounts(text)
    assert match.amount.yen == yen
    assert text[match.start : match.end] == f"{yen:,}円"


@given(man_values, st.booleans())
def test_man_yen_round_trips(yen: int, commas: bool) -> None:
    man = yen // 10**4
    assert only_amount(f"{man:,}万円" if commas else f"{man}万円").yen == yen


@given(man_values, contexts)
def test_oku_man_compound_round_trips(yen: int, context: str) -> None:
    printed = as_oku_man(yen)
    (match,) = find_amounts(context.format(printed))
    assert match.amount.yen == yen and match.amount.text == printed


@given(man_values)
def test_full_width_digits_round_trip(yen: int) -> None:
    printed = as_oku_man(yen).translate(FULL_WIDTH)
    (match,) = find_amounts(f"損害額　{printed}")
    assert match.amount.yen == yen and match.amount.text == printed


@given(st.integers(min_value=1, max_value=10**12 - 1))
def test_kanji_numerals_round_trip(yen: int) -> None:
    assert only_amount(as_kanji(yen)).yen == yen


@given(st.integers(min_value=1, max_value=10**9))
def test_thousand_yen_default_unit_round_trips(thousands: int) -> None:
    assert only_amount(f"{thousands:,}", default_unit="千円").yen == thousands * 1000
