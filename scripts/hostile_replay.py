"""Hostile replay: each hostile file beside the five seeds, ingested by the CLI within budgets.

    .venv/bin/python scripts/hostile_replay.py [--seeds DIR] [--seconds S] [--memory-mib M]
                                               [--parallel N] [--only NAME ...]

For each case (issue 7's list: a name that is not UTF-8, a glyph bomb, a compressed-stream
bomb, a reference cycle, a 50 MB HTML page, a symbolic link out of raw/, empty files, a PNG
named .pdf, random bytes, wrong or missing charsets, a void <embed>, a truncated PDF, …) a
temporary raw folder holds the five seeds and the case's files; `brochures ingest` runs on it
with the given budgets; then a table row says: the exit code, the wall time, the peak RSS of
the run (the largest of its processes, workers included, from wait4), whether the five seeds
were published with no error, and the ingest_errors message of the case's file (or its
warning, or its rows, when it was published). Figures, not assertions.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
SEED_PDF = ROOT / "raw" / "002-nisshin-fire-pisapo-cyber.pdf"
#: one case: its name and a function filling a raw folder with its files (beside the seeds)
Maker = Callable[[Path, str], None]


def pdf_bytes(objects: list[bytes]) -> bytes:
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


def one_page_pdf(content: bytes, compressed: bool = True) -> bytes:
    """Given a page's content stream, return a one-page PDF with Helvetica as /F1."""
    stream = zlib.compress(content, 9) if compressed else content
    filters = b" /Filter /FlateDecode" if compressed else b""
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
            b"/Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d%s >>\nstream\n%s\nendstream" % (len(stream), filters, stream),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        ]
    )


def glyph_bomb(glyphs: int = 80_000_000) -> bytes:
    """Given a glyph count, return a small PDF whose one page shows that many glyphs."""
    line = b"(" + b"A" * 1000 + b") Tj\n"
    return one_page_pdf(b"BT /F1 1 Tf 0 0 Td\n" + line * (glyphs // 1000) + b"ET")


def zip_bomb(megabytes: int = 2048) -> bytes:
    """Given a size, return a one-page PDF whose content stream inflates to that many MiB (~2 MB on disk)."""
    squeeze = zlib.compressobj(9)
    chunk = b" " * (1 << 20)
    stream = b"".join(squeeze.compress(chunk) for _ in range(megabytes)) + squeeze.flush()
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>"
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            page,
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
        ]
    )


def seed_text() -> str:
    """Given nothing, return the first seed's text."""
    return sorted(SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")


def html_page(body: str, head: str = "") -> str:
    """Given a body and a head, return an HTML page."""
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def seed_html() -> str:
    """Given nothing, return the first seed's text as paragraphs of HTML."""
    return "".join(f"<p>{line}</p>" for line in seed_text().splitlines() if line.strip())


def write(name: str, data: bytes | Callable[[], bytes]) -> Maker:
    """Given a file name and its bytes (or a function making them), return a maker writing that file."""

    def make(raw: Path, _: str) -> None:
        path = raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data() if callable(data) else data)

    return make


def non_utf8_name(raw: Path, _: str) -> None:
    """Given a raw folder, add a seed copy whose file name is the Shift_JIS bytes 82 a0 + .txt."""
    with open(os.path.join(os.fsencode(raw), b"\x82\xa0.txt"), "wb") as f:
        f.write(seed_text().encode() + b"\nnon-utf8\n")


def symlink_out(raw: Path, _: str) -> None:
    """Given a raw folder, add a symbolic link to a system file outside it."""
    (raw / "leak.txt").symlink_to("/etc/passwd")


def fifo(raw: Path, _: str) -> None:
    """Given a raw folder, add a named pipe (a reader opening it would wait forever)."""
    os.mkfifo(raw / "pipe.txt")


def folder_named_pdf(raw: Path, _: str) -> None:
    """Given a raw folder, add a folder whose name ends in .pdf (holding nothing)."""
    (raw / "folder.pdf").mkdir()


def twin(raw: Path, _: str) -> None:
    """Given a raw folder, add a copy of a seed under a later name (same bytes)."""
    first = sorted(SEEDS.glob("*.txt"))[0]
    shutil.copy(first, raw / "zz-copy.txt")


def truncated_pdf() -> bytes:
    """Given nothing, return the seed PDF cut just before its `xref` keyword."""
    data = SEED_PDF.read_bytes()
    return data[: data.rfind(b"\nxref") + 1]


def doubled_text() -> bytes:
    """Given nothing, return the seed text with every character printed twice (fake bold)."""
    return "".join(c if c.isspace() else c * 2 for c in seed_text()).encode()


