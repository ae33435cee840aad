"""Premium grids: every common shape, as tables and as lines, with the quote conditions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from extractors import readers
from extractors.document import Cell, Document, Line, Page, Table
from extractors.premiums import (
    _conditions_period,
    document_to_premiums,
    label_to_period,
    text_to_conditions,
    text_to_sentence_quotes,
)
from extractors.records import PremiumRecord

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
RAW = ROOT / "raw"
GOLD = ROOT / "tests" / "fixtures" / "gold"  # a copy of ../shared/gold: tests must not need ../shared


def lines_document(text: str, tables: tuple[Table, ...] = ()) -> Document:
    """Given text, return a one-page Document with one Line per non-empty line (and the tables)."""
    lines = tuple(Line(line.strip(), 1) for line in text.splitlines() if line.strip())
    return Document("synthetic.txt", "text", (Page(1, lines, tables),))


def table(*rows: tuple[str, ...]) -> Table:
    """Given rows of cell texts, return a Table on page 1."""
    return Table(1, tuple(tuple(Cell(text) for text in row) for row in rows))


def table_document(caption: str, grid: Table, after: str = "") -> Document:
    """Given caption lines, a table and lines after it, return a Document whose lines repeat the rows."""
    rows = "\n".join(" | ".join(c.text for c in row if c.text) for row in grid.rows)
    return lines_document(f"{caption}\n{rows}\n{after}", (grid,))


def keys(records: list[PremiumRecord]) -> set[tuple[str, int, int, str]]:
    """Given premium records, return their (industry, revenue, premium, period) as the scorer sees them."""
    return {(r.industry_label, r.annual_revenue_jpy, r.premium_jpy, r.premium_period) for r in records}


def assert_evidence_in(document: Document, records: list[PremiumRecord]) -> None:
    """Given records, check that each quotes its document verbatim and says its page."""
    for record in records:
        assert record.evidence in document.text
        assert record.page == 1


MATRIX = table(
    ("業種＼売上高", "1億円", "5億円", "10億円"),
    ("小売業", "52,000", "98,000", "150,000"),
    ("情報通信業", "61,000", "120,000", "—"),
)
MATRIX_EXPECTED = {
    ("小売業", 100_000_000, 52_000, "annual"),
    ("小売業", 500_000_000, 98_000, "annual"),
    ("小売業", 1_000_000_000, 150_000, "annual"),
    ("情報通信業", 100_000_000, 61_000, "annual"),
    ("情報通信業", 500_000_000, 120_000, "annual"),
}


def test_matrix_table_with_corner_cell() -> None:
    # shape (a): revenues across, industries down, bare numbers under a unit caption; a dash cell is skipped
    document = table_document("年間保険料例（単位：円）", MATRIX)
    records = document_to_premiums(document, "d")
    assert keys(records) == MATRIX_EXPECTED
    assert {r.jsic_code for r in records} == {"I", "G"}
    assert_evidence_in(document, records)
    assert all(" | " in r.evidence for r in records)  # read from the table's rows


def test_matrix_as_lines_only() -> None:
    # shape (a) as a PDF without ruling lines gives it: one line per row
    document = lines_document(
        "年間保険料例（単位：円）\n業種＼売上高 1億円 5億円 10億円\n"
        "小売業 52,000 98,000 150,000\n情報通信業 61,000 120,000 —"
    )
    assert keys(document_to_premiums(document, "d")) == MATRIX_EXPECTED


def test_two_row_header_with_revenue_ranges() -> None:
    # the revenues sit in a second header row as ranges (read at their upper bound); a row
    # label the industry data does not know is kept as printed, without a JSIC code
    grid = table(
        ("業種", "売上高", "", ""),
        ("", "1億円以下", "1億円超～5億円以下", "5億円超～10億円以下"),
        ("小売業", "45,000円", "88,000円", "132,000円"),
        ("その他", "50,000円", "99,000円", "150,000円"),
    )
    records = document_to_premiums(table_document("年間保険料", grid), "d")
    assert {(r.industry_label, r.jsic_code, r.annual_revenue_jpy, r.premium_jpy) for r in records} == {
        ("小売業", "I", 100_000_000, 45_000),
        ("小売業", "I", 500_000_000, 88_000),
        ("小売業", "I", 1_000_000_000, 132_000),
        ("その他", None, 100_000_000, 50_000),
        ("その他", None, 500_000_000, 99_000),
        ("その他", None, 1_000_000_000, 150_000),
    }


def test_revenue_word_over_each_column() -> None:
    # 売上高 printed in every header cell is a cue, not a band
    grid = table(("業種", "売上高1億円", "売上高5億円"), ("製造業", "30,000円", "61,000円"))
    records = document_to_premiums(table_document("保険料（年額）", grid), "d")
    assert keys(records) == {
        ("製造業", 100_000_000, 30_000, "annual"),
        ("製造業", 500_000_000, 61_000, "annual"),
    }


def test_one_table_per_revenue_band() -> None:
    # shape (b): a heading names the revenue, the table pairs industries with monthly premiums
    first = table(("事業内容", "月額保険料"), ("小売業", "7,920円"), ("製造業", "5,810円"))
    second = table(("事業内容", "月額保険料"), ("小売業", "16,090円"), ("製造業", "11,800円"))
    text = (
        "売上高5億円の場合\n事業内容 | 月額保険料\n小売業 | 7,920円\n製造業 | 5,810円\n"
        "売上高30億円の場合\n事業内容 | 月額保険料\n小売業 | 16,090円\n製造業 | 11,800円"
    )
    document = lines_document(text, (first, second))
    records = document_to_premiums(document, "d")
    assert keys(records) == {
        ("小売業", 500_000_000, 7_920, "monthly"),
        ("製造業", 500_000_000, 5_810, "monthly"),
        ("小売業", 3_000_000_000, 16_090, "monthly"),
        ("製造業", 3_000_000_000, 11_800, "monthly"),
    }
    assert_evidence_in(document, records)


def test_bands_all_on_one_line() -> None:
    # shape (b) as a text reader gives it: the band heading and its pairs on one line
    document = lines_document(
        "売上高5億円の場合 事業内容 月額保険料 小売業 7,920円 建設業 5,280円 -\n"
        "売上高30億円の場合 事業内容 月額保険料 小売業 16,090円 建設業 10,730円"
    )
    assert keys(document_to_premiums(document, "d")) == {
        ("小売業", 500_000_000, 7_920, "monthly"),
        ("建設業", 500_000_000, 5_280, "monthly"),
        ("小売業", 3_000_000_000, 16_090, "monthly"),
        ("建設業", 3_000_000_000, 10_730, "monthly"),
    }


TRANSPOSED = table(
    ("売上高＼業種", "小売業", "製造業", "飲食店"),
    ("1億円", "3,100円", "2,400円", "4,000円"),
    ("売上高10億円", "9,800円", "7,700円", "12,500円"),
)


def test_transposed_table() -> None:
    # shape (c): industries across, revenues down (one of them with its cue in the cell)
    document = table_document("月払保険料の例", TRANSPOSED)
    records = document_to_premiums(document, "d")
    assert keys(records) == {
        ("小売業", 100_000_000, 3_100, "monthly"),
        ("製造業", 100_000_000, 2_400, "monthly"),
        ("飲食店", 100_000_000, 4_000, "monthly"),
        ("小売業", 1_000_000_000, 9_800, "monthly"),
        ("製造業", 1_000_000_000, 7_700, "monthly"),
        ("飲食店", 1_000_000_000, 12_500, "monthly"),
    }
    assert {r.jsic_code for r in records} == {"I", "E", "M"}


def test_transposed_as_lines_only() -> None:
    document = lines_document(
        "一時払保険料\n売上高＼業種 小売業 製造業\n1億円 31,000円 24,000円\n10億円 98,000円 77,000円"
    )
    assert keys(document_to_premiums(document, "d")) == {
        ("小売業", 100_000_000, 31_000, "lump_sum"),
        ("製造業", 100_000_000, 24_000, "lump_sum"),
        ("小売業", 1_000_000_000, 98_000, "lump_sum"),
        ("製造業", 1_000_000_000, 77_000, "lump_sum"),
    }


@pytest.mark.parametrize(
    "text",
    [
        # industries and amounts without any premium cue: limits or losses, not premiums
        "売上高5億円の場合\n小売業 7,920円\n製造業 5,810円",
        # a premium cue, industries and amounts, but no revenue the quote assumes
        "月額保険料\n小売業 7,920円\n製造業 5,810円",
        # a case story that mentions a revenue and an industry
        "月額保険料のご案内\n事故例1 売上高約5億円の教育支援事業者が不正アクセスを受け、"
        "数千人の個人情報が流出した。",
        # a premium larger than the revenue is not a premium of that revenue
        "年間保険料\n売上高1億円の場合\n小売業 2億円",
    ],
)
def test_no_premium_rows_are_invented(text: str) -> None:
    assert document_to_premiums(lines_document(text), "d") == []


def test_conditions_are_attached_to_every_row() -> None:
    # the 試算条件 block below the grid qualifies all its premiums
    document = lines_document(
        "売上高5億円の場合 事業内容 月額保険料 小売業 7,920円 製造業 5,810円\n"
        "試算条件\n支払限度額:賠償:1億円・費用:3,000万円、自己負担額10万円\n"
        "2025年4月以降保始期、保険期間1年、保険料払込方法12分割、海外売上高なし"
    )
    records = document_to_premiums(document, "d")
    assert len(records) == 2
    for record in records:
        assert record.liability_limit_jpy == 100_000_000
        assert record.expense_limit_jpy == 30_000_000
        assert record.deductible_jpy == 100_000
        assert record.installments == 12
        assert record.effective_from == dt.date(2025, 4, 1)


def test_rows_without_conditions_leave_them_empty() -> None:
    records = document_to_premiums(lines_document("月額保険料\n売上高1億円の場合\n小売業 3,000円"), "d")
    assert [(r.liability_limit_jpy, r.deductible_jpy, r.installments, r.effective_from) for r in records] == [
        (None, None, None, None)
    ]


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("賠償責任1億円、費用3,000万円", "liability_limit_jpy", 100_000_000),  # liability limit
        ("賠償責任1億円、費用3,000万円", "expense_limit_jpy", 30_000_000),  # expense limit
        ("免責金額10万円", "deductible_jpy", 100_000),  # 免責金額 is the deductible
        ("自己負担額なし", "deductible_jpy", 0),  # no deductible is zero
        ("保険料払込方法12分割", "installments", 12),  # installments
        ("一時払", "installments", 1),  # one payment
        ("一時払", "period", "lump_sum"),  # paid at once
        ("令和7年4月1日以降保険始期", "effective_from", dt.date(2025, 4, 1)),  # a Japanese-era date
        ("2025年4月以降保始期", "effective_from", dt.date(2025, 4, 1)),  # a month means its first day
        ("保険期間1年", "effective_from", None),  # a period is not a start date
    ],
)
def test_text_to_conditions(text: str, field: str, value: object) -> None:
    assert getattr(text_to_conditions(text), field) == value


# --- the seed brochures ---------------------------------------------------------------------------


def gold_premiums(stem: str) -> set[tuple[str, int, int, str]]:
    """Given a seed's stem, return its gold premium rows as (industry, revenue, premium, period)."""
    gold = yaml.safe_load((GOLD / f"{stem}.yaml").read_text(encoding="utf-8"))
    return {
        (g["industry"], g["revenue_jpy"], g["premium_jpy"], g["period"]) for g in gold.get("premiums") or []
    }


