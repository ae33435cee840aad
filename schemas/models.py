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


def _text(*, nullable: bool = False) -> Any:
    """Given nullability, return the Field of a printed text column (non-blank when present)."""
    return pa.Field(nullable=nullable, str_contains=_TEXT)


def _amount(*, nullable: bool = False) -> Any:
    """Given nullability, return the Field of a yen amount: above 0, below 1兆."""
    return pa.Field(nullable=nullable, gt=0, lt=MAX_AMOUNT_JPY)


def _deductible(*, nullable: bool = True) -> Any:
    """Given nullability, return the Field of a deductible: 0 (免責なし) is a real value."""
    return pa.Field(nullable=nullable, ge=0, lt=MAX_AMOUNT_JPY)


def _page() -> Any:
    return pa.Field(nullable=True, ge=1)


def _coordinate() -> Any:
    """Given nothing, return the Field of a bbox coordinate: points from the top-left, null off PDFs."""
    return pa.Field(nullable=True, ge=0.0)


def _attribution() -> Any:
    """Given nothing, return the Field of attributed_by: how the row's meaning was decided, if said."""
    return pa.Field(nullable=True, isin=ATTRIBUTIONS)


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
    doc_id: pl.String = _text()
    source_file: pl.String = _text()
    source_format: pl.String = pa.Field(isin=SOURCE_FORMATS)
    insurer_id: pl.String = pa.Field(nullable=True, str_matches=r"^[a-z][a-z0-9_]*$")
    insurer_name: pl.String = _text(nullable=True)
    product_name: pl.String = _text(nullable=True)
    document_date: pl.Date = pa.Field(nullable=True, ge=MIN_DATE, le=MAX_DATE)
    page_count: pl.Int64 = pa.Field(ge=1)
    title: pl.String = _text(nullable=True)
    warnings: pl.List(pl.String)  # type: ignore[valid-type]

    class Config:
        name = "documents"


class PagesModel(_Table):
    """The verbatim text of every page: a value read in context, and what its evidence is checked against."""

    doc_id: pl.String = _text()
    page: pl.Int64 = pa.Field(ge=1)
    # a page without a text layer (a scanned image in a PDF that has text elsewhere) is "", not null
    text: pl.String

    class Config:
        name = "pages"


class CoveragesModel(_Provenance):
    doc_id: pl.String = _text()
    coverage_id: pl.String = pa.Field(nullable=True)
    coverage_label: pl.String = _text()
    section: pl.String = pa.Field(isin=SECTIONS)
    is_optional: pl.Boolean
    rider: pl.String = _text(nullable=True)
    page: pl.Int64 = _page()
    evidence: pl.String = _text()
    bbox_x0: pl.Float64 = _coordinate()
    bbox_top: pl.Float64 = _coordinate()
    bbox_x1: pl.Float64 = _coordinate()
    bbox_bottom: pl.Float64 = _coordinate()
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
    doc_id: pl.String = _text()
    coverage_id: pl.String = pa.Field(nullable=True)
    coverage_label: pl.String = _text()
    limit_type: pl.String = pa.Field(isin=LIMIT_TYPES)
    amount_jpy: pl.Int64 = _deductible()  # above 0 except for deductibles: see amount_positive
    ratio: pl.Float64 = pa.Field(nullable=True, ge=0.0, le=1.0)
    days: pl.Int64 = pa.Field(nullable=True, gt=0)
    basis: pl.String = pa.Field(nullable=True, isin=BASES)
    rider: pl.String = _text(nullable=True)
    condition: pl.String = _text(nullable=True)
    page: pl.Int64 = _page()
    evidence: pl.String = _text()
    bbox_x0: pl.Float64 = _coordinate()
    bbox_top: pl.Float64 = _coordinate()
    bbox_x1: pl.Float64 = _coordinate()
    bbox_bottom: pl.Float64 = _coordinate()
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
    doc_id: pl.String = _text()
    industry_label: pl.String = _text()
    jsic_code: pl.String = pa.Field(nullable=True, isin=JSIC_CODES)
    annual_revenue_jpy: pl.Int64 = _amount()
    premium_jpy: pl.Int64 = _amount()
    premium_period: pl.String = pa.Field(isin=PREMIUM_PERIODS)
    installments: pl.Int64 = pa.Field(nullable=True, ge=1)
    liability_limit_jpy: pl.Int64 = _amount(nullable=True)
    expense_limit_jpy: pl.Int64 = _amount(nullable=True)
    deductible_jpy: pl.Int64 = _deductible()
    effective_from: pl.Date = pa.Field(nullable=True, ge=MIN_DATE, le=MAX_DATE)
    page: pl.Int64 = _page()
    evidence: pl.String = _text()
    bbox_x0: pl.Float64 = _coordinate()
    bbox_top: pl.Float64 = _coordinate()
    bbox_x1: pl.Float64 = _coordinate()
    bbox_bottom: pl.Float64 = _coordinate()
    attributed_by: pl.String = _attribution()

    class Config:
        name = "premiums"


class LossScenariosModel(_Provenance):
    doc_id: pl.String = _text()
    scenario_index: pl.Int64 = pa.Field(ge=1)
    scenario_label: pl.String = _text()
    item_label: pl.String = _text()
    coverage_id: pl.String = pa.Field(nullable=True)
    amount_jpy: pl.Int64 = _amount()
    row_kind: pl.String = pa.Field(isin=ROW_KINDS)
    page: pl.Int64 = _page()
    evidence: pl.String = _text()
    approximate: pl.Boolean
    bbox_x0: pl.Float64 = _coordinate()
    bbox_top: pl.Float64 = _coordinate()
    bbox_x1: pl.Float64 = _coordinate()
    bbox_bottom: pl.Float64 = _coordinate()
    attributed_by: pl.String = _attribution()
    # items add up to the subtotal that follows them: the order is data, so it is a column
    ordinal: pl.Int64 = pa.Field(ge=1)

    class Config:
        name = "loss_scenarios"

    @pa.check("coverage_id", name="coverage_id_in_taxonomy")
    def _coverage_id_in_taxonomy(cls, data: pa.PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(coverage_id_known(pl.col(data.key)))


class IngestErrorsModel(_Table):
    source_file: pl.String = _text()
    doc_id: pl.String = _text(nullable=True)
    stage: pl.String = pa.Field(isin=STAGES)
    error: pl.String = _text()

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

    table: pl.String = pa.Field(isin=tuple(PUBLISHED_MODELS))
    doc_id: pl.String = _text(nullable=True)
    source_file: pl.String = _text(nullable=True)
    reason: pl.String = _text()
    row_json: pl.String = pa.Field(str_startswith="{")

    class Config:
        name = "quarantine"


#: every table of the warehouse, quarantine last
TABLE_MODELS: dict[str, type[pa.DataFrameModel]] = {**PUBLISHED_MODELS, "quarantine": QuarantineModel}
TABLES: tuple[str, ...] = tuple(TABLE_MODELS)


def table_name(model: type[pa.DataFrameModel]) -> str:
    """Given a model, return the name of the table it describes."""
    name = model.Config.name
    if not isinstance(name, str) or TABLE_MODELS.get(name) is not model:
        raise ValueError(f"{model.__name__} is not the model of a warehouse table")
    return name
