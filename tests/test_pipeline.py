"""The pipeline end to end: one materialize() over a temporary raw folder, the definitions, the CLI."""

import dataclasses
import datetime as dt
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import polars as pl
import pytest
from conftest import BAD_FILES, SEEDS, make_raw_dir

from extractors.records import (
    CoverageRecord,
    DocumentRecord,
    Extraction,
    IngestErrorRecord,
    LimitRecord,
    LossScenarioRecord,
    PageRecord,
    PremiumRecord,
)
from pipelines import brochures, cli, publish
from pipelines.assets import (
    BROCHURE_PUBLISHED,
    BROCHURES,
    PARTITIONS,
    extraction,
    partition_range_tags,
    warehouse_tables,
)
from pipelines.brochures import list_brochures
from pipelines.checks import cross_table_checks
from pipelines.definitions import defs
from pipelines.io_managers import ParquetIOManager, PickleIOManager
from pipelines.resources import BrochureSettings
from pipelines.storage import Warehouse
from schemas import TABLES
from schemas.checks import EVIDENCE_TABLES
from schemas.models import REFERENCE_MODELS, TABLE_MODELS

SEED_NAMES = sorted(p.name for p in SEEDS.glob("*.txt"))


def _materialize(raw: Path, warehouse: Path, instance: dg.DagsterInstance) -> dg.ExecuteInProcessResult:
    keys = list(list_brochures(raw))
    instance.add_dynamic_partitions(PARTITIONS, keys)
    return dg.materialize(
        [extraction, warehouse_tables, cross_table_checks],
        instance=instance,
        resources={
            "settings": BrochureSettings(raw_dir=str(raw)),
            "warehouse_io_manager": ParquetIOManager(base_path=str(warehouse)),
            "extraction_io_manager": PickleIOManager(),
        },
        tags=partition_range_tags(keys),
    )


@pytest.fixture(scope="module")
def materialized(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[dg.ExecuteInProcessResult, Path]]:
    root = tmp_path_factory.mktemp("pipeline")
    raw = make_raw_dir(root / "raw")
    instance = dg.DagsterInstance.ephemeral(tempdir=str(root / "dagster"))
    yield _materialize(raw, root / "warehouse", instance), root / "warehouse"


def _table(warehouse: Path, table: str) -> pl.DataFrame:
    return pl.read_parquet(str(warehouse / table / "**" / "*.parquet"), hive_partitioning=True)


def test_good_brochures_are_published_bad_ones_recorded(materialized: tuple[Any, Path]) -> None:
    result, warehouse = materialized
    assert result.success
    documents = _table(warehouse, "documents")
    assert sorted(documents.get_column("source_file").to_list()) == SEED_NAMES
    assert set(documents.get_column("source_format").to_list()) == {"text"}
    errors = _table(warehouse, "ingest_errors")
    assert sorted(errors.get_column("source_file").to_list()) == sorted(BAD_FILES)
    assert set(errors.get_column("stage").to_list()) == {"read"}
    for message in errors.get_column("error").to_list():
        # a person can act on it: it says what is wrong, not a traceback or a placeholder
        assert 10 < len(message) < 300
        assert "Traceback" not in message and "not written yet" not in message
    assert errors.get_column("doc_id").null_count() == 0


def test_every_table_has_one_file_per_brochure(materialized: tuple[Any, Path]) -> None:
    _, warehouse = materialized
    n = len(SEED_NAMES) + len(BAD_FILES)
    for table in TABLES:
        files = list((warehouse / table).glob("*.parquet"))
        assert len(files) == n, table
        glob = f"{warehouse}/{table}/**/*.parquet"
        counted = duckdb.execute(
            f"select count(*) from read_parquet('{glob}', hive_partitioning = true)"
        ).fetchall()
        assert counted == [(_table(warehouse, table).height,)]
    assert not list(warehouse.rglob(".*.tmp"))