def seed_forms() -> list[tuple[str, Path]]:
    """Given nothing, return (seed stem, file) for every seed as text and as published (html/pdf)."""
    forms = [(path.stem, path) for path in sorted(SEEDS.glob("*.txt"))]
    stems = {path.stem.split("_")[0]: path.stem for path in SEEDS.glob("*.txt")}
    published = (p for p in sorted(RAW.glob("*")) if p.suffix in {".pdf", ".html"})
    forms += [(stems[p.name.split("-")[0]], p) for p in published if p.name.split("-")[0] in stems]
    return forms


@pytest.mark.parametrize(("stem", "path"), seed_forms(), ids=lambda v: getattr(v, "name", v))
def test_seed_premiums_match_gold(stem: str, path: Path) -> None:
    # every seed in every form yields exactly the gold premiums (none where gold has none)
    document = readers.read(path)
    records = document_to_premiums(document, "d")
    assert keys(records) == gold_premiums(stem)
    assert_evidence_in(document, records)


def test_seed_003_carries_the_gold_conditions() -> None:
    gold = yaml.safe_load((GOLD / "003_e078ac9c3fbafa5c.yaml").read_text(encoding="utf-8"))[
        "premium_conditions"
    ]
    records = document_to_premiums(readers.read(SEEDS / "003_e078ac9c3fbafa5c.txt"), "d")
    assert records
    for record in records:
        assert record.liability_limit_jpy == gold["liability_limit_jpy"]
        assert record.expense_limit_jpy == gold["expense_limit_jpy"]
        assert record.deductible_jpy == gold["deductible_jpy"]
        assert record.installments == gold["installments"]
        assert record.effective_from == gold["effective_from"]


