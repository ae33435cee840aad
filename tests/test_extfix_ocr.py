"""Ruling lines erased from a scanned page before OCR (generalisation fixes)."""

from __future__ import annotations

import pytest
from PIL import Image, ImageDraw

from extractors.readers.ocr import erase_rules


@pytest.mark.parametrize(
    ("box", "erased"),
    [
        ((0, 100, 999, 102), True),  # a border across the page: a ruling line, whitened
        ((500, 0, 502, 999), True),  # a border down the page: the same
        ((100, 300, 130, 302), False),  # a stroke as long as a glyph is wide: text, kept
        ((100, 500, 130, 530), False),  # a solid glyph-sized blot: kept
        ((0, 700, 999, 702), False),  # a light grey rule (a shade, not ink): kept
    ],
)
def test_erase_rules(box: tuple[int, int, int, int], erased: bool) -> None:
    image = Image.new("RGB", (1000, 1000), "white")
    fill = (200, 200, 200) if box[1] == 700 else (0, 0, 0)
    ImageDraw.Draw(image).rectangle(box, fill=fill)
    middle = ((box[0] + box[2]) // 2, (box[1] + box[3]) // 2)
    cleaned = erase_rules(image, length=250, max_grey=100)
    assert (cleaned.getpixel(middle) == 255) is erased