def test_checks_ran_and_passed(materialized: tuple[Any, Path]) -> None:
    result, _ = materialized
    # the per-brochure `brochure_published` results have tests of their own (tests/test_published_check.py)
    evaluations = {
        (e.asset_key.to_user_string(), e.check_name): e
        for e in result.get_asset_check_evaluations()
        if e.check_name != BROCHURE_PUBLISHED
    }
    assert {
        ("documents", "one_document_per_brochure"),
        ("limits", "doc_id_in_documents"),
        ("pages", "doc_id_in_documents"),
        ("loss_scenarios", "scenario_items_add_up"),
        ("premiums", "premiums_monotone_in_revenue"),
    } <= set(evaluations)
    assert {t for t, name in evaluations if name == "evidence_in_document_text"} == set(EVIDENCE_TABLES)
    assert {t for t, name in evaluations if name == "valid_rows"} == set(TABLES)
    # the bad files beside the seeds are the one finding: a WARN naming each file
    failed = {k: e for k, e in evaluations.items() if not e.passed}
    assert list(failed) == [("ingest_errors", "no_ingest_errors")]
    errors = failed[("ingest_errors", "no_ingest_errors")]
    assert errors.severity == dg.AssetCheckSeverity.WARN
    assert errors.description == f"{len(BAD_FILES)} failures"
    assert {row["key"] for row in errors.metadata["sample_json"].value} == set(BAD_FILES)
    assert evaluations[("quarantine", "nothing_quarantined")].passed


def test_pages_give_every_value_its_context(materialized: tuple[Any, Path]) -> None:
    _, warehouse = materialized
    documents, pages = _table(warehouse, "documents"), _table(warehouse, "pages")
    per_document = dict(pages.group_by("doc_id").len().iter_rows())
    assert per_document == dict(documents.select("doc_id", "page_count").iter_rows())
    # an analyst reads the page a value came from, in SQL
    glob = f"{warehouse}/{{}}/**/*.parquet"
    unquoted = duckdb.execute(
        f"""
        select count(*) from read_parquet('{glob.format("limits")}') l
        where not exists (
            select 1 from read_parquet('{glob.format("pages")}') p
            where p.doc_id = l.doc_id and p.page = l.page and contains(p.text, l.evidence)
        )
        """
    ).fetchall()
    assert unquoted == [(0,)]
    assert _table(warehouse, "limits").height > 0


def test_the_definitions_load_with_everything() -> None:
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    assert {k.to_user_string() for k in graph.get_all_asset_keys()} == {
        "extraction",
        *TABLES,
        *REFERENCE_MODELS,
        "comparison_report",
    }
    checks = {(k.asset_key.to_user_string(), k.name) for k in graph.asset_check_keys}
    assert {(t, "valid_rows") for t in [*TABLES, *REFERENCE_MODELS]} <= checks
    assert ("documents", "one_document_per_brochure") in checks
    assert defs.resolve_sensor_def("raw_files")
    schedule = defs.resolve_schedule_def("daily_reingest")
    assert schedule.execution_timezone == "Asia/Tokyo"
    assert {defs.resolve_job_def("ingest").name, defs.resolve_job_def("prune_warehouse").name}
    assert defs.resolve_job_def("publish_reference")
    for key in graph.get_all_asset_keys():
        # the brochures' assets are partitioned by file; the reference tables and the report are one file each
        expected = None if key.path[-1] in {*REFERENCE_MODELS, "comparison_report"} else BROCHURES
        assert graph.get(key).partitions_def == expected


def _tables(warehouse: Path) -> dict[str, pl.DataFrame]:
    return {t: Warehouse.at(str(warehouse)).read_table(t) for t in TABLES}


