"""Document-level fields: the underwriting insurer, the product name and the brochure's date.

What varies (insurers and their aliases, the cue words that say which party a company is,
what a product name and a dated line look like) is data in `extractors/data/insurers.yaml`
and `extractors/data/fields.yaml`; the weights that rank candidates are settings with named
defaults. Everything matches on NFKC text with markup removed (`line_to_match_text`).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from extractors.dates import parts_to_date, text_to_dates
from extractors.document import Document, nfkc
from extractors.text_utils import data_to_fields, load_data, unspace, words

CueKind = Literal["underwriter", "insurer", "lead", "not_lead", "non_insurer"]
CUE_KINDS: tuple[CueKind, ...] = ("underwriter", "insurer", "lead", "not_lead", "non_insurer")
NameForm = Literal["bracketed", "standalone", "heading", "running"]

OPENING_BRACKETS = "([{〈《「『【〔<“"
CLOSING_BRACKETS = ")]}〉》」』】〕>”"
_ASCII_WORD = re.compile(r"[A-Za-z0-9]")


@dataclass(frozen=True)
class DocumentFields:
    insurer_id: str | None
    insurer_name: str | None
    product_name: str | None
    document_date: dt.date | None


# ---------------------------------------------------------------------------------------
# Data: the insurer registry and the field vocabulary, read lazily from YAML


@dataclass(frozen=True)
class Insurer:
    """A non-life insurer: canonical slug, legal name in Japanese, and other printed names."""

    id: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class PartyName:
    """One way a company is printed; `insurer_id` is None for a company that is no insurer."""

    text: str
    insurer_id: str | None
    is_legal: bool


@dataclass(frozen=True)
class InsurerRegistry:
    insurers: tuple[Insurer, ...]
    names: dict[str, PartyName]  # keyed by the printed (NFKC) form
    cue_kinds: dict[str, CueKind]
    organisation_markers: tuple[str, ...]
    name_pattern: re.Pattern[str]
    cue_pattern: re.Pattern[str]

    def insurer(self, insurer_id: str) -> Insurer:
        """Given a slug, return its Insurer."""
        return next(i for i in self.insurers if i.id == insurer_id)


@dataclass(frozen=True)
class ProductRules:
    suffixes: tuple[str, ...]
    brackets: tuple[str, ...]  # each an opening and a closing bracket
    running_pattern: re.Pattern[str]
    sentence_marks: tuple[str, ...]
    list_separator_pattern: re.Pattern[str]
    generic: frozenset[str]
    generic_prefixes: tuple[str, ...]
    not_name_endings: tuple[str, ...]
    particles: tuple[str, ...]


@dataclass(frozen=True)
class DateRules:
    cues_after: tuple[str, ...]
    cues_before: tuple[str, ...]
    reject_after: tuple[str, ...]
    exclude_lines: tuple[str, ...]
    form_code: re.Pattern[str]
    form_code_dated: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class FieldRules:
    equivalent_chars: dict[int, str]  # a str.translate table
    markup: tuple[re.Pattern[str], ...]
    punctuation: frozenset[str]
    product: ProductRules
    date: DateRules


def words_to_pattern(words: Iterable[str]) -> re.Pattern[str]:
    """Given words, return a pattern matching any of them, the longest one at a position first.

    A word that begins or ends in an ASCII letter or digit only matches where no other ASCII
    letter or digit touches that end, so `AIG` is not read inside `AIGIS`.
    """
    parts = []
    for word in sorted(set(words), key=lambda w: (-len(w), w)):
        head = r"(?<![A-Za-z0-9])" if _ASCII_WORD.match(word[0]) else ""
        tail = r"(?![A-Za-z0-9])" if _ASCII_WORD.match(word[-1]) else ""
        parts.append(head + re.escape(word) + tail)
    return re.compile("|".join(parts)) if parts else re.compile(r"(?!)")


def legal_name_variants(name: str) -> tuple[str, ...]:
    """Given a legal name, return it with 株式会社 also written (株), as Japanese print shortens it."""
    variants = [name]
    if name.endswith("株式会社"):
        variants.append(name.removesuffix("株式会社") + "(株)")
    if name.startswith("株式会社"):
        variants.append("(株)" + name.removeprefix("株式会社"))
    return tuple(variants)


def registry_data_to_registry(data: dict[str, Any]) -> InsurerRegistry:
    """Given the parsed insurers.yaml, return the registry; raise ValueError on a contradiction."""
    insurers = tuple(
        Insurer(str(d["id"]), str(d["name"]), tuple(str(a) for a in d.get("aliases") or ()))
        for d in data["insurers"]
    )
    markers = words(data, "company_markers")
    names: dict[str, PartyName] = {}

    def add(text: str, insurer_id: str | None) -> None:
        text = nfkc(text)
        known = names.get(text)
        if known is not None and known.insurer_id != insurer_id:
            raise ValueError(f"insurers.yaml: {text!r} names both {known.insurer_id} and {insurer_id}")
        names[text] = PartyName(text, insurer_id, any(m in text for m in markers))

    for insurer in insurers:
        for text in (*legal_name_variants(insurer.name), *insurer.aliases):
            add(text, insurer.id)
    for text in data.get("not_insurers") or ():
        add(str(text), None)
    if len({i.id for i in insurers}) != len(insurers):
        raise ValueError("insurers.yaml: an insurer id is listed twice")
    cue_kinds: dict[str, CueKind] = {word: kind for kind in CUE_KINDS for word in words(data["cues"], kind)}
    return InsurerRegistry(
        insurers=insurers,
        names=names,
        cue_kinds=cue_kinds,
        organisation_markers=words(data, "organisation_markers"),
        name_pattern=words_to_pattern(names),
        cue_pattern=words_to_pattern(cue_kinds),
    )


def rules_data_to_rules(data: dict[str, Any]) -> FieldRules:
    """Given the parsed fields.yaml, return the field rules."""
    p, d = data["product_name"], data["document_date"]
    return FieldRules(
        equivalent_chars=str.maketrans(
            {nfkc(str(k)): nfkc(str(v)) for k, v in (data.get("equivalent_chars") or {}).items()}
        ),
        markup=tuple(re.compile(m) for m in data["markup_patterns"]),
        punctuation=frozenset(nfkc(data["punctuation"])),
        product=ProductRules(**data_to_fields(ProductRules, p)),
        date=DateRules(**data_to_fields(DateRules, d)),
    )


@cache
def load_registry() -> InsurerRegistry:
    """Given nothing, return the insurer registry of extractors/data/insurers.yaml (read once)."""
    return registry_data_to_registry(load_data("insurers.yaml"))


@cache
def load_rules() -> FieldRules:
    """Given nothing, return the field vocabulary of extractors/data/fields.yaml (read once)."""
    return rules_data_to_rules(load_data("fields.yaml"))


# ---------------------------------------------------------------------------------------
# Settings: the weights that rank candidates


@dataclass(frozen=True)
class InsurerSettings:
    legal_name: float = 3.0  # a name carrying 株式会社 / 保険会社
    alias: float = 1.0
    underwriter_cue: float = 10.0  # 引受保険会社 next to it or heading its block
    insurer_cue: float = 3.0  # 保険会社 / 弊社 next to it
    lead_cue: float = 5.0  # 幹事会社 among co-insurers
    own_line: float = 2.0  # the name alone on its line, as in a contact block
    near_end: float = 1.0  # contact blocks close a flyer
    near_end_fraction: float = 0.25
    repeat: float = 0.5  # each further mention of the same insurer
    repeat_cap: float = 2.0  # so repetition never outweighs a cue
    cue_gap_chars: int = 1  # word characters a cue may be from its name (Xの代理店, 引受保険会社は X)
    heading_extra_chars: int = 2  # word characters a heading line may hold beside its cues
    heading_scope_lines: int = 8


@dataclass(frozen=True)
class ProductSettings:
    form: tuple[tuple[NameForm, float], ...] = (
        ("bracketed", 4.0),
        ("standalone", 4.0),
        ("heading", 2.0),
        ("running", 0.0),
    )
    top: float = 3.0  # for the first line, falling to 0 at `top_lines`
    top_lines: int = 15
    title: float = 4.0  # named in the document's title
    repeat: float = 1.0  # each further occurrence
    repeat_cap: float = 4.0
    min_running_count: int = 2  # a name only seen in sentences must recur to count
    min_chars: int = 3
    max_chars: int = 30

    def form_weight(self, form: NameForm) -> float:
        """Given a form a name was found in, return its weight."""
        return dict(self.form)[form]


@dataclass(frozen=True)
class DateSettings:
    cue_reach_chars: int = 2  # punctuation allowed between a date and its cue
    form_code_last_lines: int = 3
    read_form_code: bool = True
    closing_date_first_lines: int = 5  # where an uncued date closing a line is the brochure's


# ---------------------------------------------------------------------------------------
# Lines as matched


def line_to_match_text(norm: str, rules: FieldRules) -> str:
    """Given a line's NFKC text, return it without markup or letter-spacing, the form fields match on."""
    norm = norm.translate(rules.equivalent_chars)
    for pattern in rules.markup:
        norm = pattern.sub("", norm)
    return unspace(norm).strip()


