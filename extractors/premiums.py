"""Premium grids (保険料表): quoted premiums by industry and revenue, with their quote conditions.

A grid is read as a stream of tokens (industry labels, amounts, cue words, blanks), the same
way whether it comes as a table (one token per cell) or as lines of text (one token per
word or amount), so that one reading covers the three common shapes:

- a matrix: a header of revenues (業種＼売上高 | 1億円 | 5億円), then rows `industry | premium …`;
- bands: a revenue heading (売上高5億円の場合), then `industry premium` pairs, in rows or
  all on one line;
- a transposed matrix: a header of industries, then rows `revenue | premium …`;
- options under a band: a revenue heading, then a header of limit options
  (業種 | 支払限度額 1,000万円 | 5,000万円), then rows `industry | premium …`: every column
  quotes the band's revenue, each with its own limit (or deductible);
- one industry's grid: a heading naming the industry (保険料例（製造業の場合）), then rows
  `revenue | premium …` under columns such as 月払 | 年払.

Outside grids, a sentence or a labelled row that names one revenue, one industry and its
premium(s) quotes them too (例：売上高10億円の製造業の場合 年間保険料 123,450円); a starting
price (月額 2,000円～) quotes nothing. Conditions a grid's caption and notes state fill what
a condition block (試算条件) leaves unknown.

A revenue printed as a range (1億円超5億円以下, 1億円～5億円) is published at its upper
bound, the most revenue the premium applies to; an open band (10億円超) at its one bound.
A cell that quotes nothing (個別見積, 対象外, —) keeps its column. A premium cue holds for
the grids that follow it until prose ends the section, so that a second table under one
heading (売上高10億円の場合) counts too.

A grid counts only where a premium cue (保険料, …) is printed in it or just above it; a
document without one publishes no premium rows. Cue words are data (`data/premiums.yaml`).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Literal

from extractors.amounts import Amount, AmountMatch, find_amounts, nfkc_with_offsets, text_to_default_unit
from extractors.dates import text_to_date, text_to_dates
from extractors.document import Document, Line, Table, nfkc
from extractors.industries import is_industry_label, label_to_jsic, text_to_industry_words
from extractors.records import PremiumRecord
from extractors.text_utils import (
    clean_label,
    contains_any,
    load_data,
    printed_label,
    squeeze,
    strip_note_marks,
    table_anchor,
    table_caption,
    table_lines,
    unspace,
    words,
)

#: rows above a grid's header in which its premium cue may stand (a title over the table)
CUE_LOOKBACK_ROWS = 3
#: lines above a table read as its caption (the band heading, the unit, the premium cue)
CAPTION_LINES = 3
#: lines above a line in which a unit declaration such as (単位:円) still applies (prose ends it sooner)
UNIT_LOOKBACK_LINES = 40
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
#: a cell of a grid row that quotes nothing (個別見積, お見積りします) is at most this long
MAX_PLACEHOLDER_CHARS = 12

Period = Literal["monthly", "annual", "lump_sum"]
OptionKind = Literal["limit", "deductible"]
DEFAULT_PERIOD: Period = "annual"
_BLANK = re.compile(r"^[\-–—―‐ー－/・\s]*$")
_INSTALLMENTS = re.compile(r"(\d+)\s?(?:回分割|分割|回払)")
_CLAUSE_BREAK = re.compile(r"[、。,;\n]")
_ASIDE = re.compile(r"[(（][^)）]*[)）]")
#: what separates the words of a line: spaces, rules, and leaders between a label and its
#: figure (製造業……48,500円, 製造業・・・・48,500円, 製造業：48,500円)
_WORD_BREAK = re.compile(r"(?:[\s|｜]|[…‥]|[・･.．·]{2,}|[:：])+")
_NOTE_LINE = re.compile(r"^\s*(?:※|\*|[(（]?注\s?[\d)）:：])")


@dataclass(frozen=True)
class PremiumCues:
    """The cue words of premium grids and quote conditions, read from premiums.yaml."""

    premium: tuple[str, ...]
    revenue: tuple[str, ...]
    industry_axis: tuple[str, ...]
    periods: tuple[tuple[Period, tuple[str, ...]], ...]
    conditions: tuple[str, ...]
    placeholder: tuple[str, ...]
    limit: tuple[str, ...]
    deductible: tuple[str, ...]
    liability: tuple[str, ...]
    expense: tuple[str, ...]
    lump_sum_payment: tuple[str, ...]
    monthly_payment: tuple[str, ...]
    start: tuple[str, ...]
    start_after_date: tuple[str, ...]
    block_breaks: tuple[str, ...]
    range_joiners: tuple[str, ...]
    bound_words: tuple[str, ...]
    floor_words: tuple[str, ...]
    band_words: tuple[str, ...]
    derived: tuple[str, ...]
    prose_min_chars: int


@dataclass(frozen=True)
class Row:
    """One row of a grid: a table row's cells or one line, with the text to quote for it."""

    cells: tuple[str, ...]
    evidence: str
    page: int
    line_index: int | None  # position among the document's lines, for finding conditions
    quotable: bool = True  # caption rows set context but yield no premiums
    split_words: bool = True  # lines split at spaces; table cells stay whole
    default_unit: str | None = None
    last_line_index: int | None = None  # a table's last row among the lines (its notes follow)


@dataclass(frozen=True)
class Token:
    kind: Literal["label", "amount", "blank"]
    text: str
    row: int
    amount: Amount | None = None


@dataclass(frozen=True)
class Quote:
    """A premium read from a grid, before the quote conditions are attached."""

    industry_label: str
    revenue_jpy: int
    premium_jpy: int
    period: Period | None
    row: Row
    option_kind: OptionKind | None = None  # the column's quote condition, under a header of options
    option_jpy: int | None = None
    in_grid: bool = True  # read from a grid, whose caption and notes state its conditions


