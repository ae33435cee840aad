"""One reader per input format, each `read(path) -> Document`, chosen by file extension."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from extractors.document import Document
from extractors.errors import BrochureError
from extractors.readers import html, pdf, text

Reader = Callable[[Path], Document]

READERS: dict[str, Reader] = {
    ".pdf": pdf.read,
    ".html": html.read,
    ".htm": html.read,
    ".txt": text.read,
    ".md": text.read,
}

SUPPORTED_SUFFIXES = frozenset(READERS)


def read(path: Path) -> Document:
    """Given a brochure file, return its Document, read by the reader for its extension."""
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        supported = ", ".join(sorted(READERS))
        raise BrochureError(
            f"unsupported file type {path.suffix or '(none)'!r}; supported: {supported} "
            "(save it as PDF, e.g. soffice --headless --convert-to pdf, and drop that in raw/)",
            stage="read",
            source=str(path),
        )
    return reader(path)