def document_to_match_lines(document: Document, rules: FieldRules) -> list[str]:
    """Given a Document, return its non-empty lines in reading order as matched."""
    lines = (line_to_match_text(line.norm, rules) for line in document.iter_lines())
    return [line for line in lines if line]


# ---------------------------------------------------------------------------------------
# Insurer: which registered company underwrites


@dataclass(frozen=True)
class PartyMention:
    name: PartyName
    start: int
    end: int


@dataclass(frozen=True)
class CueMention:
    kind: CueKind
    start: int
    end: int


@dataclass(frozen=True)
class ScoredMention:
    insurer_id: str
    score: float
    # only a heading marked it a non-insurer: reading order (two columns) may have put the
    # heading above it by accident, so it counts when nothing else does
    fallback: bool = False


def text_to_party_mentions(text: str, registry: InsurerRegistry) -> list[PartyMention]:
    """Given a line, return the registered company names in it, longest match first."""
    return [
        PartyMention(registry.names[m.group()], m.start(), m.end())
        for m in registry.name_pattern.finditer(text)
    ]


def merge_kinds(same_line: frozenset[CueKind], heading: frozenset[CueKind]) -> frozenset[CueKind]:
    """Given the cue kinds marking a mention on its line and from its heading, return the ones that hold.

    What the line itself says wins over its heading: an underwriter cue on the line lifts a
    heading's agent mark, an agent cue on the line lifts a heading's underwriter mark.
    """
    if same_line & {"underwriter", "insurer"}:
        heading = heading - {"non_insurer"}
    if "non_insurer" in same_line:
        heading = heading - {"underwriter", "insurer"}
    if "underwriter" in heading:
        heading = heading - {"non_insurer"}
    return same_line | heading


