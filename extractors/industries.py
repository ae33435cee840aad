"""Industry labels as printed in premium tables, mapped to JSIC top-level codes A–T.

The labels are data (`extractors/data/industries.yaml`); this module only matches them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extractors.document import nfkc
from extractors.text_utils import clean_label, load_data

#: an industry cell is short; longer text is a sentence that mentions an industry
MAX_LABEL_CHARS = 16

_PARENTHESISED = re.compile(r"[(（][^)）]*[)）]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Industry:
    code: str
    name: str
    labels: tuple[str, ...]


@cache
def load_industries() -> tuple[Industry, ...]:
    """Given nothing, return the JSIC divisions and their brochure labels from industries.yaml."""
    data = load_data("industries.yaml")["industries"]
    return tuple(
        Industry(code, nfkc(entry["name"]), tuple(nfkc(label) for label in entry["labels"]))
        for code, entry in data.items()
    )


@cache
def _labels_longest_first() -> tuple[tuple[str, str], ...]:
    """Given nothing, return (label, code) pairs, the longest label first."""
    pairs = [(label, industry.code) for industry in load_industries() for label in industry.labels]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def _core(label: str) -> str:
    """Given a printed label, return its NFKC form without marks, bracketed asides and spaces."""
    return _SPACES.sub("", _PARENTHESISED.sub("", nfkc(clean_label(label))))


def _best_match(text: str) -> tuple[str, str] | None:
    """Given NFKC text, return the (label, code) of the longest label it contains."""
    for label, code in _labels_longest_first():
        if label in text:
            return label, code
    return None


def label_to_jsic(label: str) -> str | None:
    """Given an industry label as printed, return its JSIC code (A–T), or None if unknown."""
    core = _core(label)
    match = _best_match(core) or _best_match(_SPACES.sub("", nfkc(label)))
    return match[1] if match else None


def is_industry_label(text: str) -> bool:
    """Given a cell or token, return whether it is an industry label by itself (not a sentence)."""
    core = _core(text)
    if not core or len(core) > MAX_LABEL_CHARS or any(ch.isdigit() for ch in core):
        return False
    match = _best_match(core)
    if match is None:
        return False
    label = match[0]
    return core == label or core.endswith(label) or (core.endswith("業") and label in core)
