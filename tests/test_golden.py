"""Golden files: what each fixture brochure publishes, in every form it exists in.

The goldens are readable CSV under tests/golden/<form>/<brochure>/<table>.csv. They change
only on purpose: `uv run pytest tests/test_golden.py --update-golden` rewrites them, and the
diff is reviewed like code.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pytest

from extractors.extract import file_to_extraction
from extractors.records import Extraction

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"
RAW = ROOT / "raw"

TABLES = ("documents", "coverages", "limits", "premiums", "loss_scenarios")

# (form, raw folder, file): every seed as verbatim text, and as published (PDF or HTML)
CASES = [("text", SEEDS, p) for p in sorted(SEEDS.glob("*.txt"))] + [
    ("published", RAW, p) for p in sorted(RAW.iterdir()) if p.suffix in {".pdf", ".html"}
]


def extraction_to_csvs(extraction: Extraction) -> dict[str, str]:
    """Given an Extraction, return one CSV text per table, columns in record order."""
    tables: dict[str, list[object]] = {
        "documents": [extraction.document],
        "coverages": list(extraction.coverages),
        "limits": list(extraction.limits),
        "premiums": list(extraction.premiums),
        "loss_scenarios": list(extraction.loss_scenarios),
    }
    out: dict[str, str] = {}
    for name, records in tables.items():
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        if records:
            writer.writerow([f.name for f in dataclasses.fields(records[0])])  # type: ignore[arg-type]
            for record in records:
                writer.writerow(
                    ["" if v is None else v for v in dataclasses.astuple(record)]  # type: ignore[call-overload]
                )
        out[name] = buf.getvalue()
    return out


def test_every_seed_has_a_published_form() -> None:
    # the five seeds are published as three PDFs and two HTML pages
    published = sorted(p.name.split("-")[0] for form, _, p in CASES if form == "published")
    texts = sorted(p.name.split("_")[0] for form, _, p in CASES if form == "text")
    assert published == texts and len(texts) == 5


@pytest.mark.parametrize(("form", "raw_dir", "path"), CASES, ids=lambda v: getattr(v, "name", v))
def test_golden(form: str, raw_dir: Path, path: Path, request: pytest.FixtureRequest) -> None:
    got = extraction_to_csvs(file_to_extraction(path, raw_dir))
    folder = GOLDEN / form / path.stem
    if request.config.getoption("--update-golden"):
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in got.items():
            (folder / f"{name}.csv").write_text(text, encoding="utf-8")
    missing = [name for name in TABLES if not (folder / f"{name}.csv").exists()]
    assert not missing, f"no golden for {missing} in {folder}; run pytest --update-golden and review the diff"
    for name in TABLES:
        want = (folder / f"{name}.csv").read_text(encoding="utf-8")
        assert got[name] == want, f"{path.name}: {name} differs from {folder / name}.csv"
