"""The assets: one brochure read into rows, then every warehouse table, with their checks.

Assets are thin: they declare, call `pipelines.brochures`/`pipelines.publish`/`schemas`, and
report metadata. Both are partitioned by brochure file and run all the partitions of a run in
one step (`BackfillPolicy.single_run()`): the tables are validated once per run, not once per
file.
"""

import dataclasses
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl
from dagster._core.definitions.asset_checks.asset_check_evaluation import (
    AssetCheckEvaluationTargetMaterializationData,
)
from dagster._core.storage.tags import ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG

from extractors.records import IngestErrorRecord
from extractors.version import extractor_version
from pipelines.brochures import Result, UnexpectedError, partition_key_to_source_file
from pipelines.io_managers import ParquetIOManager, PartitionFrames
from pipelines.publish import (
    DATA_TABLES,
    Publication,
    outcome_line,
    reference_to_frames,
    result_line,
    results_to_publication,
)
from pipelines.resources import BrochureSettings
from pipelines.versions import record_stamps, results_to_stamps, run_twins
from pipelines.workers import read_in_workers
from schemas import frames
from schemas.models import REFERENCE_MODELS, TABLES, WAREHOUSE_MODELS

PARTITIONS = "brochures"
BROCHURES = dg.DynamicPartitionsDefinition(name=PARTITIONS)
VALID_ROWS = "valid_rows"
#: the per-brochure check on `ingest_errors`: fails for a brochure whose partition holds an error
BROCHURE_PUBLISHED = "brochure_published"
#: how many failure cases or rows a metadata sample shows
SAMPLE_ROWS = 20
#: the `extra` key of the log message the extraction writes per brochure as it is read: a dict
#: with index, total, source_file, ok and line (what `brochures ingest` prints as it comes)
PROGRESS = "brochure_progress"

TABLE_DESCRIPTIONS = {
    "documents": "One row per published brochure: insurer, product, date, pages.",
    "pages": (
        "The verbatim text of every page (its lines, then its tables' rows, one per line): read a "
        "value in context; every evidence of the other tables is a substring of its document's pages."
    ),
    "coverages": "One row per coverage item a brochure offers.",
    "limits": "One row per limit, deductible, ratio or time window.",
    "premiums": "One row per quoted premium.",
    "loss_scenarios": (
        "Cost breakdowns of the brochures' example incidents; `ordinal` is the rows' document order "
        "(items come before the subtotal or total they add up to)."
    ),
    "ingest_errors": "Every brochure that could not be published in its latest version, and why.",
    "quarantine": "Rows that failed validation in the latest run of their brochure, with the reason.",
    "insurers": "The insurer registry: id, legal name and the names brochures print for each.",
    "coverage_taxonomy": "Every coverage_id (section or item), its meaning and the words recognised for it.",
    "industries": "The JSIC divisions premiums are coded with, and the industry labels coded with each.",
}


def table_to_column_schema(table: str) -> dg.TableSchema:
    """Given a table, return its Dagster column schema (types, nullability, meaning) from its model."""
    columns = WAREHOUSE_MODELS[table].to_schema().columns
    return dg.TableSchema(
        columns=[
            dg.TableColumn(
                name=name,
                type=str(column.dtype),
                description=column.description,
                constraints=dg.TableColumnConstraints(nullable=column.nullable),
            )
            for name, column in columns.items()
        ]
    )


def partition_range_tags(keys: Sequence[str]) -> dict[str, str]:
    """Given the partition keys in registry order, return run tags targeting all of them in one run."""
    return {ASSET_PARTITION_RANGE_START_TAG: keys[0], ASSET_PARTITION_RANGE_END_TAG: keys[-1]}


def latest_materializations(
    instance: dg.DagsterInstance, asset: str, keys: Sequence[str]
) -> dict[str, AssetCheckEvaluationTargetMaterializationData]:
    """Given an instance, an asset and partition keys, return each partition's latest materialisation."""
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=dg.AssetKey(asset), asset_partitions=list(keys)), limit=len(keys) * 4
    ).records
    latest: dict[str, AssetCheckEvaluationTargetMaterializationData] = {}
    for record in records:  # newest first
        if record.partition_key is not None and record.partition_key not in latest:
            latest[record.partition_key] = AssetCheckEvaluationTargetMaterializationData(
                storage_id=record.storage_id, run_id=record.run_id, timestamp=record.timestamp
            )
    return latest


