"""Premium grids read through the table view: axis names, figure kinds, and the case of each premium cell."""

from __future__ import annotations

import pytest

from extractors.document import BBox, Cell, Document, Line, Page, Table
from extractors.premiums import (
    axis_name,
    document_to_premiums,
    line_cells,
    name_kind,
    text_revenue,
    without_case,
)


def cells(*rows: tuple[str | Cell, ...]) -> Table:
    """Given rows of cell texts (or Cells, for spans), return a Table on page 1."""
    return Table(1, tuple(tuple(c if isinstance(c, Cell) else Cell(c) for c in row) for row in rows))


def document(caption: str, *tables: Table, between: str = "") -> Document:
    """Given caption lines and tables (and lines printed between them), return a one-page Document
    whose lines hold the caption, then each table's rows."""
    texts = [text for text in caption.splitlines() if text.strip()]
    for index, table in enumerate(tables):
        if index:
            texts += between.splitlines()
        texts += [" | ".join(c.text for c in row if c.text) for row in table.rows]
    return Document("synthetic.txt", "text", (Page(1, tuple(Line(t, 1) for t in texts), tables),))


def quotes(doc: Document) -> set[tuple[str, int, int, str]]:
    """Given a Document, return its premiums as (industry, revenue, premium, period)."""
    return {
        (r.industry_label, r.annual_revenue_jpy, r.premium_jpy, r.premium_period)
        for r in document_to_premiums(doc, "d")
    }


@pytest.mark.parametrize(
    ("text", "across", "expected"),
    [
        ("業種＼売上高", True, "売上高"),  # a corner names the header row across it by its second word
        ("業種＼売上高", False, "業種"),  # and the column below it by its first
        ("売上高/業種", False, "売上高"),  # a slash is a corner too
        ("年間保険料", True, "年間保険料"),  # a label without a corner names both ways
    ],
)
def test_axis_name(text: str, across: bool, expected: str) -> None:
    assert axis_name(text, across) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("前年度売上高（百万円）", "revenue"),  # a revenue header, unit and all
        ("賠償⽀払限度額", "limit"),  # a limit row of a case-per-column table
        ("免責金額", "deductible"),
        ("合計年間保険料", "premium"),  # a premium row
        ("月払", "premium"),  # a period word names premiums
        ("賠償", "limit"),  # a section word beside a figure names a limit, not an industry
        ("製造業", None),  # an industry names no figure
    ],
)
def test_name_kind(text: str, expected: str | None) -> None:
    assert name_kind(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("製造業 3,120 5,480", ("製造業", "3,120", "5,480")),  # words of a whitespace grid
        ("小 売 業 52,000 円", ("小売業", "52,000円")),  # letter-spacing undone, unit kept on its figure
        ("A：12,340円　B：18,900円", ("A", "12,340円", "B", "18,900円")),  # plan labels split at colons
    ],
)
def test_line_cells(text: str, expected: tuple[str, ...]) -> None:
    assert tuple(cell.text for cell in line_cells(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("売上高5億円の場合", 500_000_000),  # a band heading
        ("【参考】月払の場合 ― 前年度売上高 500百万円・プランBの場合", 500_000_000),  # unit after the figure
        ("売上高区分：5,000万円超〜1億円", 100_000_000),  # a range at its upper bound
        ("保険料の例（保険期間1年）", None),  # no revenue cue: no revenue
    ],
)
def test_text_revenue(text: str, expected: int | None) -> None:
    assert text_revenue(text) == expected


def test_case_per_column_with_qualifier_rows() -> None:
    # a column per case: industry above, revenue in a row far below, a full-width qualifier row
    # between two premium rows; the revenue row is named by its row header, not taken as a premium
    span = Cell("個人情報漏えいのみを補償する場合", col_span=3)
    grid = cells(
        ("業種", "建設業", "運送業"),
        ("合計年間保険料", "約14万円", "約40万円"),
        (span, Cell("", covered=True), Cell("", covered=True)),
        ("合計年間保険料", "約13万円", "約37万円"),
        ("年間売上高", "100億円", "50億円"),
        ("賠償支払限度額", "1億円", "4億円"),
    )
    assert quotes(document("保険料の例", grid)) == {
        ("建設業", 10_000_000_000, 140_000, "annual"),
        ("建設業", 10_000_000_000, 130_000, "annual"),
        ("運送業", 5_000_000_000, 400_000, "annual"),
        ("運送業", 5_000_000_000, 370_000, "annual"),
    }


def test_row_per_case_with_declared_spans() -> None:
    # a row per case under a two-row header with spans: revenue, limits and premium each named by
    # the header path over their column
    covered = Cell("", covered=True)
    grid = cells(
        (Cell("業種", row_span=2), Cell("年間売上高", row_span=2), Cell("てん補限度額", col_span=2), covered,
         Cell("保険料", row_span=2)),
        (covered, covered, "賠償損害", "費用損害", covered),
        ("建設業", "10億円", "5,000万円", "500万円", "約10万円"),
        ("小売業", "2,000万円", "1,000万円", "100万円", "約3万円"),
    )  # fmt: skip
    records = document_to_premiums(document("", grid), "d")
    assert quotes(document("", grid)) == {
        ("建設業", 1_000_000_000, 100_000, "annual"),
        ("小売業", 20_000_000, 30_000, "annual"),
    }
    assert {r.attributed_by for r in records} == {"row_header"}  # both named in the premium's own row


