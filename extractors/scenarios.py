"""Loss scenarios: the worked examples of an incident's costs that brochures print.

A scenario is a block of cost items (label + amount: a bullet, a line, a table row, or a clause
of one sentence, フォレンジック調査に420万円), its meaning proven by one of:

- arithmetic: a total (合計/総額) the items just above it (or in its sentence) add up to, or a
  subset of the open items (columns read interleaved); a total over earlier totals is the grand
  total; a total above its breakdown closes once the items after it add up; under a scenario
  heading a total the printed items nearly reach stands as printed;
- a table's header (`TableView`): an amount column headed by a cost (費用 | 金額) holds items
  without a total; one headed by a limit or a premium (支払限度額) holds none;
- a heading: an amount alone right under a scenario heading (想定事故例 / 約1,300万円の損害) is
  its total; a caption naming a cost there (甲社が負担した費用) makes the list under it items.

Each row's `attributed_by` says which. Cue words and bounds are data (`data/scenarios.yaml`).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Literal

from extractors.amounts import AmountMatch, find_amounts, text_to_default_unit
from extractors.blocks import document_to_units, split_at, starts_with_footnote
from extractors.document import CELL_SEPARATOR, Document, Line, Table, nfkc
from extractors.layout import TableView, table_to_view
from extractors.records import Attribution, LossScenarioRecord
from extractors.sections import load_dataclass
from extractors.taxonomy import match_coverage
from extractors.text_utils import (
    BULLETS,
    clean_label,
    contains_any,
    printed_label,
    squeeze,
    table_anchor,
    table_caption,
    table_lines,
    unspace,
)

#: lines above a table read with it (the scenario's heading)
CAPTION_LINES = 3
#: characters of a heading kept as the scenario label
MAX_SCENARIO_LABEL_CHARS = 80

EntryKind = Literal["item", "closer", "cue", "label", "amount"]
RowKind = Literal["item", "subtotal", "total"]

_BULLET_SPLIT = re.compile(
    rf"(?:(?<=\s)|^)(?:[{re.escape(BULLETS.replace('・', '').replace('※', ''))}]|・(?=\s))"
)
_CLEAN_AFTER = re.compile(r"^(?:$|[\s、,=＝)）(（|｜/])")
_CHAIN_START = re.compile(r"^\s*[、,+＋×xX*]")
_EQUALS = re.compile(r"[=＝]\s*$")
#: a leader between a label and its amount (フォレンジック調査費用 ……… 八百万円)
_LEADER = re.compile(r"\s*[…‥.．·・\-ー―─]{2,}\s*$")


@dataclass(frozen=True)
class ScenarioCues:
    """The cue words and bounds of loss scenarios, read from scenarios.yaml."""

    scenario: tuple[str, ...]
    total: tuple[str, ...]
    subtotal: tuple[str, ...]
    not_cost: tuple[str, ...]
    cost_header: tuple[str, ...]
    lone_total_endings: tuple[str, ...]
    sentence_item_particles: tuple[str, ...]
    sentence_topic_markers: tuple[str, ...]
    sentence_endings: tuple[str, ...]
    max_label_chars: int
    max_subset_items: int
    approximate_tolerance: float
    as_printed_min_share: float
    as_printed_max_line_gap: int
    total_first_max_line_gap: int
    cost_list_max_heading_gap: int
    column_cue_max_chars: int


@dataclass(frozen=True)
class Entry:
    """One piece of the reading-order stream: cost item, closing line, heading, bare label or amount."""

    kind: EntryKind
    label: str
    amount: int | None
    approximate: bool
    evidence: str
    page: int
    position: int  # reading order across the document (line index, or a table's anchor line)
    ends_source: bool = False  # the piece ends its line (or cell), so a next line may carry its amount
    attributed_by: Attribution = "list_item"  # the context that made it an item or a total


@dataclass(frozen=True)
class Block:
    """Items closed by a line whose amount they add up to."""

    items: tuple[Entry, ...]
    closer: Entry
    heading: str


@dataclass(frozen=True)
class Scenario:
    """One worked example: its rows in order with their kinds, and its heading."""

    label: str
    rows: tuple[tuple[Entry, RowKind], ...]

    @property
    def position(self) -> int:
        return min(entry.position for entry, _ in self.rows)

    def overlaps(self, other: Scenario) -> bool:
        """Given a larger scenario, return whether this one repeats it (a closer, or all its items)."""
        mine, theirs = ({e.amount for e, kind in s.rows if kind != "item"} for s in (self, other))
        all_mine, all_theirs = ({e.amount for e, _ in s.rows} for s in (self, other))
        return bool(mine & theirs) if mine else all_mine <= all_theirs


@dataclass
class _Stream:
    """The state of one pass over the entries (mutable, one pass)."""

    pool: list[Entry] = field(default_factory=list)
    pending: list[Block] = field(default_factory=list)
    scenarios: list[Scenario] = field(default_factory=list)
    heading: str = ""
    heading_open: bool = True  # no heading read since the last block closed
    open_total: Entry | None = None  # a total read before any item: its breakdown may follow
    heading_at: int = -1  # the line of the last heading
    lone: Entry | None = None  # a total alone right under the heading, unless its breakdown follows
    list_at: int | None = None  # the line of a cost list's caption or its last item: its items need no total


@cache
def load_cues() -> ScenarioCues:
    """Given nothing, return the cue words and bounds of scenarios.yaml."""
    return load_dataclass(ScenarioCues, "scenarios.yaml")


def text_to_segments(text: str) -> list[str]:
    """Given a line or cell, return its bullet items (▶ …, ・ …) as verbatim stripped substrings."""
    return split_at(text, _BULLET_SPLIT)


def is_total_label(label: str) -> bool:
    """Given a cleaned label, return whether it names a total (合計, 総額, 小計, or 計 alone)."""
    flat = squeeze(label)
    return len(flat) <= 20 and any(cue in flat if len(cue) > 1 else flat == cue for cue in load_cues().total)


def is_item_label(label: str) -> bool:
    """Given a cleaned label, return whether it can name a cost item (short, not part of a sentence)."""
    flat, cues = squeeze(label), load_cues()
    fits = 0 < len(flat) <= cues.max_label_chars and "。" not in flat
    return fits and not flat.endswith(cues.sentence_endings) and any(ch.isalpha() for ch in flat)


def _item_label(gap: str) -> str:
    """Given the text before an amount, return the item label it ends with (cut at a colon, a sentence)."""
    text = re.split(r"[。！？!?]", gap)[-1]
    head, colon, tail = text.partition(":") if ":" in text else text.partition("：")
    if colon and tail.strip() and head.strip():
        text = head
    return _LEADER.sub("", printed_label(text))


def _in_brackets(text: str, position: int) -> bool:
    """Given text and a position, return whether the position lies inside an open bracket."""
    before = nfkc(text[:position])
    return before.count("(") > before.count(")")


def _chains(text: str, matches: list[AmountMatch]) -> list[tuple[int, AmountMatch]]:
    """Given the amounts of a segment, return its (label start, amount) pieces, breakdowns folded."""
    # a breakdown ending in `= total` is one item at its total: PC1台100万円×3台、サーバ1台300万円= 700万円
    pieces: list[tuple[int, AmountMatch]] = []
    position = 0
    for match in matches:
        gap = text[position : match.start]
        if pieces and _EQUALS.search(gap):
            start = pieces.pop()[0]
            while pieces and _CHAIN_START.match(text[pieces[-1][1].end : pieces[-1][1].end + 2]):
                start = pieces.pop()[0]
            pieces.append((start, match))
        else:
            pieces.append((position, match))
        position = match.end
    return pieces


def _piece_entry(text: str, start: int, match: AmountMatch, page: int, position: int) -> Entry | None:
    """Given a segment and a piece of it (its label from start, its amount), return its entry."""
    label, after = _item_label(text[start : match.start]), text[match.end :]
    entry = Entry("item", label, match.amount.total_yen, match.amount.approximate, "", page, position)
    entry = replace(entry, evidence=text[start : match.end].strip(), ends_source=not after.strip())
    stated_total = sentence_total_word(text[start : match.start])
    if not _CLEAN_AFTER.match(after):
        if not label and squeeze(nfkc(after)).rstrip("。") in load_cues().lone_total_endings:
            # 約1,300万円の損害 alone on its line: a scenario's total where a heading is right above it
            line = text.strip()
            return replace(entry, kind="closer", label=line, evidence=line, attributed_by="heading")
        if stated_total:  # …費用は総額 約1億2,500万円にのぼりました: a total, its items may follow
            return replace(entry, kind="closer", label=stated_total, attributed_by="sentence")
        return None  # the amount runs on into a sentence (…1,000万円になります)
    if not label:
        return replace(entry, kind="amount")
    kind: EntryKind | None = "closer" if is_total_label(label) else "item" if is_item_label(label) else None
    if kind is None or contains_any(label, load_cues().not_cost):
        return None
    return replace(entry, kind=kind, label=label)


def _alternation(cues: Iterable[str]) -> str:
    """Given cue words, return a regex alternation of them, longest first."""
    return "|".join(map(re.escape, sorted(cues, key=len, reverse=True)))


@cache
def _sentence_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Given nothing, return the patterns of what ends a sentence's text before an amount: a total
    word (費用は総額 ; 計 alone is too common inside words), an item's clause (A社はXに, Xとして)."""
    cues = load_cues()
    topic, particle = _alternation(cues.sentence_topic_markers), _alternation(cues.sentence_item_particles)
    return (
        re.compile(rf"({_alternation(c for c in cues.total if len(c) > 1)})[\s*:：はがでも]*$"),
        re.compile(rf"(?:.*(?:{topic})|^|[、,，])\s*([^、,，]+?)\s*(?:{particle})\s*$"),
    )


