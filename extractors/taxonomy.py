"""The canonical coverage taxonomy, read from `data/taxonomy.yaml`, and term matching on it.

Matching runs on NFKC text, ignores whitespace and an `insertable` word (等) between characters,
and is case-blind; the longest overlapping term wins, a `weak` term counts only when no ordinary
term matched, and context rules (`requires`/`excludes`, `whole_label`) are YAML data. Conjuncts
sharing the head noun of the last one (通知・コールセンター費用) are matched with it put back.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
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
    """One Japanese (or English) term that names a coverage id (and the items it lists)."""

    text: str
    coverage_id: str
    weak: bool = False
    whole_label: bool = False
    requires: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    window: int = DEFAULT_WINDOW
    names: tuple[str, ...] = ()


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
    """All ids (with their section), all terms (variants expanded) and the exclusion cues."""

    ids: Mapping[str, str]
    terms: tuple[Term, ...]
    exclusion_cues: tuple[str, ...]
    insertable: tuple[str, ...] = ()
    shared_heads: tuple[str, ...] = ()


def _term_from_entry(entry: str | dict[str, Any], coverage_id: str) -> Term:
    """Given one YAML term entry, return its Term (NFKC applied)."""
    if isinstance(entry, str):
        return Term(text=nfkc(entry), coverage_id=coverage_id)
    words = {key: tuple(nfkc(str(c)) for c in entry.get(key, ())) for key in ("requires", "excludes")}
    return Term(
        nfkc(str(entry["term"])),
        coverage_id,
        bool(entry.get("weak", False)),
        bool(entry.get("whole_label", False)),
        window=int(entry.get("window", DEFAULT_WINDOW)),
        names=tuple(str(i) for i in entry.get("names", ())),
        **words,
    )


def expand_variants(term: Term, groups: Iterable[tuple[str, ...]]) -> list[Term]:
    """Given a term and spelling-variant groups, return the term and all its spellings."""
    spellings = {term.text}
    for group in groups:
        for text in list(spellings):
            spellings.update(text.replace(m, other) for m in group if m in text for other in group)
    return [replace(term, text=s) for s in sorted(spellings)]


def mapping_to_taxonomy(data: Mapping[str, Any]) -> Taxonomy:
    """Given the parsed taxonomy YAML, return the Taxonomy; raise ValueError if it is inconsistent."""
    groups = [tuple(nfkc(str(m)) for m in g) for g in data.get("variants", ())]
    ids: dict[str, str] = {}
    terms: list[Term] = []
    sections = [(section_id, section_id, body) for section_id, body in data["sections"].items()]
    coverages = [(coverage_id, str(body["section"]), body) for coverage_id, body in data["coverages"].items()]
    for coverage_id, section, body in sections + coverages:
        if section not in data["sections"] or coverage_id.split(".")[0] != section:
            raise ValueError(f"taxonomy: {coverage_id} names section {section!r}, which does not fit")
        ids[coverage_id] = section
        terms += [
            t
            for e in body.get("terms", ())
            for t in expand_variants(_term_from_entry(e, coverage_id), groups)
        ]
    heads = sorted((nfkc(str(h)) for h in data.get("shared_heads", ())), key=len, reverse=True)
    return Taxonomy(
        ids,
        tuple(terms),
        tuple(nfkc(str(c)) for c in data.get("exclusion_cues", ())),
        tuple(nfkc(str(w)) for w in data.get("insertable", ())),
        tuple(heads),
    )


@functools.cache
def load_taxonomy(path: Path = TAXONOMY_PATH) -> Taxonomy:
    """Given the taxonomy YAML path, return the parsed Taxonomy (cached)."""
    with path.open(encoding="utf-8") as f:
        return mapping_to_taxonomy(yaml.safe_load(f))


#: characters PDFs print for the katakana middle dot (NFKC leaves them apart)
MIDDLE_DOTS = "・·‧∙•･"


def term_pattern(text: str, insertable: Iterable[str] = ()) -> re.Pattern[str]:
    """Given a term and words inserted inside terms (等), return its case-blind regex that allows
    whitespace, any middle dot and one inserted word between characters."""
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
    return load_taxonomy().ids[coverage_id]


def exclusion_cues() -> tuple[str, ...]:
    """Given nothing, return the cue words that mark an exclusion clause."""
    return load_taxonomy().exclusion_cues


def _context_ok(term: Term, norm: str, start: int, end: int) -> bool:
    """Given a term found at norm[start:end], return whether its context rules allow it: a
    whole-label term must be the whole text (a bracketed figure aside), a cue near it required."""
    if (
        term.whole_label
        and squeeze(heading_core(strip_label_marks(norm))).casefold() != squeeze(term.text).casefold()
    ):
        return False
    around = squeeze(norm[max(0, start - term.window) : end + term.window])
    if term.requires and not any(c in around for c in term.requires):
        return False
    return not any(c in around for c in term.excludes)


def find_terms(text: str) -> list[TaxonomyMatch]:
    """Given a text, return every non-overlapping term match (longest first wins), in text order."""
    return list(_find_terms(nfkc(text)))


#: what ends a coordinated compound (A・B費用): whitespace, punctuation, brackets
_COMPOUND_END = r"\s、。,，;；:：()（）「」『』【】〈〉《》|/／"
#: a conjunct longer than this is a phrase, not a noun sharing the next one's head
CONJUNCT_MAX_CHARS = 12


def coordinated_conjuncts(norm: str, heads: Iterable[str]) -> list[tuple[int, int, str]]:
    """Given NFKC text and head nouns (費用), return (start, end, head) of each conjunct that
    shares the head of the last conjunct of its compound (通知 in 通知・コールセンター費用)."""
    out: list[tuple[int, int, str]] = []
    for m in re.finditer(rf"[^{_COMPOUND_END}]+", norm):
        parts = re.split(f"[{MIDDLE_DOTS}]", m.group(0))
        last = re.sub("(?:や|など|等)$", "", parts[-1])  # 個人情報・企業情報の漏えいや、…
        head = next((h for h in heads if last.endswith(h) and len(last) > len(h)), "")
        offset = m.start()
        for part in parts[:-1] if head else []:
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
            if any(taken[m.start() : m.end()]) or not _context_ok(term, norm, m.start(), m.end()):
                continue
            taken[m.start() : m.end()] = [True] * (m.end() - m.start())
            # a section term that lists items (喪失利益・営業継続費用) names them too
            for cid in (term.coverage_id, *term.names):
                found.append(TaxonomyMatch(cid, term.text, m.start(), m.end(), term.weak))
    for start, end, head in coordinated_conjuncts(norm, load_taxonomy().shared_heads):
        # the conjunct with the shared head put back: a term must reach into the head
        for inner in [] if any(taken[start:end]) else _find_terms(norm[start:end] + head):
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
    return strong if strong or not weak else found


def match_coverage(text: str) -> str | None:
    """Given a label, return the coverage id of its longest term (earliest on a tie), or None."""
    found = match_all(text)
    return max(found, key=lambda m: (m.end - m.start, -m.start)).coverage_id if found else None


#: what may stand between two terms of one chain (再発防止費用・不正プログラム除去費用, 損害賠償金や争訟費用)
CHAIN_GAPS = (*MIDDLE_DOTS, "および", "及び", "/", "や", "または", "又は", "ならびに")


def leading_ids(text: str) -> list[str]:
    """Given a label that may run on into its description, return the ids of the terms it opens
    with, joined by a chain gap (再発防止費用・不正プログラム除去費用), or [] when it opens with none."""
    label = strip_label_marks(text)
    matches = match_all(label, weak=False)
    if not matches or label[: matches[0].start].strip():
        return []
    return distinct_ids(chain(label, matches))


def chain(text: str, matches: list[TaxonomyMatch]) -> list[TaxonomyMatch]:
    """Given a text and term matches in it, return the first match and those joined on to it, one
    after the other, by a chain gap (a middle dot, および) or on the same span."""
    chain = [matches[0]]
    for m in matches[1:]:
        first, second = sorted((chain[-1], m), key=lambda x: x.start)
        if second.start >= first.end and squeeze(text[first.end : second.start]) not in CHAIN_GAPS:
            break
        chain.append(m)
    return chain


def paren_depths(text: str) -> list[int]:
    """Given text, return the parenthesis depth at each character (brackets count as inside)."""
    depths, depth = [], 0
    for ch in text:
        depth += ch in "(（"
        depths.append(depth)
        depth = max(0, depth - (ch in ")）"))
    return depths


def head_ids(label: str) -> list[str]:
    """Given a short item label, return the ids of the terms it ends with, chained (通知・コールセンター費用),
    outside its gloss: a compound names what its last noun names (情報漏えい見舞費用 is a condolence cost)."""
    norm, depths = nfkc(label), paren_depths(nfkc(label))
    matches = [m for m in match_all(norm) if depths[m.start] == 0]
    return distinct_ids(reversed(chain(norm, matches[::-1]))) if matches else []


def listed_ids(label: str) -> list[str]:
    """Given a short item label, return its head ids and those of a bracket closing it that lists
    the parts it covers (事業中断損失（喪失利益・営業継続費用）: the section and both items)."""
    head = head_ids(label)
    return list(dict.fromkeys(head + listing_gloss(nfkc(label), match_all(nfkc(label))))) if head else []


#: a closing bracket ending a label (事業中断損失（喪失利益・営業継続費用）)
_CLOSING_GLOSS = re.compile(r"[(（]([^()（）]+)[)）]\s*$")


def listing_gloss(norm: str, matches: Sequence[TaxonomyMatch]) -> list[str]:
    """Given an NFKC label and its term matches, return the ids of the bracket closing it when the
    bracket lists items and nothing else (terms joined by chain gaps: 喪失利益・営業継続費用), the
    parts of what the label names; [] for a gloss that describes (（1請求・保険期間中）)."""
    gloss = _CLOSING_GLOSS.search(norm)
    if gloss is None:
        return []
    inside = sorted(
        (m for m in matches if gloss.start(1) <= m.start and m.end <= gloss.end(1)), key=lambda m: m.start
    )
    rest, at = [], gloss.start(1)
    for m in inside:
        rest.append(norm[at : max(at, m.start)])
        at = max(at, m.end)
    rest.append(norm[at : gloss.end(1)])
    if not inside or any(squeeze(r) not in ("", *CHAIN_GAPS) for r in rest):
        return []
    return distinct_ids(inside)


#: a compound label is at most this long; a longer text is a description, not one compound
COMPOUND_MAX_CHARS = 20


def compound_ids(label: str) -> list[str]:
    """Given a table or list label, return its head ids when it is one compound (情報漏えい見舞費用
    補償特約: short, no space, 、 or 。 inside), else []: a label running on into its description is none."""
    core = strip_label_marks(label)
    if not core or len(core) > COMPOUND_MAX_CHARS or re.search(r"[\s、。,]", core):
        return []
    return head_ids(core)


def distinct_ids(matches: Iterable[TaxonomyMatch]) -> list[str]:
    """Given term matches, return their coverage ids once each, in first-seen order."""
    return list(dict.fromkeys(m.coverage_id for m in matches))
