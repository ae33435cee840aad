"""Benchmark the ingest at scale: fresh, no-op, +1 and -1 brochure, against a bare pdfplumber pass.

    .tools/bin/uv run python scripts/bench_ingest.py [--sizes 10 100 1000]

For each size N it builds a corpus of N brochures by copying raw/ and the test fixtures'
corpora, each copy with bytes of its own (a PDF gets a comment after its end, a text or HTML
file a trailing line), so that no two are the same document. Then, on that machine, side by
side:

- the bare baseline: one process opening each PDF with pdfplumber and calling `extract_text`
  and `extract_tables` on every page (and reading each other file's text);
- `brochures ingest` into a new warehouse (fresh), again (no-op), after adding one brochure
  (+1) and after removing one (-1), each as a subprocess, wall time and peak RSS;
- DuckDB query times on the ingested warehouse: a join of limits to documents and a group-by,
  through the catalog (compacted layer) and over the per-brochure files.

Every time is printed with its ratio to the baseline of the same N, so the figures can be
compared across machines and runs; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "raw", *sorted((ROOT / "tests" / "fixtures").glob("*/corpus"))]
SUFFIXES = {".pdf", ".txt", ".md", ".html", ".htm"}
JOIN = (
    "select d.insurer_id, count(*), sum(l.amount_jpy) from {limits} l join {documents} d "
    "using (doc_id) group by 1 order by 1"
)
GROUP = "select coverage_id, count(*) from {coverages} group by 1 order by 2 desc"


def source_files() -> list[Path]:
    """Given nothing, return the brochure files the corpora are made of."""
    return sorted(p for folder in SOURCES for p in folder.rglob("*") if p.suffix.lower() in SUFFIXES)


def distinct_copy(source: Path, target: Path, n: int) -> None:
    """Given a brochure, a target path and a number, copy it with bytes of its own."""
    data = source.read_bytes()
    tail = f"\n% copy {n}\n" if source.suffix.lower() == ".pdf" else f"\n<!-- copy {n} -->\n"
    if source.suffix.lower() in {".txt", ".md"}:
        tail = f"\n(copy {n})\n"
    target.write_bytes(data + tail.encode())


def build_corpus(folder: Path, n: int) -> list[Path]:
    """Given a folder and a size, fill it with n distinct brochures; return their paths."""
    sources = source_files()
    folder.mkdir(parents=True)
    paths = []
    for i in range(n):
        source = sources[i % len(sources)]
        path = folder / f"{i:05d}-{source.name}"
        distinct_copy(source, path, i)
        paths.append(path)
    return paths


def baseline(paths: list[Path]) -> float:
    """Given brochure files, return the wall seconds of a bare single-process pdfplumber pass over them."""
    import pdfplumber

    started = time.perf_counter()
    for path in paths:
        if path.suffix.lower() != ".pdf":
            path.read_text(encoding="utf-8", errors="replace")
            continue
        try:
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    page.extract_text()
                    page.extract_tables()
                    page.close()
        except Exception:  # a bad fixture PDF costs what it costs; the baseline does not stop
            continue
    return time.perf_counter() - started


#: runs argv[1:], then prints its wall seconds and the peak RSS (KiB) of its largest process
_MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def ingest(raw: Path, warehouse: Path) -> tuple[float, float]:
    """Given a corpus and a warehouse, run `brochures ingest`; return wall seconds and peak RSS (MiB)."""
    env = {**os.environ, "DAGSTER_DISABLE_TELEMETRY": "1"}
    command = [sys.executable, "-m", "pipelines.cli", "ingest", str(raw), "--warehouse", str(warehouse)]
    # a wrapper process of its own, so that its children's peak RSS is this ingest's alone
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    wall, peak_kib = done.stdout.split()[-2:]
    return float(wall), int(peak_kib) / 1024


def query_seconds(connection: duckdb.DuckDBPyConnection, sql: str, repeat: int = 5) -> float:
    """Given a connection and a query, return its median wall seconds over `repeat` runs."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        connection.execute(sql).fetchall()
        times.append(time.perf_counter() - started)
    return sorted(times)[len(times) // 2]


def queries(warehouse: Path) -> dict[str, float]:
    """Given an ingested warehouse, return query seconds through the catalog and over the bare files."""
    files = {t: f"read_parquet('{warehouse / t}/*.parquet')" for t in ("limits", "documents", "coverages")}
    views = {t: t for t in files}
    out = {}
    with duckdb.connect(str(warehouse / "brochures.duckdb"), read_only=True) as catalog:
        out["join, catalog (compacted)"] = query_seconds(catalog, JOIN.format(**views))
        out["group-by, catalog (compacted)"] = query_seconds(catalog, GROUP.format(**views))
    with duckdb.connect() as bare:
        out["join, per-brochure files"] = query_seconds(bare, JOIN.format(**files))
        out["group-by, per-brochure files"] = query_seconds(bare, GROUP.format(**files))
    return out


def bench(n: int, scratch: Path) -> None:
    """Given a size and a scratch folder, run every measurement for a corpus of n brochures and print it."""
    raw, warehouse = scratch / f"raw{n}", scratch / f"warehouse{n}"
    paths = build_corpus(raw, n)
    pdfs = [p for p in paths if p.suffix.lower() == ".pdf"]
    base = baseline(paths)
    rows = [("bare pdfplumber pass (1 process)", base, None)]
    for label in ("fresh ingest", "no-op re-run"):
        wall, peak = ingest(raw, warehouse)
        rows.append((label, wall, peak))
    extra = raw / f"zz-added{paths[0].suffix}"
    distinct_copy(paths[0], extra, 10**6)
    rows.append(("+1 brochure", *ingest(raw, warehouse)))
    extra.unlink()
    rows.append(("-1 brochure", *ingest(raw, warehouse)))
    print(f"\n## {n} brochures ({len(pdfs)} PDFs)")
    print(f"{'step':<36}{'wall s':>9}{'× baseline':>12}{'peak RSS MiB':>14}")
    for label, wall, peak in rows:
        shown = f"{peak:>14.0f}" if peak is not None else f"{'':>14}"
        print(f"{label:<36}{wall:>9.2f}{wall / base:>12.3f}{shown}")
    print(f"per brochure, fresh ingest: {rows[1][1] / n * 1000:.0f} ms")
    for label, seconds in queries(warehouse).items():
        print(f"query {label:<40}{seconds * 1000:>9.1f} ms")


def main(argv: list[str] | None = None) -> int:
    """Given command-line arguments, run the benchmark for each size; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100])
    parser.add_argument("--keep", type=Path, help="build corpora and warehouses here and keep them")
    args = parser.parse_args(argv)
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="brochures-bench-"))
    try:
        for n in args.sizes:
            bench(n, scratch)
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
