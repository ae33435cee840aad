"""Limits, deductibles, ratios and time windows → LimitRecord rows.

Tables first: a figure cell's type comes from a cue in the cell, its row when the row only names a type
(免責金額（1事故につき）), its column's header rows (a colspan header such as 保険金額（万円） covers every
plan column under it), its row label, or the table's caption (【補償プランと保険金額】). Bare numbers are read
in the unit their column header, the header rows or a （単位：千円） caption declare. A figure's coverage
comes from its row's cell in the item column (the column whose cells read as item labels, not descriptions;
one row per enumerated item ①②… of that label), from the column header when the row only names a type (a table
of types × sections), or from a sub-label inside the cell (うち、見舞金費用 …). Then running text: a
sentence's figure counts when a type cue governs it (支払限度額は200万円, 500円を限度に, 自己負担割合10%,
発覚後180日以内); its coverage is the taxonomy term that is the subject of that cue
(危機管理実行費用特約の支払限度額は…), else the section the sentence's topic names (いずれの費用も…), else the
heading's coverage. Time windows are N日/週間/年/か月以内, …を経過するまで, 最長N日. "X% … or ¥Y, whichever is
lower" is one row with ratio X and amount Y. A figure after a set cue (この特約をセットすることで …) applies
under the rider whose block it is in. Amounts that are examples (approximate, × counts) and blocks of quote
assumptions or case stories are not limits. All cue words are YAML data (`data/limits.yaml`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from extractors import taxonomy
from extractors.amounts import find_amounts, find_percents, numeral_value, text_to_default_unit
from extractors.blocks import (
    drop_list_marks,
    head_of,
    heading_core,
    split_enumerated,
    starts_with_bullet,
    starts_with_footnote,
    starts_with_inline_mark,
    strip_label_marks,
    strip_leading_marks,
)
from extractors.coverages import document_to_coverages
from extractors.document import CELL_SEPARATOR, Document, Table, nfkc
from extractors.layout import NOTE_MARK, TableView, declared_header_rows, note_free, table_to_view
from extractors.records import Attribution, LimitRecord
from extractors.sections import (
    UnitContext,
    document_to_contexts,
    has_any,
    is_field_label,
    is_figure_only,
    load_cues,
    plain,
    rider_names,
    split_sentences,
    straddles,
)
from extractors.taxonomy import TaxonomyMatch
from extractors.text_utils import data_to_fields, load_data, squeeze, words

RATIO_TYPES = ("self_retention_ratio", "payout_ratio")


@dataclass(frozen=True)
class LimitCues:
    """The cue words of `data/limits.yaml` (its keys are the fields' names), NFKC-normalised."""

    before: tuple[tuple[str, str], ...]  # (cue, limit_type), longest cue first
    after: tuple[tuple[str, str], ...]
    days_patterns: tuple[re.Pattern[str], ...]
    window_units: Mapping[str, Fraction]
    topic_sections: tuple[tuple[str, str], ...]  # (topic word, section id), longest word first
    basis: tuple[tuple[str, str], ...]  # (word, basis), most specific first
    per_unit_basis: Mapping[str, str]
    empty_values: frozenset[str]
    or_words: tuple[str, ...]
    lower_words: tuple[str, ...]
    condition_ends: tuple[str, ...]
    example_words: tuple[str, ...]
    skip_heading: tuple[str, ...]
    label_headers: tuple[str, ...]
    description_headers: tuple[str, ...]
    plan: tuple[str, ...]
    whole_policy: tuple[str, ...]
    rider_topics: tuple[str, ...]
    subject_predicates: tuple[str, ...]
    qualifier_ends: tuple[str, ...]
    inner_words: tuple[str, ...]
    month_units: tuple[str, ...]
    cap_bases: tuple[str, ...]
    field_openers: tuple[str, ...] = ()
    yen_headers: tuple[str, ...] = ()
    yen_headers_min_jpy: int = 1_000_000
    field_basis_words: tuple[str, ...] = ()
    premium_words: tuple[str, ...] = ()
    inner_limit_words: tuple[str, ...] = ()
    alternative_separators: tuple[str, ...] = ()
    entry_separators: tuple[str, ...] = ()
    question_ends: tuple[str, ...] = ()
    proviso_words: tuple[str, ...] = ()
    negated_words: tuple[str, ...] = ()
    field_gap_max_chars: int = 3
    max_cue_distance: int = 30
    max_after_distance: int = 4
    lower_window: int = 40


def _by_length(lists: Mapping[str, Any]) -> tuple[tuple[str, str], ...]:
    """Given a mapping of names to word lists, return (word, name) pairs, longest word first."""
    pairs = [(nfkc(str(word)), str(name)) for name, ws in lists.items() for word in ws]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


@functools.cache
def load_limit_cues() -> LimitCues:
    """Given nothing, return the LimitCues of limits.yaml (cached)."""
    data = load_data("limits.yaml")
    types = data["types"]
    read = {
        "before": _by_length({kind: body.get("before", ()) for kind, body in types.items()}),
        "after": _by_length({kind: body.get("after", ()) for kind, body in types.items()}),
        "window_units": {nfkc(str(k)): Fraction(str(v)) for k, v in data["window_units"].items()},
        "topic_sections": _by_length(data["topic_sections"]),
        "basis": tuple((nfkc(str(w)), b) for b, ws in data["basis"].items() for w in ws),
        "per_unit_basis": {nfkc(str(k)): str(v) for k, v in data["per_unit_basis"].items()},
        "empty_values": frozenset(squeeze(w) for w in words(data, "empty_values")),
    }
    return LimitCues(**(data_to_fields(LimitCues, data) | read))


# ---------------------------------------------------------------- figures


@dataclass(frozen=True)
class Figure:
    """One figure in a text: a yen amount, a percentage, a yen amount with its percentage, or days."""

    start: int
    end: int
    amount_jpy: int | None = None
    ratio: float | None = None
    days: int | None = None
    per_unit: str | None = None
    example: bool = False


def text_to_figures(norm: str, cues: LimitCues, default_unit: str | None = None) -> list[Figure]:
    """Given NFKC text, return its figures in order; "X% or ¥Y, whichever is lower" is one figure."""
    amounts = find_amounts(norm, default_unit=default_unit)
    figures: list[Figure] = []
    paired: set[int] = set()
    for p in find_percents(norm):
        gaps = (a for a in amounts if a.start >= p.end and squeeze(norm[p.end : a.start]) in cues.or_words)
        pair = next(gaps, None)
        if pair is not None and has_any(norm[pair.end : pair.end + cues.lower_window], cues.lower_words):
            paired.add(pair.start)
            figures.append(Figure(pair.start, pair.end, amount_jpy=pair.amount.yen, ratio=p.value))
        else:
            figures.append(Figure(p.start, p.end, ratio=p.value))
    for a in (a for a in amounts if a.start not in paired):
        example = a.amount.approximate or a.amount.count is not None
        figures.append(Figure(a.start, a.end, a.amount.yen, per_unit=a.amount.per_unit, example=example))
    taken: list[tuple[int, int]] = []
    for pattern in cues.days_patterns:
        for m in pattern.finditer(norm):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue  # 最長30日以内 is one window, whichever pattern reads it
            if (days := window_days(m, cues)) is not None:
                taken.append((m.start(), m.end()))
                figures.append(Figure(m.start(), m.end(), days=days))
    return sorted(figures, key=lambda f: f.start)


def window_days(match: re.Match[str], cues: LimitCues) -> int | None:
    """Given a days pattern's match (number, unit), return the window in days (1年 = 365, 6か月 = 180)."""
    unit = nfkc(match.group(2)) if match.re.groups >= 2 and match.group(2) else "日"
    per_unit = cues.window_units.get(unit)
    if per_unit is None:
        return None
    count = numeral_value(match.group(1))
    year = cues.window_units.get("年")
    # months that make whole years are years (12か月 = 365日); other months count as window_units says
    if unit in cues.month_units and year is not None and count % 12 == 0:
        return int(count // 12 * year)
    return int(count * per_unit + Fraction(1, 2))


def _fits(figure: Figure, kind: str) -> bool:
    """Given a figure and a limit type, return whether the figure's value can be of that type."""
    if figure.amount_jpy is None and kind not in RATIO_TYPES:
        return False  # a bare percentage under a limit cue ("支払限度額の10%") gives no yen
    return not (figure.amount_jpy is not None and figure.ratio is None and kind in RATIO_TYPES)


def _last_cue(text: str, pairs: tuple[tuple[str, str], ...]) -> tuple[int, str] | None:
    """Given text and (cue, type) pairs, return where the last cue in it starts and its type (the
    longer cue on a tie), or None."""
    hits = [(text.rfind(cue), -i, kind) for i, (cue, kind) in enumerate(pairs) if cue in text]
    return (max(hits)[0], max(hits)[2]) if hits else None


def figure_type(norm: str, figure: Figure, cues: LimitCues, default: str | None = None) -> str | None:
    """Given text and a figure in it, return the limit type its governing cue gives (or default). The nearest
    cue before the figure governs it; when that cue's type does not fit the figure
    (縮小支払割合80%を適用し、1,000万円を限度に: a ratio cue before an amount), a cue right after it (を限度)
    does."""
    if figure.days is not None:
        return "time_window_days"
    before = squeeze(norm[max(0, figure.start - cues.max_cue_distance) : figure.start])
    kind = hit[1] if (hit := _last_cue(before, cues.before)) else None
    if kind is None or not _fits(figure, kind):
        after = squeeze(norm[figure.end : figure.end + cues.max_after_distance + 6])
        kind = next((k for cue, k in cues.after if 0 <= after.find(cue) <= cues.max_after_distance), kind)
    if kind is None and is_inner_limit(norm[figure.end :], cues):
        kind = "limit"
    kind = kind or default
    return kind if kind is not None and _fits(figure, kind) else None


def is_inner_limit(after: str, cues: LimitCues) -> bool:
    """Given the text after a figure, return whether a bracket right after it marks the figure as
    a sub-limit of a larger one (1,000万円（費用全体の内数）)."""
    m = _BRACKET.match(after)
    return m is not None and has_any(m.group(1), cues.inner_limit_words)


def figure_basis(text: str, figure: Figure, cues: LimitCues, header: str = "") -> str | None:
    """Given the text before a figure (and its column header), return the figure's basis."""
    if figure.per_unit is not None and (basis := cues.per_unit_basis.get(nfkc(figure.per_unit))):
        return basis
    local = text[max(0, figure.start - 20) : figure.end + 8]
    sources = [re.sub(f"[{taxonomy.MIDDLE_DOTS}]", "・", squeeze(t)) for t in (local, nfkc(header))]
    return next((basis for source in sources for word, basis in cues.basis if word in source), None)


def figure_condition(
    text: str, figure: Figure, cues: LimitCues, *, since: int = 0, cell: bool = False
) -> str | None:
    """Given the text a figure is in, return the condition printed before it (…の場合), if any. The condition
    is looked for after `since` (the previous figure) first, then in the whole text before the figure; in a
    table cell a space also ends the text before a condition."""
    ends = "|".join(re.escape(e) for e in cues.condition_ends)
    separators = ("。", "\n", "|", ":", " ", *cues.inner_words) if cell else ("。", "\n", "|")
    for start in dict.fromkeys((since, 0)):
        before = text[start : figure.start]
        if not (matches := list(re.finditer(rf"(?:{ends})(?:のみ|は|には|で|、|:)?", before))):
            continue
        last = matches[-1]
        cut = max(
            (at + len(sep) for sep in separators if (at := before.rfind(sep, 0, last.start())) != -1),
            default=0,
        )
        if cell:  # a cell's sub-label (見舞金費用) is not part of the condition that follows it
            cut = max([cut, *(m.end for m in taxonomy.match_all(before[: last.start()]))])
        condition = strip_label_marks(before[cut : last.end()]).strip(" 、,:")
        if condition := re.sub(r"(?:のみ|は|には|で)$", "", condition):
            return condition
    return None


# ---------------------------------------------------------------- coverage of a figure


#: what follows a term that is the base of a percentage: の10%, or の保険金額の10%
_RATIO_BASE = re.compile(r"\s*の\s*(?:[^\s、。,()（）]{1,8}?の\s*)?\d+(?:\.\d+)?\s*%")


def _subject_matches(norm: str, upto: int) -> list[TaxonomyMatch]:
    """Given a sentence and a position, return strong terms before it that can be a subject. Terms in
    parentheses and terms that are the base of a ratio (個人情報漏洩特約の20%, …対応費用の保険金額の10%) are
    not."""
    depths = taxonomy.paren_depths(norm)
    matches = taxonomy.match_all(norm[:upto], weak=False)
    return [m for m in matches if depths[m.start] == 0 and not _RATIO_BASE.match(norm[m.end :])]


_BRACKETED = re.compile(r"[(（][^()（）]*[)）]")
#: the longest topic phrase (before its は/も) read as a sentence's topic
TOPIC_MAX_CHARS = 40
_TOPIC = re.compile(rf"^(.{{1,{TOPIC_MAX_CHARS}}}?)(?:については|について|には|は|も)")


def _opening(norm: str) -> str:
    """Given a sentence, return it as its topic is read: marks, spaces and brackets dropped."""
    return _BRACKETED.sub("", squeeze(strip_label_marks(norm)))


def topic_section(norm: str, cues: LimitCues) -> str | None:
    """Given a sentence, return the section its topic names, or None. The topic is the phrase before the
    sentence's first は/も/には (parentheses dropped); it names a section when it ends with a topic word
    (…費用は、 いずれの費用も、 各費用には) and holds no coverage term of its own (調査費用は is forensics'
    business, not the section's)."""
    for topic in _topics(_opening(norm), cues):
        for word, section in cues.topic_sections:
            head = len(topic) - len(word)
            if topic.endswith(word) and all(term.start >= head for term in taxonomy.find_terms(topic)):
                return section
    return None


def _topics(opening: str, cues: LimitCues) -> list[str]:
    """Given a sentence's opening (spaces and brackets dropped), return its topic phrases: the
    phrase before the first は/も, then the が-subject of a predicate that makes it the topic
    (…以内に要した費用が対象です; …が対象外です says what is not paid: no topic)."""
    topics = [m.group(1)] if (m := _TOPIC.match(opening)) else []
    subjects = (re.search(f"が{re.escape(p)}(?!外)", opening) for p in cues.subject_predicates)
    return topics + [opening[: m.start()] for m in subjects if m and 0 < m.start() <= TOPIC_MAX_CHARS]


def is_rider_topic(norm: str, cues: LimitCues) -> bool:
    """Given a sentence, return whether its topic is every rider of the brochure (各特約の免責金額は,
    いずれの特約も): a rider topic word and no coverage term of its own before は/も."""
    if (m := _TOPIC.match(_opening(norm))) is None:
        return False
    return has_any(m.group(1), cues.rider_topics) and not taxonomy.match_all(m.group(1), weak=False)


def _bracket_topic(norm: str, at: int) -> list[TaxonomyMatch]:
    """Given a sentence and a figure's start, return the strong terms of the topic (…は) that opens
    the brackets the figure stands in, straight before it (９０％（見舞金は１００％）: 見舞金), else []."""
    opened = max(norm.rfind("(", 0, at), norm.rfind("（", 0, at))
    if opened < 0 or max(norm.rfind(")", 0, at), norm.rfind("）", 0, at)) > opened:
        return []
    inside = norm[opened + 1 : at]
    topic = _TOPIC.match(inside)
    if topic is None or inside[topic.end() :].strip() or re.search(r"\d", topic.group(1)):
        return []  # the figure follows a topic of no figure straight (not …の20%または1億円)
    return taxonomy.match_all(topic.group(1), weak=False)


def sentence_attribution(
    norm: str, figure: Figure, ctx: UnitContext, cues: LimitCues
) -> tuple[str | None, Attribution]:
    """Given a sentence, a figure and the unit's context, return the coverage id the figure is for and which
    context named it. The subject term of the governing cue first, then any term before the figure, then None
    for a figure of the whole policy (すべての補償を合算して), then the section the sentence's topic names
    (いずれの費用も …), then the heading's coverage."""
    if bracketed := _bracket_topic(norm, figure.start):
        return bracketed[-1].coverage_id, "sentence"  # an exception in brackets: ９０％（見舞金は１００％）
    cue = _last_cue(norm[: figure.start], cues.before)
    for upto in (cue[0] if cue else figure.start, figure.start):
        if subjects := _subject_matches(norm, upto):
            return subjects[-1].coverage_id, "sentence"
    if has_any(norm[: figure.start], cues.whole_policy):
        return None, "sentence"  # いずれの補償も…0円, すべての補償を合算して1億円: the whole policy's
    if (section := topic_section(norm, cues)) is not None:
        return section, "sentence"
    if ctx.heading_ids:
        return ctx.heading_ids[0], "heading"
    weak = [m for m in taxonomy.match_all(norm[: figure.start]) if m.weak]
    return (weak[-1].coverage_id, "sentence") if weak else (None, "document_default")


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class Found:
    """A figure read as a limit, before it becomes a record."""

    coverage_id: str | None
    coverage_label: str
    limit_type: str
    figure: Figure
    basis: str | None
    rider: str | None
    condition: str | None
    page: int | None
    evidence: str
    #: which context named the coverage (the contract's `attributed_by`)
    attributed_by: Attribution = "sentence"


#: the figure values a record of each type holds, the first the one it must have; the other types
#: hold an amount and the ratio paired with it ("X% or ¥Y, whichever is lower")
_VALUE_FIELDS = ("amount_jpy", "ratio", "days")
_TYPE_VALUES = {"time_window_days": ("days",), **dict.fromkeys(RATIO_TYPES, ("ratio",))}
#: the fields a record takes from its Found as they are
_SHARED = ("coverage_id", "coverage_label", "limit_type", "rider", "condition", "page", "evidence")


def found_to_record(found: Found, doc_id: str) -> LimitRecord | None:
    """Given a found figure, return its LimitRecord, holding only the values its type takes, or None
    where the figure lacks the value its type must have.

    A value out of its type's range (a 150 % ratio, a 0円 limit) is kept: the table's model
    rejects it, so it lands in quarantine with the reason instead of vanishing uncounted.
    """
    kept = _TYPE_VALUES.get(found.limit_type, ("amount_jpy", "ratio"))
    own = {name: getattr(found.figure, name) for name in kept}
    if own[kept[0]] is None:
        return None
    values: dict[str, Any] = dict.fromkeys(_VALUE_FIELDS) | own
    return LimitRecord(
        doc_id=doc_id,
        basis=found.basis if found.limit_type in ("limit", "deductible") else None,
        attributed_by=found.attributed_by,
        **values,
        **{name: getattr(found, name) for name in _SHARED},
    )


def _label_for(coverage_id: str | None, text: str) -> str:
    """Given a coverage id and the text it was read from, return a printed label for it."""
    spans = [(m.start, m.end) for m in taxonomy.match_all(text) if m.coverage_id == coverage_id]
    return nfkc(text)[spans[0][0] : spans[0][1]] if spans else strip_label_marks(text)[:40]


def _is_cap(text: str, figure: Figure, cues: LimitCues, header: str = "") -> bool:
    """Given a text and a figure no cue governs in it (and its column header), return whether the
    figure is still an item's cap: an amount per victim (見舞金（1名あたり1,000円）) printed after
    the item it is paid under."""
    if figure.amount_jpy is None or figure_basis(text, figure, cues, header) not in cues.cap_bases:
        return False
    return bool(_subject_matches(text, figure.start))


#: an item line that prints its own limit in brackets is label-short (・データ復旧費用（1,000万円）)
ITEM_FIGURE_MAX_LABEL_CHARS = 30


def _is_own_cap(sentence: str, figure: Figure, cues: LimitCues) -> bool:
    """Given a sentence and a figure no cue governs, return whether the figure is the limit an
    item line prints in brackets after its label (・データ復旧費用（1,000万円）; the bracket
    holds only the figure and the label names a coverage), or an item's per-victim cap."""
    if _is_cap(sentence, figure, cues):
        return True
    body = strip_label_marks(sentence)
    core = heading_core(body)
    if figure.amount_jpy is None or core == body or len(core) > ITEM_FIGURE_MAX_LABEL_CHARS or "。" in core:
        return False
    at = sentence.find(core)
    return at >= 0 and at + len(core) <= figure.start and bool(_subject_matches(sentence, figure.start))


#: what parts a field's key from its value: a colon, else a space
_FIELD_COLON = re.compile(r"\s*:\s*")
_FIELD_SPACE = re.compile(r"\s+")


def field_key(before: str, cues: LimitCues, described: bool = False) -> str | None:
    """Given a line's NFKC text before a figure, return the key of the field the figure is the
    value of (原因調査費用 in ・原因調査費用:500万円 and in うち 原因調査費用 1,500万円), or None;
    where `described` (a row of a grid of limits), a description may stand between them too."""
    entry = strip_leading_marks(re.split(r"[/／]", before)[-1].lstrip())
    opener = next((o for o in sorted(cues.field_openers, key=len, reverse=True) if entry.startswith(o)), "")
    entry = entry[len(opener) :].lstrip()
    m = _FIELD_COLON.search(entry) or _FIELD_SPACE.search(entry)
    if m is None or m.start() == 0:
        return None
    between = entry[m.end() :]
    return entry[: m.start()] if is_basis_only(between, cues) or (described and "。" not in between) else None


def is_basis_only(between: str, cues: LimitCues) -> bool:
    """Given the text between a field's key and its figure, return whether it holds only basis
    words (1請求・保険期間中, 被害者1名あたり) and at most a few other characters."""
    rest = re.sub(f"[{taxonomy.MIDDLE_DOTS}]", "・", squeeze(between))
    for word in sorted([*(w for w, _ in cues.basis), *cues.field_basis_words], key=len, reverse=True):
        rest = rest.replace(word, "")
    return len(re.sub(r"[\d・、,/()（）]", "", rest)) <= cues.field_gap_max_chars


def alternatives_dropped(after: str, cues: LimitCues) -> str:
    """Given the text after a field's figure, return it without the alternative figures that follow
    it (一億円または三億円: または三億円), so that the first of them also ends the field."""
    separators = sorted(cues.alternative_separators, key=len, reverse=True)
    rest = after
    while True:
        stripped = rest.lstrip()
        sep = next((s for s in separators if stripped.startswith(s)), None)
        if sep is None:
            return rest
        following = stripped[len(sep) :].lstrip()
        amounts = find_amounts(following)
        if not amounts or amounts[0].start != 0:
            return rest
        rest = following[amounts[0].end :]


def field_targets(
    sentence: str, figure: Figure, kind: str, ctx: UnitContext, cues: LimitCues, described: bool = False
) -> list[tuple[str | None, str]]:
    """Given an NFKC line in a block of cover, a figure in it and the type the block's fields take,
    return the items the figure is for as the value of a field keyed by a coverage (・データ復旧費用：
    300万円), else []."""
    if not _fits(figure, kind) or figure.example or has_any(sentence, cues.premium_words):
        return []
    # the figure ends the field: only brackets (（費用全体の内数）), a note mark or alternatives may follow
    rest = alternatives_dropped(sentence[figure.end :], cues)
    if squeeze(NOTE_MARK.sub("", _BRACKETED.sub("", rest))).strip("。"):
        return []
    key = field_key(sentence[: figure.start], cues, described)
    if key is None or len(key) > ITEM_LABEL_MAX_CHARS or find_amounts(key) or "。" in key:
        return []
    # a key is an item's label: it opens with a coverage term (not …のために支出した弁護士費用等)
    return label_ids(key, ctx) if taxonomy.leading_ids(key) else []


def sentence_to_found(
    sentence: str,
    ctx: UnitContext,
    cues: LimitCues,
    page: int,
    evidence: str,
    columns: TextColumns | None = None,
    default_kind: str | None = None,
    rider_ids: tuple[str, ...] = (),
    fields: str | None = None,
    grid: bool = False,
) -> list[Found]:
    """Given one NFKC sentence in its context (and the text table it is a line of), return the limits it
    states. A figure no cue governs takes the type of the figure before it when a coverage term stands between
    them (免責金額 賠償:0円／費用:1事故につき10万円), or, in a text table, its column's, or else
    `default_kind`; in a block of cover, a figure that is the value of a field keyed by a coverage
    (・データ復旧費用：300万円) is that coverage's, of type `fields` (the block's: a limit, a
    deductible…), its description between them too where the block is a `grid` of limits. A figure
    of no coverage in a sentence about every rider (各特約の免責金額は…) holds for each of `rider_ids`."""
    found: list[Found] = []
    since = 0
    previous_kind: str | None = None
    for figure in text_to_figures(sentence, cues):
        previous, since = since, figure.end
        if figure.example or has_any(sentence[max(0, figure.start - 8) : figure.start], cues.example_words):
            continue
        column = columns if columns is not None and columns.holds(sentence, figure) else None
        parallel = previous_kind if _is_parallel(sentence[previous : figure.start], cues) else None
        default = parallel or (column.kind if column else None) or default_kind
        kind = figure_type(sentence, figure, cues, default=default)
        if kind is None and ctx.scope == "coverage" and _is_own_cap(sentence, figure, cues):
            kind = "limit"  # an item's own cap in a block of cover (not a case story's 見舞金（1名500円）)
        keyed = fields is not None and column is None and kind in (None, fields)
        field = field_targets(sentence, figure, fields, ctx, cues, grid) if keyed and fields else []
        if (kind := fields if field else kind) is None:
            continue
        previous_kind = kind
        by_field: tuple[list[tuple[str | None, str]], Attribution] = (field, "field_label")
        opened = entry_start(sentence, previous, figure.start, cues) if previous else 0
        entry, at = sentence[opened:], replace(figure, start=figure.start - opened, end=figure.end - opened)
        targets, attributed = (
            by_field if field else _text_targets(entry, at, kind, ctx, cues, column, rider_ids)
        )
        set_cue = ctx.rider is not None and has_any(sentence[: figure.start], load_cues().set_)
        found.extend(
            Found(
                coverage_id=target_id,
                coverage_label=target_label,
                limit_type=kind,
                figure=figure,
                basis=figure_basis(sentence, figure, cues),
                rider=ctx.rider if set_cue else None,  # after a set cue, the rider's figure
                condition=figure_condition(sentence, figure, cues, since=previous),
                page=page,
                evidence=evidence,
                attributed_by=attributed,
            )
            for target_id, target_label in targets
        )
    return found


def entry_start(sentence: str, previous_end: int, figure_start: int, cues: LimitCues) -> int:
    """Given a sentence, the end of the figure before a figure and the figure's start, return where the
    figure's own entry opens: right after a separator (／, ・) or wide gap that follows the figure before,
    when a coverage term comes next (1億円 ／ 原因調査費用 1,000万円); else 0 (the whole sentence)."""
    between = sentence[previous_end:figure_start]
    seps = "|".join(re.escape(sep) for sep in cues.entry_separators)
    opener = re.match(rf"\s*(?:{seps})\s*|\s{{2,}}" if seps else r"\s{2,}", between)
    if opener is None or not taxonomy.leading_ids(plain(between[opener.end() :])):
        return 0
    return previous_end + opener.end()


def _text_targets(
    sentence: str,
    figure: Figure,
    kind: str,
    ctx: UnitContext,
    cues: LimitCues,
    column: TextColumns | None,
    rider_ids: tuple[str, ...],
) -> tuple[list[tuple[str | None, str]], Attribution]:
    """Given a sentence, a typed figure in it and its context (text-table column, the brochure's
    rider ids), return the items the figure is for and which context named them."""
    coverage_id, attributed = sentence_attribution(sentence, figure, ctx, cues)
    label = _label_for(coverage_id, sentence)
    if column is not None and column.row_ids and kind == column.kind:
        return [(column.row_ids[0], column.row_label)], "row_header"
    if coverage_id is None and rider_ids and is_rider_topic(sentence, cues):
        return [(i, label) for i in rider_ids], attributed
    return [(coverage_id, label)], attributed


#: what separates the entries of a list of "label: figure" pairs
_LIST_SEPARATORS = "／/、,;；"


def _is_parallel(between: str, cues: LimitCues) -> bool:
    """Given the text between two figures, return whether it opens the next entry of one list
    (／サイバー…費用：): a list separator, then a coverage term; or only parts two alternatives
    (1億円、3億円、5億円の中から)."""
    if squeeze(between) in cues.alternative_separators:
        return True
    at = max(between.rfind(sep) for sep in _LIST_SEPARATORS)
    return at != -1 and bool(taxonomy.match_all(between[at:], weak=False))


# ---------------------------------------------------------------- text tables

#: the gap between the fields of a text table row (PDF text copied with its layout)
_FIELD_GAP = re.compile(r"\s{2,}")
#: what may stand between a column's gap and its figure: a basis (1名あたり), not a label
COLUMN_TAIL_MAX_CHARS = 10


@dataclass
class TextColumns:
    """A text table under way: the type its last column's header names and the coverage ids
    of the row being read (the label in its first field)."""

    kind: str
    row_ids: tuple[str, ...] = ()
    row_label: str = ""

    def holds(self, sentence: str, figure: Figure) -> bool:
        """Given a line and a figure in it, return whether the figure stands in the figure column:
        after a wide gap, or alone on its line (a row's second figure: １法人あたり５万円)."""
        before = sentence[: figure.start]
        gaps = list(_FIELD_GAP.finditer(before))
        if gaps and before[: gaps[-1].start()].strip():
            tail = before[gaps[-1].end() :]  # basis words only (1名あたり), no item of its own
            return len(tail) <= COLUMN_TAIL_MAX_CHARS and not taxonomy.match_all(tail)
        return not taxonomy.match_all(sentence) and len(_FIELD_GAP.split(sentence.strip())) == 1

    def read_row(self, line: str) -> None:
        """Given a line, make its first field the current row label when it opens a new row: a
        label followed by a wide gap and description text (not straight by the figure)."""
        fields = _FIELD_GAP.split(line.strip())
        if len(fields) < 2 or find_amounts(fields[1]):
            return
        label = strip_label_marks(fields[0])
        if 0 < len(label) <= ITEM_LABEL_MAX_CHARS:
            self.row_ids, self.row_label = tuple(taxonomy.head_ids(label)), label


def text_header_kind(line: str, cues: LimitCues) -> str | None:
    """Given a line, return the figure type of its last field when it heads a text table
    (保険金の種類　　支払われる保険金の内容　　てん補限度額): several fields, no figure."""
    fields = _FIELD_GAP.split(line.strip())
    if len(fields) < 2 or find_amounts(line) or taxonomy.match_all(line, weak=False):
        return None
    return _type_cue(fields[-1], cues)


def text_units_to_found(
    contexts: list[UnitContext], cues: LimitCues, rider_ids: tuple[str, ...] = ()
) -> list[Found]:
    """Given the text units in their scope, in reading order, return the limits they state. A line heading a
    text table (fields apart by wide gaps, the last naming a figure type) types the figures of the column
    under it until the block ends; each row's label gives their coverage. A line that is only a figure, under
    a card's field label (支払限度額 / 1億円), or under a line a cue breaks off (支払限 / 度額 500万円), is
    read with it, the label's type else a limit (a card prints the amount it pays up to) for the card's item
    (the heading above). A paragraph that opens with an item's name (- 〈再発防止費用補償特約〉 …。支払限度額
    500万円) is about that item; a line naming nothing under no naming heading (a formula:
    (損害額−免責金額)×90%), or going on with a note the line before left mid-sentence, states the
    figure of the coverage the line before opened with (費用損害は、…; ※原因調査費用は、…)."""
    columns: TextColumns | None = None
    found: list[Found] = []
    before = tuple(cue for cue, _ in cues.before)
    blocks = zip([None, *contexts], contexts, field_blocks(contexts, cues), strict=False)
    for previous, ctx, (keyed, card) in blocks:
        if ctx.scope == "stop":
            columns = None
        for line in ctx.unit.lines:
            if (kind := text_header_kind(line.norm, cues)) is not None:
                columns = TextColumns(kind)
            elif columns is not None:
                columns.read_row(line.norm)
        text, unit = plain(ctx.unit.norm), ctx.unit
        above = plain(previous.unit.norm) if previous is not None else ""
        if previous is not None and (
            is_field_label(above, text)
            or (not find_amounts(previous.unit.norm) and straddles(above, text, before))
        ):
            evidence = "\n".join([previous.unit.text, unit.text])
            found.extend(
                sentence_to_found(f"{above} {text}", ctx, cues, unit.page, evidence, default_kind="limit")
            )
            continue
        ctx = _lead_context(ctx, above, text)
        start, lead = len(found), field_lead_kind(text, cues)
        for index, sentence in enumerate(split_sentences(text)):
            found.extend(
                sentence_to_found(
                    sentence,
                    _proviso_context(sentence, found[start:], ctx, cues),
                    cues,
                    unit.page,
                    unit.text,
                    columns,
                    default_kind=asked_kind(above, cues)
                    or _card_kind(text, above, ctx, card)
                    or (lead if index else None),
                    rider_ids=rider_ids,
                    fields=keyed,
                    grid=card is not None,
                )
            )
    return found


def _lead_context(ctx: UnitContext, above: str, text: str) -> UnitContext:
    """Given a paragraph's context, the text of the unit above and its own, return the context
    naming the item it is about: the one it opens with, else the one the unit above opened with,
    where it names nothing and stands under no naming heading or goes on with that unit's note."""
    if lead := tuple(taxonomy.leading_ids(text)):
        return replace(ctx, heading_ids=lead)
    previous_lead = tuple(taxonomy.leading_ids(strip_label_marks(above)))
    if not previous_lead or taxonomy.match_all(text, weak=False):
        return ctx
    if ctx.heading_ids and not (continues_note(above, text) or _is_sub_item(above, text, previous_lead, ctx)):
        return ctx
    return replace(ctx, heading_ids=previous_lead)


def _is_sub_item(above: str, text: str, previous_lead: tuple[str, ...], ctx: UnitContext) -> bool:
    """Given a list item, the one above it, the ids that one opens with and the context, return
    whether the item goes on about that one's item: both open with the same list mark, the item is
    no field keyed by a label of its own (・免責金額:10万円), and the item above names a part of the
    heading's section (– 見舞金:1名あたり500円 / – 1事故あたりの上限は200万円)."""
    mark = above.lstrip()[:1]
    if not mark or not starts_with_bullet(above) or text.lstrip()[:1] != mark or ":" in text:
        return False
    parts = (i.startswith(f"{h}.") for i in previous_lead for h in ctx.heading_ids)
    return all(parts) and not set(previous_lead) & set(ctx.heading_ids)


def continues_note(above: str, text: str) -> bool:
    """Given a line and the line under it, return whether the line goes on with a note that the
    line above opens and leaves mid-sentence (※原因調査費用は、…発見した日から / ３０日以内に…)."""
    if starts_with_footnote(text) or starts_with_bullet(text):
        return False
    return starts_with_footnote(above) and not above.rstrip().endswith(("。", "!", "?"))


def _proviso_context(sentence: str, before: list[Found], ctx: UnitContext, cues: LimitCues) -> UnitContext:
    """Given a sentence, the limits its paragraph stated before it and the paragraph's context,
    return the context to read the sentence in: a proviso (ただし、…60日以内に限ります) naming no
    coverage restricts the coverage the sentences before it named."""
    if not squeeze(strip_label_marks(sentence)).startswith(cues.proviso_words):
        return ctx
    named = [f.coverage_id for f in before if f.attributed_by == "sentence" and f.coverage_id]
    return replace(ctx, heading_ids=(named[-1],)) if named else ctx


def _card_kind(text: str, above: str, ctx: UnitContext, kind: str | None) -> str | None:
    """Given a paragraph, the one above it, its context and the type its block's lone figures take,
    return that type when the paragraph is only a figure, the first under an item that names a
    coverage (a grid cell: 2,500万円 under フォレンジック費用 and its description), else None."""
    return kind if ctx.heading_ids and is_figure_only(text) and not find_amounts(above) else None


def field_lead_kind(text: str, cues: LimitCues) -> str | None:
    """Given a paragraph, return the figure type the field cue it opens with names (・免責金額：… /
    免責金額　…), else None: its later sentences state that field's figures (免責金額：賠償責任は
    ありません。事故対応費用は1事故につき10万円)."""
    body = strip_leading_marks(text).lstrip()
    opening = re.match(r"([^:：\s]{2,12})[:：\s]", body)
    if opening is None:
        return None
    label = squeeze(opening.group(1))
    return next((kind for cue, kind in cues.before if squeeze(cue) == label), None)


def asked_kind(above: str, cues: LimitCues) -> str | None:
    """Given the text of the unit before a paragraph, return the figure type it asks about when it
    is a question the paragraph answers (損害賠償の支払限度額はいくらですか。), else None."""
    if find_amounts(above) or not above.strip().rstrip("。").endswith(cues.question_ends):
        return None
    return _type_cue(above, cues)


def block_headings(contexts: list[UnitContext], cues: LimitCues) -> list[tuple[str, ...]]:
    """Given text units in reading order, return for each the headings of the blocks it is in,
    outermost first: the headings whose level the source states, each until one of its level or
    above, then the nearest heading of no stated level. A heading that is itself a field (賠償責任：
    なし) heads no block; a line opening with a word of case stories (事例1 通販サイトへの…) does."""
    paths: list[tuple[str, ...]] = []
    stack: list[tuple[int | None, str]] = []
    for ctx in contexts:
        text = plain(ctx.unit.norm)
        opens_case = strip_label_marks(text).startswith(cues.skip_heading)
        if (ctx.heading and ":" not in text) or opens_case:
            level = ctx.unit.lines[0].level if ctx.unit.lines and ctx.heading else None
            while stack and (stack[-1][0] is None or (level is not None and stack[-1][0] >= level)):
                stack.pop()
            stack.append((level, text))
        paths.append(tuple(text for _, text in stack))
    return paths


def field_blocks(contexts: list[UnitContext], cues: LimitCues) -> list[tuple[str | None, str | None]]:
    """Given text units in reading order, return for each the type its key–value lines' figures
    take (the one its nearest heading names, 免責金額, else a limit), or None where they state
    none: outside a block of cover, or in a block of case stories or quotes (事故例, 試算); and the
    type its lone figures take, the same where a heading over it names a figure type (補償内容と
    支払限度額: a grid read one cell per line), else None."""
    out: list[tuple[str | None, str | None]] = []
    for ctx, path in zip(contexts, block_headings(contexts, cues), strict=True):
        keyed = ctx.scope == "coverage" and not any(has_any(heading, cues.skip_heading) for heading in path)
        kind = (_heading_type(path[-1] if path else "", cues) or "limit") if keyed else None
        out.append((kind, kind if any(_type_cue(heading, cues) for heading in path) else None))
    return out


def is_case_heading(heading: str, cues: LimitCues) -> bool:
    """Given a heading, return whether it heads case stories or quotes (事故例, 保険料例) and not
    also the limits it names (事故例と費用の支払限度額, 支払限度額等(ご契約例))."""
    return has_any(heading, cues.skip_heading) and _type_cue(heading, cues) is None


def _heading_type(heading: str, cues: LimitCues) -> str | None:
    """Given a heading, return the figure type it names when it is only a type's label (免責金額,
    支払限度額（1事故につき）), not a description that mentions one (…営業利益（免責時間 8時間）)."""
    short = len(strip_label_marks(heading)) <= ITEM_LABEL_MAX_CHARS
    return _type_cue(heading, cues) if short and _is_type_label(heading, cues) else None


# ---------------------------------------------------------------- tables


def _has_figure(text: str, cues: LimitCues, default_unit: str | None) -> bool:
    """Given a cell, return whether it holds a figure."""
    return bool(text_to_figures(plain(text), cues, default_unit))


def _is_figure_free(table: Table, row: int, cues: LimitCues) -> bool:
    """Given a table row, return whether no cell holds a figure or a bare number."""
    texts = [plain(cell.text).strip() for cell in table.rows[row]]
    return not any(re.fullmatch(r"[\d,.\s]+", text) or _has_figure(text, cues, None) for text in texts)


def header_row_count(table: Table, cues: LimitCues) -> int:
    """Given a table, return how many of its leading rows are header rows: those its source
    marks (th), else those where no cell holds a figure, or where a merged cell without a figure
    spans over a figure-free row below (a note with a figure may sit in a spanning header cell)."""
    count = 0
    while count < len(table.rows):
        spanning = any(
            (cell.row_span > 1 or cell.col_span > 1) and not _has_figure(plain(cell.text), cues, None)
            for cell in table.rows[count]
        )
        below = spanning and count + 1 < len(table.rows) and _is_figure_free(table, count + 1, cues)
        if not (_is_figure_free(table, count, cues) or below):
            break
        count += 1
    return max(count, declared_header_rows(table))


def column_header(layout: TableLayout, row: int, col: int) -> str:
    """Given a table's layout and a cell position, return its column header path as one text."""
    return " ".join(layout.view.column_header_path(row, col))


def header_ids(header_path: tuple[str, ...]) -> list[str]:
    """Given a column header path, return the coverage ids its nearest naming header names
    (賠償損害 under てん補限度額): the header closest to the cell wins."""
    named = (_strong_ids(note_free(header)) for header in reversed(header_path))
    return next((ids for ids in named if ids), [])


def _strong_ids(text: str) -> list[str]:
    """Given a text, return the ids of the strong terms it names, once each, but not those its
    clause says the figure does not apply to (損害賠償金・争訟費用には適用しません)."""
    norm, cues = plain(text), load_limit_cues()
    kept = [m for m in taxonomy.match_all(norm, weak=False) if not is_negated(norm[m.end :], cues)]
    return taxonomy.distinct_ids(kept)


def is_negated(after: str, cues: LimitCues) -> bool:
    """Given the text after a coverage term, return whether the rest of its clause (up to 、。 or a
    bracket) says the figure does not apply to it (…には適用しません)."""
    clause = re.split(r"[、。()（）]", after, maxsplit=1)[0]
    return has_any(clause, cues.negated_words)


def _type_cue(text: str, cues: LimitCues) -> str | None:
    """Given a header or label text, return the limit type its first (longest) cue names."""
    squeezed = squeeze(plain(text))
    return next((kind for cue, kind in cues.before if cue in squeezed), None)


def label_ids(
    label: str, ctx: UnitContext, header_path: tuple[str, ...] = ()
) -> list[tuple[str | None, str]]:
    """Given a label cell (and the headers around it: row-group cells, then column headers),
    return (coverage id, label) for each item it names (①②… each); a label that names none
    takes the nearest naming header's, else the heading's coverage."""
    pieces = split_enumerated(label)
    items = pieces[1:] if len(pieces) > 1 and not starts_with_inline_mark(label) else pieces
    out: list[tuple[str | None, str]] = []
    for piece in items:
        head = strip_label_marks(head_of(plain(drop_list_marks(piece))))
        named = (
            taxonomy.compound_ids(head)
            or taxonomy.leading_ids(piece)
            or taxonomy.distinct_ids(taxonomy.match_all(head, weak=False))
        )
        ids: list[str | None] = [*named] or [taxonomy.match_coverage(plain(piece))]
        if ids == [None]:
            ids = [*header_ids(header_path)] or [*ctx.heading_ids[:1]] or ids
        out += [(i, head if len(head) <= 40 else _label_for(i, piece)) for i in ids]
    return out


def _is_label_text(text: str, cues: LimitCues, default_unit: str | None) -> bool:
    """Given a cell, return whether it can label a figure: words that are not a placeholder
    (なし, 対象外), and no figure of its own."""
    norm = plain(text)
    if not re.search(r"\w", norm) or squeeze(norm) in cues.empty_values:
        return False
    return not _has_figure(norm, cues, default_unit)


#: an item label is at most this long; a longer cell is a description
ITEM_LABEL_MAX_CHARS = 20


def _is_item_label(text: str) -> bool:
    """Given a cell, return whether it reads as an item label: it opens with a coverage term and
    is short, without the 、 or 。 of a description."""
    label = strip_label_marks(plain(text))
    if len(label) > ITEM_LABEL_MAX_CHARS or "、" in label or "。" in label:
        return False
    return bool(taxonomy.leading_ids(label))


def _is_type_label(text: str, cues: LimitCues) -> bool:
    """Given a cell, return whether it only names a figure type (支払限度額, 免責金額（1事故）)."""
    return _type_cue(text, cues) is not None and not taxonomy.match_all(plain(text), weak=False)


def label_column_scores(table: Table, cues: LimitCues, layout: TableLayout) -> dict[int, tuple[int, int]]:
    """Given a table, return per column how strongly it is the item column, as comparable tuples. First how
    many body rows the column labels (a cell of words, not a figure or なし): a diagram column beside the
    items is sparse. Then how many of its cells read as item labels (short, opening with a coverage term) or,
    in a table whose rows are types and columns coverages, only name a type: a description column is as full
    as the item column but its cells are sentences. A header naming the item column (補償項目) outranks both;
    a header naming a description column (内容) ranks last."""
    width = max((len(row) for row in table.rows), default=0)
    labelled = dict.fromkeys(range(width), 0)
    items = dict.fromkeys(range(width), 0)
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row):
            if _is_label_text(cell.text, cues, layout.unit(c)):
                body = r >= layout.view.header_rows
                labelled[c] += body
                items[c] += _is_item_label(cell.text) or (body and _is_type_label(cell.text, cues))
    for c in range(width):
        header = column_header(layout, layout.view.header_rows, c)
        if has_any(header, cues.label_headers):
            labelled[c] += len(table.rows)
        elif has_any(header, cues.description_headers):
            labelled[c], items[c] = 0, 0
    return {c: (labelled[c], items[c]) for c in range(width)}


def _row_label(table: Table, row: int, col: int, cues: LimitCues, layout: TableLayout) -> str:
    """Given a figure cell, return the label of its row: the item column's cell left of it, else
    the nearest non-empty cell to its left that holds no figure."""
    candidates = [
        c for c in range(col - 1, -1, -1) if _is_label_text(layout.view.text(row, c), cues, layout.unit(c))
    ]
    if not candidates:
        return ""
    best = max(candidates, key=lambda c: (*layout.label_scores.get(c, (0, 0)), c))
    return layout.view.text(row, best)


@dataclass(frozen=True)
class Caption:
    """What the lines around a table say about it: the unit of its bare numbers, a limit type."""

    unit: str | None = None
    kind: str | None = None
    plan: bool = False


@dataclass(frozen=True)
class TableLayout:
    """What a table's header rows (and caption) say: how many header rows there are, each
    column's unit, the item column, the type of figures nothing else types."""

    view: TableView
    units: tuple[str | None, ...]
    table_unit: str | None
    label_scores: Mapping[int, tuple[int, int]]
    caption_kind: str | None = None
    plan: bool = False
    #: the columns whose header names a sum of money (支払限度額, 保険金額): bare numbers are yen
    yen_columns: frozenset[int] = frozenset()

    def unit(self, col: int) -> str | None:
        """Given a column, return the unit its bare numbers are in (its header's, else the table's,
        else yen where its header names a sum)."""
        own = self.units[col] if col < len(self.units) else None
        return own or self.table_unit or ("円" if col in self.yen_columns else None)


def table_to_layout(table: Table, cues: LimitCues, caption: Caption | None = None) -> TableLayout:
    """Given a table (and what its caption says), return its layout. A column's unit is declared in its header
    (支払限度額（万円）); a unit declared anywhere in the header rows, or in the caption, holds for the
    columns that declare none."""
    header_rows = header_row_count(table, cues)
    view = table_to_view(table, header_rows)
    width = max((len(row) for row in table.rows), default=0)
    paths = [plain(" ".join(view.column_header_path(header_rows, c))) for c in range(width)]
    units = tuple(text_to_default_unit(path) for path in paths)
    # the header rows' text, else (a table without header rows) its first row's
    header_text = " ".join(cell.text for row in table.rows[: max(header_rows, 1)] for cell in row)
    caption = caption or Caption()
    table_unit = text_to_default_unit(plain(header_text)) or caption.unit
    scores = label_column_scores(table, cues, TableLayout(view, units, table_unit, {}))
    plan = caption.plan or has_any(header_text, cues.plan)
    yen = yen_columns(table, paths if header_rows else [], cues)
    return TableLayout(view, units, table_unit, scores, caption.kind, plan, yen)


def yen_columns(table: Table, header_paths: list[str], cues: LimitCues) -> frozenset[int]:
    """Given a table and its columns' header paths, return the columns whose bare numbers are yen:
    their header names a sum (支払限度額, 保険金額) and one of them reaches `yen_headers_min_jpy`
    as yen (300,000,000; a column of 10,000 / 1,000 is in a larger unit its brochure failed to state)."""
    named = [c for c, path in enumerate(header_paths) if has_any(path, cues.yen_headers)]
    values = (
        m.amount.yen
        for row in table.rows
        for c in named
        if c < len(row)
        for m in find_amounts(row[c].norm, default_unit="円")
    )
    return frozenset(named) if max(values, default=0) >= cues.yen_headers_min_jpy else frozenset()


def _row_targets(
    row_label: str, header_path: tuple[str, ...], ctx: UnitContext, cues: LimitCues, row_path: tuple[str, ...]
) -> tuple[list[tuple[str | None, str]], bool]:
    """Given a figure's row label, column header path and the row's label cells left of it, return
    the items it is for, and whether the label only names a type (支払限度額 | 免責金額 rows); a label
    naming no coverage takes its column header's, else its nearest row-group cell's (賠償責任)."""
    header = " ".join(header_path)
    if not row_label:
        return [(i, "") for i in [*(header_ids(header_path) or ctx.heading_ids[:1])] or [None]], False
    if not _is_type_label(row_label, cues):
        return label_ids(row_label, ctx, (*row_path, *header_path)), False
    named = _strong_ids(header)
    source = header if named else " ".join(row_path)
    if named := named or header_ids(row_path):
        return [(i, _label_for(i, source)) for i in named], True
    return [(ctx.heading_ids[0] if ctx.heading_ids else None, "")], True


def cell_attribution(
    coverage_id: str | None, row_label: str, type_row: bool, header_path: tuple[str, ...], ctx: UnitContext
) -> Attribution:
    """Given a table figure's coverage id, its row label (and whether that only names a type),
    its column header path and context, return which of them named the coverage."""
    row_ids = taxonomy.distinct_ids(taxonomy.match_all(plain(row_label)))
    if coverage_id is None:
        return "document_default"
    if row_label and not type_row and coverage_id in row_ids:
        return "row_header"
    if coverage_id in header_ids(header_path) or type_row:
        return "column_header"
    return "heading" if coverage_id in ctx.heading_ids and coverage_id not in row_ids else "row_header"


def _column_type(
    row_label: str,
    type_row: bool,
    header: str,
    targets: list[tuple[str | None, str]],
    layout: TableLayout,
    cues: LimitCues,
    pair: bool = False,
) -> str | None:
    """Given a figure cell's row label (and whether it only names a type), its column header,
    its targets, the table's layout and whether the cell is the value of an item / figure pair
    (`is_pair_value`), return the type its cell's figures take by default."""
    # a row that only names a type (免責金額（1事故につき）), or says it holds a deductible
    # (免責金額（費用損害）), overrides its column's type (保険金額): a deductible is no column's default
    row_type = _type_cue(row_label, cues)
    overrides = type_row or row_type == "deductible"
    kind = (row_type if overrides else None) or _type_cue(header, cues) or row_type or layout.caption_kind
    if kind is None and (layout.plan or pair) and any(coverage_id for coverage_id, _ in targets):
        # a plan table (エコノミー | スタンダード | プレミアム) lines up each coverage's limit per plan;
        # a headerless grid of item / figure pairs in a block of cover states what each item pays
        return "limit"
    return kind


def is_pair_value(layout: TableLayout, row: int, col: int, row_label: str) -> bool:
    """Given a table's layout, a figure cell and its row label, return whether the cell is the value
    of an item / figure pair: a table without header rows whose label, right left of the cell, opens
    with a coverage term (原因調査費用 | 1,000万円 | お詫び状送付費用 | 300万円)."""
    if layout.view.header_rows or col == 0 or layout.view.text(row, col - 1) != row_label:
        return False
    return bool(taxonomy.leading_ids(plain(row_label)))


def _nearest_ids(text: str) -> list[str]:
    """Given a cell's text before a figure, return the ids of the strong terms nearest the figure:
    the last term and those chained onto it (費用特約部分…見舞金・見舞品購入費は500円: condolence)."""
    matches = taxonomy.match_all(text, weak=False)
    return taxonomy.distinct_ids(reversed(taxonomy.chain(text, matches[::-1]))) if matches else []


_BRACKET = re.compile(r"\s*[(（]([^()（）\d]*)[)）]")


def _qualifier_ids(after: str, cues: LimitCues) -> list[str]:
    """Given a cell's text after a figure, return the ids a bracket right after it restricts the
    figure to (90%（費用特約部分のみ）; not …（賠償責任の内枠）, a sub-limit of that part), else []."""
    m = _BRACKET.match(after)
    if m is None or not m.group(1).strip().endswith(cues.qualifier_ends):
        return []
    return taxonomy.distinct_ids(taxonomy.match_all(m.group(1), weak=False))


def cell_to_found(
    table: Table, row: int, col: int, ctx: UnitContext, cues: LimitCues, layout: TableLayout
) -> list[Found]:
    """Given a figure cell of a table, return the limits it states; a figure typed as nothing in a
    table whose other columns hold limits is an item's cap when it is an amount per victim."""
    cell = plain(table.rows[row][col].text)
    header_path = layout.view.column_header_path(row, col)
    header = " ".join(header_path)
    row_label = _row_label(table, row, col, cues, layout)
    row_path = layout.view.row_header_path(row, col, lambda text: _is_label_text(text, cues, None))
    targets, type_row = _row_targets(row_label, header_path, ctx, cues, row_path)
    pair = ctx.scope == "coverage" and is_pair_value(layout, row, col, row_label)
    column_type = _column_type(row_label, type_row, header, targets, layout, cues, pair)
    others = (column_header(layout, row, c) for c in range(len(table.rows[row])) if c != col)
    limit_table = ctx.scope != "stop" and any(_type_cue(text, cues) == "limit" for text in others)
    found: list[Found] = []
    previous_end = 0
    for figure in (f for f in text_to_figures(cell, cues, layout.unit(col)) if not f.example):
        kind = figure_type(cell, figure, cues, default=column_type)
        capped = kind is None and limit_table and _is_cap(cell, figure, cues, header)
        if (kind := "limit" if capped else kind) is None:
            continue
        local = cell[previous_end : figure.start]
        local_ids = _nearest_ids(local) or _qualifier_ids(cell[figure.end :], cues)
        if capped:  # a per-victim cap belongs to the item printed right before it, not the whole cell
            local_ids = [i] if (i := _subject_matches(cell, figure.start)[-1].coverage_id) else []
        targets = [(i, _label_for(i, local)) for i in local_ids] if local_ids else targets
        since, previous_end = previous_end, figure.end
        found.extend(
            Found(
                coverage_id=coverage_id,
                coverage_label=label or _label_for(coverage_id, row_label if type_row else cell),
                limit_type=kind,
                figure=figure,
                basis=figure_basis(cell, figure, cues, f"{header} {row_label if type_row else ''}"),
                rider=None,
                condition=figure_condition(cell, figure, cues, since=since, cell=True),
                page=table.row_page(row),
                evidence=table.row_text(row),
                attributed_by="cell"
                if local_ids
                else cell_attribution(coverage_id, row_label, type_row, header_path, ctx),
            )
            for coverage_id, label in targets
        )
    return found


def table_to_found(ctx: UnitContext, cues: LimitCues, caption: Caption | None = None) -> list[Found]:
    """Given a table unit in its context (and what its caption says), return the limits its cells state."""
    table = ctx.unit.table
    if table is None or not table.rows:
        return []
    layout = table_to_layout(table, cues, caption)
    return [
        found
        for r, row in enumerate(table.rows)
        for c, cell in enumerate(row)
        if cell.text.strip() and _has_figure(cell.text, cues, layout.unit(c))
        for found in cell_to_found(table, r, c, ctx, cues, layout)
    ]


#: the fields that make two records the same limit
_MEANING = ("coverage_id", "limit_type", "amount_jpy", "ratio", "days", "basis", "rider", "condition")


def _dedupe(found: Iterable[Found], doc_id: str) -> list[LimitRecord]:
    """Given found figures, return their records once each (same meaning → first evidence kept)."""
    unique: dict[tuple[object, ...], LimitRecord] = {}
    for record in filter(None, (found_to_record(item, doc_id) for item in found)):
        unique.setdefault(tuple(getattr(record, name) for name in _MEANING), record)
    return list(unique.values())


#: a caption line longer than this is running text, not a table's heading or unit note
CAPTION_MAX_CHARS = 40


def _edge_line(ctx: UnitContext, last: bool) -> str | None:
    """Given a text unit, return its last (or first) line when it is caption-short, else None."""
    if ctx.unit.is_table or not ctx.unit.lines:
        return None
    line = ctx.unit.lines[-1 if last else 0].norm.strip()
    return line if len(line) <= CAPTION_MAX_CHARS else None


def table_caption(contexts: list[UnitContext], index: int) -> Caption:
    """Given units in their scope and a table's index, return what the table's caption says. The caption is
    the short line just before the table (and the heading before that, when that line is a unit note such as
    （単位：千円）), and the short line just after it. A unit is read only from a line that says 単位; a type
    only from the lines before the table (【補償プランと保険金額】 over a plan table whose columns are Aプラン
    | Bプラン)."""
    before: list[str] = []
    for back in (1, 2):
        if index - back < 0 or (line := _edge_line(contexts[index - back], last=True)) is None:
            break
        before.append(line)
        if "単位" not in line:
            break
    after = _edge_line(contexts[index + 1], last=False) if index + 1 < len(contexts) else None
    units = (text_to_default_unit(line) for line in [*before, *([after] if after else [])] if "単位" in line)
    unit = next((u for u in units if u), None)
    cues = load_limit_cues()
    kind = next((k for line in before if (k := _type_cue(line, cues)) is not None), None)
    return Caption(unit=unit, kind=kind, plan=any(has_any(line, cues.plan) for line in before))


#: attributions that name a figure's coverage less closely than the note mark it is printed under
_CONTEXT_ATTRIBUTIONS = ("heading", "caption", "document_default")


def noted_to_found(tables: list[Found], texts: list[Found]) -> list[Found]:
    """Given the limits of tables and of text, return the text's, a note's figure that names no
    coverage of its own (※4 発見から180日以内…, or one only its heading names) taking the coverage
    of the table rows and items carrying its mark (1,000万円※4)."""
    marked: dict[str, dict[str, None]] = {}
    for f in [*tables, *texts]:
        if f.coverage_id is None or f.attributed_by in _CONTEXT_ATTRIBUTIONS:
            continue
        for mark in NOTE_MARK.finditer(plain(f.evidence).strip()):
            if mark.start() > 0 and (key := re.sub(r"\D", "", mark.group())):
                marked.setdefault(key, {})[f.coverage_id] = None
    out: list[Found] = []
    for f in texts:
        named = f.coverage_id is not None and f.attributed_by not in _CONTEXT_ATTRIBUTIONS
        opening = None if named else NOTE_MARK.match(plain(f.evidence).strip())
        ids = marked.get(re.sub(r"\D", "", opening.group()), {}) if opening else {}
        out.extend([replace(f, coverage_id=i, attributed_by="row_header") for i in ids] or [f])
    return out


#: a row's first cell made only of circled numbers: one (④), listed (①②) or a range (③〜⑥)
_CIRCLED_CELL = re.compile(r"[\u2460-\u2473](?:\s*[〜~～\-－・、,]?\s*[\u2460-\u2473])*")
_RANGE_MARKS = "〜~～-－"


def circled_keys(cell: str) -> list[int]:
    """Given a table row's first cell, return the circled numbers it consists of, a range spelled
    out (③〜⑥ → 3, 4, 5, 6), or [] when the cell holds anything else."""
    if not _CIRCLED_CELL.fullmatch(cell.strip()):
        return []
    keys = [ord(ch) - 0x245F for ch in cell if "\u2460" <= ch <= "\u2473"]
    ranged = any(mark in cell for mark in _RANGE_MARKS) and len(keys) == 2
    return list(range(keys[0], keys[1] + 1)) if ranged else keys


def enumerated_to_found(tables: list[Found]) -> list[Found]:
    """Given the limits of tables, return them with a row that names no coverage but opens with circled
    numbers (a conditions table: ③〜⑥ | 1事故につき10万円) taking the coverages of the rows those numbers
    open elsewhere (④ | 原因調査費用 | 2,000万円)."""
    named: dict[int, dict[str, None]] = {}
    for f in tables:
        if f.coverage_id and len(keys := circled_keys(f.evidence.split(CELL_SEPARATOR)[0])) == 1:
            named.setdefault(keys[0], {})[f.coverage_id] = None
    out: list[Found] = []
    for f in tables:
        keys = circled_keys(f.evidence.split(CELL_SEPARATOR)[0]) if f.coverage_id is None else []
        ids = dict.fromkeys(i for key in keys for i in named.get(key, {}))
        out.extend([replace(f, coverage_id=i, attributed_by="row_header") for i in ids] or [f])
    return out


def contexts_to_limits(
    contexts: list[UnitContext], doc_id: str, rider_ids: tuple[str, ...] = ()
) -> list[LimitRecord]:
    """Given units in their scope (and the brochure's rider ids), return the LimitRecords they
    state (tables first, then text)."""
    cues = load_limit_cues()
    # a block under a stop heading such as 試算 or 事例 (quote assumptions, case stories) holds no limits
    paths = block_headings(contexts, cues)
    skipped = [
        bool(path and is_case_heading(path[-1], cues))
        or (ctx.scope == "stop" and has_any(ctx.stop_heading or "", cues.skip_heading))
        for ctx, path in zip(contexts, paths, strict=True)
    ]
    kept = [(index, ctx) for index, ctx in enumerate(contexts) if not skipped[index]]
    tables = [
        f
        for index, ctx in kept
        if ctx.unit.is_table
        for f in table_to_found(ctx, cues, table_caption(contexts, index))
    ]
    tables = enumerated_to_found(tables)
    texts = text_units_to_found([ctx for _, ctx in kept if not ctx.unit.is_table], cues, rider_ids)
    return _dedupe([*tables, *noted_to_found(tables, texts)], doc_id)


def document_to_limits(document: Document, doc_id: str) -> list[LimitRecord]:
    """Given a Document, return one LimitRecord per limit, deductible, ratio or time window it states."""
    coverages = document_to_coverages(document, doc_id)
    # the riders it offers: items read in a rider's block, or labelled with a rider's name (…見舞費用補償特約)
    riders = (
        r.coverage_id for r in coverages if r.coverage_id and (r.rider or rider_names(r.coverage_label))
    )
    rider_ids = tuple(dict.fromkeys(riders))
    return contexts_to_limits(document_to_contexts(document), doc_id, rider_ids)
