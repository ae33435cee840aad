"""Kill replay: kill -9 at random moments of a 200-brochure ingest, and SIGTERM's stopping time.

    .venv/bin/python scripts/kill_replay.py [--brochures N] [--kills K] [--terms T] [--seed S]

A corpus of N brochures (default 200) is made by copying raw/ and the test corpora's brochures,
each copy with distinct bytes (a comment or blank line appended). One clean ingest of it gives
the reference rows and its wall time W. Then, K times (default 10), a fresh ingest of the same
corpus is killed with SIGKILL at a random moment in (0, W); right after the kill, every brochure
in the warehouse must be complete: the tables holding its stem, and their rows, the clean run's
(checked through the warehouse's reader, which honours commit markers, and on the bare
`<table>/*.parquet` files), and no process of the run may be left. The next start (a full
ingest) must then leave no orphan: no `.*.tmp` file, nothing under `.staging`, no temporary
folder of the run's, and the warehouse equal to the clean one. Last, T runs (default 4) get
SIGTERM at random moments, one of them while a worker is stuck in a PDF whose references loop,
and the time from the signal to the end of the run's last process is measured. Figures, not
assertions.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import psutil

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SUFFIXES = {".pdf", ".html", ".htm", ".txt", ".md"}
#: partitioned tables: one file per brochure each
TABLES = (
    "documents",
    "pages",
    "coverages",
    "limits",
    "premiums",
    "loss_scenarios",
    "ingest_errors",
    "quarantine",
)
#: a PDF whose page tree's references loop (a worker reading it never ends on its own)
CYCLE_PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n3 0 R\nendobj\n"
    b"3 0 obj\n2 0 R\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
#: {table: {stem: rows}}
Snapshot = dict[str, dict[str, pl.DataFrame]]


def sources() -> list[Path]:
    """Given nothing, return the brochures of raw/ and of the test corpora, by path."""
    folders = [ROOT / "raw", FIXTURES / "seeds", *sorted(FIXTURES.glob("*/corpus")), FIXTURES / "holdout"]
    folders += [FIXTURES / "holdout_prem", FIXTURES / "heldout_dev"]
    found = {p for f in folders for p in f.rglob("*") if p.is_file() and p.suffix in SUFFIXES}
    return sorted(p for p in found if not p.name.startswith(".") and "gold" not in p.parts)


def make_corpus(folder: Path, count: int) -> None:
    """Given a folder and a count, fill it with that many brochures, each with distinct bytes."""
    pool = sources()
    folder.mkdir(parents=True)
    for i in range(count):
        source = pool[i % len(pool)]
        mark = {
            ".pdf": b"\n%% copy %d\n" % i,
            ".html": b"\n<!-- copy %d -->\n" % i,
            ".htm": b"\n<!-- copy %d -->\n" % i,
        }.get(source.suffix, b"\n" + b" " * (i + 1) + b"\n")
        (folder / f"{i:03d}-{source.name}").write_bytes(source.read_bytes() + mark)


def start(corpus: Path, warehouse: Path, scratch: Path) -> subprocess.Popen[bytes]:
    """Given a corpus, a warehouse and a scratch folder (its TMPDIR and Dagster home), start an ingest."""
    scratch.mkdir(parents=True, exist_ok=True)
    env = {
        **os.environ,
        "DAGSTER_DISABLE_TELEMETRY": "1",
        "TMPDIR": str(scratch),
        "DAGSTER_HOME": str(scratch),
    }
    command = [
        sys.executable,
        "-m",
        "pipelines.cli",
        "ingest",
        str(corpus),
        "--warehouse",
        str(warehouse),
        "--quiet",
    ]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def session_processes(sid: int) -> list[int]:
    """Given a session id, return the processes still in it (zombies left out)."""
    found = []
    for p in psutil.process_iter(["pid", "status"]):
        try:
            if os.getsid(p.pid) == sid and p.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(p.pid)
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    return found


def snapshot(warehouse: Path, honour_markers: bool) -> Snapshot:
    """Given a warehouse, return each brochure's rows per table: through its reader, or from bare files."""
    from pipelines.storage import Warehouse, location_to_upath

    tables: Snapshot = {}
    reader = Warehouse(location_to_upath(str(warehouse)))
    for table in TABLES:
        if honour_markers:
            files = {stem: Path(p.path) for stem, p in reader.stems(table).items()}
        else:
            files = {p.name.removesuffix(".parquet"): p for p in (warehouse / table).glob("*.parquet")}
        tables[table] = {stem: pl.read_parquet(path) for stem, path in files.items()}
    return tables


def incomplete(found: Snapshot, clean: Snapshot) -> tuple[int, int]:
    """Given a warehouse's rows and the clean run's, return (brochures complete, brochures not)."""
    stems = {stem for rows in found.values() for stem in rows}
    bad = 0
    for stem in stems:
        mine = {t for t in TABLES if stem in found[t]}
        theirs = {t for t in TABLES if stem in clean[t]}
        if mine != theirs or not all(found[t][stem].equals(clean[t][stem]) for t in mine):
            bad += 1
    return len(stems) - bad, bad


def orphans(warehouse: Path, scratch: Path) -> list[str]:
    """Given a warehouse and a run's scratch folder, return the temporary files and folders left behind."""
    left = [str(p.relative_to(warehouse)) for p in warehouse.rglob(".*.tmp")]
    staging = warehouse / ".staging"
    left += [str(p.relative_to(warehouse)) for p in staging.iterdir()] if staging.is_dir() else []
    dagster = {"history", "schedules", "storage", "logs", ".telemetry", "dagster.yaml", ".nux", ".logs_queue"}
    left += [f"TMPDIR/{p.name}" for p in scratch.iterdir() if p.name not in dagster]
    return left


