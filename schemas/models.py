"""One pandera model per published table (see the warehouse contract), plus the quarantine table.

Column order is the field order of the matching record in `extractors.records`. Checks here
look at one table only; rules that span tables live in `schemas.checks`. Models validate
eager polars frames; they never coerce, because a wrong type is a bug to surface, not to paper
over.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

import pandera.polars as pa
import polars as pl

from extractors import taxonomy
from extractors.document import SourceFormat
from extractors.errors import Stage
from extractors.records import Attribution

SECTIONS = ("liability", "expense", "business_interruption")
LIMIT_TYPES = ("limit", "deductible", "self_retention_ratio", "payout_ratio", "time_window_days")
BASES = ("per_claim", "per_period", "per_claim_and_period", "per_person", "per_corporation", "per_incident")
PREMIUM_PERIODS = ("monthly", "annual", "lump_sum")
ROW_KINDS = ("item", "subtotal", "total")
SOURCE_FORMATS: tuple[str, ...] = get_args(SourceFormat)
STAGES: tuple[str, ...] = get_args(Stage)
ATTRIBUTIONS: tuple[str, ...] = get_args(Attribution)
#: the columns that say where on its page a row's evidence was printed (PDF points, top-left origin)
BBOX_COLUMNS = ("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom")
JSIC_CODES = tuple("ABCDEFGHIJKLMNOPQRST")
#: 1兆円: no brochure figure comes near it, so a bigger amount is digits run together by a reader
MAX_AMOUNT_JPY = 10**12
#: brochures state dates of the cyber-insurance era; outside this a 和暦 conversion went wrong
MIN_DATE, MAX_DATE = dt.date(1990, 1, 1), dt.date(2099, 12, 31)
#: a column no record carries: the row's 1-based position among its brochure's rows of the table
#: (document order), filled in when the frame is built so that any reader can restore the order
ORDINAL = "ordinal"
#: which column carries the figure of each limit_type
LIMIT_VALUE_COLUMN = {
    "limit": "amount_jpy",
    "deductible": "amount_jpy",
    "self_retention_ratio": "ratio",
    "payout_ratio": "ratio",
    "time_window_days": "days",
}

# A printed text is never blank: a missing value is null, not "" or "  ".
_TEXT = r"\S"


def _text(*, nullable: bool = False, description: str) -> Any:
    """Given nullability, return the Field of a printed text column (non-blank when present)."""
    return pa.Field(nullable=nullable, str_contains=_TEXT, description=description)


def _amount(*, nullable: bool = False, description: str) -> Any:
    """Given nullability, return the Field of a yen amount: above 0, below 1兆."""
    return pa.Field(nullable=nullable, gt=0, lt=MAX_AMOUNT_JPY, description=description)


def _deductible(*, nullable: bool = True, description: str) -> Any:
    """Given nullability, return the Field of a deductible: 0 (免責なし) is a real value."""
    return pa.Field(nullable=nullable, ge=0, lt=MAX_AMOUNT_JPY, description=description)


_PAGE_MEANING = "the 1-based page the evidence was printed on; null when the reader has no pages to give"
#: each bbox edge: its name in the description, and the page edge its points are counted from
_EDGES = {"x0": ("left", "left"), "top": ("top", "top"), "x1": ("right", "left"), "bottom": ("bottom", "top")}


def _page(*, description: str = _PAGE_MEANING) -> Any:
    """Given a description, return the Field of a page number: 1-based, null off paged sources."""
    return pa.Field(nullable=True, ge=1, description=description)


def _coordinate(edge: str) -> Any:
    """Given a bbox edge (x0, top, x1, bottom), return the Field of that coordinate: points from the
    top-left, null off PDFs."""
    name, origin = _EDGES[edge]
    description = (
        f"{name} edge of the evidence on its page, PDF points from the {origin}; null for html and text"
    )
    return pa.Field(nullable=True, ge=0.0, description=description)


def _attribution() -> Any:
    """Given nothing, return the Field of attributed_by: how the row's meaning was decided, if said."""
    return pa.Field(
        nullable=True,
        isin=ATTRIBUTIONS,
        description=(
            "how the row's meaning was decided (its column header, row header, own cell, "
            "a field label, list item, heading, sentence, caption, or the document "
            "default); null when not said"
        ),
    )


def _evidence() -> Any:
    """Given nothing, return the Field of a row's evidence: the verbatim text it was read from."""
    return _text(description="the verbatim text the row was read from, a substring of its page's text")