def test_ingesting_twice_changes_nothing(
    tmp_path: Path, raw_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = tmp_path / "warehouse"
    assert cli.main(["ingest", str(raw_dir), "--warehouse", str(warehouse)]) == 0
    first, first_files = _tables(warehouse), sorted(p.relative_to(warehouse) for p in warehouse.rglob("*"))
    assert cli.main(["ingest", str(raw_dir), "--warehouse", str(warehouse)]) == 0
    second, second_files = _tables(warehouse), sorted(p.relative_to(warehouse) for p in warehouse.rglob("*"))
    assert first_files == second_files
    for table in TABLES:
        assert first[table].equals(second[table]), table
    out = capsys.readouterr().out
    n = len(SEED_NAMES) + len(BAD_FILES)
    assert f"[{n}/{n}]" in out
    assert "empty.txt: ERROR read:" in out
    assert f"{SEED_NAMES[0]}: read (1 pages, " in out
    assert f"{len(BAD_FILES)} brochures need attention:" in out
    # the one failed check is the WARN that names the bad files
    assert f"check ingest_errors/no_ingest_errors (WARN): {len(BAD_FILES)} failures" in out
    assert ", 1 failed\n" in out


def test_ingest_prints_each_brochure_as_it_is_read(
    tmp_path: Path, raw_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["ingest", str(raw_dir), "--warehouse", str(tmp_path / "warehouse")]) == 0
    lines = capsys.readouterr().out.splitlines()
    n = len(SEED_NAMES) + len(BAD_FILES)
    progress = [i for i, line in enumerate(lines) if line.startswith("[")]
    # one line per brochure, counted in the order they finish (workers read several at once)
    assert [lines[i].split("]")[0] for i in progress] == [f"[{k}/{n}" for k in range(1, n + 1)]
    named = {lines[i].split("] ", 1)[1].split(":")[0] for i in progress}
    assert named == {*SEED_NAMES, *BAD_FILES}
    summary = next(i for i, line in enumerate(lines) if " brochures: " in line)
    assert summary > progress[-1]
    # and nothing of Dagster's own log comes between them
    assert not [line for line in lines if "dagster" in line.lower() or "STEP_" in line]


def test_ingest_after_deleting_a_file_holds_exactly_the_current_set(tmp_path: Path, raw_dir: Path) -> None:
    warehouse = tmp_path / "warehouse"
    assert cli.main(["ingest", str(raw_dir), "--warehouse", str(warehouse)]) == 0
    (raw_dir / SEED_NAMES[0]).unlink()
    (raw_dir / "scan.pdf").unlink()
    assert cli.main(["ingest", str(raw_dir), "--warehouse", str(warehouse)]) == 0
    tables = _tables(warehouse)
    assert sorted(tables["documents"].get_column("source_file").to_list()) == SEED_NAMES[1:]
    assert "scan.pdf" not in tables["ingest_errors"].get_column("source_file").to_list()
    for table in TABLES:
        assert len(list((warehouse / table).glob("*.parquet"))) == len(SEED_NAMES) - 1 + len(BAD_FILES) - 1


def test_a_file_replaced_by_a_broken_one_keeps_its_last_good_version(tmp_path: Path, raw_dir: Path) -> None:
    warehouse = tmp_path / "warehouse"
    assert cli.main(["ingest", str(raw_dir), "--warehouse", str(warehouse)]) == 0
    before = _tables(warehouse)["documents"].filter(pl.col("source_file") == SEED_NAMES[0])
    (raw_dir / SEED_NAMES[0]).write_bytes(b"\x00\x01\x02 binary junk \xff\xfe")
    assert cli.main(["ingest", str(raw_dir), "--warehouse", str(warehouse)]) == 0
    after = _tables(warehouse)
    assert after["documents"].filter(pl.col("source_file") == SEED_NAMES[0]).equals(before)
    errors = after["ingest_errors"].filter(pl.col("source_file") == SEED_NAMES[0])
    assert errors.height == 1 and errors.get_column("doc_id")[0] != before.get_column("doc_id")[0]
    # once it is fixed, the new version replaces the kept one
    shutil.copy(SEEDS / SEED_NAMES[1], raw_dir / SEED_NAMES[0])
    assert cli.main(["ingest", str(raw_dir), "--warehouse", str(warehouse)]) == 0
    fixed = _tables(warehouse)
    assert SEED_NAMES[0] not in fixed["ingest_errors"].get_column("source_file").to_list()
    assert fixed["documents"].filter(pl.col("source_file") == SEED_NAMES[0]).height == 1


def _a_quote(found: Extraction) -> str:
    """Given an extraction, return a line of its first page: evidence that its document holds."""
    return next(line for line in found.pages[0].text.splitlines() if line.strip())


@pytest.fixture
def bad_limit_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every extraction carry one good limit and one whose ratio is a percentage (90, not 0.9)."""
    real = brochures.file_to_extraction

    def with_a_bad_limit(path: Path, raw: Path) -> Extraction:
        found = real(path, raw)
        quote = _a_quote(found)
        bad = LimitRecord(
            found.document.doc_id,
            "liability",
            "支払限度額",
            "limit",
            100_000_000,
            90.0,
            None,
            None,
            None,
            None,
            1,
            quote,
        )
        return dataclasses.replace(found, limits=(dataclasses.replace(bad, ratio=None), bad))

    monkeypatch.setattr(brochures, "file_to_extraction", with_a_bad_limit)


def test_an_invalid_row_is_quarantined_and_the_rest_published(
    tmp_path: Path, raw_dir: Path, bad_limit_extractor: None
) -> None:
    result = _materialize(raw_dir, tmp_path / "warehouse", dg.DagsterInstance.ephemeral())
    assert result.success
    limits = _table(tmp_path / "warehouse", "limits")
    assert limits.height == len(SEED_NAMES)
    assert limits.get_column("ratio").null_count() == len(SEED_NAMES)
    quarantine = _table(tmp_path / "warehouse", "quarantine")
    assert quarantine.height == len(SEED_NAMES)
    assert set(quarantine.get_column("table").to_list()) == {"limits"}
    assert all("ratio" in r for r in quarantine.get_column("reason").to_list())
    check = next(
        e
        for e in result.get_asset_check_evaluations()
        if e.asset_key == dg.AssetKey("limits") and e.check_name == "valid_rows"
    )
    assert not check.passed
    assert check.severity == dg.AssetCheckSeverity.WARN
    assert check.metadata["rows_quarantined"].value == len(SEED_NAMES)
    assert "less_than_or_equal_to" in str(check.metadata["failure_cases"].value)


def test_a_valid_rows_check_describes_the_whole_table_not_the_run(
    tmp_path: Path, raw_dir: Path, bad_limit_extractor: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    warehouse, instance = tmp_path / "warehouse", dg.DagsterInstance.ephemeral()
    assert _materialize(raw_dir, warehouse, instance).success
    monkeypatch.undo()  # the extractor mends its ways; one brochure is run again, alone
    result = dg.materialize(
        [extraction, warehouse_tables],
        instance=instance,
        resources={
            "settings": BrochureSettings(raw_dir=str(raw_dir)),
            "warehouse_io_manager": ParquetIOManager(base_path=str(warehouse)),
            "extraction_io_manager": PickleIOManager(),
        },
        partition_key=SEED_NAMES[0],
    )
    assert result.success
    check = next(
        e
        for e in result.get_asset_check_evaluations()
        if e.asset_key == dg.AssetKey("limits") and e.check_name == "valid_rows"
    )
    # the other brochures' bad rows are still in quarantine: the check stays WARN, and says where
    assert not check.passed
    assert check.metadata["rows_quarantined"].value == len(SEED_NAMES) - 1
    assert check.metadata["rows_quarantined_this_run"].value == 0
    assert check.metadata["brochures_with_quarantined_rows"].value == SEED_NAMES[1:]
    sample = str(check.metadata["quarantined_rows"].value)
    assert sample.startswith("| source_file | page | evidence | reason |")
    assert SEED_NAMES[1] in sample and "ratio: less_than_or_equal_to(1.0)" in sample


@pytest.fixture
def questionable_extractor(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every extraction carry one finding per new rule.

    A coverage quoting words its brochure does not hold; a scenario whose items (1,050万円)
    miss its total (2,200万円); and a premium that falls as revenue rises.
    """
    real = brochures.file_to_extraction

    def with_findings(path: Path, raw: Path) -> Extraction:
        found = real(path, raw)
        doc_id, quote = found.document.doc_id, _a_quote(found)
        invented = CoverageRecord(
            doc_id, None, "架空の補償", "expense", False, None, 1, "このパンフレットにない文言"
        )
        scenario = [
            LossScenarioRecord(doc_id, 99, "想定事例", label, None, amount, kind, 1, quote)
            for label, amount, kind in (
                ("調査費用", 4_000_000, "item"),
                ("復旧費用", 6_500_000, "item"),
                ("合計", 22_000_000, "total"),
            )
        ]
        premiums = [
            PremiumRecord(
                doc_id, "架空業", None, revenue, premium, "annual", None, None, None, None, None, 1, quote
            )
            for revenue, premium in ((100_000_000, 9_000), (500_000_000, 7_000))
        ]
        return dataclasses.replace(
            found,
            coverages=(*found.coverages, invented),
            loss_scenarios=(*found.loss_scenarios, *scenario),
            premiums=(*found.premiums, *premiums),
        )

    monkeypatch.setattr(brochures, "file_to_extraction", with_findings)


def _evaluations(result: dg.ExecuteInProcessResult) -> dict[tuple[str, str], Any]:
    return {(e.asset_key.to_user_string(), e.check_name): e for e in result.get_asset_check_evaluations()}


def test_rule_findings_are_reported_as_asset_checks(
    tmp_path: Path, raw_dir: Path, questionable_extractor: None
) -> None:
    warehouse = tmp_path / "warehouse"
    result = _materialize(raw_dir, warehouse, dg.DagsterInstance.ephemeral())
    assert result.success  # findings are a report, not a broken run
    checks = _evaluations(result)
    n = len(SEED_NAMES)

    # the invented quote is not published: it is quarantined with its reason, and both checks say so
    assert "架空の補償" not in _table(warehouse, "coverages").get_column("coverage_label").to_list()
    quarantine = _table(warehouse, "quarantine")
    assert quarantine.get_column("reason").to_list() == ["evidence not found in the document text"] * n
    evidence = checks[("coverages", "evidence_in_document_text")]
    assert not evidence.passed and evidence.severity == dg.AssetCheckSeverity.ERROR
    assert evidence.metadata["failures"].value == n
    assert all(
        f["problem"].startswith("quarantined: evidence not found")
        and f["evidence"] == "このパンフレットにない文言"
        for f in evidence.metadata["sample_json"].value
    )
    valid_rows = checks[("coverages", "valid_rows")]
    assert valid_rows.metadata["failures_by_check"].value == {"evidence not found in the document text": n}
    for table in ("limits", "premiums", "loss_scenarios"):
        assert checks[(table, "evidence_in_document_text")].passed, table

    # a scenario that does not add up: a warning with the stated and computed figures
    scenario = checks[("loss_scenarios", "scenario_items_add_up")]
    assert not scenario.passed and scenario.severity == dg.AssetCheckSeverity.WARN
    assert scenario.metadata["failures"].value == n
    first = scenario.metadata["sample_json"].value[0]
    assert (first["scenario_index"], first["stated_jpy"], first["computed_jpy"]) == (
        99,
        22_000_000,
        10_500_000,
    )
    assert "22,000,000" in scenario.metadata["sample"].value

    # a premium that falls as revenue rises: a warning naming both quotes
    premiums = checks[("premiums", "premiums_monotone_in_revenue")]
    assert not premiums.passed and premiums.severity == dg.AssetCheckSeverity.WARN
    assert premiums.metadata["failures"].value == n
    first = premiums.metadata["sample_json"].value[0]
    assert (first["lower_revenue_premium_jpy"], first["premium_jpy"]) == (9_000, 7_000)
    # the warned rows are published all the same
    assert _table(warehouse, "premiums").filter(pl.col("industry_label") == "架空業").height == 2 * n


def test_cli_lists_the_brochures_and_checks_that_need_attention(
    tmp_path: Path, raw_dir: Path, questionable_extractor: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["ingest", str(raw_dir), "--warehouse", str(tmp_path / "warehouse")]) == 0
    out = capsys.readouterr().out
    n = len(SEED_NAMES)
    assert f"{n + len(BAD_FILES)} brochures need attention:" in out
    assert f"  {SEED_NAMES[0]}: published (" in out and "1 rows quarantined)" in out
    assert f"check coverages/evidence_in_document_text (ERROR): {n} failures" in out
    assert f"check loss_scenarios/scenario_items_add_up (WARN): {n} failures" in out
    assert f"check premiums/premiums_monotone_in_revenue (WARN): {n} failures" in out


def _with_pages(extraction: Extraction, *texts: str) -> Extraction:
    doc_id = extraction.document.doc_id
    pages = tuple(PageRecord(doc_id, i, t) for i, t in enumerate(texts, 1))
    return dataclasses.replace(extraction, pages=pages)


def test_rows_whose_evidence_is_not_in_their_document_are_quarantined() -> None:
    limit = LimitRecord(
        "d1", "expense", "費用", "limit", 30_000_000, None, None, None, None, None, 2, "3,000万円"
    )
    quoted = dataclasses.replace(_document("d1", "a.pdf"), limits=(limit,))
    # the same figure quoted from another brochure's text, and from a brochure without pages
    elsewhere = dataclasses.replace(
        _document("d2", "b.pdf"), limits=(dataclasses.replace(limit, doc_id="d2"),)
    )
    no_pages = dataclasses.replace(
        _document("d3", "c.pdf"), limits=(dataclasses.replace(limit, doc_id="d3"),)
    )
    publication = publish.results_to_publication(
        {
            "a.pdf": _with_pages(quoted, "表紙", "費用 | 3,000万円"),
            "b.pdf": _with_pages(elsewhere, "費用 | 1億円"),
            "c.pdf": no_pages,
        }
    )
    assert publication.frames["limits"]["a.pdf"].height == 1
    assert publication.frames["pages"]["a.pdf"].get_column("page").to_list() == [1, 2]
    reasons = {
        k: publication.frames["quarantine"][k].get_column("reason").to_list() for k in ("b.pdf", "c.pdf")
    }
    assert reasons == {
        "b.pdf": ["evidence not found in the document text"],
        "c.pdf": ["evidence cannot be checked: the document has no pages rows"],
    }
    for key in ("b.pdf", "c.pdf"):
        # the brochure itself is published; only the unquoted row is held back
        assert publication.frames["limits"][key].is_empty()
        assert publication.frames["documents"][key].height == 1
        assert publication.outcomes[key].quarantined == 1
    assert publication.failure_cases["limits"].get_column("failure_case").to_list() == ["3,000万円"] * 2
    assert not publication.broken


def _document(doc_id: str, source_file: str, **changes: Any) -> Extraction:
    record = DocumentRecord(doc_id, source_file, "pdf", "aig", None, None, dt.date(2024, 4, 1), 2)
    return Extraction(document=dataclasses.replace(record, **changes))


def test_a_brochure_whose_document_row_is_invalid_is_not_published() -> None:
    good = _document("d1", "a.pdf")
    bad = _document("d2", "b.pdf", page_count=0)
    limit = LimitRecord(
        "d2", "expense", "費用", "limit", 30_000_000, None, None, None, None, None, 1, "3,000万円"
    )
    bad = dataclasses.replace(bad, limits=(limit,))
    publication = publish.results_to_publication({"a.pdf": good, "b.pdf": bad})
    assert publication.failed == {"b.pdf"}
    assert publication.frames["documents"]["b.pdf"].is_empty()
    assert publication.frames["limits"]["b.pdf"].is_empty()
    assert publication.frames["documents"]["a.pdf"].height == 1
    error = publication.frames["ingest_errors"]["b.pdf"].row(0, named=True)
    assert error["stage"] == "validate" and "page_count" in error["error"]
    quarantined = publication.frames["quarantine"]["b.pdf"]
    assert sorted(quarantined.get_column("table").to_list()) == ["documents", "limits"]
    assert publication.outcomes["b.pdf"].error is not None
    assert not publication.broken


def test_a_value_of_the_wrong_type_makes_its_brochure_an_error() -> None:
    bad = _document("d1", "a.pdf", page_count="2")
    publication = publish.results_to_publication({"a.pdf": bad, "b.pdf": _document("d2", "b.pdf")})
    error = publication.frames["ingest_errors"]["a.pdf"].row(0, named=True)
    assert error["stage"] == "validate" and "wrong type" in error["error"]
    assert publication.frames["documents"]["b.pdf"].height == 1


def test_a_read_error_gives_one_error_row_and_empty_tables() -> None:
    error = IngestErrorRecord("x.pdf", "abc", "read", "not a PDF (the file holds PNG image data)")
    publication = publish.results_to_publication({"x.pdf": error})
    assert publication.frames["ingest_errors"]["x.pdf"].height == 1
    for table in ("documents", "coverages", "limits", "premiums", "loss_scenarios", "quarantine"):
        assert publication.frames[table]["x.pdf"].is_empty()
    assert publication.failed == {"x.pdf"}


def _snapshot(warehouse: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(warehouse)): p.read_bytes() for p in sorted(warehouse.rglob("*")) if p.is_file()
    }