def errors_to_published_check(
    key: str, errors: Sequence[str], target: AssetCheckEvaluationTargetMaterializationData | None
) -> dg.AssetCheckEvaluation:
    """Given a brochure's partition key and its ingest_errors messages, return its check evaluation.

    A run publishes a range of brochures in one step, where a check result would describe the
    range; an evaluation names its partition, so each broken brochure carries its own failing check.
    """
    source_file = partition_key_to_source_file(key)
    return dg.AssetCheckEvaluation(
        asset_key=dg.AssetKey("ingest_errors"),
        check_name=BROCHURE_PUBLISHED,
        passed=not errors,
        partition=key,
        severity=dg.AssetCheckSeverity.ERROR,
        blocking=False,
        # the materialisation it describes: the UI shows a check's status only while it is current
        target_materialization_data=target,
        description="; ".join(f"{source_file}: {e}" for e in errors) or f"{source_file} is published",
        metadata={"source_file": source_file, "errors": len(errors)},
    )


def _cell(value: object, width: int) -> str:
    """Given a value and a width, return it as one markdown table cell (pipes escaped, cut to width)."""
    text = "" if value is None else str(value).replace("|", "\\|").replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def frame_to_markdown(frame: pl.DataFrame, rows: int = SAMPLE_ROWS, width: int = 80) -> str:
    """Given a frame, return its first rows as a markdown table (long texts cut to `width`)."""
    lines = ["| " + " | ".join(frame.columns) + " |", "|" + "---|" * len(frame.columns)]
    lines += ["| " + " | ".join(_cell(v, width) for v in row) + " |" for row in frame.head(rows).iter_rows()]
    if frame.height > rows:
        lines.append(f"\n… and {frame.height - rows} more rows")
    return "\n".join(lines)


@dg.asset(
    partitions_def=BROCHURES,
    backfill_policy=dg.BackfillPolicy.single_run(),
    group_name="extract",
    io_manager_key="extraction_io_manager",
    dagster_type=dg.Any,  # dagster cannot type-check a dict of a union; mypy does
    kinds={"python"},
    # the hash of extractors/ and schemas/: a changed extractor makes every partition stale in the UI
    code_version=extractor_version(),
    description=(
        "Each brochure file read and extracted: its Extraction (the rows it publishes) or the "
        "IngestErrorRecord saying why it cannot be read. Each brochure is read in a process of its "
        "own within a time and memory budget (BrochureSettings), several at once, so that a bad "
        "file never stops or hangs the others. Logs one line per brochure as it is read."
    ),
)
def extraction(context: dg.AssetExecutionContext, settings: BrochureSettings) -> dict[str, Result]:
    keys = context.partition_keys
    results: dict[str, Result] = {}
    reads = read_in_workers(settings.raw_path(), keys, settings.budget(), settings.worker_count())
    for i, read in enumerate(reads, 1):
        source_file = partition_key_to_source_file(read.key)
        result = read.result
        if isinstance(result, UnexpectedError):
            context.log.error(f"{source_file}: the extractor crashed\n{result.traceback}")
            result = result.record
        results[read.key] = result
        line = result_line(result, read.seconds)
        ok = not isinstance(result, IngestErrorRecord)
        progress = {"index": i, "total": len(keys), "source_file": source_file, "ok": ok, "line": line}
        context.log.log(
            logging.INFO if ok else logging.WARNING, f"[{i}/{len(keys)}] {line}", extra={PROGRESS: progress}
        )
    results = {key: results[key] for key in keys}  # workers finish in any order; publish in key order
    errors = [r for r in results.values() if isinstance(r, IngestErrorRecord)]
    context.add_output_metadata(
        {
            "brochures": len(keys),
            "errors": len(errors),
            "error_sample": dg.MetadataValue.md(
                frame_to_markdown(pl.DataFrame([dataclasses.asdict(e) for e in errors]))
                if errors
                else "no errors"
            ),
        }
    )
    return results


def _table_metadata(table: str, publication: Publication) -> dict[str, Any]:
    """Given a table and the run's publication, return the output metadata: row counts and a preview."""
    frames = [f for f in publication.frames[table].values() if f.height]
    published = pl.concat(frames, how="vertical") if frames else None
    failed = len(publication.failed) if table in DATA_TABLES else 0
    return {
        "rows_published": published.height if published is not None else 0,
        "partitions": len(publication.frames[table]),
        "partitions_failed": failed,
        "preview": dg.MetadataValue.md(
            frame_to_markdown(published, 5) if published is not None else "no rows"
        ),
    }


