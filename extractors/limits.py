"""Limits, deductibles, ratios and time windows → LimitRecord rows.

Tables first: a figure cell's type comes from a cue in the cell, its column header or its row
(支払限度額 | 免責金額 …); its coverage from the nearest label cell to its left (one row per
enumerated item ①②… of that label) or from a sub-label inside the cell (うち、見舞金費用 …).
Then running text: a sentence's figure counts when a type cue governs it (支払限度額は200万円,
500円を限度に, 自己負担割合10%, 発覚後180日以内); its coverage is the taxonomy term that is
the subject of that cue (危機管理実行費用特約の支払限度額は…), else the heading's coverage.
"X% … or ¥Y, whichever is lower" is one row with ratio X and amount Y. A figure after a set
cue (この特約をセットすることで …) applies under the rider whose block it is in.
Amounts that are examples (approximate, × counts) and blocks of quote assumptions or case
stories are not limits. All cue words are YAML data (`data/limits.yaml`).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from extractors import taxonomy
from extractors.amounts import find_amounts, find_percents, text_to_default_unit
from extractors.blocks import head_of, split_enumerated, starts_with_inline_mark, strip_label_marks
from extractors.coverages import UnitContext, document_to_contexts, has_any, load_cues, plain
from extractors.document import Document, Table, nfkc
from extractors.records import LimitRecord
from extractors.taxonomy import TaxonomyMatch

LIMITS_PATH = Path(__file__).parent / "data" / "limits.yaml"
RATIO_TYPES = ("self_retention_ratio", "payout_ratio")


@dataclass(frozen=True)
class LimitCues:
    """The cue words of `data/limits.yaml`, NFKC-normalised."""

    before: tuple[tuple[str, str], ...]  # (cue, limit_type), longest cue first
    after: tuple[tuple[str, str], ...]
    max_cue_distance: int
    max_after_distance: int
    or_words: tuple[str, ...]
    lower_words: tuple[str, ...]
    lower_window: int
    days_pattern: re.Pattern[str]
    basis: tuple[tuple[str, str], ...]  # (word, basis), most specific first
    per_unit_basis: Mapping[str, str]
    condition_ends: tuple[str, ...]
    example_words: tuple[str, ...]
    skip_heading: tuple[str, ...]
    inner_words: tuple[str, ...]


def _pairs(types: Mapping[str, Any], key: str) -> tuple[tuple[str, str], ...]:
    """Given the `types` mapping and before/after, return (cue, type) pairs, longest cue first."""
    pairs = [(nfkc(str(cue)), kind) for kind, body in types.items() for cue in body.get(key, ())]
    return tuple(sorted(pairs, key=lambda p: -len(p[0])))


def mapping_to_limit_cues(data: Mapping[str, Any]) -> LimitCues:
    """Given the parsed limits YAML, return its LimitCues."""
    words = lambda key: tuple(nfkc(str(w)) for w in data.get(key, ()))  # noqa: E731
    return LimitCues(
        before=_pairs(data["types"], "before"),
        after=_pairs(data["types"], "after"),
        max_cue_distance=int(data.get("max_cue_distance", 30)),
        max_after_distance=int(data.get("max_after_distance", 4)),
        or_words=words("or_words"),
        lower_words=words("lower_words"),
        lower_window=int(data.get("lower_window", 40)),
        days_pattern=re.compile(str(data["days_pattern"])),
        basis=tuple((nfkc(str(w)), b) for b, ws in data["basis"].items() for w in ws),
        per_unit_basis={nfkc(str(k)): str(v) for k, v in data.get("per_unit_basis", {}).items()},
        condition_ends=words("condition_ends"),
        example_words=words("example_words"),
        skip_heading=words("skip_heading_cues"),
        inner_words=words("inner_words"),
    )


@functools.cache
def load_limit_cues(path: Path = LIMITS_PATH) -> LimitCues:
    """Given the limits YAML path, return its LimitCues (cached)."""
    with path.open(encoding="utf-8") as f:
        return mapping_to_limit_cues(yaml.safe_load(f))


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
    percents = find_percents(norm)
    figures: list[Figure] = []
    paired: set[int] = set()
    for p in percents:
        pair = next(
            (a for a in amounts if a.start >= p.end and _is_or_gap(norm[p.end : a.start], cues)), None
        )
        after = norm[pair.end : pair.end + cues.lower_window] if pair else ""
        if pair is not None and has_any(after, cues.lower_words):
            paired.add(pair.start)
            figures.append(Figure(pair.start, pair.end, amount_jpy=pair.amount.yen, ratio=p.value))
        else:
            figures.append(Figure(p.start, p.end, ratio=p.value))
    for a in amounts:
        if a.start in paired:
            continue
        example = a.amount.approximate or a.amount.count is not None
        figures.append(
            Figure(a.start, a.end, amount_jpy=a.amount.yen, per_unit=a.amount.per_unit, example=example)
        )
    for m in cues.days_pattern.finditer(norm):
        figures.append(Figure(m.start(), m.end(), days=int(m.group(1))))
    return sorted(figures, key=lambda f: f.start)


def _is_or_gap(gap: str, cues: LimitCues) -> bool:
    """Given the text between a percentage and an amount, return whether it only says "or"."""
    squeezed = re.sub(r"\s+", "", gap)
    return squeezed in cues.or_words


def figure_type(norm: str, figure: Figure, cues: LimitCues, default: str | None = None) -> str | None:
    """Given text and a figure in it, return the limit type its governing cue gives (or default)."""
    if figure.days is not None:
        return "time_window_days"
    before = norm[max(0, figure.start - cues.max_cue_distance) : figure.start]
    best: tuple[int, str] | None = None
    squeezed = re.sub(r"\s+", "", before)
    for cue, cue_kind in cues.before:
        at = squeezed.rfind(cue)
        if at != -1 and (best is None or at > best[0]):
            best = (at, cue_kind)
    kind: str | None = best[1] if best else None
    if kind is None:
        after = re.sub(r"\s+", "", norm[figure.end : figure.end + cues.max_after_distance + 6])
        for after_cue, after_kind in cues.after:
            if after.find(after_cue) != -1 and after.find(after_cue) <= cues.max_after_distance:
                kind = after_kind
                break
    kind = kind or default
    if kind is None:
        return None
    if figure.amount_jpy is None and kind not in RATIO_TYPES:
        return None  # a bare percentage under a limit cue ("支払限度額の10%") gives no yen
    if figure.amount_jpy is not None and figure.ratio is None and kind in RATIO_TYPES:
        return None
    return kind


def _dots(text: str) -> str:
    """Given text, return it with every middle-dot variant written as ・."""
    return re.sub(f"[{taxonomy.MIDDLE_DOTS}]", "・", text)


def figure_basis(text: str, figure: Figure, cues: LimitCues, header: str = "") -> str | None:
    """Given the text before a figure (and its column header), return the figure's basis."""
    if figure.per_unit is not None:
        unit = nfkc(figure.per_unit)
        if unit in cues.per_unit_basis:
            return cues.per_unit_basis[unit]
    local = _dots(re.sub(r"\s+", "", text[max(0, figure.start - 20) : figure.end + 8]))
    for source in (local, _dots(re.sub(r"\s+", "", nfkc(header)))):
        for word, basis in cues.basis:
            if word in source:
                return basis
    return None