def test_a_table_broken_as_a_whole_publishes_nothing_and_fails_the_run(
    tmp_path: Path, raw_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = tmp_path / "warehouse"
    assert cli.main(["ingest", str(raw_dir), "--warehouse", str(warehouse)]) == 0
    before = _snapshot(warehouse)
    real = publish.extraction_to_frames

    def without_evidence(found: Extraction) -> dict[str, pl.DataFrame]:
        frames = real(found)
        return frames | {"coverages": frames["coverages"].drop("evidence")}  # a code bug, not bad input

    monkeypatch.setattr(publish, "extraction_to_frames", without_evidence)
    (raw_dir / "new.txt").write_text("サイバー保険のご案内", encoding="utf-8")
    assert cli.main(["ingest", str(raw_dir), "--warehouse", str(warehouse)]) == cli.EXIT_RUN_BROKE
    assert "coverages" in capsys.readouterr().err
    assert _snapshot(warehouse) == before


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        # RAW_DIR missing
        (["ingest", "no/such/folder"], 2, "does not exist"),
        # no command
        ([], 2, "usage"),
        # an unknown option
        (["ingest", ".", "--frobnicate"], 2, "unrecognized"),
        # a warehouse that is not there to summarise
        (["summary", "--warehouse", "no/such/warehouse"], 2, "no warehouse"),
    ],
)
def test_cli_usage_errors_exit_2(
    argv: list[str],
    code: int,
    message: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv) == code
    assert message in capsys.readouterr().err
    assert not (tmp_path / "warehouse").exists()


