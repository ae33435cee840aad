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


def seeded_raw(folder: Path) -> Path:
    """Given a folder, fill it with raw/'s brochures and the bad files (ingest_errors rows); return it."""
    shutil.copytree(RAW, folder, ignore=shutil.ignore_patterns(".*"))
    for name, data in BAD_FILES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
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
