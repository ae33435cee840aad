"""Settings of the pipeline as a Dagster resource (no environment is read at import time)."""

from pathlib import Path

import dagster as dg
from pydantic import Field

from pipelines.storage import PROJECT_ROOT
from pipelines.workers import Budget, default_workers


class BrochureSettings(dg.ConfigurableResource):
    """Where brochures are read from, and the budget each is read within.

    A relative `raw_dir` is taken under the repository root, not the current directory, so
    that the UI, the daemon and the tests agree whatever folder they were started from. To
    take it from the environment instead, configure `BrochureSettings(raw_dir=dg.EnvVar(...))`.
    """

    raw_dir: str = Field(default="raw", description="Folder holding the brochures (any depth).")
    seconds_per_brochure: float = Field(
        default=Budget.seconds,
        gt=0,
        description="Wall time one brochure may take to read; past it the brochure gets an error row.",
    )
    memory_per_brochure_mib: int = Field(
        default=Budget.memory_mib,
        gt=0,
        description="Memory one brochure may take to read, beyond a fresh worker's; past it, an error row.",
    )
    workers: int = Field(
        default=0,
        ge=0,
        description="Brochures read at once, each in a process of its own; 0 means the CPUs, at most 4.",
    )

    def budget(self) -> Budget:
        """Given nothing, return the budget one brochure is read within."""
        return Budget(seconds=self.seconds_per_brochure, memory_mib=self.memory_per_brochure_mib)

    def worker_count(self) -> int:
        """Given nothing, return how many brochures are read at once."""
        return self.workers or default_workers()

    def raw_path(self) -> Path:
        """Given nothing, return the absolute raw folder."""
        path = Path(self.raw_dir).expanduser()
        return path if path.is_absolute() else PROJECT_ROOT / path
