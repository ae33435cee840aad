"""The raw-folder sensor, the prune job it requests, and the daily schedule."""

import os
from collections.abc import Callable
from pathlib import Path

import dagster as dg
import polars as pl
import pytest
from conftest import SEEDS

from pipelines.assets import PARTITIONS
from pipelines.automation import daily_reingest, raw_files
from pipelines.brochures import list_brochures, partition_key_to_source_file, source_file_to_partition_key
from pipelines.definitions import build_defs
from pipelines.io_managers import ParquetIOManager
from pipelines.resources import BrochureSettings
from pipelines.storage import Warehouse
from schemas import TABLES

SEED = sorted(SEEDS.glob("*.txt"))


class Daemon:
    """Evaluates sensor ticks the way the daemon does: keeps the cursor, applies partition requests."""

    def __init__(self, raw: Path) -> None:
        self.raw = raw
        # where the tests' runs publish: the sensor reads the brochures' stamps there
        self.resources = {
            "settings": BrochureSettings(raw_dir=str(raw)),
            "warehouse_io_manager": ParquetIOManager(base_path=str(raw.parent / "warehouse")),
        }
        # a persistent instance in a temp folder (schedule contexts need an instance reference),
        # without telemetry, which would write its log under $DAGSTER_HOME (the repository)
        home = raw.parent / "dagster"
        home.mkdir(exist_ok=True)
        self.instance = dg.DagsterInstance.local_temp(
            tempdir=str(home), overrides={"telemetry": {"enabled": False}}
        )
        self.cursor: str | None = None

    def tick(self) -> dg.SensorResult | dg.SkipReason:
        # entered and left: a context with resources holds the instance until it is closed
        with dg.build_sensor_context(
            instance=self.instance, cursor=self.cursor, resources=self.resources
        ) as context:
            result = raw_files(context)
        assert isinstance(result, dg.SensorResult | dg.SkipReason)
        if isinstance(result, dg.SensorResult):
            for request in result.dynamic_partitions_requests or []:
                if isinstance(request, dg.AddDynamicPartitionsRequest):
                    self.instance.add_dynamic_partitions(
                        request.partitions_def_name, list(request.partition_keys)
                    )
                else:
                    for key in request.partition_keys:
                        self.instance.delete_dynamic_partition(request.partitions_def_name, key)
            self.cursor = result.cursor
        return result

    def schedule(self) -> dg.RunRequest | list[dg.RunRequest] | dg.SkipReason:
        with dg.build_schedule_context(instance=self.instance, resources=self.resources) as context:
            return daily_reingest(context)

    @property
    def partitions(self) -> list[str]:
        return list(self.instance.get_dynamic_partitions(PARTITIONS))


def _runs(result: dg.SensorResult | dg.SkipReason, job: str = "ingest") -> list[dg.RunRequest]:
    assert isinstance(result, dg.SensorResult)
    return [r for r in result.run_requests or [] if r.job_name == job]


