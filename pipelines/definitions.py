"""The Dagster definitions: `dagster dev -m pipelines.definitions` loads `defs`."""

import dagster as dg

from pipelines.assets import comparison_report, extraction, reference_tables, warehouse_tables
from pipelines.automation import daily_reingest, ingest_job, prune_warehouse_job, raw_files, reference_job
from pipelines.checks import brochure_published, cross_table_checks
from pipelines.io_managers import ParquetIOManager, PickleIOManager
from pipelines.resources import BrochureSettings
from pipelines.workers import Budget


def build_defs(
    raw_dir: str = "raw",
    warehouse: str = "warehouse",
    budget: Budget | None = None,
    executor: dg.ExecutorDefinition = dg.in_process_executor,
) -> dg.Definitions:
    """Given the raw folder and the warehouse location, return the definitions reading and writing there.

    Relative paths are taken under the repository root; the warehouse may be an object-store URL.
    `budget` replaces the default time and memory budget of one brochure. `executor` runs the
    `ingest` job: in process by default (a run is a handful of short steps, one process is
    faster than one per step); `pipelines.distributed` gives Dagster's Dask executor.
    """
    budget = budget or Budget()
    return dg.Definitions(
        executor=executor,
        assets=[extraction, warehouse_tables, reference_tables, comparison_report],
        asset_checks=[cross_table_checks, brochure_published],
        jobs=[ingest_job, prune_warehouse_job, reference_job],
        sensors=[raw_files],
        schedules=[daily_reingest],
        resources={
            "settings": BrochureSettings(
                raw_dir=raw_dir,
                seconds_per_brochure=budget.seconds,
                memory_per_brochure_mib=budget.memory_mib,
            ),
            "warehouse_io_manager": ParquetIOManager(base_path=warehouse),
            "extraction_io_manager": PickleIOManager(),
        },
    )


defs = build_defs()
