"""Typed rows of the published tables (see the warehouse contract).

One frozen dataclass per table; the pipeline turns lists of them into polars frames with
the dtypes of `schemas/`. Field order is column order.

The rows read from a brochure (coverages, limits, premiums, loss scenarios) end in the same
provenance fields: `bbox_*`, where their evidence was printed on its page, in PDF points from
the page's top-left corner (pdfplumber's x0, top, x1, bottom), None for html and text
documents, filled for every record by `extractors.provenance` after extraction; and
`attributed_by`, how the row's meaning was decided (an `Attribution`), set by the extractor
that made the row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

from extractors.errors import Stage

#: how a row's meaning was decided (its coverage id for coverages, limits and loss scenarios;
#: its industry and revenue for premiums): from the header of its column, the header of its
#: row, its own cell, a field label before it, the list item it sits in, the heading above
#: it, the sentence it is in, a caption, or the document as a whole
Attribution = Literal[
    "column_header",
    "row_header",
    "cell",
    "field_label",
    "list_item",
    "heading",
    "sentence",
    "caption",
    "document_default",
]


@dataclass(frozen=True)
class DocumentRecord:
    doc_id: str
    source_file: str
    source_format: str
    insurer_id: str | None
    insurer_name: str | None
    product_name: str | None
    document_date: dt.date | None
    page_count: int
    title: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class PageRecord:
    """The verbatim text of one page: its lines, then its tables' rows (as `Document.text` joins them)."""

    doc_id: str
    page: int
    text: str


@dataclass(frozen=True)
class CoverageRecord:
    doc_id: str
    coverage_id: str | None
    coverage_label: str
    section: str
    is_optional: bool
    rider: str | None
    page: int | None
    evidence: str
    # provenance: see the module docstring
    bbox_x0: float | None = None
    bbox_top: float | None = None
    bbox_x1: float | None = None
    bbox_bottom: float | None = None
    attributed_by: Attribution | None = None


@dataclass(frozen=True)
class LimitRecord:
    doc_id: str
    coverage_id: str | None
    coverage_label: str
    limit_type: str
    amount_jpy: int | None
    ratio: float | None
    days: int | None
    basis: str | None
    rider: str | None
    condition: str | None
    page: int | None
    evidence: str
    # provenance: see the module docstring
    bbox_x0: float | None = None
    bbox_top: float | None = None
    bbox_x1: float | None = None
    bbox_bottom: float | None = None
    attributed_by: Attribution | None = None


@dataclass(frozen=True)
class PremiumRecord:
    doc_id: str
    industry_label: str
    jsic_code: str | None
    annual_revenue_jpy: int
    premium_jpy: int
    premium_period: str
    installments: int | None
    liability_limit_jpy: int | None
    expense_limit_jpy: int | None
    deductible_jpy: int | None
    effective_from: dt.date | None
    page: int | None
    evidence: str
    # provenance: see the module docstring
    bbox_x0: float | None = None
    bbox_top: float | None = None
    bbox_x1: float | None = None
    bbox_bottom: float | None = None
    attributed_by: Attribution | None = None


@dataclass(frozen=True)
class LossScenarioRecord:
    doc_id: str
    scenario_index: int
    scenario_label: str
    item_label: str
    coverage_id: str | None
    amount_jpy: int
    row_kind: str
    page: int | None
    evidence: str
    approximate: bool = False  # printed with 約/程度: the figure is rounded, so sums may not match
    # provenance: see the module docstring
    bbox_x0: float | None = None
    bbox_top: float | None = None
    bbox_x1: float | None = None
    bbox_bottom: float | None = None
    attributed_by: Attribution | None = None


@dataclass(frozen=True)
class IngestErrorRecord:
    source_file: str
    doc_id: str | None
    stage: Stage
    error: str


@dataclass(frozen=True)
class Extraction:
    """Everything one brochure publishes."""

    document: DocumentRecord
    coverages: tuple[CoverageRecord, ...] = ()
    limits: tuple[LimitRecord, ...] = ()
    premiums: tuple[PremiumRecord, ...] = ()
    loss_scenarios: tuple[LossScenarioRecord, ...] = ()
    #: every page's text: what the evidence of the other rows is checked against
    pages: tuple[PageRecord, ...] = ()
