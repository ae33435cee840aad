"""The pandera models, frames from records, split_valid and the cross-table rules (pure functions)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

import polars as pl
import pytest

from extractors.document import BBox, Cell, Document, Line, Page, Table
from extractors.extract import document_to_pages
from extractors.records import (
    CoverageRecord,
    DocumentRecord,
    IngestErrorRecord,
    LimitRecord,
    LossScenarioRecord,
    PageRecord,
    PremiumRecord,
)
from schemas import TABLE_MODELS, empty_frame, model_schema, records_to_frame, split_valid
from schemas.checks import (
    EVIDENCE_NOT_FOUND,
    NO_DOCUMENT_TEXT,
    RULES,
    document_texts,
    evidence_in_document_text,
    evidence_problems,
    one_document_per_brochure,
    premiums_monotone_in_revenue,
    rows_with_unknown_doc_id,
    scenario_items_add_up,
)
from schemas.frames import frame_level, rule_failure_cases, validation_failures
from schemas.models import (
    ORDINAL,
    CoveragesModel,
    DocumentsModel,
    IngestErrorsModel,
    LimitsModel,
    LossScenariosModel,
    PagesModel,
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
    "pages": PageRecord(DOC_ID, 2, "原因・被害範囲調査費用\n損害賠償責任 | 1億円"),
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


#: a box where a PDF printed a row's evidence
BOX = {"bbox_x0": 57.6, "bbox_top": 120.25, "bbox_x1": 540.0, "bbox_bottom": 131.5}


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
        # a scanned page in a PDF with text elsewhere has no text: "" is what it says
        ("pages", {"text": ""}),
        # a PDF row's box, and how its meaning was decided
        ("coverages", {**BOX, "attributed_by": "row_header"}),
        ("premiums", {**BOX, "attributed_by": "column_header"}),
        # a box at the page's corner, a box with no width (a vertical rule of text)
        ("limits", {"bbox_x0": 0.0, "bbox_top": 0.0, "bbox_x1": 0.0, "bbox_bottom": 12.0}),
        # an int coordinate is a float value too
        ("loss_scenarios", {**BOX, "bbox_x0": 57, "attributed_by": "document_default"}),
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
        ("pages", {"page": 0}, "greater_than_or_equal_to"),
        # a page belongs to a document
        ("pages", {"doc_id": " "}, "str_contains"),
        # no text is "", never null
        ("pages", {"text": None}, "not_nullable"),
        # attributed_by is one of the Attribution values
        ("coverages", {"attributed_by": "guess"}, "isin"),
        ("limits", {"attributed_by": "Column_Header"}, "isin"),
        ("premiums", {"attributed_by": ""}, "isin"),
        ("loss_scenarios", {"attributed_by": "table"}, "isin"),
        # a box lies on the page (points from its top-left corner) ...
        ("coverages", {**BOX, "bbox_x0": -1.0}, "greater_than_or_equal_to"),
        ("premiums", {**BOX, "bbox_top": -0.5}, "greater_than_or_equal_to"),
        # ... with its edges in order ...
        ("limits", {**BOX, "bbox_x0": 600.0}, "bbox_well_formed"),
        ("loss_scenarios", {**BOX, "bbox_bottom": 100.0}, "bbox_well_formed"),
        # ... and is all four coordinates or none
        ("coverages", {**BOX, "bbox_x1": None}, "bbox_well_formed"),
        ("limits", {"bbox_top": 120.0}, "bbox_well_formed"),
        # NaN is no position
        ("premiums", {**BOX, "bbox_x1": float("nan")}, "bbox_well_formed"),
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
        ordinal = [ORDINAL] if ORDINAL in model_schema(TABLE_MODELS[table]) else []
        assert list(_frame(table, record).columns) == [f.name for f in dataclasses.fields(record)] + ordinal


def test_the_ordinal_numbers_rows_in_record_order() -> None:
    rows = [dataclasses.replace(GOOD["loss_scenarios"], item_label=f"費用{i}") for i in range(3)]
    frame = _frame("loss_scenarios", *rows)
    assert frame.get_column(ORDINAL).to_list() == [1, 2, 3]
    assert frame.get_column("item_label").to_list() == ["費用0", "費用1", "費用2"]
    # an ordinal is a position: 0 is not one
    _, quarantine, _ = split_valid(
        frame.with_columns(pl.lit(0, dtype=pl.Int64).alias(ORDINAL)), LossScenariosModel
    )
    assert quarantine.height == 3


def test_rule_failure_cases_quarantine_their_rows_with_the_reason() -> None:
    frame = _frame("coverages", GOOD["coverages"], dataclasses.replace(GOOD["coverages"], evidence="作り話"))
    cases = rule_failure_cases(frame, "evidence", {1: EVIDENCE_NOT_FOUND})
    valid, quarantine, all_cases = split_valid(frame, CoveragesModel, cases)
    assert valid.height == 1
    assert quarantine.get_column("reason").to_list() == ["evidence not found in the document text"]
    assert all_cases.filter(pl.col("index") == 1).get_column("failure_case").to_list() == ["作り話"]
    assert frame_level(all_cases).is_empty()


@pytest.mark.parametrize("table", ["coverages", "limits", "premiums", "loss_scenarios"])
def test_rows_read_from_a_brochure_end_with_their_provenance(table: str) -> None:
    # the box and the attribution follow the record's other fields (the ordinal is not a field)
    columns = [c for c in model_schema(TABLE_MODELS[table]) if c != ORDINAL]
    assert columns[-5:] == ["bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom", "attributed_by"]
    assert [model_schema(TABLE_MODELS[table])[c] for c in columns[-5:]] == [pl.Float64] * 4 + [pl.String]
    # html and text rows have no box, and an extractor may not say how it attributed a row
    _, quarantine, _ = split_valid(_frame(table, GOOD[table]), TABLE_MODELS[table])
    assert GOOD[table].bbox_x0 is None and GOOD[table].attributed_by is None and quarantine.is_empty()


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
    for table in ("pages", "coverages", "limits", "premiums", "loss_scenarios"):
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


@pytest.mark.parametrize("table", ["pages", "coverages", "limits", "premiums", "loss_scenarios"])
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
    assert list(model_schema(PagesModel)) == ["doc_id", "page", "text"]


def _page(number: int, lines: list[str], rows: list[list[str]]) -> Page:
    table = Table(number, tuple(tuple(Cell(c) for c in row) for row in rows), BBox(0, 0, 1, 1))
    return Page(number, tuple(Line(t, number) for t in lines), (table,) if rows else ())


def test_pages_hold_the_document_text_page_by_page() -> None:
    document = Document(
        "a.pdf",
        "pdf",
        (
            _page(1, ["サイバー保険", "補償内容"], [["費用", "支払限度額"], ["原因調査費用", "1,000万円"]]),
            _page(2, ["保険料例"], []),
            _page(3, [], []),  # a scanned page
        ),
    )
    pages = document_to_pages(document, "d1")
    assert [(p.doc_id, p.page) for p in pages] == [("d1", 1), ("d1", 2), ("d1", 3)]
    assert pages[0].text == "サイバー保険\n補償内容\n費用 | 支払限度額\n原因調査費用 | 1,000万円"
    assert pages[2].text == ""
    # the same parts as Document.text, so a one-line quote is in one exactly when it is in the other
    parts = [t for p in pages for t in p.text.split("\n") if t]
    assert sorted(parts) == sorted(document.text.split("\n"))


# --- evidence_in_document_text --------------------------------------------------------------

PAGES = {
    "d1": ["サイバー保険のご案内\n損害賠償責任 1億円", "費用 | 支払限度額\n原因調査費用 | 1,000万円"],
    "d2": ["別の保険会社のパンフレット\n見舞金費用 500万円"],
}


def _pages(pages: dict[str, list[str]]) -> pl.DataFrame:
    records = [PageRecord(d, n, text) for d, texts in pages.items() for n, text in enumerate(texts, 1)]
    return _frame("pages", *reversed(records))  # files may come in any order: pages are sorted by number


def test_a_documents_text_is_its_pages_in_order() -> None:
    texts = document_texts(_pages(PAGES))
    assert texts["d1"] == "\n".join(PAGES["d1"])
    assert set(texts) == {"d1", "d2"}
    # the same brochure ingested under two names: its pages count once
    doubled = pl.concat([_pages(PAGES), _pages(PAGES)])
    assert document_texts(doubled) == texts


@pytest.mark.parametrize(
    ("doc_id", "evidence", "problem"),
    [
        # a line of page 1, verbatim
        ("d1", "損害賠償責任 1億円", None),
        # a table row as Table.row_text writes it, on page 2
        ("d1", "原因調査費用 | 1,000万円", None),
        # part of a line
        ("d1", "1億円", None),
        # a quote across the page break: the document's text is its pages one after another
        ("d1", "1億円\n費用 | 支払限度額", None),
        # the same words normalised (full-width digits) are not verbatim
        ("d1", "損害賠償責任 １億円", EVIDENCE_NOT_FOUND),
        # words joined without the space the brochure prints
        ("d1", "損害賠償責任1億円", EVIDENCE_NOT_FOUND),
        # text of another brochure
        ("d1", "見舞金費用 500万円", EVIDENCE_NOT_FOUND),
        # a document without pages rows cannot vouch for anything
        ("d9", "損害賠償責任 1億円", NO_DOCUMENT_TEXT),
        # no evidence at all
        ("d1", "", "is empty"),
    ],
)
def test_evidence_problems(doc_id: str, evidence: str, problem: str | None) -> None:
    rows = _frame("limits", dataclasses.replace(GOOD["limits"], doc_id=doc_id, evidence=evidence))
    found = evidence_problems(rows, document_texts(_pages(PAGES)))
    assert found == ({} if problem is None else {0: problem})


def _evidence_tables(table: str, evidence: list[str], quarantined: list[str]) -> dict[str, pl.DataFrame]:
    rows = [dataclasses.replace(GOOD[table], doc_id="d1", evidence=e) for e in evidence]
    quarantine = pl.DataFrame(
        [
            {
                "table": table,
                "doc_id": "d1",
                "source_file": "a.pdf",
                "reason": r,
                "row_json": '{"evidence": "x"}',
            }
            for r in quarantined
        ],
        schema=model_schema(QuarantineModel),
    )
    return {"pages": _pages(PAGES), table: _frame(table, *rows), "quarantine": quarantine}


@pytest.mark.parametrize("table", ["coverages", "limits", "premiums", "loss_scenarios"])
@pytest.mark.parametrize(
    ("evidence", "quarantined", "problems"),
    [
        # every quote is in the brochure, nothing was quarantined
        (["サイバー保険のご案内", "原因調査費用 | 1,000万円"], [], []),
        # a published row whose quote is not in the brochure (a warehouse written by other code)
        (["サイバー保険のご案内", "2億円"], [], ["published row: evidence not found in the document text"]),
        # a row quarantined for its evidence in the latest run: the extraction broke the rule
        (
            [],
            ["evidence not found in the document text"],
            ["quarantined: evidence not found in the document text"],
        ),
        # ... also when another reason comes first
        (
            [],
            ["page: greater_than_or_equal_to(1) failed for 0; evidence not found in the document text"],
            ["quarantined: evidence not found in the document text"],
        ),
        # rows quarantined for other reasons are the valid_rows check's business
        ([], ["ratio: less_than_or_equal_to(1.0) failed for 90.0"], []),
    ],
)
def test_evidence_in_document_text(
    table: str, evidence: list[str], quarantined: list[str], problems: list[str]
) -> None:
    failures = evidence_in_document_text(table)(_evidence_tables(table, evidence, quarantined), [])
    assert [f.problem for f in failures] == problems
    assert all(f.key == "d1" and f.table == table and "evidence" in f.details for f in failures)


# --- scenario_items_add_up ------------------------------------------------------------------


def _scenario(*rows: tuple[str, int], doc_id: str = "d1", index: int = 1) -> list[LossScenarioRecord]:
    """Given (row_kind, amount in 万円) pairs, return one scenario's rows in document order."""
    return [
        dataclasses.replace(
            GOOD["loss_scenarios"],
            doc_id=doc_id,
            scenario_index=index,
            item_label=f"{kind}{i}",
            amount_jpy=man * 10_000,
            row_kind=kind,
        )
        for i, (kind, man) in enumerate(rows, 1)
    ]