@dataclass(frozen=True)
class PartyReader:
    """What the underwriter of a document is read with: the registry, the punctuation that is no
    word character, and the weights."""

    registry: InsurerRegistry
    punctuation: frozenset[str]
    settings: InsurerSettings = InsurerSettings()

    def cue_mentions(self, text: str, parties: Sequence[PartyMention]) -> list[CueMention]:
        """Given a line and its party mentions, return the cue words outside those names."""
        masked = list(text)
        for party in parties:
            masked[party.start : party.end] = "\0" * (party.end - party.start)
        return [
            CueMention(self.registry.cue_kinds[m.group()], m.start(), m.end())
            for m in self.registry.cue_pattern.finditer("".join(masked))
        ]

    def gap_chars(self, text: str, start: int, end: int, cues: Sequence[CueMention]) -> int:
        """Given a stretch of a line, return its word characters that belong to no cue."""
        return sum(
            1
            for i in range(start, end)
            if text[i] not in self.punctuation and not any(c.start <= i < c.end for c in cues)
        )

    def cue_to_party(
        self, cue: CueMention, text: str, parties: Sequence[PartyMention], cues: Sequence[CueMention]
    ) -> int | None:
        """Given a cue in a line, return the index of the party mention it marks, or None.

        A bracketed cue right after a name annotates it (X（幹事）); otherwise a cue followed by a
        colon labels the next name (引受保険会社：X); any other cue marks the nearer name.
        """
        following = next((i for i, p in enumerate(parties) if p.start >= cue.end), None)
        preceding = next((i for i in reversed(range(len(parties))) if parties[i].end <= cue.start), None)

        def gap(party: int | None, start: int, end: int) -> float:
            """Given a party's index and a stretch, return its word characters, inf beyond reach."""
            chars = math.inf if party is None else self.gap_chars(text, start, end, cues)
            return chars if chars <= self.settings.cue_gap_chars else math.inf

        ahead = parties[following].start if following is not None else 0
        behind = parties[preceding].end if preceding is not None else 0
        before, after = text[: cue.start].rstrip(), text[cue.end :].lstrip()
        if before.endswith(tuple(OPENING_BRACKETS)) and after.startswith(tuple(CLOSING_BRACKETS)):
            opening, closing = len(before) - 1, len(text) - len(after)
            if preceding is not None and behind == opening:
                return preceding
            if gap(following, closing + 1, ahead) < math.inf:
                return following
            return preceding if gap(preceding, behind, opening) < math.inf else None
        forward, backward = gap(following, cue.end, ahead), gap(preceding, behind, cue.start)
        if after.startswith(":"):
            return following if forward < math.inf else None
        if forward < math.inf and forward <= backward:
            return following
        return preceding if backward < math.inf else None

    def marked_parties(self, text: str) -> list[tuple[PartyMention, frozenset[CueKind]]]:
        """Given a line, return each party mention in it with the kinds of the cues that mark it."""
        parties = text_to_party_mentions(text, self.registry)
        cues = self.cue_mentions(text, parties)
        kinds: list[set[CueKind]] = [set() for _ in parties]
        for cue in cues:
            target = self.cue_to_party(cue, text, parties, cues)
            if target is not None:
                kinds[target].add(cue.kind)
        return [(p, frozenset(k)) for p, k in zip(parties, kinds, strict=True)]

    def heading(self, text: str) -> frozenset[CueKind] | None:
        """Given a line, return the cue kinds it heads a block with (【引受保険会社】), or None."""
        if text_to_party_mentions(text, self.registry):
            return None
        cues = self.cue_mentions(text, [])
        if not cues or self.gap_chars(text, 0, len(text), cues) > self.settings.heading_extra_chars:
            return None
        return frozenset(c.kind for c in cues)

    def is_party_line(self, text: str) -> bool:
        """Given a line, return whether it names a company or organisation (registered or not)."""
        markers = self.registry.organisation_markers
        return bool(self.registry.name_pattern.search(text)) or any(m in text for m in markers)

    def heading_kinds(self, lines: Sequence[str]) -> list[frozenset[CueKind]]:
        """Given lines, return for each the kinds of the heading it sits under (empty when none).

        A heading speaks for the first run of consecutive party lines within its scope, so the
        agent under 【取扱代理店】 is marked and the insurer in a later contact block is not.
        """
        headings = [self.heading(line) for line in lines]
        result: list[frozenset[CueKind]] = [frozenset() for _ in lines]
        for i, kinds in enumerate(headings):
            if kinds is None:
                continue
            in_run = False
            for j in range(i + 1, min(len(lines), i + 1 + self.settings.heading_scope_lines)):
                if headings[j] is not None:
                    break
                if self.is_party_line(lines[j]):
                    in_run = True
                    result[j] = result[j] | kinds
                elif in_run:
                    break
        return result

    def mention_score(
        self, party: PartyMention, kinds: frozenset[CueKind], own_line: bool, near_end: bool
    ) -> float:
        """Given an insurer mention, the cue kinds marking it and where it sits, return its score."""
        s = self.settings
        cue = s.underwriter_cue if "underwriter" in kinds else s.insurer_cue if "insurer" in kinds else 0.0
        lead = "lead" in kinds and "not_lead" not in kinds
        bonuses = ((lead, s.lead_cue), (own_line, s.own_line), (near_end, s.near_end))
        return (s.legal_name if party.name.is_legal else s.alias) + cue + sum(w for on, w in bonuses if on)

    def scored_mentions(self, lines: Sequence[str]) -> list[ScoredMention]:
        """Given a document's lines, return every insurer mention that may be the underwriter, scored."""
        headings = self.heading_kinds(lines)
        end_from = len(lines) * (1 - self.settings.near_end_fraction)
        scored: list[ScoredMention] = []
        for i, line in enumerate(lines):
            marked = self.marked_parties(line)
            cues = self.cue_mentions(line, [p for p, _ in marked])
            for party, kinds in marked:
                if party.name.insurer_id is None or "non_insurer" in kinds:
                    continue
                merged = merge_kinds(kinds, headings[i])
                fallback = "non_insurer" in merged
                if fallback and not party.name.is_legal:
                    continue
                # the name alone on its line, as in a contact block
                before, after = (0, party.start), (party.end, len(line))
                own = not any(self.gap_chars(line, *span, cues) for span in (before, after))
                score = self.mention_score(party, merged - {"non_insurer"}, own, i >= end_from)
                scored.append(ScoredMention(party.name.insurer_id, score, fallback))
        return scored

    def insurer(self, lines: Sequence[str]) -> Insurer | None:
        """Given a document's lines, return the insurer with the best mention plus capped repeats,
        or None when none is named.

        Fallback mentions (a legal name only a heading marks as an agent's) count only when no
        other mention exists.
        """
        mentions = self.scored_mentions(lines)
        mentions = [m for m in mentions if not m.fallback] or mentions
        by_insurer: dict[str, list[float]] = {}
        for m in mentions:
            by_insurer.setdefault(m.insurer_id, []).append(m.score)
        if not by_insurer:
            return None

        def total(scores: list[float]) -> float:
            return max(scores) + min(self.settings.repeat * (len(scores) - 1), self.settings.repeat_cap)

        best = max(sorted(by_insurer), key=lambda k: (total(by_insurer[k]), len(by_insurer[k])))
        return self.registry.insurer(best)


