"""The section model every extractor reads: each reading-order unit with the scope it sits in.

A walk over the units keeps a scope: headings with a coverage cue open a coverage block,
headings with a stop cue (事例, 出典, 試算 …) or an exclusion cue (保険金をお支払いできない主な場合)
close it, and questions are marketing. Each unit carries the strong coverage ids of the nearest
heading that names one (its heading path's nearest naming heading), the rider block and option
region it is in, and the stop heading whose block it is. Computed once per Document (cached) and
read by the coverage and limit extractors alike. All cue words are YAML data (`data/coverages.yaml`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from extractors import taxonomy
from extractors.amounts import find_amounts
from extractors.blocks import (
    LEADER,
    Unit,
    document_to_units,
    heading_core,
    is_heading,
    is_question,
    starts_with_bullet,
    strip_label_marks,
)
from extractors.document import Document, nfkc
from extractors.text_utils import load_data, squeeze, words

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")

Scope = Literal["neutral", "coverage", "stop"]


@dataclass(frozen=True)
class CoverageCues:
    """The cue words of `data/coverages.yaml`, NFKC-normalised."""

    coverage_heading: tuple[str, ...]
    stop_heading: tuple[str, ...]
    exclusion_heading: tuple[str, ...]
    weak_stop_heading: tuple[str, ...]
    stop_line: tuple[str, ...]
    offer: tuple[str, ...]
    forward: tuple[str, ...]
    contrast: tuple[str, ...]
    table: tuple[str, ...]
    option: tuple[str, ...]
    set_: tuple[str, ...]
    base: tuple[str, ...]
    rider_suffixes: tuple[str, ...]
    generic_riders: tuple[str, ...]
    rider_prefix_stops: tuple[str, ...]
    policy_suffixes: tuple[str, ...]
    item_suffixes: tuple[str, ...]
    label_max_chars: int
    list_item_max_chars: int
    description: tuple[str, ...]
    description_min_chars: int
    section_hints: tuple[tuple[str, tuple[str, ...]], ...]
    default_section: str
    field_label: tuple[str, ...]
    field_label_rest_max_chars: int
    figure_only_rest_max_chars: int
    wrap_end_chars: str
    wrap_start_chars: str
    field_line: str
    coverage_question: tuple[str, ...]
    negative_answer: tuple[str, ...]
    enumeration_tail_max_chars: int


def _cue_value(data: dict[str, Any], key: str) -> Any:
    """Given a data mapping and a key, return its value: a list as NFKC words, a mapping as
    (key, words) pairs, a string NFKC, a number as it is."""
    value = data[key]
    if isinstance(value, dict):
        return tuple((k, words(value, k)) for k in value)
    if isinstance(value, list):
        return words(data, key)
    return nfkc(value) if isinstance(value, str) else value


def load_dataclass(cls: type[T], name: str) -> T:
    """Given a cue dataclass and a data file, return it filled from its `FIELD_cues` or `FIELD` keys."""
    data = load_data(name)
    keys = {f.name: f"{f.name.rstrip('_')}_cues" for f in fields(cls)}
    return cls(**{n: _cue_value(data, k if k in data else n) for n, k in keys.items()})


@functools.cache
def load_cues() -> CoverageCues:
    """Given nothing, return the CoverageCues of coverages.yaml (cached)."""
    return load_dataclass(CoverageCues, "coverages.yaml")


#: a footnote's citation number glued to a figure's unit (2,000万円3, 500円4 where a word
#: processor's note reference lost its superscript): no figure goes on after its unit
_CITATION = re.compile(r"(?<=[円%])\d{1,2}(?=\s|$|[、。,(（)）])")


@functools.lru_cache(maxsize=1 << 15)
def plain(text: str) -> str:
    """Given text, return its NFKC form without markdown emphasis marks (** and __), leaders as
    colons, citation numbers glued to a unit."""
    text = re.sub("[\ufe00-\ufe0f]", "", nfkc(text)).replace("**", "").replace("__", "")
    return _CITATION.sub("", LEADER.sub(":", text))  # a leader joins a label to its value as a colon does


def split_sentences(text: str) -> list[str]:
    """Given NFKC text, return its sentences (split after 。!? and newlines)."""
    return [p for p in re.split(r"(?<=[。!?！？])|\n", text) if p.strip()]


def has_any(text: str, cues: Iterable[str]) -> bool:
    """Given text and cue words, return whether the text (whitespace ignored) holds any of them."""
    compact = squeeze(text).casefold()
    return any(c in compact for c in _folded_cues(tuple(cues)))


@functools.lru_cache(maxsize=1 << 12)
def _folded_cues(cues: tuple[str, ...]) -> tuple[str, ...]:
    """Given cue words, return them squeezed and case-folded (once per list: cue lists are data)."""
    return tuple(squeeze(c).casefold() for c in cues)


# ---------------------------------------------------------------- rider names


def rider_names(text: str) -> list[str]:
    """Given a heading or rider-list line, return the rider names it holds (…特約, …追加条項)."""
    suffixes = "|".join(re.escape(s) for s in load_cues().rider_suffixes)
    pattern = re.compile(rf"([^\s、,，/／〈〉《》「」『』()（）【】|:：]+?(?:{suffixes}))(?=の|[^\w・]|$)")
    names = dict.fromkeys(strip_label_marks(m.group(1)) for m in pattern.finditer(plain(text)))
    return [name for name in names if is_rider_name(name)]


def is_rider_name(name: str) -> bool:
    """Given a token ending like a rider, return whether it names one (not この特約, オプション特約)."""
    cues = load_cues()
    if name in cues.generic_riders or name.startswith(cues.rider_prefix_stops):
        return False
    return len(next((name[: -len(s)] for s in cues.rider_suffixes if name.endswith(s)), name)) >= 3


def is_rider_line(text: str) -> bool:
    """Given a line, return whether it only lists policy and rider names (a product's make-up)."""
    segments = [s for s in re.split(r"[\s/／、,，]+", plain(text)) if s]
    riders = [s for s in segments if rider_names(s)]
    policies = [s for s in segments if s.endswith(load_cues().policy_suffixes)]
    return bool(riders) and len(riders) + len(policies) == len(segments)


# ---------------------------------------------------------------- the scope walk


def is_figure_only(text: str) -> bool:
    """Given a line, return whether it is only a figure (1億円, 2,000万円（1事故・保険期間中）):
    the value of a card field, with no label of its own."""
    norm = plain(text)
    amounts = find_amounts(norm)
    for amount in reversed(amounts):
        norm = norm[: amount.start] + norm[amount.end :]
    rest = re.sub(r"[(（][^()（）]*[)）]|[\s・、,。:：/]", "", strip_label_marks(norm))
    return bool(amounts) and len(rest) <= load_cues().figure_only_rest_max_chars


def is_field_label(text: str, next_text: str | None) -> bool:
    """Given a short line and the line after it, return whether the line is a card's field label
    (支払限度額, 1被害者あたり) for the figure on the next line, not a heading of its own."""
    cues = load_cues()
    if next_text is None or not is_figure_only(next_text) or find_amounts(text):
        return False
    rest = squeeze(strip_label_marks(plain(text)))
    if not any(cue in rest for cue in cues.field_label):
        return False
    for cue in cues.field_label:
        rest = rest.replace(cue, "")
    rest = re.sub(r"[\d・、,:：/()（）]", "", rest)
    # a coverage term may name whose field it is (費用合計の支払限度額 / 3,000万円)
    for match in reversed(taxonomy.match_all(rest, weak=False)):
        rest = rest[: match.start] + rest[match.end :]
    return len(rest) <= cues.field_label_rest_max_chars


#: circled and negative-circled numbers (①, ❶), which NFKC turns into plain digits
_ENCLOSED_NUMBERS = frozenset(
    [chr(c) for c in range(0x2460, 0x24FF + 1)] + [chr(c) for c in range(0x2776, 0x2793 + 1)]
)


def straddles(previous: str, text: str, words: Iterable[str]) -> bool:
    """Given a line, the line after it and cue words, return whether a cue runs across the line
    break (支払限 / 度額; お支払いの対象となら / ない主な場合) and so joins the two lines."""
    return any(
        has_any(previous + text, (word,)) and not has_any(previous, (word,)) and not has_any(text, (word,))
        for word in words
    )


def is_wrapped_line(previous: str, text: str) -> bool:
    """Given a line and the line before it, return whether the line continues it: text copied
    from a PDF column is broken every few characters, so a line that the one before leaves
    mid-phrase (…被害の / 初期対応に) or that opens with what no heading opens with (る原因…,
    ターの設置…) is the rest of a sentence, not a heading."""
    cues = load_cues()
    raw = text.strip()
    if raw and (starts_with_bullet(raw) or raw[0] in _ENCLOSED_NUMBERS):
        return False  # a bulleted or numbered line (③相談費用) opens an item of its own
    before, after = plain(previous).strip(), strip_label_marks(plain(text)).strip()
    if not before or not after or before.endswith(("。", ":", "：")) or find_amounts(before):
        return False
    if plain(text).strip() != after:
        return False  # a bulleted or numbered line opens an item of its own
    if straddles(before, after, cues.exclusion_heading + cues.stop_heading + cues.coverage_heading):
        return True
    return before[-1] in cues.wrap_end_chars or after[0] in cues.wrap_start_chars


def _next_text(units: list[Unit], index: int) -> str | None:
    """Given units and an index, return the NFKC text of the next unit when it is a paragraph."""
    if index + 1 >= len(units) or units[index + 1].is_table:
        return None
    return plain(units[index + 1].norm)


def is_description(text: str) -> bool:
    """Given a short line, return whether it describes an item (…を復旧するための費用) rather
    than heading a block: it is longer than a label and holds a predicate word (を, ための).

    HTML <dd> and PDF card text put such descriptions on lines of their own, where they would
    otherwise pass for headings and reset what the heading above them named.
    """
    cues = load_cues()
    body = squeeze(strip_label_marks(plain(text)))
    return len(body) >= cues.description_min_chars and any(c in body for c in cues.description)


def _sub_heading_ids(unit: Unit, text: str) -> tuple[str, ...]:
    """Given a list line, return the coverage ids it heads when it labels the items nested under
    it (- **賠償責任の補償**, - 事業中断補償特約): short, no figure, and emphasised or worded like
    a coverage heading. Readers drop list indentation, so such a parent is known by its words."""
    cues, body = load_cues(), strip_label_marks(text)
    listed = starts_with_bullet(text) and not find_amounts(text) and "。" not in body
    short = listed and 0 < len(body) <= cues.list_item_max_chars
    if short and ("**" in unit.text or "__" in unit.text or has_any(body, cues.coverage_heading)):
        return tuple(taxonomy.distinct_ids(taxonomy.match_all(body, weak=False)))
    return ()


@dataclass(frozen=True)
class UnitContext:
    """A unit with the scope it was read in.

    `heading_ids` are the strong coverage ids of the nearest heading that named one (reset by
    a cue heading that names none); `rider` is the rider block the unit is in; `option` the
    option region label; `stop_heading` the stop heading (if any) whose block this is.
    """

    unit: Unit
    scope: Scope
    heading: bool
    heading_ids: tuple[str, ...] = ()
    rider: str | None = None
    rider_optional: bool = False
    option: str | None = None
    stop_heading: str | None = None


def _set_below(units: list[Unit], index: int) -> bool:
    """Given units and a heading's index, return whether up to four paragraphs of its block (it
    ends at the next heading that names a rider) describe it with a set cue (セットすると)."""
    texts: list[str] = []
    for text in (plain(unit.norm) for unit in units[index + 1 : index + 5] if not unit.is_table):
        if is_heading(text) and rider_names(text):
            break
        texts.append(text)
    return has_any("\n".join(texts), load_cues().set_)


def _description_ids(units: list[Unit], index: int) -> tuple[str, ...]:
    """Given units and a heading's index, return the strong coverage ids of the paragraph under it."""
    for unit in units[index + 1 : index + 2]:
        text = plain(unit.norm)
        if unit.is_table or (is_heading(text) and not is_description(text)) or starts_with_bullet(text):
            return ()  # a heading, or a list item of its own, is no description
        # what the description ends with is what it is about (…の損害賠償金・争訟費用); the
        # terms before it (情報漏えい等により…) name causes, so they come after
        head = taxonomy.head_ids(text)
        return tuple(dict.fromkeys([*head, *taxonomy.distinct_ids(taxonomy.match_all(text, weak=False))]))
    return ()


def units_to_contexts(units: list[Unit]) -> list[UnitContext]:
    """Given reading-order units, return each with its scope, heading ids, rider and option region."""
    state = UnitContext(unit=Unit(page=0), scope="neutral", heading=False)
    out: list[UnitContext] = []
    for index in range(len(units)):
        state, context = _read_unit(state, units, index)
        out.append(context)
    return out


def _read_unit(state: UnitContext, units: list[Unit], index: int) -> tuple[UnitContext, UnitContext]:
    """Given the scope before a unit, return the scope after it and the unit read in its scope."""
    cues, unit = load_cues(), units[index]
    text = plain(unit.norm)
    previous = units[index - 1] if index else None
    wrapped = previous is not None and not previous.is_table and is_wrapped_line(previous.norm, unit.text)
    if unit.is_table or (wrapped and not find_amounts(text)):
        return state, replace(state, unit=unit, heading=False)
    if is_question(text):
        # an FAQ answer restates what its question asks about (見舞金はいくらまで…？)
        asked = tuple(taxonomy.distinct_ids(taxonomy.match_all(text, weak=False)))
        # an FAQ answer that offers cover (…をお支払いします) counts like any sentence; one
        # under a question about exclusions, premiums or cases (補償されないのは？) does not
        asks_elsewhere = has_any(text, cues.exclusion_heading) or has_any(text, cues.stop_heading)
        scope: Scope = "stop" if asks_elsewhere else "neutral"
        state = replace(state, scope=scope, heading_ids=asked, rider=None, option=None, stop_heading=text)
        # the question itself offers nothing (身代金は補償されますか？)
        return state, replace(state, unit=unit, heading=True, scope="stop")
    # a heading may carry its section's limit in brackets (費用補償（支払限度額 5,000万円）), not a
    # per-person or per-item one (1名につき500円) that belongs to an item line
    core = heading_core(text)
    cut = plain(text)[len(plain(core)) :]
    whole = "につき" not in cut and all(m.amount.per_unit is None for m in find_amounts(cut))
    if core != text and whole and _is_plain_heading(core) and has_any(core, cues.coverage_heading):
        state = _heading_state(state, units, index, core)
        return state, replace(state, unit=unit, heading=True)
    if not _is_plain_heading(text) or re.search(cues.field_line, text):
        if has_any(text, cues.stop_line):
            state = replace(state, scope="stop", heading_ids=(), rider=None, option=None, stop_heading=text)
        elif state.scope != "stop" and (sub_ids := _sub_heading_ids(unit, text)):
            state = _sub_heading_state(state, units, index, text, sub_ids)
        return state, replace(state, unit=unit, heading=False)
    if is_field_label(text, _next_text(units, index)):
        # 支払限度額 above a card's figure names a field of the item above: the scope stays
        return state, replace(state, unit=unit, heading=False)
    state = _heading_state(state, units, index, text)
    return state, replace(state, unit=unit, heading=True)


def _is_plain_heading(text: str) -> bool:
    """Given a line, return whether it reads as a heading that holds no figure and describes no item."""
    return is_heading(text) and not find_amounts(text) and not is_description(text)


def _sub_heading_state(
    state: UnitContext, units: list[Unit], index: int, text: str, ids: tuple[str, ...]
) -> UnitContext:
    """Given the scope before a list line that heads nested items, return the scope it opens: its
    ids for the figures under it, and its rider when it names one."""
    riders = rider_names(text)
    if len(riders) != 1:
        return replace(state, heading_ids=ids)
    optional = state.option is not None or _set_below(units, index)
    return replace(state, heading_ids=ids, rider=riders[0], rider_optional=optional)


def _heading_state(state: UnitContext, units: list[Unit], index: int, text: str) -> UnitContext:
    """Given the scope before a heading and the heading, return the scope it opens."""
    cues = load_cues()
    ids = tuple(taxonomy.distinct_ids(taxonomy.match_all(text, weak=False)))
    riders = rider_names(text)
    # a heading broken over two lines (お支払いの対象となら / ない主な場合) is read whole
    following = _next_text(units, index)
    excludes = has_any(text, cues.exclusion_heading) or (
        following is not None and straddles(text, plain(following), cues.exclusion_heading)
    )
    ids = () if excludes else ids  # 身代金は補償されません names what is not offered
    covers = not excludes and has_any(text, cues.coverage_heading)
    # a weak stop cue (被害) does not stop a heading that names an item (被害者対応費用)
    item_like = strip_label_marks(text).endswith(cues.item_suffixes)
    weak_stop = not ids and not item_like and has_any(text, cues.weak_stop_heading)
    stops = excludes or (not covers and (has_any(text, cues.stop_heading) or weak_stop))
    scope: Scope = (
        "coverage" if covers else "stop" if stops else "neutral" if state.scope == "stop" else state.scope
    )
    option = None if stops or has_any(text, cues.base) else state.option
    if has_any(text, cues.option):
        names = (
            rider_names(u.norm) for u in units[index : index + 5] if not u.is_table and is_heading(u.norm)
        )
        option = next((n[0] for n in names if n), None) or strip_label_marks(text)
    rider, rider_optional = state.rider, state.rider_optional
    if len(riders) == 1:
        rider, rider_optional = riders[0], option is not None or _set_below(units, index)
    elif has_any(text, cues.option) and option:
        rider, rider_optional = option, True
    elif stops or (covers and option is None):
        rider, rider_optional = None, False
    # an item the taxonomy does not know (被害者対応費用) names what its description names
    heading_ids = ids or (
        () if covers or stops else _description_ids(units, index) if item_like else state.heading_ids
    )
    stop_heading = text if stops else None if ids or riders else state.stop_heading
    return replace(
        state,
        scope=scope,
        heading_ids=heading_ids,
        rider=rider,
        rider_optional=rider_optional,
        option=option,
        stop_heading=stop_heading,
    )


def document_to_contexts(document: Document) -> list[UnitContext]:
    """Given a Document, return its units with their scope (see units_to_contexts)."""
    return list(_document_contexts(document))


@functools.lru_cache(maxsize=4)
def _document_contexts(document: Document) -> tuple[UnitContext, ...]:
    """Given a Document, return its units in scope once: every extractor of it reads the same walk."""
    return tuple(units_to_contexts(document_to_units(document)))
