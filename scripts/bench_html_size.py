"""Benchmark: how reading and extracting an HTML page grows with its size (is it linear?).

    .venv/bin/python scripts/bench_html_size.py [--megabytes 0.5 5 50] [--shape rows|seed]

Generates each page in a temporary folder and prints, per size, the wall and CPU seconds of
`readers.read` and of `document_to_extraction`, and the CPU seconds per MB (flat when the
cost is linear in the size). Shapes: `rows`, the seed HTML's text followed by one table of
like rows (the hostile replay's big page); `seed`, the body of the seed HTML page repeated
(its real tables and prose, many times). Figures, not assertions: compare runs on the same
machine (CPU seconds are less disturbed by other processes than wall seconds).
"""

from __future__ import annotations

import argparse
import re
import tempfile
import time
from pathlib import Path

from extractors import readers
from extractors.extract import bytes_to_doc_id, document_to_extraction

ROOT = Path(__file__).resolve().parents[1]
SEED_HTML = ROOT / "raw" / "001-aig-personal-info-leak.html"
ROW = "<tr><td>支払限度額</td><td>1億円</td><td>免責金額</td><td>10万円</td></tr>"


def rows_page(megabytes: float) -> bytes:
    """Given a size, return the seed page's text and a table of like rows, about that many MB."""
    text = re.sub(r"<[^>]+>", " ", SEED_HTML.read_text(encoding="utf-8"))
    paragraphs = "".join(f"<p>{line.strip()}</p>" for line in text.splitlines() if line.strip())
    rows = ROW * int(megabytes * 1_000_000 // len(ROW.encode()))
    return f"<!DOCTYPE html><html><body>{paragraphs}<table>{rows}</table></body></html>".encode()


def seed_page(megabytes: float) -> bytes:
    """Given a size, return the seed page with its body repeated to about that many MB."""
    page = SEED_HTML.read_text(encoding="utf-8")
    match = re.search(r"<body[^>]*>(.*)</body>", page, re.DOTALL | re.IGNORECASE)
    body = match.group(1) if match else page
    copies = max(1, int(megabytes * 1_000_000 // len(body.encode())))
    head = '<head><meta charset="utf-8"></head>'
    return f"<!DOCTYPE html><html>{head}<body>{body * copies}</body></html>".encode()


def measure(path: Path) -> tuple[float, float, float, float, int]:
    """Given a page, return read wall/CPU seconds, extract wall/CPU seconds and its row count."""
    wall, cpu = time.perf_counter(), time.process_time()
    document = readers.read(path)
    read_wall, read_cpu = time.perf_counter() - wall, time.process_time() - cpu
    wall, cpu = time.perf_counter(), time.process_time()
    extraction = document_to_extraction(
        document, doc_id=bytes_to_doc_id(path.read_bytes()), source_file=path.name
    )
    rows = len(extraction.coverages) + len(extraction.limits) + len(extraction.premiums)
    rows += len(extraction.loss_scenarios)
    return read_wall, read_cpu, time.perf_counter() - wall, time.process_time() - cpu, rows


def main() -> None:
    """Given the command line, print the figures per size."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=float, nargs="*", default=[0.5, 5.0])
    parser.add_argument("--shape", choices=("rows", "seed"), default="rows")
    args = parser.parse_args()
    make = rows_page if args.shape == "rows" else seed_page
    print(f"{'MB':>6} {'read s':>8} {'cpu':>7} {'extract s':>10} {'cpu':>7} {'cpu s/MB':>9} {'rows':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for megabytes in args.megabytes:
            path = Path(folder, f"page-{megabytes}.html")
            path.write_bytes(make(megabytes))
            size = path.stat().st_size / 1_000_000
            rw, rc, ew, ec, rows = measure(path)
            per_mb = (rc + ec) / size
            figures = f"{size:>6.1f} {rw:>8.1f} {rc:>7.1f} {ew:>10.1f} {ec:>7.1f} {per_mb:>9.1f} {rows:>6}"
            print(figures, flush=True)


if __name__ == "__main__":
    main()