def figure_condition(
    text: str, figure: Figure, cues: LimitCues, *, since: int = 0, cell: bool = False
) -> str | None:
    """Given the text a figure is in, return the condition printed before it (…の場合), if any.

    The condition is looked for after `since` (the previous figure) first, then in the whole
    text before the figure; in a table cell a space also ends the text before a condition.
    """
    ends = "|".join(re.escape(e) for e in cues.condition_ends)
    for start in dict.fromkeys((since, 0)):
        before = text[start : figure.start]
        last = None
        for m in re.finditer(rf"(?:{ends})(?:のみ|は|には|で|、|:)?", before):
            last = m
        if last is None:
            continue
        separators = ("。", "\n", "|", ":", " ", "うち、") if cell else ("。", "\n", "|")
        cut = max(
            (at + len(sep) for sep in separators if (at := before.rfind(sep, 0, last.start())) != -1),
            default=0,
        )
        if cell:  # a cell's sub-label (見舞金費用) is not part of the condition that follows it
            terms = [m.end for m in taxonomy.match_all(before[: last.start()]) if m.end > cut]
            cut = max([cut, *terms])
        condition = strip_label_marks(before[cut : last.end()]).strip(" 、,:")
        condition = re.sub(r"(?:のみ|は|には|で)$", "", condition)
        if condition:
            return condition
    return None


