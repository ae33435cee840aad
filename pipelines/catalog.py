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

from pipelines.storage import COMPACTED
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
class MartView:
    """A comparison view over the tables: its SQL, what it holds, and what each column means."""

    name: str
    sql: str
    comment: str
    #: the meaning of the columns the view computes; the others keep their table's (`sources`, in order)
    columns: tuple[tuple[str, str], ...]
    sources: tuple[str, ...]


#: the comparison views analysts start from; built over the table views, so always current
MART_VIEWS = (
    MartView(
        "premium_quotes",
        """
        SELECT p.doc_id, d.insurer_id, d.product_name, p.industry_label, p.jsic_code,
               i.name AS industry_name, p.annual_revenue_jpy, p.premium_jpy, p.premium_period,
               p.installments,
               CASE p.premium_period WHEN 'annual' THEN p.premium_jpy
                                     WHEN 'monthly' THEN p.premium_jpy * 12 END AS annual_premium_jpy,
               p.liability_limit_jpy, p.expense_limit_jpy, p.deductible_jpy, p.effective_from,
               p.page, p.evidence
        FROM premiums p JOIN documents d USING (doc_id) LEFT JOIN industries i USING (jsic_code)
        """,
        "One row per quoted premium with its insurer and a yearly figure to compare across periods.",
        (
            (
                "annual_premium_jpy",
                "the premium for a year, yen: annual as quoted, monthly × 12; "
                "null for a lump sum (a policy period other than a year), which compares with nothing",
            ),
            ("industry_name", "the JSIC division's name (industries.name); null when the label maps to none"),
        ),
        ("premiums", "documents"),
    ),
    MartView(
        "coverage_matrix",
        """
        WITH offered AS (
            SELECT doc_id, coverage_id, bool_and(is_optional) AS optional, min(rider) AS rider
            FROM coverages GROUP BY ALL
        ), figures AS (
            SELECT doc_id, coverage_id,
                   max(amount_jpy) FILTER (WHERE limit_type = 'limit') AS headline_limit_jpy,
                   min(amount_jpy) FILTER (WHERE limit_type = 'deductible') AS deductible_jpy
            FROM limits WHERE coverage_id IS NOT NULL AND rider IS NULL GROUP BY ALL
        )
        SELECT d.doc_id, d.insurer_id, d.product_name, t.coverage_id, t.section_id, t.is_section,
               o.doc_id IS NOT NULL AS offered, o.optional, o.rider,
               f.headline_limit_jpy, f.deductible_jpy
        FROM documents d CROSS JOIN coverage_taxonomy t
        LEFT JOIN offered o ON o.doc_id = d.doc_id AND o.coverage_id = t.coverage_id
        LEFT JOIN figures f ON f.doc_id = d.doc_id AND f.coverage_id = t.coverage_id
        """,
        "One row per brochure × taxonomy id: whether the brochure offers it, and its base-policy figures.",
        (
            ("offered", "true when the brochure lists the coverage (a coverages row with this id)"),
            ("optional", "true when it comes only with a rider or option; null when not offered"),
            ("rider", "the rider that adds it (the first by name when several); null for the base policy"),
            (
                "headline_limit_jpy",
                "the largest limit printed for it under the base policy, yen; null if none",
            ),
            (
                "deductible_jpy",
                "the smallest deductible printed for it under the base policy, yen; null if none",
            ),
        ),
        ("coverage_taxonomy", "documents"),
    ),
)


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
    """Given a table, its model and its folder of Parquet files, return the CREATE VIEW statement.

    A partitioned table is read from its compacted file when there is one: one file, not one per
    brochure (pipelines.storage.Warehouse.compact).
    """
    compacted = folder.parent / COMPACTED / f"{table}.parquet"
    if compacted.is_file():
        columns = ", ".join(f'"{name}"' for name in model.to_schema().columns)
        return (
            f'CREATE VIEW "{table}" AS SELECT {columns} FROM read_parquet({_quote(str(compacted.resolve()))})'
        )
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


def mart_to_sql(view: MartView, columns: Sequence[str]) -> list[str]:
    """Given a comparison view and its columns, return its COMMENT statements (view and every column)."""
    own = dict(view.columns)
    described = [WAREHOUSE_MODELS[t].to_schema().columns for t in view.sources]
    statements = [f'COMMENT ON VIEW "{view.name}" IS {_quote(view.comment)}']
    for column in columns:
        text = own.get(column) or next((m[column].description for m in described if column in m), None)
        if text:
            statements.append(f'COMMENT ON COLUMN "{view.name}"."{column}" IS {_quote(text)}')
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
            for view in MART_VIEWS:
                connection.execute(f'CREATE VIEW "{view.name}" AS {view.sql}')
                columns = [row[0] for row in connection.execute(f'DESCRIBE "{view.name}"').fetchall()]
                for statement in mart_to_sql(view, columns):
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
