"""The pandera models, frames from records, split_valid and the cross-table rules (pure functions)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import polars as pl
import pytest

from extractors.records import (
    CoverageRecord,
    DocumentRecord,
    IngestErrorRecord,
    LimitRecord,
    LossScenarioRecord,
    PremiumRecord,
)
from schemas import TABLE_MODELS, empty_frame, model_schema, records_to_frame, split_valid
from schemas.checks import RULES, one_document_per_brochure, rows_with_unknown_doc_id
from schemas.frames import frame_level, validation_failures
from schemas.models import (
    CoveragesModel,
    DocumentsModel,
    IngestErrorsModel,
    LimitsModel,
    LossScenariosModel,
    PremiumsModel,
    QuarantineModel,
)

DOC_ID = "0123456789abcdef"
GOOD: dict[str, Any] = {
    "documents": DocumentRecord(
        doc_id=DOC_ID,
        source_file="aig/flyer.pdf",
        source_format="pdf",
        insurer_id="aig",
        insurer_name="AIG損害保険株式会社",
        product_name="サイバー保険",
        document_date=dt.date(2024, 4, 1),
        page_count=4,
        title="サイバー保険のご案内",
        warnings=("page 3: no text layer",),
    ),
    "coverages": CoverageRecord(
        DOC_ID,
        "expense.forensics",
        "原因・被害範囲調査費用",
        "expense",
        False,
        None,
        2,
        "原因・被害範囲調査費用",
    ),
    "limits": LimitRecord(
        DOC_ID,
        "liability",
        "損害賠償責任",
        "limit",
        100_000_000,
        None,
        None,
        "per_claim",
        None,
        None,
        1,
        "1億円",
    ),
    "premiums": PremiumRecord(
        DOC_ID,
        "小売業",
        "I",
        100_000_000,
        50_000,
        "annual",
        None,
        100_000_000,
        30_000_000,
        100_000,
        dt.date(2024, 1, 1),
        3,
        "小売業 | 1億円 | 50,000円",
    ),
    "loss_scenarios": LossScenarioRecord(
        DOC_ID,
        1,
        "個人情報漏洩",
        "弁護士費用",
        "liability.defense",
        5_100_000,
        "item",
        2,
        "弁護士費用 510万円",
    ),
    "ingest_errors": IngestErrorRecord("bad.pdf", None, "read", "not a PDF (the file holds PNG image data)"),
}


def _frame(table: str, *records: object) -> pl.DataFrame:
    return records_to_frame(records, TABLE_MODELS[table])


@pytest.mark.parametrize("table", list(GOOD))
def test_a_valid_row_passes(table: str) -> None:
    valid, quarantine, cases = split_valid(_frame(table, GOOD[table]), TABLE_MODELS[table])
    assert valid.height == 1
    assert quarantine.is_empty() and cases.is_empty()


@pytest.mark.parametrize(
    ("table", "changes"),
    [
        # a deductible of 0円 (免責なし) is a real value
        ("limits", {"limit_type": "deductible", "amount_jpy": 0}),
        # "X% or ¥Y, whichever is lower": a limit with both a ratio and an amount
        ("limits", {"ratio": 0.1}),
        # ratios at the ends of [0, 1]
        ("limits", {"limit_type": "payout_ratio", "amount_jpy": None, "ratio": 1.0}),
        ("limits", {"limit_type": "self_retention_ratio", "amount_jpy": None, "ratio": 0.0}),
        # a time window carries days only
        ("limits", {"limit_type": "time_window_days", "amount_jpy": None, "days": 180}),
        # unmapped items keep their label with a null coverage_id
        ("coverages", {"coverage_id": None}),
        # a section id stands for a whole-section limit
        ("limits", {"coverage_id": "expense"}),
        # the document does not say: nulls, not guesses
        (
            "documents",
            {"insurer_id": None, "insurer_name": None, "product_name": None, "document_date": None},
        ),
        # an amount just under 1兆
        ("premiums", {"annual_revenue_jpy": 999_999_999_999}),
        # an error of a file whose bytes could not even be read has no doc_id
        ("ingest_errors", {"doc_id": None, "stage": "publish"}),
    ],
)
def test_edge_values_that_are_valid(table: str, changes: dict[str, Any]) -> None:
    record = dataclasses.replace(GOOD[table], **changes)
    _, quarantine, _ = split_valid(_frame(table, record), TABLE_MODELS[table])
    assert quarantine.is_empty(), quarantine.get_column("reason").to_list()


@pytest.mark.parametrize(
    ("table", "changes", "failing_check"),
    [
        # amounts are positive yen below 1兆
        ("limits", {"amount_jpy": 0}, "amount_positive"),
        ("limits", {"amount_jpy": 10**12}, "less_than"),
        ("limits", {"limit_type": "deductible", "amount_jpy": -1}, "greater_than_or_equal_to"),
        ("premiums", {"premium_jpy": 0}, "greater_than"),
        ("premiums", {"annual_revenue_jpy": 2 * 10**12}, "less_than"),
        ("premiums", {"liability_limit_jpy": -100}, "greater_than"),
        ("loss_scenarios", {"amount_jpy": 0}, "greater_than"),
        # ratios are fractions: 90 is a percentage that was not divided
        (
            "limits",
            {"limit_type": "payout_ratio", "amount_jpy": None, "ratio": 90.0},
            "less_than_or_equal_to",
        ),
        (
            "limits",
            {"limit_type": "payout_ratio", "amount_jpy": None, "ratio": -0.1},
            "greater_than_or_equal_to",
        ),
        # NaN is not a fraction
        (
            "limits",
            {"limit_type": "payout_ratio", "amount_jpy": None, "ratio": float("nan")},
            "less_than_or_equal_to",
        ),
        # days are positive
        ("limits", {"limit_type": "time_window_days", "amount_jpy": None, "days": 0}, "greater_than"),
        # a row without the figure its type is about
        ("limits", {"limit_type": "time_window_days", "amount_jpy": None, "days": None}, "figure_present"),
        # closed vocabularies
        ("limits", {"limit_type": "cap"}, "isin"),
        ("limits", {"basis": "per_year"}, "isin"),
        ("coverages", {"section": "first_party"}, "isin"),
        ("premiums", {"premium_period": "yearly"}, "isin"),
        ("loss_scenarios", {"row_kind": "sum"}, "isin"),
        ("documents", {"source_format": "docx"}, "isin"),
        ("ingest_errors", {"stage": "download"}, "isin"),
        # JSIC top level is one capital letter A–T
        ("premiums", {"jsic_code": "Z"}, "isin"),
        ("premiums", {"jsic_code": "i"}, "isin"),
        # coverage ids come from the taxonomy, and an id sits in its own section
        ("coverages", {"coverage_id": "expense.unknown_cost"}, "coverage_id_in_taxonomy"),
        ("limits", {"coverage_id": "cyber"}, "coverage_id_in_taxonomy"),
        ("loss_scenarios", {"coverage_id": "liability.nothing"}, "coverage_id_in_taxonomy"),
        ("coverages", {"coverage_id": "liability.defense"}, "coverage_id_in_section"),
        # evidence is verbatim text, never empty or blank
        ("coverages", {"evidence": ""}, "str_contains"),
        ("limits", {"evidence": "   "}, "str_contains"),
        ("premiums", {"evidence": "\u3000"}, "str_contains"),
        # a label is printed text
        ("loss_scenarios", {"item_label": ""}, "str_contains"),
        # required values may not be null
        ("coverages", {"is_optional": None}, "not_nullable"),
        ("premiums", {"premium_jpy": None}, "not_nullable"),
        # an error a person cannot act on
        ("ingest_errors", {"error": ""}, "str_contains"),
        # documents: slugs, pages, plausible dates
        ("documents", {"insurer_id": "AIG Japan"}, "str_matches"),
        ("documents", {"page_count": 0}, "greater_than_or_equal_to"),
        ("documents", {"document_date": dt.date(1900, 1, 1)}, "greater_than_or_equal_to"),
        ("documents", {"product_name": ""}, "str_contains"),
        # positions count from 1
        ("loss_scenarios", {"scenario_index": 0}, "greater_than_or_equal_to"),
        ("coverages", {"page": 0}, "greater_than_or_equal_to"),
        ("premiums", {"installments": 0}, "greater_than_or_equal_to"),
    ],
)
def test_a_bad_value_is_quarantined_with_its_reason(
    table: str, changes: dict[str, Any], failing_check: str
) -> None:
    model = TABLE_MODELS[table]
    bad = dataclasses.replace(GOOD[table], **changes)
    valid, quarantine, cases = split_valid(_frame(table, GOOD[table], bad, GOOD[table]), model)
    assert valid.height == 2
    assert quarantine.height == 1
    row = quarantine.row(0, named=True)
    assert row["table"] == table
    assert failing_check in row["reason"]
    assert cases.filter(pl.col("index") == 1).height >= 1
    assert frame_level(cases).is_empty()


def test_quarantine_row_json_holds_the_row() -> None:
    bad = dataclasses.replace(GOOD["limits"], ratio=1.5, limit_type="payout_ratio", amount_jpy=None)
    _, quarantine, _ = split_valid(_frame("limits", bad), LimitsModel)
    row = quarantine.row(0, named=True)
    assert json.loads(row["row_json"]) == dataclasses.asdict(bad)
    assert row["doc_id"] == DOC_ID
    assert not validation_failures(quarantine, QuarantineModel).height


@pytest.mark.parametrize("table", list(TABLE_MODELS))
def test_no_records_give_an_empty_frame_with_the_table_schema(table: str) -> None:
    frame = records_to_frame([], TABLE_MODELS[table])
    assert frame.is_empty()
    assert frame.schema == model_schema(TABLE_MODELS[table]) == empty_frame(TABLE_MODELS[table]).schema


def test_frame_columns_follow_record_fields() -> None:
    for table, record in GOOD.items():
        assert list(_frame(table, record).columns) == [f.name for f in dataclasses.fields(record)]


def test_amounts_are_int64_ratios_float64_dates_date() -> None:
    assert model_schema(LimitsModel)["amount_jpy"] == pl.Int64
    assert model_schema(LimitsModel)["ratio"] == pl.Float64
    assert model_schema(PremiumsModel)["effective_from"] == pl.Date
    assert model_schema(CoveragesModel)["is_optional"] == pl.Boolean
    assert model_schema(DocumentsModel)["warnings"] == pl.List(pl.String)


@pytest.mark.parametrize(
    ("table", "changes"),
    [
        # 1.5 yen would silently become 1 in a polars Int64 column
        ("limits", {"amount_jpy": 1.5}),
        # an amount still as printed text
        ("premiums", {"premium_jpy": "5万円"}),
        # "yes" is not a bool, and neither is 1
        ("coverages", {"is_optional": "yes"}),
        ("coverages", {"is_optional": 1}),
        # True is not a count
        ("loss_scenarios", {"scenario_index": True}),
        # a datetime is not a date
        ("documents", {"document_date": dt.datetime(2024, 4, 1, 9, 0)}),
    ],
)
def test_a_value_of_the_wrong_python_type_is_refused(table: str, changes: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match=next(iter(changes))):
        _frame(table, dataclasses.replace(GOOD[table], **changes))


def test_records_of_another_table_are_refused() -> None:
    with pytest.raises(ValueError, match="do not match"):
        records_to_frame([GOOD["coverages"]], LimitsModel)


def test_a_frame_missing_a_column_puts_every_row_in_quarantine() -> None:
    frame = _frame("coverages", GOOD["coverages"], GOOD["coverages"]).drop("evidence")
    valid, quarantine, cases = split_valid(frame, CoveragesModel)
    assert valid.is_empty()
    assert quarantine.height == 2
    assert not frame_level(cases).is_empty()
    assert "column_in_dataframe" in quarantine.get_column("reason")[0]


def test_columns_beyond_the_model_are_carried_not_validated() -> None:
    bad = dataclasses.replace(GOOD["premiums"], jsic_code="Z")
    frame = _frame("premiums", GOOD["premiums"], bad).with_columns(partition=pl.Series(["a.pdf", "b.pdf"]))
    valid, quarantine, _ = split_valid(frame, PremiumsModel)
    assert valid.get_column("partition").to_list() == ["a.pdf"]
    assert quarantine.get_column("partition").to_list() == ["b.pdf"]


def _tables(
    documents: list[tuple[str, str]], errors: list[str], **children: list[str]
) -> dict[str, pl.DataFrame]:
    docs = [dataclasses.replace(GOOD["documents"], doc_id=d, source_file=s) for d, s in documents]
    errs = [dataclasses.replace(GOOD["ingest_errors"], source_file=s) for s in errors]
    tables = {"documents": _frame("documents", *docs), "ingest_errors": _frame("ingest_errors", *errs)}
    for table in ("coverages", "limits", "premiums", "loss_scenarios"):
        rows = [dataclasses.replace(GOOD[table], doc_id=d) for d in children.get(table, [])]
        tables[table] = _frame(table, *rows)
    return tables


@pytest.mark.parametrize(
    ("documents", "errors", "brochures", "problems"),
    [
        # every brochure published once
        ([("d1", "a.pdf"), ("d2", "b.pdf")], [], ["a.pdf", "b.pdf"], []),
        # a failed brochure without rows, and one that keeps its last good version
        ([("d1", "a.pdf")], ["a.pdf", "b.pdf"], ["a.pdf", "b.pdf"], []),
        # a published brochure without its documents row
        ([("d1", "a.pdf")], [], ["a.pdf", "b.pdf"], ["b.pdf"]),
        # two documents rows for one brochure
        ([("d1", "a.pdf"), ("d2", "a.pdf")], [], ["a.pdf"], ["a.pdf"]),
        # a failed brochure may keep one row, not two
        ([("d1", "a.pdf"), ("d2", "a.pdf")], ["a.pdf"], ["a.pdf"], ["a.pdf"]),
        # a documents row of a brochure deleted from the raw folder
        ([("d1", "a.pdf"), ("d9", "gone.pdf")], [], ["a.pdf"], ["gone.pdf"]),
    ],
)
def test_one_document_per_brochure(
    documents: list[tuple[str, str]], errors: list[str], brochures: list[str], problems: list[str]
) -> None:
    failures = one_document_per_brochure(_tables(documents, errors), brochures)
    assert [f.key for f in failures] == problems


@pytest.mark.parametrize("table", ["coverages", "limits", "premiums", "loss_scenarios"])
def test_child_rows_need_their_document(table: str) -> None:
    tables = _tables([("d1", "a.pdf")], [], **{table: ["d1", "d1", "d2", "d2", "d2"]})
    failures = rows_with_unknown_doc_id(table)(tables, ["a.pdf"])
    assert [(f.table, f.key) for f in failures] == [(table, "d2")]
    assert "3 rows" in failures[0].problem


def test_every_rule_reads_tables_that_exist() -> None:
    for rule in RULES:
        assert rule.table in rule.reads
        assert set(rule.reads) <= set(TABLE_MODELS)
    assert len({(r.table, r.name) for r in RULES}) == len(RULES)


def test_ingest_errors_model_has_the_contract_columns() -> None:
    assert list(model_schema(IngestErrorsModel)) == ["source_file", "doc_id", "stage", "error"]
    assert list(model_schema(QuarantineModel)) == ["table", "doc_id", "source_file", "reason", "row_json"]
    assert set(model_schema(LossScenariosModel)) >= {"scenario_index", "row_kind", "amount_jpy", "evidence"}
