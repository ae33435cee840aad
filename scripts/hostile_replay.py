"""Hostile replay: each hostile file beside the five seeds, ingested by the CLI within budgets.

    .venv/bin/python scripts/hostile_replay.py [--seeds DIR] [--seconds S] [--memory-mib M]
                                               [--jobs N] [--quick] [--only NAME ...]

About 85 cases from issue 7's list (names that are not UTF-8, glyph and compressed-stream
bombs, reference cycles, a 50 MB HTML page, links out of raw/, a `../../x` partition key,
empty files, files of another kind under a brochure's extension, random bytes, wrong or
missing charsets, ISO-2022-JP, UTF-16 without BOM, flipped bytes, void elements, mutated HTML,
twins, figures out of range, office files, dot-files, truncated PDFs, a scanned page, …). For
each, a temporary raw folder holds the five seeds (default: raw/) and the case's files;
`brochures ingest` runs on it with the given budgets (a `..` key goes through the ingest job
itself, the CLI cannot name one). A table row then says: the exit code, the wall time, the
peak RSS of the process tree (the run and its workers, summed, sampled every 50 ms), how many
of the five seeds were published with no error, and what became of the case's files: their
ingest_errors message, or their warnings and rows when published. The totals count crashes
(an exit code other than 0, or a traceback), hangs (no end within --hang-after seconds), cases
whose file has no actionable row, and the largest peak RSS. Figures, not assertions; --quick
runs the dozen cases that once crashed or hung a run, or leaked files from outside raw/.
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
import psutil

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "raw"
TEXT_SEEDS = ROOT / "tests" / "fixtures" / "seeds"
SEED_PDF = ROOT / "raw" / "002-nisshin-fire-pisapo-cyber.pdf"
SEED_HTML = ROOT / "raw" / "001-aig-personal-info-leak.html"
#: one case's files: a function filling a raw folder with them (beside the seeds)
Maker = Callable[[Path], None]
#: what a case's run is: `brochures ingest`, or the ingest job over the seeds' keys and one more
RUN_KEY = "../../x"


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
    return sorted(TEXT_SEEDS.glob("*.txt"))[0].read_text(encoding="utf-8")


def html_page(body: str, head: str = "") -> str:
    """Given a body and a head, return an HTML page."""
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def seed_html() -> str:
    """Given nothing, return the first seed's text as paragraphs of HTML."""
    return "".join(f"<p>{line}</p>" for line in seed_text().splitlines() if line.strip())


def write(name: str, data: bytes | Callable[[], bytes]) -> Maker:
    """Given a file name and its bytes (or a function making them), return a maker writing that file."""

    def make(raw: Path) -> None:
        path = raw / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data() if callable(data) else data)

    return make


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


def text_with(line: str) -> Callable[[], bytes]:
    """Given a line, return a function making the first seed's text with that line after its title."""

    def make() -> bytes:
        head, _, rest = seed_text().partition("\n")
        return f"{head}\n{line}\n{rest}".encode()

    return make


def copy_of(source: Path, name: str, suffix: bytes = b"") -> Maker:
    """Given a file, a name and bytes to append, return a maker writing the file's bytes (and them) there."""
    return write(name, lambda: source.read_bytes() + suffix)


