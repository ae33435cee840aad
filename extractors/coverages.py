"""Coverage items a brochure offers → CoverageRecord rows.

A brochure mixes what the policy offers with marketing (risks, statistics, case stories,
premiums, FAQ). Each unit is read in the section it sits in (`sections.py`: coverage, stop or
neutral scope, heading ids, rider, option). Items are read from
- rider names (…特約, …追加条項) in headings and rider-list lines, and a rider named anywhere
  with its own limit in brackets (IT業務賠償特約（支払限度額 1,000万円）),
- headings, bullets, enumerated items and 、-separated lists of item labels inside coverage blocks,
- noun phrases describing an item (…を阻害した場合の損害賠償金、争訟費用) inside coverage blocks,
- sentences that offer cover (…を補償します, …お支払いします), sentences of a coverage block
  that enumerate items (…調査費用、…復旧費用、…見舞金などが対象です), and every sentence of the
  answer to an FAQ question about what is covered; exclusion clauses (…は含みません, …対象外)
  are dropped, and a sentence a PDF breaks over two paragraphs is read joined,
- every cell of a table in a coverage block or holding a coverage/limit column (an unmapped
  cell only when it is label-short and no header).
An item is optional when it sits under an option heading (オプション), in a table row whose
label is marked オプション, or its rider is described with a set cue (この特約をセットすることで …).
All cue words are YAML data.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from extractors import taxonomy
from extractors.amounts import find_amounts
from extractors.blocks import (
    Unit,
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
from extractors.records import Attribution, CoverageRecord
from extractors.sections import (
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
    """A coverage id (or an unmapped label) read from one piece of a unit, and how it was read."""

    coverage_id: str | None
    label: str
    optional: bool
    rider: str | None
    by: Attribution = "list_item"


def offered_clauses(sentence: str) -> list[str]:
    """Given a sentence, return its main clauses that are not exclusions.

    Parentheticals holding an exclusion cue are dropped first; the rest is split at contrast
    words (…が、 ただし); a clause holding an exclusion cue is dropped.
    """
    excl = taxonomy.exclusion_cues()
    norm = plain(sentence)
    norm = re.sub(r"[(（][^()（）]*[)）]", lambda m: "" if has_any(m.group(0), excl) else m.group(0), norm)
    pattern = "|".join(re.escape(c) for c in load_cues().contrast)
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


def _own_option(norm: str, optional: bool, rider: str | None) -> tuple[bool, str | None]:
    """Given an item's text and the option state around it, return its optional flag and rider:
    a label marked オプション is its own option (喪失利益（オプション）)."""
    cues = load_cues()
    if not has_any(norm, cues.option):
        return optional, rider
    return True, rider or strip_label_marks(re.split(r"[(（]?オプション", norm)[0] + "(オプション)")


def text_to_items(
    text: str,
    *,
    optional: bool,
    rider: str | None,
    weak: bool,
    unmapped: bool = False,
    head_first: bool = False,
) -> list[Item]:
    """Given the text of one item (a label, bullet or cell piece), return its coverage items.

    With `head_first`, a line that opens with a label-short item label (データ復旧費用 … 破損した
    データを…) is that label's item: the terms it ends with, or, for a label the taxonomy does not
    know (損害防止費用), the terms of its description. With `unmapped`, an item that maps to no
    id but is labelled like one (…費用) is kept with coverage_id None.
    """
    cues = load_cues()
    norm = plain(drop_list_marks(text))
    if has_any(norm, taxonomy.exclusion_cues()):
        return []
    optional, rider = _own_option(norm, optional, rider)
    # a bracketed figure after the label (費用補償（支払限度額 5,000万円）) is no part of it
    if head_first and (labelled := label_to_items(heading_core(norm))) is not None:
        label, ids = labelled
        if ids:
            return [Item(i, label, optional, rider) for i in ids]
        # 補償される費用 heads the list under it; it is no item of its own
        if unmapped and label.endswith(cues.item_suffixes) and not has_any(label, cues.coverage_heading):
            return [Item(None, label, optional, rider)]
        return []
    matches = taxonomy.match_all(norm, weak=weak)
    if not matches:
        label = strip_label_marks(norm)
        if unmapped and label.endswith(cues.item_suffixes) and len(label) <= cues.label_max_chars:
            return [Item(None, label, optional, rider)]
        return []
    return [
        Item(m.coverage_id, _label_around(norm, m, cues.label_max_chars), optional, rider) for m in matches
    ]


def _is_label(text: str) -> bool:
    """Given a piece of a line, return whether it reads as an item label: short, not a clause."""
    return 0 < len(text) <= load_cues().list_item_max_chars and not any(c in text for c in "、。,")


def label_to_items(norm: str) -> tuple[str, list[str]] | None:
    """Given an item line (NFKC), return its label and coverage ids, or None when it does not
    open with a label (a sentence).

    The ids are those of the terms the label ends with (情報漏えい見舞費用 is a condolence cost);
    a label naming none takes those of its description (損害防止費用 … ネットワークの遮断); a
    prefix naming none before a label that does (基本補償2 サイバー…費用) gives way to it.
    """
    label, rest = split_label(norm)
    if not _is_label(label):
        return None
    ids = taxonomy.head_ids(label)
    if ids:
        return label, ids
    inner, _ = split_label(rest)
    prefix = not label.endswith(load_cues().item_suffixes)  # 基本補償2 is a tag, 損害防止費用 an item
    if prefix and inner and _is_label(inner) and (inner_ids := taxonomy.head_ids(inner)):
        return inner, inner_ids
    return label, taxonomy.distinct_ids(taxonomy.match_all(rest, weak=False))


def sentence_to_items(
    text: str, *, optional: bool, rider: str | None, enumerate_items: bool = False, answered: bool = False
) -> list[Item]:
    """Given running text, return the items of its sentences that offer cover (strong terms only),
    and of a sentence that one announces (次の費用をお支払いします。謝罪広告費用、見舞金。).

    With `enumerate_items` (a coverage block), a sentence enumerating items offers each; with
    `answered` (the answer to a question about what is covered), every sentence offers.
    """
    cues = load_cues()
    items: list[Item] = []
    announced = False  # the sentence before offers what follows it (次の費用をお支払いします。)
    for sentence in split_sentences(plain(text)):
        offers = has_any(sentence, cues.offer)
        sentence_optional = optional or has_any(sentence, cues.set_)
        if enumerate_items and not has_any(sentence, taxonomy.exclusion_cues()):
            for piece in enumerated_pieces(sentence):
                label = piece[-cues.label_max_chars :]
                items.extend(
                    Item(i, label, sentence_optional, rider, "sentence") for i in taxonomy.head_ids(piece)
                )
        if not (offers or announced or answered):
            continue
        announced = offers and has_any(sentence, cues.forward)
        for clause in offered_clauses(sentence):
            for m in taxonomy.match_all(clause, weak=False):
                label = _label_around(clause, m, cues.label_max_chars)
                items.append(Item(m.coverage_id, label, sentence_optional, rider, "sentence"))
    return items


def top_level_pieces(text: str, separators: str = "、,，/\n") -> list[str]:
    """Given text, return its pieces between the separators that stand outside brackets (a gloss
    such as (原因調査費用、データ復旧費用) stays inside its piece)."""
    depths = taxonomy.paren_depths(text)
    cuts = [i for i, ch in enumerate(text) if ch in separators and depths[i] == 0]
    bounds = zip([-1, *cuts], [*cuts, len(text)], strict=True)
    return [piece for a, b in bounds if (piece := text[a + 1 : b].strip())]


def _ends_like_item(piece: str) -> bool:
    """Given a piece of a phrase, return whether it ends like an item (…費用, 見舞金), gloss aside."""
    piece = _TRAILING_GLOSS.sub("", strip_label_marks(piece)).strip()
    return bool(piece) and (piece.endswith(load_cues().item_suffixes) or _ends_with_term(piece))


def _cut_predicate(piece: str) -> str:
    """Given the last piece of an enumerating sentence, return it without the short predicate
    after its last item word (…見舞金などが対象です → …見舞金)."""
    cues = load_cues()
    ends = [piece.rfind(s) + len(s) for s in cues.item_suffixes if s in piece]
    end = max(ends + [m.end for m in taxonomy.match_all(piece)], default=len(piece))
    return piece[:end] if len(piece) - end <= cues.enumeration_tail_max_chars else piece


def enumerated_pieces(sentence: str) -> list[str]:
    """Given a sentence, return the pieces it enumerates as items (…調査費用、…復旧費用、…費用です)
    when at least LIST_MIN_ITEMS of its 、-pieces end like an item, else []."""
    pieces = top_level_pieces(sentence.rstrip("。!?！？"), "、,，")
    if pieces:
        pieces[-1] = _cut_predicate(pieces[-1])
    items = [p for p in pieces if _ends_like_item(p)]
    return items if len(items) >= LIST_MIN_ITEMS else []


#: a text-table row: its first field, then the wide gap PDF text keeps between columns
_ROW_GAP = re.compile(r"^\S+\s{2,}\S")


def _is_item_line(text: str) -> bool:
    """Given a line, return whether it is a label-like item: a heading, or a bullet, enumerated or
    text-table line that is short or opens with a label (データ復旧費用 … 破損したデータを…)."""
    norm = plain(text).strip()
    body = strip_label_marks(norm)
    if not body:
        return False
    label, rest = split_label(norm)
    # a bullet, or a text-table row (損害賠償金　　情報の漏えい…), that opens with a label
    if (starts_with_bullet(norm) or _ROW_GAP.match(norm)) and _is_label(label) and rest:
        return True
    if "。" in body:
        return False
    return is_heading(norm) or (starts_with_bullet(norm) and len(body) <= 40)


#: a list line needs at least this many items (two could be a phrase: A、B)
LIST_MIN_ITEMS = 3


def list_items(text: str) -> list[str]:
    """Given a line, return its items when it only lists item labels (原因調査費用、見舞金、…), else [].

    Every piece between 、 must be label-short and end like an item (…費用) or with a coverage
    term (見舞金); a line holding a sentence end is running text, not a list.
    """
    norm = plain(text)
    body = strip_label_marks(norm)
    if not body or "。" in norm:
        return []
    pieces = [strip_label_marks(p) for p in split_list_items(body)]
    if len(pieces) < LIST_MIN_ITEMS or not all(_is_item_label(p) for p in pieces):
        return []
    return pieces


def labelled_list(text: str) -> tuple[str, list[str]] | None:
    """Given a line, return its group label ("" for none) and items when it lists item labels,
    bare (原因調査費用、見舞金、…) or after a label (賠償損害：損害賠償金、争訟費用、…), else None."""
    label, rest = split_label(text)
    if rest and _is_label(label) and (pieces := list_items(rest)):
        return label, pieces
    if pieces := list_items(text):
        return "", pieces
    return None


#: a bracketed gloss after an item label: 争訟費用（弁護士費用など）
_TRAILING_GLOSS = re.compile(r"[(（][^()（）]*[)）]$")


def _is_item_label(piece: str) -> bool:
    """Given a piece of a list (marks stripped), return whether it is an item label: label-short
    and ending like an item (…費用) or with a coverage term (見舞金), a bracketed gloss aside."""
    return len(_TRAILING_GLOSS.sub("", piece).strip()) <= load_cues().list_item_max_chars and _ends_like_item(
        piece
    )


def unit_pieces(unit: Unit) -> list[str]:
    """Given a paragraph unit, return its item pieces: one per line when every line of several
    is an item label (お詫び状の作成・発送費用 / コールセンターの設置費用 / 見舞金・見舞品費用, a
    list printed without bullets), else the pieces its inline bullets or numbers start."""
    lines = [line.text.strip() for line in unit.lines if line.text.strip()]
    labels = [strip_label_marks(plain(drop_list_marks(line))) for line in lines]
    if len(lines) > 1 and all("。" not in label and _is_item_label(label) for label in labels):
        return lines
    return split_enumerated(unit.text)


def _ends_with_term(label: str) -> bool:
    """Given a label, return whether it ends with a coverage term (見舞金, データ復元), 等 aside."""
    core = label.rstrip("等など")
    return any(m.end == len(core) for m in taxonomy.match_all(core))


def _rider_items(ctx: UnitContext, text: str, optional: bool) -> list[Item]:
    """Given a heading or rider-list line, return its riders, and for a heading naming one rider
    the items the rest of it names (喪失利益・営業継続費用オプション：ネットワーク中断補償特約)."""
    by: Attribution = "heading" if ctx.heading else "list_item"
    names = rider_names(text)
    items = [
        Item(
            taxonomy.match_coverage(name),
            name,
            optional if name == ctx.rider else ctx.option is not None,
            name,
            by,
        )
        for name in names
    ]
    if ctx.heading and len(names) == 1:
        rest = text.replace(names[0], "")
        found = text_to_items(rest, optional=items[0].optional, rider=names[0], weak=False)
        items.extend(replace(item, by=by) for item in found)
    return items


def context_to_items(ctx: UnitContext, answered: bool = False) -> list[Item]:
    """Given a unit in its scope (and whether it answers a question about what is covered),
    return the coverage items it offers."""
    cues = load_cues()
    unit = ctx.unit
    optional = ctx.rider_optional if ctx.rider else ctx.option is not None
    if unit.table is not None:
        return table_to_items(ctx)
    text = plain(unit.norm)
    if ctx.scope == "stop" and not is_rider_line(text):
        return []
    if is_rider_line(text) or (ctx.heading and rider_names(text)):
        return _rider_items(ctx, text, optional)
    labels = plain("".join(drop_list_marks(line.text).strip() for line in unit.lines))
    in_block = ctx.scope == "coverage" and not starts_with_footnote(text)
    if in_block and (listed := labelled_list(labels)):
        head, pieces = listed
        items = (
            text_to_items(head, optional=optional, rider=ctx.rider, weak=True, head_first=True)
            if head
            else []
        )
        for piece in pieces:
            items.extend(text_to_items(piece, optional=optional, rider=ctx.rider, weak=True, unmapped=True))
        return items
    if in_block and (_is_item_line(text) or starts_with_inline_mark(unit.text)):
        return _item_line_items(ctx, text, optional)
    if in_block and (ids := description_ids(_item_broken_lines(unit))):
        # the label is the last clause, the one whose tail names the items
        label = strip_label_marks(labels[labels.rfind("、") + 1 :])[-cues.label_max_chars :]
        return [Item(i, label, optional, ctx.rider) for i in ids]
    return sentence_to_items(
        labels, optional=optional, rider=ctx.rider, enumerate_items=in_block, answered=answered
    )


def _item_line_items(ctx: UnitContext, text: str, optional: bool) -> list[Item]:
    """Given a heading, bullet or enumerated line in a coverage block, return its items."""
    by: Attribution = "heading" if ctx.heading else "list_item"
    bullet = starts_with_bullet(text)
    items: list[Item] = []
    for piece in unit_pieces(ctx.unit):
        found = text_to_items(
            piece, optional=optional, rider=ctx.rider, weak=True, unmapped=bullet, head_first=True
        )
        items.extend(replace(item, by=by) for item in found)
    if not items and ctx.heading and strip_label_marks(text).endswith(load_cues().item_suffixes):
        # an item heading the taxonomy does not know names what its description names
        label = split_label(text)[0]
        items = [Item(i, label, optional, ctx.rider, "heading") for i in ctx.heading_ids]
    return items


def _item_broken_lines(unit: Unit) -> str:
    """Given a paragraph unit, return its lines joined, with a line break kept only after a line
    that ends like an item (…損害賠償金 / 争訟費用): elsewhere a PDF breaks lines mid-word."""
    text = ""
    for line in unit.lines:
        text += ("\n" if text and _ends_like_item(text) else "") + line.norm.strip()
    return text


def description_ids(text: str) -> list[str]:
    """Given a paragraph in a coverage block, return the ids it names when it is a noun phrase
    describing items (…を阻害した場合の損害賠償金 / 争訟費用（弁護士費用等）、協力費用), else [].

    A phrase with no sentence end whose last piece ends like an item names, by its tail, what
    each such piece is about; the terms of the same section elsewhere in it, its glosses
    included, name causes its cover is named for (踏み台 → network security liability). A
    sentence (…。) offers only with an offer cue.
    """
    norm = plain(text)
    if "。" in norm or has_any(norm, taxonomy.exclusion_cues()):
        return []
    pieces = top_level_pieces(norm)
    if not pieces or not _ends_like_item(pieces[-1]):
        return []
    ids = [i for piece in pieces if _ends_like_item(piece) for i in taxonomy.head_ids(piece)]
    sections = {taxonomy.section_of(i) for i in ids}
    ids += [m.coverage_id for m in taxonomy.match_all(norm, weak=False) if m.section in sections]
    return list(dict.fromkeys(ids))


def is_coverage_table(ctx: UnitContext) -> bool:
    """Given a table unit in its scope, return whether its cells list coverages."""
    table = ctx.unit.table
    if table is None:
        return False
    if ctx.scope == "coverage":
        return True
    cells = [cell.text for row in table.rows for cell in row]
    if ctx.scope == "stop" and any(has_any(text, taxonomy.exclusion_cues()) for text in cells):
        return False  # a case story's table that says its figures are no payout (…保険金ではありません)
    return any(has_any(text, load_cues().table) for text in cells)


def _is_excluded_row(row: tuple[Cell, ...]) -> bool:
    """Given a table row, return whether it names an exclusion (身代金 | 対象外): a cell only says
    so (対象外, 補償しません) and no cell gives a figure (a plan column's 補償対象外 | 1,000万円
    says only that one plan lacks it)."""
    marks = [plain(c.text).strip() for c in row]
    excluded = any(0 < len(m) <= 12 and has_any(m, taxonomy.exclusion_cues()) for m in marks)
    return excluded and not any(find_amounts(m) for m in marks)


def table_to_items(ctx: UnitContext) -> list[Item]:
    """Given a table unit in its scope, return the coverage items of its cells."""
    table = ctx.unit.table
    if table is None or not is_coverage_table(ctx):
        return []
    optional = ctx.rider_optional if ctx.rider else ctx.option is not None
    block_rider = ctx.rider
    if (ctx.rider is None or ctx.rider == ctx.option) and len(_table_sections(table)) > 1:
        # a table naming several sections sums up the policy: it is not inside the option above it
        optional, block_rider = False, None
    items: list[Item] = []
    for row in table.rows:
        if _is_excluded_row(row):
            continue
        option_at, row_rider = _row_option(row)
        for index, cell in enumerate(row):
            # cells from an option-marked label rightwards (its description) share its option
            in_option = row_rider is not None and index >= option_at
            rider = block_rider or (row_rider if in_option else None)
            items.extend(_cell_items(cell.text, optional or in_option, rider))
    return items


def _cell_items(text: str, optional: bool, rider: str | None) -> list[Item]:
    """Given a table cell, its option flag and rider, return the coverage items its pieces name."""
    if not text.strip():
        return []
    # an unmapped cell is an item only when it is label-short and not a header
    unmapped = len(strip_label_marks(plain(text))) <= load_cues().list_item_max_chars and not has_any(
        text, load_cues().table
    )
    items: list[Item] = []
    for piece in split_enumerated(text):
        label = strip_label_marks(plain(drop_list_marks(piece)))
        if compound := taxonomy.compound_ids(label):
            # a compound label names what its last noun names (情報漏えい見舞費用特約); its
            # bracketed gloss (賠償責任（損害賠償金・争訟費用）) names items too
            gloss = "、".join(re.findall(r"[(（]([^()（）]*)[)）]", label))
            ids = dict.fromkeys([*compound, *taxonomy.distinct_ids(taxonomy.match_all(gloss, weak=False))])
            items.extend(Item(i, label, optional, rider, "cell") for i in ids)
            continue
        found = text_to_items(piece, optional=optional, rider=rider, weak=False, unmapped=unmapped)
        items.extend(replace(item, by="cell") for item in found)
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


def _row_option(row: tuple[Cell, ...]) -> tuple[int, str | None]:
    """Given a table row, return the index of the cell that marks an option (喪失利益（オプション）)
    and the option's name, or (0, None).

    The cells from it rightwards (its description) are optional too.
    """
    cues = load_cues()
    for index, cell in enumerate(row):
        norm = plain(cell.text)
        if has_any(norm, cues.option) and len(strip_label_marks(norm)) <= cues.label_max_chars:
            return index, _own_option(norm, True, None)[1]
    return 0, None


def limited_rider_items(text: str) -> list[Item]:
    """Given a line in any scope, return the riders and options it names with their own limit in
    brackets (IT業務賠償特約（支払限度額 1,000万円）の保険料を含みます): a rider with a limit of its
    own is offered, wherever it is mentioned."""
    cues = load_cues()
    norm = plain(text)
    if has_any(norm, taxonomy.exclusion_cues()):
        return []
    suffixes = "|".join(re.escape(s) for s in (*cues.rider_suffixes, *cues.option))
    items: list[Item] = []
    for m in re.finditer(rf"([^\s、。,()（）]+?(?:{suffixes}))\s*[(（]([^()（）]*)[)）]", norm):
        name, bracket = strip_label_marks(m.group(1)), m.group(2)
        if (
            has_any(bracket, cues.field_label)
            and find_amounts(bracket)
            and (cid := taxonomy.match_coverage(name))
        ):
            items.append(Item(cid, name, has_any(name, cues.option), name, "sentence"))
    return items


def _evidence(ctx: UnitContext, item: Item) -> tuple[str, int]:
    """Given a unit and one of its items, return the verbatim evidence and its page."""
    unit = ctx.unit
    if unit.table is not None:
        for index in range(len(unit.table.rows)):
            if item.label and item.label in nfkc(unit.table.row_text(index)).replace("**", ""):
                return unit.table.row_text(index), unit.table.page
        return unit.table.row_text(0), unit.table.page
    return unit.text, unit.page


def section_for(item: Item) -> str:
    """Given an item, return its section: the taxonomy's, or a hint from an unmapped label."""
    cues = load_cues()
    if item.coverage_id is not None:
        return taxonomy.section_of(item.coverage_id)
    for section, hints in cues.section_hints:
        if has_any(item.label, hints):
            return section
    return cues.default_section


