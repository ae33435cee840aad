"""Industry labels as printed in premium tables, mapped to JSIC top-level codes A–T.

The labels are data (`extractors/data/industries.yaml`); this module only matches them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from extractors.document import nfkc
from extractors.text_utils import clean_label, load_data, squeeze, words

#: an industry cell is short; longer text is a sentence that mentions an industry
MAX_LABEL_CHARS = 16

_PARENTHESISED = re.compile(r"[(（][^)）]*[)）]")


@dataclass(frozen=True)
class Industry:
    code: str
    name: str
    labels: tuple[str, ...]


@cache
def load_industries() -> tuple[Industry, ...]:
    """Given nothing, return the JSIC divisions and their brochure labels from industries.yaml."""
    data = load_data("industries.yaml")["industries"]
    return tuple(Industry(code, nfkc(entry["name"]), words(entry, "labels")) for code, entry in data.items())


@cache
def _labels_longest_first() -> tuple[tuple[str, str | None], ...]:
    """Given nothing, return (label, code) pairs, the longest first; a label of a quote for every
    industry (全業種共通) has no code."""
    pairs: list[tuple[str, str | None]] = [
        (label, industry.code) for industry in load_industries() for label in industry.labels
    ]
    pairs += [(label, None) for label in words(load_data("industries.yaml"), "all_industries")]
    return tuple(sorted(pairs, key=lambda pair: -len(pair[0])))


def _core(label: str) -> str:
    """Given a printed label, return its NFKC form without marks, bracketed asides and spaces."""
    return squeeze(_PARENTHESISED.sub("", nfkc(clean_label(label))))


def _best_match(text: str) -> tuple[str, str | None] | None:
    """Given NFKC text, return the (label, code) of the longest label it contains."""
    return next(((label, code) for label, code in _labels_longest_first() if label in text), None)


@cache
def _label_pattern() -> re.Pattern[str]:
    """Given nothing, return the pattern of every label, the longest first."""
    return re.compile("|".join(re.escape(label) for label, _ in _labels_longest_first()))


@cache
def _joiner_pattern() -> re.Pattern[str]:
    """Given nothing, return the pattern of the words that join a group of industries (・, 及び)."""
    joiners = sorted(words(load_data("industries.yaml"), "group_joiners"), key=len)
    return re.compile("|".join(re.escape(j) for j in reversed(joiners)) or r"(?!)")


def _group_codes(core: str) -> set[str]:
    """Given a label's core, return the codes of the parts a joiner separates, where each part is known.

    `製造業・建設業` gives {E, D}; `医療・福祉` gives {P}; `卸・小売業` (a part unknown) gives none.
    """
    matches = [_best_match(part) for part in _joiner_pattern().split(core) if part]
    if len(matches) < 2 or not all(matches):
        return set()
    return {match[1] or "" for match in matches if match}  # an all-industries part has no one code


def label_to_jsic(label: str) -> str | None:
    """Given an industry label as printed, return its JSIC code (A–T), or None if unknown.

    A label grouping industries of different divisions (製造業・建設業) has no one code.
    """
    core = _core(label)
    if len(_group_codes(core)) > 1:
        return None
    match = _best_match(core) or _best_match(squeeze(label))
    return match[1] if match else None


def is_industry_label(text: str) -> bool:
    """Given a cell or token, return whether it is an industry label by itself (not a sentence)."""
    core = _core(text)
    short = 0 < len(core) <= MAX_LABEL_CHARS and not any(ch.isdigit() for ch in core)
    if not short or (match := _best_match(core)) is None:
        return False
    label = match[0]
    return core == label or core.endswith(label) or (core.endswith("業") and label in core)


#: characters an industry word printed in a sentence is made of (kanji, katakana, Latin, ・);
#: hiragana and punctuation end it (売上高1億円の製造業の場合 → 製造業)
_WORD_CHARS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u30a0-\u30ff々A-Za-z・]")


def text_to_industry_words(text: str) -> list[tuple[int, int]]:
    """Given a sentence, return the spans (in NFKC text) of the industry words printed in it.

    A word is the run of word characters around a known label, and it must be an industry
    label by itself (`ITユーザー業務` holds IT but names no industry).
    """
    norm = nfkc(text)
    spans: list[tuple[int, int]] = []
    position = 0
    while found := _label_pattern().search(norm, position):  # the leftmost label, the longest there
        found_at, start, end = found.start(), found.start(), found.end()
        while start > 0 and _WORD_CHARS.match(norm[start - 1]):
            start -= 1
        while end < len(norm) and _WORD_CHARS.match(norm[end]):
            end += 1
        if not is_industry_label(norm[start:end]):  # 製造業・売上高: only the part holding the label
            part_start = norm.rfind("・", start, found_at) + 1 or start
            part_end = norm.find("・", found.end(), end)
            start, end = max(start, part_start), end if part_end < 0 else part_end
        while norm[start] == "・":  # a joiner at an edge joins nothing
            start += 1
        while norm[end - 1] == "・":
            end -= 1
        if is_industry_label(norm[start:end]):
            spans.append((start, end))
        position = end
    return spans
