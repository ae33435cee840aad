"""The DuckDB catalog: `warehouse/brochures.duckdb`, one view per table over its Parquet files,
every table and column commented from the data dictionary (the pandera models).

Plain Python (no Dagster): the ingest rebuilds it after publishing, `brochures sql` queries it.
Views name the Parquet files by absolute path, so the catalog answers from any working
directory; it is rebuilt by every ingest, so a moved warehouse is right again after one.
"""

from __future__ import annotations

import os
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandera.polars as pa
import polars as pl

from schemas.models import WAREHOUSE_MODELS

CATALOG_NAME = "brochures.duckdb"

#: DuckDB's type for each polars dtype the models use
_DUCKDB_TYPES: dict[type[pl.DataType], str] = {
    pl.String: "VARCHAR",
    pl.Int64: "BIGINT",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
    pl.Date: "DATE",
}


@dataclass(frozen=True)
class QueryResult:
    """What a query returned: its column names and rows."""

    columns: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]


def _quote(text: str) -> str:
    """Given text, return it as a SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _polars_dtype(dtype: object) -> pl.DataType:
    """Given a polars dtype or dtype class (pandera keeps either), return a dtype instance."""
    instance = dtype() if isinstance(dtype, type) else dtype
    if not isinstance(instance, pl.DataType):
        raise TypeError(f"not a polars dtype: {dtype!r}")
    return instance


def dtype_to_duckdb(dtype: pl.DataType) -> str:
    """Given a model column's polars dtype, return the DuckDB type of its view column."""
    if isinstance(dtype, pl.List):
        return dtype_to_duckdb(_polars_dtype(dtype.inner)) + "[]"
    return _DUCKDB_TYPES[type(dtype)]


def model_to_empty_select(model: type[pa.DataFrameModel]) -> str:
    """Given a table model, return a SELECT of no rows with its columns and types (no files yet)."""
    columns = model.to_schema().columns
    casts = ", ".join(
        f'CAST(NULL AS {dtype_to_duckdb(_polars_dtype(c.dtype.type))}) AS "{n}"' for n, c in columns.items()
    )
    return f"SELECT {casts} WHERE false"


def table_to_view_sql(table: str, model: type[pa.DataFrameModel], folder: Path) -> str:
    """Given a table, its model and its folder of Parquet files, return the CREATE VIEW statement."""
    files = (
        sorted(p for p in folder.glob("*.parquet") if not p.name.startswith(".")) if folder.is_dir() else []
    )
    if not files:
        return f'CREATE VIEW "{table}" AS {model_to_empty_select(model)}'
    columns = ", ".join(f'"{name}"' for name in model.to_schema().columns)
    pattern = _quote(str(folder.resolve() / "*.parquet"))
    return f'CREATE VIEW "{table}" AS SELECT {columns} FROM read_parquet({pattern}, union_by_name = true)'


def model_to_comment_sql(table: str, model: type[pa.DataFrameModel]) -> list[str]:
    """Given a table and its model, return the COMMENT statements of the view and its columns."""
    doc = " ".join((model.__doc__ or "").split())
    statements = [f'COMMENT ON VIEW "{table}" IS {_quote(doc)}'] if doc else []
    statements += [
        f'COMMENT ON COLUMN "{table}"."{name}" IS {_quote(column.description)}'
        for name, column in model.to_schema().columns.items()
        if column.description
    ]
    return statements


def build_catalog(warehouse: Path) -> Path:
    """Given a local warehouse folder, (re)build its DuckDB catalog atomically; return its path."""
    target = warehouse / CATALOG_NAME
    staging = warehouse / f".{CATALOG_NAME}.{uuid.uuid4().hex}.tmp"
    try:
        with duckdb.connect(str(staging)) as connection:
            for table, model in WAREHOUSE_MODELS.items():
                connection.execute(table_to_view_sql(table, model, warehouse / table))
                for statement in model_to_comment_sql(table, model):
                    connection.execute(statement)
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
        Path(f"{staging}.wal").unlink(missing_ok=True)
    return target


def run_query(catalog: Path, query: str) -> QueryResult:
    """Given a catalog and a SQL query, return its result (the catalog opened read-only)."""
    with duckdb.connect(str(catalog), read_only=True) as connection:
        cursor = connection.execute(query)
        columns = tuple(d[0] for d in cursor.description or ())
        return QueryResult(columns=columns, rows=tuple(cursor.fetchall()))


def display_width(text: str) -> int:
    """Given text, return the columns a terminal shows it in (CJK and full-width characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    """Given text and a display width, return it padded with spaces to that width."""
    return text + " " * (width - display_width(text))


def _shown(value: object, width: int) -> str:
    """Given a value, return it as a table cell no wider than `width` characters."""
    text = "NULL" if value is None else str(value).replace("\n", " ")
    while display_width(text) > width:
        text = text[: -2 if text.endswith("…") else -1] + "…"
    return text


def result_to_lines(result: QueryResult, max_width: int = 40) -> list[str]:
    """Given a query result, return it as a plain-text table with a row count line."""
    if not result.columns:
        return ["(no result)"]
    cells = [[_shown(v, max_width) for v in row] for row in result.rows]
    widths = [
        max([display_width(c), *(display_width(r[i]) for r in cells)]) for i, c in enumerate(result.columns)
    ]

    def line(values: Sequence[str]) -> str:
        return " | ".join(_pad(v, w) for v, w in zip(values, widths, strict=True)).rstrip()

    out = [line(result.columns), "-+-".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return out
