"""The CLI's --version, --quiet and --strict, and `brochures unmapped`."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from conftest import SEEDS

from extractors.version import extractor_version
from pipelines import cli
from pipelines.catalog import build_catalog
from schemas import frames
from schemas.models import WAREHOUSE_MODELS

SEED = sorted(SEEDS.glob("*.txt"))


def test_version_names_the_extractor_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip().endswith(f"(extractor version {extractor_version()})")


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(SEED[0], folder / SEED[0].name)
    return folder


def test_quiet_prints_no_line_per_brochure(
    raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["ingest", str(raw), "--warehouse", str(tmp_path / "wh"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert not [line for line in out.splitlines() if line.startswith("[")]
    assert "1 brochures: 1 published, 0 in ingest_errors" in out


@pytest.mark.parametrize(
    ("bad_file", "expected"),
    [
        # everything published: --strict changes nothing
        (None, cli.EXIT_OK),
        # an empty file in ingest_errors: the run worked, but a cron job must hear of it
        ("empty.txt", cli.EXIT_ATTENTION),
    ],
)
def test_strict_exits_non_zero_when_a_brochure_needs_attention(
    raw: Path, tmp_path: Path, bad_file: str | None, expected: int, capsys: pytest.CaptureFixture[str]
) -> None:
    if bad_file:
        (raw / bad_file).write_bytes(b"")
    assert cli.main(["ingest", str(raw), "--warehouse", str(tmp_path / "wh"), "--strict"]) == expected
    # without --strict the same warehouse is a success
    assert cli.main(["ingest", str(raw), "--warehouse", str(tmp_path / "wh")]) == cli.EXIT_OK
    capsys.readouterr()


def _rows(table: str, rows: list[dict[str, object]]) -> pl.DataFrame:
    """Rows of a table, every other column null."""
    empty = frames.empty_frame(WAREHOUSE_MODELS[table])
    return pl.concat([empty, pl.DataFrame(rows).cast({k: empty.schema[k] for k in rows[0]})], how="diagonal")


def test_unmapped_lists_labels_without_a_coverage_id_by_frequency(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = tmp_path / "wh"
    unmapped = {"coverage_id": None, "coverage_label": "宇宙旅行費用"}
    tables = {
        "coverages": _rows(
            "coverages",
            [{**unmapped, "doc_id": "a"}, {"coverage_id": "expense.forensics", "coverage_label": "調査費用"}],
        ),
        "limits": _rows(
            "limits",
            [
                {**unmapped, "doc_id": "b"},
                {"coverage_id": None, "coverage_label": "月面基地費用", "doc_id": "b"},
            ],
        ),
    }
    for table, frame in tables.items():
        (warehouse / table).mkdir(parents=True)
        frame.write_parquet(warehouse / table / "x.parquet")
    build_catalog(warehouse)
    assert cli.main(["unmapped", "--warehouse", str(warehouse)]) == 0
    lines = capsys.readouterr().out.splitlines()
    # the mapped label is not listed; the label of two rows in two brochures comes first
    assert [c.strip() for c in lines[2].split(" | ")] == ["宇宙旅行費用", "2", "2", "coverages, limits"]
    assert lines[3].startswith("月面基地費用") and "調査費用" not in "\n".join(lines)
    assert lines[-1] == "(2 rows)"