def non_utf8_name(name: bytes, source: Path | None = None) -> Maker:
    """Given a file name's bytes (not UTF-8) and a file to copy, return a maker writing it under that name."""

    def make(raw: Path) -> None:
        path = os.path.join(os.fsencode(raw), name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = source.read_bytes() if source else seed_text().encode()
        with open(path, "wb") as f:
            f.write(data + b"\n%% non-utf8\n")

    return make


def symlink(name: str, target: str | Callable[[Path], str]) -> Maker:
    """Given a link's name and its target (or a function of the raw folder giving it), return its maker."""

    def make(raw: Path) -> None:
        (raw / name).symlink_to(target(raw) if callable(target) else target)

    return make


def outside_file(raw: Path) -> str:
    """Given a raw folder, write a brochure beside it (outside), and return a relative link's target to it."""
    (raw.parent / "outside.txt").write_bytes(seed_text().encode() + b"\noutside\n")
    return "../outside.txt"


def symlink_loop(raw: Path) -> None:
    """Given a raw folder, add two links pointing at each other."""
    (raw / "loop-a.txt").symlink_to(raw / "loop-b.txt")
    (raw / "loop-b.txt").symlink_to(raw / "loop-a.txt")


def fifo(raw: Path) -> None:
    """Given a raw folder, add a named pipe (a reader opening it would wait forever)."""
    os.mkfifo(raw / "pipe.txt")


def folder_named_pdf(raw: Path) -> None:
    """Given a raw folder, add a folder whose name ends in .pdf (holding nothing)."""
    (raw / "folder.pdf").mkdir()


def key_target(raw: Path) -> None:
    """Given a raw folder, write a brochure where the partition key RUN_KEY would lead (outside it)."""
    (raw / RUN_KEY).resolve().write_bytes(seed_text().encode() + b"\noutside\n")


def twin_in_folders(raw: Path) -> None:
    """Given a raw folder, add the seed PDF's bytes under two names in two sub-folders."""
    for folder in ("a", "b"):
        (raw / folder).mkdir()
        shutil.copy(SEED_PDF, raw / folder / "same.pdf")


def seed_twin(raw: Path) -> None:
    """Given a raw folder holding the seeds, add a copy of its first seed under a later name."""
    first = sorted(p for p in raw.iterdir() if p.is_file())[0]
    shutil.copy(first, raw / f"zz-copy{first.suffix}")


def many_pages(pages: int = 1000) -> bytes:
    """Given a page count, return a PDF of that many pages, each showing one short line."""
    kids = b" ".join(b"%d 0 R" % (4 + i) for i in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R "
    page += b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>"
    content = b"BT /F1 12 Tf 72 720 Td (Page) Tj ET"
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, pages),
            b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
            *([page] * pages),
        ]
    )


def split_zip_bomb(parts: int = 4, megabytes: int = 512) -> bytes:
    """Given a count and a size, return a one-page PDF whose content is that many streams of that many MiB."""
    squeeze = zlib.compressobj(9)
    stream = b"".join(squeeze.compress(b" " * (1 << 20)) for _ in range(megabytes)) + squeeze.flush()
    contents = b" ".join(b"%d 0 R" % (4 + i) for i in range(parts))
    body = b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream)
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents [%s] >>" % contents,
            *([body] * parts),
        ]
    )


def resources_cycle() -> bytes:
    """Given nothing, return a one-page PDF whose page resources are two references to each other."""
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources 5 0 R >>",
            b"<< /Length 26 >>\nstream\nBT /F1 12 Tf (x) Tj ET\nendstream",
            b"6 0 R",
            b"5 0 R",
        ]
    )


def length_cycle() -> bytes:
    """Given nothing, return a one-page PDF whose content stream's /Length refers to itself."""
    return pdf_bytes(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            b"<< /Length 4 0 R >>\nstream\nBT ET\nendstream",
        ]
    )


def encrypted_pdf() -> bytes:
    """Given nothing, return the seed PDF with a trailer naming an /Encrypt dictionary it cannot satisfy."""
    data = SEED_PDF.read_bytes()
    marker = data.rfind(b"trailer")
    if marker < 0:  # a cross-reference stream: name the dictionary before its end
        marker = data.rfind(b"/Root")
        return (
            data[:marker]
            + b"/Encrypt << /Filter /Standard /V 5 /R 6 /O <00> /U <00> /P -4 >> "
            + data[marker:]
        )
    return data.replace(b"trailer\n<<", b"trailer\n<< /Encrypt << /Filter /Standard /V 5 /R 6 /P -4 >>", 1)


