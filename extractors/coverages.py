"""Coverage items a brochure offers → CoverageRecord rows.

Each unit is read in the scope it sits in (`sections.py`). Items come from rider names (in
headings, rider lines, or anywhere with a limit of their own in brackets); from headings,
bullets, item lists and noun-phrase descriptions inside coverage blocks; from sentences that
offer cover, enumerate items in a coverage block, or answer an FAQ question about what is
covered (a sentence a PDF breaks over paragraphs read joined; exclusion clauses dropped); and
from the cells of coverage tables. An item is optional under an option heading or row, or when
its rider is described with a set cue. All cue words are YAML data.
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


@dataclass(frozen=True)
class Item:
    """A coverage id (or an unmapped label) read from one piece of a unit, and how it was read."""

    coverage_id: str | None
    label: str
    optional: bool = False
    rider: str | None = None
    by: Attribution = "list_item"

    def named(self, coverage_id: str | None, label: str) -> Item:
        """Given an id and a label, return this item's reading of them (its option, rider, source)."""
        return replace(self, coverage_id=coverage_id, label=label)


def _excluded(text: str) -> bool:
    """Given text, return whether it holds an exclusion cue (…対象外, 補償しません)."""
    return has_any(text, taxonomy.exclusion_cues())


#: a bracketed clause (no nesting)
_PAREN = re.compile(r"[(（][^()（）]*[)）]")


def offered_clauses(sentence: str) -> list[str]:
    """Given a sentence, return its clauses (split at が、 ただし) that hold no exclusion cue."""
    norm = _PAREN.sub(lambda m: "" if _excluded(m.group(0)) else m.group(0), plain(sentence))
    pattern = "|".join(re.escape(c) for c in load_cues().contrast)
    clauses = re.split(pattern, norm) if pattern else [norm]
    return [c for c in clauses if strip_label_marks(c) and not _excluded(c)]


def _label_around(norm: str, match: TaxonomyMatch) -> str:
    """Given text and a term match in it, return the item label around the match."""
    left = max(norm.rfind(sep, 0, match.start) for sep in "、,，;；()（）〈〉《》「」⚫●•▶\n|")
    rights = [i for sep in "、,，;；()（）〈〉《》「」⚫●•▶\n|。" if (i := norm.find(sep, match.end)) != -1]
    label = strip_label_marks(norm[left + 1 : min(rights, default=len(norm))])
    return label if label and len(label) <= load_cues().label_max_chars else norm[match.start : match.end]


def _own_option(norm: str, at: Item) -> Item:
    """Given an item's text and reading, return the reading with its own option (…（オプション）)."""
    if not has_any(norm, load_cues().option):
        return at
    name = strip_label_marks(re.split(r"[(（]?オプション", norm)[0] + "(オプション)")
    return replace(at, optional=True, rider=at.rider or name)


def text_to_items(
    text: str, at: Item, *, weak: bool, unmapped: bool = False, head_first: bool = False
) -> list[Item]:
    """Given one item's text (label, bullet, cell piece) and its reading, return its items."""
    cues = load_cues()
    norm = plain(drop_list_marks(text))
    if _excluded(norm):
        return []
    at = _own_option(norm, at)
    # a bracketed figure after the label (費用補償（支払限度額 5,000万円）) is no part of it
    if head_first and (labelled := label_to_items(heading_core(norm))) is not None:
        label, ids = labelled
        # 補償される費用 heads the list under it; it is no item of its own
        keep = unmapped and label.endswith(cues.item_suffixes) and not has_any(label, cues.coverage_heading)
        return [at.named(i, label) for i in ids] or ([at.named(None, label)] if keep else [])
    if matches := taxonomy.match_all(norm, weak=weak):
        return [at.named(m.coverage_id, _label_around(norm, m)) for m in matches]
    label = strip_label_marks(norm)
    keep = unmapped and label.endswith(cues.item_suffixes) and len(label) <= cues.label_max_chars
    return [at.named(None, label)] if keep else []


def _is_label(text: str) -> bool:
    """Given a piece of a line, return whether it reads as an item label: short, not a clause."""
    return 0 < len(text) <= load_cues().list_item_max_chars and not any(c in text for c in "、。,")