# ---------------------------------------------------------------- coverage of a figure


def _paren_depths(norm: str) -> list[int]:
    """Given text, return the parenthesis depth at each character."""
    depth, depths = 0, []
    for ch in norm:
        if ch in "(（":
            depth += 1
        depths.append(depth)
        if ch in ")）":
            depth = max(0, depth - 1)
    return depths


def _subject_matches(norm: str, upto: int) -> list[TaxonomyMatch]:
    """Given a sentence and a position, return strong terms before it that can be a subject.

    Terms in parentheses and terms that are the base of a ratio (個人情報漏洩特約の20%) are not.
    """
    depths = _paren_depths(norm)
    found: list[TaxonomyMatch] = []
    for m in taxonomy.match_all(norm[:upto], weak=False):
        if depths[m.start] > 0:
            continue
        if re.match(r"\s*の\s*\d+(?:\.\d+)?\s*%", norm[m.end :]):
            continue
        found.append(m)
    return found


def _governing_cue(norm: str, figure: Figure, cues: LimitCues) -> int:
    """Given a sentence and a figure, return where the cue governing it starts (else the figure)."""
    before = norm[: figure.start]
    best = -1
    for cue, _ in cues.before:
        best = max(best, before.rfind(cue))
    return best if best != -1 else figure.start


def sentence_coverage(norm: str, figure: Figure, ctx: UnitContext, cues: LimitCues) -> str | None:
    """Given a sentence, a figure and the unit's context, return the coverage id the figure is for."""
    cue_at = _governing_cue(norm, figure, cues)
    for upto in (cue_at, figure.start):
        subjects = _subject_matches(norm, upto)
        if subjects:
            return subjects[-1].coverage_id
    if ctx.heading_ids:
        return ctx.heading_ids[0]
    weak = [m for m in taxonomy.match_all(norm[: figure.start]) if m.weak]
    return weak[-1].coverage_id if weak else None


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class Found:
    """A figure read as a limit, before it becomes a record."""

    coverage_id: str | None
    label: str
    limit_type: str
    figure: Figure
    basis: str | None
    rider: str | None
    condition: str | None
    page: int | None
    evidence: str


def _value_ok(found: Found) -> bool:
    """Given a found figure, return whether its value fits its type."""
    f = found.figure
    if found.limit_type == "time_window_days":
        return f.days is not None
    if found.limit_type in RATIO_TYPES:
        return f.ratio is not None and 0.0 <= f.ratio <= 1.0
    return f.amount_jpy is not None and f.amount_jpy > 0


def found_to_record(found: Found, doc_id: str) -> LimitRecord:
    """Given a found figure, return its LimitRecord."""
    f = found.figure
    ratio_type = found.limit_type in RATIO_TYPES
    return LimitRecord(
        doc_id=doc_id,
        coverage_id=found.coverage_id,
        coverage_label=found.label,
        limit_type=found.limit_type,
        amount_jpy=None if ratio_type or found.limit_type == "time_window_days" else f.amount_jpy,
        ratio=f.ratio if found.limit_type != "time_window_days" else None,
        days=f.days if found.limit_type == "time_window_days" else None,
        basis=found.basis if found.limit_type in ("limit", "deductible") else None,
        rider=found.rider,
        condition=found.condition,
        page=found.page,
        evidence=found.evidence,
    )