def sentence_total_word(gap: str) -> str | None:
    """Given the text of a sentence before an amount, return the total word right before it, or None."""
    match = _sentence_patterns()[0].search(nfkc(gap))
    return match.group(1) if match else None


def sentence_to_entries(text: str) -> list[tuple[int, int, Entry]]:
    """Given a sentence, return (start, end, entry) for its items (フォレンジック調査に420万円) and its
    total (合計795万円): an item is the noun phrase before に/として, its amount right after."""
    found: list[tuple[int, int, Entry]] = []
    position = 0
    for match in find_amounts(text):
        gap, amount = text[position : match.start], match.amount
        entry = Entry("item", "", amount.total_yen, amount.approximate, "", 0, 0, attributed_by="sentence")
        if word := sentence_total_word(gap):
            found.append((match.start - len(word), match.end, replace(entry, kind="closer", label=word)))
        elif (item := _sentence_patterns()[1].search(gap)) and not _in_brackets(text, match.start):
            label = printed_label(item.group(1))
            if is_item_label(label) and not contains_any(label, load_cues().not_cost):
                found.append((position + item.start(1), match.end, replace(entry, label=label)))
        position = match.end
    return found


def paragraph_to_sentences(lines: tuple[Line, ...], first: int) -> list[list[Entry]]:
    """Given a paragraph's lines and the reading-order index of the first, return per sentence
    its entries; a sentence runs across line breaks (the PDF wraps it)."""
    joined = "\n".join(line.text for line in lines)
    printed_at = [i for i, char in enumerate(joined) if char != "\n"]  # each character's place in `joined`
    sentences: list[list[Entry]] = []
    for sentence in re.finditer(r"[^。！？!?]+[。！？!?]?", joined.replace("\n", "")):
        entries = []
        for start, end, entry in sentence_to_entries(sentence.group()):
            low, high = printed_at[sentence.start() + start], printed_at[sentence.start() + end - 1] + 1
            n = joined.count("\n", 0, low)
            entries.append(replace(entry, page=lines[n].page, position=first + n, evidence=joined[low:high]))
        sentences.append(entries)
    return sentences


