"""Only regular files under raw/ are read: links out of it, `..` keys and names that are not UTF-8."""

import os
from pathlib import Path

import polars as pl
import pytest
from conftest import SEEDS

from extractors.records import IngestErrorRecord
from pipelines import cli
from pipelines.brochures import (
    brochure_to_result,
    confinement_problem,
    list_brochures,
    partition_key_to_file_name,
    partition_key_to_source_file,
    source_file_to_partition_key,
)

SEED = sorted(SEEDS.glob("*.txt"))[0]


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "good.txt").write_bytes(SEED.read_bytes())
    outside = tmp_path / "secret.txt"
    outside.write_bytes(SEED.read_bytes())
    (folder / "link-out.txt").symlink_to(outside)
    (folder / "link-in.txt").symlink_to(folder / "good.txt")
    return folder


@pytest.mark.parametrize(
    ("source_file", "problem"),
    [
        # a key that climbs out of the folder
        ("../secret.txt", "leaves the raw folder"),
        ("sub/../../secret.txt", "leaves the raw folder"),
        # a link whose target is outside
        ("link-out.txt", "symbolic link to"),
        # a link to a brochure inside is just another name for it
        ("link-in.txt", None),
        ("good.txt", None),
    ],
)
def test_confinement_problem(raw: Path, source_file: str, problem: str | None) -> None:
    found = confinement_problem(raw, source_file)
    assert (found is None) if problem is None else (found is not None and problem in found)


def test_a_name_that_is_not_utf8_gets_a_key_and_an_error_row(raw: Path) -> None:
    name = os.fsdecode(b"\x82\xa0.txt")  # Shift_JIS あ: not UTF-8
    (raw / name).write_bytes(SEED.read_bytes())
    key = source_file_to_partition_key(name)
    # the key is plain text that Dagster and file systems accept, and stands for the file again
    assert key == "%82%A0.txt" and key in list_brochures(raw)
    assert partition_key_to_file_name(key) == name
    assert partition_key_to_source_file(key) == "\\x82\\xa0.txt"
    error = brochure_to_result(raw, key)
    assert isinstance(error, IngestErrorRecord)
    assert error.error.startswith("the file name is not valid UTF-8")
    assert error.source_file == "\\x82\\xa0.txt"


def test_ingest_refuses_files_from_outside_and_publishes_the_rest(raw: Path, tmp_path: Path) -> None:
    (raw / os.fsdecode(b"\x82\xa0.txt")).write_bytes(SEED.read_bytes())
    warehouse = tmp_path / "warehouse"
    assert cli.main(["ingest", str(raw), "--warehouse", str(warehouse)]) == 0
    documents = pl.read_parquet(warehouse / "documents" / "*.parquet")
    errors = pl.read_parquet(warehouse / "ingest_errors" / "*.parquet")
    # a link inside raw/ is read, and is then the same bytes as its target: one document, one error row
    assert sorted(documents.get_column("source_file")) == ["good.txt"]
    assert sorted(errors.get_column("source_file")) == ["\\x82\\xa0.txt", "link-in.txt", "link-out.txt"]
    pages = pl.read_parquet(warehouse / "pages" / "*.parquet")
    assert "link-out.txt" not in pages.get_column("doc_id").to_list()