@pytest.mark.parametrize(
    ("rows", "failing"),
    [
        # items, then their total
        ([("item", 100), ("item", 200), ("total", 300)], []),
        # two blocks with subtotals, the total adds the subtotals (the AIG layout)
        (
            [
                ("item", 700),
                ("item", 460),
                ("subtotal", 1160),
                ("item", 1000),
                ("item", 510),
                ("subtotal", 1510),
                ("total", 2670),
            ],
            [],
        ),
        # the items miss the total (an item left out of the breakdown)
        (
            [("item", 400), ("item", 650), ("item", 120), ("item", 900), ("total", 2200)],
            [("total5", 2200, 2070)],
        ),
        # a subtotal its items miss; the total adds up the subtotals as printed
        (
            [("item", 100), ("subtotal", 150), ("item", 50), ("subtotal", 50), ("total", 200)],
            [("subtotal2", 150, 100)],
        ),
        # the subtotals are right but the total is not
        (
            [("item", 100), ("subtotal", 100), ("item", 50), ("subtotal", 50), ("total", 160)],
            [("total5", 160, 150)],
        ),
        # items after the last subtotal count towards the total too
        ([("item", 100), ("subtotal", 100), ("item", 50), ("total", 150)], []),
        # a total printed above its breakdown (損害額合計 … / 内訳)
        ([("total", 300), ("item", 100), ("item", 200)], []),
        ([("total", 350), ("item", 100), ("item", 200)], [("total1", 350, 300)]),
        # subtotals printed without their items: only the total can be checked
        ([("subtotal", 1160), ("subtotal", 1510), ("total", 2670)], []),
        # items without a closing row: nothing is stated, nothing to check
        ([("item", 100), ("item", 200)], []),
    ],
)
def test_scenario_items_add_up(rows: list[tuple[str, int]], failing: list[tuple[str, int, int]]) -> None:
    tables = {"loss_scenarios": _frame("loss_scenarios", *_scenario(*rows))}
    failures = scenario_items_add_up(tables, [])
    got = [(f.details["row"], f.details["stated_jpy"], f.details["computed_jpy"]) for f in failures]
    assert got == [(row, stated * 10_000, computed * 10_000) for row, stated, computed in failing]
    assert all(f.key == "d1" and f.details["scenario_index"] == 1 for f in failures)


