"""Benchmark: how long reading and extracting each brochure takes, and a whole ingest.

    uv run python scripts/bench.py [RAW_DIR] [--repeat N] [--ingest]

Prints, per file, the median seconds of `readers.read` and of `document_to_extraction` over
N repeats, then the totals; with --ingest also the wall time of `brochures ingest` into a
temporary warehouse (Dagster start-up included). Figures, not assertions: compare runs on
the same machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from extractors import readers
from extractors.extract import bytes_to_doc_id, document_to_extraction
from pipelines.brochures import list_brochures


def time_file(path: Path, raw_dir: Path, repeat: int) -> tuple[float, float, int]:
    """Given a brochure, return the median read and extract seconds and its published row count."""
    reads, extracts, rows = [], [], 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        document = readers.read(path)
        t1 = time.perf_counter()
        doc_id, source_file = bytes_to_doc_id(path.read_bytes()), path.relative_to(raw_dir).as_posix()
        extraction = document_to_extraction(document, doc_id=doc_id, source_file=source_file)
        t2 = time.perf_counter()
        reads.append(t1 - t0)
        extracts.append(t2 - t1)
        rows = sum(len(getattr(extraction, t)) for t in ("coverages", "limits", "premiums", "loss_scenarios"))
    return statistics.median(reads), statistics.median(extracts), rows


def main(argv: list[str] | None = None) -> int:
    """Given command-line arguments (default: sys.argv), print the timings; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("raw_dir", nargs="?", type=Path, default=Path("raw"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--ingest", action="store_true", help="also time a whole `brochures ingest`")
    args = parser.parse_args(argv)
    # the files an ingest reads: hidden files and other extensions left out
    files = list(list_brochures(args.raw_dir).values())
    print(f"{'file':<48}{'read s':>9}{'extract s':>11}{'rows':>6}")
    total_read = total_extract = 0.0
    for path in files:
        r, e, n = time_file(path, args.raw_dir, args.repeat)
        total_read, total_extract = total_read + r, total_extract + e
        print(f"{path.relative_to(args.raw_dir).as_posix():<48}{r:>9.3f}{e:>11.3f}{n:>6}")
    print(f"{'total (' + str(len(files)) + ' files)':<48}{total_read:>9.3f}{total_extract:>11.3f}")
    if args.ingest:
        with tempfile.TemporaryDirectory() as warehouse:
            t0 = time.perf_counter()
            command = ["-m", "pipelines.cli", "ingest", str(args.raw_dir), "--warehouse", warehouse]
            done = subprocess.run(
                [sys.executable, *command],
                check=True,
                capture_output=True,
                text=True,
            )
            wall = time.perf_counter() - t0
            published = [line for line in done.stdout.splitlines() if line.startswith("rows:")]
            print(f"brochures ingest (wall, Dagster included): {wall:.1f} s; {' '.join(published)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