def segment_to_entries(segment: str, page: int, position: int, unit: str | None = None) -> list[Entry]:
    """Given one bullet item of a line or cell, return its entries (items, closers, or a heading/label)."""
    if starts_with_footnote(segment):
        return []  # a footnote explains an amount, it is not one
    matches = [m for m in find_amounts(segment, default_unit=unit) if not _in_brackets(segment, m.start)]
    pieces = (_piece_entry(segment, start, m, page, position) for start, m in _chains(segment, matches))
    entries = [entry for entry in pieces if entry is not None]
    if entries or matches:
        return entries
    label = printed_label(segment)
    # a cue in a line that runs on past a sentence end (…ケースもあります。…) names no scenario
    if contains_any(segment, load_cues().scenario) and "。" not in nfkc(segment).strip().rstrip("。"):
        return [Entry("cue", label[:MAX_SCENARIO_LABEL_CHARS], None, False, segment, page, position)]
    if is_item_label(label) or is_total_label(label):
        return [Entry("label", label, None, False, segment, page, position, ends_source=True)]
    return []


def merge_split_entries(entries: list[Entry], separator: str) -> list[Entry]:
    """Given entries, return them with each bare label joined to a bare amount right after it."""
    merged: list[Entry] = []
    for entry in entries:
        label = merged[-1] if merged and merged[-1].kind == "label" and merged[-1].ends_source else None
        if entry.kind == "amount" and label is not None:
            kind: EntryKind = "closer" if is_total_label(label.label) else "item"
            kind = "amount" if contains_any(label.label, load_cues().not_cost) else kind  # dropped below
            evidence = f"{label.evidence}{separator}{entry.evidence}"
            merged[-1] = replace(entry, kind=kind, label=label.label, evidence=evidence)
        else:
            merged.append(entry)
    return [entry for entry in merged if entry.kind != "amount"]


