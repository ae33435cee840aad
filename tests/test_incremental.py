"""Incremental ingest: a brochure is read again only when its bytes, its twins or the extractor change;
the compacted layer follows the per-brochure files."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from conftest import SEEDS

from extractors.version import files_to_version, tree_files
from pipelines import cli
from pipelines.storage import PARTITION_FILE, Warehouse, partition_file_stem
from pipelines.versions import Stamp, file_doc_id, read_stamps, stale_keys, twins_by_key, write_stamps
from schemas.models import TABLES

SEED = sorted(SEEDS.glob("*.txt"))


@pytest.mark.parametrize(
    ("doc_ids", "expected"),
    [
        # distinct bytes: nobody has a twin
        ({"a": "1", "b": "2"}, {"a": (), "b": ()}),
        # the same bytes under two names: each names the other
        ({"a": "1", "b": "1", "c": "2"}, {"a": ("b",), "b": ("a",), "c": ()}),
        # an unreadable file (no id) is nobody's twin, not even another unreadable one's
        ({"a": None, "b": None}, {"a": (), "b": ()}),
    ],
)
def test_twins_by_key(doc_ids: dict[str, str | None], expected: dict[str, tuple[str, ...]]) -> None:
    assert twins_by_key(doc_ids) == expected


def test_the_extractor_version_changes_with_any_byte_or_name(tmp_path: Path) -> None:
    package = tmp_path / "extractors"
    (package / "data").mkdir(parents=True)
    (package / "limits.py").write_text("X = 1\n")
    (package / "data" / "limits.yaml").write_text("cue: 支払限度額\n", encoding="utf-8")
    (package / "__pycache__").mkdir()
    (package / "__pycache__" / "limits.cpython-311.pyc").write_bytes(b"\x00")

    def version() -> str:
        return files_to_version(tmp_path, tree_files(tmp_path, ("extractors",)))

    first = version()
    # compiled caches are not the code: they do not count
    (package / "__pycache__" / "limits.cpython-311.pyc").write_bytes(b"\x01")
    assert version() == first
    # a vocabulary edit counts as much as a code edit
    (package / "data" / "limits.yaml").write_text("cue: 限度額\n", encoding="utf-8")
    second = version()
    assert second != first
    # so does a renamed file with the same bytes
    (package / "limits.py").rename(package / "limit.py")
    assert version() not in {first, second}


def _stamped(tmp_path: Path) -> tuple[Path, Warehouse]:
    """Two brochures, each with a stamp of its bytes and a published documents file."""
    raw = tmp_path / "raw"
    raw.mkdir()
    warehouse = Warehouse.at(str(tmp_path / "warehouse"))
    stamps = {}
    for key, seed in (("a.txt", SEED[0]), ("b.txt", SEED[1])):
        shutil.copy(seed, raw / key)
        doc_id = file_doc_id(raw / key)
        assert doc_id is not None
        stamps[key] = Stamp(doc_id, "v1", (), "published")
        warehouse.write("documents", key, pl.DataFrame({"doc_id": [doc_id]}))
    write_stamps(warehouse, stamps)
    return raw, warehouse


def test_stamped_brochures_are_fresh_until_their_bytes_or_the_code_change(tmp_path: Path) -> None:
    raw, warehouse = _stamped(tmp_path)
    assert read_stamps(warehouse)["a.txt"].extractor_version == "v1"
    assert stale_keys(raw, ["a.txt", "b.txt"], warehouse, "v1") == []
    # another extractor version: every brochure is stale
    assert stale_keys(raw, ["a.txt", "b.txt"], warehouse, "v2") == ["a.txt", "b.txt"]
    # a brochure never stamped (new) is stale
    shutil.copy(SEED[2], raw / "c.txt")
    assert stale_keys(raw, ["a.txt", "b.txt", "c.txt"], warehouse, "v1") == ["c.txt"]
    # new bytes under an old name are stale
    shutil.copy(SEED[2], raw / "b.txt")
    assert stale_keys(raw, ["a.txt", "b.txt"], warehouse, "v1") == ["b.txt"]


def test_a_new_twin_or_a_lost_file_makes_a_brochure_stale(tmp_path: Path) -> None:
    raw, warehouse = _stamped(tmp_path)
    # a copy of a.txt appears: a.txt's own rows now carry a warning naming it, so it is read again
    shutil.copy(raw / "a.txt", raw / "copy.txt")
    assert stale_keys(raw, ["a.txt", "b.txt", "copy.txt"], warehouse, "v1") == ["a.txt", "copy.txt"]
    # a brochure whose published file was deleted from the warehouse is stale however its stamp reads
    (Path(warehouse.base.path) / "documents" / f"{partition_file_stem('b.txt')}.parquet").unlink()
    assert stale_keys(raw, ["a.txt", "b.txt"], warehouse, "v1") == ["b.txt"]


def test_an_unreadable_manifest_makes_everything_stale(tmp_path: Path) -> None:
    raw, warehouse = _stamped(tmp_path)
    (Path(warehouse.base.path) / ".brochure_versions.json").write_text("{not json")
    assert stale_keys(raw, ["a.txt", "b.txt"], warehouse, "v1") == ["a.txt", "b.txt"]


def _ingest(raw: Path, warehouse: Path, *extra: str) -> None:
    assert cli.main(["ingest", str(raw), "--warehouse", str(warehouse), *extra]) == 0


def _read_lines(out: str) -> list[str]:
    """The progress lines of brochures read (not the summary)."""
    return [line for line in out.splitlines() if line.startswith("[")]


def test_a_second_ingest_reads_only_what_changed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    for seed in SEED[:3]:
        shutil.copy(seed, raw / seed.name)
    (raw / "empty.txt").write_bytes(b"")
    _ingest(raw, warehouse)
    assert len(_read_lines(capsys.readouterr().out)) == 4
    first = {t: Warehouse.at(str(warehouse)).read_table(t) for t in TABLES}

    # nothing changed: nothing is read, the same rows stand
    _ingest(raw, warehouse)
    out = capsys.readouterr().out
    assert _read_lines(out) == []
    assert "4 of 4 brochures unchanged since their last ingest" in out
    assert "4 brochures: 3 published, 1 in ingest_errors" in out
    for table in TABLES:
        assert Warehouse.at(str(warehouse)).read_table(table).equals(first[table]), table

    # one file edited, one added: those two are read, the others stand
    shutil.copy(SEED[3], raw / SEED[0].name)
    shutil.copy(SEED[4], raw / "new.txt")
    _ingest(raw, warehouse)
    read = _read_lines(capsys.readouterr().out)
    assert sorted(line.split("] ")[1].split(":")[0] for line in read) == sorted([SEED[0].name, "new.txt"])
    documents = Warehouse.at(str(warehouse)).read_table("documents")
    assert documents.height == 4

    # --force reads everything again
    _ingest(raw, warehouse, "--force")
    assert len(_read_lines(capsys.readouterr().out)) == 5


def test_a_new_extractor_version_reads_everything_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    for seed in SEED[:2]:
        shutil.copy(seed, raw / seed.name)
    _ingest(raw, warehouse)
    capsys.readouterr()
    monkeypatch.setattr(cli, "extractor_version", lambda: "another-version")
    _ingest(raw, warehouse)
    assert len(_read_lines(capsys.readouterr().out)) == 2


def test_the_compacted_layer_holds_every_partition_and_the_catalog_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    for seed in SEED[:3]:
        shutil.copy(seed, raw / seed.name)
    _ingest(raw, warehouse)
    (raw / SEED[1].name).unlink()  # one brochure removed: pruned from the files and the compacted layer
    _ingest(raw, warehouse)
    capsys.readouterr()
    tables = Warehouse.at(str(warehouse))
    for table in TABLES:
        compacted = pl.read_parquet(tables.compacted_path(table).path)
        files = tables.read_table(table)
        assert compacted.drop(PARTITION_FILE).sort(files.columns).equals(files.sort(files.columns)), table
    assert sorted(pl.read_parquet(tables.compacted_path("documents").path)["source_file"]) == sorted(
        [SEED[0].name, SEED[2].name]
    )
    with duckdb.connect(str(warehouse / "brochures.duckdb"), read_only=True) as db:
        sql = db.execute("select sql from duckdb_views() where view_name = 'limits'").fetchone()
        assert sql is not None and "_compacted" in sql[0]
        (count,) = db.execute("select count(*) from limits").fetchone() or (None,)
    assert count == tables.read_table("limits").height


@pytest.mark.parametrize(
    ("order", "wanted", "expected"),
    [
        # nothing to read: no run
        (["a", "b", "c"], set(), []),
        # one new brochure at the end of the registry: one run of it
        (["a", "b", "c"], {"c"}, [["c"]]),
        # two stretches: a run each, in registry order
        (["a", "b", "c", "d", "e"], {"a", "b", "d"}, [["a", "b"], ["d"]]),
        # everything: one run
        (["a", "b"], {"a", "b"}, [["a", "b"]]),
    ],
)
def test_partition_ranges(order: list[str], wanted: set[str], expected: list[list[str]]) -> None:
    assert cli.partition_ranges(order, wanted) == expected


def test_runs_are_recorded_in_the_dagster_home_the_ui_shows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import dagster as dg

    home, raw, warehouse = tmp_path / "home", tmp_path / "raw", tmp_path / "warehouse"
    home.mkdir()
    raw.mkdir()
    shutil.copy(Path(__file__).resolve().parents[1] / "dagster.yaml", home)
    for seed in SEED[:3]:
        shutil.copy(seed, raw / seed.name)
    before = Path.cwd()
    _ingest(raw, warehouse, "--dagster-home", str(home))
    (raw / SEED[0].name).unlink()
    shutil.copy(SEED[3], raw / SEED[3].name)
    _ingest(raw, warehouse, "--dagster-home", str(home))
    capsys.readouterr()
    assert Path.cwd() == before
    # the repository's dagster.yaml keeps everything under the home's .dagster_home/
    assert (home / ".dagster_home" / "history").is_dir()
    with cli.dagster_instance(home) as instance:
        assert instance.get_dynamic_partitions("brochures") == [SEED[1].name, SEED[2].name, SEED[3].name]
        jobs = [r.job_name for r in reversed(instance.get_runs())]
        # first: all three read, then the reference tables; then the new one read, the gone one pruned
        assert jobs == ["ingest", "publish_reference", "ingest", "prune_warehouse"]
        materialized = instance.get_latest_materialization_event(dg.AssetKey("limits"))
        assert materialized is not None
    assert sorted(Warehouse.at(str(warehouse)).read_table("documents")["source_file"]) == sorted(
        [SEED[1].name, SEED[2].name, SEED[3].name]
    )