# --- a synthetic brochure unlike the seeds ------------------------------------------------------

SYNTHETIC_BROCHURE = """\
# 中小企業向けサイバー保険 保険料のご案内

## 年間保険料の例（単位：円）

| 業種＼売上高 | 1億円 | 5億円 | 10億円 |
|---|---|---|---|
| 小売業※1 | 48,000 | 96,000 | 143,000 |
| ＩＴ・情報通信業 | 72,000 | 150,000 | 226,000 |
| 医療・福祉 | 55,000 | 108,000 | 161,000 |

※1 通信販売を含みます。

保険料算出の前提
賠償責任 1億円、費用 1,000万円、免責金額 なし
令和7年10月1日以降始期、一時払
"""


def test_synthetic_markdown_brochure(tmp_path: Path) -> None:
    # an annual matrix in a markdown table with full-width Latin, a footnote mark and a unit caption
    path = tmp_path / "synthetic.md"
    path.write_text(SYNTHETIC_BROCHURE, encoding="utf-8")
    document = readers.read(path)
    records = document_to_premiums(document, "d")
    assert {(r.jsic_code, r.annual_revenue_jpy, r.premium_jpy, r.premium_period) for r in records} == {
        (code, revenue, premium, "annual")
        for code, premiums in (
            ("I", (48_000, 96_000, 143_000)),
            ("G", (72_000, 150_000, 226_000)),
            ("P", (55_000, 108_000, 161_000)),
        )
        for revenue, premium in zip((100_000_000, 500_000_000, 1_000_000_000), premiums, strict=True)
    }
    assert "小売業" in {r.industry_label for r in records}  # the note mark is cut from the label
    assert {
        (r.liability_limit_jpy, r.expense_limit_jpy, r.deductible_jpy, r.installments, r.effective_from)
        for r in records
    } == {(100_000_000, 10_000_000, 0, 1, dt.date(2025, 10, 1))}
    assert_evidence_in(document, records)


# --- generalised shapes (found by the held-out brochures) ---------------------------------------


def test_placeholder_cell_keeps_its_column() -> None:
    # a row with a cell that quotes nothing (個別見積) still quotes its other columns, aligned
    grid = table(
        ("業種＼売上高", "1億円", "5億円", "10億円"),
        ("製造業", "68,200円", "121,900円", "168,300円"),
        ("情報通信業", "102,300円", "個別見積", "226,000円"),
    )
    assert keys(document_to_premiums(table_document("年間保険料", grid), "d")) == {
        ("製造業", 100_000_000, 68_200, "annual"),
        ("製造業", 500_000_000, 121_900, "annual"),
        ("製造業", 1_000_000_000, 168_300, "annual"),
        ("情報通信業", 100_000_000, 102_300, "annual"),
        ("情報通信業", 1_000_000_000, 226_000, "annual"),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a placeholder at the end of a line-only matrix row
        (
            "年間保険料\n業種＼売上高 1億円 5億円\n製造業 68,200円 121,900円\n情報通信業 102,300円 個別見積",
            {
                ("製造業", 100_000_000, 68_200, "annual"),
                ("製造業", 500_000_000, 121_900, "annual"),
                ("情報通信業", 100_000_000, 102_300, "annual"),
            },
        ),
        # words between amounts that are no placeholder (、費用) do not make a row of a sentence
        (
            "年間保険料（単位：円）\n業種＼売上高 1億円 5億円 10億円\n小売業 48,000 96,000 143,000\n"
            "保険料算出の前提\n賠償責任 1億円、費用 1,000万円、免責金額 なし",
            {
                ("小売業", 100_000_000, 48_000, "annual"),
                ("小売業", 500_000_000, 96_000, "annual"),
                ("小売業", 1_000_000_000, 143_000, "annual"),
            },
        ),
    ],
)
def test_placeholders_in_lines(text: str, expected: set[tuple[str, int, int, str]]) -> None:
    assert keys(document_to_premiums(lines_document(text), "d")) == expected


