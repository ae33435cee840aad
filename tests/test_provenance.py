"""Where a row's evidence was printed: `extractors.provenance` on made-up pages, and on every PDF with gold.

The fixture test re-reads each PDF with pdfplumber (not with the project's reader): every
published row's box must lie on its page and the characters printed inside it must include
every character of the row's evidence.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pdfplumber
import polars as pl
import pytest

from extractors.document import CELL_SEPARATOR, BBox, Cell, Document, Line, Page, Table
from extractors.extract import file_to_extraction
from extractors.provenance import Locator
from pipelines.publish import results_to_publication

FIXTURES = Path(__file__).resolve().parent / "fixtures"
RAW = Path(__file__).resolve().parent.parent / "raw"
#: every PDF a gold file describes: the seeds as published, and the held-out brochures
GOLD_PDFS = [
    *sorted(RAW.glob("*.pdf")),
    *sorted((FIXTURES / "holdout").glob("*.pdf")),
    *sorted((FIXTURES / "holdout_prem").glob("*.pdf")),
]
EVIDENCE_TABLES = ("coverages", "limits", "premiums", "loss_scenarios")
BBOX = ["bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom"]
#: pdfplumber's char boxes and the reader's line boxes are the same numbers; allow for rounding
TOLERANCE = 0.5

logging.getLogger("pdfminer").setLevel(logging.ERROR)


def box(x0: float, top: float, x1: float, bottom: float) -> BBox:
    return BBox(x0=x0, top=top, x1=x1, bottom=bottom)


def pdf_page(lines: list[tuple[str, BBox | None]], tables: tuple[Table, ...] = (), number: int = 1) -> Page:
    """Given (text, box) lines and tables, return a page of them."""
    return Page(
        number=number,
        lines=tuple(Line(text=t, page=number, bbox=b) for t, b in lines),
        tables=tables,
        width=600,
        height=800,
    )


def pdf_document(*pages: Page) -> Document:
    return Document(source="made-up.pdf", source_format="pdf", pages=pages)


L1, L2 = box(50, 100, 300, 110), box(50, 112, 280, 122)
L3, L4 = box(50, 124, 320, 134), box(50, 136, 200, 146)
FAR = box(50, 600, 200, 610)
# a table whose cells wrap: in reading order the label's line sits between the description's two
WRAPPED_TABLE = Table(
    page=1,
    rows=((Cell("損害賠償責任"), Cell("他人に損害を与え法律上の賠償責任を負担した損害"), Cell("1億円")),),
    bbox=box(40, 95, 560, 140),
)
WRAPPED_LINES: list[tuple[str, BBox | None]] = [
    ("1億円のプランもあります", FAR),  # the same figure printed far from the table
    ("他人に損害を与え法律上の", box(130, 100, 400, 110)),
    ("損害賠償責任 1億円", box(50, 106, 540, 116)),
    ("賠償責任を負担した損害", box(130, 112, 380, 122)),
]
# a row that prints 費用 twice, once on a line of its own far below the other
TWICE_TABLE = Table(page=1, rows=((Cell("費用"), Cell("調査の費用")),), bbox=box(40, 95, 560, 320))
TWICE_LINES: list[tuple[str, BBox | None]] = [
    ("調査の", box(130, 100, 200, 110)),
    ("費用", box(60, 106, 90, 116)),
    ("費用", box(60, 300, 90, 310)),
]
# a row whose amount 100万円 sits a little above its line, and whose 10万円 is printed twice
SPLIT_TABLE = Table(
    page=1, rows=((Cell("再発防止費用"), Cell("100万円"), Cell("10万円")),), bbox=box(40, 95, 560, 500)
)
SPLIT_LINES: list[tuple[str, BBox | None]] = [
    ("10万円", box(500, 100, 540, 110)),  # another row's deductible, far above
    ("100万円", box(450, 476, 490, 484)),
    ("再発防止費用 10万円", box(86, 482, 557, 490)),
]
CELL_TABLE = Table(
    page=1,
    rows=((Cell("原因調査費用", box(60, 300, 160, 312)), Cell("1,000万円", box(400, 300, 460, 312))),),
    bbox=box(55, 295, 470, 316),
)


@pytest.mark.parametrize(
    ("lines", "tables", "page", "evidence", "expected"),
    [
        # one whole line: that line's box
        ([("原因調査費用", L1), ("1,000万円", L2)], (), 1, "原因調査費用", L1),
        # part of a line: the box of the line it is printed in
        ([("支払限度額 1億円（1請求）", L1)], (), 1, "1億円", L1),
        # consecutive lines quoted with their line break: the union of the lines
        (
            [("前文", L1), ("情報漏えい", L2), ("見舞費用", L3), ("後文", L4)],
            (),
            1,
            "情報漏えい\n見舞費用",
            box(50, 112, 320, 134),
        ),
        # a table row quoted as cells joined by " | ", printed as one line with spaces between
        ([("表題", L1), ("相談費用 500万円", L2)], (), 1, "相談費用 | 500万円", L2),
        # the reader's spacing differs from the evidence's: whitespace does not count
        ([("相 談 費 用\u3000500万円", L3)], (), 1, "相談費用 500万円", L3),
        # one line holding the whole evidence beats two lines that hold it together
        ([("1億円", L1), ("（1請求）", L2), ("1億円（1請求）", L3)], (), 1, "1億円\n（1請求）", L3),
        # a line that is exactly the evidence beats a longer line that holds it
        ([("支払限度額 1億円", L3), ("1億円", L4)], (), 1, "1億円", L4),
        # a table row whose cells wrap onto lines interleaved with each other: every line of the
        # row, and the figure from the table rather than the same figure printed far away
        (
            WRAPPED_LINES,
            (WRAPPED_TABLE,),
            1,
            WRAPPED_TABLE.row_text(0),
            box(50, 100, 540, 122),
        ),
        # a word the row prints twice is looked for in both places it is printed, not twice in one
        (TWICE_LINES, (TWICE_TABLE,), 1, "費用 | 調査の費用", box(60, 100, 200, 310)),
        # parts never run across cells: 10万円 is the row's own cell, not the tail of "費用10" and
        # then the other row's 10万円
        (SPLIT_LINES, (SPLIT_TABLE,), 1, SPLIT_TABLE.row_text(0), box(86, 476, 557, 490)),
        # part of a cell, when the reader placed the cells and the lines are not placed
        ([("原因調査費用 1,000万円", None)], (CELL_TABLE,), 1, "1,000万", box(400, 300, 460, 312)),
        # a whole row of placed cells: the union of its cells
        ([], (CELL_TABLE,), 1, "原因調査費用 | 1,000万円", box(60, 300, 460, 312)),
        # text documents have no positions
        ([("原因調査費用", None)], (), 1, "原因調査費用", None),
        # evidence the page does not print (a character printed nowhere on it)
        ([("原因調査費用", L1)], (), 1, "原因調査費用等", None),
        # the record names another page than the one printing the evidence
        ([("原因調査費用", L1)], (), 2, "原因調査費用", None),
        # no page at all
        ([("原因調査費用", L1)], (), None, "原因調査費用", None),
        # blank evidence locates nothing
        ([("原因調査費用", L1)], (), 1, " \n ", None),
    ],
)
def test_locator_bbox(
    lines: list[tuple[str, BBox | None]],
    tables: tuple[Table, ...],
    page: int | None,
    evidence: str,
    expected: BBox | None,
) -> None:
    assert Locator(pdf_document(pdf_page(lines, tables))).bbox(page, evidence) == expected


def test_evidence_is_looked_up_on_its_own_page_only() -> None:
    # the same words on two pages: each page's record gets its page's line
    first = pdf_page([("原因調査費用", L1)], number=1)
    second = pdf_page([("表題", L1), ("原因調査費用", L3)], number=2)
    document = pdf_document(first, second)
    locate = Locator(document)
    assert locate.bbox(1, "原因調査費用") == L1
    assert locate.bbox(2, "原因調査費用") == L3


def test_html_and_text_rows_get_no_box() -> None:
    # the seed texts publish rows, none with a position
    (seed,) = sorted((FIXTURES / "seeds").glob("000_*.txt"))
    extraction = file_to_extraction(seed, seed.parent)
    rows = [r for t in EVIDENCE_TABLES for r in getattr(extraction, t)]
    assert rows
    assert all(getattr(r, c) is None for r in rows for c in BBOX)


def squash(text: str) -> str:
    """Given text, return its NFKC form without whitespace (what printed and quoted text is compared in)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@cache