def wrong_startxref() -> bytes:
    """Given nothing, return the seed PDF whose startxref points into the middle of a stream."""
    data = SEED_PDF.read_bytes()
    at = data.rfind(b"startxref")
    return data[:at] + b"startxref\n%d\n%%%%EOF\n" % (len(data) // 3)


def flipped(source: Callable[[], bytes]) -> Callable[[], bytes]:
    """Given a function making bytes, return one making them with one byte flipped in the middle."""

    def make() -> bytes:
        data = bytearray(source())
        data[len(data) // 2] ^= 0xFF
        return bytes(data)

    return make


def mutated_html(seed: int) -> Callable[[], bytes]:
    """Given a random seed, return a function making the seed HTML page with 30 random byte edits."""

    def make() -> bytes:
        rng = random.Random(seed)
        data = bytearray(SEED_HTML.read_bytes())
        for _ in range(30):
            at = rng.randrange(len(data))
            match rng.randrange(4):
                case 0:
                    del data[at : at + rng.randint(1, 40)]
                case 1:
                    data[at:at] = rng.randbytes(rng.randint(1, 8))
                case 2:
                    data[at:at] = data[at : at + rng.randint(1, 200)]
                case _:
                    data[at] = rng.choice(b"<>\"'&=/")
        return bytes(data)

    return make


def scanned_seed_page() -> bytes:
    """Given nothing, return the seed PDF's first page rendered at 200 dpi as an image-only PDF."""
    from PIL import Image

    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            ["pdftoppm", "-r", "200", "-f", "1", "-l", "1", "-png", str(SEED_PDF), f"{folder}/page"],
            check=True,
        )
        image = Image.open(next(Path(folder).glob("page*.png"))).convert("RGB")
        image.save(f"{folder}/scan.pdf", resolution=200.0)
        return Path(folder, "scan.pdf").read_bytes()


def both_bombs(raw: Path) -> None:
    """Given a raw folder, add the compressed-stream bomb and the 80 M-glyph PDF (read at once)."""
    write("bomb-zip.pdf", zip_bomb)(raw)
    write("bomb-glyphs.pdf", glyph_bomb)(raw)


def html_with(body: str, head: str = "") -> Callable[[], bytes]:
    """Given markup before the seed's paragraphs (and a head), return a function making that page in UTF-8."""
    return lambda: html_page(body + seed_html(), head).encode()


@dataclass(frozen=True)
class Case:
    """One hostile case: its files, what a good run makes of them, and whether --quick runs it.

    `expect` is "error" (an ingest_errors row), "rows" (published, with rows or a warning),
    "either", "quiet" (nothing to say), or "skipped" (no row: the run's closing summary names the
    files as skipped, hidden files being no brochures); `key` is a partition key the run reads
    besides the seeds' (the CLI cannot name one), or None for a plain `brochures ingest`.
    """

    name: str
    make: Maker
    expect: str = "error"
    quick: bool = False
    key: str | None = None


_TEXT = text_with
_SJIS_HTML = lambda: html_page(seed_html(), '<meta charset="utf-8">').encode("cp932", "replace")  # noqa: E731
CASES: list[Case] = [
    # once crashed or hung a run
    Case("non-UTF-8 file name (82 a0.txt)", non_utf8_name(b"\x82\xa0.txt"), quick=True),
    Case("non-UTF-8 name of a PDF", non_utf8_name(b"\xff\xfe.pdf", SEED_PDF)),
    Case("non-UTF-8 folder name", non_utf8_name(b"\x82\xa0/seed.txt")),
    Case("Latin-1 file name (caf\\xe9.html)", non_utf8_name(b"caf\xe9.html", SEED_HTML)),
    Case("glyph bomb (80 M glyphs)", write("bomb-glyphs.pdf", glyph_bomb), quick=True),
    Case("glyph bomb (8 M glyphs)", write("bomb-glyphs-8m.pdf", lambda: glyph_bomb(8_000_000))),
    Case("zip bomb (2 GiB stream)", write("bomb-zip.pdf", zip_bomb), quick=True),
    Case("zip bomb and glyph bomb together", both_bombs),
    Case("zip bomb (4 x 512 MiB streams)", write("bomb-zip-4.pdf", split_zip_bomb)),
    Case(
        "reference cycle (Kids 3 -> 2)",
        write("cycle.pdf", pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"3 0 R", b"2 0 R"])),
        quick=True,
    ),
    Case(
        "Pages whose Kids hold itself",
        write(
            "kids.pdf",
            pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]),
        ),
    ),
    Case("resources reference cycle", write("resources.pdf", resources_cycle)),
    Case("/Length refers to itself", write("length.pdf", length_cycle)),
    Case("50 MB HTML", write("big.html", big_html), expect="either", quick=True),
    Case("5 MB HTML", write("big5.html", lambda: big_html(5)), expect="either"),
    Case(
        "50 MB text",
        write("big.txt", lambda: ("支払限度額 1億円 免責金額 10万円\n" * 1_100_000).encode()),
        expect="either",
    ),
    Case("200k nested <div>", write("nested.html", nested_html), expect="either"),
    Case(
        "10 MB on one line",
        write("oneline.txt", lambda: ("支払限度額 1億円 " * 500_000).encode()),
        expect="either",
    ),
    Case("1,000-page PDF", write("pages.pdf", many_pages), expect="either"),
    # confinement to raw/
    Case("symlink out of raw/ (/etc/passwd)", symlink("leak.txt", "/etc/passwd"), quick=True),
    Case("symlink to a folder outside", symlink("etc", "/etc"), expect="quiet"),
    Case("relative symlink ../outside.txt", symlink("rel.txt", outside_file)),
    Case("dangling symlink", symlink("dangling.pdf", "/nonexistent/brochure.pdf")),
    Case("symlink loop", symlink_loop),
    Case(
        "symlink to a seed inside raw/",
        symlink("alias.pdf", lambda raw: str(raw / SEED_PDF.name)),
        expect="either",
    ),
    Case("partition key ../../x", key_target, key=RUN_KEY, quick=True),
    Case("partition key sub/../../x", key_target, key="sub/" + RUN_KEY),
    Case("named pipe", fifo),
    Case("folder named .pdf", folder_named_pdf, expect="quiet"),
    # empty, or another kind of file under a brochure's extension
    Case("empty .txt", write("empty.txt", b"")),
    Case("empty .pdf", write("empty.pdf", b"")),
    Case("empty .html", write("empty.html", b"")),
    Case(
        "whitespace-only .txt", write("blank.txt", b" \n\t\n\u3000\n".replace(b"\\u3000", "\u3000".encode()))
    ),
    Case("BOM only", write("bom.txt", b"\xef\xbb\xbf")),
    Case("PNG as .pdf", write("scan.pdf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)), quick=True),
    Case("JPEG as .pdf", write("photo.pdf", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(64))),
    Case("HTML as .pdf", copy_of(SEED_HTML, "page.pdf")),
    Case("PDF as .txt", copy_of(SEED_PDF, "brochure.txt")),
    Case("PDF as .html", copy_of(SEED_PDF, "brochure.html")),
    Case("random bytes .pdf", write("random.pdf", rng_bytes(65536))),
    Case("random bytes .txt", write("random.txt", rng_bytes(4096))),
    Case("random bytes .html", write("random.html", rng_bytes(4097))),
    Case("random bytes .md", write("random.md", rng_bytes(4098))),
    Case("PDF header, garbage body", write("garbage.pdf", b"%PDF-1.7\n" + bytes(range(256)) * 64)),
    Case(
        "PDF with no pages",
        write(
            "nopages.pdf",
            pdf_bytes([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
        ),
    ),
    Case("truncated PDF (cut before xref)", write("truncated.pdf", truncated_pdf), expect="rows"),
    Case(
        "half a PDF",
        write("half.pdf", lambda: SEED_PDF.read_bytes()[: SEED_PDF.stat().st_size // 2]),
        expect="either",
    ),
    Case(
        "PDF cut at 90 %",
        write("cut90.pdf", lambda: SEED_PDF.read_bytes()[: SEED_PDF.stat().st_size * 9 // 10]),
        expect="either",
    ),
    Case("PDF without %%EOF", write("noeof.pdf", lambda: SEED_PDF.read_bytes().rstrip()[:-5]), expect="rows"),
    Case("PDF with a wrong startxref", write("startxref.pdf", wrong_startxref), expect="either"),
    Case("encrypted PDF (unknown key)", write("encrypted.pdf", encrypted_pdf), expect="either"),
    Case("scanned seed page (image-only PDF)", write("scanned.pdf", scanned_seed_page), expect="rows"),
    # charsets
    Case(
        "EUC-JP declared iso-8859-1",
        write(
            "eucjp.html",
            lambda: html_page(seed_html(), '<meta charset="iso-8859-1">').encode("euc_jp", "replace"),
        ),
        expect="rows",
    ),
    Case(
        "EUC-JP undeclared .txt",
        write("eucjp.txt", lambda: seed_text().encode("euc_jp", "replace")),
        expect="rows",
    ),
    Case(
        "Shift_JIS undeclared .txt",
        write("sjis.txt", lambda: seed_text().encode("cp932", "replace")),
        expect="rows",
    ),
    Case("Shift_JIS HTML declared utf-8", write("sjis.html", _SJIS_HTML), expect="rows"),
    Case(
        "UTF-8 HTML declared Shift_JIS",
        write("utf8.html", html_with("", '<meta charset="shift_jis">')),
        expect="rows",
    ),
    Case(
        "ISO-2022-JP .txt",
        write("jis.txt", lambda: seed_text().encode("iso2022_jp", "replace")),
        expect="rows",
    ),
    Case(
        "ISO-2022-JP HTML (declared)",
        write(
            "jis.html",
            lambda: html_page(seed_html(), '<meta charset="iso-2022-jp">').encode("iso2022_jp", "replace"),
        ),
        expect="rows",
    ),
    Case(
        "UTF-16LE without BOM", write("utf16le.txt", lambda: seed_text().encode("utf-16-le")), expect="rows"
    ),
    Case(
        "UTF-16BE without BOM", write("utf16be.txt", lambda: seed_text().encode("utf-16-be")), expect="rows"
    ),
    Case("UTF-16 with BOM", write("utf16bom.txt", lambda: seed_text().encode("utf-16")), expect="rows"),
    Case("UTF-32 with BOM", write("utf32.txt", lambda: seed_text().encode("utf-32")), expect="either"),
    Case(
        "one flipped byte in text", write("flipped.txt", flipped(lambda: seed_text().encode())), expect="rows"
    ),
    Case("one flipped byte in HTML", write("flipped.html", flipped(SEED_HTML.read_bytes)), expect="rows"),
    Case("one flipped byte in a PDF", write("flipped.pdf", flipped(SEED_PDF.read_bytes)), expect="either"),
    Case(
        "NUL bytes in text",
        write("nul.txt", lambda: seed_text().replace("\n", "\x00\n", 5).encode()),
        expect="rows",
    ),
    Case(
        "mojibake (UTF-8 read as cp932)",
        write("mojibake.txt", lambda: seed_text().encode().decode("cp932", "replace").encode()),
        expect="either",  # valid UTF-8 of mojibake: published with the mojibake warning (issue 7), or refused
    ),
    Case("doubled glyphs", write("doubled.txt", doubled_text), expect="rows"),
    # HTML structure
    Case("void <embed> in HTML", write("embed.html", html_with('<embed src="movie.swf">')), expect="rows"),
    Case(
        "void <EMBED>, <source>, <track>",
        write("embed2.html", html_with("<EMBED SRC=a.swf><source src=b><track src=c>")),
        expect="rows",
    ),
    Case(
        "unclosed <script>",
        write("script.html", html_with("<p>x</p><script>var a = '<p>';")),
        expect="either",
    ),
    Case(
        "unclosed comment",
        write("comment.html", lambda: html_page(seed_html() + "<!-- the rest").encode()),
        expect="rows",
    ),
    *(
        Case(f"mutated HTML #{i}", write(f"mutated-{i}.html", mutated_html(i)), expect="either")
        for i in range(1, 9)
    ),
    # figures out of the parser's range
    Case("1京円", write("kei.txt", _TEXT("■サイバー攻撃対応費用 支払限度額 1京円")), expect="rows"),
    Case("150 %", write("pct.txt", _TEXT("■費用損害 縮小支払割合 150%")), expect="rows"),
    Case(
        "beyond-Int64 amount",
        write("int64.txt", _TEXT("■賠償責任 支払限度額 99999999999999999999999円")),
        expect="rows",
    ),
    # files that are no brochure, and names
    Case(".docx", write("terms.docx", b"PK\x03\x04" + bytes(64))),
    Case(".xlsx", write("rates.xlsx", b"PK\x03\x04" + bytes(64))),
    Case(".doc", write("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(64))),
    Case(".pptx", write("deck.pptx", b"PK\x03\x04" + bytes(64))),
    Case("dot-file .hidden.txt", write(".hidden.txt", text_with("hidden")), expect="skipped"),
    Case("AppleDouble ._seed.pdf", write("._seed.pdf", b"\x00\x05\x16\x07" + bytes(80)), expect="skipped"),
    Case("same bytes under two names", seed_twin, expect="either"),
    Case("same PDF in two folders", twin_in_folders, expect="either"),
    Case("name with control character", write("line\nbreak.txt", text_with("control")), expect="rows"),
    Case("name with '...' and ','", write("a...b,c.txt", text_with("dots")), expect="rows"),
    Case("very long name", write("長" * 80 + ".txt", text_with("long")), expect="rows"),
    Case(
        "deep folders",
        write("/".join("d" * 20 for _ in range(12)) + "/deep.txt", text_with("deep")),
        expect="rows",
    ),
]


#: an error message that names no cause a user can act on
NOT_ACTIONABLE = ("a bug", "Traceback", "report it")


@dataclass(frozen=True)
class Outcome:
    """What one case's run gave, and what is wrong with it ("" when nothing)."""

    case: str
    exit_code: int
    seconds: float
    peak_rss_mib: float
    seeds_published: int
    message: str
    problem: str


@dataclass(frozen=True)
class Found:
    """What became of a case's files: their error rows, and their documents' warnings and row counts."""

    errors: list[str]
    published: list[str]
    rows: int
    warned: bool


def _read(warehouse: Path, table: str) -> pl.DataFrame:
    """Given a warehouse and a table, return its rows (empty if it has none)."""
    files = sorted((warehouse / table).glob("*.parquet"))
    return pl.concat([pl.read_parquet(f) for f in files], how="vertical_relaxed") if files else pl.DataFrame()


def _found(warehouse: Path, seeds: set[str]) -> Found:
    """Given the warehouse of a case's run and the seeds' names, return what became of the case's files."""
    errors = _read(warehouse, "ingest_errors")
    mine = errors.filter(~pl.col("source_file").is_in(list(seeds))) if errors.height else errors
    documents = _read(warehouse, "documents")
    docs = documents.filter(~pl.col("source_file").is_in(list(seeds))) if documents.height else documents
    ids = list(docs["doc_id"]) if docs.height else []
    counts = {t: _read(warehouse, t) for t in ("coverages", "limits", "quarantine")}
    published = []
    for row in docs.iter_rows(named=True) if docs.height else []:
        n = {
            t: (f.filter(pl.col("doc_id") == row["doc_id"]).height if f.height else 0)
            for t, f in counts.items()
        }
        warnings = "; ".join(row["warnings"] or [])
        rows = f"coverages {n['coverages']}, limits {n['limits']}, quarantine {n['quarantine']}"
        published.append(
            f"published {row['source_file']} ({rows})" + (f"; warning: {warnings}" if warnings else "")
        )
    rows = sum(f.filter(pl.col("doc_id").is_in(ids)).height if f.height else 0 for f in counts.values())
    return Found(
        errors=[f"{r['source_file']}: {r['error']}" for r in mine.iter_rows(named=True)]
        if mine.height
        else [],
        published=published,
        rows=rows,
        warned=any(row["warnings"] for row in docs.iter_rows(named=True)) if docs.height else False,
    )


def _problem(case: Case, found: Found, stdout: str = "") -> str:
    """Given a case, what became of its files and the run's output, return what is wrong ("" when nothing)."""
    if case.expect == "skipped":
        said = [line for line in stdout.splitlines() if line.startswith("skipped ") and "hidden" in line]
        return "" if said and not found.errors and not found.published else "skipped with no notice"
    if found.errors and any(word in e for e in found.errors for word in NOT_ACTIONABLE):
        return "error row not actionable"
    if case.expect == "error" and found.published:
        return "published (expected an error row)"
    if case.expect == "rows" and not found.published:
        return "rejected (expected rows)" if found.errors else "no row"
    if case.expect != "error" and found.published and not found.rows and not found.warned:
        return "published with 0 rows and no warning"
    if not found.errors and not found.published and case.expect != "quiet":
        return "no row"
    return ""


def _tree_rss(process: psutil.Process) -> int:
    """Given a process, return the resident memory of it and all its descendants (bytes)."""
    total = 0
    try:
        tree = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0
    for p in tree:
        try:
            total += p.memory_info().rss
        except psutil.Error:
            continue
    return total


def _command(case: Case, raw: Path, warehouse: Path, seconds: float, memory_mib: int) -> list[str]:
    """Given a case, its raw folder, its warehouse and the budgets, return the command that ingests them."""
    budgets = ["--seconds-per-brochure", str(seconds), "--memory-per-brochure-mib", str(memory_mib)]
    if case.key is not None:
        return [sys.executable, __file__, "--run-key", case.key, str(raw), str(warehouse), *budgets]
    return [
        sys.executable,
        "-m",
        "pipelines.cli",
        "ingest",
        str(raw),
        "--warehouse",
        str(warehouse),
        *budgets,
    ]


def _run(
    command: list[str], env: dict[str, str], log: Path, hang_after: float
) -> tuple[int, float, float, bool]:
    """Given a command, its environment, a log (stdout goes beside it, .out) and the hang limit, run
    it; return (exit, s, MiB, hung)."""
    started = time.perf_counter()
    with log.open("wb") as stderr, log.with_suffix(".out").open("wb") as stdout:
        run = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=stdout, stderr=stderr, start_new_session=True
        )
    watched, peak, hung = psutil.Process(run.pid), 0, False
    while True:
        pid, status, usage = os.wait4(run.pid, os.WNOHANG)
        if pid:
            break
        peak = max(peak, _tree_rss(watched))
        if time.perf_counter() - started > hang_after and not hung:
            hung = True
            os.killpg(run.pid, 9)
        time.sleep(0.05)
    run.returncode = os.waitstatus_to_exitcode(status)
    peak = max(peak, usage.ru_maxrss * 1024)
    return run.returncode, time.perf_counter() - started, peak / 2**20, hung


def run_case(case: Case, seeds: Path, seconds: float, memory_mib: int, hang_after: float) -> Outcome:
    """Given a case, the seeds' folder, the budgets and the hang limit, ingest the seeds and its files."""
    with tempfile.TemporaryDirectory(prefix="hostile-") as folder:
        raw, warehouse = Path(folder, "in", "raw"), Path(folder, "warehouse")
        raw.mkdir(parents=True)
        names = set()
        for seed in sorted(p for p in seeds.iterdir() if p.is_file() and not p.name.startswith(".")):
            shutil.copy(seed, raw / seed.name)
            names.add(seed.name)
        case.make(raw)
        env = {**os.environ, "DAGSTER_DISABLE_TELEMETRY": "1", "DAGSTER_HOME": folder}
        log = Path(folder, "stderr.log")
        code, elapsed, peak, hung = _run(
            _command(case, raw, warehouse, seconds, memory_mib), env, log, hang_after
        )
        stderr = log.read_bytes().decode("utf-8", "replace")
        stdout = log.with_suffix(".out").read_bytes().decode("utf-8", "replace")
        documents, errors = _read(warehouse, "documents"), _read(warehouse, "ingest_errors")
        published = set(documents["source_file"]) if documents.height else set()
        failed = set(errors["source_file"]) if errors.height else set()
        found = _found(warehouse, names) if warehouse.is_dir() else Found([], [], 0, False)
        message = " | ".join([*found.errors, *found.published]) or "(no row for the case's files)"
        problem = "hang" if hung else ""
        if not problem and (code != 0 or "Traceback" in stderr):
            problem = "crash"
            message = (stderr.strip().splitlines() or [""])[-1] + " " + message
        seeds_ok = len((names & published) - failed)
        problem = problem or (
            f"seeds {seeds_ok}/{len(names)}" if seeds_ok < len(names) else _problem(case, found, stdout)
        )
        return Outcome(case.name, code, elapsed, peak, seeds_ok, message.replace("\n", " "), problem)


def run_key(argv: list[str]) -> int:
    """Given a key, RAW_DIR, the warehouse and budgets, run the ingest job over the seeds and the key."""
    from pipelines.brochures import list_brochures
    from pipelines.cli import _run_jobs
    from pipelines.storage import Warehouse, location_to_upath
    from pipelines.workers import Budget

    parser = argparse.ArgumentParser()
    parser.add_argument("key")
    parser.add_argument("raw", type=Path)
    parser.add_argument("warehouse")
    parser.add_argument("--seconds-per-brochure", type=float, default=120.0)
    parser.add_argument("--memory-per-brochure-mib", type=int, default=2048)
    args = parser.parse_args(argv)
    keys = [*list_brochures(args.raw.resolve()), args.key]
    warehouse = Warehouse(location_to_upath(args.warehouse, root=Path.cwd()))
    budget = Budget(args.seconds_per_brochure, args.memory_per_brochure_mib)
    outcome = _run_jobs(
        args.raw,
        warehouse,
        (keys, keys),
        [],
        verbose=False,
        out=sys.stdout,
        err=sys.stderr,
        budget=budget,
        dagster_home=None,
        progress=sys.stdout,
    )
    return outcome if isinstance(outcome, int) else 0


def _print(outcome: Outcome, seeds_total: int, width: int) -> None:
    """Given a case's outcome, the seed count and the message column's width, print its table row."""
    o = outcome
    print(
        f"{o.case[:37]:<38}{o.exit_code:>5}{o.seconds:>8.1f}{o.peak_rss_mib:>9.0f}"
        f"{f'{o.seeds_published}/{seeds_total}':>7}  {o.problem or 'ok':<26}{o.message[:width]}",
        flush=True,
    )


def _totals(outcomes: list[Outcome]) -> list[str]:
    """Given every case's outcome, return the totals' lines."""
    count = lambda *words: sum(1 for o in outcomes if o.problem.startswith(words))  # noqa: E731
    worst = max(outcomes, key=lambda o: o.peak_rss_mib)
    return [
        f"cases {len(outcomes)}: ok {sum(1 for o in outcomes if not o.problem)}",
        f"crashes {count('crash')}, hangs {count('hang')}, seeds not all published {count('seeds')}",
        f"no actionable row {count('no row', 'error row not actionable', 'published', 'rejected')}",
        f"peak RSS max {worst.peak_rss_mib:.0f} MiB ({worst.case}); wall max "
        f"{max(o.seconds for o in outcomes):.0f} s; total {sum(o.seconds for o in outcomes):.0f} s",
        *(f"  {o.case}: {o.problem}" for o in outcomes if o.problem),
    ]


def main(argv: list[str] | None = None) -> int:
    """Given command-line arguments, run the cases and print the table and the totals; return 0."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--run-key"]:
        return run_key(argv[1:])
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seeds", type=Path, default=SEEDS, help="folder of the five seeds (default: raw/)")
    parser.add_argument("--seconds", type=float, default=120.0, help="time budget per brochure (s)")
    parser.add_argument("--memory-mib", type=int, default=2048, help="memory budget per brochure (MiB)")
    parser.add_argument("--hang-after", type=float, default=900.0, help="a run this long (s) is a hang")
    parser.add_argument("--jobs", type=int, default=2, help="cases run at once")
    parser.add_argument(
        "--quick", action="store_true", help="only the cases that once crashed, hung or leaked"
    )
    parser.add_argument("--only", nargs="*", help="names (or parts of names) of the cases to run")
    parser.add_argument("--width", type=int, default=120, help="width of the message column")
    args = parser.parse_args(argv)
    cases = [
        c
        for c in CASES
        if (c.quick or not args.quick) and (not args.only or any(w in c.name for w in args.only))
    ]
    seeds_total = sum(1 for p in args.seeds.iterdir() if p.is_file() and not p.name.startswith("."))
    print(f"{len(cases)} cases beside {seeds_total} seeds; budget {args.seconds:g} s, {args.memory_mib} MiB")
    print(f"{'case':<38}{'exit':>5}{'wall s':>8}{'RSS MiB':>9}{'seeds':>7}  {'problem':<26}outcome")
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        futures = [
            pool.submit(run_case, c, args.seeds, args.seconds, args.memory_mib, args.hang_after)
            for c in cases
        ]
        outcomes = []
        for future in futures:
            outcomes.append(future.result())
            _print(outcomes[-1], seeds_total, args.width)
    print("\n".join(_totals(outcomes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
