"""Small text helpers every extractor needs: cleaning printed labels, loading data files.

All matching happens on NFKC text (`extractors.document.nfkc`); these helpers accept either
form and say which form they return.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from extractors.document import Document, Line, Table, nfkc

DATA_DIR = Path(__file__).resolve().parent / "data"

#: characters that open a bullet item in brochures (▶ コールセンター…, ● 損害賠償金, ■ …)
BULLETS = "▶►▷▸・●○◯◎■□◆◇★☆•⚫⚪※→➡◉"

_NOTE_MARK = re.compile(
    r"(?:[(（](?:注|※|\*|＊)\s?[\d０-９]*[)）]|※\s?[\d０-９]*|[*＊][\d０-９]+|\^[(（]\S*?[)）]|注[\d０-９]+)"
)
_MARKS = rf"[\s\-–—‐{re.escape(BULLETS)}]*"
_LEADING_MARKS = re.compile(
    rf"^{_MARKS}(?:[①-⑳]|[(（][\d０-９]+[)）]|[\d０-９]+[.)．）](?![\d０-９]))?{_MARKS}"
)
_EDGE_PUNCT = " \t\u3000:：=＝、,。|｜-–—・"
_SPACES = re.compile(r"\s+")


def strip_note_marks(text: str) -> str:
    """Given a label, return it without footnote marks (※1, (注1), *1, ^(※1))."""
    return _NOTE_MARK.sub("", text)


def clean_label(text: str) -> str:
    """Given a printed label (verbatim), return it without bullets, numbering, notes, edge punctuation."""
    label = strip_note_marks(text)
    label = _LEADING_MARKS.sub("", label, count=1)
    label = label.strip(_EDGE_PUNCT)
    return _SPACES.sub(" ", label).strip(_EDGE_PUNCT)


def squeeze(text: str) -> str:
    """Given text, return its NFKC form with all whitespace removed (PDFs space CJK characters)."""
    return _SPACES.sub("", nfkc(text))


def contains_any(text: str, words: tuple[str, ...]) -> bool:
    """Given text and words, return whether the squeezed NFKC text contains any of the words."""
    flat = squeeze(text)
    return any(squeeze(word) in flat for word in words)


def find_lines(document: Document, text: str) -> list[Line]:
    """Given a Document and a piece of text, return the lines whose squeezed NFKC form contains it."""
    wanted = squeeze(text)
    return [line for line in document.iter_lines() if wanted and wanted in squeeze(line.text)]


def _row_key(cells: tuple[str, ...]) -> str:
    """Given a table row's cells, return the squeezed text a line holding that row contains."""
    return squeeze("".join(cells)).replace("|", "")


def _rows_matched(lines: list[Line], start: int, keys: list[str]) -> int:
    """Given lines, a start index and row keys, return how many rows the lines from there hold in order."""
    matched = 0
    for offset, key in enumerate(keys):
        index = start + offset
        if index >= len(lines) or key not in squeeze(lines[index].text).replace("|", ""):
            break
        matched += 1
    return matched


def table_anchor(lines: list[Line], table: Table) -> int | None:
    """Given the document's lines and a table, return the index of the line holding its first row.

    Where several lines hold that row (two tables with one header), the one followed by the
    most of the table's other rows wins.
    """
    keys = [key for row in table.rows if (key := _row_key(tuple(cell.text for cell in row)))]
    if not keys:
        return None
    scored = [
        (_rows_matched(lines, index, keys), -index)
        for index, line in enumerate(lines)
        if line.page == table.page and keys[0] in squeeze(line.text).replace("|", "")
    ]
    return -max(scored)[1] if scored else None


@cache
def load_data(name: str) -> dict[str, Any]:
    """Given a file name under extractors/data/, return the mapping that YAML file holds."""
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if not isinstance(data, dict):
        raise ValueError(f"{DATA_DIR / name} must hold a mapping at the top level")
    return data


def words(data: dict[str, Any], key: str) -> tuple[str, ...]:
    """Given a loaded data mapping and a key, return its list of words as a tuple of NFKC strings."""
    value = data.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"data key {key!r} must be a list of strings")
    return tuple(nfkc(v) for v in value)