@pytest.mark.parametrize(
    "grid",
    [
        # the period word printed inside every premium cell (年額 32,000円) names the amount only
        table(
            ("業種", "売上高1億円", "売上高10億円"),
            ("製造業", "年額 32,000円", "年額 98,500円"),
            ("建設業", "年額 29,600円", "年額 90,400円"),
        ),
        # the same with the period word after a premium cue in each cell
        table(
            ("業種", "売上高1億円", "売上高10億円"),
            ("製造業", "年間保険料 32,000円", "年間保険料 98,500円"),
            ("建設業", "年間保険料 29,600円", "年間保険料 90,400円"),
        ),
    ],
)
def test_premium_word_in_every_cell(grid: Table) -> None:
    records = document_to_premiums(table_document("保険料例", grid), "d")
    assert keys(records) == {
        ("製造業", 100_000_000, 32_000, "annual"),
        ("製造業", 1_000_000_000, 98_500, "annual"),
        ("建設業", 100_000_000, 29_600, "annual"),
        ("建設業", 1_000_000_000, 90_400, "annual"),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 業種：X names the one industry; each revenue band line is followed by plan-labelled premiums
        (
            "加入タイプ別 年間保険料\n業種：全業種共通\n売上高区分：〜5,000万円\nA：12,340円 B：18,900円\n"
            "売上高区分：5,000万円超〜1億円\nA：16,780円 B：24,650円",
            {
                ("全業種共通", 50_000_000, 12_340, "annual"),
                ("全業種共通", 50_000_000, 18_900, "annual"),
                ("全業種共通", 100_000_000, 16_780, "annual"),
                ("全業種共通", 100_000_000, 24_650, "annual"),
            },
        ),
        # plan words (Aタイプ) and a known industry; a note naming limits per plan quotes nothing
        (
            "月額保険料\n業種：製造業\n売上高 1億円\nAタイプ 2,100円 Bタイプ 3,400円\n"
            "Aタイプ：賠償 1,000万円 Bタイプ：賠償 3,000万円",
            {
                ("製造業", 100_000_000, 2_100, "monthly"),
                ("製造業", 100_000_000, 3_400, "monthly"),
            },
        ),
    ],
)
def test_plan_labelled_premiums_under_bands(text: str, expected: set[tuple[str, int, int, str]]) -> None:
    records = document_to_premiums(lines_document(text), "d")
    assert keys(records) == expected
    assert {r.jsic_code for r in records} <= {None, "E"}


LIMIT_OPTIONS = table(
    ("業種", "支払限度額", "", ""),
    ("", "1,000万円", "5,000万円", "1億円"),
    ("製造業", "24,380円", "39,910円", "52,620円"),
    ("小売業", "28,150円", "46,080円", "60,750円"),
)


def test_limit_options_under_a_band() -> None:
    # shape (d): a band heading, a two-row header of limit options; every column quotes the band's
    # revenue, and its limit (naming no section) becomes the quote's liability and expense limit
    records = document_to_premiums(table_document("一時払保険料の例\n売上高1億円の場合", LIMIT_OPTIONS), "d")
    assert {(r.industry_label, r.annual_revenue_jpy, r.premium_jpy, r.premium_period) for r in records} == {
        (industry, 100_000_000, premium, "lump_sum")
        for industry, premiums in (("製造業", (24_380, 39_910, 52_620)), ("小売業", (28_150, 46_080, 60_750)))
        for premium in premiums
    }
    by_premium = {r.premium_jpy: r for r in records}
    assert (by_premium[24_380].liability_limit_jpy, by_premium[24_380].expense_limit_jpy) == (10_000_000,) * 2
    assert by_premium[60_750].liability_limit_jpy == 100_000_000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # options as lines: the option word and its amounts on the header line
        (
            "一時払保険料\n売上高1億円の場合\n業種 支払限度額1,000万円 5,000万円\n製造業 24,380円 39,910円",
            {("製造業", 100_000_000, 24_380, "lump_sum"), ("製造業", 100_000_000, 39_910, "lump_sum")},
        ),
        # a PDF that reads the spanning option word above the corner cell
        (
            "一時払保険料\n売上高1億円の場合\n支払限度額\n業種\n"
            "1,000万円 5,000万円\n製造業 24,380円 39,910円",
            {("製造業", 100_000_000, 24_380, "lump_sum"), ("製造業", 100_000_000, 39_910, "lump_sum")},
        ),
        # options without a revenue band quote no revenue: nothing
        ("一時払保険料\n業種 支払限度額1,000万円 5,000万円\n製造業 24,380円 39,910円", set()),
    ],
)
def test_limit_options_as_lines(text: str, expected: set[tuple[str, int, int, str]]) -> None:
    assert keys(document_to_premiums(lines_document(text), "d")) == expected