def label_to_items(norm: str) -> tuple[str, list[str]] | None:
    """Given an item line, return its label and the ids it names, or None when it opens with none."""
    label, rest = split_label(norm)
    if not _is_label(label):
        return None
    if ids := taxonomy.listed_ids(label):
        return label, ids
    inner, _ = split_label(rest)
    prefix = not label.endswith(load_cues().item_suffixes)  # 基本補償2 is a tag, 損害防止費用 an item
    if prefix and inner and _is_label(inner) and (inner_ids := taxonomy.head_ids(inner)):
        return inner, inner_ids
    return label, taxonomy.distinct_ids(taxonomy.match_all(rest, weak=False))


def sentence_to_items(text: str, at: Item, *, block: bool = False, answered: bool = False) -> list[Item]:
    """Given running text and its reading, return the items its offering sentences name."""
    cues = load_cues()
    items: list[Item] = []
    announced = False  # the sentence before offers what follows it (次の費用をお支払いします。)
    for sentence in split_sentences(plain(text)):
        offers = has_any(sentence, cues.offer)
        here = replace(at, optional=at.optional or has_any(sentence, cues.set_), by="sentence")
        pieces = enumerated_pieces(sentence) if block and not _excluded(sentence) else []
        items += [here.named(i, p[-cues.label_max_chars :]) for p in pieces for i in taxonomy.head_ids(p)]
        clauses = offered_clauses(sentence) if offers or announced or answered else []
        matches = [(c, m) for c in clauses for m in taxonomy.match_all(c, weak=False)]
        items += [here.named(m.coverage_id, _label_around(c, m)) for c, m in matches]
        announced = offers and has_any(sentence, cues.forward)
    return items


def top_level_pieces(text: str, separators: str = "、,，/\n") -> list[str]:
    """Given text, return its pieces between separators outside brackets (a gloss stays whole)."""
    depths = taxonomy.paren_depths(text)
    cuts = [i for i, ch in enumerate(text) if ch in separators and depths[i] == 0]
    return [p for a, b in zip([-1, *cuts], [*cuts, len(text)], strict=True) if (p := text[a + 1 : b].strip())]


#: a bracketed gloss after an item label: 争訟費用（弁護士費用など）
_TRAILING_GLOSS = re.compile(r"[(（][^()（）]*[)）]$")


def _ends_like_item(piece: str) -> bool:
    """Given a piece, return whether it ends like an item (…費用) or a term (見舞金), gloss aside."""
    piece = _TRAILING_GLOSS.sub("", strip_label_marks(piece)).strip()
    core = piece.rstrip("等など")
    ends_with_term = any(m.end == len(core) for m in taxonomy.match_all(core))
    return piece.endswith(load_cues().item_suffixes) or ends_with_term


def _cut_predicate(piece: str) -> str:
    """Given an enumeration's last piece, return it without its predicate (…見舞金などが対象です)."""
    cues = load_cues()
    ends = [piece.rfind(s) + len(s) for s in cues.item_suffixes if s in piece]
    end = max(ends + [m.end for m in taxonomy.match_all(piece)], default=len(piece))
    return piece[:end] if len(piece) - end <= cues.enumeration_tail_max_chars else piece


def enumerated_pieces(sentence: str) -> list[str]:
    """Given a sentence, return the 、-pieces it enumerates as items (three or more), else []."""
    pieces = top_level_pieces(sentence.rstrip("。!?！？"), "、,，")
    items = [p for p in [*pieces[:-1], *map(_cut_predicate, pieces[-1:])] if _ends_like_item(p)]
    return items if len(items) >= LIST_MIN_ITEMS else []


#: a text-table row: its first field, then the wide gap PDF text keeps between columns
_ROW_GAP = re.compile(r"^\S+\s{2,}\S")


def _is_item_line(text: str) -> bool:
    """Given a line, return whether it is an item line: a heading, a bullet or a text-table row."""
    norm = plain(text).strip()
    body, (label, rest) = strip_label_marks(norm), split_label(norm)
    if not body:
        return False
    # a bullet, or a text-table row (損害賠償金　　情報の漏えい…), that opens with a label
    if (starts_with_bullet(norm) or _ROW_GAP.match(norm)) and _is_label(label) and rest:
        return True
    return "。" not in body and (is_heading(norm) or (starts_with_bullet(norm) and len(body) <= 40))


#: a list line needs at least this many items (two could be a phrase: A、B)
LIST_MIN_ITEMS = 3


def list_items(text: str) -> list[str]:
    """Given a line, return its pieces when it only lists item labels (原因調査費用、見舞金、…), else []."""
    norm = plain(text)
    parts = re.split(r"[、,，;；/／]|および|及び|ならびに", nfkc(strip_label_marks(norm)))
    pieces = [strip_label_marks(p) for p in parts if p.strip()]
    if "。" in norm or len(pieces) < LIST_MIN_ITEMS or not all(_is_item_label(p) for p in pieces):
        return []
    return pieces


