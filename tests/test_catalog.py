"""The DuckDB catalog: one commented view per table over the Parquet, and `brochures sql`."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from conftest import make_raw_dir

from pipelines import cli
from pipelines.catalog import (
    CATALOG_NAME,
    MART_VIEWS,
    QueryResult,
    build_catalog,
    display_width,
    dtype_to_duckdb,
    result_to_lines,
    run_query,
)
from pipelines.storage import Warehouse
from schemas.models import TABLE_MODELS, WAREHOUSE_MODELS


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse ingested from the seeds and the bad files, by the CLI."""
    root = tmp_path_factory.mktemp("catalog")
    raw = make_raw_dir(root)
    warehouse = root / "warehouse"
    assert cli.main(["ingest", str(raw), "--warehouse", str(warehouse)]) == 0
    return warehouse


@pytest.mark.parametrize(
    ("dtype", "expected"),
    [
        (pl.String(), "VARCHAR"),  # text columns
        (pl.Int64(), "BIGINT"),  # yen amounts
        (pl.Float64(), "DOUBLE"),  # ratios
        (pl.List(pl.String()), "VARCHAR[]"),  # lists keep their inner type
    ],
)
def test_dtype_to_duckdb(dtype: pl.DataType, expected: str) -> None:
    assert dtype_to_duckdb(dtype) == expected


@pytest.mark.parametrize(
    ("text", "width"),
    [
        ("abc", 3),  # ASCII: one column each
        ("限度額", 6),  # CJK: two columns each
        ("１億円", 6),  # full-width digits are wide too
    ],
)
def test_display_width(text: str, width: int) -> None:
    assert display_width(text) == width


def test_result_to_lines_aligns_cjk_and_counts_rows() -> None:
    result = QueryResult(columns=("name", "n"), rows=(("限度額", 1), ("ab", None)))
    lines = result_to_lines(result)
    assert lines[-1] == "(2 rows)"
    # the separator sits at the same display column in every row
    bars = {display_width(line.split("|")[0]) for line in (lines[0], lines[2], lines[3])}
    assert len(bars) == 1
    assert "NULL" in lines[3]


def test_the_ingest_builds_a_catalog_whose_views_match_the_parquet(ingested: Path) -> None:
    catalog = ingested / CATALOG_NAME
    assert catalog.exists()
    stored = Warehouse.at(str(ingested))
    for table in WAREHOUSE_MODELS:
        (count,) = run_query(catalog, f'select count(*) from "{table}"').rows[0]
        assert count == stored.read_table(table).height, table


def test_every_view_and_column_carries_the_dictionarys_comment(ingested: Path) -> None:
    with duckdb.connect(str(ingested / CATALOG_NAME), read_only=True) as connection:
        columns = connection.execute(
            "select table_name, column_name, comment from duckdb_columns() where database_name = 'brochures'"
        ).fetchall()
        views = dict(
            connection.execute(
                "select view_name, comment from duckdb_views() where database_name = 'brochures'"
            ).fetchall()
        )
    expected = {(t, n) for t, m in WAREHOUSE_MODELS.items() for n in m.to_schema().columns}
    assert {(t, n) for t, n, _ in columns if t in WAREHOUSE_MODELS} == expected
    # the comparison views' columns too: their own meaning, or their source table's
    assert [(t, n) for t, n, comment in columns if not comment] == []
    assert set(views) == set(WAREHOUSE_MODELS) | {v.name for v in MART_VIEWS} and all(views.values())


def test_an_empty_warehouse_gets_typed_empty_views(tmp_path: Path) -> None:
    catalog = build_catalog(tmp_path)
    result = run_query(catalog, "select * from limits")
    assert result.rows == ()
    assert result.columns == tuple(TABLE_MODELS["limits"].to_schema().columns)


def test_brochures_sql_prints_a_table(ingested: Path, capsys: pytest.CaptureFixture[str]) -> None:
    query = "select count(distinct doc_id) as brochures from documents"
    assert cli.main(["sql", query, "--warehouse", str(ingested)]) == 0
    out = capsys.readouterr().out.splitlines()
    n = Warehouse.at(str(ingested)).read_table("documents").get_column("doc_id").n_unique()
    assert out[0].strip() == "brochures"
    assert out[2].strip() == str(n)
    assert out[-1] == "(1 row)"


def test_brochures_sql_reports_a_bad_query_with_exit_2(
    ingested: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["sql", "select nope from limits", "--warehouse", str(ingested)]) == 2
    assert "the query failed" in capsys.readouterr().err


def test_brochures_sql_without_a_warehouse_says_to_ingest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["sql", "select 1", "--warehouse", str(tmp_path / "none")]) == 2
    assert "brochures ingest" in capsys.readouterr().err


def test_premium_quotes_annualise_monthly_and_keep_lump_sums_apart(ingested: Path) -> None:
    catalog = ingested / CATALOG_NAME
    rows = run_query(
        catalog, "select premium_period, premium_jpy, installments, annual_premium_jpy from premium_quotes"
    ).rows
    assert rows, "the seeds quote premiums"
    for period, premium, _, annual in rows:
        expected = {"annual": premium, "monthly": premium * 12}.get(period)
        assert annual == expected, (period, premium, annual)
    (count,) = run_query(catalog, "select count(*) from premiums").rows[0]
    assert len(rows) == count  # no quote lost or doubled by the joins


def test_coverage_matrix_has_a_row_per_brochure_and_taxonomy_id(ingested: Path) -> None:
    catalog = ingested / CATALOG_NAME
    ((rows, offered),) = run_query(
        catalog, "select count(*), count(*) filter (where offered) from coverage_matrix"
    ).rows
    ((documents, ids, listed),) = run_query(
        catalog,
        "select (select count(*) from documents), (select count(*) from coverage_taxonomy),"
        " (select count(*) from (select distinct doc_id, coverage_id from coverages))",
    ).rows
    assert rows == documents * ids
    assert offered == listed > 0
    # a headline limit is the largest base-policy limit of its coverage
    ((mismatches,),) = run_query(
        catalog,
        """select count(*) from coverage_matrix m where headline_limit_jpy is distinct from (
             select max(amount_jpy) from limits l where l.doc_id = m.doc_id and l.coverage_id = m.coverage_id
             and l.limit_type = 'limit' and l.rider is null)""",
    ).rows
    assert mismatches == 0