#: a sentence carried over into the next paragraph is read joined up to this many characters
CARRY_MAX_CHARS = 300


def _unfinished(ctx: UnitContext, carry: str) -> str:
    """Given a unit and the unfinished sentence before it, return the sentence it leaves
    unfinished (a PDF breaks a sentence over paragraphs: …お詫び状 / 作成・送付費用…を補償します。)."""
    if ctx.unit.is_table or ctx.heading:
        return ""
    text = plain(ctx.unit.norm).strip()
    ends = [i for i, ch in enumerate(text) if ch in "。!?！？"]
    tail = text[ends[-1] + 1 :] if ends else carry + text
    return tail[-CARRY_MAX_CHARS:]


def _carried_items(ctx: UnitContext, carry: str, answered: bool) -> list[Item]:
    """Given a paragraph unit and the sentence the one before left unfinished, return the items
    of that sentence read joined with this unit's first sentence."""
    text = plain(ctx.unit.norm).strip()
    if not carry or ctx.unit.is_table or ctx.heading or ctx.scope == "stop" or starts_with_bullet(text):
        return []
    first = split_sentences(text)[0] if text else ""
    optional = ctx.rider_optional if ctx.rider else ctx.option is not None
    enumerate_items = ctx.scope == "coverage"
    return sentence_to_items(
        carry + first, optional=optional, rider=ctx.rider, enumerate_items=enumerate_items, answered=answered
    )


