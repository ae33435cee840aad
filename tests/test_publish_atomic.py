"""A brochure's rows appear in every table together or not at all, whenever a run is killed."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest
from conftest import SEEDS
from upath import UPath

from pipelines.storage import COMMITTED, STAGING, Warehouse
from schemas.models import TABLES

#: a CLI run that, before each staged write and each move into place, appends a line to the file
#: `argv[1]` names and waits 0.05 s: a test can kill it just before any such step
SLOW_INGEST = """
import sys, time
import pipelines.storage as storage
from pipelines import cli

steps = open(sys.argv[1], "a", buffering=1)
write, move = storage.write_atomically, storage.Warehouse._move

def slow_write(path, data):
    steps.write(f"write {path}\\n")
    time.sleep(0.05)
    write(path, data)

def slow_move(self, staged, target):
    steps.write(f"move {target}\\n")
    time.sleep(0.05)
    move(self, staged, target)

storage.write_atomically = slow_write
storage.Warehouse._move = slow_move
sys.exit(cli.main(sys.argv[2:]))
"""

Snapshot = dict[str, dict[str, pl.DataFrame]]


def _raw(folder: Path, edition: str) -> Path:
    """Given a folder and an edition name, fill it with the seeds, each with a line naming the edition."""
    folder.mkdir(parents=True, exist_ok=True)
    for seed in sorted(SEEDS.glob("*.txt")):
        (folder / seed.name).write_bytes(seed.read_bytes() + f"\n{edition}\n".encode())
    return folder


def _ingest(raw: Path, warehouse: Path, steps: Path) -> subprocess.Popen[str]:
    """Given a raw folder and a warehouse, start a CLI ingest logging its write steps to `steps`."""
    env = {**os.environ, "DAGSTER_DISABLE_TELEMETRY": "1"}
    cli = ["ingest", str(raw), "--warehouse", str(warehouse)]
    command = [sys.executable, "-c", SLOW_INGEST, str(steps), *cli]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _snapshot(warehouse: Path) -> Snapshot:
    """Given a warehouse, return {table: {partition stem: rows}} as its readers see it."""
    tables = Warehouse(UPath(warehouse))
    return {table: tables.partition_frames(table) for table in TABLES}


def _bare_snapshot(warehouse: Path) -> Snapshot:
    """Given a warehouse, return {table: {stem: rows}} from the bare `<table>/*.parquet` files alone."""
    return {t: {p.stem: pl.read_parquet(p) for p in (warehouse / t).glob("*.parquet")} for t in TABLES}


def _editions(snapshot: Snapshot, editions: dict[str, Snapshot]) -> dict[str, set[str]]:
    """Given a warehouse's snapshot and clean runs' ones, return {stem: editions its tables all match}."""
    stems = set(editions["old"]["documents"])
    found = {}
    for stem in stems:
        found[stem] = {
            name
            for name, clean in editions.items()
            if all(
                stem in snapshot[t] and stem in clean[t] and snapshot[t][stem].equals(clean[t][stem])
                for t in TABLES
            )
        }
    return found


@pytest.fixture(scope="module")
def editions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Snapshot], Path]:
    """The raw folder of the new edition, both editions' clean warehouses read, and the old one's folder."""
    root = tmp_path_factory.mktemp("editions")
    clean = {}
    for name in ("old", "new"):
        run = _ingest(_raw(root / f"raw-{name}", name), root / f"wh-{name}", root / f"steps-{name}")
        _, err = run.communicate(timeout=300)
        assert run.returncode == 0, err
        clean[name] = _snapshot(root / f"wh-{name}")
    return root / "raw-new", clean, root / "wh-old"


def _wait_for_step(steps: Path, step: int, run: subprocess.Popen[str], warehouse: Path) -> None:
    """Given a run's step log, wait until the run is about to take that step (1-based) in the warehouse."""
    deadline = time.monotonic() + 300
    while not steps.exists() or sum(str(warehouse) in s for s in steps.read_text().splitlines()) < step:
        assert run.poll() is None, "the run ended before the step"
        assert time.monotonic() < deadline, "the run never reached the step"
        time.sleep(0.01)