def lines_to_entries(lines: list[Line]) -> list[Entry]:
    """Given lines in reading order, return their entries (a bare label may take the next line's amount);
    a unit declared on a line of its own (（単位：千円）) holds for bare figures below it up to a sentence."""
    entries: list[Entry] = []
    unit: str | None = None
    for index, line in enumerate(lines):
        declared = text_to_default_unit(line.text)
        declares = declared is not None and not find_amounts(line.text)
        unit = declared if declares else None if "。" in nfkc(line.text) else unit
        text = unspace(line.text)
        segments = text_to_segments(text)
        for number, segment in enumerate(segments):
            found = segment_to_entries(segment, line.page, index, None if declares else unit)
            # letter-spacing undone: quote the line as printed; a segment before another ends no line
            quoted, last = line.text if text != line.text else None, number + 1 == len(segments)
            entries += [
                replace(e, evidence=quoted or e.evidence, ends_source=e.ends_source and last) for e in found
            ]
    return merge_split_entries(entries, "\n")


def table_view(table: Table, unit: str | None) -> TableView:
    """Given a table and its unit, return its view with the rows above its first amount as headers."""
    has_amount = (any(find_amounts(c.text, default_unit=unit) for c in row) for row in table.rows)
    return table_to_view(table, header_rows=next((i for i, yes in enumerate(has_amount) if yes), 0))


def is_not_cost_table(view: TableView) -> bool:
    """Given a table view, return whether its header rows name limits or premiums (支払限度額), not costs."""
    rows = view.table.rows[: max(1, view.header_rows)]
    return contains_any(" ".join(c.text for row in rows for c in row), load_cues().not_cost)


def names_cost(view: TableView, columns: Iterable[int]) -> Attribution:
    """Given a table view and amount columns, return "column_header" if a header names a cost, else "cell"."""
    paths = (" ".join(view.column_header_path(view.header_rows, c)) for c in columns)
    cues = load_cues()
    named = any(contains_any(p, cues.cost_header) and not contains_any(p, cues.not_cost) for p in paths)
    return "column_header" if named else "cell"


def is_amount_cell(text: str, unit: str | None) -> bool:
    """Given a cell and the table's unit, return whether it holds one amount and nothing else."""
    matches = find_amounts(text, default_unit=unit)
    return len(matches) == 1 and not clean_label(text[: matches[0].start] + text[matches[0].end :])


def amount_columns(table: Table, unit: str | None, least: int = 2) -> list[int]:
    """Given a table and its unit, return the columns where `least` cells hold an amount (bare, for 2+)."""
    width = max((len(row) for row in table.rows), default=0)
    held = is_amount_cell if least > 1 else lambda text, unit: bool(find_amounts(text, default_unit=unit))
    return [k for k in range(width) if sum(k < len(r) and held(r[k].text, unit) for r in table.rows) >= least]