@dataclass(frozen=True)
class Conditions:
    """The quote conditions printed with a grid (試算条件)."""

    liability_limit_jpy: int | None = None
    expense_limit_jpy: int | None = None
    deductible_jpy: int | None = None
    installments: int | None = None
    effective_from: dt.date | None = None
    period: Period | None = None


@dataclass
class _Grid:
    """What the rows read so far say about the grid being read (mutable, one pass)."""

    revenues: list[Token] = field(default_factory=list)
    industries: list[Token] = field(default_factory=list)
    options: list[Token] = field(default_factory=list)  # limit or deductible columns under a band
    option_kind: OptionKind | None = None
    band: Token | None = None
    start_row: int = 0
    cue_row: int | None = None
    period: Period | None = None
    industry_band: Token | None = None  # one industry heading the grid (保険料例（製造業の場合）)
    band_columns: list[Token] = field(default_factory=list)  # its columns (売上高 | 月払 | 年払)


@cache
def load_cues() -> PremiumCues:
    """Given nothing, return the cue words of premiums.yaml."""
    data = load_data("premiums.yaml")
    periods = data.get("periods") or {}
    return PremiumCues(
        premium=words(data, "premium_cues"),
        revenue=words(data, "revenue_cues"),
        industry_axis=words(data, "industry_axis_cues"),
        periods=tuple(
            (name, tuple(nfkc(w) for w in periods[name])) for name in ("monthly", "annual", "lump_sum")
        ),
        conditions=words(data, "condition_cues"),
        placeholder=words(data, "placeholder_cues"),
        limit=words(data, "limit_cues"),
        deductible=words(data, "deductible_cues"),
        liability=words(data, "liability_cues"),
        expense=words(data, "expense_cues"),
        lump_sum_payment=words(data, "lump_sum_payment"),
        monthly_payment=words(data, "monthly_payment"),
        start=words(data, "start_cues"),
        start_after_date=words(data, "start_after_date"),
        block_breaks=words(data, "condition_block_breaks"),
        range_joiners=words(data, "range_joiners"),
        bound_words=words(data, "range_joiners") + words(data, "bound_words"),
        floor_words=words(data, "floor_words"),
        band_words=words(data, "band_words"),
        derived=words(data, "derived_cues"),
        prose_min_chars=int(data.get("prose_min_chars", 40)),
    )


# --- tokens -----------------------------------------------------------------------------


def merge_ranges(text: str, matches: list[AmountMatch], joiners: tuple[str, ...]) -> list[AmountMatch]:
    """Given amounts of one cell, return them with each range (1億円～5億円) kept as its upper bound."""
    merged: list[AmountMatch] = []
    for match in matches:
        if merged and squeeze(text[merged[-1].end : match.start]) in joiners:
            merged[-1] = AmountMatch(match.amount, merged[-1].start, match.end)
        else:
            merged.append(match)
    return merged


def gap_to_tokens(gap: str, row: int, split_words: bool) -> list[Token]:
    """Given the text between amounts, return its label tokens (split at spaces for lines)."""
    pieces = _WORD_BREAK.split(gap) if split_words else [gap]
    tokens: list[Token] = []
    for piece in pieces:
        if not piece.strip() or squeeze(piece) in load_cues().bound_words:
            continue  # 以下/以上/超 qualify the amount beside them
        if not strip_note_marks(piece).strip():
            continue  # 160,120※2: the mark points to a note, it is no cell of its own
        kind: Literal["label", "blank"] = "blank" if _BLANK.match(piece) else "label"
        tokens.append(Token(kind, piece.strip(), row))
    return tokens


def cell_to_tokens(text: str, row: int, split_words: bool, default_unit: str | None) -> list[Token]:
    """Given one cell (or line), return its tokens in order; an empty cell is one blank token."""
    if not split_words and _BLANK.match(text):
        return [Token("blank", text, row)]
    matches = merge_ranges(text, find_amounts(text, default_unit=default_unit), load_cues().range_joiners)
    tokens: list[Token] = []
    position = 0
    for match in matches:
        tokens.extend(gap_to_tokens(text[position : match.start], row, split_words))
        tokens.append(Token("amount", text[match.start : match.end], row, match.amount))
        position = match.end
    tokens.extend(gap_to_tokens(text[position:], row, split_words))
    if not tokens and not split_words:
        return [Token("blank", text, row)]  # a cell of only a note mark still holds its column
    return tokens


@cache
def _revenue_unit_pattern() -> re.Pattern[str]:
    """Given nothing, return the pattern of a revenue cue with a bracketed unit (売上高（百万円）)."""
    cues = "|".join(re.escape(cue) for cue in sorted(load_cues().revenue, key=len, reverse=True))
    return re.compile(rf"(?:{cues})[^()\s|]{{0,4}}\s?(\([^()]{{1,20}}\))")


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


def premium_unit(text: str) -> str | None:
    """Given a caption or line, return the unit it declares for the grid's values (not a revenue unit)."""
    declared = revenue_unit(text)
    if declared is not None:
        end, _ = declared
        text = text[end:]
    return text_to_default_unit(text)


def rows_to_tokens(rows: list[Row]) -> list[Token]:
    """Given the rows of a grid, return all their tokens in reading order.

    A revenue unit declared in a row (売上高（百万円）) holds for the rest of that row.
    """
    tokens: list[Token] = []
    for index, row in enumerate(rows):
        unit = row.default_unit
        for cell in row.cells:
            declared = revenue_unit(cell)
            if declared is None:
                tokens += cell_to_tokens(cell, index, row.split_words, unit)
                continue
            end, revenue = declared
            tokens += cell_to_tokens(cell[:end], index, row.split_words, unit)
            if cell[end:].strip():
                tokens += cell_to_tokens(cell[end:], index, row.split_words, revenue)
            unit = revenue
    return tokens


