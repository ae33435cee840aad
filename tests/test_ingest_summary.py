"""The no-op fast path: the last ingest's summary answers only while nothing it describes has changed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SEEDS

from pipelines import cli
from pipelines.brochures import file_doc_id, list_brochures
from pipelines.ingest_summary import (
    RACY_NS,
    SUMMARY,
    IngestSummary,
    file_states,
    known_doc_ids,
    read_summary,
    stat_files,
    still_current,
    warehouse_state,
    write_summary,
)

SEED = sorted(SEEDS.glob("*.txt"))
VERSION = "v1"


def _summarised(tmp_path: Path, racy: bool = False) -> tuple[Path, Path, IngestSummary]:
    """Two brochures and a warehouse with one table folder, summarised as a run would leave them."""
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    (warehouse / "documents").mkdir(parents=True)
    shutil.copy(SEED[0], raw / "a.txt")
    shutil.copy(SEED[1], raw / "b.txt")
    paths = list_brochures(raw)
    stats = stat_files(paths)
    doc_ids = {k: file_doc_id(p) or "" for k, p in paths.items()}
    newest = max(s.st_mtime_ns for s in stats.values())
    summary = IngestSummary(
        raw_dir=str(raw),
        extractor_version=VERSION,
        files=file_states(paths, doc_ids, stats),
        warehouse=warehouse_state(warehouse),
        lines=("2 brochures: 2 published, 0 in ingest_errors",),
        attention=0,
        # stats taken well after the files' last change, unless the case is about a racy one
        stat_ns=newest + (0 if racy else 10 * RACY_NS),
    )
    write_summary(warehouse, summary)
    return raw, warehouse, summary


def _same_size_edit(path: Path) -> None:
    """Rewrite a file with other bytes of the same length and put its modification time back."""
    st = path.stat()
    data = path.read_bytes()
    path.write_bytes(bytes([data[0] ^ 1]) + data[1:])
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _touch(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5 * RACY_NS))


@pytest.mark.parametrize(
    ("change", "current"),
    [
        # nothing changed: the summary answers
        (lambda raw, wh: None, True),
        # a touched file (new mtime, same bytes) is hashed and found unchanged
        (lambda raw, wh: _touch(raw / "a.txt"), True),
        # other bytes of another size
        (lambda raw, wh: (raw / "a.txt").write_bytes(SEED[2].read_bytes()), False),
        # other bytes of the same size with a new mtime
        (lambda raw, wh: (raw / "a.txt").write_bytes(b"x" * (raw / "a.txt").stat().st_size), False),
        # a new brochure
        (lambda raw, wh: shutil.copy(SEED[2], raw / "c.txt"), False),
        # a removed brochure
        (lambda raw, wh: (raw / "b.txt").unlink(), False),
        # a file published or removed in a table folder since (a sensor run, a prune)
        (lambda raw, wh: (wh / "documents" / "x.parquet").write_bytes(b""), False),
        # a staged transaction of a killed run
        (lambda raw, wh: (wh / ".staging").mkdir(), False),
        # a hidden file is no brochure: the answer stands
        (lambda raw, wh: (raw / ".swp").write_bytes(b""), True),
    ],
)
def test_the_summary_holds_only_while_nothing_changed(
    tmp_path: Path, change: Callable[[Path, Path], object], current: bool
) -> None:
    raw, warehouse, summary = _summarised(tmp_path)
    change(raw, warehouse)
    found = still_current(read_summary(warehouse), raw, list_brochures(raw), warehouse, VERSION)
    assert (found is not None) == current
    if found is not None:
        assert {k: s.doc_id for k, s in found.files.items()} == {
            k: s.doc_id for k, s in summary.files.items()
        }
        assert found.files["a.txt"].mtime_ns == (raw / "a.txt").stat().st_mtime_ns


def test_another_extractor_version_or_raw_folder_does_not_match(tmp_path: Path) -> None:
    raw, warehouse, summary = _summarised(tmp_path)
    paths = list_brochures(raw)
    assert still_current(summary, raw, paths, warehouse, VERSION) is summary
    assert still_current(summary, raw, paths, warehouse, "v2") is None
    assert still_current(summary, tmp_path, paths, warehouse, VERSION) is None


def test_a_same_size_edit_in_the_racy_window_is_hashed(tmp_path: Path) -> None:
    # the stats were taken in the same tick as the files' last write: a later edit that keeps
    # size and mtime is still seen, because such files are hashed
    raw, warehouse, summary = _summarised(tmp_path, racy=True)
    _same_size_edit(raw / "a.txt")
    assert still_current(summary, raw, list_brochures(raw), warehouse, VERSION) is None


def test_the_run_hashes_only_files_whose_stat_changed(tmp_path: Path) -> None:
    raw, _, summary = _summarised(tmp_path)
    _touch(raw / "b.txt")
    stats = stat_files(list_brochures(raw))
    # a.txt as recorded: its id is known; b.txt touched: hashed again by the run
    assert known_doc_ids(summary, raw, stats) == {"a.txt": summary.files["a.txt"].doc_id}
    # another raw folder's summary knows nothing of these files
    assert known_doc_ids(summary, tmp_path, stats) == {}
    # stats taken in the same tick as the files' last write: nothing is taken on trust
    (tmp_path / "racy").mkdir()
    raw, _, racy = _summarised(tmp_path / "racy", racy=True)
    assert known_doc_ids(racy, raw, stat_files(list_brochures(raw))) == {}


@pytest.mark.parametrize(
    "content",
    [
        # not JSON (a kill mid-write of an older version, a disk error)
        "{not json",
        # another shape of the file
        json.dumps({"format": 0, "files": {}}),
        # the right shape, a field missing
        json.dumps({"format": 1, "raw_dir": "/r"}),
    ],
)
def test_an_unreadable_summary_is_no_summary(tmp_path: Path, content: str) -> None:
    (tmp_path / SUMMARY).write_text(content)
    assert read_summary(tmp_path) is None


def _ingest(raw: Path, warehouse: Path, *extra: str) -> None:
    assert cli.main(["ingest", str(raw), "--warehouse", str(warehouse), *extra]) == cli.EXIT_OK


def _no_run(*args: object, **kwargs: object) -> int:
    raise AssertionError("a run was started although nothing changed")


def test_an_unchanged_folder_is_answered_from_the_summary_and_changes_fall_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    raw, warehouse = tmp_path / "raw", tmp_path / "warehouse"
    raw.mkdir()
    for seed in SEED[:3]:
        shutil.copy(seed, raw / seed.name)
    _ingest(raw, warehouse)
    first = capsys.readouterr().out
    assert (warehouse / SUMMARY).is_file()

    # nothing changed: answered without importing polars or dagster, saying so and where
    code = (
        "import sys; from pipelines import cli; "
        f"code = cli.main(['ingest', {str(raw)!r}, '--warehouse', {str(warehouse)!r}]); "
        "heavy = ('polars', 'dagster', 'pandera', 'pdfplumber'); "
        "print('heavy:', sorted(m for m in heavy if m in sys.modules)); "
        "sys.exit(code)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "heavy: []" in done.stdout
    assert "no-op: nothing changed" in done.stdout and str(warehouse / SUMMARY) in done.stdout
    assert "3 of 3 brochures unchanged" in done.stdout
    assert f"warehouse: {warehouse}" in done.stdout
    # the summary lines are those the run that made the warehouse printed
    assert next(line for line in first.splitlines() if line.startswith("3 brochures:")) in done.stdout

    # a changed file, an extractor version, a removed file, --force: each falls through to a run
    monkeypatch.setattr(cli, "_run_jobs", _no_run)
    _ingest(raw, warehouse)
    assert "no-op" in capsys.readouterr().out
    monkeypatch.undo()
    shutil.copy(SEED[3], raw / SEED[0].name)
    _ingest(raw, warehouse)
    out = capsys.readouterr().out
    assert "no-op" not in out and f"{SEED[0].name}: read" in out
    (raw / SEED[1].name).unlink()
    _ingest(raw, warehouse)
    out = capsys.readouterr().out
    assert "no-op" not in out and "2 brochures: 2 published" in out
    assert sorted(read_summary(warehouse).files) == sorted([SEED[0].name, SEED[2].name])  # type: ignore[union-attr]
    _ingest(raw, warehouse, "--force")
    out = capsys.readouterr().out
    assert "no-op" not in out and f"{SEED[2].name}: read" in out
    monkeypatch.setattr(cli, "extractor_version", lambda: "another-version")
    _ingest(raw, warehouse)
    out = capsys.readouterr().out
    assert "no-op" not in out and f"{SEED[2].name}: read" in out
