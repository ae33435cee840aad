"""OCR and fake-bold figures: a scanned seed brochure read through OCR, and issue-842's CJK recall.

    .venv/bin/python scripts/ocr_measure.py [--dpi 200]

1. The seed PDF raw/002 is rendered (pdftoppm) to an image-only PDF under its gold name and
   ingested by the CLI: the character accuracy of its `pages` text against the seed text
   (1 - edit distance / length, whitespace left out) and score.py's F1 against its gold file.
2. pdfplumber's issue-842-example.pdf (fake bold printed four times): the share of pdfminer's
   CJK characters (each distinct line once) that the PDF reader's text keeps, in order.
"""

from __future__ import annotations

import argparse
import difflib
import os
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
SEED_PDF = ROOT / "raw" / "002-nisshin-fire-pisapo-cyber.pdf"
STEM = "002_4486041973b1e53c"
SEED_TEXT = ROOT / "tests" / "fixtures" / "seeds" / f"{STEM}.txt"
GOLD = Path("/work/shared/gold")
SCORE = Path("/work/shared/tools/score.py")
ISSUE_842 = ROOT / "tests" / "fixtures" / "pdfs" / "real" / "issue-842-example.pdf"


def edit_distance(a: str, b: str) -> int:
    """Given two strings, return their Levenshtein distance."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def bare(text: str) -> str:
    """Given text, return it NFKC-normalised without whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def scanned(folder: Path, dpi: int) -> Path:
    """Given a folder and a resolution, write the seed PDF's pages as an image-only PDF; return it."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(SEED_PDF), str(folder / "page")], check=True)
    images = [Image.open(p).convert("RGB") for p in sorted(folder.glob("page*.png"))]
    raw = folder / "raw"
    raw.mkdir()
    images[0].save(raw / f"{STEM}.pdf", save_all=True, append_images=images[1:], resolution=float(dpi))
    return raw


def ocr_figures(dpi: int) -> None:
    """Given a resolution, ingest the scanned seed and print its character accuracy and F1."""
    with tempfile.TemporaryDirectory(prefix="ocr-measure-") as base:
        folder = Path(base)
        raw, warehouse = scanned(folder, dpi), folder / "warehouse"
        env = {**os.environ, "DAGSTER_DISABLE_TELEMETRY": "1", "DAGSTER_HOME": base}
        command = [sys.executable, "-m", "pipelines.cli", "ingest", str(raw), "--warehouse", str(warehouse)]
        subprocess.run(command, cwd=ROOT, env=env, check=False, stdout=subprocess.DEVNULL)
        pages = pl.read_parquet(warehouse / "pages" / "*.parquet").sort("page")
        text, reference = bare("".join(pages["text"])), bare(SEED_TEXT.read_text(encoding="utf-8"))
        accuracy = 1 - edit_distance(text, reference) / len(reference)
        documents = pl.read_parquet(warehouse / "documents" / "*.parquet")
        print(f"scanned seed ({dpi} dpi, {pages.height} pages): character accuracy {accuracy:.3f}")
        print(f"  warnings: {'; '.join(documents['warnings'].to_list()[0] or [])[:200]}")
        gold = folder / "gold"
        gold.mkdir()
        shutil.copy(GOLD / f"{STEM}.yaml", gold)
        score = [sys.executable, str(SCORE), "--warehouse", str(warehouse), "--gold", str(gold)]
        print(subprocess.run(score, capture_output=True, text=True, check=False).stdout)


def cjk(text: str) -> str:
    """Given text, return its CJK ideographs and kana only."""
    return "".join(c for c in text if unicodedata.name(c, "").startswith(("CJK", "HIRAGANA", "KATAKANA")))


def recall_842() -> None:
    """Given nothing, print the PDF reader's CJK recall on issue-842-example.pdf against pdfminer's text."""
    from pdfminer.high_level import extract_text

    from extractors.readers.pdf import read

    lines = [line.strip() for line in extract_text(ISSUE_842).splitlines() if cjk(line)]
    reference = cjk("".join(dict.fromkeys(lines)))
    document = read(ISSUE_842)
    mine = cjk("".join(line.text for page in document.pages for line in page.lines))
    matcher = difflib.SequenceMatcher(None, reference, mine, autojunk=False)
    kept = sum(block.size for block in matcher.get_matching_blocks())
    distinct = len(set(reference) & set(mine)) / len(set(reference))
    print(
        f"issue-842: CJK recall in order {kept / len(reference):.3f} (pdfminer repeats fragments), "
        f"precision {kept / max(1, len(mine)):.3f}; distinct characters recalled {distinct:.3f}"
    )
    print(f"  warnings: {document.warnings}")


def main(argv: list[str] | None = None) -> int:
    """Given command-line arguments, print the OCR and issue-842 figures; return 0."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--dpi", type=int, default=200, help="resolution the seed is scanned at")
    args = parser.parse_args(argv)
    recall_842()
    ocr_figures(args.dpi)
    return 0


if __name__ == "__main__":
    sys.exit(main())