def test_deductible_options_repeated_over_each_column() -> None:
    # the option word over every column (免責金額0円 | 免責金額10万円) gives each quote its deductible
    grid = table(("業種", "免責金額0円", "免責金額10万円"), ("小売業", "50,000円", "42,000円"))
    records = document_to_premiums(table_document("年間保険料（売上高3億円の場合）", grid), "d")
    assert {(r.annual_revenue_jpy, r.premium_jpy, r.deductible_jpy) for r in records} == {
        (300_000_000, 50_000, 0),
        (300_000_000, 42_000, 100_000),
    }


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # one column per period: each quote takes its column's period
        (("業種", "月払保険料", "年払保険料"), {(4_500, "monthly"), (51_000, "annual")}),
        # one column per plan: both quote the band's revenue in the caption's period
        (("業種", "ライトプラン", "スタンダードプラン"), {(4_500, "annual"), (51_000, "annual")}),
    ],
)
def test_label_columns_under_a_band(header: tuple[str, ...], expected: set[tuple[int, str]]) -> None:
    grid = table(header, ("小売業", "4,500円", "51,000円"))
    records = document_to_premiums(table_document("保険料例\n売上高1億円の場合", grid), "d")
    assert {(r.premium_jpy, r.premium_period) for r in records} == expected
    assert {r.annual_revenue_jpy for r in records} == {100_000_000}


def test_revenue_unit_declared_on_the_axis() -> None:
    # 売上高（百万円） scales the header's bare numbers; the premiums keep the caption's unit
    grid = table(("業種＼売上高（百万円）", "100", "500"), ("小売業", "52,000", "98,000"))
    records = document_to_premiums(table_document("年間保険料（単位：円）", grid), "d")
    assert keys(records) == {
        ("小売業", 100_000_000, 52_000, "annual"),
        ("小売業", 500_000_000, 98_000, "annual"),
    }
    as_lines = lines_document("年間保険料（単位：円）\n業種＼売上高（百万円） 100 500\n小売業 52,000 98,000")
    assert keys(document_to_premiums(as_lines, "d")) == keys(records)


def test_a_heading_over_two_band_tables_cues_both() -> None:
    # one premium heading, then two tables each under its own band heading (no cue repeated)
    first = table(("業種", "保険料"), ("製造業", "24,380円"), ("小売業", "28,150円"))
    second = table(("業種", "保険料"), ("製造業", "61,240円"), ("小売業", "70,710円"))
    text = (  # the lines repeat the rows with spaces, as a PDF's text layer does
        "一時払保険料の例（保険期間1年）\n売上高1億円の場合\n業種 保険料\n製造業 24,380円\n小売業 28,150円\n"
        "売上高10億円の場合\n業種 保険料\n製造業 61,240円\n小売業 70,710円"
    )
    records = document_to_premiums(lines_document(text, (first, second)), "d")
    assert keys(records) == {
        ("製造業", 100_000_000, 24_380, "lump_sum"),
        ("小売業", 100_000_000, 28_150, "lump_sum"),
        ("製造業", 1_000_000_000, 61_240, "lump_sum"),
        ("小売業", 1_000_000_000, 70_710, "lump_sum"),
    }
    assert all(" | " in r.evidence for r in records)  # both read from their tables


def test_prose_ends_a_premium_section() -> None:
    # a long sentence between the grids ends the first heading's reach: the second band has no cue
    text = (
        "年間保険料\n売上高1億円の場合\n製造業 24,380円\n"
        "このチラシは保険の概要を説明したものです。詳しくは重要事項説明書をよくお読みください。\n"
        "売上高10億円の場合\n製造業 61,240円"
    )
    assert keys(document_to_premiums(lines_document(text), "d")) == {
        ("製造業", 100_000_000, 24_380, "annual")
    }


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        # a limit naming no section applies to those its aside names ...
        ("支払限度額：1億円（賠償損害・費用損害共通）", "liability_limit_jpy", 100_000_000),
        ("支払限度額：1億円（賠償損害・費用損害共通）", "expense_limit_jpy", 100_000_000),
        # ... only to those
        ("支払限度額：1億円（賠償損害のみ）", "expense_limit_jpy", None),
        # ... or, naming none, to every section
        ("支払限度額1億円、免責金額なし", "expense_limit_jpy", 100_000_000),
        # a section's own limit is not overwritten by a later generic one
        ("賠償責任3億円、支払限度額1億円", "liability_limit_jpy", 300_000_000),
        # a date followed by 以降 among the conditions is the start of the policies quoted
        ("2024年7月1日以降に保険期間が始まるご契約", "effective_from", dt.date(2024, 7, 1)),
        # a period named by a condition (月払) and its payments
        ("口座振替・月払（12回払）", "period", "monthly"),
        ("口座振替・月払（12回払）", "installments", 12),
        ("保険期間1年（年払）", "period", "annual"),
        # a revenue clause names no period (年間売上高 is not an annual premium)
        ("年間売上高1億円", "period", None),
    ],
)
def test_text_to_conditions_generalised(text: str, field: str, value: object) -> None:
    assert getattr(text_to_conditions(text), field) == value


def test_conditions_block_runs_over_a_bulleted_list() -> None:
    # a five-line block: the start date on its last line still counts; a heading ends the block
    document = lines_document(
        "年間保険料\n売上高1億円の場合\n製造業 68,200円\n試算条件\n- 支払限度額：1億円\n- 免責金額：なし\n"
        "- 保険期間：1年（年払）\n- 団体割引20％適用\n- 2024年7月1日以降に保険期間が始まるご契約\n"
        "■ご注意\n- 2025年1月1日以降始期の契約は保険料が異なります"
    )
    [record] = document_to_premiums(document, "d")
    assert (record.liability_limit_jpy, record.deductible_jpy, record.effective_from) == (
        100_000_000,
        0,
        dt.date(2024, 7, 1),
    )


