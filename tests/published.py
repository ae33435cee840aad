"""Helpers of the tests that run the pipeline on other engines (an object store, a Dask cluster)."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import polars as pl
from conftest import BAD_FILES

from pipelines.storage import Warehouse

#: the repository's raw folder: the seed brochures as PDF and HTML
RAW = Path(__file__).resolve().parents[1] / "raw"


#: the bad files each raw folder here holds: one unreadable, one in a subfolder (a `/` in its key)
BAD = ("empty.txt", "broken/corrupt.pdf")


def seeded_raw(folder: Path, brochures: int | None = None) -> Path:
    """Given a folder (and how many of raw/'s brochures), fill it with them and BAD; return it."""
    folder.mkdir(parents=True)
    for path in sorted(p for p in RAW.iterdir() if not p.name.startswith("."))[:brochures]:
        shutil.copy(path, folder / path.name)
    for name in BAD:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(BAD_FILES[name])
    return folder


def published(warehouse: Warehouse, tables: Iterable[str]) -> dict[str, dict[str, pl.DataFrame]]:
    """Given a warehouse and tables, return {table: {partition file stem: rows}} as published."""
    return {table: warehouse.partition_frames(table) for table in tables}


def assert_same_rows(
    got: dict[str, dict[str, pl.DataFrame]], expected: dict[str, dict[str, pl.DataFrame]]
) -> None:
    """Given two warehouses' published rows, assert the same files hold the same rows, columns and order."""
    assert got.keys() == expected.keys()
    for table, files in expected.items():
        assert sorted(got[table]) == sorted(files), table
        for stem, rows in files.items():
            assert got[table][stem].columns == rows.columns, (table, stem)
            assert got[table][stem].equals(rows), (table, stem)
    assert any(f.height for files in expected.values() for f in files.values())  # not all empty