# --- reading a token stream ---------------------------------------------------------------


def label_to_period(text: str) -> Period | None:
    """Given a label, return the premium period it names (月額 → monthly), or None."""
    cues = load_cues()
    if contains_any(text, cues.revenue):
        return None  # 年間売上高 names a revenue, not an annual premium
    found = [
        (squeeze(text).find(squeeze(w)), name)
        for name, ws in cues.periods
        for w in ws
        if contains_any(text, (w,))
    ]
    return min(found)[1] if found else None


def is_placeholder(text: str) -> bool:
    """Given a label in a grid row, return whether it stands for a premium not quoted (個別見積)."""
    cues = load_cues()
    core = squeeze(clean_label(text))
    all_cues = (
        cues.premium + cues.revenue + cues.industry_axis + cues.conditions + cues.limit + cues.deductible
    )
    return (
        0 < len(core) <= MAX_PLACEHOLDER_CHARS
        and contains_any(core, cues.placeholder)
        and not any(ch.isdigit() for ch in core)
        and not is_industry_label(text)
        and not contains_any(text, all_cues)
        and label_to_period(text) is None
    )


def _values(tokens: list[Token], start: int, row: int, limit: int) -> list[Token]:
    """Given tokens, a start and the row of the token before it, return the values that token heads.

    A row that holds values keeps them to itself; a token that ends its row (a grid read one
    cell per line) takes at most `limit` values from the rows after it. A placeholder in the
    row (個別見積) is a blank value: it keeps its column; a premium word in the row (年額 before
    each amount) is no value at all.
    """
    run: list[Token] = []
    for token in tokens[start:]:
        if token.kind == "label" and token.row == row and is_premium_word(token.text):
            continue  # 年額 32,000円 | 年額 98,500円: the word in each cell only names its amount
        if token.kind == "label":
            if token.row != row or not is_placeholder(token.text):
                break
            token = replace(token, kind="blank")
        run.append(token)
    same_row = list(itertools.takewhile(lambda token: token.row == row, run))
    return same_row if same_row else run[:limit]


def _industry_run(tokens: list[Token], start: int) -> list[Token]:
    """Given tokens and a start, return the consecutive industry labels from there."""
    run: list[Token] = []
    for token in tokens[start:]:
        if token.kind != "label" or not is_industry_label(token.text):
            break
        run.append(token)
    return run


def _quote(
    industry: Token,
    revenue: Token,
    premium: Token,
    grid: _Grid,
    rows: list[Row],
    option: Token | None = None,
) -> Quote | None:
    """Given the tokens of one premium (and its option column), return its Quote if the grid allows it.

    A quote keeps the section's premium cue alive: the next grid of the section (a second
    band heading right after this table) is read under the same cue.
    """
    if premium.kind != "amount" or premium.amount is None or revenue.amount is None:
        return None
    row = rows[premium.row]
    if not row.quotable or grid.cue_row is None or grid.cue_row < grid.start_row - CUE_LOOKBACK_ROWS:
        return None
    revenue_jpy, premium_jpy = revenue.amount.total_yen, premium.amount.total_yen
    if premium.amount.per_unit is not None or not 0 < premium_jpy <= revenue_jpy * MAX_PREMIUM_SHARE:
        return None
    grid.cue_row = max(grid.cue_row, premium.row)
    option_jpy = option.amount.total_yen if option is not None and option.amount is not None else None
    column_period = label_to_period(option.text) if option is not None and option.kind == "label" else None
    return Quote(
        printed_label(industry.text),
        revenue_jpy,
        premium_jpy,
        column_period or grid.period,
        row,
        grid.option_kind if option_jpy is not None else None,
        option_jpy,
    )


def _read_industry(tokens: list[Token], i: int, grid: _Grid, rows: list[Row], out: list[Quote]) -> int:
    """Given an industry label at i, read its premiums (matrix row or band pair); return the next index."""
    header = _industry_run(tokens, i)
    if not grid.industries and len(header) >= 2:  # a header of industries: a transposed grid follows
        grid.industries, grid.revenues, grid.band = header, [], None
        grid.start_row = tokens[i].row
        return i + len(header)
    columns = grid.revenues or grid.options
    if grid.band is None and not grid.revenues and (long_columns := _long_columns(grid.options)) is not None:
        return _read_long_row(tokens, i, grid, rows, out, long_columns)
    start = i + 1
    while start < len(tokens) and tokens[start].row == tokens[i].row and is_premium_word(tokens[start].text):
        # 製造業　年間保険料　48,500円: the word names what the amounts after it are
        grid.period = label_to_period(tokens[start].text) or grid.period
        grid.cue_row = tokens[start].row if grid.cue_row is None else max(grid.cue_row, tokens[start].row)
        start += 1
    values = _values(tokens, start, tokens[i].row, max(len(columns), 1))
    triples: list[tuple[Token, Token, Token | None]]
    if grid.revenues and len(_trim(values)) <= len(grid.revenues) <= len(values):
        triples = [(revenue, value, None) for revenue, value in zip(grid.revenues, values, strict=False)]
    elif grid.band is not None and grid.options and len(_trim(values)) <= len(grid.options) <= len(values):
        triples = [(grid.band, value, option) for option, value in zip(grid.options, values, strict=False)]
    elif grid.band is not None and values:
        triples = [(grid.band, values[0], None)]
    else:
        triples = []
    for revenue, premium, option in triples:
        if quote := _quote(tokens[i], revenue, premium, grid, rows, option):
            out.append(quote)
    return start + len(values)


