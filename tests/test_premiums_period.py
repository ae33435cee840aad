"""A premium's period from the nearest context naming one (own label → column header path → row →
block heading → default), tables printed one cell per line, and industry labels stating their case.

Every line here is made up; none is copied from a brochure.
"""

from __future__ import annotations

import pytest

from extractors.amounts import find_amounts
from extractors.document import Cell, Document, Line, Page, Table
from extractors.premiums import (
    document_to_premiums,
    figure_periods,
    flattened_tables,
    text_to_sentence_quotes,
    without_case,
)
from extractors.records import PremiumRecord


def lines_document(text: str, tables: tuple[Table, ...] = ()) -> Document:
    """Given text, return a one-page Document with one Line per non-empty line (and the tables)."""
    lines = tuple(Line(line.strip(), 1) for line in text.splitlines() if line.strip())
    return Document("synthetic.txt", "text", (Page(1, lines, tables),))


def keys(records: list[PremiumRecord]) -> set[tuple[str, int, int, str]]:
    """Given premium records, return their (industry, revenue, premium, period) as the scorer sees them."""
    return {(r.industry_label, r.annual_revenue_jpy, r.premium_jpy, r.premium_period) for r in records}


@pytest.mark.parametrize(
    ("labels", "head", "expected"),
    [
        # each premium's own label decides: a monthly figure and its annual equivalent in brackets
        (["／月払保険料：", "（年額 "], "業種：製造業／", ["monthly", "annual"]),
        # a premium with no label of its own continues the one before it (two plans, one label)
        (["月払保険料 プランA ", " プランB "], "", ["monthly", "monthly"]),
        # no label of its own: the line's head names the period for every plan column
        ([" | ", " | "], "年間保険料（製造業・", ["annual", "annual"]),
        # 年間売上高 in the head names a revenue, not an annual premium
        (["保険料 "], "年間売上高", [None]),
        # a lump sum is named like the other periods
        (["（一時払 "], "", ["lump_sum"]),
    ],
)
def test_figure_periods(labels: list[str], head: str, expected: list[str | None]) -> None:
    assert figure_periods(labels, head) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a monthly premium with its annual equivalent in parentheses: one period per figure
        (
            "業種：製造業／売上高：3億円／月払保険料：6,180円（年額 74,160円）",
            [("製造業", 300_000_000, 6_180, "monthly"), ("製造業", 300_000_000, 74_160, "annual")],
        ),
        # the other way round: the annual figure first, the monthly one in brackets
        (
            "建設業（売上高2億円）の年間保険料 60,000円（月払 5,250円）",
            [("建設業", 200_000_000, 60_000, "annual"), ("建設業", 200_000_000, 5_250, "monthly")],
        ),
    ],
)
def test_sentence_premium_period_is_its_own(text: str, expected: list[tuple[str, int, int, str]]) -> None:
    assert text_to_sentence_quotes(text) == expected


@pytest.mark.parametrize(
    ("heading", "period"),
    [
        # the block heading names the premiums and their period: it governs the lines under it
        ("【保険料（月払・12回払）】", "monthly"),
        # a heading naming a period but not the premiums says nothing of them: the default holds
        ("【月払プランのご案内】", "annual"),
    ],
)
def test_sentence_quote_takes_its_block_heading_period(heading: str, period: str) -> None:
    document = lines_document(f"{heading}\n業種：建設業／売上高：2億円／保険料：5,100円")
    assert keys(document_to_premiums(document, "d")) == {("建設業", 200_000_000, 5_100, period)}


@pytest.mark.parametrize(
    ("annual_header", "monthly_header", "first", "second"),
    [
        # an annual and a monthly column: each header governs the figures under it
        ("年払保険料", "月払保険料", "annual", "monthly"),
        # the same columns the other way round
        ("月額保険料", "年間保険料", "monthly", "annual"),
        # a lump-sum column beside an annual one
        ("一時払保険料", "年額保険料", "lump_sum", "annual"),
    ],
)
def test_column_header_governs_period(
    annual_header: str, monthly_header: str, first: str, second: str
) -> None:
    grid = Table(
        1,
        tuple(
            tuple(Cell(text) for text in row)
            for row in (
                ("業種（売上高）", annual_header, monthly_header),
                ("卸売業（売上高4億円）", "91,200", "8,010"),
            )
        ),
    )
    document = lines_document("保険料例（単位：円）", (grid,))
    assert keys(document_to_premiums(document, "d")) == {
        ("卸売業", 400_000_000, 91_200, first),
        ("卸売業", 400_000_000, 8_010, second),
    }


