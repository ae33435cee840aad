"""Turn one brochure file into everything it publishes."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from extractors import coverages, fields, layout, limits, premiums, provenance, readers, scenarios
from extractors.document import Document, Page, Table, nfkc
from extractors.errors import BrochureError
from extractors.records import (
    DocumentRecord,
    Extraction,
    LimitRecord,
    LossScenarioRecord,
    PageRecord,
    PremiumRecord,
)


def bytes_to_doc_id(data: bytes) -> str:
    """Given a file's bytes, return its stable id: the first 16 hex digits of SHA-256."""
    return hashlib.sha256(data).hexdigest()[:16]


def file_to_doc_id(path: Path) -> str:
    """Given a file, return bytes_to_doc_id of its bytes, hashed as they stream (a long PDF is not held)."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()[:16]


def page_to_text(page: Page) -> str:
    """Given a page, return its verbatim text: its lines, then its tables' rows, one per line.

    The parts and the way they are joined are those of `Document.text`, so a string without a
    line break is in `Document.text` exactly when it is in the text of one of its pages.
    """
    parts = [line.text for line in page.lines]
    parts.extend(table.row_text(i) for table in page.tables for i in range(len(table.rows)))
    return "\n".join(parts)


def document_to_pages(document: Document, doc_id: str) -> tuple[PageRecord, ...]:
    """Given a read Document, return one PageRecord per page, in page order."""
    return tuple(
        PageRecord(doc_id=doc_id, page=page.number, text=page_to_text(page)) for page in document.pages
    )


#: a cell holding one figure and nothing else (50億円, 1,000万円, 87,600)
_FIGURE = re.compile(r"[\d,.]+[十百千万億]*円?")


def grid_header_rows(table: Table, quoted: set[str]) -> set[str]:
    """Given a table and the row texts premiums were quoted from, return the texts of its header
    rows above the first quoted row that hold figures only (a premium grid's revenue header
    50億円 | 100億円 prices nothing a policy pays); none if it quoted nothing."""
    rows = [table.row_text(i) for i in range(len(table.rows))]
    first = next((i for i, text in enumerate(rows) if text in quoted), None)
    return {
        rows[i]
        for i in range(first or 0)
        if all(_FIGURE.fullmatch(nfkc(c.text).replace(" ", "")) for c in table.rows[i] if c.text.strip())
    }


def limits_not_quoted_elsewhere(
    found: list[LimitRecord],
    quotes: list[PremiumRecord],
    costs: list[LossScenarioRecord],
    tables: Iterable[Table] = (),
) -> list[LimitRecord]:
    """Given limits, premiums and scenario rows, return the limits not read from a premium or cost row.

    A line or table row that gave a premium quote or a worked example's cost states what a
    policy costs or what an incident cost, not how much the policy pays: its figures are
    published once, in the table that explains them.
    """
    quoted = {q.evidence for q in quotes}
    taken = quoted | {c.evidence for c in costs} | set().union(*(grid_header_rows(t, quoted) for t in tables))
    return [limit for limit in found if limit.evidence not in taken]


#: what the warning of a document that yields no row starts with
NO_ROWS = "no coverage, limit, premium or loss scenario was read"


def no_rows_warning(extraction: Extraction) -> str | None:
    """Given an extraction, return a warning when its document gave no row of any kind, else None."""
    if extraction.coverages or extraction.limits or extraction.premiums or extraction.loss_scenarios:
        return None
    pages = len(extraction.pages)
    return (
        f"{NO_ROWS} from its {pages} page(s): it may be no cyber-insurance brochure, its text may be "
        "damaged (see its pages rows), or its layout is one the extractors do not read yet; remove it, "
        "re-export it, or report it with the file attached"
    )


def document_to_extraction(document: Document, *, doc_id: str, source_file: str) -> Extraction:
    """Given a read Document, return the rows it publishes (a warning added when they are none)."""
    extraction = _document_rows(
        layout.document_to_leveled(document),
        doc_id=doc_id,
        source_file=source_file,
    )
    if (warning := no_rows_warning(extraction)) is None:
        return extraction
    record = replace(extraction.document, warnings=(*extraction.document.warnings, warning))
    return replace(extraction, document=record)


def _document_rows(document: Document, *, doc_id: str, source_file: str) -> Extraction:
    """Given a leveled Document, return the rows it publishes."""
    f = fields.document_to_fields(document)
    record = DocumentRecord(
        doc_id=doc_id,
        source_file=source_file,
        source_format=document.source_format,
        insurer_id=f.insurer_id,
        insurer_name=f.insurer_name,
        product_name=f.product_name,
        document_date=f.document_date,
        page_count=document.page_count,
        title=document.title,
        warnings=document.warnings,
    )
    quotes = premiums.document_to_premiums(document, doc_id)
    costs = scenarios.document_to_loss_scenarios(document, doc_id)
    found = limits_not_quoted_elsewhere(
        limits.document_to_limits(document, doc_id), quotes, costs, document.iter_tables()
    )
    # one pass locates every row's evidence on its page, so no extractor carries boxes around
    locate = provenance.Locator(document)
    return Extraction(
        document=record,
        coverages=tuple(locate.with_bbox(r) for r in coverages.document_to_coverages(document, doc_id)),
        limits=tuple(locate.with_bbox(r) for r in found),
        premiums=tuple(locate.with_bbox(r) for r in quotes),
        loss_scenarios=tuple(locate.with_bbox(r) for r in costs),
        pages=document_to_pages(document, doc_id),
    )


def file_to_extraction(path: Path, raw_dir: Path) -> Extraction:
    """Given a brochure under raw_dir, return its Extraction; raise BrochureError if it cannot be read."""
    source_file = path.relative_to(raw_dir).as_posix()
    try:
        doc_id = file_to_doc_id(path)
    except OSError as e:
        raise BrochureError(
            f"cannot read the file ({e.strerror or e}); check that it still exists and is readable",
            stage="read",
            source=source_file,
        ) from e
    try:
        document = readers.read(path)
        return document_to_extraction(document, doc_id=doc_id, source_file=source_file)
    except BrochureError as e:
        e.source, e.doc_id = source_file, doc_id
        raise