def _long_columns(options: list[Token]) -> tuple[int, list[int]] | None:
    """Given the labels heading a grid's columns after its industry column, return the index of
    the revenue column and those of the premium columns when the grid is in long format
    (業種 | 売上高 | 年間保険料 | 月額換算: one quote per row), else None.

    A premium column that converts another (月額換算, 参考) prints no quote of its own: it is
    read only when no other premium column is there.
    """
    cues = load_cues()
    if not options or any(t.kind != "label" for t in options):
        return None
    revenue = next(
        (k for k, t in enumerate(options) if _is_header_word(t.text) and contains_any(t.text, cues.revenue)),
        None,
    )
    premiums = [k for k, t in enumerate(options) if k != revenue and is_premium_word(t.text)]
    if revenue is None or not premiums:
        return None
    quoted = [k for k in premiums if not contains_any(options[k].text, cues.derived)]
    return revenue, quoted or premiums


def _read_long_row(
    tokens: list[Token],
    i: int,
    grid: _Grid,
    rows: list[Row],
    out: list[Quote],
    columns: tuple[int, list[int]],
) -> int:
    """Given an industry label at i heading a long-format row, read its quotes; return the next index."""
    values = _values(tokens, i + 1, tokens[i].row, len(grid.options))
    revenue_at, premium_at = columns
    if len(values) != len(grid.options) or values[revenue_at].kind != "amount":
        return i + 1 + len(values)
    for k in premium_at:
        if quote := _quote(tokens[i], values[revenue_at], values[k], grid, rows, grid.options[k]):
            out.append(quote)
    return i + 1 + len(values)


def is_premium_word(text: str) -> bool:
    """Given a label beside an industry in its row, return whether it only names the premium
    (年間保険料, 月額, 保険料（円）) rather than another cell: a short label without figures
    with a premium cue or a period word in it."""
    cues = load_cues()
    core = squeeze(clean_label(text))
    if not 0 < len(core) <= MAX_PLACEHOLDER_CHARS or any(ch.isdigit() for ch in core):
        return False
    if is_industry_label(text) or contains_any(text, cues.revenue):
        return False
    return contains_any(text, cues.premium) or label_to_period(text) is not None


def _header_values(tokens: list[Token], start: int) -> tuple[list[Token], OptionKind | None]:
    """Given tokens after an axis cue, return its header (amounts, blanks between them) and,
    where an option word (支払限度額, 免責金額) heads the amounts, the kind of option they are.

    Blanks before the first amount and cue words (売上高 over each column, 業種 in a corner
    a PDF reads after the header above it) are passed over, so that a two-row header
    (業種 | 売上高 / | 1億円 | 5億円) reads as one.
    """
    header: list[Token] = []
    option: OptionKind | None = None
    for token in tokens[start:]:
        if token.kind == "label":
            kind = option_word_kind(token.text)
            if kind is not None:  # over the amounts, or repeated over each column
                option = option or kind
                continue
            if not _is_header_word(token.text):
                break
        if header and token.row != header[-1].row and sum(t.row == header[-1].row for t in header) > 1:
            break  # a row of several revenues ends the header
        if token.kind == "amount" or (token.kind == "blank" and header):
            header.append(token)
    return header, option


def _trim(tokens: list[Token]) -> list[Token]:
    """Given values, return them without trailing blanks."""
    end = len(tokens)
    while end and tokens[end - 1].kind == "blank":
        end -= 1
    return tokens[:end]


def _read_axis(
    tokens: list[Token], i: int, grid: _Grid, revenue_cued: bool, option: OptionKind | None
) -> int:
    """Given a revenue, industry-axis or option cue at i, read the header or band after it."""
    header, header_option = _header_values(tokens, i + 1)
    header = _trim(header)
    option = None if revenue_cued else option or header_option
    amounts = [token for token in header if token.kind == "amount"]
    if not amounts and not revenue_cued and not grid.industries:
        columns = _label_columns(tokens, i)
        if columns:
            grid.options, grid.option_kind = columns, None
        return i + 1
    if grid.industries or not amounts:
        return i + 1
    if option is not None:
        if grid.band is None or len(amounts) < 2:
            return i + 1  # options without a band quote no revenue
        grid.options, grid.option_kind, grid.revenues = header, option, []
        return tokens.index(header[-1], i) + 1  # the band's row still starts the grid
    if len(amounts) >= 2:
        grid.revenues, grid.band = header, None  # blanks keep the columns aligned
    elif revenue_cued:
        grid.band, grid.revenues = amounts[0], []
    else:
        return i + 1
    grid.options, grid.option_kind = [], None
    grid.start_row = tokens[i].row
    return tokens.index(header[-1], i) + 1


def _label_columns(tokens: list[Token], i: int) -> list[Token]:
    """Given an industry-axis cue at i, return the labels heading the other columns of its row.

    Under a revenue band, `業種 | 月払保険料 | 年払保険料` or `業種 | Aプラン | Bプラン` give
    one premium per column; fewer than two such labels head no columns.
    """
    columns = [t for t in tokens[i + 1 :] if t.row == tokens[i].row]
    if len(columns) < 2 or any(t.kind != "label" or is_industry_label(t.text) for t in columns):
        return []
    return columns


def option_word_kind(text: str) -> OptionKind | None:
    """Given a label, return the option it names alone (支払限度額 → limit, 免責金額 → deductible)."""
    cues = load_cues()
    core = squeeze(_ASIDE.sub("", clean_label(text)))  # 支払限度額（1請求・保険期間中）
    if core in cues.deductible:
        return "deductible"
    return "limit" if core in cues.limit else None


