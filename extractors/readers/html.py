"""PLACEHOLDER: replaced by the html reader."""

from __future__ import annotations

from pathlib import Path

from extractors.document import Document
from extractors.errors import BrochureError


def read(path: Path) -> Document:
    """Given a html file, return its Document."""
    raise BrochureError("the html reader is not written yet", stage="read", source=str(path))
