"""Typed frames from records, and validation that keeps the good rows and quarantines the rest."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pandera.errors
import pandera.polars as pa
import polars as pl

from schemas.models import ORDINAL, QuarantineModel, table_name

Model = type[pa.DataFrameModel]
#: the columns of pandera's failure cases, which failures found by other rules share
FAILURE_CASES_SCHEMA = pl.Schema(
    {
        "failure_case": pl.String,
        "schema_context": pl.String,
        "column": pl.String,
        "check": pl.String,
        "check_number": pl.Int32,
        "index": pl.Int32,
    }
)
#: schema_context of a failure found by a rule outside the table's pandera model
RULE_CONTEXT = "Rule"


@functools.cache
def model_schema(model: Model) -> pl.Schema:
    """Given a model, return the polars schema of its table (column order = record field order)."""
    return pl.Schema({name: column.dtype.type for name, column in model.to_schema().columns.items()})


def empty_frame(model: Model) -> pl.DataFrame:
    """Given a model, return an empty frame with its table's columns and dtypes."""
    return pl.DataFrame(schema=model_schema(model))


def _accepts(dtype: pl.DataType) -> Callable[[Any], bool]:
    """Given a column dtype, return the test a Python value must pass to go into it unchanged."""
    # polars would silently turn 1.5 into 1 or True into 1; a record holding the wrong type
    # is an extractor bug that must surface here, not as a quietly wrong figure
    if dtype == pl.Int64:
        return lambda v: isinstance(v, int) and not isinstance(v, bool)
    if dtype == pl.Float64:
        return lambda v: isinstance(v, int | float) and not isinstance(v, bool)
    if dtype == pl.Boolean:
        return lambda v: isinstance(v, bool)
    if dtype == pl.Date:
        return lambda v: isinstance(v, dt.date) and not isinstance(v, dt.datetime)
    if dtype == pl.String:
        return lambda v: isinstance(v, str)
    if dtype == pl.List(pl.String):
        return lambda v: isinstance(v, tuple | list) and all(isinstance(x, str) for x in v)
    raise TypeError(f"no rule for values of dtype {dtype}")


def records_to_frame(records: Iterable[object], model: Model) -> pl.DataFrame:
    """Given frozen-dataclass records of one table, return them as a frame with the model's dtypes.

    A model column named ORDINAL, which no record carries, is filled with 1, 2, … in the order
    of the records. Raises ValueError when the record type does not match the model's columns (code drift: no
    brochure can be published) and TypeError when a value has the wrong Python type (that
    brochure's extraction is wrong). The frame is never built by silent conversion.
    """
    rows = list(records)
    schema = model_schema(model)
    columns = [c for c in schema if c != ORDINAL]
    for record_type in {type(r) for r in rows}:
        names = (
            [f.name for f in dataclasses.fields(record_type)] if dataclasses.is_dataclass(record_type) else []
        )
        if names != columns:
            table = table_name(model)
            raise ValueError(
                f"{record_type.__name__} fields {names} do not match the {table} columns {columns}"
            )
    series = []
    for name, dtype in schema.items():
        if name == ORDINAL:
            series.append(pl.Series(name, range(1, len(rows) + 1), dtype=dtype))
            continue
        values = [getattr(r, name) for r in rows]
        accepts = _accepts(dtype)
        wrong = next((v for v in values if v is not None and not accepts(v)), None)
        if wrong is not None:
            raise TypeError(
                f"{table_name(model)}.{name} must hold {dtype} values, got {type(wrong).__name__} {wrong!r}"
            )
        series.append(pl.Series(name, values, dtype=dtype, strict=True))
    return pl.DataFrame(series, schema=schema)


#: the integers an Int64 column holds
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def out_of_dtype(records: Sequence[object], model: Model) -> dict[int, str]:
    """Given records of one table, return {index: reason} of those holding an integer no Int64 column holds.

    Such a figure (10京円 and beyond) cannot be put in a frame at all; its row is quarantined
    with this reason instead of failing its whole brochure.
    """
    columns = [name for name, dtype in model_schema(model).items() if dtype == pl.Int64 and name != ORDINAL]
    found = {}
    for i, record in enumerate(records):
        values = {c: getattr(record, c, None) for c in columns}
        bad = [
            f"{c} {v} is beyond the range of the column (64-bit integers, at most {INT64_MAX:,})"
            for c, v in values.items()
            if isinstance(v, int) and not isinstance(v, bool) and not INT64_MIN <= v <= INT64_MAX
        ]
        if bad:
            found[i] = "; ".join(bad)
    return found


def records_to_quarantine(
    records: Sequence[object], model: Model, reasons: dict[int, str], source_file: str
) -> pl.DataFrame:
    """Given records of one table, why each listed one is kept out and their file, return quarantine rows."""
    rows = [
        {
            "table": table_name(model),
            "doc_id": getattr(records[i], "doc_id", None),
            "source_file": source_file,
            "reason": reason,
            "row_json": _row_json(dataclasses.asdict(records[i])),  # type: ignore[call-overload]
        }
        for i, reason in sorted(reasons.items())
    ]
    return pl.DataFrame(rows, schema=model_schema(QuarantineModel), orient="row")