def nested_html(depth: int = 200_000) -> bytes:
    """Given a depth, return an HTML page of that many nested <div> around the seed text."""
    return html_page("<div>" * depth + seed_html() + "</div>" * depth).encode()


def big_html(megabytes: int = 50) -> bytes:
    """Given a size, return an HTML page of about that many MB of table rows."""
    row = "<tr><td>支払限度額</td><td>1億円</td><td>免責金額</td><td>10万円</td></tr>"
    rows = row * (megabytes * 1_000_000 // len(row.encode()))
    return html_page(seed_html() + f"<table>{rows}</table>").encode()


def rng_bytes(size: int) -> Callable[[], bytes]:
    """Given a size, return a function making that many random bytes (the same ones every run)."""
    return lambda: random.Random(size).randbytes(size)


def flipped_byte() -> bytes:
    """Given nothing, return the seed text with one byte flipped in the middle."""
    data = bytearray(seed_text().encode())
    data[len(data) // 2] ^= 0xFF
    return bytes(data)


CASES: dict[str, Maker] = {
    "non-UTF-8 file name": non_utf8_name,
    "glyph bomb (80 M glyphs)": write("bomb-glyphs.pdf", glyph_bomb),
    "zip bomb (2 GiB stream)": write("bomb-zip.pdf", zip_bomb),
    "reference cycle": write(
        "cycle.pdf", pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"])
    ),
    "50 MB HTML": write("big.html", big_html),
    "200k nested <div>": write("nested.html", nested_html),
    "symlink out of raw/": symlink_out,
    "named pipe": fifo,
    "folder named .pdf": folder_named_pdf,
    "empty .txt": write("empty.txt", b""),
    "empty .pdf": write("empty.pdf", b""),
    "empty .html": write("empty.html", b""),
    "BOM only": write("bom.txt", b"\xef\xbb\xbf"),
    "PNG as .pdf": write("scan.pdf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)),
    "random bytes .pdf": write("random.pdf", rng_bytes(65536)),
    "random bytes .txt": write("random.txt", rng_bytes(4096)),
    "random bytes .html": write("random.html", rng_bytes(4097)),
    "PDF header, garbage body": write("garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 64),
    "PDF with no pages": write(
        "nopages.pdf",
        pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
    ),
    "truncated PDF (cut before xref)": write("truncated.pdf", truncated_pdf),
    "half a PDF": write("half.pdf", lambda: SEED_PDF.read_bytes()[: SEED_PDF.stat().st_size // 2]),
    "EUC-JP declared iso-8859-1": write(
        "eucjp.html",
        lambda: html_page(seed_html(), '<meta charset="iso-8859-1">').encode("euc_jp", "replace"),
    ),
    "Shift_JIS undeclared": write("sjis.txt", lambda: seed_text().encode("cp932", "replace")),
    "ISO-2022-JP": write("jis.txt", lambda: seed_text().encode("iso2022_jp", "replace")),
    "UTF-16LE without BOM": write("utf16.txt", lambda: seed_text().encode("utf-16-le")),
    "one flipped byte": write("flipped.txt", flipped_byte),
    "NUL bytes in text": write("nul.txt", lambda: seed_text().replace("\n", "\x00\n", 5).encode()),
    "void <embed> in HTML": write(
        "embed.html", lambda: html_page('<embed src="movie.swf">' + seed_html()).encode()
    ),
    "doubled glyphs": write("doubled.txt", doubled_text),
    "mojibake (UTF-8 read as cp932)": write(
        "mojibake.txt", lambda: seed_text().encode().decode("cp932", "replace").encode()
    ),
    "10 MB on one line": write("oneline.txt", lambda: ("支払限度額 1億円 " * 500_000).encode()),
    "same bytes under two names": twin,
    ".docx": write("terms.docx", b"PK\x03\x04" + bytes(64)),
    ".xlsx": write("rates.xlsx", b"PK\x03\x04" + bytes(64)),
    ".doc": write("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64)),
    "name with control character": write("line\nbreak.txt", lambda: seed_text().encode() + b"\ncontrol\n"),
    "name with '...' and ','": write("a...b,c.txt", lambda: seed_text().encode() + b"\ndots\n"),
    "very long name": write("長" * 80 + ".txt", lambda: seed_text().encode() + b"\nlong\n"),
    "deep folders": write("/".join("d" * 20 for _ in range(12)) + "/deep.txt", lambda: b"x" * 10),
}


@dataclass(frozen=True)
class Outcome:
    """What one case's run gave."""

    case: str
    exit_code: int
    seconds: float
    peak_rss_mib: float
    seeds_published: int
    message: str


def _case_message(warehouse: Path, seeds: set[str]) -> str:
    """Given the warehouse of a case's run and the seeds' names, return what became of the case's files."""
    errors = _read(warehouse, "ingest_errors")
    mine = errors.filter(~pl.col("source_file").is_in(list(seeds))) if errors.height else errors
    if mine.height:
        return " | ".join(f"{r['source_file']}: {r['error']}" for r in mine.head(2).iter_rows(named=True))
    documents = _read(warehouse, "documents")
    published = documents.filter(~pl.col("source_file").is_in(list(seeds))) if documents.height else documents
    if not published.height:
        return "(nothing published, no error row)"
    row = published.row(0, named=True)
    warnings = "; ".join(row["warnings"] or [])
    return f"published {row['source_file']}" + (f"; warning: {warnings}" if warnings else "")


def _read(warehouse: Path, table: str) -> pl.DataFrame:
    """Given a warehouse and a table, return its rows (empty if it has none)."""
    files = sorted((warehouse / table).glob("*.parquet"))
    return pl.concat([pl.read_parquet(f) for f in files], how="vertical_relaxed") if files else pl.DataFrame()


def run_case(case: str, maker: Maker, seeds: Path, seconds: float, memory_mib: int) -> Outcome:
    """Given a case, the seeds' folder and the budgets, ingest them with the case's files; return it."""
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        raw, warehouse = Path(folder, "raw"), Path(folder, "warehouse")
        raw.mkdir()
        names = set()
        for seed in sorted(p for p in seeds.iterdir() if p.is_file() and not p.name.startswith(".")):
            shutil.copy(seed, raw / seed.name)
            names.add(seed.name)
        maker(raw, case)
        command = [sys.executable, "-m", "pipelines.cli", "ingest", str(raw), "--warehouse", str(warehouse)]
        command += ["--seconds-per-brochure", str(seconds), "--memory-per-brochure-mib", str(memory_mib)]
        env = {**os.environ, "DAGSTER_DISABLE_TELEMETRY": "1", "DAGSTER_HOME": folder}
        started = time.perf_counter()
        run = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=False
        )
        assert run.stderr is not None
        stderr = run.stderr.read()
        _, status, usage = os.wait4(run.pid, 0)
        run.returncode = os.waitstatus_to_exitcode(status)
        elapsed = time.perf_counter() - started
        documents, errors = _read(warehouse, "documents"), _read(warehouse, "ingest_errors")
        published = set(documents["source_file"]) if documents.height else set()
        failed = set(errors["source_file"]) if errors.height else set()
        message = _case_message(warehouse, names) if warehouse.is_dir() else ""
        if run.returncode not in (0,):
            message = (stderr.decode("utf-8", "replace").strip().splitlines() or [""])[-1] + " " + message
        return Outcome(
            case=case,
            exit_code=run.returncode,
            seconds=elapsed,
            peak_rss_mib=usage.ru_maxrss / 1024,
            seeds_published=len((names & published) - failed),
            message=message.replace("\n", " "),
        )


def main(argv: list[str] | None = None) -> int:
    """Given command-line arguments, run every case and print the table; return 0."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--seeds", type=Path, default=SEEDS, help="folder of the five seeds (default: seed texts)"
    )
    parser.add_argument("--seconds", type=float, default=30.0, help="time budget per brochure (s)")
    parser.add_argument("--memory-mib", type=int, default=1024, help="memory budget per brochure (MiB)")
    parser.add_argument("--parallel", type=int, default=2, help="cases run at once")
    parser.add_argument("--only", nargs="*", help="names of the cases to run (default: all)")
    parser.add_argument("--width", type=int, default=110, help="width of the message column")
    args = parser.parse_args(argv)
    cases = {k: v for k, v in CASES.items() if not args.only or k in args.only}
    seeds_total = sum(1 for p in args.seeds.iterdir() if p.is_file() and not p.name.startswith("."))
    print(f"{len(cases)} cases beside {seeds_total} seeds; budget {args.seconds:g} s, {args.memory_mib} MiB")
    print(f"{'case':<34}{'exit':>5}{'wall s':>8}{'RSS MiB':>9}{'seeds':>7}  ingest_errors message / outcome")
    with concurrent.futures.ThreadPoolExecutor(args.parallel) as pool:
        futures = [
            pool.submit(run_case, k, v, args.seeds, args.seconds, args.memory_mib) for k, v in cases.items()
        ]
        for future in futures:
            o = future.result()
            seeds = f"{o.seeds_published}/{seeds_total}"
            print(
                f"{o.case:<34}{o.exit_code:>5}{o.seconds:>8.1f}{o.peak_rss_mib:>9.0f}{seeds:>7}  "
                f"{o.message[: args.width]}",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
