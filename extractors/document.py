"""The format-independent model every reader returns and every extractor reads.

Text is kept twice on purpose: `text` is verbatim (evidence must quote the brochure
exactly) and `norm` is NFKC-normalised (matching must not care about full-width digits,
Kangxi radicals or half-width katakana).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property, lru_cache
from importlib import resources
from typing import Literal

import yaml

SourceFormat = Literal["pdf", "html", "text"]
TextLayer = Literal["ok", "none", "cid", "ocr"]  # "ocr": read from a scanned image (readers.ocr)

#: how the cells of one table row are joined when a row is written out as text
CELL_SEPARATOR = " | "


#: circled numbers ①–⑳ pass through unchanged: NFKC makes ② the digit 2, which then runs into
#: the figure after it (②1億円 would read 21億円) or reads as a bare number of its own
_CIRCLED_NUMBERS = re.compile("([\u2460-\u2473])")


@cache
def confusables() -> dict[int, str]:
    """Given nothing, return the look-alike map of data/confusables.yaml as a str.translate table."""
    raw = yaml.safe_load(resources.files("extractors").joinpath("data/confusables.yaml").read_text("utf-8"))
    return {ord(k): v for k, v in raw.items()}


#: words of half-width katakana (JIS X 0201, as host systems print), one space apart
_HALFWIDTH_KANA = re.compile("[\uff66-\uff9f]+(?: [\uff66-\uff9f]+)*")


@cache
def readings() -> tuple[dict[str, str], dict[str, str]]:
    """Given nothing, return the words and particles of data/readings.yaml (katakana → written form)."""
    raw = yaml.safe_load(resources.files("extractors").joinpath("data/readings.yaml").read_text("utf-8"))
    return raw["words"], raw["particles"]


def kana_to_written(kana: str) -> str | None:
    """Given a katakana word, return it written as the readings spell it when it splits wholly into
    their words, longest first (ホケンキカンチュウ → 保険期間中), or a whole particle (ノ → の); else None."""
    words, particles = readings()
    if kana in particles:
        return particles[kana]
    out, at = [], 0
    while at < len(kana):
        word = next((kana[at:end] for end in range(len(kana), at, -1) if kana[at:end] in words), None)
        if word is None:
            return None
        out.append(words[word])
        at += len(word)
    return "".join(out)


def _halfwidth_written(match: re.Match[str]) -> str:
    """Given a run of half-width katakana words, return it NFKC-normalised with each word the
    readings know written out, and no space left between two words so written."""
    out: list[tuple[str, bool]] = []
    for word in unicodedata.normalize("NFKC", match.group(0)).split(" "):
        written = kana_to_written(word)
        joined = written is not None and bool(out) and out[-1][1]
        out.append(((out.pop()[0] if joined else "") + (written or word), written is not None))
    return " ".join(text for text, _ in out)


#: texts up to this long have their NFKC form cached (labels, cells and lines, asked about again
#: and again by the extractors; a page's whole text is not worth keeping)
NFKC_CACHED_CHARS = 512


def nfkc(text: str) -> str:
    """Given verbatim text, return its NFKC form with PDF look-alikes mapped and half-width katakana
    words written out where the readings know them (what matching reads)."""
    return _cached_nfkc(text) if len(text) <= NFKC_CACHED_CHARS else _nfkc(text)


@lru_cache(maxsize=1 << 15)
def _cached_nfkc(text: str) -> str:
    """Given a short verbatim text, return `_nfkc` of it (cached)."""
    return _nfkc(text)


def _nfkc(text: str) -> str:
    """Given verbatim text, return `nfkc` of it (uncached)."""
    parts = _CIRCLED_NUMBERS.split(_HALFWIDTH_KANA.sub(_halfwidth_written, text.translate(confusables())))
    return "".join(part if i % 2 else unicodedata.normalize("NFKC", part) for i, part in enumerate(parts))


@dataclass(frozen=True)
class BBox:
    """A rectangle in PDF points, origin top-left (pdfplumber's `x0, top, x1, bottom`)."""

    x0: float
    top: float
    x1: float
    bottom: float


def union_bbox(boxes: Iterable[BBox]) -> BBox:
    """Given one or more boxes, return the smallest box holding them all."""
    items = list(boxes)
    return BBox(
        x0=min(b.x0 for b in items),
        top=min(b.top for b in items),
        x1=max(b.x1 for b in items),
        bottom=max(b.bottom for b in items),
    )


def centre_inside(box: BBox, frame: BBox, slack: float = 0.0) -> bool:
    """Given a box and a frame, return whether the box's centre lies in the frame (give or take `slack`)."""
    cx, cy = (box.x0 + box.x1) / 2, (box.top + box.bottom) / 2
    return frame.x0 - slack <= cx <= frame.x1 + slack and frame.top - slack <= cy <= frame.bottom + slack


@dataclass(frozen=True)
class Line:
    """One line of running text in reading order."""

    text: str
    page: int
    bbox: BBox | None = None
    #: the heading level the source states (HTML h1–h6, markdown `#`…; 1 is the top), None for
    #: body text or where the source does not say (`extractors.layout` infers PDF levels)
    level: int | None = None
    #: the type size in points (PDF: the largest glyph of the line), None where there is none
    size: float | None = None

    @cached_property
    def norm(self) -> str:
        """Given nothing, return the text in NFKC form (what matching reads; `text` is the evidence).

        Computed once per object: extractors read it many times, and NFKC dominated their profile.
        """
        return nfkc(self.text)


@dataclass(frozen=True)
class Cell:
    """One grid slot of a table: its verbatim text, its spans and role as the source declares them.

    A merged cell sits in its top-left slot with `row_span`/`col_span` > 1; the other slots it
    covers hold an empty Cell with `covered` set, so that every row keeps one slot per column.
    `header` is the source's own word (HTML `th`); readers that cannot know leave it False and
    `extractors.layout` infers header rows. `page` is set where a table runs across pages.
    """

    text: str
    bbox: BBox | None = None
    page: int | None = None
    row_span: int = 1
    col_span: int = 1
    header: bool = False
    covered: bool = False

    @cached_property
    def norm(self) -> str:
        """Given nothing, return the text in NFKC form (what matching reads; `text` is the evidence).

        Computed once per object: extractors read it many times, and NFKC dominated their profile.
        """
        return nfkc(self.text)


@dataclass(frozen=True)
class Table:
    """A grid of cells; rows may differ in length, merged cells repeat nothing (empty text)."""

    page: int
    rows: tuple[tuple[Cell, ...], ...]
    bbox: BBox | None = None

    def row_text(self, index: int, page: int | None = None) -> str:
        """Given a row index (and a page, where a row's columns run onto the next), return the row's
        verbatim cells (those printed on that page) joined by CELL_SEPARATOR."""
        cells = self.rows[index]
        return CELL_SEPARATOR.join(c.text for c in cells if page is None or (c.page or self.page) == page)

    def row_page(self, index: int) -> int:
        """Given a row index, return the page the row is printed on (a table may run onto the next)."""
        return next((c.page for c in self.rows[index] if c.page is not None), self.page)

    def texts(self) -> list[list[str]]:
        """Given nothing, return the verbatim cell texts as a list of rows."""
        return [[c.text for c in row] for row in self.rows]


@dataclass(frozen=True)
class Page:
    """One page (html and text documents have exactly one).

    `lines` is the whole page in reading order, table text included; `tables` gives the
    same table text again with its grid structure.
    """

    number: int
    lines: tuple[Line, ...]
    tables: tuple[Table, ...] = ()
    text_layer: TextLayer = "ok"
    width: float | None = None
    height: float | None = None


@dataclass(frozen=True)
class Document:
    source: str  # path as given to the reader
    source_format: SourceFormat
    pages: tuple[Page, ...]
    title: str | None = None
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def page_count(self) -> int:
        return len(self.pages)

    def iter_lines(self) -> Iterator[Line]:
        """Given nothing, return every line of every page in reading order."""
        for page in self.pages:
            yield from page.lines

    def iter_tables(self) -> Iterator[Table]:
        """Given nothing, return every table of every page in order."""
        for page in self.pages:
            yield from page.tables

    @property
    def text(self) -> str:
        """All verbatim text: the lines, then every table row as CELL_SEPARATOR-joined cells.

        Evidence strings are checked against this, so a row quoted as `row_text` is found.
        """
        parts = [line.text for line in self.iter_lines()]
        for table in self.iter_tables():
            parts.extend(table.row_text(i) for i in range(len(table.rows)))
        return "\n".join(parts)
