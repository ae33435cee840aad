"""Coverage items a brochure offers → CoverageRecord rows.

A brochure mixes what the policy offers with marketing (risks, statistics, case stories,
premiums, FAQ). A walk over the reading-order units keeps a scope: headings with a coverage
cue open a coverage block, headings with a stop cue (事例, 出典, 試算 …) or an exclusion cue
(保険金をお支払いできない主な場合) close it, and questions are marketing. Items are then read from
- rider names (…特約, …追加条項) in headings and rider-list lines,
- headings, bullets, enumerated items and 、-separated lists of item labels inside coverage blocks,
- sentences that offer cover (…を補償します, …お支払いします), with exclusion clauses
  (…は含みません, …対象外) dropped,
- every cell of a table in a coverage block or holding a coverage/limit column (an unmapped
  cell only when it is label-short and no header).
An item is optional when it sits under an option heading (オプション), in a table row whose
label is marked オプション, or its rider is described with a set cue (この特約をセットすることで …).
All cue words are YAML data.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from extractors import taxonomy
from extractors.amounts import find_amounts
from extractors.blocks import (
    Unit,
    document_to_units,
    drop_list_marks,
    heading_core,
    is_heading,
    is_question,
    split_enumerated,
    split_label,
    split_list_items,
    starts_with_bullet,
    starts_with_footnote,
    starts_with_inline_mark,
    strip_label_marks,
)
from extractors.document import Cell, Document, Table, nfkc
from extractors.records import CoverageRecord
from extractors.taxonomy import TaxonomyMatch

CUES_PATH = Path(__file__).parent / "data" / "coverages.yaml"

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
    generic_riders: frozenset[str]
    rider_prefix_stops: tuple[str, ...]
    policy_suffixes: tuple[str, ...]
    item_suffixes: tuple[str, ...]
    label_max_chars: int
    list_item_max_chars: int
    description: tuple[str, ...]
    description_min_chars: int
    section_hints: tuple[tuple[str, tuple[str, ...]], ...]
    default_section: str
    field_label: tuple[str, ...] = ()
    field_label_rest_max_chars: int = 3
    figure_only_rest_max_chars: int = 2
    wrap_end_chars: str = ""
    wrap_start_chars: str = ""
    field_line: re.Pattern[str] | None = None


def _words(data: Mapping[str, Any], key: str) -> tuple[str, ...]:
    """Given the cue mapping and a key, return its words NFKC-normalised."""
    return tuple(nfkc(str(w)) for w in data.get(key, ()))


def mapping_to_cues(data: Mapping[str, Any]) -> CoverageCues:
    """Given the parsed coverages YAML, return its CoverageCues."""
    hints = data.get("section_hints", {})
    return CoverageCues(
        coverage_heading=_words(data, "coverage_heading_cues"),
        stop_heading=_words(data, "stop_heading_cues"),
        exclusion_heading=_words(data, "exclusion_heading_cues"),
        weak_stop_heading=_words(data, "weak_stop_heading_cues"),
        stop_line=_words(data, "stop_line_cues"),
        offer=_words(data, "offer_cues"),
        forward=_words(data, "forward_cues"),
        contrast=_words(data, "contrast_splitters"),
        table=_words(data, "table_cues"),
        option=_words(data, "option_cues"),
        set_=_words(data, "set_cues"),
        base=_words(data, "base_cues"),
        rider_suffixes=_words(data, "rider_suffixes"),
        generic_riders=frozenset(_words(data, "generic_riders")),
        rider_prefix_stops=_words(data, "rider_prefix_stops"),
        policy_suffixes=_words(data, "policy_suffixes"),
        item_suffixes=_words(data, "item_suffixes"),
        label_max_chars=int(data.get("label_max_chars", 40)),
        list_item_max_chars=int(data.get("list_item_max_chars", 20)),
        description=_words(data, "description_cues"),
        description_min_chars=int(data.get("description_min_chars", 21)),
        section_hints=tuple(
            (section, tuple(nfkc(str(w)) for w in words))
            for section, words in hints.items()
            if section != "default"
        ),
        default_section=str(hints.get("default", "expense")),
        field_label=tuple(sorted(_words(data, "field_label_cues"), key=len, reverse=True)),
        field_label_rest_max_chars=int(data.get("field_label_rest_max_chars", 3)),
        figure_only_rest_max_chars=int(data.get("figure_only_rest_max_chars", 2)),
        wrap_end_chars=nfkc(str(data.get("wrap_end_chars", ""))),
        wrap_start_chars=nfkc(str(data.get("wrap_start_chars", ""))),
        field_line=re.compile(str(data["field_line_pattern"])) if data.get("field_line_pattern") else None,
    )


@functools.cache
def load_cues(path: Path = CUES_PATH) -> CoverageCues:
    """Given the cue YAML path, return its CoverageCues (cached)."""
    with path.open(encoding="utf-8") as f:
        return mapping_to_cues(yaml.safe_load(f))


def plain(text: str) -> str:
    """Given text, return its NFKC form without markdown emphasis marks (** and __)."""
    return re.sub("[\ufe00-\ufe0f]", "", nfkc(text)).replace("**", "").replace("__", "")


def has_any(text: str, cues: Iterable[str]) -> bool:
    """Given text and cue words, return whether the text (whitespace ignored) holds any of them."""
    compact = re.sub(r"\s+", "", nfkc(text)).casefold()
    return any(re.sub(r"\s+", "", c).casefold() in compact for c in cues)


# ---------------------------------------------------------------- rider names


def rider_names(text: str, cues: CoverageCues | None = None) -> list[str]:
    """Given a heading or rider-list line, return the rider names it holds (…特約, …追加条項)."""
    cues = cues or load_cues()
    norm = plain(text)
    suffixes = "|".join(re.escape(s) for s in cues.rider_suffixes)
    pattern = re.compile(rf"([^\s、,，/／〈〉《》「」『』()（）【】|:：]+?(?:{suffixes}))(?=の|[^\w・]|$)")
    names: list[str] = []
    for m in pattern.finditer(norm):
        name = strip_label_marks(m.group(1))
        if is_rider_name(name, cues) and name not in names:
            names.append(name)
    return names


def is_rider_name(name: str, cues: CoverageCues | None = None) -> bool:
    """Given a token ending like a rider, return whether it names one (not この特約, オプション特約)."""
    cues = cues or load_cues()
    if name in cues.generic_riders or any(name.startswith(p) for p in cues.rider_prefix_stops):
        return False
    stem = name
    for suffix in cues.rider_suffixes:
        if stem.endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    return len(stem) >= 3


def is_rider_line(text: str, cues: CoverageCues | None = None) -> bool:
    """Given a line, return whether it only lists policy and rider names (a product's make-up)."""
    cues = cues or load_cues()
    segments = [s for s in re.split(r"[\s/／、,，]+", plain(text)) if s]
    if not segments:
        return False
    riders = [s for s in segments if rider_names(s, cues)]
    policies = [s for s in segments if s.endswith(cues.policy_suffixes)]
    return bool(riders) and len(riders) + len(policies) == len(segments)


# ---------------------------------------------------------------- the scope walk


def is_figure_only(text: str, cues: CoverageCues | None = None) -> bool:
    """Given a line, return whether it is only a figure (1億円, 2,000万円（1事故・保険期間中）):
    the value of a card field, with no label of its own."""
    cues = cues or load_cues()
    norm = plain(text)
    amounts = find_amounts(norm)
    if not amounts:
        return False
    for amount in reversed(amounts):
        norm = norm[: amount.start] + norm[amount.end :]
    rest = re.sub(r"[(（][^()（）]*[)）]|[\s・、,。:：/]", "", strip_label_marks(norm))
    return len(rest) <= cues.figure_only_rest_max_chars


def is_field_label(text: str, next_text: str | None, cues: CoverageCues | None = None) -> bool:
    """Given a short line and the line after it, return whether the line is a card's field label
    (支払限度額, 1被害者あたり) for the figure on the next line, not a heading of its own."""
    cues = cues or load_cues()
    if next_text is None or not is_figure_only(next_text, cues) or find_amounts(text):
        return False
    rest = re.sub(r"\s+", "", strip_label_marks(plain(text)))
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


def is_wrapped_line(previous: str, text: str, cues: CoverageCues | None = None) -> bool:
    """Given a line and the line before it, return whether the line continues it: text copied
    from a PDF column is broken every few characters, so a line that the one before leaves
    mid-phrase (…被害の / 初期対応に) or that opens with what no heading opens with (る原因…,
    ターの設置…) is the rest of a sentence, not a heading."""
    cues = cues or load_cues()
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


def is_description(text: str, cues: CoverageCues | None = None) -> bool:
    """Given a short line, return whether it describes an item (…を復旧するための費用) rather
    than heading a block: it is longer than a label and holds a predicate word (を, ための).

    HTML <dd> and PDF card text put such descriptions on lines of their own, where they would
    otherwise pass for headings and reset what the heading above them named.
    """
    cues = cues or load_cues()
    body = re.sub(r"\s+", "", strip_label_marks(plain(text)))
    return len(body) >= cues.description_min_chars and any(c in body for c in cues.description)


def _sub_heading_ids(unit: Unit, text: str, cues: CoverageCues) -> tuple[str, ...]:
    """Given a list line, return the coverage ids it heads when it labels the items nested under
    it (- **賠償責任の補償**, - 事業中断補償特約): short, no figure, and emphasised or worded like
    a coverage heading. Readers drop list indentation, so such a parent is known by its words."""
    if not starts_with_bullet(text) or find_amounts(text):
        return ()
    body = strip_label_marks(text)
    if not body or "。" in body or len(body) > cues.list_item_max_chars:
        return ()
    if "**" not in unit.text and "__" not in unit.text and not has_any(body, cues.coverage_heading):
        return ()
    return tuple(taxonomy.distinct_ids(taxonomy.match_all(body, weak=False)))


@dataclass(frozen=True)
class UnitContext:
    """A unit with the scope it was read in.

    `heading_ids` are the strong coverage ids of the nearest heading that named one (reset by
    a cue heading that names none); `rider` is the rider block the unit is in; `option` the
    option region label; `skip_heading` the stop heading (if any) whose block this is.
    """

    unit: Unit
    scope: Scope
    heading: bool
    heading_ids: tuple[str, ...] = ()
    rider: str | None = None
    rider_optional: bool = False
    option: str | None = None
    stop_heading: str | None = None


def _lookahead_text(units: list[Unit], index: int, count: int) -> str:
    """Given units and a heading's index, return the NFKC text of up to `count` units of its block.

    The block ends at the next heading that names a rider.
    """
    texts: list[str] = []
    for unit in units[index + 1 : index + 1 + count]:
        if unit.is_table:
            continue
        text = plain(unit.norm)
        if is_heading(text) and rider_names(text):
            break
        texts.append(text)
    return "\n".join(texts)


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


def _next_rider(units: list[Unit], index: int, count: int, cues: CoverageCues) -> str | None:
    """Given units and an index, return the first rider name in the next `count` headings."""
    for unit in units[index + 1 : index + 1 + count]:
        if not unit.is_table and is_heading(unit.norm):
            names = rider_names(unit.norm, cues)
            if names:
                return names[0]
    return None


def units_to_contexts(units: list[Unit], cues: CoverageCues | None = None) -> list[UnitContext]:
    """Given reading-order units, return each with its scope, heading ids, rider and option region."""
    cues = cues or load_cues()
    state = UnitContext(unit=Unit(page=0), scope="neutral", heading=False)
    out: list[UnitContext] = []
    for index, unit in enumerate(units):
        if unit.is_table:
            out.append(replace(state, unit=unit, heading=False))
            continue
        text = plain(unit.norm)
        previous = units[index - 1] if index else None
        if (
            previous is not None
            and not previous.is_table
            and is_wrapped_line(previous.norm, unit.text, cues)
            and not find_amounts(text)
        ):
            out.append(replace(state, unit=unit, heading=False))
            continue
        if is_question(text):
            # an FAQ answer restates what its question asks about (見舞金はいくらまで…？)
            asked = tuple(taxonomy.distinct_ids(taxonomy.match_all(text, weak=False)))
            # an FAQ answer that offers cover (…をお支払いします) counts like any sentence; one
            # under a question about exclusions, premiums or cases (補償されないのは？) does not
            asks_elsewhere = has_any(text, cues.exclusion_heading) or has_any(text, cues.stop_heading)
            scope: Scope = "stop" if asks_elsewhere else "neutral"
            state = replace(state, scope=scope, heading_ids=asked, rider=None, option=None, stop_heading=text)
            # the question itself offers nothing (身代金は補償されますか？)
            out.append(replace(state, unit=unit, heading=True, scope="stop"))
            continue
        is_field_line = cues.field_line is not None and cues.field_line.search(text) is not None
        # a heading may carry its section's limit in brackets (費用補償（支払限度額 5,000万円）)
        core = heading_core(text)
        if (
            core != text
            and _heading_figure_only(text, core)
            and is_heading(core)
            and not find_amounts(core)
            and not is_description(core, cues)
            and has_any(core, cues.coverage_heading)
        ):
            state = _heading_state(state, units, index, core, cues)
            out.append(replace(state, unit=unit, heading=True))
            continue
        if not is_heading(text) or find_amounts(text) or is_description(text, cues) or is_field_line:
            if has_any(text, cues.stop_line):
                state = replace(
                    state, scope="stop", heading_ids=(), rider=None, option=None, stop_heading=text
                )
            elif state.scope != "stop" and (sub_ids := _sub_heading_ids(unit, text, cues)):
                state = _sub_heading_state(state, units, index, text, sub_ids, cues)
            out.append(replace(state, unit=unit, heading=False))
            continue
        if is_field_label(text, _next_text(units, index), cues):
            # 支払限度額 above a card's figure names a field of the item above: the scope stays
            out.append(replace(state, unit=unit, heading=False))
            continue
        state = _heading_state(state, units, index, text, cues)
        out.append(replace(state, unit=unit, heading=True))
    return out


def _heading_figure_only(text: str, core: str) -> bool:
    """Given a line and its heading core, return whether what was cut is a whole-section figure,
    not a per-person or per-item one (1名につき500円) that belongs to an item line."""
    cut = plain(text)[len(plain(core)) :]
    return "につき" not in cut and all(m.amount.per_unit is None for m in find_amounts(cut))


def _sub_heading_state(
    state: UnitContext, units: list[Unit], index: int, text: str, ids: tuple[str, ...], cues: CoverageCues
) -> UnitContext:
    """Given the scope before a list line that heads nested items, return the scope it opens: its
    ids for the figures under it, and its rider when it names one."""
    riders = rider_names(text, cues)
    if len(riders) != 1:
        return replace(state, heading_ids=ids)
    optional = state.option is not None or has_any(_lookahead_text(units, index, 4), cues.set_)
    return replace(state, heading_ids=ids, rider=riders[0], rider_optional=optional)


def _heading_state(
    state: UnitContext, units: list[Unit], index: int, text: str, cues: CoverageCues
) -> UnitContext:
    """Given the scope before a heading and the heading, return the scope it opens."""
    ids = tuple(taxonomy.distinct_ids(taxonomy.match_all(text, weak=False)))
    riders = rider_names(text, cues)
    # a heading broken over two lines (お支払いの対象となら / ない主な場合) is read whole
    following = _next_text(units, index)
    excludes = has_any(text, cues.exclusion_heading) or (
        following is not None and straddles(text, plain(following), cues.exclusion_heading)
    )
    if excludes:
        ids = ()  # 身代金は補償されません names what is not offered
    covers = not excludes and has_any(text, cues.coverage_heading)
    # a weak stop cue (被害) does not stop a heading that names an item (被害者対応費用)
    item_like = strip_label_marks(text).endswith(cues.item_suffixes)
    weak_stop = not ids and not item_like and has_any(text, cues.weak_stop_heading)
    stops = excludes or (not covers and (has_any(text, cues.stop_heading) or weak_stop))
    scope: Scope = state.scope
    if covers:
        scope = "coverage"
    elif stops:
        scope = "stop"
    elif scope == "stop":
        scope = "neutral"
    option = state.option
    if stops or has_any(text, cues.base):
        option = None
    if has_any(text, cues.option):
        option = _next_rider(units, index - 1, 5, cues) or strip_label_marks(text)
    rider, rider_optional = state.rider, state.rider_optional
    if len(riders) == 1:
        rider = riders[0]
        rider_optional = option is not None or has_any(_lookahead_text(units, index, 4), cues.set_)
    elif has_any(text, cues.option) and option:
        rider, rider_optional = option, True
    elif stops or (covers and option is None):
        rider, rider_optional = None, False
    heading_ids = state.heading_ids
    if ids:
        heading_ids = ids
    elif covers or stops:
        heading_ids = ()
    elif item_like:
        # an item the taxonomy does not know (被害者対応費用): what its description names
        heading_ids = _description_ids(units, index)
    stop_heading = state.stop_heading
    if stops:
        stop_heading = text
    elif ids or riders:
        stop_heading = None
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
    return units_to_contexts(document_to_units(document))


# ---------------------------------------------------------------- items


@dataclass(frozen=True)
class Item:
    """A coverage id (or an unmapped label) read from one piece of a unit."""

    coverage_id: str | None
    label: str
    optional: bool
    rider: str | None


def offered_clauses(sentence: str, cues: CoverageCues | None = None) -> list[str]:
    """Given a sentence, return its main clauses that are not exclusions.

    Parentheticals holding an exclusion cue are dropped first; the rest is split at contrast
    words (…が、 ただし); a clause holding an exclusion cue is dropped.
    """
    cues = cues or load_cues()
    excl = taxonomy.exclusion_cues()
    norm = plain(sentence)
    norm = re.sub(r"[(（][^()（）]*[)）]", lambda m: "" if has_any(m.group(0), excl) else m.group(0), norm)
    pattern = "|".join(re.escape(c) for c in cues.contrast)
    clauses = re.split(pattern, norm) if pattern else [norm]
    return [c for c in clauses if strip_label_marks(c) and not has_any(c, excl)]


def split_sentences(text: str) -> list[str]:
    """Given NFKC text, return its sentences (split after 。!? and newlines)."""
    parts = re.split(r"(?<=[。!?！？])|\n", text)
    return [p for p in parts if p.strip()]


def _label_around(norm: str, match: TaxonomyMatch, max_chars: int) -> str:
    """Given text and a term match in it, return the item label around the match."""
    left = max(norm.rfind(sep, 0, match.start) for sep in "、,，;；()（）〈〉《》「」⚫●•▶\n|")
    right_candidates = [
        i for sep in "、,，;；()（）〈〉《》「」⚫●•▶\n|。" if (i := norm.find(sep, match.end)) != -1
    ]
    right = min(right_candidates, default=len(norm))
    label = strip_label_marks(norm[left + 1 : right])
    if not label or len(label) > max_chars:
        return norm[match.start : match.end]
    return label


def text_to_items(
    text: str,
    *,
    optional: bool,
    rider: str | None,
    weak: bool,
    unmapped: bool = False,
    head_first: bool = False,
    cues: CoverageCues | None = None,
) -> list[Item]:
    """Given the text of one item (a label, bullet or cell piece), return its coverage items.

    With `head_first`, a line that opens with a label-short item label (データ復旧費用 … 破損した
    データを…) is that label's item: the terms it ends with, or, for a label the taxonomy does not
    know (損害防止費用), the terms of its description. With `unmapped`, an item that maps to no
    id but is labelled like one (…費用) is kept with coverage_id None.
    """
    cues = cues or load_cues()
    norm = plain(drop_list_marks(text))
    if has_any(norm, taxonomy.exclusion_cues()):
        return []
    own_option = has_any(norm, cues.option)
    item_optional = optional or own_option
    item_rider = rider
    if own_option and not rider:
        item_rider = strip_label_marks(re.split(r"[(（]?オプション", norm)[0] + "(オプション)")
    # a bracketed figure after the label (費用補償（支払限度額 5,000万円）) is no part of it
    if head_first and (labelled := label_to_items(heading_core(norm), cues)) is not None:
        label, ids = labelled
        if ids:
            return [Item(i, label, item_optional, item_rider) for i in ids]
        # 補償される費用 heads the list under it; it is no item of its own
        if unmapped and label.endswith(cues.item_suffixes) and not has_any(label, cues.coverage_heading):
            return [Item(None, label, item_optional, item_rider)]
        return []
    matches = taxonomy.match_all(norm, weak=weak)
    if not matches:
        label = strip_label_marks(norm)
        if unmapped and label.endswith(cues.item_suffixes) and len(label) <= cues.label_max_chars:
            return [Item(None, label, item_optional, item_rider)]
        return []
    items: list[Item] = []
    for m in matches:
        label = _label_around(norm, m, cues.label_max_chars)
        items.append(Item(m.coverage_id, label, item_optional, item_rider))
    return items


def _is_label(text: str, cues: CoverageCues) -> bool:
    """Given a piece of a line, return whether it reads as an item label: short, not a clause."""
    return 0 < len(text) <= cues.list_item_max_chars and not any(c in text for c in "、。,")


def label_to_items(norm: str, cues: CoverageCues) -> tuple[str, list[str]] | None:
    """Given an item line (NFKC), return its label and coverage ids, or None when it does not
    open with a label (a sentence).

    The ids are those of the terms the label ends with (情報漏えい見舞費用 is a condolence cost);
    a label naming none takes those of its description (損害防止費用 … ネットワークの遮断); a
    prefix naming none before a label that does (基本補償2 サイバー…費用) gives way to it.
    """
    label, rest = split_label(norm)
    if not _is_label(label, cues):
        return None
    ids = taxonomy.head_ids(label)
    if ids:
        return label, ids
    inner, _ = split_label(rest)
    prefix = not label.endswith(cues.item_suffixes)  # 基本補償2 is a tag, 損害防止費用 an item
    if prefix and inner and _is_label(inner, cues) and (inner_ids := taxonomy.head_ids(inner)):
        return inner, inner_ids
    return label, taxonomy.distinct_ids(taxonomy.match_all(rest, weak=False))


def sentence_to_items(
    text: str, *, optional: bool, rider: str | None, cues: CoverageCues | None = None
) -> list[Item]:
    """Given running text, return the items of its sentences that offer cover (strong terms only),
    and of a sentence that one announces (次の費用をお支払いします。謝罪広告費用、見舞金。)."""
    cues = cues or load_cues()
    items: list[Item] = []
    announced = False  # the sentence before offers what follows it (次の費用をお支払いします。)
    for sentence in split_sentences(plain(text)):
        offers = has_any(sentence, cues.offer)
        if not offers and not announced:
            continue
        announced = offers and has_any(sentence, cues.forward)
        sentence_optional = optional or has_any(sentence, cues.set_)
        for clause in offered_clauses(sentence, cues):
            for m in taxonomy.match_all(clause, weak=False):
                label = _label_around(clause, m, cues.label_max_chars)
                items.append(Item(m.coverage_id, label, sentence_optional, rider))
    return items


#: a text-table row: its first field, then the wide gap PDF text keeps between columns
_ROW_GAP = re.compile(r"^\S+\s{2,}\S")


def _is_item_line(text: str, cues: CoverageCues | None = None) -> bool:
    """Given a line, return whether it is a label-like item: a heading, or a bullet, enumerated or
    text-table line that is short or opens with a label (データ復旧費用 … 破損したデータを…)."""
    cues = cues or load_cues()
    norm = plain(text).strip()
    body = strip_label_marks(norm)
    if not body:
        return False
    label, rest = split_label(norm)
    # a bullet, or a text-table row (損害賠償金　　情報の漏えい…), that opens with a label
    if (starts_with_bullet(norm) or _ROW_GAP.match(norm)) and _is_label(label, cues) and rest:
        return True
    if "。" in body:
        return False
    return is_heading(norm) or (starts_with_bullet(norm) and len(body) <= 40)


#: a list line needs at least this many items (two could be a phrase: A、B)
LIST_MIN_ITEMS = 3


def list_items(text: str, cues: CoverageCues | None = None) -> list[str]:
    """Given a line, return its items when it only lists item labels (原因調査費用、見舞金、…), else [].

    Every piece between 、 must be label-short and end like an item (…費用) or with a coverage
    term (見舞金); a line holding a sentence end is running text, not a list.
    """
    cues = cues or load_cues()
    norm = plain(text)
    body = strip_label_marks(norm)
    if not body or "。" in norm:
        return []
    pieces = [strip_label_marks(p) for p in split_list_items(body)]
    if len(pieces) < LIST_MIN_ITEMS or not all(_is_item_label(p, cues) for p in pieces):
        return []
    return pieces


def labelled_list(text: str, cues: CoverageCues | None = None) -> tuple[str, list[str]] | None:
    """Given a line, return its group label ("" for none) and items when it lists item labels,
    bare (原因調査費用、見舞金、…) or after a label (賠償損害：損害賠償金、争訟費用、…), else None."""
    cues = cues or load_cues()
    label, rest = split_label(text)
    if rest and _is_label(label, cues) and (pieces := list_items(rest, cues)):
        return label, pieces
    if pieces := list_items(text, cues):
        return "", pieces
    return None


#: a bracketed gloss after an item label: 争訟費用（弁護士費用など）
_TRAILING_GLOSS = re.compile(r"[(（][^()（）]*[)）]$")


def _is_item_label(piece: str, cues: CoverageCues) -> bool:
    """Given a piece of a list (marks stripped), return whether it is an item label: label-short
    and ending like an item (…費用) or with a coverage term (見舞金), a bracketed gloss aside."""
    piece = _TRAILING_GLOSS.sub("", piece).strip()
    if not piece or len(piece) > cues.list_item_max_chars:
        return False
    return piece.endswith(cues.item_suffixes) or _ends_with_term(piece)


def unit_pieces(unit: Unit, cues: CoverageCues | None = None) -> list[str]:
    """Given a paragraph unit, return its item pieces: one per line when every line of several
    is an item label (お詫び状の作成・発送費用 / コールセンターの設置費用 / 見舞金・見舞品費用, a
    list printed without bullets), else the pieces its inline bullets or numbers start."""
    cues = cues or load_cues()
    lines = [line.text.strip() for line in unit.lines if line.text.strip()]
    labels = [strip_label_marks(plain(drop_list_marks(line))) for line in lines]
    if len(lines) > 1 and all("。" not in label and _is_item_label(label, cues) for label in labels):
        return lines
    return split_enumerated(unit.text)


def _ends_with_term(label: str) -> bool:
    """Given a label, return whether it ends with a coverage term (見舞金, データ復元), 等 aside."""
    core = label.rstrip("等など")
    return any(m.end == len(core) for m in taxonomy.match_all(core))


def context_to_items(ctx: UnitContext, cues: CoverageCues | None = None) -> list[Item]:
    """Given a unit in its scope, return the coverage items it offers."""
    cues = cues or load_cues()
    unit = ctx.unit
    optional = ctx.rider_optional if ctx.rider else ctx.option is not None
    if unit.table is not None:
        return table_to_items(ctx, cues)
    text = plain(unit.norm)
    if ctx.scope == "stop" and not is_rider_line(text, cues):
        return []
    items: list[Item] = []
    if is_rider_line(text, cues) or (ctx.heading and rider_names(text, cues)):
        for name in rider_names(text, cues):
            rider_optional = optional if name == ctx.rider else ctx.option is not None
            items.append(Item(taxonomy.match_coverage(name), name, rider_optional, name))
        return items
    labels = plain("".join(drop_list_marks(line.text).strip() for line in unit.lines))
    in_block = ctx.scope == "coverage" and not starts_with_footnote(text)
    if in_block and (listed := labelled_list(labels, cues)):
        head, pieces = listed
        if head:
            items.extend(
                text_to_items(head, optional=optional, rider=ctx.rider, weak=True, head_first=True, cues=cues)
            )
        for piece in pieces:
            items.extend(
                text_to_items(piece, optional=optional, rider=ctx.rider, weak=True, unmapped=True, cues=cues)
            )
        return items
    enumerated = starts_with_inline_mark(unit.text)
    if ctx.scope == "coverage" and (_is_item_line(text) or enumerated) and not starts_with_footnote(text):
        bullet = starts_with_bullet(text)
        for piece in unit_pieces(unit, cues):
            items.extend(
                text_to_items(
                    piece,
                    optional=optional,
                    rider=ctx.rider,
                    weak=True,
                    unmapped=bullet,
                    head_first=True,
                    cues=cues,
                )
            )
        if not items and ctx.heading and strip_label_marks(text).endswith(cues.item_suffixes):
            # an item heading the taxonomy does not know names what its description names
            label = split_label(text)[0]
            items = [Item(i, label, optional, ctx.rider) for i in ctx.heading_ids]
        return items
    if in_block and (ids := description_ids(labels, cues)):
        # the label is the last clause, the one whose tail names the items
        label = strip_label_marks(labels[labels.rfind("、") + 1 :])[-cues.label_max_chars :]
        return [Item(i, label, optional, ctx.rider) for i in ids]
    return sentence_to_items(labels, optional=optional, rider=ctx.rider, cues=cues)


def description_ids(text: str, cues: CoverageCues | None = None) -> list[str]:
    """Given a paragraph in a coverage block, return the ids it ends with when it is a noun phrase
    describing the item above it (…損害賠償請求を受けた場合の損害賠償金や争訟費用), else [].

    A phrase with no sentence end that ends like an item names what it is about by its tail; a
    sentence (…。) offers only with an offer cue.
    """
    cues = cues or load_cues()
    body = strip_label_marks(_TRAILING_GLOSS.sub("", plain(text)).strip())
    if not body or "。" in body or not (body.endswith(cues.item_suffixes) or _ends_with_term(body)):
        return []
    return taxonomy.head_ids(body)


def is_coverage_table(ctx: UnitContext, cues: CoverageCues | None = None) -> bool:
    """Given a table unit in its scope, return whether its cells list coverages."""
    cues = cues or load_cues()
    table = ctx.unit.table
    if table is None:
        return False
    if ctx.scope == "coverage":
        return True
    cells = [cell.text for row in table.rows for cell in row]
    if ctx.scope == "stop" and any(has_any(text, taxonomy.exclusion_cues()) for text in cells):
        return False  # a case story's table that says its figures are no payout (…保険金ではありません)
    return any(has_any(text, cues.table) for text in cells)


def _is_exclusion_mark(text: str) -> bool:
    """Given a table cell, return whether it only says the row is excluded (対象外, 補償しません)."""
    norm = plain(text).strip()
    return 0 < len(norm) <= 12 and has_any(norm, taxonomy.exclusion_cues())


def table_to_items(ctx: UnitContext, cues: CoverageCues | None = None) -> list[Item]:
    """Given a table unit in its scope, return the coverage items of its cells."""
    cues = cues or load_cues()
    table = ctx.unit.table
    if table is None or not is_coverage_table(ctx, cues):
        return []
    optional = ctx.rider_optional if ctx.rider else ctx.option is not None
    block_rider = ctx.rider
    if (ctx.rider is None or ctx.rider == ctx.option) and len(_table_sections(table)) > 1:
        # a table naming several sections sums up the policy: it is not inside the option above it
        optional, block_rider = False, None
    items: list[Item] = []
    for row in table.rows:
        if any(_is_exclusion_mark(cell.text) for cell in row):
            continue  # 身代金 | 対象外: the row names an exclusion
        option_at, row_rider = _row_option(row, cues)
        for index, cell in enumerate(row):
            if not cell.text.strip():
                continue
            # cells from an option-marked label rightwards (its description) share its option
            in_option = row_rider is not None and index >= option_at
            rider = block_rider or (row_rider if in_option else None)
            # an unmapped cell is an item only when it is label-short and not a header
            unmapped = len(strip_label_marks(plain(cell.text))) <= cues.list_item_max_chars and not has_any(
                cell.text, cues.table
            )
            for piece in split_enumerated(cell.text):
                if compound := taxonomy.compound_ids(plain(drop_list_marks(piece))):
                    # a compound label names what its last noun names (情報漏えい見舞費用特約);
                    # its bracketed gloss (賠償責任（損害賠償金・争訟費用）) names items too
                    label = strip_label_marks(plain(drop_list_marks(piece)))
                    gloss = "、".join(re.findall(r"[(（]([^()（）]*)[)）]", label))
                    ids = dict.fromkeys(
                        [*compound, *taxonomy.distinct_ids(taxonomy.match_all(gloss, weak=False))]
                    )
                    items.extend(Item(i, label, optional or in_option, rider) for i in ids)
                    continue
                items.extend(
                    text_to_items(
                        piece,
                        optional=optional or in_option,
                        rider=rider,
                        weak=False,
                        unmapped=unmapped,
                        cues=cues,
                    )
                )
    return items


def _table_sections(table: Table) -> set[str]:
    """Given a table, return the sections its cells name terms of."""
    return {
        m.section
        for row in table.rows
        for cell in row
        if cell.text.strip()
        for m in taxonomy.match_all(cell.text)
    }


def _row_option(row: tuple[Cell, ...], cues: CoverageCues) -> tuple[int, str | None]:
    """Given a table row, return the index of the cell that marks an option (喪失利益（オプション）)
    and the option's name, or (0, None).

    The cells from it rightwards (its description) are optional too.
    """
    for index, cell in enumerate(row):
        norm = plain(cell.text)
        if has_any(norm, cues.option) and len(strip_label_marks(norm)) <= cues.label_max_chars:
            return index, strip_label_marks(re.split(r"[(（]?オプション", norm)[0] + "(オプション)")
    return 0, None


def _evidence(ctx: UnitContext, item: Item) -> tuple[str, int]:
    """Given a unit and one of its items, return the verbatim evidence and its page."""
    unit = ctx.unit
    if unit.table is not None:
        for index in range(len(unit.table.rows)):
            if item.label and item.label in nfkc(unit.table.row_text(index)).replace("**", ""):
                return unit.table.row_text(index), unit.table.page
        return unit.table.row_text(0), unit.table.page
    return unit.text, unit.page


def section_for(item: Item, cues: CoverageCues | None = None) -> str:
    """Given an item, return its section: the taxonomy's, or a hint from an unmapped label."""
    cues = cues or load_cues()
    if item.coverage_id is not None:
        return taxonomy.section_of(item.coverage_id)
    for section, hints in cues.section_hints:
        if has_any(item.label, hints):
            return section
    return cues.default_section


def contexts_to_coverages(contexts: list[UnitContext], doc_id: str) -> list[CoverageRecord]:
    """Given units in their scope, return one CoverageRecord per distinct item (id, rider, option)."""
    cues = load_cues()
    seen: set[tuple[str | None, str | None, bool, str]] = set()
    records: list[CoverageRecord] = []
    for ctx in contexts:
        for item in context_to_items(ctx, cues):
            key = (
                item.coverage_id,
                item.rider,
                item.optional,
                item.label if item.coverage_id is None else "",
            )
            if key in seen:
                continue
            seen.add(key)
            evidence, page = _evidence(ctx, item)
            records.append(
                CoverageRecord(
                    doc_id=doc_id,
                    coverage_id=item.coverage_id,
                    coverage_label=item.label,
                    section=section_for(item, cues),
                    is_optional=item.optional,
                    rider=item.rider,
                    page=page,
                    evidence=evidence,
                )
            )
    return records


def document_to_coverages(document: Document, doc_id: str) -> list[CoverageRecord]:
    """Given a Document, return one CoverageRecord per coverage item it offers."""
    return contexts_to_coverages(document_to_contexts(document), doc_id)
