"""Reading brochures in worker processes, each within a wall-time and memory budget.

Plain Python (no dagster). A brochure can hang a reader (a PDF whose object references form a
cycle), or need gigabytes (a compressed-stream bomb, 80 M glyphs): read in the run's own
process, it stops every other brochure with it. Here each brochure is read in a process of its
own, so that one over its budget is killed and gets an error row naming the limit it hit and
the setting that raises it, while the others go on; several run at once.

Workers are forked on POSIX (the child starts with the extractors already imported, in a few
milliseconds, and sees the parent's configuration); where fork is missing, spawned.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing as mp
import os
import re
import resource
import signal
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.context import ForkContext, SpawnContext
from multiprocessing.process import BaseProcess
from pathlib import Path

from extractors.records import IngestErrorRecord
from pipelines.brochures import Result, UnexpectedError, brochure_to_result, partition_key_to_source_file

_ALLOCATION_FAILED = re.compile(r"unable to allocate|cannot allocate memory|MemoryError", re.IGNORECASE)
_PR_SET_PDEATHSIG = 1  # prctl(2)
#: how often a waiting run looks at the clock when no worker has finished (seconds)
_POLL = 0.2
MIB = 1024 * 1024


@dataclass(frozen=True)
class Budget:
    """What one brochure may take: wall time (seconds) and memory (MiB) beyond a fresh worker's."""

    seconds: float = 120.0
    memory_mib: int = 2048


@dataclass(frozen=True)
class Read:
    """One brochure read: its partition key, what it gave, and how long it took (seconds)."""

    key: str
    result: Result | UnexpectedError
    seconds: float


def default_workers() -> int:
    """Given nothing, return how many brochures to read at once: the CPUs this process may use, at most 4."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


#: a brochure of a few lines that touches every extractor's vocabulary and patterns
_WARM_UP_TEXT = """# サイバー保険 パンフレット
■賠償責任 支払限度額 1億円 免責金額 10万円
■費用損害 支払限度額 1,000万円 縮小支払割合 90%
| 業種 | 売上高 | 年間保険料 |
|---|---|---|
| 製造業 | 10億円 | 150,000円 |
想定事故例 情報漏えい: 調査費用 300万円、合計 300万円
2026年4月1日 ○○損害保険株式会社
"""


def warm_up() -> None:
    """Given nothing, load every vocabulary and compile every pattern the extractors use, in this process.

    Extractors load their YAML and compile their patterns on first use; done once here before
    workers are forked, each worker starts with them instead of paying for them per brochure.
    """
    with tempfile.TemporaryDirectory(prefix="brochures-warm-up-") as folder:
        path = Path(folder, "warm-up.md")
        path.write_text(_WARM_UP_TEXT, encoding="utf-8")
        brochure_to_result(Path(folder), path.name)


def _address_space() -> int | None:
    """Given nothing, return this process's virtual memory size in bytes, or None where /proc is missing."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return None


def _limit_memory(memory_mib: int) -> None:
    """Given a budget in MiB, cap this process's address space at what it holds now plus the budget."""
    # the cap is relative: a forked worker already maps the parent's libraries and arenas
    now = _address_space()
    if now is None:
        return
    cap = now + memory_mib * MIB
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        cap = min(cap, hard)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))


def _read_error(key: str, message: str) -> IngestErrorRecord:
    """Given a brochure's key and what stopped its reading, return its error row."""
    return IngestErrorRecord(
        source_file=partition_key_to_source_file(key), doc_id=None, stage="read", error=message
    )


def _over_memory(key: str, budget: Budget) -> IngestErrorRecord:
    """Given a brochure's key and the budget, return the error row of a brochure that ran out of memory."""
    return _read_error(
        key,
        (
            f"reading it needed more than the memory budget of {budget.memory_mib} MiB per brochure "
            "(a very large or malformed file); raise BrochureSettings.memory_per_brochure_mib to try "
            "again, or split the file"
        ),
    )


def _over_time(key: str, budget: Budget) -> IngestErrorRecord:
    """Given a brochure's key and the budget, return the error row of a brochure that ran out of time."""
    return _read_error(
        key,
        (
            f"reading it took longer than the time budget of {budget.seconds:g} s per brochure and was "
            "stopped (a very large file, or one whose structure loops); raise "
            "BrochureSettings.seconds_per_brochure to try again"
        ),
    )