@pytest.mark.parametrize(
    ("label", "period"),
    [
        ("保険料例（月払）", "monthly"),  # 月払 alone names the monthly premium
        ("月払い保険料", "monthly"),  # with okurigana
        ("年払保険料", "annual"),
        ("一時払保険料の例", "lump_sum"),
        ("年間売上高", None),  # a revenue, not an annual premium
    ],
)
def test_label_to_period(label: str, period: str | None) -> None:
    assert label_to_period(label) == period


def test_letter_spaced_pdf_lines() -> None:
    # a PDF text layer that spaces out CJK characters: read as words, quoted as printed
    document = lines_document("年 間 保 険 料\n業種＼売上高 1億円 5億円\n小 売 業 52,000 円 98,000 円")
    records = document_to_premiums(document, "d")
    assert keys(records) == {
        ("小売業", 100_000_000, 52_000, "annual"),
        ("小売業", 500_000_000, 98_000, "annual"),
    }
    assert_evidence_in(document, records)


def test_footnote_marks_in_cells_keep_their_amounts_and_columns() -> None:
    # 160,120※2 is 160,120 with a note; 個別見積 keeps its column; ※1 on a header is no label
    grid = table(
        ("売上高＼業種", "製造業", "情報通信業", "サービス業※1"),
        ("5億円", "92,150", "182,440", "109,380"),
        ("10億円", "134,900", "個別見積", "160,120※2"),
        ("20億円", "※", "201,000", "222,000"),
    )
    assert keys(document_to_premiums(table_document("年間保険料（単位：円）", grid), "d")) == {
        ("製造業", 500_000_000, 92_150, "annual"),
        ("情報通信業", 500_000_000, 182_440, "annual"),
        ("サービス業", 500_000_000, 109_380, "annual"),
        ("製造業", 1_000_000_000, 134_900, "annual"),
        ("サービス業", 1_000_000_000, 160_120, "annual"),
        ("情報通信業", 2_000_000_000, 201_000, "annual"),  # a cell of a mark alone keeps its column
        ("サービス業", 2_000_000_000, 222_000, "annual"),
    }


def test_whitespace_grid_under_a_note_about_the_premiums() -> None:
    # a layout-preserving text grid: the unit in the heading still holds across a sentence about
    # the premiums (…1回分の保険料です。), and ※2 after a bare number is a note
    document = lines_document(
        "■保険料例（月払保険料）　（単位：円）\n"
        "支払限度額：賠償・費用共通 1億円　免責金額：10万円\n"
        "保険期間1年・月払（12回払）の1回分の保険料です。2025年1月1日以降始期のご契約に適用します。\n"
        "業種          売上高1億円    売上高5億円    売上高50億円\n"
        "製造業            3,120          5,480         個別見積\n"
        "運輸業            4,890          8,600※2       個別見積\n"
        "※2 海外売上高がある場合は、別途お見積りとなります。"
    )
    records = document_to_premiums(document, "d")
    assert keys(records) == {
        ("製造業", 100_000_000, 3_120, "monthly"),
        ("製造業", 500_000_000, 5_480, "monthly"),
        ("運輸業", 100_000_000, 4_890, "monthly"),
        ("運輸業", 500_000_000, 8_600, "monthly"),
    }
    # the conditions printed above the grid, with no 試算条件 cue, are its conditions
    conditions = {
        (r.liability_limit_jpy, r.expense_limit_jpy, r.deductible_jpy, r.installments, r.effective_from)
        for r in records
    }
    assert conditions == {(100_000_000, 100_000_000, 100_000, 12, dt.date(2025, 1, 1))}


def test_prose_about_something_else_ends_a_units_reach() -> None:
    # the same grid with an unrelated sentence between the unit and the rows: bare numbers are no yen
    document = lines_document(
        "■保険料例（単位：円）\n"
        "サイバー攻撃の被害は年々増加しており、中小企業も標的になっています。ご注意ください。\n"
        "業種 売上高1億円 売上高5億円\n製造業 3,120 5,480"
    )
    assert document_to_premiums(document, "d") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # revenue, industry, then the premium
        (
            "例：売上高10億円の製造業の場合 年間保険料 123,450円",
            [("製造業", 1_000_000_000, 123_450, "annual")],
        ),
        # the premium first, revenue and industry in an aside
        ("月額保険料 4,500円（売上高3億円・小売業の場合）", [("小売業", 300_000_000, 4_500, "monthly")]),
        # a clause break and a particle between cue and premium
        ("売上高1億円の飲食業の場合、月払保険料は3,210円です。", [("飲食業", 100_000_000, 3_210, "monthly")]),
        # a plan table's premium row: one premium per plan column
        (
            "年間保険料（製造業‧売上⾼10億円の場合） | 62,400円 | 118,800円",
            [("製造業", 1_000_000_000, 62_400, "annual"), ("製造業", 1_000_000_000, 118_800, "annual")],
        ),
        # 年間売上高 names a revenue, not an annual premium
        ("年間売上高1億円の製造業 保険料 5,000円", [("製造業", 100_000_000, 5_000, None)]),
        # a starting price names no revenue or industry
        ("保険料は月額 2,000円～", []),
        # a floor is no quote, even with a revenue and an industry
        ("売上高１億円のサービス業で、年間保険料は約４万円から", []),
        # several industries on one line are a grid's, not one quote
        ("売上高5億円の場合 月額保険料 小売業 7,920円 製造業 5,810円", []),
        # two revenues: no single quote
        ("売上高1億円の製造業 年間保険料 48,000円、売上高3億円の場合 62,000円", []),
        # a per-person amount is no premium
        ("保険料（売上高1億円・製造業）：見舞金 1名あたり500円", []),
        # a discount sentence quotes nothing
        ("売上高10億円以下の製造業は保険料を最大30%割引", []),
    ],
)
def test_text_to_sentence_quotes(text: str, expected: list[tuple[str, int, int, str | None]]) -> None:
    assert text_to_sentence_quotes(text) == expected