def _touch(path: Path, data: bytes) -> None:
    """Write a file so that its modification time surely moves (file systems round it)."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_bytes(data)
    os.utime(path, ns=(before + 2_000_000_000, before + 2_000_000_000))


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    (folder / "aig").mkdir(parents=True)
    (folder / "aig" / "flyer.txt").write_bytes(SEED[0].read_bytes())
    return folder


def test_a_new_file_gets_a_partition_and_a_run(raw: Path) -> None:
    daemon = Daemon(raw)
    runs = _runs(daemon.tick())
    assert daemon.partitions == ["aig/flyer.txt"]
    assert [r.partition_key for r in runs] == ["aig/flyer.txt"]
    # nothing changed: no run
    assert _runs(daemon.tick()) == []
    (raw / "second.md").write_bytes(SEED[1].read_bytes())
    runs = _runs(daemon.tick())
    assert [r.partition_key for r in runs] == ["second.md"]
    assert daemon.partitions == ["aig/flyer.txt", "second.md"]


def test_a_changed_file_runs_again_with_a_new_run_key(raw: Path) -> None:
    daemon = Daemon(raw)
    (first,) = _runs(daemon.tick())
    _touch(raw / "aig" / "flyer.txt", SEED[2].read_bytes())
    (second,) = _runs(daemon.tick())
    assert second.partition_key == first.partition_key
    assert second.run_key != first.run_key
    assert daemon.partitions == ["aig/flyer.txt"]


def test_hidden_files_are_not_brochures_unsupported_ones_are(raw: Path) -> None:
    # a .docx gets a partition, so that its read gives an ingest_errors row; a hidden file none
    (raw / ".flyer.txt.swp").write_bytes(b"vim")
    (raw / ".git").mkdir()
    (raw / ".git" / "notes.txt").write_bytes(b"x")
    (raw / "terms.docx").write_bytes(b"PK")
    (raw / "UPPER.PDF").write_bytes(b"%PDF-1.4")
    daemon = Daemon(raw)
    daemon.tick()
    assert daemon.partitions == ["UPPER.PDF", "aig/flyer.txt", "terms.docx"]


def test_a_deleted_file_loses_its_partition_and_its_rows(
    raw: Path, tmp_path: Path, run_ingest: Callable[..., dg.ExecuteInProcessResult]
) -> None:
    (raw / "keep.txt").write_bytes(SEED[1].read_bytes())
    daemon = Daemon(raw)
    daemon.tick()
    warehouse = tmp_path / "warehouse"
    assert run_ingest(raw, warehouse, daemon.instance).success
    assert Warehouse.at(str(warehouse)).read_table("documents").height == 2

    (raw / "aig" / "flyer.txt").unlink()
    result = daemon.tick()
    assert daemon.partitions == ["keep.txt"]
    (prune,) = _runs(result, job="prune_warehouse")
    assert _runs(result) == []
    job = build_defs(str(raw), str(warehouse)).resolve_job_def(prune.job_name or "")
    assert job.execute_in_process(instance=daemon.instance, run_config=prune.run_config).success

    tables = Warehouse.at(str(warehouse))
    assert tables.read_table("documents").get_column("source_file").to_list() == ["keep.txt"]
    for table in (
        "documents",
        "pages",
        "coverages",
        "limits",
        "premiums",
        "loss_scenarios",
        "ingest_errors",
        "quarantine",
    ):
        assert len(tables.files(table)) == 1, table
    # the prune is requested once
    assert _runs(daemon.tick(), job="prune_warehouse") == []


def test_a_sensor_run_publishes_its_brochure_and_leaves_the_others_alone(raw: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse"
    daemon = Daemon(raw)
    job = build_defs(str(raw), str(warehouse)).resolve_job_def("ingest")

    def run(request: dg.RunRequest) -> dg.ExecuteInProcessResult:
        # what the daemon launches for a sensor's request: one partition of the ingest job
        assert request.job_name == job.name
        return job.execute_in_process(
            instance=daemon.instance, partition_key=request.partition_key, tags=request.tags
        )

    (first,) = _runs(daemon.tick())
    assert run(first).success
    files = Warehouse.at(str(warehouse))
    written = {str(p): os.stat(p.path).st_ino for t in TABLES for p in files.files(t)}
    assert len(written) == len(TABLES)

    (raw / "second.txt").write_bytes(SEED[1].read_bytes())
    (second,) = _runs(daemon.tick())
    assert second.partition_key == "second.txt"
    result = run(second)
    assert result.success
    # the first brochure's files were not rewritten (same inodes: an atomic write makes a new file)
    assert {p: os.stat(Path(p)).st_ino for p in written} == written
    assert sorted(files.read_table("documents").get_column("source_file").to_list()) == [
        "aig/flyer.txt",
        "second.txt",
    ]
    # a one-brochure run checks the whole warehouse: both brochures, every rule holds
    evaluations = {
        (e.asset_key.to_user_string(), e.check_name): e for e in result.get_asset_check_evaluations()
    }
    assert evaluations[("documents", "one_document_per_brochure")].metadata["brochures_checked"].value == 2
    assert ("loss_scenarios", "scenario_items_add_up") in evaluations
    assert all(e.passed for e in evaluations.values()), [k for k, e in evaluations.items() if not e.passed]


def test_prune_keeps_brochures_still_in_the_raw_folder_even_if_unregistered(
    raw: Path, tmp_path: Path, run_ingest: Callable[..., dg.ExecuteInProcessResult]
) -> None:
    warehouse = tmp_path / "warehouse"
    instance = dg.DagsterInstance.ephemeral()
    assert run_ingest(raw, warehouse, instance).success
    # a fresh Dagster instance knows no partition: its prune must not wipe the warehouse
    job = build_defs(str(raw), str(warehouse)).resolve_job_def("prune_warehouse")
    assert job.execute_in_process(instance=dg.DagsterInstance.ephemeral()).success
    assert Warehouse.at(str(warehouse)).read_table("documents").height == 1


def test_a_missing_raw_folder_removes_nothing(raw: Path) -> None:
    daemon = Daemon(raw)
    daemon.tick()
    raw.rename(raw.with_name("unmounted"))
    assert isinstance(daemon.tick(), dg.SkipReason)
    assert daemon.partitions == ["aig/flyer.txt"]


@pytest.mark.parametrize(
    "source_file",
    [
        # an ordinary nested path stays as it is
        "aig/000-all-stars.pdf",
        # Japanese file names stay readable
        "東京海上/サイバーリスク保険.pdf",
        # `...` marks key ranges in Dagster, `,` `|` `[` `]` separate keys
        "draft...final.pdf",
        "a,b|c[1].pdf",
        # a literal percent sign must survive the round trip
        "100%.txt",
    ],
)
def test_partition_keys_round_trip_and_avoid_reserved_characters(source_file: str) -> None:
    key = source_file_to_partition_key(source_file)
    assert partition_key_to_source_file(key) == source_file
    assert "..." not in key and not set(",|[]") & set(key)


def test_files_with_reserved_characters_are_listed_under_their_encoded_key(tmp_path: Path) -> None:
    (tmp_path / "draft...final.txt").write_bytes(b"x")
    assert list(list_brochures(tmp_path)) == ["draft..%2Efinal.txt"]


def test_the_schedule_reingests_every_brochure_in_one_run(raw: Path) -> None:
    daemon = Daemon(raw)
    assert isinstance(daemon.schedule(), dg.SkipReason)
    (raw / "b.txt").write_bytes(SEED[1].read_bytes())
    (raw / "c.txt").write_bytes(SEED[2].read_bytes())
    daemon.tick()
    request = daemon.schedule()
    assert isinstance(request, dg.RunRequest)
    assert request.tags["dagster/asset_partition_range_start"] == daemon.partitions[0]
    assert request.tags["dagster/asset_partition_range_end"] == daemon.partitions[-1]


def test_the_schedule_run_publishes_every_brochure(raw: Path, tmp_path: Path) -> None:
    (raw / "b.txt").write_bytes(SEED[1].read_bytes())
    daemon = Daemon(raw)
    daemon.tick()
    request = daemon.schedule()
    assert isinstance(request, dg.RunRequest)
    job = build_defs(str(raw), str(tmp_path / "wh")).resolve_job_def("ingest")
    assert job.execute_in_process(instance=daemon.instance, tags=request.tags).success
    documents = pl.read_parquet(str(tmp_path / "wh" / "documents" / "*.parquet"))
    assert sorted(documents.get_column("source_file").to_list()) == ["aig/flyer.txt", "b.txt"]


def test_the_schedule_skips_unchanged_brochures_and_runs_only_the_changed_one(
    raw: Path, tmp_path: Path
) -> None:
    (raw / "b.txt").write_bytes(SEED[1].read_bytes())
    daemon = Daemon(raw)
    daemon.tick()
    request = daemon.schedule()
    assert isinstance(request, dg.RunRequest)  # nothing ingested yet: every brochure, one run
    job = build_defs(str(raw), str(tmp_path / "warehouse")).resolve_job_def("ingest")
    assert job.execute_in_process(instance=daemon.instance, tags=request.tags).success
    # the night after, nothing changed: no run
    assert isinstance(daemon.schedule(), dg.SkipReason)
    # one file edited: a run of that brochure alone
    _touch(raw / "b.txt", SEED[2].read_bytes())
    requests = daemon.schedule()
    assert isinstance(requests, list) and [r.partition_key for r in requests] == ["b.txt"]
    # and the sensor, which saw the first version, asks for it once too
    assert [r.partition_key for r in _runs(daemon.tick())] == ["b.txt"]
