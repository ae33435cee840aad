"""The warehouse-wide WARN rules: brochures in ingest_errors, rows in quarantine."""

from __future__ import annotations

import json

import polars as pl
import pytest

from schemas.checks import brochures_without_errors, documents_with_coverages, nothing_quarantined
from schemas.frames import records_to_frame
from schemas.models import IngestErrorsModel, QuarantineModel


def _errors(*rows: tuple[str, str, str]) -> pl.DataFrame:
    frame = pl.DataFrame(
        [{"source_file": f, "doc_id": None, "stage": s, "error": e} for f, s, e in rows],
        schema={"source_file": pl.String, "doc_id": pl.String, "stage": pl.String, "error": pl.String},
    )
    return frame.select(list(IngestErrorsModel.to_schema().columns))


@pytest.mark.parametrize(
    ("rows", "keys"),
    [
        ((), []),  # a clean warehouse: the check passes
        ((("a.pdf", "read", "the file is empty; re-export it"),), ["a.pdf"]),  # one failed brochure
        (
            (("a.pdf", "read", "x" * 20), ("b/c.html", "extract", "y" * 20)),
            ["a.pdf", "b/c.html"],
        ),  # each named
    ],
)
def test_brochures_without_errors(rows: tuple[tuple[str, str, str], ...], keys: list[str]) -> None:
    failures = brochures_without_errors({"ingest_errors": _errors(*rows)}, [])
    assert [f.key for f in failures] == keys
    assert [f.problem for f in failures] == [r[2] for r in rows]
    assert [f.details["stage"] for f in failures] == [r[1] for r in rows]


def _quarantine(source_file: str | None, doc_id: str | None, row_json: str) -> pl.DataFrame:
    row = {
        "table": "limits",
        "doc_id": doc_id,
        "source_file": source_file,
        "reason": "ratio <= 1",
        "row_json": row_json,
    }
    return pl.DataFrame([row], schema=dict.fromkeys(row, pl.String)).select(
        list(QuarantineModel.to_schema().columns)
    )


@pytest.mark.parametrize(
    ("source_file", "doc_id", "row_json", "key", "page", "evidence"),
    [
        # the row's file, page and evidence come with the reason
        (
            "a.pdf",
            "d1",
            json.dumps({"page": 2, "evidence": "縮小支払割合150%"}),
            "a.pdf",
            2,
            "縮小支払割合150%",
        ),
        # no file known: the doc_id names it
        (None, "d1", json.dumps({"page": 1}), "d1", 1, None),
        # a row_json that does not parse still gives a failure
        ("a.pdf", None, "{not json", "a.pdf", None, None),
    ],
)
def test_nothing_quarantined(
    source_file: str | None,
    doc_id: str | None,
    row_json: str,
    key: str,
    page: int | None,
    evidence: str | None,
) -> None:
    (failure,) = nothing_quarantined({"quarantine": _quarantine(source_file, doc_id, row_json)}, [])
    assert (failure.key, failure.problem) == (key, "ratio <= 1")
    assert (failure.details["table"], failure.details["page"], failure.details["evidence"]) == (
        "limits",
        page,
        evidence,
    )


def test_an_empty_quarantine_passes() -> None:
    assert nothing_quarantined({"quarantine": records_to_frame([], QuarantineModel)}, []) == []


def _documents(*ids: str) -> pl.DataFrame:
    return pl.DataFrame(
        {"doc_id": list(ids), "source_file": [f"{i}.pdf" for i in ids], "page_count": [1] * len(ids)},
        schema={"doc_id": pl.String, "source_file": pl.String, "page_count": pl.Int64},
    )


@pytest.mark.parametrize(
    ("documents", "covered", "bare"),
    [
        (("a", "b"), ("a", "b", "b"), []),  # every document lists coverages
        (("a", "b"), ("a",), ["b"]),  # b was read but yielded none
        (("a",), (), ["a"]),  # no coverage anywhere
    ],
)
def test_documents_with_coverages(
    documents: tuple[str, ...], covered: tuple[str, ...], bare: list[str]
) -> None:
    tables = {
        "documents": _documents(*documents),
        "coverages": pl.DataFrame({"doc_id": list(covered)}, schema={"doc_id": pl.String}),
    }
    failures = documents_with_coverages(tables, [])
    assert [f.key for f in failures] == bare
    assert [f.details["source_file"] for f in failures] == [f"{b}.pdf" for b in bare]