def _row_entries(cells: list[str], evidence: str, at: tuple[int, int], unit: str | None) -> list[Entry]:
    """Given a row's cells (as read for one stream), return its entries, each quoting the row."""
    found = [e for c in cells for seg in text_to_segments(c) for e in segment_to_entries(seg, *at, unit)]
    found = merge_split_entries([replace(e, ends_source=True) for e in found], CELL_SEPARATOR)
    return [replace(e, evidence=evidence) for e in found]


def table_to_streams(lines: list[Line], table: Table, tables: list[Table]) -> list[list[Entry]]:
    """Given the lines, a table and all tables, return its streams: one per bare amount column, or one."""
    anchor = table_anchor(lines, table)
    at = (table.page, anchor if anchor is not None else len(lines))
    caption = table_caption(lines, table, tables, CAPTION_LINES)
    texts = [line.text for line in caption] + [c.text for row in table.rows for c in row]
    unit = next((u for text in texts if (u := text_to_default_unit(text))), None)
    view = table_view(table, unit)
    if is_not_cost_table(view):
        return []
    cues = [e for e in lines_to_entries(caption) if e.kind == "cue"]
    columns = amount_columns(table, unit)
    title = " ".join(cue.label for cue in cues)
    streams: list[list[Entry]] = []
    for column in columns if len(columns) > 1 else [None]:
        stream = list(cues)
        by = names_cost(view, amount_columns(table, unit, 1) if column is None else [column])
        header = table.rows[0][column].text if column is not None and column < len(table.rows[0]) else ""
        if header.strip() and not is_amount_cell(header, unit):
            label = f"{title} {printed_label(header)}".strip()[:MAX_SCENARIO_LABEL_CHARS]
            stream = [Entry("cue", label, None, False, header, *at)]
        for i, row in enumerate(table.rows):
            cells = [c.text for k, c in enumerate(row) if k not in columns or k == column or column is None]
            if by == "column_header" and contains_any(" ".join(cells), load_cues().not_cost):
                continue  # a row headed 免責金額 in a cost table states a term, not a cost
            stream += [replace(e, attributed_by=by) for e in _row_entries(cells, table.row_text(i), at, unit)]
        streams.append(stream)
    return streams


def _close_enough(total: Entry, value: int) -> bool:
    """Given a closing entry and a sum, return whether they agree (an approximate total within tolerance)."""
    amount, tolerance = total.amount or 0, load_cues().approximate_tolerance
    return abs(amount - value) <= amount * tolerance if total.approximate else amount == value


def _suffix_sum(pool: list[Entry], total: Entry, min_items: int) -> list[Entry] | None:
    """Given open items and a closer, return the items just above it that add up to it, if any."""
    running = 0
    for start in range(len(pool) - 1, -1, -1):
        running += pool[start].amount or 0
        if _close_enough(total, running) and len(pool) - start >= min_items:
            return pool[start:]
    return None


def _subset_sum(pool: list[Entry], total: Entry) -> list[Entry] | None:
    """Given open items and a closer, return the largest subset (latest on a tie) that adds up to it."""
    recent, cues = pool[-load_cues().max_subset_items :], load_cues()
    if sum(item.amount or 0 for item in recent) < (total.amount or 0) * (1 - cues.approximate_tolerance):
        return None
    for size in range(len(recent), 1, -1):
        for combo in sorted(itertools.combinations(range(len(recent)), size), key=lambda c: [-i for i in c]):
            if _close_enough(total, sum(recent[i].amount or 0 for i in combo)):
                return [recent[i] for i in combo]
    return None


def _as_printed(stream: _Stream, total: Entry) -> list[Entry] | None:
    """Given a closer no arithmetic accounts for, return the open items it closes as printed, if any."""
    items, amount = stream.pool, total.amount or 0
    value = sum(item.amount or 0 for item in items)
    holds = not stream.heading_open and len(items) >= 2 and _consecutive([*items, total])
    return list(items) if holds and amount * load_cues().as_printed_min_share <= value <= amount else None


def _consecutive(entries: list[Entry]) -> bool:
    """Given entries, return whether each stands on the line of the one before it or at most the gap below."""
    gap = load_cues().as_printed_max_line_gap
    return all(0 <= b.position - a.position <= gap for a, b in itertools.pairwise(entries))