# ---------------------------------------------------------------------------------------
# Product name


@dataclass(frozen=True)
class ProductCandidate:
    name: str
    form: NameForm
    line: int


def raw_to_product_name(
    raw: str, rules: FieldRules, registry: InsurerRegistry, settings: ProductSettings
) -> str | None:
    """Given a candidate string, return it as a product or rider name, without edge punctuation
    and a leading company name (AIG損保個人情報漏洩保険), or None when it cannot be one."""
    pr, name = rules.product, raw.strip("".join(rules.punctuation))
    if m := registry.name_pattern.match(name):
        name = name[m.end() :].removeprefix("の")
    fits = (
        settings.min_chars <= len(name) <= settings.max_chars
        and name.endswith(pr.suffixes)
        and name not in pr.generic
        and not name.startswith(pr.generic_prefixes)
        and not name.endswith(pr.not_name_endings)
        and registry.names.get(name) is None
        and not any(mark in name for mark in pr.sentence_marks)
    )
    return name if fits else None


def has_particle(name: str, rules: ProductRules) -> bool:
    """Given a name, return whether it holds a hiragana particle (so it is a phrase, not a name)."""
    return any(p in name for p in rules.particles)


def line_to_product_candidates(
    text: str,
    line: int,
    rules: FieldRules,
    registry: InsurerRegistry,
    settings: ProductSettings,
) -> list[ProductCandidate]:
    """Given a line and its index, return the product-name candidates in it with the form each has."""
    pr = rules.product
    found: list[ProductCandidate] = []

    def add(raw: str, form: NameForm) -> None:
        if name := raw_to_product_name(raw, rules, registry, settings):
            found.append(ProductCandidate(name, form, line))

    for pair in pr.brackets:
        opening, closing = re.escape(pair[0]), re.escape(pair[1])
        for m in re.finditer(f"{opening}([^{opening}{closing}]+){closing}", text):
            add(m.group(1), "bracketed")
    is_heading = not any(mark in text for mark in pr.sentence_marks)
    core = text.strip("".join(rules.punctuation))
    if is_heading and not pr.list_separator_pattern.search(core) and not has_particle(core, pr):
        add(core, "standalone")
    if is_heading:
        for part in pr.list_separator_pattern.split(core):
            if not has_particle(part, pr):
                add(part, "heading")
    for m in pr.running_pattern.finditer(text):
        add(m.group(), "heading" if is_heading else "running")
    return found


