"""The sensor notices an edit that keeps a file's size and modification time."""

import os
from pathlib import Path

from test_sensor import SEED, Daemon, _runs

from pipelines.brochures import content_digest, fingerprint


def test_an_edit_keeping_size_and_mtime_runs_the_brochure_again(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    path = raw / "flyer.txt"
    data = SEED[0].read_bytes()
    path.write_bytes(data)
    daemon = Daemon(raw)
    (first,) = _runs(daemon.tick())
    stat = path.stat()
    # the same number of bytes, one of them changed, and the old times put back (`cp -p`, a restore)
    edited = data.replace("円".encode(), "万".encode(), 1)
    assert len(edited) == len(data) and edited != data
    path.write_bytes(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stat.st_size, stat.st_mtime_ns)
    (second,) = _runs(daemon.tick())
    assert second.partition_key == first.partition_key and second.run_key != first.run_key
    assert _runs(daemon.tick()) == []  # and only once


def test_a_fingerprint_names_size_time_and_content(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"abc")
    size, mtime, digest = fingerprint(path).split("-")
    assert (int(size), int(mtime)) == (3, path.stat().st_mtime_ns)
    assert digest == content_digest(path) and len(digest) == 16
    path.write_bytes(b"abd")
    assert content_digest(path) != digest
    folder = tmp_path / "folder"
    folder.mkdir()
    assert content_digest(folder) == "unreadable"