def _answers_what_is_covered(ctx: UnitContext, asked: bool) -> bool:
    """Given a unit and whether the question above it asks what is covered, return whether the
    unit answers it in the affirmative (not いいえ)."""
    cues = load_cues()
    text = strip_label_marks(plain(ctx.unit.norm))
    return (
        asked
        and not ctx.heading
        and not any(text.lstrip("A.:： ").startswith(c) for c in cues.negative_answer)
    )


#: what opens an FAQ question line (Q1. …), which ends the answer before it
_QUESTION_MARK = re.compile(r"^\s*Q\d*\s*[.．:：]")


def _asks_what_is_covered(ctx: UnitContext, asked: bool) -> bool:
    """Given a unit and the state before it, return whether an FAQ question about what is covered
    (どのような費用が補償されますか) is open after it: a question opens or closes it, a heading closes it."""
    if not ctx.heading:
        return asked and not _QUESTION_MARK.match(plain(ctx.unit.norm))
    cues = load_cues()
    text = plain(ctx.unit.norm)
    return (
        is_question(text)
        and has_any(text, cues.coverage_question)
        and not has_any(text, cues.exclusion_heading)
    )


def contexts_to_items(contexts: list[UnitContext]) -> list[tuple[UnitContext, Item]]:
    """Given units in their scope, return every item they offer with the unit it was read in."""
    found: list[tuple[UnitContext, Item]] = []
    carry, asked = "", False
    for ctx in contexts:
        asked = _asks_what_is_covered(ctx, asked)
        answered = _answers_what_is_covered(ctx, asked)
        items = context_to_items(ctx, answered) + _carried_items(ctx, carry, answered)
        if not ctx.unit.is_table:
            items += limited_rider_items(ctx.unit.norm)
        carry = _unfinished(ctx, carry)
        found.extend((ctx, item) for item in items)
    return found


def contexts_to_coverages(contexts: list[UnitContext], doc_id: str) -> list[CoverageRecord]:
    """Given units in their scope, return one CoverageRecord per distinct item (id, rider, option)."""
    seen: set[tuple[str | None, str | None, bool, str]] = set()
    records: list[CoverageRecord] = []
    for ctx, item in contexts_to_items(contexts):
        key = (item.coverage_id, item.rider, item.optional, item.label if item.coverage_id is None else "")
        if key in seen:
            continue
        seen.add(key)
        evidence, page = _evidence(ctx, item)
        records.append(
            CoverageRecord(
                doc_id=doc_id,
                coverage_id=item.coverage_id,
                coverage_label=item.label,
                section=section_for(item),
                is_optional=item.optional,
                rider=item.rider,
                page=page,
                evidence=evidence,
                attributed_by=item.by,
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