def candidate_to_owner(
    candidate: ProductCandidate, names: Iterable[str], lines: Sequence[str]
) -> ProductCandidate:
    """Given a candidate, return it credited to the longest candidate name that holds it on its line.

    A fragment a run cut out of a longer name (事故補償特約 of サイバー・情報漏えい事故補償特約,
    cut at the hiragana) is that longer name where both are printed.
    """
    line = lines[candidate.line]
    owners = [n for n in names if len(n) > len(candidate.name) and candidate.name in n and n in line]
    if not owners:
        return candidate
    return ProductCandidate(max(owners, key=len), candidate.form, candidate.line)


def name_count(name: str, names: Iterable[str], text: str) -> int:
    """Given a name, all candidate names and a text, return its occurrences outside longer names."""
    for longer in sorted((n for n in names if len(n) > len(name) and name in n), key=len, reverse=True):
        text = text.replace(longer, "\0")
    return text.count(name)


def candidates_to_product_name(
    candidates: Sequence[ProductCandidate],
    lines: Sequence[str],
    title: str | None,
    settings: ProductSettings,
) -> str | None:
    """Given candidates with their lines, return the best-scoring name, or None.

    Form (quoted, alone on a line, in a heading), closeness to the top, the title and
    repetition across the document add up; a name only seen in sentences must recur.
    """
    names = {c.name for c in candidates}
    whole = "\n".join(lines)
    best: dict[str, tuple[float, int]] = {}  # name -> (best form weight, first line)
    for c in (candidate_to_owner(c, names, lines) for c in candidates):
        form_score, first = best.get(c.name, (float("-inf"), c.line))
        best[c.name] = (max(form_score, settings.form_weight(c.form)), min(first, c.line))
    counts = {n: name_count(n, names, whole) for n in best}

    def score(name: str) -> float:
        form_score, first = best[name]
        top = settings.top * max(0.0, 1 - first / settings.top_lines)
        in_title = settings.title if title and name_count(name, names, title) else 0.0
        return form_score + top + in_title + min(settings.repeat * (counts[name] - 1), settings.repeat_cap)

    eligible = [
        n
        for n, (form_score, _) in best.items()
        if form_score > settings.form_weight("running") or counts[n] >= settings.min_running_count
    ]
    if not eligible:
        return None
    return max(sorted(eligible, key=lambda n: best[n][1]), key=score)


