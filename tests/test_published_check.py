"""The per-brochure `brochure_published` check: a broken brochure fails a check of its own partition."""

from pathlib import Path

import dagster as dg
import pytest
from conftest import BAD_FILES, SEEDS, make_raw_dir

from pipelines.assets import (
    BROCHURE_PUBLISHED,
    BROCHURES,
    PARTITIONS,
    extraction,
    partition_range_tags,
    warehouse_tables,
)
from pipelines.brochures import list_brochures, source_file_to_partition_key
from pipelines.checks import brochure_published
from pipelines.io_managers import ParquetIOManager, PickleIOManager
from pipelines.resources import BrochureSettings

CHECK = dg.AssetCheckKey(dg.AssetKey("ingest_errors"), BROCHURE_PUBLISHED)
#: read, but its document row is invalid (dated before the published range): an error at publishing
LATE_ERROR = "dated-1980.txt"


def _resources(raw: Path, warehouse: Path) -> dict[str, object]:
    return {
        "settings": BrochureSettings(raw_dir=str(raw)),
        "warehouse_io_manager": ParquetIOManager(base_path=str(warehouse)),
        "extraction_io_manager": PickleIOManager(),
    }


def _latest_by_partition(instance: dg.DagsterInstance) -> dict[str, tuple[bool, str]]:
    """Given an instance, return each partition's latest result: (passed, description)."""
    latest: dict[str, tuple[bool, str]] = {}
    # the history comes newest first
    for record in instance.event_log_storage.get_asset_check_execution_history(CHECK, limit=1000):
        evaluation = record.event.dagster_event.event_specific_data if record.event else None
        if record.partition is not None and record.partition not in latest and evaluation is not None:
            latest[record.partition] = (evaluation.passed, evaluation.description or "")
    return latest


@pytest.fixture
def ingested(tmp_path: Path) -> tuple[dg.DagsterInstance, Path, Path]:
    raw = make_raw_dir(tmp_path / "raw")
    (raw / LATE_ERROR).write_text(
        "サイバー保険\n損害賠償責任 支払限度額 1億円\n1980年1月1日現在\n", encoding="utf-8"
    )
    instance = dg.DagsterInstance.ephemeral(tempdir=str(tmp_path / "dagster"))
    keys = list(list_brochures(raw))
    instance.add_dynamic_partitions(PARTITIONS, keys)
    # one run over every brochure, as `brochures ingest` does: a range, one step
    result = dg.materialize(
        [extraction, warehouse_tables],
        instance=instance,
        resources=_resources(raw, tmp_path / "warehouse"),
        tags=partition_range_tags(keys),
    )
    assert result.success
    return instance, raw, tmp_path / "warehouse"


def test_a_range_run_gives_each_brochure_its_own_readable_result(
    ingested: tuple[dg.DagsterInstance, Path, Path],
) -> None:
    instance, _, _ = ingested
    latest = _latest_by_partition(instance)
    bad = {source_file_to_partition_key(name) for name in [*BAD_FILES, LATE_ERROR]}
    good = {source_file_to_partition_key(p.name) for p in SEEDS.glob("*.txt")}
    assert set(latest) == bad | good
    assert {k for k, (passed, _) in latest.items() if not passed} == bad
    # the failure says which file and why, as ingest_errors does
    _, description = latest[source_file_to_partition_key("empty.txt")]
    assert description.startswith("empty.txt: ") and "empty" in description


def test_a_later_clean_brochure_leaves_the_broken_ones_failing(
    ingested: tuple[dg.DagsterInstance, Path, Path],
) -> None:
    instance, raw, warehouse = ingested
    seed = sorted(SEEDS.glob("*.txt"))[0]
    # distinct bytes: a second copy of the same bytes would be an error row of its own
    (raw / f"again-{seed.name}").write_text(seed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    key = source_file_to_partition_key(f"again-{seed.name}")
    instance.add_dynamic_partitions(PARTITIONS, [key])
    result = dg.materialize(
        [extraction, warehouse_tables],
        instance=instance,
        resources=_resources(raw, warehouse),
        partition_key=key,
    )
    assert result.success
    latest = _latest_by_partition(instance)
    assert latest[key][0], latest[key]
    assert not latest[source_file_to_partition_key("scan.pdf")][0]


def test_the_check_run_alone_reads_the_warehouse(ingested: tuple[dg.DagsterInstance, Path, Path]) -> None:
    instance, raw, warehouse = ingested

    job = dg.define_asset_job("check", selection=dg.AssetSelection.checks(CHECK), partitions_def=BROCHURES)
    defs = dg.Definitions(
        assets=[extraction],
        asset_checks=[brochure_published],
        jobs=[job],
        resources=_resources(raw, warehouse),
    )

    def evaluate(source_file: str) -> dg.AssetCheckEvaluation:
        result = defs.resolve_job_def("check").execute_in_process(
            # a partition tag, not partition_key=: Dagster 1.13 finds no partitions for a check-only job
            instance=instance,
            tags={"dagster/partition": source_file_to_partition_key(source_file)},
        )
        [evaluation] = result.get_asset_check_evaluations()
        return evaluation

    broken, clean = evaluate("notes.docx"), evaluate(sorted(SEEDS.glob("*.txt"))[0].name)
    assert not broken.passed and broken.partition == source_file_to_partition_key("notes.docx")
    assert clean.passed