def _published(path: Path) -> dict[str, pl.DataFrame]:
    """Given a PDF, return the rows it publishes per evidence table."""
    publication = results_to_publication({path.name: file_to_extraction(path, path.parent)})
    return {t: publication.frames[t][path.name] for t in EVIDENCE_TABLES}


def box_problem(pdf: pdfplumber.PDF, row: dict[str, Any]) -> str | None:
    """Given an open PDF and a published row, return what is wrong with the row's box, or None."""
    if any(row[c] is None for c in BBOX):
        return "no box"
    page = pdf.pages[row["page"] - 1]
    x0, top, x1, bottom = (row[c] for c in BBOX)
    if not (0 <= x0 <= x1 <= page.width and 0 <= top <= bottom <= page.height):
        return f"box {x0, top, x1, bottom} is off the {page.width}x{page.height} page"
    crop = (
        max(x0 - TOLERANCE, 0),
        max(top - TOLERANCE, 0),
        min(x1 + TOLERANCE, page.width),
        min(bottom + TOLERANCE, page.height),
    )
    printed = Counter(squash("".join(c["text"] for c in page.within_bbox(crop).chars)))
    # cells of a row are quoted joined by " | ", which is not printed
    missing = Counter(squash(row["evidence"].replace(CELL_SEPARATOR, ""))) - printed
    return f"not printed in its box: {''.join(missing.elements())!r}" if missing else None


@pytest.mark.parametrize("path", GOLD_PDFS, ids=lambda p: p.name)
def test_every_published_pdf_row_has_a_box_that_prints_its_evidence(path: Path) -> None:
    published = _published(path)
    assert sum(f.height for f in published.values()) > 0, f"{path.name} publishes no rows"
    with pdfplumber.open(path) as pdf:
        problems = [
            f"{table} p{row['page']} {row['evidence']!r}: {problem}"
            for table, frame in published.items()
            for row in frame.iter_rows(named=True)
            if (problem := box_problem(pdf, row)) is not None
        ]
    assert not problems, f"{path.name}:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        # a row without a box
        (lambda r: {"bbox_x0": None}, "no box"),
        # a box reaching past the page's right edge
        (lambda r: {"bbox_x1": 10_000.0}, "off the"),
        # the box of another row: it does not print this row's evidence
        (lambda r: dict.fromkeys(BBOX, 0.0), "not printed"),
    ],
)
def test_the_box_check_catches_a_wrong_box(change: Any, problem: str) -> None:
    # the check above is not vacuous: the same row with a wrong box fails it
    path = RAW / "000-aig-all-stars-cyber.pdf"
    row = _published(path)["coverages"].row(0, named=True)
    with pdfplumber.open(path) as pdf:
        assert box_problem(pdf, row) is None
        found = box_problem(pdf, row | change(row))
    assert found is not None and problem in found
