"""The canonical coverage taxonomy, read from `data/taxonomy.yaml`, and term matching on it.

Matching works on NFKC text, ignores whitespace between characters (PDF text puts spaces
between CJK characters) and an `insertable` word inside a term (サイバー攻撃等対応費用), and is
case-blind for Latin letters. Where terms overlap the longest
one wins; a `weak` term counts only when no ordinary term matched; context rules
(`requires`/`excludes`, `whole_label`) are data in the YAML, not code. Conjuncts that share
the head noun of the last one (通知・コールセンター費用: 通知費用 and コールセンター費用) are
matched with that head put back (`shared_heads` in the YAML).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from extractors.blocks import heading_core, strip_label_marks
from extractors.document import nfkc
from extractors.text_utils import squeeze

TAXONOMY_PATH = Path(__file__).parent / "data" / "taxonomy.yaml"
DEFAULT_WINDOW = 12


@dataclass(frozen=True)
class Term:
    """One Japanese (or English) term that names a coverage id."""

    text: str
    coverage_id: str
    weak: bool = False
    whole_label: bool = False
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    window: int = DEFAULT_WINDOW


@dataclass(frozen=True)
class CoverageId:
    """One id of the taxonomy with its section and meaning."""

    id: str
    section: str
    meaning: str


@dataclass(frozen=True)
class TaxonomyMatch:
    """A term found in a text; `start`/`end` index the NFKC form of that text."""

    coverage_id: str
    term: str
    start: int
    end: int
    weak: bool

    @property
    def section(self) -> str:
        return section_of(self.coverage_id)


@dataclass(frozen=True)
class Taxonomy:
    """All ids, all terms (variants expanded) and the exclusion cues."""

    ids: Mapping[str, CoverageId]
    terms: tuple[Term, ...]
    exclusion_cues: tuple[str, ...]
    insertable: tuple[str, ...] = ()
    shared_heads: tuple[str, ...] = ()


def _term_from_entry(entry: str | dict[str, Any], coverage_id: str) -> Term:
    """Given one YAML term entry, return its Term (NFKC applied)."""
    if isinstance(entry, str):
        return Term(text=nfkc(entry), coverage_id=coverage_id)
    return Term(
        text=nfkc(str(entry["term"])),
        coverage_id=coverage_id,
        weak=bool(entry.get("weak", False)),
        whole_label=bool(entry.get("whole_label", False)),
        requires=tuple(nfkc(str(c)) for c in entry.get("requires", ())),
        excludes=tuple(nfkc(str(c)) for c in entry.get("excludes", ())),
        window=int(entry.get("window", DEFAULT_WINDOW)),
    )


def expand_variants(term: Term, groups: Iterable[tuple[str, ...]]) -> list[Term]:
    """Given a term and spelling-variant groups, return the term and all its spellings."""
    spellings = {term.text}
    for group in groups:
        for text in list(spellings):
            for member in group:
                if member in text:
                    spellings.update(text.replace(member, other) for other in group)
    return [
        Term(s, term.coverage_id, term.weak, term.whole_label, term.requires, term.excludes, term.window)
        for s in sorted(spellings)
    ]


def mapping_to_taxonomy(data: Mapping[str, Any]) -> Taxonomy:
    """Given the parsed taxonomy YAML, return the Taxonomy; raise ValueError if it is inconsistent."""
    groups = [tuple(nfkc(str(m)) for m in g) for g in data.get("variants", ())]
    ids: dict[str, CoverageId] = {}
    terms: list[Term] = []
    sections = [(section_id, section_id, body) for section_id, body in data["sections"].items()]
    coverages = [(coverage_id, str(body["section"]), body) for coverage_id, body in data["coverages"].items()]
    for coverage_id, section, body in sections + coverages:
        if section not in data["sections"] or coverage_id.split(".")[0] != section:
            raise ValueError(f"taxonomy: {coverage_id} names section {section!r}, which does not fit")
        ids[coverage_id] = CoverageId(coverage_id, section, str(body.get("meaning", "")))
        for entry in body.get("terms", ()):
            terms.extend(expand_variants(_term_from_entry(entry, coverage_id), groups))
    cues = tuple(nfkc(str(c)) for c in data.get("exclusion_cues", ()))
    insertable = tuple(nfkc(str(w)) for w in data.get("insertable", ()))
    heads = tuple(sorted((nfkc(str(h)) for h in data.get("shared_heads", ())), key=len, reverse=True))
    return Taxonomy(
        ids=ids, terms=tuple(terms), exclusion_cues=cues, insertable=insertable, shared_heads=heads
    )


@functools.cache
def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    """Given the taxonomy YAML path, return the parsed Taxonomy (cached)."""
    with path.open(encoding="utf-8") as f:
        return mapping_to_taxonomy(yaml.safe_load(f))


#: characters PDFs print for the katakana middle dot (NFKC leaves them apart)
MIDDLE_DOTS = "・·‧∙•･"


def term_pattern(text: str, insertable: Iterable[str] = ()) -> re.Pattern[str]:
    """Given a term (and words brochures insert inside terms, such as 等), return a case-blind regex
    allowing whitespace between characters, any middle dot, and one inserted word between two
    characters of the term."""
    chars = [f"[{MIDDLE_DOTS}]" if c in MIDDLE_DOTS else re.escape(c) for c in text if not c.isspace()]
    words = "|".join(re.escape(w) for w in insertable if w)
    gap = rf"\s*(?:(?:{words})\s*)?" if words else r"\s*"
    return re.compile(gap.join(chars), re.IGNORECASE)


@functools.cache
def _compiled(path: Path = TAXONOMY_PATH) -> tuple[tuple[Term, re.Pattern[str]], ...]:
    """Given the taxonomy path, return every term with its compiled pattern, longest first."""
    taxonomy = load_taxonomy(path)
    ordered = sorted(taxonomy.terms, key=lambda t: -len(t.text))
    return tuple((t, term_pattern(t.text, taxonomy.insertable)) for t in ordered)


def coverage_ids() -> frozenset[str]:
    """Given nothing, return every coverage id of the taxonomy (sections included)."""
    return frozenset(load_taxonomy().ids)


def section_of(coverage_id: str) -> str:
    """Given a coverage id, return its section id; raise KeyError for an unknown id."""
    return load_taxonomy().ids[coverage_id].section


def exclusion_cues() -> tuple[str, ...]:
    """Given nothing, return the cue words that mark an exclusion clause."""
    return load_taxonomy().exclusion_cues


def _context_ok(term: Term, norm: str, start: int, end: int) -> bool:
    """Given a term found at norm[start:end], return whether its context rules allow it."""
    if not term.requires and not term.excludes:
        return True
    around = squeeze(norm[max(0, start - term.window) : end + term.window])
    if term.requires and not any(c in around for c in term.requires):
        return False
    return not any(c in around for c in term.excludes)


def _is_whole_label(term: Term, norm: str) -> bool:
    """Given a whole-label term and a text, return whether the text is just that term (a
    bracketed figure after it aside: 費用補償（支払限度額 5,000万円）)."""
    return squeeze(heading_core(strip_label_marks(norm))).casefold() == squeeze(term.text).casefold()


def find_terms(text: str) -> list[TaxonomyMatch]:
    """Given a text, return every non-overlapping term match (longest first wins), in text order."""
    return list(_find_terms(nfkc(text)))


#: what ends a coordinated compound (A・B費用): whitespace, punctuation, brackets
_COMPOUND_END = r"\s、。,，;；:：()（）「」『』【】〈〉《》|/／"
#: a conjunct longer than this is a phrase, not a noun sharing the next one's head
CONJUNCT_MAX_CHARS = 12
#: a particle that may follow a compound's shared head (個人情報・企業情報の漏えいや、…)
_TRAILING_PARTICLES = "や|など|等"


def coordinated_conjuncts(norm: str, heads: Iterable[str]) -> list[tuple[int, int, str]]:
    """Given NFKC text and head nouns (費用), return (start, end, head) of each conjunct that
    shares the head of the last conjunct of its compound (通知 in 通知・コールセンター費用)."""
    heads = tuple(heads)
    out: list[tuple[int, int, str]] = []
    for m in re.finditer(rf"[^{_COMPOUND_END}]+", norm):
        parts = re.split(f"[{MIDDLE_DOTS}]", m.group(0))
        last = re.sub(f"(?:{_TRAILING_PARTICLES})$", "", parts[-1])
        head = next((h for h in heads if last.endswith(h) and len(last) > len(h)), None)
        if len(parts) < 2 or head is None:
            continue
        offset = m.start()
        for part in parts[:-1]:
            if part and len(part) <= CONJUNCT_MAX_CHARS and not part.endswith(head):
                out.append((offset, offset + len(part), head))
            offset += len(part) + 1
    return out


@functools.lru_cache(maxsize=4096)
def _find_terms(norm: str) -> tuple[TaxonomyMatch, ...]:
    """Given NFKC text, return its term matches in text order (cached: extractors ask often)."""
    taken = [False] * len(norm)
    found: list[TaxonomyMatch] = []
    for term, pattern in _compiled():
        for m in pattern.finditer(norm):
            if any(taken[m.start() : m.end()]):
                continue
            if term.whole_label and not _is_whole_label(term, norm):
                continue
            if not _context_ok(term, norm, m.start(), m.end()):
                continue
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
            found.append(TaxonomyMatch(term.coverage_id, term.text, m.start(), m.end(), term.weak))
    for start, end, head in coordinated_conjuncts(norm, load_taxonomy().shared_heads):
        if any(taken[start:end]):
            continue
        # the conjunct with the shared head put back: a term must reach into the head
        for inner in _find_terms(norm[start:end] + head):
            if inner.start < end - start < inner.end:
                found.append(
                    TaxonomyMatch(inner.coverage_id, inner.term, start + inner.start, end, inner.weak)
                )
                taken[start + inner.start : end] = [True] * (end - start - inner.start)
    return tuple(sorted(found, key=lambda x: x.start))


def match_all(text: str, *, weak: bool = True) -> list[TaxonomyMatch]:
    """Given a text, return its term matches in order; weak ones only when no strong one matched."""
    found = find_terms(text)
    strong = [m for m in found if not m.weak]
    if strong or not weak:
        return strong
    return found


def match_coverage(text: str) -> str | None:
    """Given a label, return the coverage id of its longest term (earliest on a tie), or None."""
    found = match_all(text)
    if not found:
        return None
    best = max(found, key=lambda m: (m.end - m.start, -m.start))
    return best.coverage_id


#: what may stand between two terms of one chain (再発防止費用・不正プログラム除去費用, 損害賠償金や争訟費用)
CHAIN_GAPS = (*MIDDLE_DOTS, "および", "及び", "/", "や", "または", "又は", "ならびに")


def leading_ids(text: str) -> list[str]:
    """Given a label that may run on into its description, return the ids of the terms it opens with.

    Terms joined by a middle dot or および (再発防止費用・不正プログラム除去費用) all count;
    an empty list when the text does not open with a term.
    """
    label = strip_label_marks(text)
    matches = match_all(label, weak=False)
    if not matches or label[: matches[0].start].strip():
        return []
    return distinct_ids(chain(label, matches))


def chain(text: str, matches: list[TaxonomyMatch]) -> list[TaxonomyMatch]:
    """Given a text and term matches in it, return the first match and those joined on to it, one
    after the other, by a chain gap (a middle dot, および)."""
    chain = [matches[0]]
    for m in matches[1:]:
        first, second = sorted((chain[-1], m), key=lambda x: x.start)
        if squeeze(text[first.end : second.start]) not in CHAIN_GAPS:
            break
        chain.append(m)
    return chain


def paren_depths(text: str) -> list[int]:
    """Given text, return the parenthesis depth at each character (brackets count as inside)."""
    depth, depths = 0, []
    for ch in text:
        if ch in "(（":
            depth += 1
        depths.append(depth)
        if ch in ")）":
            depth = max(0, depth - 1)
    return depths


def head_ids(label: str) -> list[str]:
    """Given a short item label, return the ids of the terms it ends with (a Japanese compound
    names what its last noun names: 情報漏えい見舞費用 is a condolence cost, not a leak).

    Terms joined by a middle dot or および (通知・コールセンター費用) all count; terms in
    parentheses (its gloss) do not; an empty list when the label holds no term.
    """
    norm, depths = nfkc(label), paren_depths(nfkc(label))
    matches = [m for m in match_all(norm) if depths[m.start] == 0]
    if not matches:
        return []
    return distinct_ids(reversed(chain(norm, matches[::-1])))


#: a compound label is at most this long; a longer text is a description, not one compound
COMPOUND_MAX_CHARS = 20


def compound_ids(label: str) -> list[str]:
    """Given a table or list label, return the ids of the terms it ends with when it is one
    compound (情報漏えい見舞費用補償特約: no space, 、 or 。 inside), else an empty list.

    A compound names what its last noun names, so a rider named for a leak's condolence cost is
    a condolence cost; a label that runs on into its description is not a compound.
    """
    core = strip_label_marks(label)
    if not core or len(core) > COMPOUND_MAX_CHARS or re.search(r"[\s、。,]", core):
        return []
    return head_ids(core)


def distinct_ids(matches: Iterable[TaxonomyMatch]) -> list[str]:
    """Given term matches, return their coverage ids once each, in first-seen order."""
    return list(dict.fromkeys(m.coverage_id for m in matches))