def validation_failures(frame: pl.DataFrame, model: Model) -> pl.DataFrame:
    """Given a frame holding (at least) the model's columns, return pandera's failure cases (empty if valid).

    Columns: failure_case, schema_context, column, check, check_number, index. `index` is the
    row number of a failing row; it is null for a failure of the frame as a whole (a missing
    column, a wrong dtype), which no single row can be blamed for.
    """
    columns = list(model_schema(model))
    extra = [c for c in frame.columns if c not in columns]
    try:
        model.validate(frame.drop(extra), lazy=True)
    except pandera.errors.SchemaErrors as e:
        return e.failure_cases
    return pl.DataFrame(schema=FAILURE_CASES_SCHEMA)


def rule_failure_cases(frame: pl.DataFrame, column: str, problems: dict[int, str]) -> pl.DataFrame:
    """Given a frame and {row index: problem with `column`} found by a rule, return them as failure cases.

    They have pandera's columns, so `split_valid` quarantines their rows and reports them like
    any other: the reason is "<column> <problem>".
    """
    rows = sorted(problems)
    values = frame.get_column(column).cast(pl.String).gather(rows) if rows else pl.Series([], dtype=pl.String)
    return pl.DataFrame(
        {
            "failure_case": values,
            "schema_context": [RULE_CONTEXT] * len(rows),
            "column": [column] * len(rows),
            "check": [problems[i] for i in rows],
            "check_number": [None] * len(rows),
            "index": rows,
        },
        schema=FAILURE_CASES_SCHEMA,
    )


def frame_level(failure_cases: pl.DataFrame) -> pl.DataFrame:
    """Given failure cases, return those of the frame as a whole (no row to blame)."""
    return failure_cases.filter(pl.col("index").is_null())


def failure_reason(case: dict[str, Any]) -> str:
    """Given one failure case as a dict, return it as a short sentence."""
    if case["schema_context"] == RULE_CONTEXT:
        return f"{case['column']} {case['check']}"
    if case["schema_context"] == "Column":
        return f"{case['column']}: {case['check']} failed for {case['failure_case']}"
    return f"{case['check']} failed"


def _reasons_by_row(failure_cases: pl.DataFrame, height: int) -> dict[int, str]:
    """Given failure cases of a frame with `height` rows, return each failing row's reasons."""
    whole = [failure_reason(c) for c in frame_level(failure_cases).iter_rows(named=True)]
    reasons: dict[int, list[str]] = {i: list(whole) for i in range(height)} if whole else {}
    for case in failure_cases.filter(pl.col("index").is_not_null()).iter_rows(named=True):
        reasons.setdefault(int(case["index"]), []).append(failure_reason(case))
    return {i: "; ".join(dict.fromkeys(r)) for i, r in sorted(reasons.items())}


def _row_json(row: dict[str, Any]) -> str:
    return json.dumps(row, ensure_ascii=False, default=str)


def quarantine_rows(
    frame: pl.DataFrame, model: Model, reasons: dict[int, str], *, carry: Sequence[str] = ()
) -> pl.DataFrame:
    """Given a frame, its model and the reason of each row to quarantine, return the quarantine rows.

    `carry` names extra columns of `frame` to keep beside the quarantine columns.
    """
    columns = list(model_schema(model))
    picked = frame.with_row_index("__row").filter(pl.col("__row").is_in(list(reasons)))
    records = []
    for row in picked.iter_rows(named=True):
        record = {
            "table": table_name(model),
            "doc_id": row.get("doc_id"),
            "source_file": row.get("source_file"),
            "reason": reasons[row["__row"]],
            "row_json": _row_json({c: row[c] for c in columns if c in row}),
        }
        records.append(record | {c: row[c] for c in carry})
    schema = dict(model_schema(QuarantineModel)) | {c: frame.schema[c] for c in carry}
    return pl.DataFrame(records, schema=schema, orient="row")


def split_valid(
    frame: pl.DataFrame, model: Model, rule_cases: pl.DataFrame | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Given a frame and its model, return (valid rows, quarantine rows, failure cases).

    `rule_cases` (see `rule_failure_cases`) are failures of rows found by rules beyond the
    model; their rows are quarantined too, and they are part of the failure cases returned.

    The frame is validated eagerly with lazy=True, so every failure is reported, not just the
    first. Columns of `frame` beyond the model's are not validated; they are kept on the valid
    rows and carried beside the quarantine columns, so that callers can tell whose rows they
    were. A failure of the frame as a whole (missing column, wrong dtype) puts every row in
    quarantine. Valid rows keep their order.
    """
    failure_cases = validation_failures(frame, model)
    if rule_cases is not None and rule_cases.height:
        failure_cases = pl.concat(
            [failure_cases, rule_cases.select(failure_cases.columns)], how="vertical_relaxed"
        )
    reasons = _reasons_by_row(failure_cases, frame.height)
    carry = [
        c for c in frame.columns if c not in model_schema(model) and c not in model_schema(QuarantineModel)
    ]
    valid = frame.with_row_index("__row").filter(~pl.col("__row").is_in(list(reasons))).drop("__row")
    return valid, quarantine_rows(frame, model, reasons, carry=carry), failure_cases