def _doc_id() -> Any:
    """Given nothing, return the Field of a child row's doc_id (documents.doc_id)."""
    return _text(
        description=(
            "the brochure's id: the first 16 hex digits of the SHA-256 of its file's bytes (documents.doc_id)"
        )
    )


def bbox_well_formed(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Given rows with the bbox columns, return whether each has no box or a whole, finite, ordered one."""
    x0, top, x1, bottom = (pl.col(c) for c in BBOX_COLUMNS)
    none = pl.all_horizontal(c.is_null() for c in (x0, top, x1, bottom))
    finite = pl.all_horizontal(c.is_finite() for c in (x0, top, x1, bottom))
    ordered = (x0 <= x1) & (top <= bottom)
    return frame.select((none | (finite & ordered)).fill_null(False))


def coverage_id_known(column: pl.Expr) -> pl.Expr:
    """Given a coverage_id column, return whether each value is null or an id of the taxonomy."""
    return column.is_null() | column.is_in(sorted(taxonomy.coverage_ids()))


class _Table(pa.DataFrameModel):
    class Config:
        strict = True  # a column the model does not know is a record/model drift: fail loudly
        coerce = False


class _Provenance(_Table):
    """A table of rows read from a brochure: they end in the provenance columns of `extractors.records`.

    Each model declares those columns itself, last (inherited fields would come first, and
    column order is record field order); this class holds the check that spans them.
    """

    @pa.dataframe_check(name="bbox_well_formed")
    def _bbox_well_formed(cls, data: pa.PolarsData) -> pl.LazyFrame:
        # a box is all four coordinates or none, and its edges are in order
        return bbox_well_formed(data.lazyframe)


class DocumentsModel(_Table):
    """One row per ingested brochure: where it came from, who underwrites it, what it says of itself."""

    doc_id: pl.String = _doc_id()
    source_file: pl.String = _text(
        description="the file's path relative to the raw folder, with its extension"
    )
    source_format: pl.String = pa.Field(
        isin=SOURCE_FORMATS, description="how the file was read: pdf, html or text"
    )
    insurer_id: pl.String = pa.Field(
        nullable=True,
        str_matches=r"^[a-z][a-z0-9_]*$",
        description=(
            "the underwriting insurer's slug (extractors/data/insurers.yaml); null when "
            "the brochure names none"
        ),
    )
    insurer_name: pl.String = _text(
        nullable=True,
        description=("the underwriting insurer's legal name in Japanese; null when the brochure names none"),
    )
    product_name: pl.String = _text(
        nullable=True, description="the product or rider name as printed; null when none is found"
    )
    document_date: pl.Date = pa.Field(
        nullable=True,
        ge=MIN_DATE,
        le=MAX_DATE,
        description=("the date the brochure states for its content (作成/改定); null when it states none"),
    )
    page_count: pl.Int64 = pa.Field(ge=1, description="pages read (1 for html and text)")
    title: pl.String = _text(
        nullable=True,
        description=(
            "the title the file declares (PDF metadata, HTML <title>) or its first heading; null when none"
        ),
    )
    warnings: pl.List(pl.String) = pa.Field(  # type: ignore[valid-type]
        description=(
            "what the reader noticed and the reader of the data should know (pages "
            "without a text layer, OCR, dropped glyphs, decoding); empty when none"
        )
    )

    class Config:
        name = "documents"


class PagesModel(_Table):
    """The verbatim text of every page: a value read in context, and what its evidence is checked against."""

    doc_id: pl.String = _doc_id()
    page: pl.Int64 = pa.Field(ge=1, description="the 1-based page number (1 for html and text)")
    # a page without a text layer (a scanned image in a PDF that has text elsewhere) is "", not null
    text: pl.String = pa.Field(
        description=(
            "the page's verbatim text: its lines in reading order, then its tables' rows "
            "with cells joined by ' | '; '' for a page without a text layer"
        )
    )

    class Config:
        name = "pages"


class CoveragesModel(_Provenance):
    """One row per coverage item a brochure offers."""

    doc_id: pl.String = _doc_id()
    coverage_id: pl.String = pa.Field(
        nullable=True,
        description=(
            "the coverage taxonomy id (docs/coverage-taxonomy.md) the row is about; null "
            "when the printed label maps to none"
        ),
    )
    coverage_label: pl.String = _text(
        description=("the coverage item as printed, without bullets, numbering and note marks")
    )
    section: pl.String = pa.Field(
        isin=SECTIONS,
        description=(
            "the part of the policy the item belongs to: liability, expense or business_interruption"
        ),
    )
    is_optional: pl.Boolean = pa.Field(
        description=("true when the item comes only with a rider or option (特約, オプション, 追加条項)")
    )
    rider: pl.String = _text(
        nullable=True,
        description=(
            "the rider (特約) that adds the item or under which the figure applies; null for the base policy"
        ),
    )
    page: pl.Int64 = _page()
    evidence: pl.String = _evidence()
    bbox_x0: pl.Float64 = _coordinate("x0")
    bbox_top: pl.Float64 = _coordinate("top")
    bbox_x1: pl.Float64 = _coordinate("x1")
    bbox_bottom: pl.Float64 = _coordinate("bottom")
    attributed_by: pl.String = _attribution()

    class Config:
        name = "coverages"

    @pa.check("coverage_id", name="coverage_id_in_taxonomy")
    def _coverage_id_in_taxonomy(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(coverage_id_known(pl.col(data.key)))

    @pa.dataframe_check(name="coverage_id_in_section")
    def _coverage_id_in_section(cls, data: pa.PolarsData) -> pl.LazyFrame:
        # an id belongs to the section its first dotted part names
        cid = pl.col("coverage_id")
        return data.lazyframe.select(cid.is_null() | (cid.str.split(".").list.first() == pl.col("section")))


class LimitsModel(_Provenance):
    """One row per limit, deductible, ratio or time window a brochure states."""

    doc_id: pl.String = _doc_id()
    coverage_id: pl.String = pa.Field(
        nullable=True,
        description=(
            "the coverage taxonomy id the figure applies to (a section id for a whole-"
            "section limit); null when it names none"
        ),
    )
    coverage_label: pl.String = _text(description="the printed label the figure was read under")
    limit_type: pl.String = pa.Field(
        isin=LIMIT_TYPES,
        description=(
            "what the figure is: limit (支払限度額, per-victim caps too), deductible "
            "(免責金額/自己負担額, yen), self_retention_ratio (自己負担割合), payout_ratio (縮小支払割合) or "
            "time_window_days (e.g. 発覚後180日以内)"
        ),
    )
    amount_jpy: pl.Int64 = _deductible(
        description=(
            "yen, for limit and deductible rows (0 is a real deductible: 免責なし); null for the other types"
        )
    )  # above 0 except for deductibles: see amount_positive
    ratio: pl.Float64 = pa.Field(
        nullable=True,
        ge=0.0,
        le=1.0,
        description=(
            "a fraction (0.9, not 90) for the two ratio types, and the X% of a limit 'X% "
            "or ¥Y, whichever is lower'; null otherwise"
        ),
    )
    days: pl.Int64 = pa.Field(
        nullable=True, gt=0, description="days, for time_window_days rows; null otherwise"
    )
    basis: pl.String = pa.Field(
        nullable=True,
        isin=BASES,
        description=(
            "what the figure is counted per: per_claim, per_period, per_claim_and_period,"
            " per_person, per_corporation or per_incident; null when not printed"
        ),
    )
    rider: pl.String = _text(
        nullable=True,
        description=(
            "the rider (特約) that adds the item or under which the figure applies; null for the base policy"
        ),
    )
    condition: pl.String = _text(
        nullable=True,
        description=("the condition under which the figure applies, as printed; null when none"),
    )
    page: pl.Int64 = _page()
    evidence: pl.String = _evidence()
    bbox_x0: pl.Float64 = _coordinate("x0")
    bbox_top: pl.Float64 = _coordinate("top")
    bbox_x1: pl.Float64 = _coordinate("x1")
    bbox_bottom: pl.Float64 = _coordinate("bottom")
    attributed_by: pl.String = _attribution()

    class Config:
        name = "limits"

    @pa.check("coverage_id", name="coverage_id_in_taxonomy")
    def _coverage_id_in_taxonomy(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(coverage_id_known(pl.col(data.key)))

    @pa.dataframe_check(name="amount_positive")
    def _amount_positive(cls, data: pa.PolarsData) -> pl.LazyFrame:
        # 0円 is a real deductible (免責なし) but never a real limit
        amount = pl.col("amount_jpy")
        return data.lazyframe.select(amount.is_null() | (amount > 0) | (pl.col("limit_type") == "deductible"))

    @pa.dataframe_check(name="figure_present")
    def _figure_present(cls, data: pa.PolarsData) -> pl.LazyFrame:
        # a row without the figure its type is about carries no information
        ok = pl.lit(False)
        for limit_type, column in LIMIT_VALUE_COLUMN.items():
            ok = ok | ((pl.col("limit_type") == limit_type) & pl.col(column).is_not_null())
        return data.lazyframe.select(ok | ~pl.col("limit_type").is_in(LIMIT_TYPES))


class PremiumsModel(_Provenance):
    """One row per quoted premium: an industry at a revenue, for a period, under the quote's conditions."""

    doc_id: pl.String = _doc_id()
    industry_label: pl.String = _text(description="the industry as printed (小売業)")
    jsic_code: pl.String = pa.Field(
        nullable=True,
        isin=JSIC_CODES,
        description=("the industry's JSIC top-level code A–T; null when the label maps to none"),
    )
    annual_revenue_jpy: pl.Int64 = _amount(description="the annual revenue (売上高) the quote assumes, yen")
    premium_jpy: pl.Int64 = _amount(description="the premium quoted, yen, for the period in premium_period")
    premium_period: pl.String = pa.Field(
        isin=PREMIUM_PERIODS,
        description=(
            "what the premium pays for: monthly, annual or lump_sum (one payment for a "
            "policy period other than a year)"
        ),
    )
    installments: pl.Int64 = pa.Field(
        nullable=True, ge=1, description=("the number of installments (12 for 12回払); null when not printed")
    )
    liability_limit_jpy: pl.Int64 = _amount(
        nullable=True, description=("the liability limit the quote assumes, yen; null when not printed")
    )
    expense_limit_jpy: pl.Int64 = _amount(
        nullable=True, description=("the expense limit the quote assumes, yen; null when not printed")
    )
    deductible_jpy: pl.Int64 = _deductible(
        description=("the deductible the quote assumes, yen (0 is 免責なし); null when not printed")
    )
    effective_from: pl.Date = pa.Field(
        nullable=True,
        ge=MIN_DATE,
        le=MAX_DATE,
        description=("policies starting on or after this date are quoted; null when not printed"),
    )
    page: pl.Int64 = _page()
    evidence: pl.String = _evidence()
    bbox_x0: pl.Float64 = _coordinate("x0")
    bbox_top: pl.Float64 = _coordinate("top")
    bbox_x1: pl.Float64 = _coordinate("x1")
    bbox_bottom: pl.Float64 = _coordinate("bottom")
    attributed_by: pl.String = _attribution()

    class Config:
        name = "premiums"


class LossScenariosModel(_Provenance):
    """The cost breakdowns of a brochure's example incidents: items, subtotals and totals."""

    doc_id: pl.String = _doc_id()
    scenario_index: pl.Int64 = pa.Field(
        ge=1, description=("1, 2, … : which example incident of the brochure, in document order")
    )
    scenario_label: pl.String = _text(description="the example incident's title as printed")
    item_label: pl.String = _text(description="the cost item as printed")
    coverage_id: pl.String = pa.Field(
        nullable=True,
        description=(
            "the coverage taxonomy id (docs/coverage-taxonomy.md) the row is about; null "
            "when the printed label maps to none"
        ),
    )
    amount_jpy: pl.Int64 = _amount(description="the cost, yen")
    row_kind: pl.String = pa.Field(isin=ROW_KINDS, description="item, subtotal or total")
    page: pl.Int64 = _page()
    evidence: pl.String = _evidence()
    approximate: pl.Boolean = pa.Field(
        description=("true when the figure is printed as approximate (約, 程度), so sums may not match")
    )
    bbox_x0: pl.Float64 = _coordinate("x0")
    bbox_top: pl.Float64 = _coordinate("top")
    bbox_x1: pl.Float64 = _coordinate("x1")
    bbox_bottom: pl.Float64 = _coordinate("bottom")
    attributed_by: pl.String = _attribution()
    # items add up to the subtotal that follows them: the order is data, so it is a column
    ordinal: pl.Int64 = pa.Field(
        ge=1,
        description=(
            "the row's 1-based position among its brochure's loss rows (document order): "
            "items add up to the subtotal that follows them"
        ),
    )

    class Config:
        name = "loss_scenarios"

    @pa.check("coverage_id", name="coverage_id_in_taxonomy")
    def _coverage_id_in_taxonomy(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(coverage_id_known(pl.col(data.key)))


class IngestErrorsModel(_Table):
    """Every file that could not be published, and why (the other brochures of its run go on)."""

    source_file: pl.String = _text(
        description=(
            "the file's path relative to the raw folder (a safe representation when its name is not UTF-8)"
        )
    )
    doc_id: pl.String = _text(
        nullable=True, description="the file's id when its bytes could be read; null otherwise"
    )
    stage: pl.String = pa.Field(
        isin=STAGES,
        description=("where it failed: read (the file), extract (the extractors) or validate (the schemas)"),
    )
    error: pl.String = _text(description="what went wrong and what to do about it")

    class Config:
        name = "ingest_errors"


#: the tables rows are published to, in the order the pipeline writes them
PUBLISHED_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "documents": DocumentsModel,
    "pages": PagesModel,
    "coverages": CoveragesModel,
    "limits": LimitsModel,
    "premiums": PremiumsModel,
    "loss_scenarios": LossScenariosModel,
    "ingest_errors": IngestErrorsModel,
}


class QuarantineModel(_Table):
    """Rows that failed validation: which table, whose, why, and the row itself as JSON."""

    table: pl.String = pa.Field(isin=tuple(PUBLISHED_MODELS), description="the table the row was meant for")
    doc_id: pl.String = _text(nullable=True, description="the brochure the row came from; null when unknown")
    source_file: pl.String = _text(
        nullable=True, description=("the brochure's file, relative to the raw folder; null when unknown")
    )
    reason: pl.String = _text(description="the check the row failed, or why its value cannot be published")
    row_json: pl.String = pa.Field(str_startswith="{", description="the row itself, as JSON")

    class Config:
        name = "quarantine"


class InsurersModel(_Table):
    """The insurer registry the extractors name insurers from (`extractors/data/insurers.yaml`)."""

    insurer_id: pl.String = pa.Field(unique=True, str_matches=r"^[a-z0-9_]+$", description="the insurer's id")
    name: pl.String = _text(description="the insurer's legal name")
    aliases: pl.List(pl.String) = pa.Field(  # type: ignore[valid-type]
        description="the other names brochures print for it (short names, English, former companies)"
    )

    class Config:
        name = "insurers"


class CoverageTaxonomyModel(_Table):
    """The coverage taxonomy (`extractors/data/taxonomy.yaml`): every coverage_id, section or item."""

    coverage_id: pl.String = pa.Field(unique=True, description="the taxonomy id (coverages.coverage_id)")
    section_id: pl.String = _text(description="the section the id belongs to (the part before the dot)")
    is_section: pl.Boolean = pa.Field(description="true for a section id (liability, expense, …)")
    meaning: pl.String = _text(description="what the id covers")
    terms: pl.List(pl.String) = pa.Field(  # type: ignore[valid-type]
        description="the words the extractors recognise for it (before spelling variants are expanded)"
    )

    @pa.dataframe_check(name="item_in_its_section")
    def _item_in_its_section(cls, data: pa.PolarsData) -> pl.LazyFrame:
        # an item's id starts with its section's id; a section is its own section
        frame = data.lazyframe
        prefix = pl.col("coverage_id").str.split(".").list.first()
        return frame.select(
            (prefix == pl.col("section_id"))
            & (pl.col("is_section") == ~pl.col("coverage_id").str.contains(r"\."))
        )

    class Config:
        name = "coverage_taxonomy"


class IndustriesModel(_Table):
    """The JSIC top-level divisions premiums are coded with (`extractors/data/industries.yaml`)."""

    jsic_code: pl.String = pa.Field(
        unique=True, str_matches=r"^[A-T]$", description="the JSIC division (premiums.jsic_code)"
    )
    name: pl.String = _text(description="the division's name")
    labels: pl.List(pl.String) = pa.Field(  # type: ignore[valid-type]
        description="the industry labels brochures print that the extractors code with it"
    )

    class Config:
        name = "industries"


#: the reference tables, published from the extractors' YAML (one file each, no brochure partitions)
REFERENCE_MODELS: dict[str, type[pa.DataFrameModel]] = {
    "insurers": InsurersModel,
    "coverage_taxonomy": CoverageTaxonomyModel,
    "industries": IndustriesModel,
}

#: every table of the warehouse, quarantine last
TABLE_MODELS: dict[str, type[pa.DataFrameModel]] = {**PUBLISHED_MODELS, "quarantine": QuarantineModel}
TABLES: tuple[str, ...] = tuple(TABLE_MODELS)
#: every table the warehouse publishes: the brochures' tables, then the reference tables
WAREHOUSE_MODELS: dict[str, type[pa.DataFrameModel]] = {**TABLE_MODELS, **REFERENCE_MODELS}


def table_name(model: type[pa.DataFrameModel]) -> str:
    """Given a model, return the name of the table it describes."""
    name = model.Config.name
    if not isinstance(name, str) or WAREHOUSE_MODELS.get(name) is not model:
        raise ValueError(f"{model.__name__} is not the model of a warehouse table")
    return name