def labelled_list(text: str) -> tuple[str, list[str]] | None:
    """Given a line, return its group label (or "") and items when it lists item labels, else None."""
    label, rest = split_label(text)
    if rest and _is_label(label) and (pieces := list_items(rest)):
        return label, pieces
    return ("", pieces) if (pieces := list_items(text)) else None


def _is_item_label(piece: str) -> bool:
    """Given a piece of a list, return whether it is a label-short item label, a gloss aside."""
    short = len(_TRAILING_GLOSS.sub("", piece).strip()) <= load_cues().list_item_max_chars
    return short and _ends_like_item(piece)


def unit_pieces(unit: Unit) -> list[str]:
    """Given a paragraph unit, return its item pieces: its lines when all are labels, else its marks'."""
    lines = [line.text.strip() for line in unit.lines if line.text.strip()]
    labels = [strip_label_marks(plain(drop_list_marks(line))) for line in lines]
    if len(lines) > 1 and all("。" not in label and _is_item_label(label) for label in labels):
        return lines
    return split_enumerated(unit.text)


def _reading(ctx: UnitContext, by: Attribution = "list_item") -> Item:
    """Given a unit in its scope, return the reading its items share: option, rider, source."""
    return Item(None, "", ctx.rider_optional if ctx.rider else ctx.option is not None, ctx.rider, by)


def _rider_items(ctx: UnitContext, text: str) -> list[Item]:
    """Given a heading or rider line, return its riders and, for one rider, the items the rest names."""
    at, names = _reading(ctx, "heading" if ctx.heading else "list_item"), rider_names(text)
    optional = [at.optional if n == ctx.rider else ctx.option is not None for n in names]
    items = [
        Item(taxonomy.match_coverage(n), n, opt, n, at.by) for n, opt in zip(names, optional, strict=True)
    ]
    if ctx.heading and len(names) == 1:
        items += text_to_items(text.replace(names[0], ""), replace(items[0], coverage_id=None), weak=False)
    return items


def context_to_items(ctx: UnitContext, answered: bool = False) -> list[Item]:
    """Given a unit in its scope (and whether it answers what is covered), return the items it offers."""
    unit, at = ctx.unit, _reading(ctx)
    if unit.table is not None:
        return table_to_items(ctx)
    text = plain(unit.norm)
    if ctx.scope == "stop" and not is_rider_line(text):
        return []
    if is_rider_line(text) or (ctx.heading and rider_names(text)):
        return _rider_items(ctx, text)
    labels = plain("".join(drop_list_marks(line.text).strip() for line in unit.lines))
    in_block = ctx.scope == "coverage" and not starts_with_footnote(text)
    if in_block and (listed := labelled_list(labels)):
        head, pieces = listed
        items = text_to_items(head, at, weak=True, head_first=True) if head else []
        return items + [i for p in pieces for i in text_to_items(p, at, weak=True, unmapped=True)]
    if in_block and (_is_item_line(text) or starts_with_inline_mark(unit.text)):
        return _item_line_items(ctx, text)
    if in_block and (ids := description_ids(_item_broken_lines(unit))):
        # the label is the last clause, the one whose tail names the items
        label = strip_label_marks(labels[labels.rfind("、") + 1 :])[-load_cues().label_max_chars :]
        return [replace(at, by="sentence").named(i, label) for i in ids]
    return sentence_to_items(labels, at, block=in_block, answered=answered)


def _item_line_items(ctx: UnitContext, text: str) -> list[Item]:
    """Given a heading, bullet or enumerated line in a coverage block, return its items."""
    at = _reading(ctx, "heading" if ctx.heading else "list_item")
    unmapped = starts_with_bullet(text)
    items: list[Item] = []
    for piece in unit_pieces(ctx.unit):
        items += text_to_items(piece, at, weak=True, unmapped=unmapped, head_first=True)
    if not items and ctx.heading and strip_label_marks(text).endswith(load_cues().item_suffixes):
        # an item heading the taxonomy does not know names what its description names
        items = [at.named(i, split_label(text)[0]) for i in ctx.heading_ids]
    return items


def _item_broken_lines(unit: Unit) -> str:
    """Given a paragraph unit, return its lines joined, kept apart only after an item-like line."""
    text = ""
    for line in unit.lines:
        text += ("\n" if text and _ends_like_item(text) else "") + line.norm.strip()
    return text