#: a premium grid whose reader gives one line per cell (as a CSS-grid table comes through)
FLAT = """保険料例（単位：円）
業種（売上高）
年払保険料
月払保険料
月払の回数
卸売業（売上高4億円）
91,200
8,010
12回
運輸業（売上高2億円）
63,300
5,560
12回
※月払は年払より割高です。"""


def test_table_printed_one_cell_per_line_is_read_as_a_table() -> None:
    # the 年払 column's figures are annual though the line above each is 月払の回数
    document = lines_document(FLAT)
    records = document_to_premiums(document, "d")
    assert keys(records) == {
        ("卸売業", 400_000_000, 91_200, "annual"),
        ("卸売業", 400_000_000, 8_010, "monthly"),
        ("運輸業", 200_000_000, 63_300, "annual"),
        ("運輸業", 200_000_000, 5_560, "monthly"),
    }
    assert all(record.evidence in document.text for record in records)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # header line 1, width 4, two data rows
        (FLAT, [(1, 4, 2)]),
        # a header naming no premium is no premium grid (a limits table printed the same way)
        (FLAT.replace("年払保険料", "支払限度額").replace("月払保険料", "自己負担額"), []),
        # one data row is no evidence of a width
        ("\n".join(FLAT.splitlines()[:9]), []),
        # label / figure pairs with nothing above them: no header row
        ("卸売業\n91,200\n運輸業\n63,300", []),
    ],
)
def test_flattened_tables(text: str, expected: list[tuple[int, int, int]]) -> None:
    lines = [Line(line, 1) for line in text.splitlines()]
    assert flattened_tables(lines, set()) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        # the case's revenue after a joiner is no part of the industry's name
        ("卸売業・売上高3億円", "卸売業"),
        # the case in brackets
        ("卸売業（売上高3億円）", "卸売業"),
        # a group of industries keeps its joiner
        ("製造業・建設業", "製造業・建設業"),
        # a revenue cue with no figure after it states no case
        ("卸売業・売上高別", "卸売業・売上高別"),
        # nothing before the revenue: nothing to cut to
        ("売上高3億円", "売上高3億円"),
    ],
)
def test_without_case(label: str, expected: str) -> None:
    assert without_case(label) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an industry label with its case after a joiner and a 万-mixed approximate premium
        (
            "年間保険料の目安（年払）\n運輸業・売上高5億円：約13万4,000円\n小売業・売上高1億円：約4万1,500円",
            {("運輸業", 500_000_000, 134_000, "annual"), ("小売業", 100_000_000, 41_500, "annual")},
        ),
        # an industry the data does not know, with its case in brackets, in a line of known ones
        (
            "【年間保険料の例】\n飲食業（売上高５，０００万円）：２４，０００円\n"
            "士業・コンサルタント（売上高５，０００万円）：２９，０００円",
            {
                ("飲食業", 50_000_000, 24_000, "annual"),
                ("士業・コンサルタント", 50_000_000, 29_000, "annual"),
            },
        ),
        # a note under the grid prices nothing: 10円未満 is a bound, not a premium
        (
            "保険料例\n製造業・売上高20億円：812,000円\n・月払は分割割増を適用した額（10円未満切捨て）です。",
            {("製造業", 2_000_000_000, 812_000, "annual")},
        ),
    ],
)
def test_labels_stating_their_case(text: str, expected: set[tuple[str, int, int, str]]) -> None:
    assert keys(document_to_premiums(lines_document(text), "d")) == expected


@pytest.mark.parametrize(
    ("text", "yen", "approximate"),
    [
        # 万 mixed with a comma figure, approximate
        ("約11万2,000円", 112_000, True),
        # the same without 約
        ("24万8,500円", 248_500, False),
    ],
)
def test_man_mixed_premium_amounts(text: str, yen: int, approximate: bool) -> None:
    (match,) = find_amounts(text)
    assert (match.amount.total_yen, match.amount.approximate) == (yen, approximate)