def test_scenario_order_comes_from_the_ordinal_not_the_file() -> None:
    first = _frame(
        "loss_scenarios", *_scenario(("item", 100), ("subtotal", 100), ("item", 50), ("total", 150))
    )
    second = _frame("loss_scenarios", *_scenario(("item", 10), ("total", 10), doc_id="d2"))
    # rows read in another order (DuckDB over many files, a sort by amount), and one brochure twice
    shuffled = pl.concat([second, first, first]).sort("amount_jpy")
    assert scenario_items_add_up({"loss_scenarios": shuffled}, []) == []
    # ordinals that put the last item first: 50 + 100 → subtotal 100, then a total of 150 ≠ 100
    misordered = first.with_columns(pl.Series(ORDINAL, [2, 3, 1, 4]))
    failures = scenario_items_add_up({"loss_scenarios": misordered}, [])
    assert [f.details["row"] for f in failures] == ["subtotal2", "total4"]


def test_scenarios_are_checked_one_by_one() -> None:
    rows = _scenario(("item", 100), ("total", 100)) + _scenario(("item", 100), ("total", 300), index=2)
    failures = scenario_items_add_up({"loss_scenarios": _frame("loss_scenarios", *rows)}, [])
    assert [(f.key, f.details["scenario_index"]) for f in failures] == [("d1", 2)]


