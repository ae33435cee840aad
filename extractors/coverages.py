"""Coverage items a brochure offers → CoverageRecord rows.

A brochure mixes what the policy offers with marketing (risks, statistics, case stories,
premiums, FAQ). Each unit is read in the section it sits in (`sections.py`: coverage, stop or
neutral scope, heading ids, rider, option). Items are read from
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
from dataclasses import dataclass

from extractors import taxonomy
from extractors.blocks import (
    Unit,
    drop_list_marks,
    heading_core,
    is_heading,
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
from extractors.sections import (
    CoverageCues,
    UnitContext,
    document_to_contexts,
    has_any,
    is_rider_line,
    load_cues,
    plain,
    rider_names,
    split_sentences,
)
from extractors.taxonomy import TaxonomyMatch

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
                return unit.table.row_text(index), unit.table.row_page(index)
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
    return list(_document_coverages(document, doc_id))


@functools.lru_cache(maxsize=4)
def _document_coverages(document: Document, doc_id: str) -> tuple[CoverageRecord, ...]:
    """Given a Document, return its coverage records once: the limits extractor reads its riders."""
    return tuple(contexts_to_coverages(document_to_contexts(document), doc_id))