def _label_for(coverage_id: str | None, text: str) -> str:
    """Given a coverage id and the text it was read from, return a printed label for it."""
    if coverage_id is not None:
        for m in taxonomy.match_all(text):
            if m.coverage_id == coverage_id:
                return nfkc(text)[m.start : m.end]
    return strip_label_marks(text)[:40]


def _is_skipped(ctx: UnitContext, cues: LimitCues) -> bool:
    """Given a unit's context, return whether it sits in a block that holds no product limits."""
    return (
        ctx.scope == "stop" and ctx.stop_heading is not None and has_any(ctx.stop_heading, cues.skip_heading)
    )


def _rider_for(norm: str, figure: Figure, ctx: UnitContext) -> str | None:
    """Given a sentence, a figure and its context, return the rider it applies under (after a set cue)."""
    if ctx.rider is None:
        return None
    return ctx.rider if has_any(norm[: figure.start], load_cues().set_) else None


def sentence_to_found(
    sentence: str, ctx: UnitContext, cues: LimitCues, page: int, evidence: str
) -> list[Found]:
    """Given one NFKC sentence in its context, return the limits it states."""
    found: list[Found] = []
    since = 0
    for figure in text_to_figures(sentence, cues):
        previous, since = since, figure.end
        if figure.example or has_any(sentence[max(0, figure.start - 8) : figure.start], cues.example_words):
            continue
        kind = figure_type(sentence, figure, cues)
        if kind is None:
            continue
        coverage_id = sentence_coverage(sentence, figure, ctx, cues)
        found.append(
            Found(
                coverage_id=coverage_id,
                label=_label_for(coverage_id, sentence),
                limit_type=kind,
                figure=figure,
                basis=figure_basis(sentence, figure, cues),
                rider=_rider_for(sentence, figure, ctx),
                condition=figure_condition(sentence, figure, cues, since=previous),
                page=page,
                evidence=evidence,
            )
        )
    return found


def _sentences(norm: str) -> list[str]:
    """Given NFKC text, return its sentences."""
    return [s for s in re.split(r"(?<=[。!?！？])|\n", norm) if s.strip()]


def text_unit_to_found(ctx: UnitContext, cues: LimitCues) -> list[Found]:
    """Given a paragraph unit in its context, return the limits its sentences state."""
    unit = ctx.unit
    found: list[Found] = []
    for sentence in _sentences(plain(unit.norm)):
        found.extend(sentence_to_found(sentence, ctx, cues, unit.page, unit.text))
    return found


# ---------------------------------------------------------------- tables


def _has_figure(text: str, cues: LimitCues, default_unit: str | None) -> bool:
    """Given a cell, return whether it holds a figure."""
    return bool(text_to_figures(plain(text), cues, default_unit))


def column_header(table: Table, row: int, col: int) -> str:
    """Given a table cell position, return the text of the cells above it in its column."""
    return " ".join(table.rows[r][col].text for r in range(row) if col < len(table.rows[r]))


def _type_cue(text: str, cues: LimitCues) -> str | None:
    """Given a header or label text, return the limit type its first (longest) cue names."""
    squeezed = re.sub(r"\s+", "", plain(text))
    for cue, kind in cues.before:
        if cue in squeezed:
            return kind
    return None


def label_ids(label: str, ctx: UnitContext) -> list[tuple[str | None, str]]:
    """Given a label cell, return (coverage id, label) for each item it names (①②… each)."""
    pieces = split_enumerated(label)
    items = pieces[1:] if len(pieces) > 1 and not starts_with_inline_mark(label) else pieces
    out: list[tuple[str | None, str]] = []
    for piece in items:
        head = strip_label_marks(head_of(plain(piece)))
        ids: list[str | None] = [
            *(taxonomy.leading_ids(piece) or taxonomy.distinct_ids(taxonomy.match_all(head, weak=False)))
        ]
        if not ids:
            ids = [taxonomy.match_coverage(plain(piece))]
        if ids == [None] and ctx.heading_ids:
            ids = [ctx.heading_ids[0]]
        for coverage_id in ids:
            label = head if len(head) <= 40 else _label_for(coverage_id, piece)
            out.append((coverage_id, label))
    return out