def _died(key: str, exitcode: int | None) -> IngestErrorRecord:
    """Given a brochure's key and its worker's exit code, return the error row of a worker that died."""
    how = f"signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"exit code {exitcode}"
    return _read_error(
        key,
        (
            f"the process reading it died ({how}) without a result; the file may be malformed or need "
            "more memory than the machine has: report it with this file attached"
        ),
    )


def _die_with_parent() -> None:
    """Given nothing, have the kernel kill this process when the run that started it dies (Linux).

    A run killed with SIGKILL cannot stop its workers itself; without this, a worker stuck in a
    looping PDF would go on alone. Elsewhere a worker still ends at its next send to the run.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        return


def _work(connection: Connection, raw_dir: Path, key: str, budget: Budget) -> None:
    """Given the pipe to the run, a brochure and its budget, read it and send back what it gave."""
    _die_with_parent()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the run stops its workers with SIGTERM or SIGKILL
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the run's to handle, not each worker's
    _limit_memory(budget.memory_mib)
    result: Result | UnexpectedError
    try:
        result = brochure_to_result(raw_dir, key)
    except MemoryError:
        result = _over_memory(key, budget)
    if isinstance(result, IngestErrorRecord) and _ALLOCATION_FAILED.search(result.error):
        # a library that caught its own failed allocation (zlib's "Unable to allocate output
        # buffer" inside pdfminer) reports a damaged file; under the cap, it is the budget
        result = _over_memory(key, budget)
    try:
        connection.send(result)
    except MemoryError:
        connection.send(_over_memory(key, budget))
    finally:
        connection.close()


@dataclass
class _Running:
    key: str
    process: BaseProcess
    connection: Connection
    started: float


def _context() -> ForkContext | SpawnContext:
    """Given nothing, return the multiprocessing context workers start in: fork where there is one."""
    if "fork" in mp.get_all_start_methods():
        return mp.get_context("fork")
    return mp.get_context("spawn")


def _start(raw_dir: Path, key: str, budget: Budget) -> _Running:
    """Given a brochure and its budget, start its worker and return how to follow it."""
    context = _context()
    receive, send = context.Pipe(duplex=False)
    process = context.Process(target=_work, args=(send, raw_dir, key, budget), daemon=True)
    process.start()
    send.close()  # the child holds the sending end now; EOF on `receive` means it is gone
    return _Running(key, process, receive, time.monotonic())


def _finish(running: _Running, budget: Budget) -> Read:
    """Given a worker that finished or ran out of time, return what its brochure gave and reap it."""
    seconds = time.monotonic() - running.started
    result: Result | UnexpectedError
    try:
        result = running.connection.recv() if running.connection.poll() else _over_time(running.key, budget)
    except (EOFError, OSError):
        running.process.join(5)
        result = _died(running.key, running.process.exitcode)
    finally:
        running.connection.close()
    if running.process.is_alive():
        running.process.kill()
    running.process.join()
    return Read(running.key, result, seconds)


def _stop(running: Sequence[_Running]) -> None:
    """Given the workers still running, kill them and reap them."""
    for worker in running:
        if worker.process.is_alive():
            worker.process.kill()
    for worker in running:
        worker.process.join()
        worker.connection.close()


def read_in_workers(
    raw_dir: Path,
    keys: Sequence[str],
    budget: Budget = Budget(),
    workers: int = 1,
) -> Iterator[Read]:
    """Given the raw folder and brochure keys, yield each brochure as read by its own worker, as it finishes.

    At most `workers` run at once; a worker over its time budget is killed. Leaving the loop
    early (an exception, SIGTERM turned into one, a closed generator) kills the workers left.
    """
    waiting = list(reversed(keys))
    running: list[_Running] = []
    if keys and _context().get_start_method() == "fork":
        warm_up()
    try:
        while waiting or running:
            while waiting and len(running) < max(1, workers):
                running.append(_start(raw_dir, waiting.pop(), budget))
            ready = set(wait([w.connection for w in running], timeout=_POLL))
            now = time.monotonic()
            for worker in list(running):
                if worker.connection in ready or now - worker.started > budget.seconds:
                    running.remove(worker)
                    yield _finish(worker, budget)
    finally:
        _stop(running)