def test_merged_revenue_header_in_millions() -> None:
    # a merged revenue header states the revenues' unit (百万円); the caption's 単位：円 is the premiums'
    covered = Cell("", covered=True)
    grid = cells(
        (Cell("業種", row_span=2), Cell("前年度売上高（百万円）", col_span=2), covered),
        (covered, "100", "1,000"),
        ("製造業", "52,380", "104,570"),
        ("情報通信業※", "126,400", "個別見積"),
    )
    records = document_to_premiums(document("年間保険料表\n算出条件：一括払 単位：円", grid), "d")
    assert quotes(document("年間保険料表\n算出条件：一括払 単位：円", grid)) == {
        ("製造業", 100_000_000, 52_380, "annual"),  # 一括払 is how the year's premium is paid
        ("製造業", 1_000_000_000, 104_570, "annual"),
        ("情報通信業", 100_000_000, 126_400, "annual"),  # the mark is no part of the industry
    }
    assert {r.attributed_by for r in records} == {"column_header"}


def test_transposed_block_with_its_revenue_in_the_caption() -> None:
    # industries across, one premium row named 月払; the revenue is stated only in the caption
    grid = cells(("業種", "製造業", "小売業"), ("月払保険料（1回分）", "7,100", "9,660"))
    records = document_to_premiums(document("【参考】月払の場合 ― 前年度売上高 500百万円の場合", grid), "d")
    assert {(r.industry_label, r.annual_revenue_jpy, r.premium_jpy, r.premium_period) for r in records} == {
        ("製造業", 500_000_000, 7_100, "monthly"),
        ("小売業", 500_000_000, 9_660, "monthly"),
    }
    assert {r.attributed_by for r in records} == {"caption"}  # the farther of column header and caption


def test_sibling_table_shares_the_caption_of_its_neighbour() -> None:
    # two plan tables side by side with one header row: the caption over the first names the revenue of both
    first = cells(("業種", "月払", "年払"), ("製造業", "6,430円", "73,480円"))
    second = cells(("業種", "月払", "年払"), ("製造業", "10,940円", "125,020円"))
    plans = "プランA：賠償1億円\nプランB：賠償3億円\nいずれも免責なし"  # more lines than a caption reads
    assert quotes(document("保険料（売上高5億円の場合）", first, second, between=plans)) >= {
        ("製造業", 500_000_000, 10_940, "monthly"),
        ("製造業", 500_000_000, 125_020, "annual"),
    }


def test_a_table_without_a_premium_cue_quotes_nothing() -> None:
    # a cost table of the same shape as a matrix is no premium grid
    grid = cells(("業種＼売上高", "1億円", "5億円"), ("製造業", "52,000円", "98,000円"))
    assert quotes(document("損害額の例", grid)) == set()


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        (
            "卸売業（売上高3億円）",
            "卸売業",
        ),  # a bracket stating the case's revenue is not the industry's name
        ("飲食店(売上高1億円)", "飲食店"),  # half-width brackets alike
        (
            "医療・福祉（病院を除く）",
            "医療・福祉（病院を除く）",
        ),  # a bracket without figures is part of the name
        ("（売上高3億円）", "（売上高3億円）"),  # nothing left outside the bracket: kept as printed
    ],
)
def test_without_case(label: str, expected: str) -> None:
    assert without_case(label) == expected


def _pdf_page(title: str, caption: str) -> Document:
    """Given a page title and the line right above a grid, return a one-page PDF-like Document
    (lines and the table with positions) holding a revenues-down, industries-across grid."""
    box = BBox(0, 100, 500, 150)
    table = Table(
        1,
        (
            (Cell("売上高＼業種"), Cell("製造業"), Cell("小売業")),
            (Cell("1億円"), Cell("52"), Cell("63")),
        ),
        bbox=box,
    )
    texts = [(title, 10), ("保険期間1年", 30), ("補償内容は裏面のとおり", 50), (caption, 80)]
    lines = [Line(t, 1, BBox(0, top, 500, top + 10)) for t, top in texts]
    lines += [
        Line(" ".join(c.text for c in row), 1, BBox(0, 100 + 20 * i, 500, 115 + 20 * i))
        for i, row in enumerate(table.rows)
    ]
    return Document("synthetic.pdf", "pdf", (Page(1, tuple(lines), (table,), width=600, height=800),))


def test_a_page_title_far_above_a_grid_heads_it() -> None:
    # the premium cue is four lines up, in the page's title; the unit is in the line above the grid
    found = quotes(_pdf_page("サイバー保険 年間保険料例", "（単位：千円）"))
    assert found == {("製造業", 100_000_000, 52_000, "annual"), ("小売業", 100_000_000, 63_000, "annual")}
    # without a premium cue anywhere above it, the same grid quotes nothing
    assert quotes(_pdf_page("サイバー保険 補償の概要", "（単位：千円）")) == set()
