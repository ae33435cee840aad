"""The PDF reader frees each page after reading it and bounds pdfminer's caches."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

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