def test_kill_9_at_any_moment_leaves_every_brochure_wholly_old_or_wholly_new(
    editions: tuple[Path, dict[str, Snapshot], Path], tmp_path: Path
) -> None:
    raw_new, clean, old_warehouse = editions
    warehouse = tmp_path / "wh"
    shutil.copytree(old_warehouse, warehouse)
    seen: set[str] = set()
    # 5 brochures × 8 tables: 40 staged writes, then per brochure its marker and 8 moves (85 steps)
    for step in (5, 41, 47, 60, 84):
        steps = tmp_path / f"steps-{step}"
        run = _ingest(raw_new, warehouse, steps)
        _wait_for_step(steps, step, run, warehouse)
        run.send_signal(signal.SIGKILL)
        run.communicate(timeout=30)
        # readers honouring the markers see each brochure whole, before any recovery
        versions = _editions(_snapshot(warehouse), clean)
        assert all(versions.values()), versions
        seen |= {v for found in versions.values() for v in found}
        # the next start finishes the committed brochures and drops the rest
        tables = Warehouse(UPath(warehouse))
        assert tables.recover()
        tables.sweep(TABLES)
        assert not list((warehouse / STAGING).iterdir())
        assert not [p for t in TABLES for p in (warehouse / t).iterdir() if not p.name.endswith(".parquet")]
        bare = _editions(_bare_snapshot(warehouse), clean)
        assert all(bare.values()), bare
    assert seen == {"old", "new"}  # the kills fell before and within the commits


def test_a_transaction_killed_before_its_marker_is_dropped_one_after_it_is_finished(tmp_path: Path) -> None:
    tables = Warehouse(UPath(tmp_path))
    old = pl.DataFrame({"n": [1]})
    new = pl.DataFrame({"n": [2]})
    for table in ("documents", "limits"):
        tables.write(table, "a.txt", old)
        tables.write(table, "b.txt", old)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    transaction = tables.staging() / f"{dead.pid}-run"
    for table in ("documents", "limits"):
        tables.stage(transaction, table, "a.txt", new)
        tables.stage(transaction, table, "b.txt", new)
    (transaction / "a.txt" / COMMITTED).write_text('{"delete": []}')
    tables._move(transaction / "a.txt" / "documents.parquet", tmp_path / "documents" / "a.txt.parquet")
    # a killed run: a.txt committed and half moved, b.txt staged only
    for table in ("documents", "limits"):
        assert tables.read(table, "a.txt").equals(new)
        assert tables.read(table, "b.txt").equals(old)
    assert tables.recover() == [transaction]
    assert not transaction.exists()
    for table in ("documents", "limits"):
        assert pl.read_parquet(tmp_path / table / "a.txt.parquet").equals(new)
        assert pl.read_parquet(tmp_path / table / "b.txt.parquet").equals(old)


def test_a_transaction_of_a_running_writer_is_left_alone(tmp_path: Path) -> None:
    tables = Warehouse(UPath(tmp_path))
    transaction = tables.transaction("run")
    tables.stage(transaction, "limits", "a.txt", pl.DataFrame({"n": [1]}))
    assert tables.recover() == []
    assert tables.files("limits") == []  # staged, not committed: not published
    assert tables.mark_staged(transaction, "limits") == {"limits"}
    assert tables.commit(transaction) == 1
    assert [p.name for p in tables.files("limits")] == ["a.txt.parquet"]


def test_prune_removes_a_brochure_from_every_table(tmp_path: Path) -> None:
    tables = Warehouse(UPath(tmp_path))
    for table in ("documents", "limits"):
        for key in ("a.txt", "b.txt"):
            tables.write(table, key, pl.DataFrame({"n": [1]}))
    removed = tables.prune(["documents", "limits"], keep={"a.txt"})
    assert sorted(p.name for p in removed) == ["b.txt.parquet", "b.txt.parquet"]
    assert [p.name for t in ("documents", "limits") for p in tables.files(t)] == ["a.txt.parquet"] * 2
    assert not list(tables.staging().iterdir())
