"""Cross-table asset checks: one check spec per rule of `schemas.checks.RULES`.

They read the published warehouse as analysts see it (every partition), after the tables of
the run are written. Failing them does not stop a run (not blocking): the data is already
published and the failure is a finding for the data-quality report.
"""

import json
from collections.abc import Iterator
from typing import Any

import dagster as dg
import polars as pl

from pipelines.assets import BROCHURE_PUBLISHED, BROCHURES, PARTITIONS, SAMPLE_ROWS, frame_to_markdown
from pipelines.brochures import partition_key_to_source_file
from pipelines.io_managers import ParquetIOManager
from pipelines.storage import Warehouse, partition_file_stem
from schemas.checks import RULES, Failure, Rule, Severity
from schemas.frames import model_schema
from schemas.models import TABLE_MODELS


def published_brochures(warehouse: Warehouse, registered: list[str]) -> set[str]:
    """Given the warehouse and the registered partition keys, return the source files of those published.

    A brochure counts as published once its partition has an ingest_errors file: every run
    writes one for each of its brochures, empty or not.
    """
    stems = warehouse.stems("ingest_errors")
    return {partition_key_to_source_file(k) for k in registered if partition_file_stem(k) in stems}


SEVERITIES: dict[Severity, dg.AssetCheckSeverity] = {
    "error": dg.AssetCheckSeverity.ERROR,
    "warn": dg.AssetCheckSeverity.WARN,
}


def _spec(rule: Rule) -> dg.AssetCheckSpec:
    """Given a cross-table rule, return its asset check spec (on its table, depending on what it reads)."""
    return dg.AssetCheckSpec(
        rule.name,
        asset=rule.table,
        additional_deps=[t for t in rule.reads if t != rule.table],
        description=f"{rule.description} Severity: {rule.severity.upper()}.",
    )


def _details_text(details: dict[str, Any]) -> str:
    """Given a failure's details, return them as `key=value, …`."""
    return ", ".join(f"{k}={v}" for k, v in details.items())


def _failures_to_frame(failures: list[Failure]) -> pl.DataFrame:
    """Given a rule's failures, return them as a frame of strings (for a markdown sample)."""
    return pl.DataFrame(
        {
            "table": [f.table for f in failures],
            "key": [f.key for f in failures],
            "problem": [f.problem for f in failures],
            "details": [_details_text(dict(f.details)) for f in failures],
        },
        schema={"table": pl.String, "key": pl.String, "problem": pl.String, "details": pl.String},
    )


def failures_to_json(failures: list[Failure], rows: int = SAMPLE_ROWS) -> list[dict[str, Any]]:
    """Given a rule's failures, return the first ones as JSON-ready dicts (the figures kept as numbers)."""
    sample = [{"table": f.table, "key": f.key, "problem": f.problem, **f.details} for f in failures[:rows]]
    return json.loads(json.dumps(sample, ensure_ascii=False, default=str))


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
            # the compacted copy: one file per table, so a one-brochure run on a large warehouse
            # does not open a file per brochure
            empty = pl.DataFrame(schema=model_schema(TABLE_MODELS[table]))
            tables[table] = warehouse.read_compacted(table, empty)
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
                severity=dg.AssetCheckSeverity.ERROR,  # the rule could not be checked at all
                description=f"cannot read {', '.join(bad)} as one table",
                metadata={"errors": dg.MetadataValue.json(bad)},
            )
            continue
        failures = rule.check(tables, brochures)
        yield dg.AssetCheckResult(
            asset_key=rule.table,
            check_name=rule.name,
            passed=not failures,
            severity=SEVERITIES[rule.severity],
            description=f"{len(failures)} failures" if failures else "holds for every brochure",
            metadata={
                "failures": len(failures),
                "brochures_checked": len(brochures),
                "sample": dg.MetadataValue.md(
                    frame_to_markdown(_failures_to_frame(failures), width=160) if failures else "none"
                ),
                "sample_json": dg.MetadataValue.json(failures_to_json(failures)),
            },
        )


@dg.asset_check(
    asset="ingest_errors",
    name=BROCHURE_PUBLISHED,
    partitions_def=BROCHURES,
    blocking=False,
    description=(
        "Per brochure: its latest version is published (ERROR while its partition of "
        "ingest_errors holds a row, with the reason). Every ingest run reports it for each "
        "brochure it publishes, range runs too; run it here to check one brochure again."
    ),
)
def brochure_published(
    context: dg.AssetCheckExecutionContext, warehouse_io_manager: dg.ResourceParam[ParquetIOManager]
) -> dg.AssetCheckResult:
    """The brochure of the partition has no ingest_errors row in the warehouse."""
    key = context.op_execution_context.partition_key
    source_file = partition_key_to_source_file(key)
    try:
        errors = warehouse_io_manager.warehouse().read("ingest_errors", key)["error"].to_list()
    except FileNotFoundError:
        errors = ["not in the warehouse yet: ingest it"]
    return dg.AssetCheckResult(
        passed=not errors,
        severity=dg.AssetCheckSeverity.ERROR,
        description="; ".join(f"{source_file}: {e}" for e in errors) or f"{source_file} is published",
        metadata={"source_file": source_file, "errors": len(errors)},
    )
