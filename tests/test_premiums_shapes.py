"""Premium grids in shapes beyond the plain matrix: header rows spanning down beside the revenue
headers (a limit-option column), columns continued on
the next page without row labels, one case stated only in the caption sentence, and a tidy list
(one quote per row) under a heading row, continued on the next page."""

from __future__ import annotations

import pytest

from extractors.document import Cell, Document, Line, Page, Table
from extractors.extract import grid_header_rows
from extractors.layout import (
    continues_columns,
    continues_rows,
    join_columns,
)
from extractors.premiums import (
    _is_label,
    case_industry,
    document_to_premiums,
    is_case_caption,
    named_periods,
    table_sections,
)


def table(
    *rows: str, page: int = 1, spans: dict[tuple[int, int], tuple[int, int]] | None = None, th: int = 0
) -> Table:
    """Given rows as "a|b|c" strings (^ = a slot a merged cell covers), the merged cells' (row_span,
    col_span) by origin slot, and how many leading rows are th rows, return a Table on `page`."""
    spans = spans or {}
    out = []
    for r, row in enumerate(rows):
        cells = []
        for c, text in enumerate(row.split("|")):
            rs, cs = spans.get((r, c), (1, 1))
            cells.append(
                Cell(
                    "" if text == "^" else text, row_span=rs, col_span=cs, header=r < th, covered=text == "^"
                )
            )
        out.append(tuple(cells))
    return Table(page=page, rows=tuple(out))  # fmt: skip


def document(caption: str, *tables: Table) -> Document:
    """Given caption lines and tables, return a Document: one page per table page, the caption on
    the first, each table's rows as lines of its page."""
    pages = []
    for number in sorted({t.page for t in tables}):
        texts = caption.splitlines() if number == tables[0].page else []
        on_page = tuple(t for t in tables if t.page == number)
        texts += [" | ".join(c.text for c in row if c.text) for t in on_page for row in t.rows]
        pages.append(Page(number, tuple(Line(t, number) for t in texts if t.strip()), on_page))
    return Document("synthetic.txt", "text", tuple(pages))


def quotes(doc: Document) -> set[tuple[str, int, int, str]]:
    """Given a Document, return its premiums as (industry, revenue, premium, period)."""
    return {
        (r.industry_label, r.annual_revenue_jpy, r.premium_jpy, r.premium_period)
        for r in document_to_premiums(doc, "d")
    }


# --- header rows: a header spanning down beside the revenue headers heads its own column ------

#: industries spanning two rows, a limit-option column, 年間売上高 spanning three revenue columns
OPTION_GRID = table(
    "業種|賠償責任の支払限度額|年間売上高|^|^",
    "^|^|50億円|100億円|300億円",
    "製造業|5億円|1,850,000円|2,640,000円|4,720,000円",
    "^|10億円|2,960,000円|4,220,000円|7,550,000円",
    spans={(0, 0): (2, 1), (0, 1): (2, 1), (0, 2): (1, 3), (2, 0): (2, 1)},
    th=2,
)


@pytest.mark.parametrize(
    ("expected"),
    [
        ("製造業", 5_000_000_000, 1_850_000, "annual"),  # the first revenue column, the first option row
        ("製造業", 30_000_000_000, 4_720_000, "annual"),  # the last revenue column: 300億円, not a limit
        ("製造業", 10_000_000_000, 4_220_000, "annual"),  # the option row under the spanning industry
    ],
)
def test_revenue_headers_beside_an_option_column(expected: tuple[str, int, int, str]) -> None:
    assert expected in quotes(document("年間保険料の目安", OPTION_GRID))


@pytest.mark.parametrize(
    ("premium", "limit"),
    [
        (1_850_000, 500_000_000),  # the option in its row is the quote's liability limit
        (7_550_000, 1_000_000_000),  # the option row a spanning industry label governs
    ],
)
def test_the_option_in_a_premium_row_is_its_named_limit(premium: int, limit: int) -> None:
    found = {r.premium_jpy: r for r in document_to_premiums(document("年間保険料の目安", OPTION_GRID), "d")}
    assert found[premium].liability_limit_jpy == limit
    assert found[premium].expense_limit_jpy is None  # 賠償責任の支払限度額 names one section only


# --- columns continued on the next page without their row labels --------------------------------

LEFT = table("年間保険料表（単位：円）|^", "業種＼売上高|1億円", "製造業|31,200", "卸売業|27,400",
             page=2, spans={(0, 0): (1, 2)})  # fmt: skip
RIGHT = table("", "30億円", "257,020", "225,720", page=3)


@pytest.mark.parametrize(
    ("previous", "following", "expected"),
    [
        (LEFT, RIGHT, True),  # figures on the rows the first labels, on the next page
        (LEFT, table("", "30億円", "257,020", "225,720", page=2), False),  # the same page: another table
        (LEFT, table("", "30億円", "257,020", page=3), False),  # fewer rows: no continuation
        (LEFT, table("", "業種|30億円", "小売業|35,800", "建設業|24,600", page=3), False),  # labelled rows
        (LEFT, table("", "1億円", "31,200", "27,400", "35,800", page=3), False),  # rows continued instead
    ],
)
def test_continues_columns(previous: Table, following: Table, expected: bool) -> None:
    assert continues_columns(previous, following, _is_label) is expected


