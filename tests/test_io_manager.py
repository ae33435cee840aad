"""The UPath warehouse storage and the Parquet IO manager."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import duckdb
import polars as pl
import pytest
from upath import UPath

from pipelines import cli
from pipelines.io_managers import ParquetIOManager, PartitionFrames
from pipelines.storage import Warehouse, partition_file_stem, write_atomically

KEYS = ["aig/000-all-stars.pdf", "nisshin/ピサポ サイバー.pdf", "plain.txt"]


def _rows(key: str, n: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "source_file": [key] * n,
            "amount_jpy": list(range(1, n + 1)),
            "day": [dt.date(2024, 4, 1)] * n,
        },
        schema={"source_file": pl.String, "amount_jpy": pl.Int64, "day": pl.Date},
    )


@pytest.fixture
def warehouse(tmp_path: Path) -> Warehouse:
    return Warehouse(UPath(tmp_path / "wh"))


def test_a_partition_round_trips(warehouse: Warehouse) -> None:
    frame = _rows(KEYS[1], 3)
    path = warehouse.write("limits", KEYS[1], frame)
    assert path.parent == warehouse.table_dir("limits")  # one flat folder per table, whatever the key holds
    assert warehouse.read("limits", KEYS[1]).equals(frame)


def test_an_empty_frame_still_writes_its_schema(warehouse: Warehouse) -> None:
    empty = _rows("x", 0)
    warehouse.write("premiums", "x.pdf", empty)
    back = warehouse.read("premiums", "x.pdf")
    assert back.is_empty()
    assert back.schema == empty.schema


def test_rewriting_leaves_no_temporary_files(warehouse: Warehouse) -> None:
    for n in (3, 1, 0, 2):
        warehouse.write("coverages", "a.pdf", _rows("a.pdf", n))
    names = [p.name for p in warehouse.table_dir("coverages").iterdir()]
    assert names == [f"{partition_file_stem('a.pdf')}.parquet"]
    assert warehouse.read("coverages", "a.pdf").height == 2


def test_a_failed_write_keeps_the_old_file_whole(warehouse: Warehouse) -> None:
    old = _rows("a.pdf", 4)
    path = warehouse.write("limits", "a.pdf", old)

    def crash_halfway(f: object) -> None:
        f.write(b"PAR1 half a file")  # type: ignore[attr-defined]
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, crash_halfway)
    assert warehouse.read("limits", "a.pdf").equals(old)
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_polars_and_duckdb_read_a_table_as_one(warehouse: Warehouse) -> None:
    for i, key in enumerate(KEYS):
        warehouse.write("limits", key, _rows(key, i))  # 0, 1 and 2 rows: one file is empty
    glob = str(warehouse.table_dir("limits") / "**" / "*.parquet")
    scanned = pl.scan_parquet(glob).collect()
    hive = pl.read_parquet(glob, hive_partitioning=True)
    for frame in (scanned, hive):
        assert frame.columns == ["source_file", "amount_jpy", "day"]  # no column made up from folder names
        assert sorted(frame.get_column("source_file").to_list()) == sorted([KEYS[1], KEYS[2], KEYS[2]])
    relation = duckdb.sql(f"select * from read_parquet('{glob}', hive_partitioning = true)")
    assert relation is not None
    assert relation.columns == ["source_file", "amount_jpy", "day"]
    assert [str(t) for t in relation.types] == ["VARCHAR", "BIGINT", "DATE"]
    assert sorted(row[0] for row in relation.fetchall()) == sorted([KEYS[1], KEYS[2], KEYS[2]])


@pytest.mark.parametrize(
    ("key", "stem"),
    [
        # folders become part of the name: the table stays one flat folder
        ("aig/000-all-stars.pdf", "aig%2F000-all-stars.pdf"),
        # Japanese names stay readable
        ("日新火災/ピサポ.pdf", "日新火災%2Fピサポ.pdf"),
        # a leading dot would hide the file from readers
        (".pdf", "%2Epdf"),
        # spaces, % and = (a folder holding `=` would read as a hive partition)
        ("a b%=c.txt", "a%20b%25%3Dc.txt"),
        # `~` marks names cut for length, so it never appears otherwise
        ("a~b.pdf", "a%7Eb.pdf"),
    ],
)
def test_partition_file_names(key: str, stem: str) -> None:
    assert partition_file_stem(key) == stem


def test_long_keys_get_short_distinct_names() -> None:
    a, b = "長い名前" * 40 + "a.pdf", "長い名前" * 40 + "b.pdf"
    assert partition_file_stem(a) != partition_file_stem(b)
    assert len(partition_file_stem(a).encode()) <= 150


def test_keep_published_writes_only_what_is_missing_or_stale(warehouse: Warehouse) -> None:
    good = _rows("a.pdf", 3)
    warehouse.write("documents", "a.pdf", good)
    # a failed partition keeps its last good version
    assert not warehouse.write_unless_published("documents", "a.pdf", good.clear())
    assert warehouse.read("documents", "a.pdf").equals(good)
    # a partition never published gets its (empty) file
    assert warehouse.write_unless_published("documents", "b.pdf", good.clear())
    # a file of an older schema would break reading the table as one: it is replaced
    warehouse.write("documents", "c.pdf", good.drop("day"))
    assert warehouse.write_unless_published("documents", "c.pdf", good.clear())
    assert warehouse.read("documents", "c.pdf").schema == good.schema


def test_prune_keeps_only_the_given_partitions(warehouse: Warehouse) -> None:
    for table in ("documents", "limits"):
        for key in KEYS:
            warehouse.write(table, key, _rows(key, 1))
    (warehouse.base / "other_table").mkdir()
    (warehouse.base / "other_table" / "x.parquet").write_bytes(b"not ours")
    removed = warehouse.prune(["documents", "limits"], keep=[KEYS[0], KEYS[2]])
    assert len(removed) == 2
    for table in ("documents", "limits"):
        assert warehouse.read_table(table).get_column("source_file").to_list() == [KEYS[0], KEYS[2]]
    assert (warehouse.base / "other_table" / "x.parquet").exists()


def test_an_object_store_url_works_too() -> None:
    warehouse = Warehouse.at("memory://bucket/warehouse-test")
    warehouse.write("limits", KEYS[0], _rows(KEYS[0], 2))
    assert warehouse.read_table("limits").height == 2
    assert warehouse.prune(["limits"], keep=[]) and not warehouse.files("limits")


def test_relative_locations_are_under_the_repository_root() -> None:
    root = Path(__file__).resolve().parents[1]
    assert Path(Warehouse.at("warehouse").base.path) == root / "warehouse"


PARTS = dg.StaticPartitionsDefinition(KEYS)


@dg.asset(partitions_def=PARTS, backfill_policy=dg.BackfillPolicy.single_run(), io_manager_key="wh")
def limits(context: dg.AssetExecutionContext) -> PartitionFrames:
    frames = {key: _rows(key, i) for i, key in enumerate(KEYS) if key in context.partition_keys}
    return PartitionFrames(frames, keep_published=frozenset({KEYS[0]}))


@dg.asset(partitions_def=PARTS, io_manager_key="wh")
def one_partition(context: dg.AssetExecutionContext) -> pl.DataFrame:
    return _rows(context.partition_key, 2)


@dg.asset(ins={"limits": dg.AssetIn()})
def total(limits: pl.DataFrame) -> None:
    assert limits.get_column("source_file").to_list() == [KEYS[1], KEYS[2], KEYS[2]]


def test_the_io_manager_writes_partitions_of_one_run_and_loads_them(tmp_path: Path) -> None:
    resources = {"wh": ParquetIOManager(base_path=str(tmp_path / "wh"))}
    instance = dg.DagsterInstance.ephemeral()
    tags = {"dagster/asset_partition_range_start": KEYS[0], "dagster/asset_partition_range_end": KEYS[-1]}
    result = dg.materialize([limits], resources=resources, instance=instance, tags=tags)
    assert result.success
    files = sorted(p.name for p in (tmp_path / "wh" / "limits").iterdir())
    assert files == sorted(f"{partition_file_stem(k)}.parquet" for k in KEYS)
    assert dg.materialize([limits, total], selection=[total], resources=resources, instance=instance).success
    single = dg.materialize([one_partition], partition_key=KEYS[2], resources=resources, instance=instance)
    assert single.success
    assert Warehouse(UPath(tmp_path / "wh")).read("one_partition", KEYS[2]).height == 2


def _dead_pid() -> int:
    """Given nothing, return the id of a process that has ended."""
    ended = subprocess.Popen([sys.executable, "-c", "pass"])
    ended.wait()
    return ended.pid


def test_a_run_sweeps_the_temporary_files_killed_writers_left(tmp_path: Path) -> None:
    warehouse = Warehouse(UPath(tmp_path))
    folder = tmp_path / "limits"
    folder.mkdir()
    hex32 = "0123456789abcdef" * 2
    dead = folder / f".a.parquet.{_dead_pid()}.{hex32}.tmp"  # its writer was killed
    legacy = folder / f".b.parquet.{hex32}.tmp"  # written before names held the pid
    mine = folder / f".c.parquet.{os.getpid()}.{hex32}.tmp"  # being written right now
    published = folder / "d.parquet"
    for path in (dead, legacy, mine, published):
        path.write_bytes(b"x")
    assert sorted(warehouse.sweep(["limits", "premiums"])) == sorted([dead, legacy])
    assert sorted(p.name for p in folder.iterdir()) == sorted([mine.name, published.name])


def test_an_ingest_sweeps_the_dagster_homes_of_killed_runs(tmp_path: Path) -> None:
    killed = tmp_path / f"brochures-dagster-{_dead_pid()}-abc"
    running = tmp_path / f"brochures-dagster-{os.getpid()}-def"
    other = tmp_path / "someone-else"
    for folder in (killed, running, other):
        folder.mkdir()
    assert cli.sweep_orphan_homes(tmp_path) == [killed]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([running.name, other.name])
