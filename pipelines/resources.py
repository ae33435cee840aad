"""Settings of the pipeline as a Dagster resource (no environment is read at import time)."""

from pathlib import Path

import dagster as dg
from pydantic import Field

from pipelines.storage import PROJECT_ROOT


class BrochureSettings(dg.ConfigurableResource):
    """Where brochures are read from.

    A relative `raw_dir` is taken under the repository root, not the current directory, so
    that the UI, the daemon and the tests agree whatever folder they were started from. To
    take it from the environment instead, configure `BrochureSettings(raw_dir=dg.EnvVar(...))`.
    """

    raw_dir: str = Field(default="raw", description="Folder holding the brochures (any depth).")

    def raw_path(self) -> Path:
        """Given nothing, return the absolute raw folder."""
        path = Path(self.raw_dir).expanduser()
        return path if path.is_absolute() else PROJECT_ROOT / path
