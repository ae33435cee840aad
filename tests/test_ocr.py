"""OCR of scanned PDF pages (extractors.readers.ocr): word boxes, chars, the engine check, a scanned seed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pypdfium2
import pytest

from extractors.extract import file_to_extraction
from extractors.readers import ocr, pdf
from extractors.records import Extraction, IngestErrorRecord
from pipelines.brochures import brochure_to_result

RAW = Path(__file__).parent.parent / "raw"
#: the seed scanned for the end-to-end test: two pages of coverage lists and a limits table
SEED = RAW / "002-nisshin-fire-pisapo-cyber.pdf"


def _data(*entries: tuple[int, int, str, float, int, int, int, int]) -> dict[str, list[Any]]:
    """Given (level, line, text, conf, left, top, width, height) entries, return an image_to_data dict."""
    keys = ("level", "line_num", "text", "conf", "left", "top", "width", "height")
    data: dict[str, list[Any]] = {k: [e[i] for e in entries] for i, k in enumerate(keys)}
    data["block_num"] = [1] * len(entries)
    data["par_num"] = [1] * len(entries)
    return data


def _scan(source: Path, target: Path, dpi: int = 300) -> Path:
    """Given a PDF, write every page as a grey image into an image-only PDF (a scan); return it."""
    document = pypdfium2.PdfDocument(source)
    images = [page.render(scale=dpi / 72).to_pil().convert("L") for page in document]
    document.close()
    images[0].save(target, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return target


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        # a word's box runs over the next word of its line (包括 past 的): cut where the next starts
        (
            [
                (4, 1, "", -1, 0, 0, 300, 30),
                (5, 1, "包括", 96, 0, 5, 200, 20),
                (5, 1, "的", 96, 100, 0, 50, 30),
            ],
            [("包括", 0.0, 100.0), ("的", 100.0, 150.0)],
        ),
        # a word's own sliver of a box (ー) takes its line's top and bottom
        ([(4, 1, "", -1, 0, 0, 300, 30), (5, 1, "ー", 93, 0, 14, 30, 2)], [("ー", 0.0, 30.0)]),
        # a word tesseract is unsure of (a speck read as a mark) and a blank word are dropped
        ([(4, 1, "", -1, 0, 0, 300, 30), (5, 1, "〃", 12, 0, 0, 9, 9), (5, 1, " ", 95, 20, 0, 9, 9)], []),
        # the last word of one line is not cut by the first word of the next line
        (
            [
                (4, 1, "", -1, 0, 0, 300, 30),
                (5, 1, "円", 96, 200, 0, 50, 30),
                (4, 2, "", -1, 0, 40, 300, 30),
                (5, 2, "補償", 96, 0, 40, 60, 30),
            ],
            [("円", 200.0, 250.0), ("補償", 0.0, 60.0)],
        ),
    ],
)
def test_data_to_words(entries: list[Any], expected: list[tuple[str, float, float]]) -> None:
    words = ocr.data_to_words(_data(*entries), scale=1.0, min_confidence=30.0)
    assert [(w.text, w.x0, w.x1) for w in words] == expected
    lines = {entry[1]: (entry[5], entry[5] + entry[7]) for entry in entries if entry[0] == 4}
    assert all((w.top, w.bottom) in lines.values() for w in words)


def test_data_to_words_scales_pixels_to_points() -> None:
    # at 300 dpi a pixel is 72/300 of a point
    data = _data((4, 1, "", -1, 0, 0, 300, 100), (5, 1, "A", 90, 300, 0, 100, 100))
    words = ocr.data_to_words(data, 0.24, 0)
    assert (words[0].x0, words[0].x1, words[0].bottom) == pytest.approx((72.0, 96.0, 24.0))


@pytest.mark.parametrize(
    ("text", "edges"),
    [
        # CJK characters share the box evenly
        ("保険", [(0.0, 30.0), (30.0, 60.0)]),
        # half-width digits take half the width of a full-width character
        ("1万", [(0.0, 20.0), (20.0, 60.0)]),
    ],
)
def test_words_to_chars(text: str, edges: list[tuple[float, float]]) -> None:
    chars = ocr.words_to_chars([ocr.OcrWord(text, 0.0, 5.0, 60.0, 15.0, 90.0)])
    assert [c["text"] for c in chars] == list(text)
    assert [c[k] for c in chars for k in ("x0", "x1")] == pytest.approx([x for edge in edges for x in edge])
    assert all((c["top"], c["bottom"]) == (5.0, 15.0) for c in chars)


def test_engine_problem_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ocr.pytesseract.pytesseract, "tesseract_cmd", "no-such-tesseract")
    problem = ocr.engine_problem()
    assert problem is not None
    assert "apt-get install tesseract-ocr tesseract-ocr-jpn" in problem


def test_engine_is_installed() -> None:
    # CI installs tesseract (.ci/run); a machine without it would skip nothing here but fail loudly
    assert ocr.engine_problem() is None


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _scan(SEED, tmp_path_factory.mktemp("scan") / SEED.name)


def _recall(found: set[Any], wanted: set[Any]) -> float:
    """Given what a scan yielded and what the text PDF yields, return the share of the latter found."""
    return len(found & wanted) / len(wanted)


@pytest.fixture(scope="module")
def both(scanned: Path) -> tuple[Extraction, Extraction]:
    return file_to_extraction(SEED, RAW), file_to_extraction(scanned, scanned.parent)


def test_scanned_seed_publishes_its_coverages_and_limits(both: tuple[Extraction, Extraction]) -> None:
    text, scan = both
    coverages = _recall({c.coverage_id for c in scan.coverages}, {c.coverage_id for c in text.coverages})
    limit_keys = [(r.coverage_id, r.limit_type, r.amount_jpy, r.ratio, r.days) for r in text.limits]
    found_keys = {(r.coverage_id, r.limit_type, r.amount_jpy, r.ratio, r.days) for r in scan.limits}
    limits = _recall(found_keys, set(limit_keys))
    # measured on tesseract 5.3.0 jpn at 300 dpi: 16 of 17 coverage ids, 8 of 14 limits
    assert coverages >= 16 / 17
    assert limits >= 8 / 14


def test_scanned_pages_are_marked_as_ocr(scanned: Path, both: tuple[Extraction, Extraction]) -> None:
    document = pdf.read(scanned)
    assert {p.text_layer for p in document.pages} == {"ocr"}
    assert all("read by OCR" in w for w in both[1].document.warnings)
    assert len(both[1].document.warnings) == document.page_count


def test_missing_engine_is_an_error_row_saying_what_to_install(
    scanned: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ocr.pytesseract.pytesseract, "tesseract_cmd", "no-such-tesseract")
    result = brochure_to_result(scanned.parent, scanned.name)
    assert isinstance(result, IngestErrorRecord)
    assert result.stage == "read"
    assert "apt-get install tesseract-ocr tesseract-ocr-jpn" in result.error
    # a brochure with a text layer is read as before
    assert isinstance(brochure_to_result(RAW, SEED.name), Extraction)