def _row_label(table: Table, row: int, col: int, cues: LimitCues, default_unit: str | None) -> str:
    """Given a figure cell, return the nearest non-empty cell to its left that holds no figure."""
    for c in range(col - 1, -1, -1):
        text = table.rows[row][c].text
        if text.strip() and not _has_figure(text, cues, default_unit):
            return text
    return ""


def cell_to_found(
    table: Table, row: int, col: int, ctx: UnitContext, cues: LimitCues, default_unit: str | None
) -> list[Found]:
    """Given a figure cell of a table, return the limits it states."""
    cell = plain(table.rows[row][col].text)
    header = column_header(table, row, col)
    row_label = _row_label(table, row, col, cues, default_unit)
    column_type = _type_cue(header, cues) or _type_cue(row_label, cues)
    found: list[Found] = []
    targets = (
        label_ids(row_label, ctx) if row_label else [(ctx.heading_ids[0] if ctx.heading_ids else None, "")]
    )
    previous_end = 0
    for figure in text_to_figures(cell, cues, default_unit):
        if figure.example:
            continue
        kind = figure_type(cell, figure, cues, default=column_type)
        if kind is None:
            continue
        since = previous_end
        local = cell[previous_end : figure.start]
        local_ids = taxonomy.distinct_ids(taxonomy.match_all(local, weak=False))
        if local_ids:
            targets = [(i, _label_for(i, local)) for i in local_ids]
        previous_end = figure.end
        for coverage_id, label in targets:
            found.append(
                Found(
                    coverage_id=coverage_id,
                    label=label or _label_for(coverage_id, cell),
                    limit_type=kind,
                    figure=figure,
                    basis=figure_basis(cell, figure, cues, header),
                    rider=None,
                    condition=figure_condition(cell, figure, cues, since=since, cell=True),
                    page=table.page,
                    evidence=table.row_text(row),
                )
            )
    return found


def table_to_found(ctx: UnitContext, cues: LimitCues) -> list[Found]:
    """Given a table unit in its context, return the limits its cells state."""
    table = ctx.unit.table
    if table is None:
        return []
    header_text = " ".join(table.rows[0][c].text for c in range(len(table.rows[0]))) if table.rows else ""
    default_unit = text_to_default_unit(plain(header_text))
    found: list[Found] = []
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row):
            if cell.text.strip() and _has_figure(cell.text, cues, default_unit):
                found.extend(cell_to_found(table, r, c, ctx, cues, default_unit))
    return found


def _dedupe(found: Iterable[Found], doc_id: str) -> list[LimitRecord]:
    """Given found figures, return their records once each (same meaning → first evidence kept)."""
    seen: set[tuple[object, ...]] = set()
    records: list[LimitRecord] = []
    for item in found:
        if not _value_ok(item):
            continue
        record = found_to_record(item, doc_id)
        key = (
            record.coverage_id,
            record.limit_type,
            record.amount_jpy,
            record.ratio,
            record.days,
            record.basis,
            record.rider,
            record.condition,
        )
        if key not in seen:
            seen.add(key)
            records.append(record)
    return records


def contexts_to_limits(contexts: list[UnitContext], doc_id: str) -> list[LimitRecord]:
    """Given units in their scope, return the LimitRecords they state (tables first, then text)."""
    cues = load_limit_cues()
    kept = [ctx for ctx in contexts if not _is_skipped(ctx, cues)]
    tables = [f for ctx in kept if ctx.unit.is_table for f in table_to_found(ctx, cues)]
    texts = [f for ctx in kept if not ctx.unit.is_table for f in text_unit_to_found(ctx, cues)]
    return _dedupe([*tables, *texts], doc_id)


def document_to_limits(document: Document, doc_id: str) -> list[LimitRecord]:
    """Given a Document, return one LimitRecord per limit, deductible, ratio or time window it states."""
    return contexts_to_limits(document_to_contexts(document), doc_id)
