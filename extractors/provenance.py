"""Where on its page a row's evidence was printed: one pass over the records, after extraction.

Extractors quote their evidence verbatim from `page_to_text(page)` (the lines, then the table
rows with cells joined by CELL_SEPARATOR) but do not say which lines or cells it came from.
This module finds them again, comparing texts without whitespace and cell separators (a
table row quoted as `a | b` may be printed as the line `a b`):

1. as one run of consecutive lines, or of consecutive cells of one table row, that holds the
   whole evidence; the run of the fewest units wins, then one whose whole text the evidence
   is, then the smallest;
2. failing that (a table row whose cells wrap onto several lines, so that in reading order
   its text is interleaved with its neighbours'), piece by piece: the evidence is cut at line
   breaks and cell separators, each piece into the longest parts printed inside one line or
   cell, every part taken from the unit nearest to those already taken; inside the box of
   the table the evidence was quoted from, when the reader gives one.

The union box of the units found is where the evidence was printed.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeVar

from extractors.document import CELL_SEPARATOR, BBox, Document, Page, centre_inside, union_bbox
from extractors.records import CoverageRecord, LimitRecord, LossScenarioRecord, PremiumRecord

_SPACE = re.compile(r"\s+")
#: where evidence is cut into pieces that may have been printed apart (lines, a row's cells)
_PIECES = re.compile("\n|" + re.escape(CELL_SEPARATOR))
#: how far (points) a line may stick out of a table's box and still be one of its lines
TABLE_SLACK = 2.0

Record = TypeVar("Record", CoverageRecord, LimitRecord, PremiumRecord, LossScenarioRecord)


def squash(text: str) -> str:
    """Given text, return it without whitespace and cell separators (the form evidence is compared in)."""
    return _SPACE.sub("", text.replace(CELL_SEPARATOR, ""))


def area(box: BBox) -> float:
    """Given a box, return its area in square points."""
    return max(box.x1 - box.x0, 0.0) * max(box.bottom - box.top, 0.0)


def distance(a: BBox, b: BBox) -> float:
    """Given two boxes, return the length of the shortest segment between them (0 when they touch)."""
    dx = max(a.x0 - b.x1, b.x0 - a.x1, 0.0)
    dy = max(a.top - b.bottom, b.top - a.bottom, 0.0)
    return math.hypot(dx, dy)


@dataclass(frozen=True)
class Unit:
    """A line or a table cell that has a position: its text in squashed form and its box."""

    key: str
    bbox: BBox


@dataclass(frozen=True)
class Run:
    """Units printed one after the other (a page's lines, a table row's cells), joined to be searched."""

    units: tuple[Unit, ...]
    joined: str
    owner: tuple[int, ...]  # character of `joined` -> index of its unit
    starts: tuple[int, ...]  # unit index -> where its text starts in `joined`; one past the end last

    @classmethod
    def of(cls, units: Sequence[Unit]) -> Run:
        """Given units in order, return them as a run."""
        starts = (0, *itertools.accumulate(len(u.key) for u in units))
        owner = tuple(i for i, u in enumerate(units) for _ in u.key)
        return cls(tuple(units), "".join(u.key for u in units), owner, starts)

    def matches(self, key: str) -> list[tuple[tuple[Unit, ...], bool]]:
        """Given a squashed text, return each occurrence: (units it covers, whether it is all their text)."""
        found = []
        at = self.joined.find(key)
        while at >= 0:
            first, last = self.owner[at], self.owner[at + len(key) - 1]
            whole = self.starts[first] == at and self.starts[last + 1] == at + len(key)
            found.append((self.units[first : last + 1], whole))
            at = self.joined.find(key, at + 1)
        return found


@dataclass(frozen=True)
class PageIndex:
    """What evidence is looked up in on one page: its runs, and its tables' texts and boxes."""

    runs: tuple[Run, ...]
    #: (squashed text of all the table's rows, the table's box) for each table with a box
    tables: tuple[tuple[str, BBox], ...]

    @property
    def units(self) -> tuple[Unit, ...]:
        return tuple(u for run in self.runs for u in run.units)


def page_to_index(page: Page) -> PageIndex:
    """Given a page, return its runs of positioned text (all its lines, then each table row's cells).

    Lines and cells without a box (html and text documents, cells of readers that do not place
    them) are left out and cut their run, so that no match spans text of unknown position;
    text that squashes to nothing (an empty cell) is skipped.
    """
    sources: list[list[tuple[str, BBox | None]]] = [[(line.text, line.bbox) for line in page.lines]]
    sources.extend([(cell.text, cell.bbox) for cell in row] for table in page.tables for row in table.rows)
    runs: list[Run] = []
    for source in sources:
        keyed = [(key, bbox) for text, bbox in source if (key := squash(text))]
        for placed, group in itertools.groupby(keyed, key=lambda item: item[1] is not None):
            if placed:
                runs.append(Run.of([Unit(key, bbox) for key, bbox in group if bbox is not None]))
    tables = tuple(
        ("".join(squash(table.row_text(i)) for i in range(len(table.rows))), table.bbox)
        for table in page.tables
        if table.bbox is not None
    )
    return PageIndex(tuple(runs), tables)


