"""Premium grids (保険料表): quoted premiums by industry and revenue, with their quote conditions.

Every grid is read one way, through the table view (`extractors.layout`): a table as its
reader gives it (declared header rows and spans), a block of short lines as a table of one
row per line and one cell per word. Each figure cell is first told what it is by the nearest
label naming its line: its own text, its row header, its column header path (売上高 → revenue,
支払限度額 → limit, 免責金額 → deductible, 年間保険料 / 月払 → premium; a corner 業種＼売上高
names the column below it 業種 and the row across it 売上高), else by its place (a figure in
a header row, or first in its row before others, is the revenue axis). Then every premium
cell is a case: its industry, revenue, period and option come from the nearest context naming
them — its own cell, its row, its column (above, then below), a row quoting no premium above
it (a full-width qualifier such as 売上高5億円の場合 acts as a section), the caption — so that
a matrix, a transposed matrix, bands, a case per column or per row all read alike. A premium's
period is the nearest context naming one in its own order (`figure_period`): its own cell, its
column header path (年払保険料 beside 月払保険料), its row, the section rows above, the caption.
A table its reader gives one line per cell (CSS-grid divs) is read back at its width first.

Outside grids, a sentence or a labelled row that names one revenue, one industry and its
premium(s) quotes them too (例：売上高10億円の製造業の場合 年間保険料 123,450円), each premium
in the period its own label names (月払保険料：3,420円（年額 41,040円）), else the line's, else
its block heading's; a starting price (月額 2,000円～) quotes nothing. Conditions a grid's
caption and notes state fill what a condition block (試算条件) leaves unknown. A revenue
printed as a range (1億円超5億円以下) is published at its upper bound. A grid counts only
where a premium cue (保険料, …) is printed in it or its caption. Cue words are data (`data/premiums.yaml`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from types import MappingProxyType
from typing import Literal

from extractors.amounts import (
    YEN_UNITS,
    Amount,
    AmountMatch,
    find_amounts,
    nfkc_with_offsets,
    text_to_default_unit,
)
from extractors.blocks import starts_with_footnote
from extractors.dates import text_to_date, text_to_dates
from extractors.document import Cell, Document, Line, Table, nfkc
from extractors.industries import is_industry_label, label_to_jsic, text_to_industry_words
from extractors.layout import (
    Slot,
    TableView,
    continues_columns,
    continues_rows,
    declared_header_rows,
    join_columns,
    join_rows,
    table_to_view,
)
from extractors.records import Attribution, PremiumRecord
from extractors.text_utils import (
    clean_label,
    contains_any,
    load_data,
    printed_label,
    squeeze,
    table_anchor,
    table_caption,
    table_lines,
    unspace,
    words,
)

#: lines above a table read as its caption (the band heading, the unit, the premium cue)
CAPTION_LINES = 3
#: at most this many lines after a condition cue (試算条件) hold the conditions; a heading,
#: a prose sentence or a long line ends them sooner
CONDITION_LINES = 8
#: how far (in lines) a condition block may stand from the grid it qualifies
CONDITION_MAX_DISTANCE = 40
#: at most this many lines above and below a grid row are read as the grid's caption and notes
CONTEXT_LINES = 12
#: a line longer than this ends a condition block (it is prose)
CONDITION_LINE_MAX_CHARS = 120
#: a row label of a matrix that the industry data does not know is at most this long
MAX_ROW_LABEL_CHARS = 16
#: a label heading a grid for one industry (保険料例（製造業の場合）) is at most this long
MAX_BAND_LABEL_CHARS = 24
#: a premium is at most this share of the revenue it is quoted for (a sanity bound)
MAX_PREMIUM_SHARE = 0.1

Period = Literal["monthly", "annual", "lump_sum"]
DEFAULT_PERIOD: Period = "annual"
PERIODS: tuple[Period, ...] = ("monthly", "annual", "lump_sum")
_INSTALLMENTS = re.compile(r"(\d+)\s?(?:回分割|分割|回払)")
_CLAUSE_BREAK = re.compile(r"[、。,;\n]")
#: what separates the words of a line: spaces, rules, and leaders between a label and its
#: figure (製造業……48,500円, 製造業・・・・48,500円, 製造業：48,500円)
_WORD_BREAK = re.compile(r"(?:[\s|｜]|[…‥]|[・･.．·]{2,}|[:：])+")


@dataclass(frozen=True)
class Quote:
    """A premium read from a grid, before the quote conditions are attached."""

    industry_label: str
    revenue_jpy: int
    premium_jpy: int
    period: Period | None
    evidence: str  # the text quoted for its row
    page: int
    line_index: int | None  # its row's position among the document's lines, for finding conditions
    last_line_index: int | None = None  # the grid's last line (its notes follow)
    option: Figure | None = None  # the column's limit or deductible, under a header of options
    #: where its industry and revenue were named (the farther); "sentence" for a quote read
    #: from prose, which has no grid whose caption and notes state its conditions
    attributed_by: Attribution = "cell"


@dataclass(frozen=True)
class Conditions:
    """The quote conditions printed with a grid (試算条件)."""

    liability_limit_jpy: int | None = None
    expense_limit_jpy: int | None = None
    deductible_jpy: int | None = None
    installments: int | None = None
    effective_from: dt.date | None = None
    period: Period | None = None


@cache
def cues(key: str) -> tuple[str, ...]:
    """Given a key of premiums.yaml, return its cue words (NFKC); a key it lacks is an error."""
    data = load_data("premiums.yaml")
    if key not in data:
        raise KeyError(f"premiums.yaml has no {key!r}")
    return words(data, key)


@cache
def period_cues() -> tuple[tuple[Period, tuple[str, ...]], ...]:
    """Given nothing, return each premium period with its cue words (premiums.yaml's periods)."""
    periods = load_data("premiums.yaml")["periods"]
    return tuple((name, words(periods, name)) for name in PERIODS)


def prose_min_chars() -> int:
    """Given nothing, return the length (NFKC characters) from which a line with no cue is prose."""
    return int(load_data("premiums.yaml").get("prose_min_chars", 40))


# --- tokens -----------------------------------------------------------------------------


def range_amounts(text: str, unit: str | None) -> list[AmountMatch]:
    """Given a cell and the unit of bare figures, return its amounts, each range (1億円～5億円)
    kept as its upper bound."""
    merged: list[AmountMatch] = []
    for match in find_amounts(text, default_unit=unit):
        if merged and squeeze(text[merged[-1].end : match.start]) in cues("range_joiners"):
            merged[-1] = AmountMatch(match.amount, merged[-1].start, match.end)
        else:
            merged.append(match)
    return merged


@cache
def _revenue_unit_pattern() -> re.Pattern[str]:
    """Given nothing, return the pattern of a revenue cue with a bracketed unit (売上高（百万円）)."""
    names = "|".join(re.escape(cue) for cue in sorted(cues("revenue"), key=len, reverse=True))
    return re.compile(rf"(?:{names})[^()\s|]{{0,4}}\s?(\([^()]{{1,20}}\))")


def revenue_unit(text: str) -> tuple[int, str] | None:
    """Given a cell or line, return (end in text, unit) of a unit declared for revenues only, or None.

    `売上高（百万円） | 100 | 500` states its revenues in 百万円 while the premiums keep their
    own unit (or 円 printed in each cell).
    """
    norm, origin = nfkc_with_offsets(text)
    for match in _revenue_unit_pattern().finditer(norm):
        if unit := text_to_default_unit(match.group(1)):
            return origin[match.end() - 1] + 1, unit
    return None


def label_to_period(text: str, term: bool = True) -> Period | None:
    """Given a label, return the premium period it names first (月額 → monthly), or None; where
    `term`, a lump sum after a one-year policy (保険料例（保険期間1年・一括払）) is that year's
    premium, annual."""
    norm = squeeze(nfkc(text))
    for cue in sorted(cues("revenue"), key=len, reverse=True):
        norm = norm.replace(cue, "|")  # 年間売上高 names a revenue, not an annual premium
    found = [(norm.find(squeeze(w)), name) for name, ws in period_cues() for w in ws if squeeze(w) in norm]
    if not found:
        return None
    at, period = min(found)
    one_year = any(0 <= norm.find(squeeze(w)) < at for w in cues("one_year_policy"))
    return "annual" if term and period == "lump_sum" and one_year else period


def band_industry(text: str) -> str | None:
    """Given a label, return the one industry it heads a grid for (保険料例（製造業の場合）), or None.

    The label is short and says it is a case (の場合) or names the premiums; a sentence that
    mentions an industry heads nothing.
    """
    heads = any(contains_any(text, cues(key)) for key in ("premium", "band_words", "industry_axis"))
    found = text_to_industry_words(text) if heads and len(squeeze(text)) <= MAX_BAND_LABEL_CHARS else []
    return nfkc(text)[found[0][0] : found[0][1]] if len(found) == 1 else None


# --- grids: a table, or a block of short lines, read through the table view -------------------

Kind = Literal["revenue", "premium", "limit", "deductible"]
#: where a premium's industry or revenue was named, nearest first (see `Attribution`)
Source = Literal["cell", "row_header", "column_header", "heading", "caption"]
#: the kinds a label names by its cue words (premiums.yaml's key of each kind), first found wins
_NAMED_KINDS: tuple[Kind, ...] = ("revenue", "deductible", "limit", "premium")
_SOURCE_ORDER: tuple[Source, ...] = ("cell", "row_header", "column_header", "heading", "caption")
#: the two names of a corner cell (業種＼売上高: industries down, revenues across)
_CORNER = re.compile(r"[＼\\/／]")


@dataclass(frozen=True)
class Grid:
    """A table (or a block of lines, one row per line) with its caption and where it was printed."""

    view: TableView
    evidence: tuple[str, ...]  # the text quoted for each row
    line_index: tuple[int | None, ...]  # each row's position among the document's lines
    last_line_index: int | None  # the grid's last line (its notes follow)
    caption: tuple[str, ...]  # the lines printed above it, nearest last
    unit: str | None  # the unit its bare figures are in (単位：円 in a caption, corner or header)
    #: the lines above it on its page (a PDF's page title is often the only 保険料例 over a grid)
    page_heading: tuple[str, ...] = ()

    @cached_property
    def cells(self) -> dict[Slot, str]:
        """Given nothing, return the text of every non-empty cell by its origin slot."""
        view = self.view
        return {
            (r, c): cell.text
            for r, row in enumerate(view.table.rows)
            for c, cell in enumerate(row)
            if cell.text.strip() and not cell.covered and view.origin(r, c) == (r, c)
        }


@dataclass(frozen=True)
class Figure:
    """One amount cell of a grid: what it is (decided by the label that names its line) and its yen."""

    kind: Kind
    yen: int
    name: str  # the label that named it, "" when its place in the grid did


def axis_name(text: str, across: bool) -> str:
    """Given a label cell and the direction it is read in, return the part naming that direction:
    a corner 業種＼売上高 names the column below it 業種 and the row across it 売上高."""
    parts = _CORNER.split(text)
    if len(parts) != 2:
        return text
    return parts[1] if across else parts[0]


def name_kind(text: str) -> Kind | None:
    """Given a label cell without figures, return the kind of figure it names in its line
    (売上高 → revenue, 支払限度額 → limit, 免責金額 → deductible, 年間保険料 / 月払 → premium)."""
    named = next((kind for kind in _NAMED_KINDS if contains_any(text, cues(kind))), None)
    if named is not None or label_to_period(text) is not None:
        return named or "premium"
    return "limit" if contains_any(text, cues("liability") + cues("expense")) else None  # 賠償 1,000万円


def cell_amount(text: str, unit: str | None) -> Amount | None:
    """Given a cell and the unit of bare figures, return its one amount (a range at its upper
    bound), or None when it holds none or several."""
    matches = range_amounts(text, unit)
    return matches[0].amount if len(matches) == 1 else None


def is_floor(text: str, matches: list[AmountMatch]) -> bool:
    """Given text and amounts found in it, return whether one is followed by a floor or bound word
    (2,000円～, 約4万円から, 10円未満): it prices no quote."""
    return any(squeeze(text[m.end :]).startswith(cues("floor_words")) for m in matches)


def _line(view: TableView, slot: Slot, across: bool, forward: bool) -> Iterator[Slot]:
    """Given a slot, return the origins of the other cells of its row (across) or column, nearest first."""
    r, c = slot
    at = c if across else r
    end = len(view.table.rows[r]) if across else len(view.table.rows)
    seen = {slot}
    for k in range(at + 1, end) if forward else range(at - 1, -1, -1):
        origin = view.origin(r, k) if across else view.origin(k, c)
        if origin not in seen:
            seen.add(origin)
            yield origin


def _named_kind(grid: Grid, slot: Slot) -> tuple[Kind, str] | None:
    """Given a grid's cells and an amount cell, return the kind its own text, its row header or its
    column header names (a figure nearer in the line names it instead), or None."""
    cells = grid.cells
    own = cells[slot]
    if (kind := name_kind(own)) is not None:
        return kind, own
    for across in (True, False):
        for other in _line(grid.view, slot, across, forward=False):
            if across and other[0] < slot[0] < grid.view.header_rows:
                continue  # a header spanning down from the row above (支払限度額) heads its own column
            text = cells.get(other, "")
            if cell_amount(text, grid.unit) is not None:
                option = name_kind(text)
                if across and (option == "limit" or option == "deductible"):
                    return option, text  # 業種 | 支払限度額1,000万円 | 5,000万円: options across
                if across or (other[0] >= grid.view.header_rows > 0 and name_kind(text) is None):
                    continue  # a figure of the data names nothing: the header is further on
                break  # 売上高 over 1億円 names the revenue, not the premiums under it
            if (kind := name_kind(axis_name(text, across))) is not None:
                return kind, text
    return None


def _unnamed_kind(grid: Grid, slot: Slot) -> Kind:
    """Given an amount cell nothing names, return what its place makes it: a figure in a header
    row, or first in its row before other figures, is a revenue (the axis); others are premiums."""
    r, c = slot
    if r < grid.view.header_rows:
        return "revenue"
    before = [k for k in range(c) if grid.cells.get(grid.view.origin(r, k), "").strip()]
    after = [s for s in _line(grid.view, slot, True, True) if cell_amount(grid.cells.get(s, ""), grid.unit)]
    return "revenue" if not before and after else "premium"


def grid_figures(grid: Grid) -> dict[Slot, Figure]:
    """Given a grid, return every amount cell as a Figure: kind, yen (a revenue in its header's unit)."""
    figures: dict[Slot, Figure] = {}
    for slot, text in grid.cells.items():
        amount = cell_amount(text, grid.unit)
        if amount is None or amount.per_unit is not None:
            continue  # 1名あたり500円 is no premium and no revenue
        kind, name = _named_kind(grid, slot) or (_unnamed_kind(grid, slot), "")
        if kind == "premium" and is_floor(text, range_amounts(text, grid.unit)):
            continue  # 月額 2,000円～, 10円未満切捨て: a floor or a bound, not a quote
        unit = revenue_unit(name)
        if kind == "revenue" and unit is not None and (scaled := cell_amount(text, unit[1])) is not None:
            amount = scaled  # 前年度売上高（百万円） over 100 | 300: the revenues' own unit
        figures[slot] = Figure(kind, amount.total_yen, name)
    return figures


def _contexts(
    grid: Grid, figures: dict[Slot, Figure], slot: Slot
) -> Iterator[tuple[Source, Slot | None, str]]:
    """Given a grid, its figures and a premium cell, return the texts around it, nearest first:
    its own cell, its row, its column above (with each row there that quotes no premium, as a
    section heading), its column below, then its caption."""
    cells = grid.cells
    yield "cell", slot, cells[slot]
    for forward in (False, True):
        for other in _line(grid.view, slot, True, forward):
            yield "row_header", other, cells.get(other, "")
    premium_rows = {r for (r, _), f in figures.items() if f.kind == "premium"}
    for other in _line(grid.view, slot, False, False):
        row = [text for (r, _), text in sorted(cells.items()) if r == other[0]]
        if len(row) > 1 or other[1] == slot[1]:  # a full-width row is a section, no column's header
            yield "column_header", other, cells.get(other, "")
        if other[0] not in premium_rows:
            yield "heading", None, " ".join(row)
    for other in _line(grid.view, slot, False, True):
        yield "column_header", other, cells.get(other, "")
    for line in reversed(grid.caption):
        yield "caption", None, line
    for line in reversed(grid.page_heading[: max(0, len(grid.page_heading) - len(grid.caption))]):
        yield "caption", None, line  # farther up the page: its title (年間保険料例) names the period


def _industry(text: str, source: Source, slot: Slot | None, grid: Grid) -> str | None:
    """Given a context text, return the industry it names: a cell holding an industry label (or a
    label the data does not know, in a line of industries), a heading or caption naming one."""
    label = without_case(printed_label(text))
    if slot is not None and (
        is_industry_label(label)
        or (_is_row_label(label) and in_industry_line(grid, slot, source == "row_header"))
    ):
        return label
    if text in grid.caption and is_case_caption(text):
        return case_industry(text)  # 貴社の業種（製造業）、年間売上高45億円をもとにした…保険料です。
    return band_industry(text)  # a row's label naming its case (年間保険料（製造業・売上高10億円の場合）)


def is_case_caption(text: str) -> bool:
    """Given a caption line, return whether it states the case of the premiums below it: it names
    the premiums and a revenue, its one figure (a line quoting a premium is a row, no caption)."""
    return (
        contains_any(text, cues("premium"))
        and text_revenue(text) is not None
        and len(find_amounts(text)) == 1
    )


def case_industry(text: str) -> str | None:
    """Given a caption stating the one case its premiums are quoted for (an industry and a revenue),
    return the industry when it names exactly one, else None."""
    found = {nfkc(text)[start:end] for start, end in text_to_industry_words(text)}
    return found.pop() if len(found) == 1 else None


_BRACKETED = re.compile(r"\s*[（(][^（()）]*[)）]\s*$")
#: what joins an industry label to the figures of its case (卸売業・売上高3億円)
_CASE_JOINERS = "・･、, 　"


def without_case(label: str) -> str:
    """Given an industry label, return it without a bracket or a tail stating its case's figures
    (卸売業（売上高3億円）, 卸売業・売上高3億円 → 卸売業): the revenue is the quote's, not the
    industry's name."""
    bracket = _BRACKETED.search(label)
    if bracket and bracket.start() > 0 and find_amounts(bracket.group()):
        return label[: bracket.start()]
    tails = [label.find(cue) for cue in cues("revenue") if label.find(cue) > 1]
    start = min(tails, default=0)
    if start and label[start - 1] in _CASE_JOINERS and find_amounts(label[start:]):
        return label[: start - 1]
    return label


def in_industry_line(grid: Grid, slot: Slot, row_header: bool) -> bool:
    """Given a grid and a label cell, return whether its line holds industries: its row or column is
    headed by 業種, or (as a row header) its column holds an industry label the data knows."""
    cells = grid.cells
    row_head = axis_name(cells.get(grid.view.origin(slot[0], 0), ""), True)
    column_head = axis_name(cells.get(grid.view.origin(0, slot[1]), ""), False)
    return (
        (slot[1] > 0 and contains_any(row_head, cues("industry_axis")))
        or (slot[0] > 0 and contains_any(column_head, cues("industry_axis")))
        or (row_header and any(is_industry_label(t) for (_, c), t in cells.items() if c == slot[1]))
    )


#: the cue keys of words an industry's label never holds
_NO_INDUSTRY_CUES: tuple[str, ...] = (
    *("premium", "revenue", "industry_axis", "conditions", "limit", "deductible"),
    *("placeholder", "liability", "expense"),
)


def _is_row_label(text: str) -> bool:
    """Given a label cell, return whether it could name an industry not in the data (その他)."""
    core = squeeze(clean_label(text))
    if not 0 < len(core) <= MAX_ROW_LABEL_CHARS or any(ch.isdigit() for ch in core):
        return False
    return (
        not any(contains_any(text, cues(key)) for key in _NO_INDUSTRY_CUES)
        and label_to_period(text) is None
        and any(ch.isalpha() for ch in core)
    )


def text_revenue(text: str) -> int | None:
    """Given a heading or caption, return the one revenue it names (売上高5億円の場合), or None."""
    norm = nfkc(text)
    cue = max((norm.rfind(w) for w in cues("revenue") if w in norm), default=-1)
    if cue < 0:
        return None
    unit = revenue_unit(text)
    found = range_amounts(norm[cue:], unit[1] if unit else None)
    return found[0].amount.total_yen if found and found[0].amount.per_unit is None else None


def premium_quote(grid: Grid, figures: dict[Slot, Figure], slot: Slot) -> Quote | None:
    """Given a grid, its figures and a premium cell, return its Quote: the nearest context naming
    each of industry, revenue, period and option (a limit or deductible over its column) wins;
    None when none names an industry or revenue, or the premium is no plausible share of it."""
    industry: tuple[str, Source] | None = None
    revenue: tuple[int, Source] | None = None
    option: Figure | None = None
    for source, other, text in _contexts(grid, figures, slot):
        figure = figures.get(other) if other is not None and other != slot else None
        could_name = figure is None or figure.kind == "revenue"  # 年間保険料（製造業・売上高10億円の場合）
        if industry is None and could_name and (found := _industry(text, source, other, grid)):
            industry = (found, source)
        if revenue is None and figure is not None and figure.kind == "revenue":
            revenue = (figure.yen, source)
        elif revenue is None and other is None and (yen := text_revenue(text)) is not None:
            revenue = (yen, source)
        if option is None and source != "cell" and figure and figure.kind in ("limit", "deductible"):
            option = figure
    premium = figures[slot].yen
    if industry is None or revenue is None or not 0 < premium <= revenue[0] * MAX_PREMIUM_SHARE:
        return None
    row, table = slot[0], grid.view.table
    page = table.rows[row][slot[1]].page or table.row_page(row)  # columns continued on the next page
    return Quote(
        industry_label=industry[0],
        revenue_jpy=revenue[0],
        premium_jpy=premium,
        period=figure_period(grid, figures, slot),
        evidence=grid.evidence[row] if page == table.row_page(row) else table.row_text(row, page),
        page=page,
        line_index=grid.line_index[row],
        last_line_index=grid.last_line_index,
        option=option,
        attributed_by=max(industry[1], revenue[1], key=_SOURCE_ORDER.index),  # the farther
    )


#: how near each context is for a premium's period: the column header path (over its cell, up to
#: a section row) before its row, the rows above (the column past a section row) after it
_PERIOD_RANK: dict[Source, int] = {"cell": 0, "column_header": 1, "row_header": 2, "heading": 3, "caption": 5}


def _period_rank(context: tuple[Source, Slot | None, str], slot: Slot, section: int) -> int:
    """Given a context of a premium cell, the cell and the row of the nearest section row above it
    (-1 if none), return how near the context is for the period: the cell; its column header path;
    its row; the rows above with the column past the section row; the column below; the caption."""
    source, other, _ = context
    if source == "column_header" and other is not None and other[0] > slot[0]:
        return 4
    if source == "column_header" and other is not None and other[0] <= section:
        return _PERIOD_RANK["heading"]
    return _PERIOD_RANK[source]


def figure_period(grid: Grid, figures: dict[Slot, Figure], slot: Slot) -> Period | None:
    """Given a grid, its figures and a premium cell, return the period the nearest context naming one
    states: its own cell (年額 41,040円), its column header path (年払保険料 over 87,600, beside a
    月払保険料 column), its row label, the rows above (a section row 年間保険料の目安), then the
    caption; None if none does.

    A figure names no period of another; a section row or a caption names one only where it names
    the premiums (a caption's 一括払 says how a year's premium is paid). A section row is a row
    of one cell: the column above it belongs to another block.
    """
    if (spread := spread_period(grid, slot)) is not None:
        return spread
    rows = [r for r, _ in grid.cells]
    section = max((r for r in set(rows) if r < slot[0] and rows.count(r) == 1), default=-1)
    contexts = sorted(_contexts(grid, figures, slot), key=lambda found: _period_rank(found, slot, section))
    for source, other, text in contexts:
        if other is not None and other != slot and other in figures:
            continue
        cell_like = source in ("cell", "row_header", "column_header")
        if (cell_like or contains_any(text, cues("premium"))) and (
            period := label_to_period(axis_name(text, source == "row_header"))
        ):
            return period
    return None


def named_periods(text: str) -> list[Period]:
    """Given a label, return the premium periods it names in the order printed (年払（円）月払（円）
    → annual, monthly), each once."""
    norm = squeeze(nfkc(text))
    for cue in sorted(cues("revenue"), key=len, reverse=True):
        norm = norm.replace(cue, "|")  # 年間売上高 names a revenue, not an annual premium
    found = sorted(
        (norm.find(squeeze(w)), name) for name, ws in period_cues() for w in ws if squeeze(w) in norm
    )
    return list(dict.fromkeys(name for _, name in found))


def spread_period(grid: Grid, slot: Slot) -> Period | None:
    """Given a grid and a premium cell whose column has no header of its own, return the period a
    header to its left names in turn: a header naming several periods over as many columns (a
    clipped 年払（円月払（円） over 58200 | 5090) names the first for its own column, the next
    for the one after; None where no such header is."""
    r, c = slot
    for row in range(r - 1, -1, -1):
        own, origin = grid.view.text(row, c), grid.view.origin(row, c)
        if cell_amount(own, grid.unit) is not None:
            continue  # a figure of the rows above
        if own.strip() and origin == (row, c):
            return None  # the column's own header names its period
        left = (
            origin[1]
            if own.strip()
            else next((k for k in range(c - 1, -1, -1) if grid.view.text(row, k).strip()), None)
        )
        periods = named_periods(grid.view.text(row, left)) if left is not None else []
        if len(periods) > 1:
            return periods[c - left] if left is not None and c - left < len(periods) else None
    return None


def grid_to_quotes(grid: Grid) -> list[Quote]:
    """Given a grid that a premium cue heads, return one Quote per premium cell it prints (a column
    converting another, 月額換算 or 参考, quotes nothing of its own beside it)."""
    heads = (*grid.page_heading, *grid.caption, *grid.cells.values())
    if not any(contains_any(text, cues("premium")) for text in heads):
        return []
    figures = grid_figures(grid)
    found: list[tuple[Quote, bool]] = []
    for slot, figure in sorted(figures.items()):
        if figure.kind == "premium" and (quote := premium_quote(grid, figures, slot)):
            found.append((quote, contains_any(figure.name, cues("derived"))))
    quoted = {quote.evidence for quote, derived in found if not derived}
    return [quote for quote, derived in found if not derived or quote.evidence not in quoted]


def _grid_unit(texts: list[str]) -> str | None:
    """Given a grid's caption and cell texts, return the unit they declare for its figures (a unit
    declared for revenues only, 売上高（百万円）, is not theirs)."""
    for text in texts:
        declared = revenue_unit(text)
        if unit := text_to_default_unit(text[declared[0] :] if declared else text):
            return unit
    return None


def _header_rows(table: Table) -> int:
    """Given a table, return its header rows: those its source marks, else the leading rows that
    hold no figure or whose figures an axis corner names (業種＼売上高 | 1億円), up to the first
    row headed by an industry or a figure."""
    declared = declared_header_rows(table)
    if declared:
        return declared
    for index, row in enumerate(table.rows):
        if row and (row[0].covered or not row[0].text.strip()):
            continue  # under a header spanning down (業種 over two header rows)
        first = next((cell.text for cell in row if cell.text.strip()), "")
        figures = any(cell_amount(cell.text, None) for cell in row)
        axis = contains_any(first, cues("revenue") + cues("industry_axis"))
        if is_industry_label(first) or cell_amount(first, None) or (figures and not axis):
            return index
    return 0


def table_to_grid(lines: list[Line], table: Table, tables: list[Table]) -> Grid:
    """Given the document's lines, a table and all tables, return the table as a grid with its caption."""
    caption = tuple(line.text for line in table_caption(lines, table, tables, CAPTION_LINES))
    # on a page with geometry, every line above the table on its page heads it too
    above = table_caption(lines, table, tables, len(lines)) if table.bbox is not None else []
    anchor = table_anchor(lines, table)
    view = table_to_view(table, _header_rows(table))
    return Grid(
        view=view,
        evidence=tuple(table.row_text(i) for i in range(len(table.rows))),
        line_index=(anchor,) * len(table.rows),
        last_line_index=anchor + len(table.rows) - 1 if anchor is not None else None,
        caption=caption,
        page_heading=tuple(line.text for line in above),
        # a table of bare figures with no unit anywhere near it quotes yen (the document default)
        unit=_grid_unit([*reversed(caption), *(cell.text for row in table.rows for cell in row)]) or "円",
    )


def is_sibling(previous: Grid, grid: Grid) -> bool:
    """Given two consecutive tables' grids, return whether the second repeats the first's header row
    on its page (a plan's table beside another): the heading over the first captions both."""
    first, second = previous.view.table, grid.view.table
    return first.page == second.page and bool(first.rows) and first.texts()[:1] == second.texts()[:1]


def line_cells(text: str) -> tuple[Cell, ...]:
    """Given a line of a text grid, return its cells: the words between spaces, rules and leaders."""
    cells: list[str] = []
    for piece in (p.strip() for p in _WORD_BREAK.split(unspace(text))):
        if cells and piece in YEN_UNITS:
            cells[-1] += piece  # 52,000 円: a unit spaced off its figure
        elif piece:
            cells.append(piece)
    return tuple(Cell(cell) for cell in cells)


def _is_sentence(text: str) -> bool:
    """Given a line, return whether it is a sentence (a 。 in a line of prose length)."""
    return "。" in text and len(squeeze(text)) >= prose_min_chars()


def _is_prose(text: str) -> bool:
    """Given a line, return whether it is prose about something else than the premiums (it ends a
    block of grid lines; a sentence about the premiums is the grid's note)."""
    return _is_sentence(text) and not contains_any(text, cues("premium"))


def _caption(lines: list[Line], first: int) -> tuple[str, ...]:
    """Given a document's lines and a grid's first line, return the lines above it read as its
    caption (prose about something else ends a caption)."""
    above = itertools.takewhile(
        lambda i: not _is_prose(lines[i].text), range(first - 1, max(-1, first - 1 - CAPTION_LINES), -1)
    )
    return tuple(lines[i].text for i in sorted(above))


def lines_to_grids(lines: list[Line], skip: set[int]) -> list[Grid]:
    """Given a document's lines and those already read as tables, return each block of short lines
    (cut at prose and at headings) as a grid of one row per line."""
    blocks: list[list[int]] = []
    for index, line in enumerate(lines):
        if index in skip or _is_prose(line.text):
            blocks.append([])
        elif _is_heading(line.text) or not blocks:
            blocks.append([index])
        else:
            blocks[-1].append(index)
    return [rows_to_grid(lines, [range(i, i + 1) for i in block], None) for block in blocks if block]


def rows_to_grid(lines: list[Line], rows: list[range], header_rows: int | None) -> Grid:
    """Given a document's lines, a grid's rows as line ranges and its header rows, return the grid,
    its caption the lines above: a row of one line holds its words, a row of several one cell per
    line (a table printed one cell per line, under `header_rows` header rows; the other has its
    own and its notes are read from each row down)."""
    cells = [
        line_cells(lines[row[0]].text) if len(row) == 1 else [Cell(lines[i].text) for i in row]
        for row in rows
    ]
    table = Table(lines[rows[0][0]].page, tuple(tuple(row) for row in cells))
    caption = _caption(lines, rows[0][0])
    return Grid(
        view=TableView(
            table, _header_rows(table) if header_rows is None else header_rows, MappingProxyType({})
        ),
        evidence=tuple("\n".join(lines[i].text for i in row) for row in rows),  # as the page prints it
        line_index=tuple(row[0] for row in rows),
        last_line_index=None if header_rows is None else rows[-1][-1],
        caption=caption,
        unit=_grid_unit([*reversed(caption), *(lines[i].text for row in rows for i in row)]),
    )


def _is_bare_figure(text: str) -> bool:
    """Given a line, return whether it holds one amount and nothing else (87,600, 2億円): a cell of
    a table printed one cell per line."""
    found = range_amounts(text, "円")
    return len(found) == 1 and not squeeze(text[: found[0].start] + text[found[0].end :])


def flattened_tables(lines: list[Line], skip: set[int]) -> list[tuple[int, int, int]]:
    """Given a document's lines and those already read, return (first line, width, data rows) of each
    table printed one cell per line (a CSS-grid table): its rows open with a label followed by a
    figure at a constant distance (the width), each row has the first's shape, and as many label
    lines above the first row, one naming the premiums, are its header row."""
    bare = [_is_bare_figure(line.text) for line in lines]
    starts = [i for i in range(len(lines) - 1) if not bare[i] and bare[i + 1]]
    found: list[tuple[int, int, int]] = []
    end = 0  # where the last table found ends: a row start inside it opens no other
    for start, following in itertools.pairwise(starts):
        width = following - start
        first = start - width
        if width < 2 or first < end:
            continue
        rows = 0
        while bare[start + rows * width : start + (rows + 1) * width] == bare[start:following]:
            rows += 1
        block = range(first, start + rows * width)
        header = [lines[i].text for i in range(first, start)]
        if (
            rows >= 2
            and not any(bare[first:start])
            and not skip.intersection(block)
            and len({lines[i].page for i in block}) == 1
            and any(contains_any(text, cues("premium")) for text in header)
        ):
            found.append((first, width, rows))
            end = block.stop
    return found


# --- quotes in one sentence or one labelled row ----------------------------------------------

SentenceQuote = tuple[str, int, int, Period | None]  # industry, revenue, premium, period


def _last_cue(text: str, cue_words: tuple[str, ...]) -> int:
    """Given text, return the end of the last cue word in its NFKC form, or -1 if none is there."""
    norm = nfkc(text)
    return max((norm.rfind(cue) + len(cue) for cue in cue_words if cue in norm), default=-1)


def _role(gap: str, before: str) -> str | None:
    """Given the text since the previous amount and all text before an amount, return what it quotes.

    The cue nearest before the amount in its clause decides (年間保険料（製造業・売上高10億円 →
    revenue); an amount with no cue of its own after a premium cue is a further premium (one
    per plan column).
    """
    clause = _CLAUSE_BREAK.split(nfkc(gap))[-1]
    revenue, premium = _last_cue(clause, cues("revenue")), _last_cue(clause, cues("premium"))
    if revenue >= 0 or premium >= 0:
        return "revenue" if revenue > premium else "premium"
    return "premium" if contains_any(before, cues("premium")) else None


def _before_revenue_cue(text: str) -> str:
    """Given text, return its NFKC form up to the first revenue cue (年間売上高 names no period)."""
    norm = nfkc(text)
    starts = [norm.find(cue) for cue in cues("revenue") if cue in norm]
    return norm[: min(starts)] if starts else norm


def text_to_sentence_quotes(text: str) -> list[SentenceQuote]:
    """Given one line, return (industry, revenue, premium, period) for each premium it quotes in prose
    or in one labelled row.

    `例：売上高10億円の製造業の場合 年間保険料 123,450円`, `月額保険料 4,500円（売上高3億円・
    小売業）`, or a plan table's row `年間保険料（製造業・売上高10億円の場合） | 62,400円 |
    118,800円` (one premium per plan): one amount cued as the revenue (売上高), the others cued
    as premiums (保険料), and exactly one industry word. A line naming several revenues or
    industries is a grid's; a starting price (月額 2,000円～, 約4万円から) quotes nothing.
    """
    if not (contains_any(text, cues("premium")) and contains_any(text, cues("revenue"))):
        return []
    matches = find_amounts(text)
    gaps = [text[matches[i - 1].end if i else 0 : m.start] for i, m in enumerate(matches)]
    roles = [_role(gap, text[: m.start]) for gap, m in zip(gaps, matches, strict=True)]
    revenues = [m for m, role in zip(matches, roles, strict=True) if role == "revenue"]
    premiums = [m for m, role in zip(matches, roles, strict=True) if role == "premium"]
    if len(revenues) != 1 or not premiums or None in roles:
        return []
    if any(m.amount.per_unit is not None for m in premiums) or is_floor(text, premiums):
        return []  # 1名あたり500円 is no premium, 約4万円から a floor, not the premium of a quote
    # amounts blanked out, so that 3億円・小売業 gives 小売業
    blanked = "".join(" " if any(m.start <= i < m.end for m in matches) else ch for i, ch in enumerate(text))
    industries = text_to_industry_words(blanked)
    if len(industries) != 1:
        return []
    start, end = industries[0]
    industry = nfkc(blanked)[start:end]
    periods = figure_periods([gaps[matches.index(m)] for m in premiums], text[: revenues[0].start])
    return [
        (industry, revenues[0].amount.total_yen, m.amount.total_yen, period)
        for m, period in zip(premiums, periods, strict=True)
    ]


def figure_periods(labels: list[str], head: str) -> list[Period | None]:
    """Given the words right before each premium of a line (its own label or parenthetical) and the
    line's words before its revenue, return each premium's period: the one its own label names
    (月払保険料：3,420円（年額 41,040円） → monthly, annual), else the previous premium's, else
    the one the line's head names (年間保険料（製造業・ → annual for every plan column)."""
    periods: list[Period | None] = []
    for label in labels:
        inherited = periods[-1] if periods else label_to_period(_before_revenue_cue(head))
        periods.append(label_to_period(_before_revenue_cue(label)) or inherited)
    return periods


@lru_cache(maxsize=1 << 14)
def is_industry_line(text: str) -> bool:
    """Given a line, return whether it only names one industry, maybe with the revenue its quotes
    are for (a list item over its quotes: ・製造業, ・小売業（売上高2億円）)."""
    label = clean_label(_before_revenue_cue(text).rstrip("(（[【 "))
    amounts = len(find_amounts(text))
    figures_ok = amounts == 0 or (amounts == 1 and text_revenue(text) is not None)
    return figures_ok and len(text_to_industry_words(label)) == 1 and is_industry_label(label)


def block_heading(lines: list[Line], index: int) -> int | None:
    """Given lines and a line's index, return the index of the nearest line above it that heads a
    section (■…, 【…】, h1–h6), at most CONTEXT_LINES up, or None."""
    above = range(index - 1, max(0, index - CONTEXT_LINES) - 1, -1)
    return next((i for i in above if lines[i].level is not None or _is_heading(lines[i].text)), None)


def enclosing_context(lines: list[Line], index: int) -> tuple[str, Attribution] | None:
    """Given lines and a line's index, return the text of what encloses it and names a quote's
    parts: the industry line it is listed under (・製造業 over ・売上高1億円：年額45,600円) and the
    heading of its block (■保険料（建設業、前年度売上高8億円）), up to that heading; None if neither."""
    heading = block_heading(lines, index)
    stop = max(0, index - CONTEXT_LINES) - 1 if heading is None else heading
    industry = next((i for i in range(index - 1, stop, -1) if is_industry_line(lines[i].text)), None)
    found = [lines[i].text for i in (heading, industry) if i is not None]
    return ("、".join(found), "heading" if industry is None else "list_item") if found else None


def line_to_sentence_quotes(lines: list[Line], index: int) -> tuple[list[SentenceQuote], Attribution]:
    """Given lines and a line's index, return the quotes of the line, read alone or, when it
    quotes nothing alone, in the context enclosing it (its figures only)."""
    text = unspace(lines[index].text)
    if (alone := text_to_sentence_quotes(text)) or not find_amounts(text):
        return alone, "sentence"
    if (context := enclosing_context(lines, index)) is None:
        return [], "sentence"
    # a figure its own clause names as a limit or deductible (支払限度額1億円) quotes no premium
    own = {
        m.amount.total_yen
        for m in find_amounts(text)
        if not contains_any(
            _CLAUSE_BREAK.split(nfkc(text[: m.start]))[-1], cues("limit") + cues("deductible")
        )
    }
    quotes = text_to_sentence_quotes(f"{unspace(context[0])}、{text}")
    # the context may give the industry and revenue, never the premium
    return [q for q in quotes if q[2] in own], context[1]


def lines_to_sentence_quotes(lines: list[Line]) -> list[Quote]:
    """Given a document's lines, return the premiums quoted in prose or in one labelled row."""
    quotes = []
    for index, line in enumerate(lines):
        found, attribution = line_to_sentence_quotes(lines, index)
        quotes += [
            Quote(
                printed_label(industry),
                revenue,
                premium,
                period or heading_period(lines, index),
                line.text,
                line.page,
                index,
                attributed_by=attribution,
            )
            for industry, revenue, premium, period in found
            if 0 < premium <= revenue * MAX_PREMIUM_SHARE
        ]
    return quotes


def heading_period(lines: list[Line], index: int) -> Period | None:
    """Given a document's lines and a line's index, return the period its block's heading names
    (【保険料（月払・12回払）】 over the quotes of its lines) where it names the premiums, or None."""
    heading = lines[at].text if (at := block_heading(lines, index)) is not None else ""
    return label_to_period(heading) if contains_any(heading, cues("premium")) else None


# --- quote conditions -----------------------------------------------------------------------


def _sections_named(text: str) -> list[str]:
    """Given the words before a condition amount (賠償 → liability; 賠償・費用各1億円 → both) or after
    a limit (（賠償損害・費用損害共通）), return the sections they name."""
    return [kind for kind in ("liability", "expense") if contains_any(text, cues(kind))]


def _condition_values(text: str) -> list[tuple[str, int]]:
    """Given condition text, return (kind, yen) of every liability, expense and deductible amount it states.

    A limit that names no section before it (支払限度額：1億円) applies to the sections its
    clause names after it (（賠償・費用共通）), or else to every section. 免責金額なし is 0.
    """
    found: list[tuple[str, int]] = []
    position = 0
    matches = find_amounts(text)
    for number, match in enumerate(matches):
        label = _CLAUSE_BREAK.split(text[position : match.start])[-1] or text[position : match.start]
        if match.amount.per_unit is not None:
            kinds = []  # 1名あたり500円 is no limit
        elif contains_any(label, cues("deductible")):
            kinds = ["deductible"]
        else:
            kinds = _sections_named(label)
        if not kinds and contains_any(label, cues("limit")):
            following = matches[number + 1].start if number + 1 < len(matches) else len(text)
            aside = _CLAUSE_BREAK.split(text[match.end : following])[0]
            kinds = _sections_named(aside) or ["liability", "expense"]
        found += [(kind, match.amount.total_yen) for kind in kinds]
        position = match.end
    if re.search(
        "(?:" + "|".join(map(re.escape, cues("deductible"))) + r")\s?[::]?\s?(?:なし|無し|ゼロ)",
        squeeze(text),
    ):
        found.append(("deductible", 0))
    return found


def _installments(text: str) -> int | None:
    """Given condition text, return the number of premium payments it states (12分割 → 12)."""
    if match := _INSTALLMENTS.search(squeeze(text)):
        return int(match.group(1))
    payments = ((1, "lump_sum_payment"), (12, "monthly_payment"))
    return next((count for count, key in payments if contains_any(text, cues(key))), None)


def _effective_from(text: str) -> dt.date | None:
    """Given condition text, return the policy start date it states (2025年4月以降保険始期).

    Among the quote conditions a date that policies start on or after is the start: one in
    a clause with a start cue (始期), or one followed by 以降 (…以降に保険期間が始まる契約).
    """
    for clause in _CLAUSE_BREAK.split(nfkc(text)):
        if contains_any(clause, cues("start")) and (date := text_to_date(clause)):
            return date
        for mention in text_to_dates(clause):
            if squeeze(clause[mention.end :]).startswith(cues("start_after_date")):
                return mention.date
    return None


def text_to_conditions(text: str, sure: bool = False) -> Conditions:
    """Given the text of a quote-conditions block, return the conditions it states: of each limit
    and deductible the first value, or (sure) only one it never states otherwise.

    Around a grid a limit or deductible stated twice with different values (two plans captioned
    on one line) is left unknown rather than guessed.
    """
    values: dict[str, list[int]] = {}
    for kind, yen in _condition_values(text):
        values.setdefault(kind, []).append(yen)
    amounts = {kind: found[0] for kind, found in values.items() if not sure or len(set(found)) == 1}
    return Conditions(
        liability_limit_jpy=amounts.get("liability"),
        expense_limit_jpy=amounts.get("expense"),
        deductible_jpy=amounts.get("deductible"),
        installments=_installments(text),
        effective_from=_effective_from(text),
        period=_conditions_period(text),
    )


def _conditions_period(text: str) -> Period | None:
    """Given condition text, return the premium period its clauses name (一時払, 月払), or None.

    An amount stated as a year's premium (保険料は年額、一時払) is annual however it is paid:
    the payment word decides only when no clause names the premium's period as a year.
    """
    # conditions list the policy term apart from how it is paid (保険期間1年／払込方法：一時払)
    periods = [label_to_period(clause, term=False) for clause in _CLAUSE_BREAK.split(nfkc(text))]
    if "annual" not in periods and contains_any(text, cues("lump_sum_payment")):
        return "lump_sum"
    return next((period for period in periods if period is not None), None)


def is_condition_line(text: str) -> bool:
    """Given a line after a condition cue, return whether it may still state a condition.

    A heading (■…, 【…】) starts what comes next; a sentence or a long line is prose.
    """
    norm = nfkc(text).strip()
    return (
        len(norm) <= CONDITION_LINE_MAX_CHARS
        and not norm.startswith(cues("block_breaks"))
        and not _is_sentence(norm)
    )


def condition_blocks(lines: list[Line]) -> list[tuple[int, str]]:
    """Given a document's lines, return (line index, text) of each block that follows a condition cue."""
    blocks: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if contains_any(line.text, cues("conditions")):
            following = lines[index + 1 : index + 1 + CONDITION_LINES]
            block = itertools.takewhile(lambda other: is_condition_line(other.text), following)
            blocks.append((index, "\n".join([line.text, *(other.text for other in block)])))
    return blocks


def conditions_for(blocks: list[tuple[int, str]], line_index: int | None) -> Conditions:
    """Given the condition blocks and a grid's line index, return the conditions of the nearest block."""
    if not blocks:
        return Conditions()
    if line_index is None:
        return text_to_conditions(blocks[0][1])
    distance, text = min((abs(index - line_index), text) for index, text in blocks)
    return text_to_conditions(text) if distance <= CONDITION_MAX_DISTANCE else Conditions()


def is_grid_line(text: str) -> bool:
    """Given a line, return whether it reads as a row of a grid: short, with an amount, no sentence."""
    norm = squeeze(text)
    return "。" not in norm and len(norm) < prose_min_chars() and bool(find_amounts(text))


def _is_band_heading(text: str) -> bool:
    """Given a line, return whether it heads a revenue band of a grid list (■売上高1億円の場合)."""
    cued = all(contains_any(text, cues(key)) for key in ("revenue", "band_words"))
    return cued and _is_heading(text) and len(find_amounts(text)) == 1


def _is_heading(text: str) -> bool:
    """Given a line, return whether it heads a section (■…, 【…】, # …)."""
    return nfkc(text).strip().startswith(cues("block_breaks"))


def context_text(lines: list[Line], index: int, last: int | None = None) -> str:
    """Given lines, a grid row's index (and the grid's last line), return the text printed around
    the grid: its caption and notes.

    Up from the row: the lines of the grid and its caption, through the section heading or a
    line naming the premiums, and not past prose about something else. Down from the row:
    past the grid's rows (lines with figures), the footnotes right under it.
    """
    above: list[str] = []
    read = 0
    for line in reversed(lines[max(0, index - CONDITION_MAX_DISTANCE) : index]):
        text = line.text
        if _is_prose(text):
            break
        above.append(text)
        # ■売上高5億円の場合 heads a sibling grid of the same list, whose caption is ours too; a row
        # of a sibling grid (製造業　年間保険料　48,500円) names no section
        if _is_band_heading(text) or (not _is_heading(text) and is_grid_line(text)):
            continue
        # a line naming the premiums ends the caption, unless it ends a sentence broken over
        # lines (…年間保険料（一時払）の例です。), whose start above still states the conditions
        if _is_heading(text) or (contains_any(text, cues("premium")) and "。" not in text):
            break
        read += 1
        if read >= CONTEXT_LINES:
            break
    below: list[str] = []
    after = (index if last is None else last) + 1
    for line in lines[after : after + CONTEXT_LINES]:
        if starts_with_footnote(line.text):  # a footnote (※…, 注…, *1…)
            below.append(line.text)
        elif below or _is_heading(line.text) or not any(ch.isdigit() for ch in line.text):
            break
    return "\n".join([*reversed(above), *below])


# --- the document ---------------------------------------------------------------------------


def _is_label(text: str) -> bool:
    """Given a cell, return whether it is a label: text holding no figure."""
    return bool(text.strip()) and not any(ch.isdigit() for ch in nfkc(text))


def table_sections(table: Table) -> list[Table]:
    """Given a table, return it cut before each row opening with a heading mark (■保険料一覧 …):
    blocks a reader read as one table because their columns align, each with its own header."""
    starts = [i for i, row in enumerate(table.rows) if i and row and _is_heading(row[0].text)]
    bounds = [0, *starts, len(table.rows)]
    return [replace(table, rows=table.rows[a:b]) for a, b in itertools.pairwise(bounds) if b > a]


def joined_tables(tables: list[Table]) -> list[Table]:
    """Given a document's tables, return them with the columns a table continues on the next page
    (a grid wider than the page, its row labels not repeated) or the rows it continues there (its
    header not repeated) joined to it."""
    joined: list[Table] = []
    for table in (section for whole in tables for section in table_sections(whole)):
        if joined and continues_columns(joined[-1], table, _is_label):
            joined[-1] = join_columns(joined[-1], table)
        elif joined and continues_rows(joined[-1], table):
            joined[-1] = join_rows(joined[-1], table)
        else:
            joined.append(table)
    return joined


def document_to_quotes(document: Document) -> list[Quote]:
    """Given a Document, return the premiums of its tables, then those only its lines hold (lines
    repeating a table's rows are left to its cells, the better evidence)."""
    lines = list(document.iter_lines())
    quotes: list[Quote] = []
    covered: set[int] = set()
    tables = list(document.iter_tables())
    previous: Grid | None = None
    for table in joined_tables(tables):  # a table's lines are read through its cells, never again as lines
        grid = table_to_grid(lines, table, tables)
        if previous is not None and is_sibling(previous, grid):
            grid = replace(grid, caption=previous.caption + grid.caption)
        quotes += grid_to_quotes(grid)
        previous = grid
    for table in tables:
        covered |= table_lines(lines, table)
    for first, width, rows in flattened_tables(lines, covered):  # read as a table, never again as lines
        cell_rows = [range(first + k * width, first + (k + 1) * width) for k in range(rows + 1)]
        quotes += grid_to_quotes(rows_to_grid(lines, cell_rows, 1))
        covered |= set(range(first, first + width * (rows + 1)))
    for grid in lines_to_grids(lines, covered):
        quotes += grid_to_quotes(grid)
    quoted = {q.line_index for q in quotes} | covered
    quotes += [q for q in lines_to_sentence_quotes(lines) if q.line_index not in quoted]
    unique: dict[tuple[str, int, int], Quote] = {}
    for quote in quotes:  # a repeat of one (industry, revenue, premium) is left to the first
        unique.setdefault((squeeze(quote.industry_label), quote.revenue_jpy, quote.premium_jpy), quote)
    return list(unique.values())


def document_to_premiums(document: Document, doc_id: str) -> list[PremiumRecord]:
    """Given a Document and its id, return one PremiumRecord per premium its grids quote.

    The conditions of the nearest condition block (試算条件) come first; what it leaves unknown
    is filled from the grid's caption and notes (a quote in a sentence has neither).
    """
    lines = list(document.iter_lines())
    blocks = condition_blocks(lines)
    records: list[PremiumRecord] = []
    for quote in document_to_quotes(document):
        conditions = conditions_for(blocks, quote.line_index)
        if quote.attributed_by != "sentence" and quote.line_index is not None:
            around = text_to_conditions(
                context_text(lines, quote.line_index, quote.last_line_index), sure=True
            )
            conditions = Conditions(  # each field the block leaves unknown filled from around the grid
                *(
                    value if value is not None else getattr(around, name)
                    for name, value in vars(conditions).items()
                )
            )
        option = quote.option
        if option is not None and option.kind == "limit":  # a limit naming no section is every section's
            named = _sections_named(option.name) or ["liability", "expense"]
            liability = option.yen if "liability" in named else conditions.liability_limit_jpy
            expense = option.yen if "expense" in named else conditions.expense_limit_jpy
            conditions = replace(conditions, liability_limit_jpy=liability, expense_limit_jpy=expense)
        elif option is not None:
            conditions = replace(conditions, deductible_jpy=option.yen)
        records.append(
            PremiumRecord(
                doc_id=doc_id,
                industry_label=quote.industry_label,
                jsic_code=label_to_jsic(quote.industry_label),
                annual_revenue_jpy=quote.revenue_jpy,
                premium_jpy=quote.premium_jpy,
                premium_period=quote.period or conditions.period or DEFAULT_PERIOD,
                installments=conditions.installments,
                liability_limit_jpy=conditions.liability_limit_jpy,
                expense_limit_jpy=conditions.expense_limit_jpy,
                deductible_jpy=conditions.deductible_jpy,
                effective_from=conditions.effective_from,
                page=quote.page,
                evidence=quote.evidence,
                attributed_by=quote.attributed_by,
            )
        )
    return records
