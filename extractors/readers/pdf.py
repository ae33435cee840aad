"""PLACEHOLDER: replaced by the pdf reader."""

from __future__ import annotations

from pathlib import Path

from extractors.document import Document
from extractors.errors import BrochureError


def read(path: Path) -> Document:
    """Given a pdf file, return its Document."""
    raise BrochureError("the pdf reader is not written yet", stage="read", source=str(path))