def _rank(units: Sequence[Unit], whole: bool) -> tuple[int, bool, float]:
    """Given a candidate's units and whether it is all their text, return its sort key (lowest wins)."""
    return (len(set(units)), not whole, area(union_bbox(u.bbox for u in units)))


def runs_to_units(runs: Sequence[Run], key: str) -> tuple[Unit, ...] | None:
    """Given runs and a squashed text, return the units of its best whole occurrence in one run, or None."""
    found = [m for run in runs for m in run.matches(key)]
    if not found:
        return None
    return min(found, key=lambda m: _rank(*m))[0]


def _longest_prefix(key: str, at: int, text: str) -> int:
    """Given a squashed text, a position in it and a unit's text, return how much of key[at:] it prints."""
    # a prefix that occurs has every shorter prefix occur too: bisect for the first that does not
    return bisect.bisect_left(range(1, len(key) - at + 1), True, key=lambda n: key[at : at + n] not in text)


#: what a character of a unit that already printed a piece is replaced by: it matches nothing
_USED = "\x00"


def _cover_from(units: Sequence[Unit], pieces: Sequence[str], start: int) -> list[Unit] | None:
    """Given units, squashed pieces of a text and a unit to start from, return the units printing them.

    Each piece (a cell, a line) is printed in one or more parts, each inside one unit; the parts
    are as long as possible and each comes from the unit nearest to those already taken. A
    character of a unit prints at most one character of the pieces, so that a word a row
    repeats (損害賠償 … 補償) is found where each copy is printed. None when a part is printed nowhere.
    """
    texts = [u.key for u in units]
    chosen: list[int] = []
    for piece in pieces:
        at = 0
        while at < len(piece):
            lengths = [_longest_prefix(piece, at, t) for t in texts]
            if not chosen:
                lengths = [n if i == start else 0 for i, n in enumerate(lengths)]
            best = max(lengths)
            if best == 0:
                return None  # a character printed nowhere among these units (or not often enough)
            here = union_bbox(units[i].bbox for i in chosen) if chosen else units[start].bbox
            pick = min(
                (i for i, n in enumerate(lengths) if n == best), key=lambda i: distance(units[i].bbox, here)
            )
            part = piece[at : at + best]
            texts[pick] = texts[pick].replace(part, _USED * len(part), 1)
            chosen.append(pick)
            at += best
    return [units[i] for i in chosen]


def units_to_cover(units: Sequence[Unit], evidence: str) -> tuple[Unit, ...] | None:
    """Given units and an evidence string, return units whose texts, cut into parts, print it, or None.

    The evidence is cut at line breaks and cell separators into pieces, and each piece into
    parts printed inside one unit (see `_cover_from`). Every unit that prints the longest
    first part is tried as the start; the cover of the fewest units, then the smallest box, wins.
    """
    pieces = [key for key in (squash(p) for p in _PIECES.split(evidence)) if key]
    if not pieces or not units:
        return None
    lengths = [_longest_prefix(pieces[0], 0, u.key) for u in units]
    best = max(lengths)
    if best == 0:
        return None
    covers = [_cover_from(units, pieces, i) for i, n in enumerate(lengths) if n == best]
    found = [tuple(c) for c in covers if c is not None]
    return min(found, key=lambda c: _rank(c, True)) if found else None


def index_to_bbox(index: PageIndex, evidence: str) -> BBox | None:
    """Given a page's index and an evidence string, return the union box of the units printing it, or None."""
    key = squash(evidence)
    if not key:
        return None
    units = runs_to_units(index.runs, key)
    if units is None:
        frames = [box for text, box in index.tables if key in text]
        if frames:  # quoted from a table: its pieces are looked for among that table's lines first
            region = [u for u in index.units if any(centre_inside(u.bbox, f, TABLE_SLACK) for f in frames)]
            units = units_to_cover(region, evidence)
        if units is None:
            units = units_to_cover(index.units, evidence)
    return None if units is None else union_bbox(u.bbox for u in units)


class Locator:
    """Finds evidence on the pages of one document; each page is indexed once, on first use."""

    def __init__(self, document: Document) -> None:
        self._pages = {page.number: page for page in document.pages}
        self._indexes: dict[int, PageIndex] = {}

    def bbox(self, page: int | None, evidence: str) -> BBox | None:
        """Given a page number and an evidence string, return where on that page it was printed, or None."""
        if page is None or page not in self._pages:
            return None
        if page not in self._indexes:
            self._indexes[page] = page_to_index(self._pages[page])
        return index_to_bbox(self._indexes[page], evidence)

    def with_bbox(self, record: Record) -> Record:
        """Given a record of this document, return it with the box of its evidence (None when not found)."""
        box = self.bbox(record.page, record.evidence)
        if box is None:
            return dataclasses.replace(record, bbox_x0=None, bbox_top=None, bbox_x1=None, bbox_bottom=None)
        return dataclasses.replace(
            record, bbox_x0=box.x0, bbox_top=box.top, bbox_x1=box.x1, bbox_bottom=box.bottom
        )
