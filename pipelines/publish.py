"""Turn the read brochures of one run into the per-partition frames every table publishes.

Plain Python (no dagster). Rules, in order:

- a brochure that could not be read gives one ingest_errors row and no other rows;
- each table is validated once for the whole run; a row that fails goes to quarantine with
  its reason, the brochure's other rows are published;
- a row whose evidence is not a verbatim part of its brochure's text (its valid `pages` rows)
  fails like a row that breaks its model: it goes to quarantine with the reason "evidence not
  found in the document text" (`schemas.checks.evidence_problems`). Provenance is the one
  thing a published row may not lack, and the page texts are at hand here, so the row is kept
  out of the warehouse rather than published and flagged;
- a brochure whose documents row fails is not published at all: its other rows go to
  quarantine too and it gets an ingest_errors row (stage `validate`);
- a failed brochure is marked so that the data tables keep its last good version, if one was
  published (`Publication.failed`); ingest_errors and quarantine always describe the latest
  attempt;
- a failure of a whole table (a missing column, a wrong dtype: a bug, not bad input) is
  reported in `Publication.broken`, and then nothing at all may be published.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from extractors.records import Extraction, IngestErrorRecord
from extractors.reference import load_reference
from pipelines.brochures import Result, partition_key_to_source_file
from schemas import frames
from schemas.checks import CHILD_TABLES, EVIDENCE_TABLES, document_texts, evidence_problems
from schemas.models import REFERENCE_MODELS, TABLE_MODELS, IngestErrorsModel, QuarantineModel

#: the tables an Extraction fills; CHILD_TABLES starts with pages, which validation needs first
DATA_TABLES = ("documents", *CHILD_TABLES)
#: helper column naming the partition a row came from; never published
PARTITION = "__partition"


@dataclass(frozen=True)
class Outcome:
    """What became of one brochure in this run."""

    source_file: str
    error: IngestErrorRecord | None
    rows: Mapping[str, int]  # rows published per table
    quarantined: int


def outcome_line(outcome: Outcome) -> str:
    """Given what became of a brochure, return it as one line (as the run log and the CLI show it)."""
    if outcome.error is not None:
        kept = "; its last good version stays published" if outcome.rows.get("documents") else ""
        return f"{outcome.source_file}: ERROR {outcome.error.stage}: {outcome.error.error}{kept}"
    counts = ", ".join(f"{outcome.rows.get(t, 0)} {t}" for t in CHILD_TABLES)
    quarantined = f", {outcome.quarantined} rows quarantined" if outcome.quarantined else ""
    return f"{outcome.source_file}: published ({counts}{quarantined})"


def result_line(result: Result, seconds: float) -> str:
    """Given what reading one brochure gave and how long it took, return it as one line (live progress)."""
    if isinstance(result, IngestErrorRecord):
        return f"{result.source_file}: ERROR {result.stage}: {result.error}"
    counts = ", ".join(f"{len(getattr(result, t))} {t}" for t in CHILD_TABLES)
    return f"{result.document.source_file}: read ({counts}) in {seconds:.1f} s"


@dataclass(frozen=True)
class Publication:
    """Everything one run publishes, per table and partition key."""

    frames: Mapping[str, Mapping[str, pl.DataFrame]]
    failed: frozenset[str]
    outcomes: Mapping[str, Outcome]
    failure_cases: Mapping[str, pl.DataFrame] = field(default_factory=dict)
    broken: Mapping[str, pl.DataFrame] = field(default_factory=dict)


def extraction_to_frames(extraction: Extraction) -> dict[str, pl.DataFrame]:
    """Given one brochure's Extraction, return its rows as a typed frame per data table.

    Child tables carry an extra `source_file` column so that quarantined rows can name their
    file. Raises TypeError when a record holds a value of the wrong type.
    """
    document = extraction.document
    records: dict[str, tuple[object, ...]] = {
        "documents": (document,),
        "pages": extraction.pages,
        "coverages": extraction.coverages,
        "limits": extraction.limits,
        "premiums": extraction.premiums,
        "loss_scenarios": extraction.loss_scenarios,
    }
    out = {}
    for table, rows in records.items():
        frame = frames.records_to_frame(rows, TABLE_MODELS[table])
        if "source_file" not in frame.columns:
            frame = frame.with_columns(source_file=pl.lit(document.source_file, dtype=pl.String))
        out[table] = frame
    return out


def reference_to_frames() -> dict[str, pl.DataFrame]:
    """Given nothing, return the reference tables (insurers, taxonomy, industries) as typed frames."""
    return {t: frames.records_to_frame(rows, REFERENCE_MODELS[t]) for t, rows in load_reference().items()}


def unrepresentable_rows(extraction: Extraction) -> tuple[Extraction, pl.DataFrame]:
    """Given one brochure's Extraction, return it without the rows no frame can hold, and those rows.

    A figure beyond the 64-bit integers of its column (10京円 and up) would fail the whole
    brochure when its frame is built; its row goes to quarantine with the reason instead.
    """
    source_file = extraction.document.source_file
    kept: dict[str, Any] = {}
    quarantined = []
    for table in CHILD_TABLES:
        rows = getattr(extraction, table)
        reasons = frames.out_of_dtype(rows, TABLE_MODELS[table])
        if reasons:
            kept[table] = tuple(r for i, r in enumerate(rows) if i not in reasons)
            quarantined.append(frames.records_to_quarantine(rows, TABLE_MODELS[table], reasons, source_file))
    empty = frames.empty_frame(QuarantineModel)
    return dataclasses.replace(extraction, **kept), _concat(quarantined, empty)


def _with_partition(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    return frame.with_columns(pl.lit(key, dtype=pl.String).alias(PARTITION))


def _empty(table: str) -> pl.DataFrame:
    frame = frames.empty_frame(TABLE_MODELS[table])
    if "source_file" not in frame.columns:
        frame = frame.with_columns(source_file=pl.lit(None, dtype=pl.String))
    return _with_partition(frame, "")


def _concat(parts: list[pl.DataFrame], empty: pl.DataFrame) -> pl.DataFrame:
    return pl.concat(parts, how="vertical") if parts else empty


def _split_by_partition(frame: pl.DataFrame, keys: list[str], columns: list[str]) -> dict[str, pl.DataFrame]:
    """Given a frame with a PARTITION column, return {key: its rows with `columns`} for every key."""
    groups = {k[0]: g for k, g in frame.partition_by(PARTITION, as_dict=True, maintain_order=True).items()}
    empty = frame.clear().select(columns)
    return {key: groups[key].select(columns) if key in groups else empty for key in keys}


def _results_to_frames(
    results: Mapping[str, Result],
) -> tuple[dict[str, list[pl.DataFrame]], dict[str, IngestErrorRecord]]:
    """Given the run's results, return each data table's frames (one per brochure) and the errors by key.

    The rows no frame can hold are in the list of `quarantine` (with their partition).
    """
    parts: dict[str, list[pl.DataFrame]] = {t: [] for t in (*DATA_TABLES, "quarantine")}
    errors: dict[str, IngestErrorRecord] = {}
    for key, result in results.items():
        if isinstance(result, IngestErrorRecord):
            errors[key] = result
            continue
        result, unrepresentable = unrepresentable_rows(result)
        if unrepresentable.height:
            parts["quarantine"].append(_with_partition(unrepresentable, key))
        try:
            per_table = extraction_to_frames(result)
        except TypeError as e:
            errors[key] = IngestErrorRecord(
                source_file=partition_key_to_source_file(key),
                doc_id=result.document.doc_id,
                stage="validate",
                error=f"the extractor produced a value of the wrong type ({e}); a bug in the code: report it",
            )
            continue
        for table, frame in per_table.items():
            parts[table].append(_with_partition(frame, key))
    return parts, errors


def _document_error(row: Mapping[str, Any]) -> IngestErrorRecord:
    """Given the quarantine row of an invalid documents row, return its brochure's error."""
    return IngestErrorRecord(
        source_file=partition_key_to_source_file(row[PARTITION]),
        doc_id=row["doc_id"],
        stage="validate",
        error=f"the document's own row is invalid ({row['reason']}); nothing of it was published, "
        "see the quarantine table",
    )