def test_a_sentence_quote_is_published_beside_a_grid() -> None:
    # the example sentence yields its row; the starting price above it yields none
    document = lines_document(
        "保険料は 月額 2,000円～ 。業種と売上高によって決まります。\n"
        "例：売上高10億円の製造業の場合 年間保険料 123,450円\n"
        "年間保険料の目安\n業種 | 売上高1億円 | 売上高5億円\n建設業 | 38,900円 | 66,200円"
    )
    records = document_to_premiums(document, "d")
    assert keys(records) == {
        ("製造業", 1_000_000_000, 123_450, "annual"),
        ("建設業", 100_000_000, 38_900, "annual"),
        ("建設業", 500_000_000, 66_200, "annual"),
    }
    assert_evidence_in(document, records)


def test_caption_and_notes_state_a_grids_conditions() -> None:
    # a heading with the limits over the grid, notes under it with the payment and start date
    document = lines_document(
        "### 年間保険料の目安（支払限度額 賠償・費用各1億円、免責金額10万円）\n"
        "業種 | 売上高1億円 | 売上高5億円\n建設業 | 38,900円 | 66,200円\n"
        "※保険期間1年・一括払の場合。2025年1月1日以降に始期を迎えるご契約の保険料です。\n"
        "## よくあるご質問\n※2026年4月1日以降始期の契約は保険料が異なります。"
    )
    conditions = {
        (r.liability_limit_jpy, r.expense_limit_jpy, r.deductible_jpy, r.effective_from, r.premium_period)
        for r in document_to_premiums(document, "d")
    }
    assert conditions == {(100_000_000, 100_000_000, 100_000, dt.date(2025, 1, 1), "annual")}


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        # one caption line naming two plans' limits: neither is the grid's
        (
            "プランA（賠償1億円／費用1,000万円） プランB（賠償3億円／費用3,000万円）",
            "liability_limit_jpy",
            None,
        ),
        (
            "プランA（賠償1億円／費用1,000万円） プランB（賠償3億円／費用3,000万円）",
            "expense_limit_jpy",
            None,
        ),
        # one limit for both sections named together
        ("支払限度額 賠償・費用各1億円", "expense_limit_jpy", 100_000_000),
        # a revenue in the caption is no limit
        ("保険料（売上高5億円の場合）", "liability_limit_jpy", None),
        # a payment schedule in a note
        ("※月払は口座振替（12回払）の1回分の保険料です。", "installments", 12),
    ],
)
def test_context_conditions(text: str, field: str, value: object) -> None:
    assert getattr(text_to_conditions(text, sure=True), field) == value


@pytest.mark.parametrize(
    "caption",
    [
        "保険料例（製造業の場合）",  # the industry in the caption with the premium cue
        "保険料例\n【製造業の場合】",  # on a line of its own under the cue
    ],
)
def test_one_industry_grid_with_period_columns(caption: str) -> None:
    # revenues in rows, a 月払 and a 年払 column, the one industry named above the grid
    grid = table(
        ("売上高", "月払", "年払"), ("1億円", "3,500円", "40,000円"), ("5億円", "6,000円", "個別見積")
    )
    records = document_to_premiums(table_document(caption, grid), "d")
    assert keys(records) == {
        ("製造業", 100_000_000, 3_500, "monthly"),
        ("製造業", 100_000_000, 40_000, "annual"),
        ("製造業", 500_000_000, 6_000, "monthly"),
    }
    assert {r.jsic_code for r in records} == {"E"}


@pytest.mark.parametrize(
    "caption",
    [
        "保険料例",  # no industry named: whose premiums these are is unknown
        "保険料例（製造業と小売業の場合）",  # two industries: neither heads the grid
        "当社では製造業の場合にも保険料の割引制度をご用意しております",  # a sentence heads nothing
    ],
)
def test_a_grid_without_one_industry_quotes_nothing(caption: str) -> None:
    grid = table(("売上高", "月払", "年払"), ("1億円", "3,500円", "40,000円"))
    assert document_to_premiums(table_document(caption, grid), "d") == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a period word between the industry and its premium: 業種　年間保険料　金額円 under bands
        (
            "保険料例\n■売上高１億円の場合\n　製造業　　　年間保険料　４８，５００円\n"
            "■売上高５億円の場合\n　製造業　　　年間保険料　９７，２００円",
            {("製造業", 100_000_000, 48_500, "annual"), ("製造業", 500_000_000, 97_200, "annual")},
        ),
        # the word names the period that the row's premium has (月額 → monthly)
        (
            "保険料例\n売上高3億円の場合\n小売業 月額保険料 4,800円\n卸売業 月額保険料 3,900円",
            {("小売業", 300_000_000, 4_800, "monthly"), ("卸売業", 300_000_000, 3_900, "monthly")},
        ),
        # no premium cue anywhere: the word alone does not make a label (限度額) a premium
        ("売上高1億円の場合\n製造業 支払限度額 1,000万円", set()),
    ],
)
def test_premium_word_beside_the_industry(text: str, expected: set[tuple[str, int, int, str]]) -> None:
    assert keys(document_to_premiums(lines_document(text), "d")) == expected