def test_continued_columns_quote_with_the_row_labels_of_the_first_page() -> None:
    found = {(r.industry_label, r.annual_revenue_jpy, r.premium_jpy): r for r in document_to_premiums(
        document("", LEFT, RIGHT), "d")}  # fmt: skip
    assert ("卸売業", 3_000_000_000, 225_720) in found  # page 3's figure, page 2's label
    assert ("製造業", 100_000_000, 31_200) in found  # the first page's own figures still quote
    continued = found[("卸売業", 3_000_000_000, 225_720)]
    assert (continued.page, continued.evidence) == (3, "225,720")  # quoted from the page it is on


def test_join_columns_keeps_each_cell_on_its_page() -> None:
    joined = join_columns(LEFT, RIGHT)
    assert [c.page for c in joined.rows[2]] == [2, 2, 3]


# --- one case stated only in the caption sentence ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "case", "industry"),
    [
        # industry and revenue of the client, in the sentence naming the premiums
        ("貴社の業種（製造業）、年間売上高45億円をもとにした保険期間1年の保険料です。", True, "製造業"),
        # a row of another grid quotes a premium itself: no caption of a case
        ("業種：学習塾／売上高：5千万円／月払保険料：2,260円", False, "学習塾"),
        # a sentence naming no premiums states no quote's case (an incident's victim)
        ("製造業（年間売上高5億円）で発生した事故の損害額です。", False, "製造業"),
        # two industries: the case is not one
        ("製造業と小売業の年間売上高10億円の場合の保険料です。", True, None),
    ],
)
def test_case_caption(text: str, case: bool, industry: str | None) -> None:
    assert is_case_caption(text) is case
    assert case_industry(text) == industry


def test_a_quote_table_under_the_sentence_stating_its_case() -> None:
    grid = table(
        "お支払方法|案A（推奨）|案B",
        "年払（一括）|1,236,000円|1,874,000円",
        "月払（12回払）|108,100円|164,000円",
    )
    caption = "貴社の業種（製造業）、年間売上高45億円をもとにした保険期間1年の保険料です。"
    assert quotes(document(caption, grid)) == {
        ("製造業", 4_500_000_000, 1_236_000, "annual"),
        ("製造業", 4_500_000_000, 1_874_000, "annual"),
        ("製造業", 4_500_000_000, 108_100, "monthly"),
        ("製造業", 4_500_000_000, 164_000, "monthly"),
    }


# --- a premium grid's revenue header row is no limit -------------------------------------------


@pytest.mark.parametrize(
    ("grid", "quoted", "expected"),
    [
        # the revenue header row above the first quoted row: figures only
        (OPTION_GRID, {OPTION_GRID.row_text(2)}, {OPTION_GRID.row_text(1)}),
        # a limit row above a premium row names its coverage: it stays a limit
        (table("補償項目|A|B", "損害賠償責任（1請求）|30,000|100,000", "年間保険料|62,400円|118,800円"),
         {"年間保険料 | 62,400円 | 118,800円"}, set()),
        # a table that quoted nothing has no premium header
        (OPTION_GRID, set(), set()),
    ],
)  # fmt: skip
def test_grid_header_rows(grid: Table, quoted: set[str], expected: set[str]) -> None:
    assert grid_header_rows(grid, quoted) == expected


# --- a tidy list (one quote per row) under a heading row, its rows continued on the next page -----

TIDY = table(
    "プラン|賠償責任|免責金額|",
    "スタンダード|1億円|0円|",
    "■保険料一覧（保険期間1年）業種|売上高（千円）|年払（円月払（円）|",
    "製造業|100000|58200|5090",
    "卸売業|500000|82100|7180",
)
TIDY_NEXT = table("小売業|100000|63800|5580", page=2)


@pytest.mark.parametrize(
    ("expected"),
    [
        ("製造業", 100_000_000, 58_200, "annual"),  # 千円 revenue, the first period the header names
        ("製造業", 100_000_000, 5_090, "monthly"),  # the second column: the header's second period
        ("卸売業", 500_000_000, 7_180, "monthly"),  # every row is one quote
        ("小売業", 100_000_000, 5_580, "monthly"),  # a row on the next page, the header not repeated
    ],
)
def test_a_tidy_list_under_a_heading_row(expected: tuple[str, int, int, str]) -> None:
    assert expected in quotes(document("", TIDY, TIDY_NEXT))


def test_a_heading_row_cuts_the_table() -> None:
    sections = table_sections(TIDY)
    assert [len(s.rows) for s in sections] == [2, 3]  # the plan legend, then the list under its heading


@pytest.mark.parametrize(
    ("following", "expected"),
    [
        (TIDY_NEXT, True),  # the next page's first row holds what the last row holds
        (table("業種|売上高|年払", "小売業|100000|63800", page=2), False),  # a header row of its own
        (table("小売業|100000|63800|5580", page=1), False),  # the same page: another table
    ],
)
def test_continues_rows(following: Table, expected: bool) -> None:
    assert continues_rows(table("製造業|100000|58200|5090"), following) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("年払（円月払（円）", ["annual", "monthly"]),  # a clipped header naming two periods in turn
        ("月払保険料／年払保険料", ["monthly", "annual"]),  # in the order printed
        ("年間売上高", []),  # a revenue names no period
    ],
)
def test_named_periods(text: str, expected: list[str]) -> None:
    assert named_periods(text) == expected