def _split_rejected(
    table: str, frame: pl.DataFrame, rejected: list[str]
) -> tuple[pl.DataFrame, pl.DataFrame | None]:
    """Given a table's valid rows and the rejected keys, return the rows kept and the rest quarantined."""
    orphans = frame.with_row_index("__row").filter(pl.col(PARTITION).is_in(rejected))
    if not orphans.height:
        return frame, None
    reason = "not published: the documents row of this brochure is invalid"
    rows = dict.fromkeys(orphans.get_column("__row").to_list(), reason)
    quarantine = frames.quarantine_rows(frame, TABLE_MODELS[table], rows, carry=[PARTITION])
    return frame.filter(~pl.col(PARTITION).is_in(rejected)), quarantine


def _outcomes(
    keys: list[str],
    errors: Mapping[str, IngestErrorRecord],
    published: Mapping[str, Mapping[str, pl.DataFrame]],
    quarantine: pl.DataFrame,
) -> dict[str, Outcome]:
    """Given the run's keys, errors, published frames and quarantine, return each brochure's Outcome."""
    quarantined_per_key = dict(quarantine.group_by(PARTITION).len().iter_rows())
    return {
        key: Outcome(
            source_file=partition_key_to_source_file(key),
            error=errors.get(key),
            rows={t: published[t][key].height for t in TABLE_MODELS},
            quarantined=quarantined_per_key.get(key, 0),
        )
        for key in keys
    }


