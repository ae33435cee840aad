"""The one domain error the library raises."""

from __future__ import annotations

from typing import Literal

Stage = Literal["read", "extract", "normalise", "validate", "publish"]


class BrochureError(Exception):
    """A brochure could not be turned into rows; `message` tells a person what to do about it."""

    def __init__(
        self, message: str, *, stage: Stage = "read", source: str | None = None, doc_id: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.stage: Stage = stage
        self.source = source
        self.doc_id = doc_id

    def __str__(self) -> str:
        return f"{self.source}: {self.message}" if self.source else self.message