# --- premiums_monotone_in_revenue -----------------------------------------------------------


def _quotes(*quotes: tuple[int, int], **changes: Any) -> list[PremiumRecord]:
    """Given (revenue in 億円, premium in yen) pairs, return quotes of one industry and set of conditions."""
    return [
        dataclasses.replace(
            GOOD["premiums"], annual_revenue_jpy=oku * 100_000_000, premium_jpy=yen, **changes
        )
        for oku, yen in quotes
    ]


@pytest.mark.parametrize(
    ("quotes", "failing"),
    [
        # dearer as revenue rises
        (_quotes((1, 5_000), (5, 7_920), (30, 16_090)), []),
        # the same premium over a revenue band
        (_quotes((1, 5_000), (5, 5_000)), []),
        # cheaper at a higher revenue: a misread digit or a column read into the wrong row
        (_quotes((1, 5_000), (5, 4_800), (30, 16_090)), [(5, 4_800)]),
        # the fall is measured against the dearest lower revenue, not only the one just below
        (_quotes((1, 5_000), (5, 9_000), (10, 12_000), (30, 8_000)), [(30, 8_000)]),
        # several quotes at one revenue are not compared with each other
        (_quotes((5, 7_920), (5, 5_280)), []),
        # different deductibles are different products: no comparison across them
        (_quotes((1, 9_000), deductible_jpy=0) + _quotes((5, 7_000), deductible_jpy=500_000), []),
        # nor across periods (monthly vs annual) or installments
        (_quotes((1, 90_000), premium_period="annual") + _quotes((5, 7_920), premium_period="monthly"), []),
        (_quotes((1, 9_000), installments=None) + _quotes((5, 800), installments=12), []),
        # nor across industries, or documents
        (_quotes((1, 9_000), industry_label="物流業") + _quotes((5, 7_000), industry_label="製造業"), []),
        (_quotes((1, 9_000), doc_id="d1") + _quotes((5, 7_000), doc_id="d2"), []),
        # unknown conditions (nulls) are the same conditions: compared
        (_quotes((1, 9_000), (5, 7_000), effective_from=None, liability_limit_jpy=None), [(5, 7_000)]),
    ],
)
def test_premiums_monotone_in_revenue(quotes: list[PremiumRecord], failing: list[tuple[int, int]]) -> None:
    failures = premiums_monotone_in_revenue({"premiums": _frame("premiums", *reversed(quotes))}, [])
    got = [(f.details["revenue_jpy"] // 100_000_000, f.details["premium_jpy"]) for f in failures]
    assert got == failing
    for f in failures:
        assert f.details["lower_revenue_premium_jpy"] > f.details["premium_jpy"]
        assert f.details["lower_revenue_jpy"] < f.details["revenue_jpy"]


def test_every_rule_has_a_severity_and_the_warnings_are_the_arithmetic_ones() -> None:
    severities = {(r.table, r.name): r.severity for r in RULES}
    assert severities[("loss_scenarios", "scenario_items_add_up")] == "warn"
    assert severities[("premiums", "premiums_monotone_in_revenue")] == "warn"
    assert {
        severities[(t, "evidence_in_document_text")]
        for t in ("coverages", "limits", "premiums", "loss_scenarios")
    } == {"error"}


@pytest.mark.parametrize(
    ("approximate_row", "total", "fails"),
    [
        # 約2.2億円 printed for items of 2.15億円: within the tolerance of a rounded figure
        (3, 22_000, False),
        # the same miss with every figure exact is a real miss
        (None, 22_000, True),
        # an approximate item does not excuse a total that is far off (2.15億 against 3億)
        (1, 30_000, True),
    ],
)
def test_scenario_sums_tolerate_approximate_figures(
    approximate_row: int | None, total: int, fails: bool
) -> None:
    rows = _scenario(("item", 15_000), ("item", 6_500), ("total", total))
    if approximate_row is not None:
        rows[approximate_row - 1] = dataclasses.replace(rows[approximate_row - 1], approximate=True)
    failures = scenario_items_add_up({"loss_scenarios": _frame("loss_scenarios", *rows)}, [])
    assert bool(failures) is fails