def _close_open_total(stream: _Stream) -> None:
    """Given a stream whose pool just grew, close a total printed above the items once they add up to it."""
    total, cues = stream.open_total, load_cues()
    if total is None:
        return
    value = sum(item.amount or 0 for item in stream.pool)
    near = 0 <= stream.pool[0].position - total.position <= cues.total_first_max_line_gap
    near = near and _consecutive(stream.pool)
    if near and len(stream.pool) >= 2 and _close_enough(total, value):
        stream.pending.append(Block(tuple(stream.pool), total, stream.heading))
        stream.pool, stream.open_total, stream.heading_open, stream.lone = [], None, True, None
    elif not near or value > (total.amount or 0) * (1 + cues.approximate_tolerance):
        stream.open_total = None


def _as_scenario(blocks: list[Block], loose: list[Entry], total: Entry | None) -> Scenario:
    """Given blocks (and loose items with a grand total), return the scenario they make."""
    rows: list[tuple[Entry, RowKind]] = []
    for block in blocks:
        rows += [(item, "item") for item in block.items]
        sub = total is not None or contains_any(block.closer.label, load_cues().subtotal)
        rows.append((block.closer, "subtotal" if sub else "total"))
    rows += [(item, "item") for item in loose]
    if total is not None:
        rows.append((total, "total"))
    return Scenario(blocks[0].heading, tuple(rows))


def _grand_total(stream: _Stream, total: Entry) -> bool:
    """Given a closer, take it as the grand total of pending blocks (and loose items) if it adds up."""
    for count in range(len(stream.pending), 0, -1):
        blocks = stream.pending[-count:]
        subtotal = sum(block.closer.amount or 0 for block in blocks)
        loose: list[Entry] | None = [] if _close_enough(total, subtotal) else None
        if loose is None and (total.amount or 0) > subtotal:  # loose items make up the rest
            loose = _suffix_sum(stream.pool, replace(total, amount=(total.amount or 0) - subtotal), 1)
        if loose is None or (count == 1 and not loose):
            continue
        stream.scenarios.append(_as_scenario(blocks, loose, total))
        del stream.pending[-count:]
        stream.pool = [e for e in stream.pool if e not in loose]
        return True
    return False


def _close(stream: _Stream, closer: Entry) -> None:
    """Given a closing entry, make a block, a grand total, or nothing of it."""
    items = _suffix_sum(stream.pool, closer, 2)
    if items is None and _grand_total(stream, closer):
        return
    items = items or _subset_sum(stream.pool, closer) or _as_printed(stream, closer)
    if items is None:
        if not stream.pool:
            stream.open_total = closer  # 合計 above its breakdown: the items may follow
        return
    stream.pending.append(Block(tuple(items), closer, stream.heading))
    stream.pool = [e for e in stream.pool if e not in items]
    stream.heading_open = True


def _opens_cost_list(stream: _Stream, label: Entry) -> bool:
    """Given a bare label, return whether it captions a list of costs (甲社が負担した費用) close under
    a scenario heading, before any item."""
    cues, gap = load_cues(), label.position - stream.heading_at
    named = contains_any(label.label, cues.cost_header) and not contains_any(label.label, cues.not_cost)
    near = 0 <= gap <= cues.cost_list_max_heading_gap
    return named and near and not stream.heading_open and not stream.pool


def _in_cost_list(stream: _Stream, item: Entry) -> Entry:
    """Given an item, return it attributed to the cost list's caption where it continues that list
    (the next line, the amount ending it), else as it was (and the list ends)."""
    at, stream.list_at = stream.list_at, None
    next_line = at is not None and 0 <= item.position - at <= load_cues().as_printed_max_line_gap
    if not next_line or not item.ends_source:
        return item
    stream.list_at = item.position
    return replace(item, attributed_by="heading")


def _flush(stream: _Stream) -> None:
    """Given a stream at a heading or its end, publish what needs no total (proven items, a lone total)."""
    items = [e for e in stream.pool if e.attributed_by == "column_header"]
    listed = [e for e in stream.pool if e.attributed_by == "heading"]
    items += listed if len(listed) >= 2 else []
    if items:
        stream.scenarios.append(Scenario(stream.heading, tuple((e, "item") for e in items)))
    if stream.lone is not None:
        stream.scenarios.append(Scenario(stream.heading, ((stream.lone, "total"),)))
    stream.pool, stream.lone = [], None