def _is_header_word(text: str) -> bool:
    """Given a label, return whether it is only an axis word (売上高, 年商, 業種) over a column."""
    cues = load_cues()
    return squeeze(clean_label(text)) in cues.revenue + cues.industry_axis


def _is_row_label(tokens: list[Token], i: int) -> bool:
    """Given a label at i, return whether it heads its row and could name an industry not in the data."""
    cues = load_cues()
    text = tokens[i].text
    core = squeeze(clean_label(text))
    if i > 0 and tokens[i - 1].row == tokens[i].row:
        return False
    if not 0 < len(core) <= MAX_ROW_LABEL_CHARS or any(ch.isdigit() for ch in core):
        return False
    all_cues = cues.premium + cues.revenue + cues.industry_axis + cues.conditions
    return (
        not contains_any(text, all_cues)
        and label_to_period(text) is None
        and any(ch.isalpha() for ch in core)
    )


def _read_label(tokens: list[Token], i: int, grid: _Grid, rows: list[Row], out: list[Quote]) -> int:
    """Given a label token at i, update the grid from it and read what it starts; return the next index."""
    cues = load_cues()
    token = tokens[i]
    row_rest = list(itertools.takewhile(lambda t: t.row == token.row, tokens[i:]))
    row_text = " ".join(t.text for t in row_rest)
    if (
        contains_any(token.text, cues.industry_axis)
        and all(t.kind == "label" for t in row_rest)
        and (industry := band_industry(row_text))
    ):
        # 業種：全業種共通 (one row of labels) names the one industry of the grid below it
        grid.industry_band, grid.band_columns = replace(token, text=industry), []
        return i + len(row_rest)
    if grid.industry_band is not None and grid.band is not None and is_plan_label(tokens, i):
        return _read_plan_value(tokens, i, grid, rows, out)
    heads_row = grid.revenues or (grid.band is None and _long_columns(grid.options) is not None)
    if is_industry_label(token.text) or (heads_row and _is_row_label(tokens, i)):
        return _read_industry(tokens, i, grid, rows, out)
    has_premium = contains_any(token.text, cues.premium)
    revenue_cued = contains_any(token.text, cues.revenue)
    option = option_word_kind(token.text)
    axis_cued = revenue_cued or option is not None or contains_any(token.text, cues.industry_axis)
    if has_premium:
        grid.cue_row = token.row if grid.cue_row is None else max(grid.cue_row, token.row)
    if period := label_to_period(token.text):
        grid.period = period
    if revenue_cued and grid.industry_band is not None and (columns := _band_columns(tokens, i)):
        grid.band_columns, grid.start_row = columns, token.row
        return i + 1 + len(columns)
    if axis_cued:
        return _read_axis(tokens, i, grid, revenue_cued, option)
    if industry := band_industry(token.text):
        grid.industry_band, grid.band_columns = replace(token, text=industry), []
        return i + 1
    if not has_premium and len(squeeze(token.text)) >= cues.prose_min_chars:
        grid.revenues, grid.industries, grid.band, grid.cue_row = [], [], None, None  # prose ends a grid
        grid.options, grid.option_kind = [], None
        grid.industry_band, grid.band_columns = None, []
    return i + 1


def is_plan_label(tokens: list[Token], i: int) -> bool:
    """Given a label at i, return whether it only names the plan (A：, Bタイプ) of the amount after it."""
    cues = load_cues()
    text = tokens[i].text
    core = squeeze(clean_label(text))
    if i + 1 >= len(tokens) or tokens[i + 1].kind != "amount" or tokens[i + 1].row != tokens[i].row:
        return False
    if not 0 < len(core) <= MAX_PLACEHOLDER_CHARS or any(ch.isdigit() for ch in core):
        return False
    all_cues = (
        cues.premium
        + cues.revenue
        + cues.industry_axis
        + cues.conditions
        + cues.limit
        + cues.deductible
        + cues.liability
        + cues.expense
    )
    return not contains_any(text, all_cues) and label_to_period(text) is None and not is_industry_label(text)


def _read_plan_value(tokens: list[Token], i: int, grid: _Grid, rows: list[Row], out: list[Quote]) -> int:
    """Given a plan label at i under an industry band and a revenue band, read the premium after it."""
    if grid.industry_band is None or grid.band is None:
        return i + 1
    if quote := _quote(grid.industry_band, grid.band, tokens[i + 1], grid, rows, None):
        out.append(quote)
    return i + 2


def band_industry(text: str) -> str | None:
    """Given a label, return the one industry it heads a grid for (保険料例（製造業の場合）), or None.

    The label is short and says it is a case (の場合) or names the premiums; a sentence that
    mentions an industry heads nothing.
    """
    cues = load_cues()
    if len(squeeze(text)) > MAX_BAND_LABEL_CHARS:
        return None
    if not any(contains_any(text, words) for words in (cues.premium, cues.band_words, cues.industry_axis)):
        return None
    found = text_to_industry_words(text)
    if len(found) != 1:
        return None
    start, end = found[0]
    return nfkc(text)[start:end]


def _band_columns(tokens: list[Token], i: int) -> list[Token]:
    """Given a revenue cue at i under an industry band, return the labels heading its other columns.

    `売上高 | 月払 | 年払` or `売上高 | 年間保険料` give one premium per column; amounts in the
    row (a header of revenues) or industries make it another kind of header.
    """
    columns = [t for t in tokens[i + 1 :] if t.row == tokens[i].row]
    if not columns or any(t.kind != "label" or is_industry_label(t.text) for t in columns):
        return []
    return columns


