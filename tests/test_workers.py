"""Brochures read in worker processes: a hostile file is stopped at its budget, the others go on."""

import multiprocessing
import os
import signal
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from conftest import SEEDS

from extractors.records import Extraction, IngestErrorRecord
from pipelines import brochures
from pipelines.workers import Budget, Read, read_in_workers

SEED = sorted(SEEDS.glob("*.txt"))[0]


def _copy(name: str) -> bytes:
    """Given a name, return the seed's text with a line naming it: the same bytes would be one document."""
    return SEED.read_bytes() + f"\n{name}\n".encode()


def _cycle_pdf() -> bytes:
    """Given nothing, return a tiny PDF whose page tree is a reference cycle (pdfminer loops on it)."""
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"])


def _pdf(objects: list[bytes]) -> bytes:
    """Given the bodies of objects 1…n (1 the catalog), return a PDF file holding them with its xref."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _bomb_pdf(megabytes: int = 1024) -> bytes:
    """Given a size, return a one-page PDF whose content stream inflates to that many MiB (1 MB on disk)."""
    squeeze = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    stream = b"".join(squeeze.compress(chunk) for _ in range(megabytes)) + squeeze.flush()
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
        ]
    )


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    """A raw folder with one good brochure (good.txt) and whatever a test adds."""
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "good.txt").write_bytes(SEED.read_bytes())
    return folder


def _read_all(raw: Path, budget: Budget, workers: int = 2) -> dict[str, Read]:
    keys = sorted(p.name for p in raw.iterdir())
    return {read.key: read for read in read_in_workers(raw, keys, budget, workers)}


def test_a_pdf_whose_references_loop_is_stopped_at_the_time_budget(raw: Path) -> None:
    (raw / "cycle.pdf").write_bytes(_cycle_pdf())
    started = time.monotonic()
    reads = _read_all(raw, Budget(seconds=5))
    # the loop is cut at the budget, not waited out
    assert time.monotonic() - started < 20
    error = reads["cycle.pdf"].result
    assert isinstance(error, IngestErrorRecord) and error.stage == "read"
    assert "time budget of 5 s" in error.error and "seconds_per_brochure" in error.error
    # the good brochure beside it is read whole
    assert isinstance(reads["good.txt"].result, Extraction)


def test_a_compressed_stream_bomb_is_stopped_within_the_memory_budget(raw: Path) -> None:
    # 1 MB on disk, 1 GiB inflated: read without a cap it takes over a gigabyte; the PDF reader's
    # page budget refuses it before the worker's memory budget is reached
    (raw / "bomb.pdf").write_bytes(_bomb_pdf())
    reads = _read_all(raw, Budget(memory_mib=384))
    error = reads["bomb.pdf"].result
    assert isinstance(error, IngestErrorRecord) and "max_page_content_mib" in error.error
    assert isinstance(reads["good.txt"].result, Extraction)


def test_a_brochure_over_the_memory_budget_gets_an_error_row(
    raw: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = brochures.file_to_extraction

    def greedy(path: Path, raw_dir: Path) -> Extraction:
        if path.name == "big.txt":
            bytearray(1024 * 1024 * 1024)  # 1 GiB, four times the budget below
        return real(path, raw_dir)

    monkeypatch.setattr(brochures, "file_to_extraction", greedy)
    (raw / "big.txt").write_bytes(_copy("big"))
    reads = _read_all(raw, Budget(memory_mib=256))
    error = reads["big.txt"].result
    assert isinstance(error, IngestErrorRecord)
    assert "memory budget of 256 MiB" in error.error and "memory_per_brochure_mib" in error.error
    assert isinstance(reads["good.txt"].result, Extraction)


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        # killed from outside (as the kernel's OOM killer does)
        (lambda: os.kill(os.getpid(), signal.SIGKILL), "signal 9"),
        # a library calling exit() from native code
        (lambda: os._exit(3), "exit code 3"),
    ],
)
def test_a_worker_that_dies_gives_an_error_row(
    raw: Path, monkeypatch: pytest.MonkeyPatch, how: object, expected: str
) -> None:
    real = brochures.file_to_extraction

    def dying(path: Path, raw_dir: Path) -> Extraction:
        if path.name == "dies.txt":
            how()  # type: ignore[operator]
        return real(path, raw_dir)

    monkeypatch.setattr(brochures, "file_to_extraction", dying)
    (raw / "dies.txt").write_bytes(_copy("dies"))
    reads = _read_all(raw, Budget(seconds=30))
    error = reads["dies.txt"].result
    assert isinstance(error, IngestErrorRecord) and f"died ({expected})" in error.error
    assert isinstance(reads["good.txt"].result, Extraction)


@pytest.mark.parametrize("workers", [1, 3])  # one at a time, and more workers than brochures
def test_every_brochure_is_read_once_whatever_the_worker_count(raw: Path, workers: int) -> None:
    for i in range(3):
        (raw / f"copy{i}.txt").write_bytes(_copy(f"copy{i}"))
    (raw / "empty.txt").write_bytes(b"")
    reads = list(read_in_workers(raw, sorted(p.name for p in raw.iterdir()), Budget(), workers))
    assert sorted(r.key for r in reads) == sorted(p.name for p in raw.iterdir())
    # a worker gives the same rows as reading in the run's own process
    in_process = brochures.brochure_to_result(raw, "copy0.txt")
    assert next(r.result for r in reads if r.key == "copy0.txt") == in_process
    assert isinstance(next(r.result for r in reads if r.key == "empty.txt"), IngestErrorRecord)


def test_an_exception_in_the_run_kills_the_workers_left(raw: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def forever(path: Path, raw_dir: Path) -> Extraction:
        while True:
            time.sleep(1)

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt  # what SIGTERM/SIGINT become in the run's process

    monkeypatch.setattr(brochures, "file_to_extraction", forever)
    for i in range(2):
        (raw / f"hang{i}.txt").write_bytes(b"x")
    previous = signal.signal(signal.SIGALRM, interrupt)
    started = time.monotonic()
    try:
        signal.alarm(1)
        with pytest.raises(KeyboardInterrupt):
            list(read_in_workers(raw, ["hang0.txt", "hang1.txt"], Budget(seconds=60), workers=2))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    # the run stops at once, not at the 60 s budget, and leaves no worker behind
    assert time.monotonic() - started < 5
    assert not multiprocessing.active_children()


def _children(pid: int) -> list[int]:
    """Given a process id, return its child processes' ids (Linux /proc)."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid):
            found.append(int(status.parent.name))
    return found


def test_sigterm_stops_an_ingest_promptly_and_leaves_no_worker(raw: Path, tmp_path: Path) -> None:
    (raw / "cycle.pdf").write_bytes(_cycle_pdf())  # a worker that would loop for the whole 120 s budget
    env = {**os.environ, "DAGSTER_DISABLE_TELEMETRY": "1"}
    command = [sys.executable, "-m", "pipelines.cli", "ingest", str(raw), "--warehouse", str(tmp_path / "wh")]
    run = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 90
        while not (workers := _children(run.pid)) and time.monotonic() < deadline and run.poll() is None:
            time.sleep(0.2)
        assert workers, "no worker was started"
        time.sleep(1)
        stopped_at = time.monotonic()
        run.send_signal(signal.SIGTERM)
        _, err = run.communicate(timeout=30)
        assert time.monotonic() - stopped_at < 5
    finally:
        run.kill()
    assert run.returncode == 130 and "stopped" in err, err
    time.sleep(0.5)
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