def _quarantine_check_result(quarantine: pl.DataFrame, run_rows: int) -> dg.AssetCheckResult:
    """Given the whole quarantine table and the run's count, return its own (always passing) check result."""
    # a quarantine row failing its own model would have made the publication broken
    return dg.AssetCheckResult(
        asset_key="quarantine",
        check_name=VALID_ROWS,
        passed=True,
        description=f"{quarantine.height} quarantined rows ({run_rows} from this run), all well-formed",
        metadata={
            "rows_quarantined": quarantine.height,
            "rows_quarantined_this_run": run_rows,
            "by_table": dg.MetadataValue.json(
                dict(quarantine.group_by("table").len().sort("table").iter_rows())
            ),
        },
    )


def quarantine_sample(quarantined: pl.DataFrame) -> str:
    """Given quarantined rows, return a markdown sample naming each row's file, page, evidence and reason."""
    if not quarantined.height:
        return "none"
    row = pl.col("row_json")
    sample = quarantined.select(
        "source_file",
        page=row.str.json_path_match("$.page"),
        evidence=row.str.json_path_match("$.evidence"),
        reason="reason",
    )
    return frame_to_markdown(sample)


def _check_result(table: str, publication: Publication, warehouse: pl.DataFrame) -> dg.AssetCheckResult:
    """Given a table, the run's publication and the whole quarantine table, return its valid_rows result.

    The result describes the whole published table, every brochure's rows, not only the run's:
    it stays WARN while any brochure's rows of this table sit in quarantine.
    """
    run_quarantine = pl.concat(list(publication.frames["quarantine"].values()), how="vertical")
    if table == "quarantine":
        return _quarantine_check_result(warehouse, run_quarantine.height)
    cases = publication.failure_cases[table]
    quarantined = warehouse.filter(pl.col("table") == table)
    this_run = run_quarantine.filter(pl.col("table") == table).height
    brochures = quarantined.get_column("source_file").unique().sort().to_list()
    return dg.AssetCheckResult(
        asset_key=table,
        check_name=VALID_ROWS,
        passed=quarantined.height == 0,
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"{quarantined.height} rows of {len(brochures)} brochures failed validation and are in "
            f"quarantine ({this_run} from this run)"
            if quarantined.height
            else "every row of the table is valid"
        ),
        metadata={
            "rows_quarantined": quarantined.height,
            "rows_quarantined_this_run": this_run,
            "brochures_with_quarantined_rows": dg.MetadataValue.json(brochures),
            "failures_by_check": dg.MetadataValue.json(
                {
                    f"{column} {check}": n
                    for column, check, n in cases.group_by("column", "check")
                    .len()
                    .sort("column", "check")
                    .iter_rows()
                }
            ),
            "failure_cases": dg.MetadataValue.md(frame_to_markdown(cases) if cases.height else "none"),
            "quarantined_rows": dg.MetadataValue.md(quarantine_sample(quarantined)),
        },
    )


def _broken_result(table: str, publication: Publication) -> dg.AssetCheckResult:
    """Given a table of a broken publication, return its failing (ERROR) valid_rows result."""
    cases = publication.broken.get(table)
    reason = (
        f"{table} as a whole failed validation (a bug in the code, not in a brochure)"
        if cases is not None
        else f"not published because {', '.join(sorted(publication.broken))} failed as a whole"
    )
    return dg.AssetCheckResult(
        asset_key=table,
        check_name=VALID_ROWS,
        passed=False,
        severity=dg.AssetCheckSeverity.ERROR,
        description=f"{reason}; nothing was published, the warehouse keeps its previous files",
        metadata={
            "failure_cases": dg.MetadataValue.md(frame_to_markdown(cases) if cases is not None else "none")
        },
    )


