"""Pandera models of the warehouse tables, frames built from records, and cross-table rules.

Plain Python: nothing here imports dagster.
"""

from schemas.frames import empty_frame, model_schema, records_to_frame, split_valid
from schemas.models import PUBLISHED_MODELS, TABLE_MODELS, TABLES, QuarantineModel

__all__ = [
    "PUBLISHED_MODELS",
    "TABLES",
    "TABLE_MODELS",
    "QuarantineModel",
    "empty_frame",
    "model_schema",
    "records_to_frame",
    "split_valid",
]