def test_cli_help_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["ingest", "--help"]) == 0
    assert "RAW_DIR" in capsys.readouterr().out


def test_cli_summary_of_an_ingested_warehouse(
    tmp_path: Path, raw_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    warehouse = tmp_path / "warehouse"
    assert cli.main(["ingest", str(raw_dir), "--warehouse", str(warehouse)]) == 0
    capsys.readouterr()
    assert cli.main(["summary", "--warehouse", str(warehouse)]) == 0
    out = capsys.readouterr().out
    n = len(SEED_NAMES) + len(BAD_FILES)
    assert f"{n} brochures: {len(SEED_NAMES)} published, {len(BAD_FILES)} in ingest_errors" in out
    assert "broken/corrupt.pdf: ERROR read:" in out


def test_cli_reports_a_broken_run_with_exit_1(
    tmp_path: Path, raw_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def crash(results: object) -> None:
        raise RuntimeError("out of memory")

    monkeypatch.setattr("pipelines.assets.results_to_publication", crash)
    assert cli.main(["ingest", str(raw_dir), "--warehouse", str(tmp_path / "warehouse")]) == 1
    assert "out of memory" in capsys.readouterr().err


def test_cli_paths_are_relative_to_the_current_directory(
    tmp_path: Path, raw_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["ingest", os.path.relpath(raw_dir, tmp_path), "--warehouse", "wh"]) == 0
    assert (tmp_path / "wh" / "documents").is_dir()


def test_each_table_reports_its_whole_row_count(materialized: tuple[Any, Path]) -> None:
    result, warehouse = materialized
    events = {m.asset_key.path[-1]: m for m in result.asset_materializations_for_node("warehouse_tables")}
    assert set(events) == set(TABLES)
    for table in TABLES:
        # the whole table, not the run's rows: the same as reading every published file
        assert events[table].metadata["dagster/row_count"].value == _table(warehouse, table).height, table


def test_each_table_declares_its_columns_with_their_meaning() -> None:
    specs = {spec.key.path[-1]: spec for spec in warehouse_tables.specs}
    for table in TABLES:
        schema = specs[table].metadata["dagster/column_schema"]
        model_columns = TABLE_MODELS[table].to_schema().columns
        assert [c.name for c in schema.columns] == list(model_columns), table
        assert all(c.description for c in schema.columns), table
        assert [c.constraints.nullable for c in schema.columns] == [
            c.nullable for c in model_columns.values()
        ]


def test_a_one_brochure_run_reports_the_whole_tables_row_count(tmp_path: Path, raw_dir: Path) -> None:
    warehouse, instance = tmp_path / "warehouse", dg.DagsterInstance.ephemeral()
    assert _materialize(raw_dir, warehouse, instance).success
    key = SEED_NAMES[0]
    result = dg.materialize(
        [extraction, warehouse_tables],
        instance=instance,
        resources={
            "settings": BrochureSettings(raw_dir=str(raw_dir)),
            "warehouse_io_manager": ParquetIOManager(base_path=str(warehouse)),
            "extraction_io_manager": PickleIOManager(),
        },
        partition_key=key,
    )
    events = {m.asset_key.path[-1]: m for m in result.asset_materializations_for_node("warehouse_tables")}
    limits = _table(warehouse, "limits")
    # the other brochures' rows count too: the run's own are fewer
    assert events["limits"].metadata["rows_published"].value < limits.height
    assert events["limits"].metadata["dagster/row_count"].value == limits.height
    assert events["limits"].metadata["files_written"].value == 1