@dg.multi_asset(
    outs={
        table: dg.AssetOut(
            io_manager_key="warehouse_io_manager",
            is_required=False,
            group_name="warehouse",
            kinds={"parquet", "polars"},
            description=TABLE_DESCRIPTIONS[table],
            metadata={"dagster/column_schema": table_to_column_schema(table)},
            code_version=extractor_version(),
        )
        for table in TABLES
    },
    ins={"extraction": dg.AssetIn(dagster_type=dg.Any)},
    partitions_def=BROCHURES,
    backfill_policy=dg.BackfillPolicy.single_run(),
    can_subset=True,
    check_specs=[
        dg.AssetCheckSpec(
            VALID_ROWS,
            asset=table,
            blocking=True,
            description=(
                "Every row passes the table's pandera model, and a row with evidence quotes its "
                "brochure verbatim. Rows that fail are quarantined, not published (WARN); a failure "
                "of the table as a whole blocks publishing (ERROR)."
            ),
        )
        for table in TABLES
    ],
)
def warehouse_tables(
    context: dg.AssetExecutionContext,
    extraction: dict[str, Result],
    settings: BrochureSettings,
    warehouse_io_manager: dg.ResourceParam[ParquetIOManager],
) -> Iterator[dg.Output[PartitionFrames] | dg.AssetCheckResult]:
    """Every warehouse table of the run's brochures, validated together, published per brochure."""
    results = {key: extraction[key] for key in context.partition_keys}
    publication = results_to_publication(results)
    for i, outcome in enumerate(publication.outcomes.values(), 1):
        context.log.info(f"[{i}/{len(publication.outcomes)}] {outcome_line(outcome)}")
    selected = [t for t in TABLES if dg.AssetKey(t) in context.selected_asset_keys]
    checks = context.selected_asset_check_keys
    if publication.broken:
        # nothing is yielded: no file of any table is touched, and the failed blocking checks fail the step
        for table in selected:
            if dg.AssetCheckKey(dg.AssetKey(table), VALID_ROWS) in checks:
                yield _broken_result(table, publication)
        return
    for table in selected:
        keep = publication.failed if table in DATA_TABLES else frozenset()
        yield dg.Output(
            PartitionFrames(
                frames=publication.frames[table], keep_published=keep, published_with=frozenset(selected)
            ),
            output_name=table,
            metadata=_table_metadata(table, publication),
        )
    # each Output is handled as it is yielded: every table's files are committed by now, so the
    # checks read the whole warehouse, and the stamps say what it holds
    warehouse = warehouse_io_manager.warehouse()
    quarantine = warehouse.read_compacted("quarantine", frames.empty_frame(WAREHOUSE_MODELS["quarantine"]))
    for table in selected:
        if dg.AssetCheckKey(dg.AssetKey(table), VALID_ROWS) in checks:
            yield _check_result(table, publication, quarantine)
    if "ingest_errors" in selected:
        published = publication.frames["ingest_errors"]
        targets = latest_materializations(context.instance, "ingest_errors", list(published))
        for key, frame in published.items():
            context.log_event(errors_to_published_check(key, frame["error"].to_list(), targets.get(key)))
    if set(TABLES) <= set(selected):
        # the next run skips these brochures until their bytes or the extractor change
        twins = run_twins(settings.raw_path(), list(results))
        record_stamps(warehouse, results_to_stamps(results, twins, extractor_version()))


@dg.multi_asset(
    outs={
        table: dg.AssetOut(
            io_manager_key="warehouse_io_manager",
            is_required=False,
            group_name="reference",
            kinds={"parquet", "polars"},
            description=TABLE_DESCRIPTIONS[table],
            metadata={"dagster/column_schema": table_to_column_schema(table)},
        )
        for table in REFERENCE_MODELS
    },
    check_specs=[
        dg.AssetCheckSpec(
            VALID_ROWS,
            asset=table,
            blocking=True,
            description="Every row passes the table's pandera model (unique ids, no blank names).",
        )
        for table in REFERENCE_MODELS
    ],
)
def reference_tables() -> Iterator[dg.Output[pl.DataFrame] | dg.AssetCheckResult]:
    """The reference tables from the extractors' YAML, each published only when its model holds."""
    for table, frame in reference_to_frames().items():
        cases = frames.validation_failures(frame, REFERENCE_MODELS[table])
        if not cases.height:
            yield dg.Output(frame, output_name=table, metadata={"dagster/row_count": frame.height})
        yield dg.AssetCheckResult(
            asset_key=table,
            check_name=VALID_ROWS,
            passed=not cases.height,
            severity=dg.AssetCheckSeverity.ERROR,
            description=(
                f"{cases.height} failures: fix extractors/data/ and run again; the published file is kept"
                if cases.height
                else f"{frame.height} rows, every row valid"
            ),
            metadata={
                "failure_cases": dg.MetadataValue.md(frame_to_markdown(cases) if cases.height else "none")
            },
        )


@dg.asset(group_name="report", deps=[*TABLES, *REFERENCE_MODELS], kinds={"html"})
def comparison_report(warehouse_io_manager: dg.ResourceParam[ParquetIOManager]) -> dg.MaterializeResult:
    """The warehouse's self-contained HTML comparison report (pipelines.report), rewritten in place."""
    from pipelines.report import write_report

    report = write_report(Path(str(warehouse_io_manager.warehouse().base)))
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(report.path)),
            "size_bytes": report.size_bytes,
            "charts": report.charts,
            "font": report.font,
        }
    )