def _read_band_row(
    tokens: list[Token], i: int, industry: Token, grid: _Grid, rows: list[Row], out: list[Quote]
) -> int:
    """Given a revenue amount at i under an industry band's columns, read the row's premiums."""
    values = _values(tokens, i + 1, tokens[i].row, len(grid.band_columns))
    if not 0 < len(_trim(values)) <= len(grid.band_columns) <= len(values):
        return i + 1
    for column, premium in zip(grid.band_columns, values, strict=False):
        if quote := _quote(industry, tokens[i], premium, grid, rows, column):
            out.append(quote)
    return i + 1 + len(values)


def _read_transposed(tokens: list[Token], i: int, grid: _Grid, rows: list[Row], out: list[Quote]) -> int:
    """Given a revenue amount at i under a header of industries, read the row's premiums."""
    values = _values(tokens, i + 1, tokens[i].row, len(grid.industries))
    if len(values) != len(grid.industries):
        return i + 1
    for industry, premium in zip(grid.industries, values, strict=True):
        if quote := _quote(industry, tokens[i], premium, grid, rows):
            out.append(quote)
    return i + 1 + len(values)


def rows_to_quotes(rows: list[Row]) -> list[Quote]:
    """Given the rows of a grid (or all lines of a document), return the premiums they quote."""
    tokens = rows_to_tokens(rows)
    grid = _Grid()
    quotes: list[Quote] = []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.kind == "label":
            i = _read_label(tokens, i, grid, rows, quotes)
        elif token.kind == "amount" and grid.industries:
            i = _read_transposed(tokens, i, grid, rows, quotes)
        elif token.kind == "amount" and grid.industry_band is not None and grid.band_columns:
            i = _read_band_row(tokens, i, grid.industry_band, grid, rows, quotes)
        else:
            i += 1
    return quotes


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
    cues = load_cues()
    clause = re.split(r"[、。,;]", nfkc(gap))[-1]
    revenue, premium = _last_cue(clause, cues.revenue), _last_cue(clause, cues.premium)
    if revenue >= 0 or premium >= 0:
        return "revenue" if revenue > premium else "premium"
    return "premium" if contains_any(before, cues.premium) else None


def _before_revenue_cue(text: str) -> str:
    """Given text, return its NFKC form up to the first revenue cue (年間売上高 names no period)."""
    norm = nfkc(text)
    starts = [norm.find(cue) for cue in load_cues().revenue if cue in norm]
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
    cues = load_cues()
    if not (contains_any(text, cues.premium) and contains_any(text, cues.revenue)):
        return []
    matches = find_amounts(text)
    roles = [
        _role(text[matches[i - 1].end if i else 0 : match.start], text[: match.start])
        for i, match in enumerate(matches)
    ]
    revenues = [m for m, role in zip(matches, roles, strict=True) if role == "revenue"]
    premiums = [m for m, role in zip(matches, roles, strict=True) if role == "premium"]
    if len(revenues) != 1 or not premiums or None in roles:
        return []
    if any(m.amount.per_unit is not None for m in premiums):
        return []  # 1名あたり500円 is no premium
    if any(squeeze(text[m.end :]).startswith(cues.floor_words) for m in premiums):
        return []  # 約4万円から names a floor, not the premium of a quote
    blanked = text  # amounts blanked out, so that 3億円・小売業 gives 小売業
    for match in matches:
        blanked = blanked[: match.start] + " " * (match.end - match.start) + blanked[match.end :]
    industries = text_to_industry_words(blanked)
    if len(industries) != 1:
        return []
    start, end = industries[0]
    first = premiums[0]
    near = [text[matches[matches.index(first) - 1].end if matches.index(first) else 0 : first.start]]
    periods = (label_to_period(_before_revenue_cue(part)) for part in (*near, text[: revenues[0].start]))
    period = next((found for found in periods if found is not None), None)
    industry = nfkc(blanked)[start:end]
    return [(industry, revenues[0].amount.total_yen, m.amount.total_yen, period) for m in premiums]


def lines_to_sentence_quotes(lines: list[Line]) -> list[Quote]:
    """Given a document's lines, return the premiums quoted in prose or in one labelled row."""
    quotes: list[Quote] = []
    for index, line in enumerate(lines):
        for industry, revenue, premium, period in text_to_sentence_quotes(unspace(line.text)):
            if 0 < premium <= revenue * MAX_PREMIUM_SHARE:
                row = Row((line.text,), line.text, line.page, index)
                quotes.append(Quote(printed_label(industry), revenue, premium, period, row, in_grid=False))
    return quotes


# --- rows from a document -------------------------------------------------------------------


def _unit_near(lines: list[Line], index: int) -> str | None:
    """Given lines and an index, return the unit declared on that line or above it, up to a prose line.

    A sentence about the premiums (…1回分の保険料です。) is the grid's note and keeps the
    unit in force, as it keeps the grid's cue (see `_read_label`).
    """
    cues = load_cues()
    for line in reversed(lines[max(0, index - UNIT_LOOKBACK_LINES) : index + 1]):
        if unit := premium_unit(line.text):
            return unit
        prose = "。" in line.text and len(squeeze(line.text)) >= cues.prose_min_chars
        if prose and not contains_any(line.text, cues.premium):
            return None
    return None


def lines_to_rows(lines: list[Line]) -> list[Row]:
    """Given a document's lines, return one row per line (words split at spaces, letter-spacing undone)."""
    return [
        Row((unspace(line.text),), line.text, line.page, index, default_unit=_unit_near(lines, index))
        for index, line in enumerate(lines)
    ]


