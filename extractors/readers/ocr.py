"""OCR of PDF pages without a text layer: pypdfium2 renders the page, tesseract reads it in Japanese.

The words tesseract finds, with their boxes, become pdfplumber-shaped char dicts in PDF points
(each word's box shared among its characters by their width), so the PDF reader lays them out
into lines and tables exactly as it lays out a text layer, and no extractor knows the difference.
Pages read so are marked `text_layer="ocr"` and named in the document's warnings.

tesseract is a system program (`apt-get install tesseract-ocr tesseract-ocr-jpn`), called
through pytesseract; nothing goes to the network. Where it or its Japanese model is missing,
`engine_problem` says what to install.
"""

from __future__ import annotations

import os
import shutil
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pypdfium2
import pytesseract
from PIL import Image

#: what to run where the engine is missing (Debian/Ubuntu package names)
INSTALL_HINT = "install tesseract with its Japanese model (apt-get install tesseract-ocr tesseract-ocr-jpn)"


@dataclass(frozen=True)
class OcrSettings:
    """How scanned pages are read."""

    #: tesseract language models, `+`-joined
    languages: str = "jpn"
    #: the page is rendered at this resolution for tesseract (it reads 300 dpi best)
    dpi: int = 300
    #: words tesseract is less sure of than this (0-100) are specks, rules and stains read as text
    min_confidence: float = 30.0
    #: tesseract's page segmentation mode: 3 finds columns and blocks by itself
    page_segmentation: int = 3
    #: a horizontal or vertical run of ink at least this long (pt) is a ruling line (a table's
    #: border: no stroke of text is that long), erased before reading: tesseract reads a ruled
    #: grid as noise and loses the text in its cells
    rule_min_points: float = 60.0
    #: a run is ink where its average grey level (0 black, 255 white) is below this
    rule_max_grey: int = 100


DEFAULT_SETTINGS = OcrSettings()


@dataclass(frozen=True)
class OcrWord:
    """One word tesseract read: its text, its box in PDF points (top-left origin), its confidence."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    confidence: float


def engine_problem(settings: OcrSettings = DEFAULT_SETTINGS) -> str | None:
    """Given OCR settings, return why pages cannot be OCR'd here and what to install, or None."""
    command = str(pytesseract.pytesseract.tesseract_cmd)
    if shutil.which(command) is None:
        return f"no OCR engine: the tesseract program is not installed; {INSTALL_HINT}"
    missing = set(settings.languages.split("+")) - set(pytesseract.get_languages())
    if missing:
        models = ", ".join(sorted(missing))
        return f"no OCR engine: tesseract lacks the language model(s) {models}; {INSTALL_HINT}"
    return None


@contextmanager
def _one_thread() -> Iterator[None]:
    """Given nothing, run tesseract single-threaded while inside: its OpenMP threads fight the
    other workers for the CPUs (measured: a page took 14 s with them, 3 s without)."""
    before = os.environ.get("OMP_THREAD_LIMIT")
    os.environ["OMP_THREAD_LIMIT"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["OMP_THREAD_LIMIT"]
        else:
            os.environ["OMP_THREAD_LIMIT"] = before


def _line_key(data: dict[str, list[Any]], i: int) -> tuple[int, int, int]:
    """Given tesseract's image_to_data dict and an entry, return the (block, paragraph, line) it sits in."""
    return (int(data["block_num"][i]), int(data["par_num"][i]), int(data["line_num"][i]))


def data_to_words(data: dict[str, list[Any]], scale: float, min_confidence: float) -> list[OcrWord]:
    """Given tesseract's image_to_data dict and points per pixel, return its confident, non-blank words.

    Each word takes its line's top and bottom (a word's own box hugs its ink: ー is a sliver),
    as a font's glyphs share one height. A Japanese word's box often runs over the words after it
    (包括 reaching past 的に補償), while tesseract's order of words is right: a box is cut where the
    next word of its line starts.
    """
    lines = {_line_key(data, i): i for i, level in enumerate(data["level"]) if int(level) == 4}
    kept = [
        i
        for i, text in enumerate(data["text"])
        if str(text).strip() and float(data["conf"][i]) >= min_confidence and _line_key(data, i) in lines
    ]
    words = []
    for n, i in enumerate(kept):
        line = lines[_line_key(data, i)]
        left, right = float(data["left"][i]), float(data["left"][i] + data["width"][i])
        if n + 1 < len(kept) and _line_key(data, kept[n + 1]) == _line_key(data, i):
            following = float(data["left"][kept[n + 1]])
            right = min(right, following) if following > left else right
        top, bottom = float(data["top"][line]), float(data["top"][line] + data["height"][line])
        text, confidence = str(data["text"][i]).strip(), float(data["conf"][i])
        words.append(OcrWord(text, left * scale, top * scale, right * scale, bottom * scale, confidence))
    return words


def _char_width(char: str) -> int:
    """Given a character, return its share of a word's width: 2 for full-width (CJK), 1 otherwise."""
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def words_to_chars(words: Sequence[OcrWord]) -> list[dict[str, Any]]:
    """Given OCR words, return a pdfplumber-shaped char dict per character, sharing the box by width."""
    chars = []
    for word in words:
        units = [_char_width(c) for c in word.text]
        step = (word.x1 - word.x0) / sum(units)
        x = word.x0
        for char, unit in zip(word.text, units, strict=True):
            end = x + unit * step
            chars.append({"text": char, "x0": x, "x1": end, "top": word.top, "bottom": word.bottom})
            x = end
    return chars


def erase_rules(image: Image.Image, length: int, max_grey: int) -> Image.Image:
    """Given a page image, a length in pixels and a grey level, return it in greyscale with its
    ruling lines whitened: the runs, across and down, darker on average than that level over
    that length."""
    grey = image.convert("L")
    width, height = grey.size
    for size in ((max(1, width // length), height), (width, max(1, height // length))):
        ink = grey.resize(size, Image.Resampling.BOX).point(lambda v: 255 if v < max_grey else 0)
        grey.paste(255, mask=ink.resize((width, height), Image.Resampling.NEAREST))
    return grey


def page_to_words(path: Path, index: int, settings: OcrSettings = DEFAULT_SETTINGS) -> list[OcrWord]:
    """Given a PDF file and a 0-based page index, return the words tesseract reads on that page
    (its ruling lines erased first)."""
    pdf = pypdfium2.PdfDocument(path)
    try:
        image = pdf[index].render(scale=settings.dpi / 72).to_pil()
    finally:
        pdf.close()
    image = erase_rules(image, round(settings.rule_min_points * settings.dpi / 72), settings.rule_max_grey)
    with _one_thread():
        data = pytesseract.image_to_data(
            image,
            lang=settings.languages,
            config=f"--psm {settings.page_segmentation}",
            output_type=pytesseract.Output.DICT,
        )
    return data_to_words(data, 72 / settings.dpi, settings.min_confidence)


def page_to_chars(path: Path, index: int, settings: OcrSettings = DEFAULT_SETTINGS) -> list[dict[str, Any]]:
    """Given a PDF file and a 0-based page index, return the page's OCR'd text as pdfplumber-shaped chars."""
    return words_to_chars(page_to_words(path, index, settings))


def note(number: int, chars: int, settings: OcrSettings = DEFAULT_SETTINGS) -> str:
    """Given a page number and how many characters OCR found there, return the warning that says so."""
    return (
        f"page {number} has no text layer and was read by OCR (tesseract {settings.languages}, "
        f"{chars} characters); its text may hold misread characters"
    )