def lines_to_product_name(
    lines: Sequence[str],
    title: str | None,
    rules: FieldRules,
    registry: InsurerRegistry,
    settings: ProductSettings = ProductSettings(),
) -> str | None:
    """Given a document's lines and title, return its product or rider name, or None.

    A title that is one of the document's own lines (a reader's fallback) tells nothing more
    than that line does, so only a title of its own (<title>, PDF metadata) weighs extra.
    """
    if title in lines:
        title = None
    all_lines = [title, *lines] if title else list(lines)
    candidates = [
        c
        for i, line in enumerate(all_lines)
        for c in line_to_product_candidates(line, i, rules, registry, settings)
    ]
    return candidates_to_product_name(candidates, all_lines, title, settings)


# ---------------------------------------------------------------------------------------
# Document date


def line_to_cued_dates(text: str, rules: FieldRules, settings: DateSettings) -> list[dt.date]:
    """Given a line, return the dates in it a cue marks as the brochure's own (2018年1月1日現在);
    where a cue and a rejecting word both follow a date, the longer word decides (時点の情報 / 時点)."""
    cues, marks = rules.date, "".join(rules.punctuation)
    if any(x in text for x in cues.exclude_lines):
        return []
    dates = []
    for mention in text_to_dates(text):
        after = text[mention.end :].lstrip()
        before = text[: mention.start].rstrip(marks)
        lead = len(after) - len(after.lstrip(marks))
        cue = (
            next((c for c in cues.cues_after if after[lead:].startswith(c)), "")
            if lead <= settings.cue_reach_chars
            else ""
        )
        reject = next((r for r in cues.reject_after if after.startswith(r)), None)
        if reject is not None and len(reject) >= len(cue):
            continue
        if cue or before.endswith(cues.cues_before):
            dates.append(mention.date)
    return dates


