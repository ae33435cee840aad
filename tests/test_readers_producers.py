"""The PDF reader on PDFs from other producers: the same text, other fonts and spacing.

Chromium fixtures (tests/fixtures/pdfs/*.pdf) carry Type 3 fonts; tests/fixtures/pdfs/producers/
holds the same pages written by LibreOffice (Type 1 and TrueType subsets) and fpdf2
(CID-keyed Type 0, Identity-H), and copies with their Unicode maps blanked. See the README
there for how each was made.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from types import ModuleType

import pytest

from extractors.document import Document, nfkc
from extractors.errors import BrochureError
from extractors.readers import pdf

PDFS = Path(__file__).parent / "fixtures" / "pdfs"
PRODUCERS = PDFS / "producers"

#: a CJK character, a space, a CJK character: what a reader must never produce inside a line
CJK_SPACE_CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff\u3000-\u303f] [\u3040-\u30ff\u4e00-\u9fff]")


def _fixture_source() -> ModuleType:
    """Given nothing, return the fixture generator module (it holds the texts the PDFs were made from)."""
    spec = importlib.util.spec_from_file_location("make_fixtures", PDFS / "make_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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
    [PDFS / "borderless_table.pdf", PRODUCERS / "fpdf_borderless_table.pdf"],
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