def description_ids(text: str) -> list[str]:
    """Given a noun phrase describing items (…の損害賠償金、争訟費用), return the ids it names, else []."""
    norm = plain(text)
    pieces = top_level_pieces(norm)
    if "。" in norm or _excluded(norm) or not pieces or not _ends_like_item(pieces[-1]):
        return []
    ids = [i for piece in pieces if _ends_like_item(piece) for i in taxonomy.head_ids(piece)]
    # terms of the items' sections elsewhere (a gloss too) name causes the cover is named for (踏み台)
    sections = {taxonomy.section_of(i) for i in ids}
    ids += [m.coverage_id for m in taxonomy.match_all(norm, weak=False) if m.section in sections]
    return list(dict.fromkeys(ids))


def is_coverage_table(ctx: UnitContext, table: Table) -> bool:
    """Given a table unit in its scope and its table, return whether its cells list coverages."""
    cells = [cell.text for row in table.rows for cell in row]
    if ctx.scope == "stop" and any(_excluded(text) for text in cells):
        return False  # a case story's table that says its figures are no payout (…保険金ではありません)
    return ctx.scope == "coverage" or any(has_any(text, load_cues().table) for text in cells)


def _is_excluded_row(row: tuple[Cell, ...]) -> bool:
    """Given a table row, return whether it names an exclusion: a cell says so, none gives a figure."""
    marks = [plain(c.text).strip() for c in row]  # 補償対象外 | 1,000万円: only one plan lacks it
    return any(0 < len(m) <= 12 and _excluded(m) for m in marks) and not any(find_amounts(m) for m in marks)


def table_to_items(ctx: UnitContext) -> list[Item]:
    """Given a table unit in its scope, return the coverage items of its cells."""
    table = ctx.unit.table
    if table is None or not is_coverage_table(ctx, table):
        return []
    at = _reading(ctx, "cell")
    sections = {m.section for row in table.rows for cell in row for m in taxonomy.match_all(cell.text)}
    if (ctx.rider is None or ctx.rider == ctx.option) and len(sections) > 1:
        # a table naming several sections sums up the policy: it is not inside the option above it
        at = replace(at, optional=False, rider=None)
    items: list[Item] = []
    for row in (r for r in table.rows if not _is_excluded_row(r)):
        option_at, row_rider = _row_option(row)
        for index, cell in enumerate(row):
            # cells from an option-marked label rightwards (its description) share its option
            in_option = row_rider is not None and index >= option_at
            rider = at.rider or (row_rider if in_option else None)
            items += _cell_items(cell.text, replace(at, optional=at.optional or in_option, rider=rider))
    return items


def _cell_items(text: str, at: Item) -> list[Item]:
    """Given a table cell and its reading, return the coverage items its pieces name."""
    # an unmapped cell is an item only when it is label-short and not a header
    short = len(strip_label_marks(plain(text))) <= load_cues().list_item_max_chars
    unmapped = short and not has_any(text, load_cues().table)
    items: list[Item] = []
    for piece in split_enumerated(text) if text.strip() else []:
        label = strip_label_marks(plain(drop_list_marks(piece)))
        if compound := taxonomy.compound_ids(label):
            # a compound names what its last noun names (情報漏えい見舞費用特約); its bracketed
            # gloss (賠償責任（損害賠償金・争訟費用）) names items too
            gloss = "、".join(re.findall(r"[(（]([^()（）]*)[)）]", label))
            ids = [*compound, *taxonomy.distinct_ids(taxonomy.match_all(gloss, weak=False))]
            items += [at.named(i, label) for i in dict.fromkeys(ids)]
            continue
        items += text_to_items(piece, at, weak=False, unmapped=unmapped)
    return items


def _row_option(row: tuple[Cell, ...]) -> tuple[int, str | None]:
    """Given a table row, return the index and name of the cell marking an option, or (0, None)."""
    for index, cell in enumerate(row):
        norm = plain(cell.text)
        if has_any(norm, load_cues().option) and len(strip_label_marks(norm)) <= load_cues().label_max_chars:
            return index, _own_option(norm, Item(None, "")).rider
    return 0, None


