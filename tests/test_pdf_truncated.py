"""A PDF cut off before its cross-reference table is read after its structure is rebuilt."""

import io
from pathlib import Path

import pdfplumber
import pytest

from extractors.errors import BrochureError
from extractors.extract import file_to_extraction
from extractors.readers.pdf import lost_objects, rebuild_xref

RAW = Path(__file__).parents[1] / "raw"
SEED_PDF = RAW / "002-nisshin-fire-pisapo-cyber.pdf"


def _cut_before_xref(data: bytes) -> bytes:
    """Given a PDF's bytes, return them cut just before their last `xref` keyword (trailer lost too)."""
    at = data.rfind(b"\nxref")
    assert at > 0, "the seed has no classic cross-reference table"
    return data[: at + 1]


def test_a_seed_cut_before_xref_publishes_the_same_rows_with_a_warning(tmp_path: Path) -> None:
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(_cut_before_xref(SEED_PDF.read_bytes()))
    whole = file_to_extraction(SEED_PDF, RAW)
    read = file_to_extraction(truncated, tmp_path)
    assert len(read.limits) == len(whole.limits) > 0
    assert [r.amount_jpy for r in read.limits] == [r.amount_jpy for r in whole.limits]
    assert [r.coverage_label for r in read.coverages] == [r.coverage_label for r in whole.coverages]
    assert read.document.page_count == whole.document.page_count
    assert any("structure was rebuilt" in w for w in read.document.warnings)
    assert not any("structure was rebuilt" in w for w in whole.document.warnings)


def test_rebuilding_finds_the_catalog_and_every_object() -> None:
    data = _cut_before_xref(SEED_PDF.read_bytes())
    rebuilt = rebuild_xref(data)
    assert rebuilt is not None and rebuilt.startswith(data.rstrip())
    assert not lost_objects(data)
    with pdfplumber.open(io.BytesIO(rebuilt)) as pdf:
        assert len(pdf.pages) == len(pdfplumber.open(SEED_PDF).pages)


@pytest.mark.parametrize("share", [0.25, 0.5, 0.9])
def test_a_pdf_cut_in_its_body_is_an_error_not_glyphs_without_fonts(tmp_path: Path, share: float) -> None:
    data = SEED_PDF.read_bytes()
    path = tmp_path / "half.pdf"
    path.write_bytes(data[: int(len(data) * share)])
    assert lost_objects(path.read_bytes())
    with pytest.raises(BrochureError, match="PDF is damaged") as caught:
        file_to_extraction(path, tmp_path)
    assert caught.value.stage == "read"
    assert rebuild_xref(b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n") is None  # no catalog: nothing to rebuild


@pytest.mark.parametrize("data", [b"%PDF-1.4\n", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"])
def test_a_pdf_with_nothing_to_rebuild_gets_an_error_row(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "stub.pdf"
    path.write_bytes(data)
    with pytest.raises(BrochureError, match="PDF"):
        file_to_extraction(path, tmp_path)
