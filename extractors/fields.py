"""PLACEHOLDER: replaced by document-level field extraction (insurer, product, date)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from extractors.document import Document


@dataclass(frozen=True)
class DocumentFields:
    insurer_id: str | None
    insurer_name: str | None
    product_name: str | None
    document_date: dt.date | None


def document_to_fields(document: Document) -> DocumentFields:
    """Given a Document, return its insurer, product name and stated date."""
    return DocumentFields(None, None, None, None)
