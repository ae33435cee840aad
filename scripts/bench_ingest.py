"""Benchmark the ingest at scale: fresh, no-op, +1 and -1 brochure, against a bare pdfplumber pass.

    .tools/bin/uv run python scripts/bench_ingest.py [--sizes 10 100 1000] [--pdf-pages 500]

For each size N it builds a corpus of N brochures by copying raw/ and the test fixtures'
corpora, each copy with bytes of its own (a PDF gets a comment after its end, a text or HTML
file a trailing line), so that no two are the same document. Then, on that machine, side by
side:

- the bare baseline: one process opening each PDF with pdfplumber and calling `extract_text`
  and `extract_tables` on every page (and reading each other file's text);
- `brochures ingest` into a new warehouse (fresh), again (no-op), again after touching every
  file (no-op, every file hashed: the summary's stat no longer answers), after adding one
  brochure (+1) and after removing one (-1), each as a subprocess: wall time, CPU time and
  peak RSS;
- DuckDB query times on the ingested warehouse: a join of limits to documents and a group-by,
  through the catalog (compacted layer) and over the per-brochure files.

With `--pdf-pages N`, also the peak RSS and time of reading and extracting one N-page PDF
(pages of raw/'s PDFs, each copied with resources of its own, so nothing is shared between
pages) in a process of its own.

Every time is printed with its ratio to the baseline of the same N, so the figures can be
compared across machines and runs, and the load average beside them (other work on the
machine slows wall time, not CPU time); nothing is asserted.
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


#: runs argv[1:], then prints its wall seconds, the CPU seconds (user + system) of its processes
#: and the peak RSS (KiB) of the largest one
_MEASURE = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(time.perf_counter() - t, u.ru_utime + u.ru_stime, u.ru_maxrss)"
)


def measure(command: list[str]) -> tuple[float, float, float]:
    """Given a command, run it in a wrapper process; return wall seconds, CPU seconds and peak RSS (MiB)."""
    env = {**os.environ, "DAGSTER_DISABLE_TELEMETRY": "1"}
    # a wrapper process of its own, so that its children's CPU and peak RSS are this command's alone
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    wall, cpu, peak_kib = done.stdout.split()[-3:]
    return float(wall), float(cpu), int(peak_kib) / 1024


def ingest(raw: Path, warehouse: Path) -> tuple[float, float, float]:
    """Given a corpus and a warehouse, run `brochures ingest`; return wall s, CPU s and peak RSS (MiB)."""
    return measure([sys.executable, "-m", "pipelines.cli", "ingest", str(raw), "--warehouse", str(warehouse)])


def touch_all(paths: list[Path]) -> None:
    """Given files, move their modification time on (bytes unchanged)."""
    for path in paths:
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


def long_pdf(target: Path, pages: int) -> Path:
    """Given a path and a page count, write a PDF of that many pages from raw/'s PDFs; return it.

    Each source's pages are imported again and again, each import with its own copy of their
    fonts and images, so that no page shares an object with another (the worst case for caches).
    """
    import pypdfium2

    sources = [pypdfium2.PdfDocument(p) for p in sorted((ROOT / "raw").glob("*.pdf"))]
    document = pypdfium2.PdfDocument.new()
    i = 0
    while len(document) < pages:
        source = sources[i % len(sources)]
        document.import_pages(source, pages=list(range(min(len(source), pages - len(document)))))
        i += 1
    document.save(target)
    return target


#: reads and extracts the PDF of argv[1] as an ingest worker does
_EXTRACT = (
    "import sys; from pathlib import Path; from extractors.extract import file_to_extraction; "
    "p = Path(sys.argv[1]); file_to_extraction(p, p.parent)"
)


def pdf_memory(pages: int, scratch: Path) -> None:
    """Given a page count and a scratch folder, print the peak RSS and times of reading one such PDF."""
    path = long_pdf(scratch / f"long-{pages}.pdf", pages)
    imports = measure([sys.executable, "-c", "import extractors.extract"])
    wall, cpu, peak = measure([sys.executable, "-c", _EXTRACT, str(path)])
    size = path.stat().st_size / 2**20
    print(f"\n## one {pages}-page PDF ({size:.0f} MiB), read and extracted in a process of its own")
    print(f"wall {wall:.1f} s, CPU {cpu:.1f} s, peak RSS {peak:.0f} MiB", end=" ")
    print(f"(imports alone: {imports[2]:.0f} MiB)")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


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
    started = time.process_time()
    base = baseline(paths)
    rows: list[tuple[str, float, float, float | None]] = [
        ("bare pdfplumber pass (1 process)", base, time.process_time() - started, None)
    ]
    for label in ("fresh ingest", "no-op re-run"):
        rows.append((label, *ingest(raw, warehouse)))
    touch_all(paths)
    rows.append(("no-op, every file touched", *ingest(raw, warehouse)))
    extra = raw / f"zz-added{paths[0].suffix}"
    distinct_copy(paths[0], extra, 10**6)
    rows.append(("+1 brochure", *ingest(raw, warehouse)))
    extra.unlink()
    rows.append(("-1 brochure", *ingest(raw, warehouse)))
    print(f"\n## {n} brochures ({len(pdfs)} PDFs)")
    print(f"{'step':<36}{'wall s':>9}{'× baseline':>12}{'CPU s':>9}{'peak RSS MiB':>14}")
    for label, wall, cpu, peak in rows:
        shown = f"{peak:>14.0f}" if peak is not None else f"{'':>14}"
        print(f"{label:<36}{wall:>9.2f}{wall / base:>12.3f}{cpu:>9.2f}{shown}")
    print(f"per brochure, fresh ingest: {rows[1][1] / n * 1000:.0f} ms")
    print(f"no-op / fresh ingest: {rows[2][1] / rows[1][1]:.1%} wall")
    for label, seconds in queries(warehouse).items():
        print(f"query {label:<40}{seconds * 1000:>9.1f} ms")
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


def main(argv: list[str] | None = None) -> int:
    """Given command-line arguments, run the benchmark for each size; return the exit code."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 100], help="none: no corpus")
    parser.add_argument("--keep", type=Path, help="build corpora and warehouses here and keep them")
    parser.add_argument("--pdf-pages", type=int, help="also measure one PDF of this many pages")
    args = parser.parse_args(argv)
    scratch = args.keep or Path(tempfile.mkdtemp(prefix="brochures-bench-"))
    try:
        scratch.mkdir(parents=True, exist_ok=True)
        if args.pdf_pages:
            pdf_memory(args.pdf_pages, scratch)
        for n in args.sizes:
            bench(n, scratch)
    finally:
        if args.keep is None:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
