"""The PDF reader frees each page after reading it and bounds pdfminer's caches."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from pdfminer.pdftypes import PDFStream

from extractors.readers.pdf import PdfSettings, release_page


def _page(objects: int, fonts: int) -> SimpleNamespace:
    """A stand-in for a pdfplumber page: its document's caches and a close() that records itself."""
    document = SimpleNamespace(_cached_objs=dict.fromkeys(range(objects)), _parsed_objs={})
    resources = SimpleNamespace(_cached_fonts=dict.fromkeys(range(fonts)))
    page = SimpleNamespace(pdf=SimpleNamespace(doc=document, rsrcmgr=resources), closed=False)
    page.close = lambda: setattr(page, "closed", True)
    return page


@pytest.mark.parametrize(
    ("objects", "fonts", "objects_left", "fonts_left"),
    [
        # a brochure of a few pages: nothing is dropped, later pages reuse what was parsed
        (500, 240, 500, 240),
        # past the object bound: the object caches are emptied, the fonts kept
        (2_001, 10, 0, 10),
        # past the font bound: the font cache is emptied
        (10, 501, 10, 0),
    ],
)
def test_release_page_bounds_the_caches(objects: int, fonts: int, objects_left: int, fonts_left: int) -> None:
    page = _page(objects, fonts)
    release_page(page, PdfSettings())
    assert page.closed
    assert len(page.pdf.doc._cached_objs) == objects_left
    assert len(page.pdf.rsrcmgr._cached_fonts) == fonts_left


def test_release_page_without_pdfminer_caches_only_closes() -> None:
    # a pdfminer without these private attributes: nothing to bound, no error
    page = SimpleNamespace(pdf=SimpleNamespace(doc=object(), rsrcmgr=object()), closed=False)
    page.close = lambda: setattr(page, "closed", True)
    release_page(page, PdfSettings())
    assert page.closed


def _stream(n_bytes: int) -> PDFStream:
    return PDFStream({}, b"x" * n_bytes)


@pytest.mark.parametrize(
    ("streams_kib", "font_files_kib", "emptied"),
    [
        # a few pages' content streams and fonts, well under the budget: kept for the next page
        ([64, 64], [128], False),
        # content streams past the budget though few objects: both caches emptied
        ([1024, 1024, 1024], [], True),
        # fonts each holding its embedded font program, past the budget: both caches emptied
        # (a dropped font would otherwise keep its program alive)
        ([], [1024, 1024, 1024], True),
    ],
)
def test_release_page_bounds_the_stream_bytes_held(
    streams_kib: list[int], font_files_kib: list[int], emptied: bool
) -> None:
    page = _page(0, 0)
    page.pdf.doc._cached_objs = {i: (_stream(k * 1024), 0) for i, k in enumerate(streams_kib)}
    page.pdf.rsrcmgr._cached_fonts = {
        i: SimpleNamespace(fontfile=_stream(k * 1024)) for i, k in enumerate(font_files_kib)
    }
    release_page(page, PdfSettings(max_cached_stream_mib=2))
    left = len(page.pdf.doc._cached_objs) + len(page.pdf.rsrcmgr._cached_fonts)
    assert (left == 0) == emptied
