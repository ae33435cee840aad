"""The same bytes under two names are one document: published once, under the first name."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from conftest import SEEDS

from extractors.records import Extraction, IngestErrorRecord
from pipelines import cli
from pipelines.brochures import brochure_to_result, same_bytes

SEED = sorted(SEEDS.glob("*.txt"))[0]


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    (folder / "copies").mkdir(parents=True)
    for name in ("b.txt", "a.txt", "copies/a.txt"):
        (folder / name).write_bytes(SEED.read_bytes())
    # the same size, other bytes: not a copy
    other = bytearray(SEED.read_bytes())
    other[-1] ^= 0x01
    (folder / "c.txt").write_bytes(bytes(other))
    return folder


@pytest.mark.parametrize(
    ("name", "twins"),
    [
        # every other name of the bytes, by key; the one-byte-off file of the same size is none
        ("b.txt", ["a.txt", "copies/a.txt"]),
        ("a.txt", ["b.txt", "copies/a.txt"]),
        ("c.txt", []),
    ],
)
def test_same_bytes(raw: Path, name: str, twins: list[str]) -> None:
    assert same_bytes(raw, name) == twins


def test_first_name_publishes_and_the_others_point_to_it(raw: Path) -> None:
    first = brochure_to_result(raw, "a.txt")
    assert isinstance(first, Extraction)
    assert any("also under b.txt, copies/a.txt" in w for w in first.document.warnings)
    for name in ("b.txt", "copies/a.txt"):
        copy = brochure_to_result(raw, name)
        assert isinstance(copy, IngestErrorRecord)
        assert copy.doc_id == first.document.doc_id
        assert copy.error.startswith("the same bytes as a.txt")


def test_joins_on_doc_id_repeat_no_row(raw: Path, tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse"
    assert cli.main(["ingest", str(raw), "--warehouse", str(warehouse)]) == 0
    documents = pl.read_parquet(warehouse / "documents" / "*.parquet")
    assert sorted(documents.get_column("source_file")) == ["a.txt", "c.txt"]
    assert documents.get_column("doc_id").is_unique().all()
    errors = pl.read_parquet(warehouse / "ingest_errors" / "*.parquet")
    assert sorted(errors.get_column("source_file")) == ["b.txt", "copies/a.txt"]
    # the README's join: each row once, with its document
    rows = f"read_parquet('{warehouse}/loss_scenarios/**/*.parquet')"
    documents_table = f"read_parquet('{warehouse}/documents/**/*.parquet')"
    joined = duckdb.sql(f"select count(*) from {rows} join {documents_table} using (doc_id)").fetchall()
    assert joined == duckdb.sql(f"select count(*) from {rows}").fetchall() == [(20,)]