def table_to_rows(lines: list[Line], table: Table, tables: list[Table] | None = None) -> list[Row]:
    """Given the document's lines, a table (and all tables), return its caption and rows as grid rows."""
    anchor = table_anchor(lines, table)
    caption = table_caption(lines, table, tables or [table], CAPTION_LINES)
    texts = [line.text for line in caption] + [cell.text for row in table.rows for cell in row]
    unit = next((u for text in texts if (u := premium_unit(text))), None)
    rows = [
        Row((line.text,), line.text, line.page, anchor, quotable=False, default_unit=unit) for line in caption
    ]
    last = anchor + len(table.rows) - 1 if anchor is not None else None
    rows += [
        Row(
            tuple(cell.text for cell in cells),
            table.row_text(i),
            table.page,
            anchor,
            split_words=False,
            default_unit=unit,
            last_line_index=last,
        )
        for i, cells in enumerate(table.rows)
    ]
    return rows


# --- quote conditions -----------------------------------------------------------------------


def _amount_kinds(label: str) -> list[str]:
    """Given the words before a condition amount, return its kinds: deductible, or the sections it
    names (賠償 → liability; 賠償・費用各1億円 → both)."""
    cues = load_cues()
    if contains_any(label, cues.deductible):
        return ["deductible"]
    return _sections_named(label)


def _sections_named(text: str) -> list[str]:
    """Given the words after a limit (（賠償損害・費用損害共通）), return the sections they name."""
    cues = load_cues()
    return [
        kind
        for kind, words in (("liability", cues.liability), ("expense", cues.expense))
        if contains_any(text, words)
    ]


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
        kinds = _amount_kinds(label) if match.amount.per_unit is None else []  # no 1名あたり500円
        if not kinds and contains_any(label, load_cues().limit):
            following = matches[number + 1].start if number + 1 < len(matches) else len(text)
            aside = _CLAUSE_BREAK.split(text[match.end : following])[0]
            kinds = _sections_named(aside) or ["liability", "expense"]
        found += [(kind, match.amount.total_yen) for kind in kinds]
        position = match.end
    cues = load_cues()
    if re.search(
        "(?:" + "|".join(map(re.escape, cues.deductible)) + r")\s?[::]?\s?(?:なし|無し|ゼロ)", squeeze(text)
    ):
        found.append(("deductible", 0))
    return found


def _condition_amounts(text: str) -> dict[str, int]:
    """Given condition text, return the first liability, expense and deductible amount it states."""
    found: dict[str, int] = {}
    for kind, yen in _condition_values(text):
        found.setdefault(kind, yen)
    return found


def _installments(text: str) -> int | None:
    """Given condition text, return the number of premium payments it states (12分割 → 12)."""
    cues = load_cues()
    if match := _INSTALLMENTS.search(squeeze(text)):
        return int(match.group(1))
    if contains_any(text, cues.lump_sum_payment):
        return 1
    if contains_any(text, cues.monthly_payment):
        return 12
    return None


def _effective_from(text: str) -> dt.date | None:
    """Given condition text, return the policy start date it states (2025年4月以降保険始期).

    Among the quote conditions a date that policies start on or after is the start: one in
    a clause with a start cue (始期), or one followed by 以降 (…以降に保険期間が始まる契約).
    """
    cues = load_cues()
    for clause in _CLAUSE_BREAK.split(nfkc(text)):
        if contains_any(clause, cues.start) and (date := text_to_date(clause)):
            return date
        for mention in text_to_dates(clause):
            if squeeze(clause[mention.end :]).startswith(cues.start_after_date):
                return mention.date
    return None


def text_to_conditions(text: str) -> Conditions:
    """Given the text of a quote-conditions block, return the conditions it states."""
    amounts = _condition_amounts(text)
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
    periods = [label_to_period(clause) for clause in _CLAUSE_BREAK.split(nfkc(text))]
    if "annual" not in periods and contains_any(text, load_cues().lump_sum_payment):
        return "lump_sum"
    return next((period for period in periods if period is not None), None)


def is_condition_line(text: str) -> bool:
    """Given a line after a condition cue, return whether it may still state a condition.

    A heading (■…, 【…】) starts what comes next; a sentence or a long line is prose.
    """
    cues = load_cues()
    norm = nfkc(text).strip()
    if len(norm) > CONDITION_LINE_MAX_CHARS or norm.startswith(cues.block_breaks):
        return False
    return not ("。" in norm and len(squeeze(norm)) >= cues.prose_min_chars)


def condition_blocks(lines: list[Line]) -> list[tuple[int, str]]:
    """Given a document's lines, return (line index, text) of each block that follows a condition cue."""
    blocks: list[tuple[int, str]] = []
    for index, line in enumerate(lines):
        if not contains_any(line.text, load_cues().conditions):
            continue
        block = [line.text]
        for following in lines[index + 1 : index + 1 + CONDITION_LINES]:
            if not is_condition_line(following.text):
                break
            block.append(following.text)
        blocks.append((index, "\n".join(block)))
    return blocks


def conditions_for(blocks: list[tuple[int, str]], line_index: int | None) -> Conditions:
    """Given the condition blocks and a grid's line index, return the conditions of the nearest block."""
    if not blocks:
        return Conditions()
    if line_index is None:
        return text_to_conditions(blocks[0][1])
    distance, text = min((abs(index - line_index), text) for index, text in blocks)
    return text_to_conditions(text) if distance <= CONDITION_MAX_DISTANCE else Conditions()


def is_note_line(text: str) -> bool:
    """Given a line, return whether it is a footnote (※…, 注…, *…) such as those printed under a grid."""
    return bool(_NOTE_LINE.match(nfkc(text)))


def is_grid_line(text: str) -> bool:
    """Given a line, return whether it reads as a row of a grid: short, with an amount, no sentence."""
    norm = squeeze(text)
    return "。" not in norm and len(norm) < load_cues().prose_min_chars and bool(find_amounts(text))


def _is_band_heading(text: str) -> bool:
    """Given a line, return whether it heads a revenue band of a grid list (■売上高1億円の場合)."""
    cues = load_cues()
    return (
        _is_heading(text)
        and contains_any(text, cues.revenue)
        and contains_any(text, cues.band_words)
        and len(find_amounts(text)) == 1
    )


