"""Premium grids in shapes beyond the plain matrix: header rows spanning down beside the revenue
headers (a limit-option column)."""

from __future__ import annotations

import pytest

from extractors.document import Cell, Document, Line, Page, Table
from extractors.premiums import document_to_premiums


def table(*rows: str, page: int = 1, spans: dict[tuple[int, int], tuple[int, int]] | None = None,
          th: int = 0) -> Table:
    """Given rows as "a|b|c" strings (^ = a slot a merged cell covers), the merged cells' (row_span,
    col_span) by origin slot, and how many leading rows are th rows, return a Table on `page`."""
    spans = spans or {}
    out = []
    for r, row in enumerate(rows):
        cells = []
        for c, text in enumerate(row.split("|")):
            rs, cs = spans.get((r, c), (1, 1))
            cells.append(Cell("" if text == "^" else text, row_span=rs, col_span=cs, header=r < th,
                              covered=text == "^"))
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
