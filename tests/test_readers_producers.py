"""The PDF reader on PDFs from other producers: the same text, other fonts and spacing.

Chromium fixtures (tests/fixtures/pdfs/*.pdf) carry Type 3 fonts; tests/fixtures/pdfs/producers/
holds the same pages written by LibreOffice (Type 1 and TrueType subsets) and fpdf2
(CID-keyed Type 0, Identity-H), and copies with their Unicode maps blanked. See the README
there for how each was made.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import ModuleType

import pdfplumber
import pytest
from conftest import load_module

from extractors.document import Document, nfkc
from extractors.errors import BrochureError
from extractors.readers import pdf

PDFS = Path(__file__).parent / "fixtures" / "pdfs"
PRODUCERS = PDFS / "producers"

#: a CJK character, a space, a CJK character: what a reader must never produce inside a line
CJK_SPACE_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\u3000-\u303f] [\u3040-\u30ff\u4e00-\u9fff]")


def _fixture_source() -> ModuleType:
    """Given nothing, return the fixture generator module (it holds the texts the PDFs were made from)."""
    return load_module(PDFS / "make_fixtures.py")


def _lines(document: Document) -> list[str]:
    """Given a document, return its lines in NFKC form."""
    return [nfkc(line.text) for line in document.iter_lines()]


PLAIN = [
    PDFS / "plain.pdf",  # Chromium: Type 3 fonts, Kangxi radicals in the text
    PRODUCERS / "lo_plain.pdf",  # LibreOffice: simple Type 1 subsets of Noto Sans CJK
    PRODUCERS / "lo_plain_truetype.pdf",  # LibreOffice: simple TrueType subsets of IPA Gothic
    PRODUCERS / "fpdf_plain.pdf",  # fpdf2: CID-keyed Type 0 (Identity-H) with a CIDToGIDMap
]


@pytest.mark.parametrize("path", PLAIN, ids=lambda p: p.name)
def test_plain_text_reads_the_same_from_every_producer(path: Path) -> None:
    document = pdf.read(path)
    # every character once, none doubled or dropped, no space between CJK characters
    assert _lines(document) == [
        "個人情報漏えい保険",
        "情報漏えいが発生した場合の損害賠償金と争訟費用を補償します。",
        "支払限度額は1億円です。",
    ]
    assert [page.text_layer for page in document.pages] == ["ok"]
    assert document.warnings == ()


@pytest.mark.parametrize(
    "path",
    [
        PDFS / "borderless_table.pdf",
        PRODUCERS / "fpdf_borderless_table.pdf",
        # LibreOffice sets the cells 0.4 em apart (プラン 年間保険料支払限度額): the other rows'
        # cell starts show where the columns begin
        PRODUCERS / "lo_borderless_table.pdf",
    ],
    ids=lambda p: p.name,
)
def test_borderless_table_cells_from_every_producer(path: Path) -> None:
    document = pdf.read(path)
    [table] = document.iter_tables()
    assert [tuple(cell.norm for cell in row) for row in table.rows] == _fixture_source().BORDERLESS_TABLE
    lines = _lines(document)
    assert lines[-1] == "罫線のない表の後にある説明文です。保険料は一例です。"


@pytest.mark.parametrize(
    "path",
    [PDFS / "wrapped_table.pdf", PRODUCERS / "lo_wrapped_table.pdf"],
    ids=lambda p: p.name,
)
def test_wrapped_label_table_from_every_producer(path: Path) -> None:
    # Chromium pads the cells and keeps the amounts on one line; LibreOffice pads them less,
    # wraps the amounts (3,000万 / 円) and centres the header and short cells vertically
    document = pdf.read(path)
    [table] = document.iter_tables()
    expected = [tuple(nfkc(text) for text in row) for row in _fixture_source().WRAPPED_TABLE]
    assert [tuple(cell.norm for cell in row) for row in table.rows] == expected
    assert not [cell.norm for row in table.rows for cell in row if CJK_SPACE_CJK.search(cell.norm)]


def _producers() -> ModuleType:
    """Given nothing, return the LibreOffice fixture generator (it holds the texts of lo_*.pdf)."""
    return load_module(PRODUCERS / "make_producers.py")


def test_table_broken_across_pages_goes_on_at_the_next_page() -> None:
    # LibreOffice: cells 0.4 em apart (コンサルティング200万円 is two cells), the page break
    # inside the table, and a total row whose amount wraps beside a vertically centred label
    source = _producers()
    document = pdf.read(PRODUCERS / "lo_ledger.pdf")
    tables = list(document.iter_tables())
    assert [t.page for t in tables] == [1, 2]
    rows = [tuple(cell.norm for cell in row) for t in tables for row in t.rows]
    expected = [tuple(nfkc(text) for text in row) for row in [*source.LEDGER, source.LEDGER_TOTAL]]
    assert rows == expected
    # the page-2 part keeps the page it was printed on, and reads one line per row
    lines = [(line.page, nfkc(line.text)) for line in document.iter_lines()]
    assert (2, "合計 1億7,200万円") in lines


def test_a_lone_row_at_a_page_top_is_a_table_only_after_one_ending_the_page_before() -> None:
    # the control for the test above: page 2 opens with one aligned row (争訟費用 300万円) and
    # the total; read alone it is prose, after a page ending in a table of those columns a table
    with pdfplumber.open(PRODUCERS / "lo_ledger.pdf") as opened:
        first, second = (pdf.load_page(opened.pages[n], n + 1, pdf.DEFAULT_SETTINGS) for n in (0, 1))
    columns = pdf.raw_to_page(first, pdf.DEFAULT_SETTINGS).trailing_columns
    assert len(columns) == 2
    assert pdf.raw_to_page(second, pdf.DEFAULT_SETTINGS).page.tables == ()
    [table] = pdf.raw_to_page(second, pdf.DEFAULT_SETTINGS, columns).page.tables
    assert table.page == 2 and len(table.rows) == 2
    # columns elsewhere (one column shifted off its counterpart) carry nothing
    shifted = (columns[0], (columns[1][1] + 100.0, columns[1][1] + 150.0))
    assert pdf.raw_to_page(second, pdf.DEFAULT_SETTINGS, shifted).page.tables == ()


@pytest.mark.parametrize(
    "path", [PDFS / "ruled_table.pdf", PRODUCERS / "lo_ruled_table.pdf"], ids=lambda p: p.name
)
def test_ruled_table_with_a_spanning_total_from_every_producer(path: Path) -> None:
    # LibreOffice drops the CSS rules (the table is read as a borderless one), wraps the labels
    # and the total's amount (3億3,000万 / 円) and centres the spanning total label between them
    document = pdf.read(path)
    table = next(iter(document.iter_tables()))
    assert [tuple(cell.norm for cell in row) for row in table.rows] == [
        ("補償の種類", "内容", "支払限度額"),
        (
            "損害賠償責任",
            "被保険者が法律上の損害賠償責任を負担することによって被る損害を補償します。争訟費用も含みます。",
            "3億円",
        ),
        ("事故対応費用", "原因調査費用、Data Recovery費用、コールセンター設置費用", "3,000万円"),
        ("合計(1請求あたり)", "", "3億3,000万円"),
    ]


def test_grid_of_vertically_centred_cells_is_a_table() -> None:
    # LibreOffice centres each cell vertically: the shorter cell of a row sits between the two
    # lines of the longer one, so no visual line holds both cells; the cells share their middles
    source = _producers()
    document = pdf.read(PRODUCERS / "lo_centred_grid.pdf")
    [table] = document.iter_tables()
    expected = [tuple(nfkc(text) for text in row) for row in source.CENTRED_GRID]
    assert [tuple(cell.norm for cell in row) for row in table.rows] == expected
    lines = _lines(document)
    assert lines[0].startswith("表の前の段落です") and lines[-1].startswith("表の後の段落です")


@pytest.mark.parametrize(
    ("blocks", "rows"),
    [
        # two rows, the taller cell of each starting higher: centred cells
        ([[(10, 20), (40, 60)], [(5, 25), (45, 55)]], [(5, 25), (40, 60)]),
        # the same tops and bottoms on both sides: plain columns show that too
        ([[(10, 20), (40, 60)], [(10, 20), (40, 60)]], []),
        # middles apart: paragraphs of two columns
        ([[(10, 20), (40, 60)], [(10, 40), (50, 52)]], []),
        # one row only proves nothing
        ([[(10, 20)], [(5, 25)]], []),
        # a block more on one side
        ([[(10, 20), (40, 60), (70, 80)], [(5, 25), (45, 55)]], []),
    ],
)
def test_centred_rows(blocks: list[list[tuple[float, float]]], rows: list[tuple[float, float]]) -> None:
    assert pdf.centred_rows(blocks, tolerance=2.0) == rows


@pytest.mark.parametrize(
    "path",
    [
        PRODUCERS / "lo_plain_truetype_cid.pdf",  # simple TrueType, no ToUnicode: (cid:N) glyphs
        PRODUCERS / "fpdf_plain_cid.pdf",  # Identity-H, no ToUnicode: pdfminer guesses wrong characters
    ],
    ids=lambda p: p.name,
)
def test_fonts_without_a_unicode_map_are_reported_not_read(path: Path) -> None:
    with pytest.raises(BrochureError) as caught:
        pdf.read(path)
    assert "(cid:N)" in caught.value.message and "OCR" in caught.value.message


def test_identity_font_without_a_map_yields_mojibake_that_the_reader_drops() -> None:
    # the control for the test above: pdfminer does give text for this file, and it is wrong
    import pdfplumber

    with pdfplumber.open(PRODUCERS / "fpdf_plain_cid.pdf") as document:
        text = "".join(c["text"] for c in document.pages[0].chars)
    assert text and "情報漏えい" not in text
    with pdfplumber.open(PRODUCERS / "fpdf_plain.pdf") as document:
        assert pdf.guessed_fonts(document.pages[0]) == frozenset()
    with pdfplumber.open(PRODUCERS / "fpdf_plain_cid.pdf") as document:
        assert pdf.guessed_fonts(document.pages[0]) == frozenset({"MPDFAA+IPAGothic"})


@pytest.mark.parametrize("path", sorted(PRODUCERS.glob("*.pdf")), ids=lambda p: p.name)
def test_every_producer_fixture_reads_or_fails_with_a_brochure_error(path: Path) -> None:
    try:
        document = pdf.read(path)
    except BrochureError as error:
        assert error.stage == "read" and "OCR" in error.message
        return
    lines = _lines(document)
    assert lines and all(page.text_layer == "ok" for page in document.pages)
    # no space between CJK characters inside a cell (a row's line joins its cells by a space)
    cells = [cell.norm for table in document.iter_tables() for row in table.rows for cell in row]
    assert not [text for text in cells if CJK_SPACE_CJK.search(text)]
    # no glyph doubled by a fake-bold or overprinting producer
    assert not [line for line in lines if re.search(r"([\u4e00-\u9fff])\1\1", line)]