def _is_heading(text: str) -> bool:
    """Given a line, return whether it heads a section (■…, 【…】, # …)."""
    return nfkc(text).strip().startswith(load_cues().block_breaks)


def context_text(lines: list[Line], index: int, last: int | None = None) -> str:
    """Given lines, a grid row's index (and the grid's last line), return the text printed around
    the grid: its caption and notes.

    Up from the row: the lines of the grid and its caption, through the section heading or a
    line naming the premiums, and not past prose about something else. Down from the row:
    past the grid's rows (lines with figures), the footnotes right under it.
    """
    cues = load_cues()
    above: list[str] = []
    read = 0
    for line in reversed(lines[max(0, index - CONDITION_MAX_DISTANCE) : index]):
        text = line.text
        prose = "。" in text and len(squeeze(text)) >= cues.prose_min_chars
        has_premium = contains_any(text, cues.premium)
        if prose and not has_premium:
            break
        above.append(text)
        if _is_band_heading(text):
            continue  # ■売上高5億円の場合: a sibling grid of the same list, whose caption is ours too
        if not _is_heading(text) and is_grid_line(text):
            continue  # a row of a sibling grid (製造業　年間保険料　48,500円) names no section
        # a line naming the premiums ends the caption, unless it ends a sentence broken over
        # lines (…年間保険料（一時払）の例です。), whose start above still states the conditions
        if _is_heading(text) or (has_premium and not prose and "。" not in text):
            break
        read += 1
        if read >= CONTEXT_LINES:
            break
    below: list[str] = []
    after = (index if last is None else last) + 1
    for line in lines[after : after + CONTEXT_LINES]:
        if is_note_line(line.text):
            below.append(line.text)
        elif below or _is_heading(line.text) or not any(ch.isdigit() for ch in line.text):
            break
    return "\n".join([*reversed(above), *below])


def context_conditions(text: str) -> Conditions:
    """Given the text around a grid, return the conditions it states without doubt.

    A limit or deductible stated twice with different values (two plans captioned on one
    line) is left unknown rather than guessed.
    """
    values: dict[str, set[int]] = {}
    for kind, yen in _condition_values(text):
        values.setdefault(kind, set()).add(yen)
    sure = {kind: next(iter(found)) for kind, found in values.items() if len(found) == 1}
    return Conditions(
        liability_limit_jpy=sure.get("liability"),
        expense_limit_jpy=sure.get("expense"),
        deductible_jpy=sure.get("deductible"),
        installments=_installments(text),
        effective_from=_effective_from(text),
        period=_conditions_period(text),
    )


def merge_conditions(first: Conditions, fallback: Conditions) -> Conditions:
    """Given conditions and others to fall back on, return the first with each unknown field filled."""
    return Conditions(
        *(value if value is not None else getattr(fallback, name) for name, value in vars(first).items())
    )


# --- the document ---------------------------------------------------------------------------


def _unique(quotes: list[Quote]) -> list[Quote]:
    """Given quotes, return them without repeats of one (industry, revenue, premium), first kept."""
    seen: set[tuple[str, int, int]] = set()
    unique: list[Quote] = []
    for quote in quotes:
        key = (squeeze(quote.industry_label), quote.revenue_jpy, quote.premium_jpy)
        if key not in seen:
            seen.add(key)
            unique.append(quote)
    return unique


def document_to_quotes(document: Document) -> list[Quote]:
    """Given a Document, return the premiums of its tables, then those only its lines hold.

    Lines that repeat the rows of a table that was read are left to the table: its cells
    are the better evidence.
    """
    lines = list(document.iter_lines())
    quotes: list[Quote] = []
    covered: set[int] = set()
    tables = list(document.iter_tables())
    for table in tables:
        found = rows_to_quotes(table_to_rows(lines, table, tables))
        if found:
            quotes += found
            covered |= table_lines(lines, table)
    quotes += [q for q in rows_to_quotes(lines_to_rows(lines)) if q.row.line_index not in covered]
    quoted = {q.row.line_index for q in quotes} | covered
    quotes += [q for q in lines_to_sentence_quotes(lines) if q.row.line_index not in quoted]
    return _unique(quotes)


def _records(
    quotes: list[Quote], blocks: list[tuple[int, str]], lines: list[Line], doc_id: str
) -> Iterator[PremiumRecord]:
    """Given quotes, the condition blocks and the lines, yield one PremiumRecord per quote.

    The conditions of the nearest condition block (試算条件) come first; what it leaves unknown
    is filled from the grid's caption and notes (a quote in a sentence has neither).
    """
    for quote in quotes:
        conditions = conditions_for(blocks, quote.row.line_index)
        if quote.in_grid and quote.row.line_index is not None:
            around = context_conditions(context_text(lines, quote.row.line_index, quote.row.last_line_index))
            conditions = merge_conditions(conditions, around)
        if quote.option_kind == "limit":  # the column's limit names no section: it is every section's
            conditions = replace(
                conditions, liability_limit_jpy=quote.option_jpy, expense_limit_jpy=quote.option_jpy
            )
        elif quote.option_kind == "deductible":
            conditions = replace(conditions, deductible_jpy=quote.option_jpy)
        yield PremiumRecord(
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
            page=quote.row.page,
            evidence=quote.row.evidence,
        )


def document_to_premiums(document: Document, doc_id: str) -> list[PremiumRecord]:
    """Given a Document and its id, return one PremiumRecord per premium its grids quote."""
    quotes = document_to_quotes(document)
    if not quotes:
        return []
    lines = list(document.iter_lines())
    return list(_records(quotes, condition_blocks(lines), lines, doc_id))
