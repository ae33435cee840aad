"""The reference tables: insurers, coverage taxonomy and industries from the extractors' YAML."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dagster as dg
import pytest

from extractors import reference
from extractors.reference import (
    CoverageTaxonomyRow,
    IndustryRow,
    InsurerRow,
    industries_data_to_rows,
    insurers_data_to_rows,
    taxonomy_data_to_rows,
)
from extractors.taxonomy import coverage_ids
from pipelines import publish
from pipelines.assets import reference_tables
from pipelines.io_managers import ParquetIOManager
from pipelines.storage import Warehouse
from schemas import frames
from schemas.models import REFERENCE_MODELS


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # sorted by id; aliases kept as listed
        (
            {
                "insurers": [
                    {"id": "b_co", "name": "B株式会社", "aliases": ["B"]},
                    {"id": "a_co", "name": "A"},
                ]
            },
            (InsurerRow("a_co", "A", ()), InsurerRow("b_co", "B株式会社", ("B",))),
        ),
        # an insurer with an empty alias list
        ({"insurers": [{"id": "c", "name": "C", "aliases": None}]}, (InsurerRow("c", "C", ()),)),
    ],
)
def test_insurers_data_to_rows(data: dict[str, Any], expected: tuple[InsurerRow, ...]) -> None:
    assert insurers_data_to_rows(data) == expected


def test_taxonomy_data_to_rows_lists_sections_first_and_term_texts() -> None:
    data = {
        "sections": {"s": {"meaning": "all of s", "terms": ["S補償"]}},
        "coverages": {
            "s.x": {"section": "s", "meaning": "x", "terms": ["X費用", {"term": "Y", "weak": True}]}
        },
    }
    assert taxonomy_data_to_rows(data) == (
        CoverageTaxonomyRow("s", "s", True, "all of s", ("S補償",)),
        # a term with options is listed by its text
        CoverageTaxonomyRow("s.x", "s", False, "x", ("X費用", "Y")),
    )


def test_industries_data_to_rows_by_code() -> None:
    data = {"industries": {"E": {"name": "製造業", "labels": ["製造"]}, "D": {"name": "建設業"}}}
    assert industries_data_to_rows(data) == (
        IndustryRow("D", "建設業", ()),
        IndustryRow("E", "製造業", ("製造",)),
    )


def test_the_shipped_yaml_passes_every_reference_model() -> None:
    for table, frame in publish.reference_to_frames().items():
        assert frame.height > 0, table
        assert frames.validation_failures(frame, REFERENCE_MODELS[table]).height == 0, table
    taxonomy = publish.reference_to_frames()["coverage_taxonomy"]
    # the table lists exactly the ids the extractors publish coverages under
    assert set(taxonomy.get_column("coverage_id")) == set(coverage_ids())


@pytest.mark.parametrize(
    ("rows", "table"),
    [
        # two insurers under one id
        ((InsurerRow("a", "A", ()), InsurerRow("a", "A2", ())), "insurers"),
        # an item filed under a section its id does not start with
        ((CoverageTaxonomyRow("s.x", "t", False, "x", ()),), "coverage_taxonomy"),
        # a JSIC code outside A–T
        ((IndustryRow("Z", "架空業", ()),), "industries"),
    ],
)
def test_a_bad_reference_row_fails_its_model(rows: tuple[Any, ...], table: str) -> None:
    frame = frames.records_to_frame(rows, REFERENCE_MODELS[table])
    assert frames.validation_failures(frame, REFERENCE_MODELS[table]).height > 0


def _materialize(warehouse: Path) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        [reference_tables],
        resources={"warehouse_io_manager": ParquetIOManager(base_path=str(warehouse))},
        raise_on_error=False,
    )


def test_the_asset_publishes_each_reference_table_once(tmp_path: Path) -> None:
    result = _materialize(tmp_path / "warehouse")
    assert result.success
    warehouse = Warehouse.at(str(tmp_path / "warehouse"))
    for table, frame in publish.reference_to_frames().items():
        assert warehouse.read_table(table).equals(frame), table
    assert all(e.passed for e in result.get_asset_check_evaluations())


def test_a_broken_yaml_fails_the_check_and_keeps_the_published_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse = tmp_path / "warehouse"
    assert _materialize(warehouse).success
    before = Warehouse.at(str(warehouse)).read_table("insurers")
    duplicate = (InsurerRow("a", "A", ()), InsurerRow("a", "B", ()))
    monkeypatch.setattr(
        publish, "load_reference", lambda: {**reference.load_reference(), "insurers": duplicate}
    )
    result = _materialize(warehouse)
    failed = [e for e in result.get_asset_check_evaluations() if not e.passed]
    assert [e.asset_key.path[-1] for e in failed] == ["insurers"]
    assert "fix extractors/data/" in (failed[0].description or "")
    assert Warehouse.at(str(warehouse)).read_table("insurers").equals(before)
