"""The raw folder's odd entries (hidden, unsupported) and an unwritable warehouse, in the CLI."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl
import pytest
from conftest import SEEDS

from pipelines import cli
from pipelines.brochures import list_brochures, list_hidden
from pipelines.storage import location_to_upath

SEED = sorted(SEEDS.glob("*.txt"))[0]


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    (folder / ".git" / "objects").mkdir(parents=True)
    (folder / ".git" / "objects" / "a.txt").write_bytes(b"x")
    (folder / "sub").mkdir()
    (folder / "sub" / ".flyer.txt.swp").write_bytes(b"vim")
    (folder / ".DS_Store").write_bytes(b"\x00")
    (folder / "flyer.txt").write_bytes(SEED.read_bytes())
    (folder / "terms.xlsx").write_bytes(b"PK\x03\x04")
    (folder / "README").write_bytes(b"no extension")
    return folder


def test_hidden_entries_are_listed_once_and_never_read(raw: Path) -> None:
    # a hidden folder counts once, however many files it holds
    assert list_hidden(raw) == [".DS_Store", ".git", "sub/.flyer.txt.swp"]
    assert list(list_brochures(raw)) == ["README", "flyer.txt", "terms.xlsx"]


def test_unsupported_files_get_error_rows_and_hidden_ones_a_notice(raw: Path, tmp_path: Path) -> None:
    warehouse, out = tmp_path / "warehouse", io.StringIO()
    assert cli.ingest(raw, str(warehouse), verbose=False, out=out, err=io.StringIO()) == cli.EXIT_OK
    errors = pl.read_parquet(warehouse / "ingest_errors" / "*.parquet").sort("source_file")
    assert errors.get_column("source_file").to_list() == ["README", "terms.xlsx"]
    assert all("unsupported file type" in e and "convert-to pdf" in e for e in errors.get_column("error"))
    # in the closing summary, after the brochures' count, with the names
    closing = out.getvalue().split("brochures: ")[-1]
    assert "skipped 3 hidden file(s) or folder(s)" in closing
    assert all(name in closing for name in (".DS_Store", ".git", "sub/.flyer.txt.swp"))


def test_unwritable_warehouse_exits_2_before_reading(
    raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # root writes into a read-only folder anyway, so the refusal is the file system's answer, simulated
    def refuse(self: object, data: bytes) -> int:
        raise PermissionError(30, "Read-only file system")

    monkeypatch.setattr(type(location_to_upath(str(tmp_path))), "write_bytes", refuse)
    out, err = io.StringIO(), io.StringIO()
    assert cli.ingest(raw, str(tmp_path / "warehouse"), verbose=False, out=out, err=err) == cli.EXIT_USAGE
    assert "cannot write to the warehouse" in err.getvalue() and "Read-only" in err.getvalue()
    assert "flyer.txt" not in out.getvalue()  # no brochure was read


def test_warehouse_under_a_file_exits_2(raw: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"")
    err = io.StringIO()
    assert cli.ingest(raw, str(tmp_path / "file" / "wh"), verbose=False, out=io.StringIO(), err=err) == 2
    assert "cannot write to the warehouse" in err.getvalue()
