"""Jobs, the raw-folder sensor and the daily schedule.

- `ingest`: the extraction and every warehouse table (with their checks) for the partitions
  of a run: one brochure when the sensor sees a new or changed file, all of them when the
  schedule or the CLI runs.
- `prune_warehouse`: deletes the warehouse files of partitions whose brochure is gone. The
  sensor removes a deleted file's partition and requests this job, so the deletion happens in
  a run, with its own log of every file removed, instead of as a side effect of a sensor tick.
"""

import hashlib
import json

import dagster as dg

from extractors.version import extractor_version
from pipelines.assets import (
    BROCHURE_PUBLISHED,
    BROCHURES,
    PARTITIONS,
    extraction,
    partition_range_tags,
    reference_tables,
    warehouse_tables,
)
from pipelines.brochures import fingerprint_doc_id, fingerprints, list_brochures
from pipelines.io_managers import ParquetIOManager
from pipelines.resources import BrochureSettings
from pipelines.versions import stale_keys
from schemas.models import TABLES

ingest_job = dg.define_asset_job(
    "ingest",
    # `brochure_published` is reported by warehouse_tables for each brochure, not run as a step
    selection=dg.AssetSelection.assets(extraction, warehouse_tables)
    - dg.AssetSelection.checks(dg.AssetCheckKey(dg.AssetKey("ingest_errors"), BROCHURE_PUBLISHED)),
    partitions_def=BROCHURES,
    # no executor of its own: the definitions' (pipelines.definitions.build_defs) runs it, in
    # process by default, on a Dask cluster in pipelines.distributed
    description="Read the run's brochures and publish every warehouse table for them, with their checks.",
)

reference_job = dg.define_asset_job(
    "publish_reference",
    selection=dg.AssetSelection.assets(reference_tables),
    executor_def=dg.in_process_executor,
    description="Publish the reference tables (insurers, coverage_taxonomy, industries) from the YAML.",
)


@dg.op(description="Delete warehouse files of brochures that are neither registered nor in the raw folder.")
def remove_deleted_brochures(
    context: dg.OpExecutionContext,
    settings: BrochureSettings,
    warehouse_io_manager: dg.ResourceParam[ParquetIOManager],
) -> None:
    raw_dir = settings.raw_path()
    if not raw_dir.is_dir():
        # an unmounted or mistyped raw folder must not look like "every brochure was deleted"
        raise dg.Failure(
            f"the raw folder {raw_dir} does not exist; refusing to prune the warehouse. "
            "Mount or create it (or fix the `settings` resource's raw_dir), then run again"
        )
    keep = set(context.instance.get_dynamic_partitions(PARTITIONS)) | set(list_brochures(raw_dir))
    warehouse = warehouse_io_manager.warehouse()
    removed = warehouse.prune(TABLES, keep)
    warehouse.compact(TABLES)
    for path in removed:
        context.log.info(f"removed {path}")
    context.log.info(f"removed {len(removed)} files; {len(keep)} brochures kept")


@dg.job(
    name="prune_warehouse",
    description="Remove the rows of deleted brochures from the warehouse.",
    executor_def=dg.in_process_executor,
)
def prune_warehouse_job() -> None:
    remove_deleted_brochures()


def _digest(items: dict[str, str]) -> str:
    return hashlib.sha256(json.dumps(items, sort_keys=True).encode()).hexdigest()[:16]


def _read_cursor(cursor: str | None) -> tuple[str | None, dict[str, str]]:
    """Given the sensor's cursor, return the extractor version and the fingerprints it holds."""
    if not cursor:
        return None, {}
    value = json.loads(cursor)
    if "fingerprints" not in value:  # a cursor of an older version: fingerprints only
        return None, value
    return value["extractor_version"], value["fingerprints"]


@dg.sensor(
    name="raw_files",
    jobs=[ingest_job, prune_warehouse_job],
    minimum_interval_seconds=30,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Watches the raw folder: registers a partition for each new brochure and runs it, runs a "
        "brochure again when its size or modification time changes, and unregisters deleted "
        "brochures and prunes their rows from the warehouse."
    ),
)
def raw_files(
    context: dg.SensorEvaluationContext,
    settings: BrochureSettings,
    warehouse_io_manager: dg.ResourceParam[ParquetIOManager],
) -> dg.SensorResult | dg.SkipReason:
    raw_dir = settings.raw_path()
    if not raw_dir.is_dir():
        return dg.SkipReason(f"the raw folder {raw_dir} does not exist; nothing registered or removed")
    current = fingerprints(list_brochures(raw_dir))
    # cursor: the extractor version and {partition key: fingerprint} as of the last tick
    seen_version, seen = _read_cursor(context.cursor)
    registered = set(context.instance.get_dynamic_partitions(PARTITIONS))
    added = [k for k in current if k not in registered]
    deleted = sorted(registered - set(current))
    version = extractor_version()
    # one digest per file a tick: the fingerprint's document id is the one the stamps hold
    doc_ids = {k: fingerprint_doc_id(fp) for k, fp in current.items()}
    stale = set(stale_keys(raw_dir, list(current), warehouse_io_manager.warehouse(), version, doc_ids))
    runs = [
        # the fingerprint and the version in the run key make a brochure run once per version of
        # its file and of the code; one whose published rows still stand (stamps) does not run
        dg.RunRequest(job_name=ingest_job.name, partition_key=key, run_key=f"{key}@{fp}@{version}")
        for key, fp in current.items()
        if key in stale and (key not in registered or seen.get(key) != fp or seen_version != version)
    ]
    if deleted:
        gone = {k: seen.get(k, "") for k in deleted}
        runs.append(dg.RunRequest(job_name=prune_warehouse_job.name, run_key=f"prune:{_digest(gone)}"))
    requests: list[dg.AddDynamicPartitionsRequest | dg.DeleteDynamicPartitionsRequest] = []
    if added:
        requests.append(BROCHURES.build_add_request(added))
    if deleted:
        requests.append(BROCHURES.build_delete_request(deleted))
    return dg.SensorResult(
        run_requests=runs,
        dynamic_partitions_requests=requests,
        cursor=json.dumps({"extractor_version": version, "fingerprints": current}, sort_keys=True),
    )


@dg.schedule(
    name="daily_reingest",
    job=ingest_job,
    cron_schedule="0 3 * * *",
    execution_timezone="Asia/Tokyo",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        "Every night at 03:00 JST, re-ingest the registered brochures whose file or extractor "
        "changed since their last ingest (all of them in one run after a change of the code)."
    ),
)
def daily_reingest(
    context: dg.ScheduleEvaluationContext,
    settings: BrochureSettings,
    warehouse_io_manager: dg.ResourceParam[ParquetIOManager],
) -> dg.RunRequest | list[dg.RunRequest] | dg.SkipReason:
    keys = context.instance.get_dynamic_partitions(PARTITIONS)
    if not keys:
        return dg.SkipReason("no brochure is registered yet (the raw_files sensor registers them)")
    warehouse = warehouse_io_manager.warehouse()
    stale = stale_keys(settings.raw_path(), keys, warehouse, extractor_version())
    if not stale:
        return dg.SkipReason(f"all {len(keys)} brochures are unchanged since their last ingest")
    if len(stale) == len(keys):
        return dg.RunRequest(tags=partition_range_tags(keys))
    # a run's partitions are a range of the registry: the stale ones out of order run one each
    return [dg.RunRequest(partition_key=key) for key in stale]
