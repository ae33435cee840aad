"""Cross-table asset checks: one check spec per rule of `schemas.checks.RULES`.

They read the published warehouse as analysts see it (every partition), after the tables of
the run are written. Failing them does not stop a run (not blocking): the data is already
published and the failure is a finding for the data-quality report.
"""

from collections.abc import Iterator

import dagster as dg
import polars as pl

from pipelines.assets import PARTITIONS, frame_to_markdown
from pipelines.brochures import partition_key_to_source_file
from pipelines.io_managers import ParquetIOManager
from pipelines.storage import Warehouse
from schemas.checks import RULES, Failure, Rule
from schemas.frames import model_schema
from schemas.models import TABLE_MODELS


def published_brochures(warehouse: Warehouse, registered: list[str]) -> set[str]:
    """Given the warehouse and the registered partition keys, return the source files of those published.

    A brochure counts as published once its partition has an ingest_errors file: every run
    writes one for each of its brochures, empty or not.
    """
    names = {p.name for p in warehouse.files("ingest_errors")}
    return {
        partition_key_to_source_file(k)
        for k in registered
        if warehouse.path("ingest_errors", k).name in names
    }


def _spec(rule: Rule) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        rule.name,
        asset=rule.table,
        additional_deps=[t for t in rule.reads if t != rule.table],
        description=rule.description,
    )


def _failures_to_frame(failures: list[Failure]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "table": [f.table for f in failures],
            "key": [f.key for f in failures],
            "problem": [f.problem for f in failures],
        },
        schema={"table": pl.String, "key": pl.String, "problem": pl.String},
    )


@dg.multi_asset_check(specs=[_spec(rule) for rule in RULES], can_subset=True)
def cross_table_checks(
    context: dg.AssetCheckExecutionContext, warehouse_io_manager: dg.ResourceParam[ParquetIOManager]
) -> Iterator[dg.AssetCheckResult]:
    """Rules spanning tables (schemas.checks.RULES), on the whole published warehouse."""
    warehouse = warehouse_io_manager.warehouse()
    selected = [
        r
        for r in RULES
        if dg.AssetCheckKey(dg.AssetKey(r.table), r.name) in context.selected_asset_check_keys
    ]
    tables: dict[str, pl.DataFrame] = {}
    unreadable: dict[str, str] = {}
    for table in sorted({t for r in selected for t in r.reads}):
        try:
            tables[table] = warehouse.read_table(table, model_schema(TABLE_MODELS[table]))
        except Exception as e:  # files of different schemas: a finding to report, not a crash
            unreadable[table] = f"{type(e).__name__}: {e}"
    brochures = published_brochures(warehouse, context.instance.get_dynamic_partitions(PARTITIONS))
    for rule in selected:
        bad = {t: unreadable[t] for t in rule.reads if t in unreadable}
        if bad:
            yield dg.AssetCheckResult(
                asset_key=rule.table,
                check_name=rule.name,
                passed=False,
                description=f"cannot read {', '.join(bad)} as one table",
                metadata={"errors": dg.MetadataValue.json(bad)},
            )
            continue
        failures = rule.check(tables, brochures)
        yield dg.AssetCheckResult(
            asset_key=rule.table,
            check_name=rule.name,
            passed=not failures,
            description=f"{len(failures)} failures" if failures else "holds for every brochure",
            metadata={
                "failures": len(failures),
                "brochures_checked": len(brochures),
                "sample": dg.MetadataValue.md(
                    frame_to_markdown(_failures_to_frame(failures)) if failures else "none"
                ),
            },
        )