def line_to_closing_date(text: str, rules: FieldRules) -> dt.date | None:
    """Given a line, return the full date (day included) it ends with, nothing but marks after it
    and no figure or code right before it: an issuer's signature (SBI損害保険株式会社 2026年7月15日),
    a title's date, a date line; else None (a month alone, 2024.11, dates no period label)."""
    if any(x in text for x in rules.date.exclude_lines):
        return None
    mentions = text_to_dates(text)
    closing = mentions[-1] if mentions else None
    if closing is None or closing.precision != "day" or text[closing.end :].strip("".join(rules.punctuation)):
        return None
    before = text[: closing.start].rstrip()
    return None if before[-1:].isascii() and before[-1:].isalnum() else closing.date


def line_to_form_code_date(text: str, rules: DateRules) -> dt.date | None:
    """Given a line, return the month a form number ending in YYYYMM (or printed beside a date,
    B24-012345 2024.11) was made, or None."""
    text = text.strip()
    if m := rules.form_code.match(text):
        return parts_to_date(int(m.group("year")), int(m.group("month")), None)
    for pattern in rules.form_code_dated:
        if (m := pattern.match(text)) is None:
            continue
        mentions = text_to_dates(m.group("date"))
        if len(mentions) == 1 and (mentions[0].start, mentions[0].end) == (0, len(m.group("date"))):
            return mentions[0].date
    return None


#: a date broken at a line's end (2026年7 / 月1日現在): the line ends in a digit, the next opens with its unit
_BROKEN_DATE = re.compile(r"\d$")
_DATE_UNIT_START = re.compile(r"^[年月日]")


def with_cue_line(lines: Sequence[str], index: int, rules: FieldRules) -> str:
    """Given lines and an index, return that line joined to the next when the next is only a cue
    (a footer may set its cue under the date, 2024年4月 / 改定, as a PDF reads it) or goes on with a
    date the line break cut (2026年7 / 月1日現在)."""
    line = lines[index]
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if _BROKEN_DATE.search(line.rstrip()) and _DATE_UNIT_START.match(following.lstrip()):
        return line.rstrip() + following.lstrip()
    following = following.strip("".join(rules.punctuation))
    return f"{line} {following}" if following and following in rules.date.cues_after else line


def lines_to_document_date(
    lines: Sequence[str], rules: FieldRules, settings: DateSettings = DateSettings()
) -> dt.date | None:
    """Given a document's lines, return the date it states for its content, or None.

    The latest cued date wins (作成 then 改定); only without one is a form number in the
    last lines read, and only without that a date closing one of the first lines.
    """
    dates = [
        d
        for i, line in enumerate(lines)
        for d in line_to_cued_dates(with_cue_line(lines, i, rules), rules, settings)
    ]
    if dates:
        return max(dates)
    last = reversed(lines[-settings.form_code_last_lines :] if settings.read_form_code else [])
    if coded := next((date for line in last if (date := line_to_form_code_date(line, rules.date))), None):
        return coded
    first = lines[: settings.closing_date_first_lines]
    return next((date for line in first if (date := line_to_closing_date(line, rules))), None)


# ---------------------------------------------------------------------------------------


def document_to_fields(document: Document) -> DocumentFields:
    """Given a Document, return its insurer, product name and stated date."""
    rules, registry = load_rules(), load_registry()
    lines = document_to_match_lines(document, rules)
    insurer = PartyReader(registry, rules.punctuation).insurer(lines)
    title = line_to_match_text(nfkc(document.title), rules) if document.title else None
    return DocumentFields(
        insurer_id=insurer.id if insurer else None,
        insurer_name=insurer.name if insurer else None,
        product_name=lines_to_product_name(lines, title or None, rules, registry),
        document_date=lines_to_document_date(lines, rules),
    )