def orphans_of(warehouse: Path, pid: int) -> list[str]:
    """Given a warehouse and a killed run's process id, return its temporary files and staged folders left."""
    left = [str(p.relative_to(warehouse)) for p in warehouse.rglob(f".*.{pid}.*.tmp")]
    staging = warehouse / ".staging"
    return left + [f".staging/{p.name}" for p in staging.glob(f"{pid}-*")] if staging.is_dir() else left


@dataclass(frozen=True)
class Kill:
    """What one kill -9 left: its moment, brochures complete or not (reader, bare files), the rest."""

    moment: float
    finished: bool
    complete: int
    torn: int
    torn_bare: int
    survivors: int
    orphans: list[str]


def kill_once(
    corpus: Path, warehouse: Path, scratch: Path, moment: float, clean: Snapshot, before: int
) -> tuple[Kill, int]:
    """Given corpus, warehouse, scratch, a moment, the clean rows and the run killed before, kill a run."""
    run = start(corpus, warehouse, scratch)
    deadline = time.perf_counter() + moment
    while time.perf_counter() < deadline and run.poll() is None:
        time.sleep(0.05)
    finished = run.poll() is not None
    if not finished:
        os.kill(run.pid, signal.SIGKILL)
    run.wait()
    time.sleep(1.0)  # the kernel's parent-death signal reaches the workers
    survivors = session_processes(run.pid)
    for pid in survivors:
        os.kill(pid, signal.SIGKILL)
    complete, torn = incomplete(snapshot(warehouse, True), clean) if warehouse.is_dir() else (0, 0)
    torn_bare = incomplete(snapshot(warehouse, False), clean)[1] if warehouse.is_dir() else 0
    left = orphans_of(warehouse, before) if before and warehouse.is_dir() else []
    return Kill(moment, finished, complete, torn, torn_bare, len(survivors), left), run.pid


def term_once(corpus: Path, folder: Path, moment: float) -> tuple[float, int]:
    """Given a corpus, a scratch folder and a moment, SIGTERM an ingest then; return (seconds, exit)."""
    run = start(corpus, folder / "warehouse", folder / "tmp")
    time.sleep(moment)
    sent = time.perf_counter()
    os.kill(run.pid, signal.SIGTERM)
    while session_processes(run.pid) or run.poll() is None:
        if time.perf_counter() - sent > 60:
            os.killpg(run.pid, signal.SIGKILL)
        time.sleep(0.02)
    return time.perf_counter() - sent, run.returncode


def main(argv: list[str] | None = None) -> int:
    """Given command-line arguments, run the clean ingest, the kills and the SIGTERMs; print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--brochures", type=int, default=200, help="brochures in the corpus")
    parser.add_argument("--kills", type=int, default=10, help="kill -9 moments")
    parser.add_argument("--terms", type=int, default=4, help="SIGTERM moments")
    parser.add_argument("--seed", type=int, default=7, help="random seed of the moments")
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="kill-replay-") as base:
        corpus = Path(base, "corpus")
        make_corpus(corpus, args.brochures)
        started = time.perf_counter()
        code = start(corpus, Path(base, "clean"), Path(base, "clean-tmp")).wait()
        wall = time.perf_counter() - started
        clean = snapshot(Path(base, "clean"), False)
        print(
            f"{args.brochures} brochures; clean ingest (exit {code}) {wall:.1f} s, "
            f"{len(clean['documents'])} published",
            flush=True,
        )
        print(
            f"{'kill at s':>10}{'complete':>10}{'torn':>6}{'torn bare':>10}{'left':>6}  "
            "orphans of the run killed before"
        )
        warehouse, scratch = Path(base, "warehouse"), Path(base, "tmp")
        kills, before, startup = [], 0, min(20.0, wall / 4)
        for _ in range(args.kills):
            done = len(snapshot(warehouse, True)["documents"]) if warehouse.is_dir() else 0
            left = startup + (wall - startup) * (1 - done / max(1, len(clean["documents"])))
            k, before = kill_once(corpus, warehouse, scratch, rng.uniform(1.0, 0.9 * left), clean, before)
            kills.append(k)
            print(
                f"{k.moment:>10.1f}{k.complete:>10}{k.torn:>6}{k.torn_bare:>10}{k.survivors:>6}  "
                f"{', '.join(k.orphans) or 'none'}{' (the run ended before the kill)' if k.finished else ''}",
                flush=True,
            )
        start(corpus, warehouse, scratch).wait()
        converged = incomplete(snapshot(warehouse, False), clean) == (
            len({s for r in clean.values() for s in r}),
            0,
        )
        print(
            f"kills {len(kills)}: torn brochures {sum(k.torn for k in kills)} (bare files "
            f"{sum(k.torn_bare for k in kills)}), processes left {sum(k.survivors for k in kills)}, "
            f"orphans after the next start {sum(len(k.orphans) for k in kills)}; after a last full run: "
            f"converged {'yes' if converged else 'NO'}, "
            f"left {', '.join(orphans(warehouse, scratch)) or 'nothing'}"
        )
        (corpus / "#cycle.pdf").write_bytes(CYCLE_PDF)  # read first: a worker stuck for its whole time budget
        times = []
        for i in range(args.terms):
            moment = rng.uniform(5.0, min(wall, 90.0))
            seconds, code = term_once(corpus, Path(base, f"term-{i}"), moment)
            times.append(seconds)
            print(f"SIGTERM at {moment:.1f} s: ended after {seconds:.2f} s (exit {code})", flush=True)
        print(f"SIGTERM: max {max(times):.2f} s over {len(times)} runs" if times else "")
    return 0


if __name__ == "__main__":
    sys.exit(main())
