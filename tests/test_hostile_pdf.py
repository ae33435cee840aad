"""Hostile PDFs end in an actionable error row quickly, and fake-bold copies are one glyph."""

import time
import zlib
from pathlib import Path

import pytest

from extractors.errors import BrochureError
from extractors.readers.pdf import PdfSettings, read

REAL = Path(__file__).parent / "fixtures" / "pdfs" / "real"


def pdf_bytes(objects: list[bytes]) -> bytes:
    """Given the bodies of objects 1…n (1 the catalog), return a PDF file holding them with its xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def one_page(content: bytes, length: bytes | None = None) -> bytes:
    """Given a page's content stream (and a /Length to claim), return a one-page PDF, Helvetica as /F1."""
    stream = zlib.compress(content, 9)
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %s /Filter /FlateDecode >>\nstream\n%s\nendstream"
            % (length or b"%d" % len(stream), stream),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def failure(tmp_path: Path, data: bytes, settings: PdfSettings) -> tuple[str, float]:
    """Given a PDF's bytes and settings, return the BrochureError message reading it raises, and its time."""
    path = tmp_path / "hostile.pdf"
    path.write_bytes(data)
    started = time.perf_counter()
    with pytest.raises(BrochureError) as raised:
        read(path, settings)
    return raised.value.message, time.perf_counter() - started


def test_a_stream_length_that_refers_to_itself_is_a_damaged_file_read_after_repair(tmp_path: Path) -> None:
    # resolving /Length recurses until Python's limit, and closing the file recursed again, uncaught
    path = tmp_path / "length.pdf"
    path.write_bytes(one_page(b"BT /F1 12 Tf 72 720 Td (Cyber insurance) Tj ET", length=b"4 0 R"))
    document = read(path)
    assert [line.text for line in document.pages[0].lines] == ["Cyber insurance"]
    assert any("damaged" in w and "loop" in w for w in document.warnings)


def test_a_compressed_stream_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    bomb = one_page(b" " * (8 << 20))  # 8 MiB of spaces, ~8 KB on disk
    message, seconds = failure(tmp_path, bomb, PdfSettings(max_page_content_mib=2))
    assert "max_page_content_mib" in message and "2 MiB" in message
    assert seconds < 5


def test_a_glyph_bomb_is_refused_before_its_glyphs_are_laid_out(tmp_path: Path) -> None:
    line = b"(" + b"A" * 1000 + b") Tj\n"
    bomb = one_page(b"BT /F1 1 Tf 0 0 Td\n" + line * 200 + b"ET")  # 200,000 glyphs
    message, seconds = failure(tmp_path, bomb, PdfSettings(max_page_text_bytes=50_000))
    assert "max_page_text_bytes" in message and "200,000" in message
    assert seconds < 5


def test_a_page_within_the_budgets_is_read(tmp_path: Path) -> None:
    path = tmp_path / "fine.pdf"
    path.write_bytes(one_page(b"BT /F1 12 Tf 72 720 Td (Cyber insurance) Tj ET"))
    document = read(path, PdfSettings(max_page_content_mib=1, max_page_text_bytes=100))
    assert [line.text for line in document.pages[0].lines] == ["Cyber insurance"]


def test_fake_bold_copies_whose_sizes_differ_in_the_last_decimals_are_one_glyph() -> None:
    # pdfplumber's issue 842: each glyph printed four times, 0.24 pt apart, two of the copies at a
    # type size 1e-13 larger: compared exactly they are two glyphs, and every line reads doubled
    document = read(REAL / "issue-842-example.pdf")
    lines = [line.text for line in document.pages[0].lines]
    assert lines[0] == "安徽安利合成革股份有限公司"
    assert "2011年年度报告" in lines
    assert not any("doubled" in w for w in document.warnings)


def pages_pdf(count: int) -> bytes:
    """Given a page count, return a PDF of that many pages, page n showing "Page n"."""
    font = b"<< /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >>"
    pages = [
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R /Resources %s >>"
        % (3 + count + i, font)
        for i in range(count)
    ]
    streams = [
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(body), body)
        for body in (b"BT /F1 12 Tf 72 720 Td (Page %d) Tj ET" % (i + 1) for i in range(count))
    ]
    kids = b" ".join(b"%d 0 R" % (3 + i) for i in range(count))
    tree = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count)
    return pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", tree, *pages, *streams])


@pytest.mark.parametrize(
    ("count", "budget", "read_pages"),
    [
        (5, 3, 3),  # over the budget: the first pages are read, the rest named in a warning
        (3, 3, 3),  # at the budget: every page, no warning
    ],
)
def test_pages_past_the_page_budget_are_left_unread_with_a_warning(
    tmp_path: Path, count: int, budget: int, read_pages: int
) -> None:
    path = tmp_path / "pages.pdf"
    path.write_bytes(pages_pdf(count))
    document = read(path, PdfSettings(max_pages=budget))
    assert [page.number for page in document.pages] == list(range(1, read_pages + 1))
    assert f"Page {read_pages}" in document.text and f"Page {read_pages + 1}" not in document.text
    said = [w for w in document.warnings if "PdfSettings.max_pages" in w]
    assert len(said) == (count > budget)
    assert all(f"{count:,} pages" in w and f"{budget + 1:,}-{count:,} are missing" in w for w in said)