BAND_LIST = (
    "１．保険料例\n"
    "以下は、賠償責任支払限度額１億円、費用損害支払限度額１，０００万円、免責金\n"
    "額なし、保険期間１年の場合の年間保険料（一時払）の例です。\n"
    "■売上高１億円の場合\n製造業　年間保険料　４８，５００円\n小売業　年間保険料　５１，３００円\n"
    "■売上高５億円の場合\n製造業　年間保険料　９７，２００円\n小売業　年間保険料　１０２，９００円\n"
    "■売上高１０億円の場合\n製造業　年間保険料　１４５，８００円\n小売業　年間保険料　１５４，３００円\n"
)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # the sentence over a list of band grids (broken over two lines) qualifies every band,
        # past the sibling band headings and their rows
        (BAND_LIST, {(100_000_000, 10_000_000, 0)}),
        # a heading that is no band (■ご注意) ends the caption: its conditions stay unknown
        (BAND_LIST.replace("■売上高１０億円の場合", "■ご注意\n■売上高１０億円の場合"), None),
        # a section stating the one plan quoted (補償プラン) is a condition block
        (
            "■補償プラン\n支払限度額 5,000万円／免責金額 0円\n■保険料表\n年間保険料(円)\n"
            "業種 1億円 3億円\n製造業 62,300 98,400",
            {(50_000_000, 50_000_000, 0)},
        ),
    ],
)
def test_conditions_over_a_list_of_bands(text: str, want: set[tuple[int, int, int]] | None) -> None:
    records = document_to_premiums(lines_document(text), "d")
    assert records
    found = {(r.liability_limit_jpy, r.expense_limit_jpy, r.deductible_jpy) for r in records}
    if want is None:  # the last band's rows lose the sentence, the first bands keep it
        assert (None, None, None) in found and (100_000_000, 10_000_000, 0) in found
    else:
        assert found == want


@pytest.mark.parametrize(
    "separator",
    [
        "……",  # leader ellipses between the industry and its figure
        "・・・・",  # leader middle dots (a single ・ stays inside 医療・福祉)
        "：",  # a colon glued to the industry
        "　：　",  # a colon between ideographic spaces
    ],
)
def test_leaders_between_industry_and_premium(separator: str) -> None:
    rows = f"医療・福祉{separator}４８，５００円\n製造業{separator}５２，１００円"
    text = f"保険料例\n■売上高１億円の場合\n{rows}"
    assert keys(document_to_premiums(lines_document(text), "d")) == {
        ("医療・福祉", 100_000_000, 48_500, "annual"),
        ("製造業", 100_000_000, 52_100, "annual"),
    }


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        # long format: one quote per row, revenue and premium each in their own column
        (("業種", "売上高", "年間保険料"), {("製造業", 500_000_000, 90_000, "annual")}),
        # a column converting another (月額換算 = 年間保険料 ÷ 12) quotes nothing of its own
        (("業種", "売上高", "年間保険料", "月額換算"), {("製造業", 500_000_000, 90_000, "annual")}),
        # ... unless it is the only premium column printed
        (("業種", "売上高", "月額換算"), {("製造業", 500_000_000, 7_500, "monthly")}),
        # two quoted columns, each in its own period
        (
            ("業種", "売上高", "月払保険料", "年払保険料"),
            {("製造業", 500_000_000, 7_500, "monthly"), ("製造業", 500_000_000, 90_000, "annual")},
        ),
    ],
)
def test_long_format_quote_table(header: tuple[str, ...], expected: set[tuple[str, int, int, str]]) -> None:
    cells = {
        "年間保険料": "90,000円",
        "月額換算": "7,500円",
        "月払保険料": "7,500円",
        "年払保険料": "90,000円",
    }
    grid = table(header, ("製造業", "5億円", *(cells[h] for h in header[2:])))
    records = document_to_premiums(table_document("保険料のお見積り結果", grid), "d")
    assert keys(records) == expected


def test_long_format_row_label_not_in_the_industry_list() -> None:
    # under a long-format header, the label heading a row is its industry even when unlisted
    grid = table(("業種", "売上高", "年間保険料"), ("ペット霊園業", "1億円", "30,000円"))
    records = document_to_premiums(table_document("保険料のお見積り結果", grid), "d")
    assert keys(records) == {("ペット霊園業", 100_000_000, 30_000, "annual")}


def test_long_format_rows_as_lines() -> None:
    # the same long format read from lines (markdown/text), two rows of one industry
    text = (
        "お見積り結果\n業種 売上高 年間保険料 月額換算\n"
        "小売業 1億円 48,000円 4,000円\n小売業 10億円 132,000円 11,000円"
    )
    assert keys(document_to_premiums(lines_document(text), "d")) == {
        ("小売業", 100_000_000, 48_000, "annual"),
        ("小売業", 1_000_000_000, 132_000, "annual"),
    }


@pytest.mark.parametrize(
    ("text", "period"),
    [
        # a year's premium paid at once is still annual: the premium's period outranks the payment
        ("※保険料は年額、一時払です。", "annual"),
        ("年間保険料（一時払）", "annual"),
        # with no period named, the one payment decides
        ("試算条件：免責金額なし、一時払、団体割引なし", "lump_sum"),
        ("保険期間1年／払込方法：一時払", "lump_sum"),
        # a payment named by its month
        ("口座振替・月払", "monthly"),
    ],
)
def test_conditions_period(text: str, period: str) -> None:
    assert _conditions_period(text) == period