def entries_to_scenarios(entries: list[Entry]) -> list[Scenario]:
    """Given a stream of entries, return the scenarios whose arithmetic or context holds, in reading order."""
    stream = _Stream()
    for entry in entries:
        if entry.kind == "cue":
            had_items = bool(stream.pool)
            _flush(stream)
            # a short cue heads columns (内訳 | 金額) rather than names a scenario
            column_cue = len(squeeze(entry.label).replace("|", "")) <= load_cues().column_cue_max_chars
            if stream.heading_open or had_items or not column_cue:
                stream.heading, stream.heading_open = entry.label, False  # a column header keeps the title
            stream.heading_at = entry.position
        elif entry.kind == "label":
            stream.list_at = entry.position if _opens_cost_list(stream, entry) else None
        elif entry.kind == "item":
            stream.pool.append(_in_cost_list(stream, entry))
            _close_open_total(stream)
        elif entry.attributed_by == "heading":
            if not stream.pool and not stream.heading_open and entry.position - stream.heading_at <= 1:
                stream.lone = stream.open_total = entry
        elif entry.kind == "closer":
            stream.open_total = None
            _close(stream, entry)
    _flush(stream)
    stream.scenarios += [_as_scenario([block], [], None) for block in stream.pending]
    return sorted(stream.scenarios, key=lambda s: s.position)


def _without_overlaps(scenarios: list[Scenario]) -> list[Scenario]:
    """Given scenarios, return them without the lesser of any two sharing a closing amount (read twice)."""
    kept: list[Scenario] = []
    for scenario in sorted(scenarios, key=lambda s: -len(s.rows)):
        if not any(scenario.overlaps(other) for other in kept):
            kept.append(scenario)
    return sorted(kept, key=lambda s: s.position)


def paragraphs_to_scenarios(document: Document, lines: list[Line]) -> list[Scenario]:
    """Given a Document and its lines, return the scenarios told in one sentence, named by their paragraph."""
    index = {id(line): number for number, line in enumerate(lines)}
    found: list[Scenario] = []
    for unit in (unit for unit in document_to_units(document) if unit.lines):
        first_sentence = re.split("[。！？!?]", unit.text.replace("\n", ""))[0]
        label = printed_label(first_sentence)[:MAX_SCENARIO_LABEL_CHARS]
        for sentence in paragraph_to_sentences(unit.lines, index[id(unit.lines[0])]):
            found += [replace(s, label=label) for s in entries_to_scenarios(sentence)]
    return found


def document_to_scenarios(document: Document) -> list[Scenario]:
    """Given a Document, return its loss scenarios in reading order."""
    lines, tables = list(document.iter_lines()), list(document.iter_tables())
    streams = [stream for table in tables for stream in table_to_streams(lines, table, tables)]
    found = [scenario for stream in streams for scenario in entries_to_scenarios(stream)]
    # the lines that repeat a limits or premium table are that table's, not incident costs
    skipped = set().union(*(table_lines(lines, t) for t in tables if is_not_cost_table(table_view(t, None))))
    found += entries_to_scenarios([e for e in lines_to_entries(lines) if e.position not in skipped])
    found += paragraphs_to_scenarios(document, lines)
    return _without_overlaps(found)


def document_to_loss_scenarios(document: Document, doc_id: str) -> list[LossScenarioRecord]:
    """Given a Document and its id, return one LossScenarioRecord per row of its worked examples."""
    return [
        LossScenarioRecord(
            doc_id=doc_id,
            scenario_index=index,
            scenario_label=scenario.label or scenario.rows[-1][0].label,
            item_label=entry.label,
            coverage_id=match_coverage(entry.label) if kind == "item" else None,
            amount_jpy=entry.amount or 0,
            row_kind=kind,
            page=entry.page,
            evidence=entry.evidence,
            approximate=entry.approximate,
            attributed_by=entry.attributed_by,
        )
        for index, scenario in enumerate(document_to_scenarios(document), start=1)
        for entry, kind in scenario.rows
    ]