def results_to_publication(results: Mapping[str, Result]) -> Publication:
    """Given {partition key: Extraction or IngestErrorRecord} of one run, return what to publish."""
    keys = list(results)
    parts, errors = _results_to_frames(results)
    valid: dict[str, pl.DataFrame] = {}
    quarantined: list[pl.DataFrame] = parts.pop("quarantine")
    failure_cases: dict[str, pl.DataFrame] = {}
    texts: dict[str, str] = {}  # partition key -> its document's text, once `pages` is validated

    def validate(table: str, frame: pl.DataFrame) -> pl.DataFrame:
        rule_cases = None
        if table in EVIDENCE_TABLES and "evidence" in frame.columns:  # a missing column breaks the model
            problems = evidence_problems(frame, texts, by=PARTITION)
            rule_cases = frames.rule_failure_cases(frame, "evidence", problems)
        valid[table], bad, failure_cases[table] = frames.split_valid(frame, TABLE_MODELS[table], rule_cases)
        quarantined.append(bad)
        return bad

    # a brochure whose documents row is invalid cannot be published: it becomes an error
    for row in validate("documents", _concat(parts["documents"], _empty("documents"))).iter_rows(named=True):
        errors[row[PARTITION]] = _document_error(row)
    rejected = [k for k in keys if k in errors]
    for table in CHILD_TABLES:  # pages first: the others' evidence is looked up in them
        validate(table, _concat(parts[table], _empty(table)))
        if table == "pages":
            texts = document_texts(valid["pages"], by=PARTITION)
        valid[table], orphans = _split_rejected(table, valid[table], rejected)
        if orphans is not None:
            quarantined.append(orphans)
    validate(
        "ingest_errors",
        frames.records_to_frame([errors[k] for k in rejected], IngestErrorsModel).with_columns(
            pl.Series(PARTITION, rejected, dtype=pl.String)
        ),
    )
    quarantine = pl.concat(
        [q.select([*frames.model_schema(QuarantineModel), PARTITION]) for q in quarantined], how="vertical"
    )
    valid["quarantine"], _, failure_cases["quarantine"] = frames.split_valid(quarantine, QuarantineModel)

    whole = {t: frames.frame_level(c) for t, c in failure_cases.items()}
    broken = {t: c for t, c in whole.items() if c.height}
    if failure_cases["quarantine"].height:
        # a quarantine row that fails its own model cannot be quarantined anywhere: stop
        broken["quarantine"] = failure_cases["quarantine"]
    if broken:
        return Publication(
            frames={}, failed=frozenset(errors), outcomes={}, failure_cases=failure_cases, broken=broken
        )
    published = {
        table: _split_by_partition(valid[table], keys, list(frames.model_schema(TABLE_MODELS[table])))
        for table in TABLE_MODELS
    }
    return Publication(
        frames=published,
        failed=frozenset(errors),
        outcomes=_outcomes(keys, errors, published, quarantine),
        failure_cases=failure_cases,
        broken=broken,
    )