def limited_rider_items(text: str) -> list[Item]:
    """Given a line, return the riders it names with a limit of their own in brackets."""
    cues = load_cues()
    suffixes = "|".join(re.escape(s) for s in (*cues.rider_suffixes, *cues.option))
    items: list[Item] = []
    for m in re.finditer(rf"([^\s、。,()（）]+?(?:{suffixes}))\s*[(（]([^()（）]*)[)）]", plain(text)):
        name, bracket = strip_label_marks(m.group(1)), m.group(2)
        limited = has_any(bracket, cues.field_label) and find_amounts(bracket)
        if limited and (cid := taxonomy.match_coverage(name)):
            items.append(Item(cid, name, has_any(name, cues.option), name, "sentence"))
    return [] if _excluded(plain(text)) else items


def _evidence(ctx: UnitContext, item: Item) -> tuple[int, str]:
    """Given a unit and one of its items, return the page and the verbatim evidence (its table row)."""
    table = ctx.unit.table
    if table is None:
        return ctx.unit.page, ctx.unit.text
    rows = [(table.row_page(i), table.row_text(i)) for i in range(len(table.rows))]
    labelled = [r for r in rows if item.label and item.label in nfkc(r[1]).replace("**", "")]
    return (labelled or [(table.page, rows[0][1])])[0]


def section_for(item: Item) -> str:
    """Given an item, return its section: the taxonomy's, or a hint from an unmapped label."""
    cues = load_cues()
    if item.coverage_id is not None:
        return taxonomy.section_of(item.coverage_id)
    return next((s for s, hints in cues.section_hints if has_any(item.label, hints)), cues.default_section)


#: a sentence carried over into the next paragraph is read joined up to this many characters
CARRY_MAX_CHARS = 300
#: what opens an FAQ question line (Q1. …), which ends the answer before it
_QUESTION_MARK = re.compile(r"^\s*Q\d*\s*[.．:：]")


def _carried_items(ctx: UnitContext, carry: str, answered: bool) -> tuple[list[Item], str]:
    """Given a unit and the sentence left unfinished before it, return that sentence's items and its own."""
    if ctx.unit.is_table or ctx.heading:
        return [], ""
    text = plain(ctx.unit.norm).strip()
    ends = [i for i, ch in enumerate(text) if ch in "。!?！？"]
    left = (text[ends[-1] + 1 :] if ends else carry + text)[-CARRY_MAX_CHARS:]
    if not carry or not text or ctx.scope == "stop" or starts_with_bullet(text):
        return [], left
    joined = carry + split_sentences(text)[0]
    return sentence_to_items(joined, _reading(ctx), block=ctx.scope == "coverage", answered=answered), left


def _asked_state(ctx: UnitContext, asked: bool) -> tuple[bool, bool]:
    """Given a unit and whether a what-is-covered question is open, return that after it and if it answers."""
    cues = load_cues()
    text = plain(ctx.unit.norm)
    if ctx.heading:
        asks = is_question(text) and has_any(text, cues.coverage_question)
        return asks and not has_any(text, cues.exclusion_heading), False
    asked = asked and not _QUESTION_MARK.match(text)
    return asked, asked and not strip_label_marks(text).lstrip("A.:： ").startswith(cues.negative_answer)


def contexts_to_items(contexts: list[UnitContext]) -> list[tuple[UnitContext, Item]]:
    """Given units in their scope, return every item they offer with the unit it was read in."""
    found: list[tuple[UnitContext, Item]] = []
    carry, asked = "", False
    for ctx in contexts:
        asked, answered = _asked_state(ctx, asked)
        carried, carry = _carried_items(ctx, carry, answered)
        items = context_to_items(ctx, answered) + carried
        # a rider with its own limit counts in any block but one listing what is not paid
        excluding = has_any(ctx.stop_heading or "", load_cues().exclusion_heading)
        items += [] if ctx.unit.is_table or excluding else limited_rider_items(ctx.unit.norm)
        found += [(ctx, item) for item in items]
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
        where = (section_for(item), item.optional, item.rider, *_evidence(ctx, item))
        records.append(CoverageRecord(doc_id, item.coverage_id, item.label, *where, attributed_by=item.by))
    return records


def document_to_coverages(document: Document, doc_id: str) -> list[CoverageRecord]:
    """Given a Document, return one CoverageRecord per coverage item it offers."""
    return list(_document_coverages(document, doc_id))


@functools.lru_cache(maxsize=4)
def _document_coverages(document: Document, doc_id: str) -> tuple[CoverageRecord, ...]:
    """Given a Document, return its coverage records once: the limits extractor reads its riders."""
    return tuple(contexts_to_coverages(document_to_contexts(document), doc_id))
