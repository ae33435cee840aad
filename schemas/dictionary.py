"""The data dictionary, generated from the pandera models: one section per table, one row per
column with its type, nullability, allowed values and meaning.

    python -m schemas.dictionary            # print it
    python -m schemas.dictionary --write    # regenerate docs/data-dictionary.md (on purpose)

`tests/test_dictionary.py` fails when the checked-in markdown drifts from the models.
"""

from __future__ import annotations

import argparse
import inspect
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandera.polars as pa

from schemas.models import WAREHOUSE_MODELS

DICTIONARY_PATH = Path(__file__).resolve().parent.parent / "docs" / "data-dictionary.md"


def _bound(value: Any) -> str:
    """Given a check's bound, return it as the dictionary prints it (digits grouped: 1,000,000,000,000)."""
    return f"{value:,}" if isinstance(value, int | float) else str(value)


#: how a column check's statistics read in the dictionary, by pandera's check name
_CHECK_TEXT = {
    "isin": lambda s: "one of " + ", ".join(f"`{v}`" for v in s["allowed_values"]),
    "greater_than": lambda s: f"> {_bound(s['min_value'])}",
    "greater_than_or_equal_to": lambda s: f"≥ {_bound(s['min_value'])}",
    "less_than": lambda s: f"< {_bound(s['max_value'])}",
    "less_than_or_equal_to": lambda s: f"≤ {_bound(s['max_value'])}",
    "str_matches": lambda s: f"matches `{s['pattern']}`",
    "str_contains": lambda s: "not blank" if s["pattern"] == r"\S" else f"contains `{s['pattern']}`",
    "str_startswith": lambda s: f"starts with `{s['string']}`",
}


@dataclass(frozen=True)
class ColumnDoc:
    """One column as the dictionary states it."""

    name: str
    dtype: str
    nullable: bool
    allowed: str
    description: str


def check_to_text(check: Any) -> str:
    """Given a pandera column check, return what it allows in words (its name for a custom check)."""
    render = _CHECK_TEXT.get(check.name)
    return render(check.statistics) if render else f"check `{check.name}`"


def model_to_columns(model: type[pa.DataFrameModel]) -> list[ColumnDoc]:
    """Given a table model, return its columns in order, as the dictionary states them."""
    schema = model.to_schema()
    return [
        ColumnDoc(
            name=name,
            dtype=str(column.dtype),
            nullable=bool(column.nullable),
            allowed="; ".join(check_to_text(check) for check in column.checks),
            description=column.description or "",
        )
        for name, column in schema.columns.items()
    ]


def _cell(text: str) -> str:
    """Given text, return it safe inside a markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def model_to_markdown(table: str, model: type[pa.DataFrameModel]) -> str:
    """Given a table name and its model, return the table's section of the dictionary."""
    doc = inspect.cleandoc(model.__doc__ or "").split("\n\n")[0].replace("\n", " ")
    lines = [f"## `{table}`", "", doc, ""] if doc else [f"## `{table}`", ""]
    lines += ["| column | type | null | allowed | meaning |", "|---|---|---|---|---|"]
    for c in model_to_columns(model):
        null = "yes" if c.nullable else "no"
        lines.append(f"| {c.name} | {c.dtype} | {null} | {_cell(c.allowed)} | {_cell(c.description)} |")
    table_checks = [check.name for check in model.to_schema().checks]
    if table_checks:
        lines += ["", "Row checks: " + ", ".join(f"`{name}`" for name in table_checks) + "."]
    return "\n".join(lines)


def models_to_markdown(
    models: dict[str, type[pa.DataFrameModel]] = WAREHOUSE_MODELS,
) -> str:
    """Given the table models, return the whole data dictionary as markdown."""
    head = [
        "# Data dictionary",
        "",
        "Generated from the pandera models in `schemas/models.py` by `python -m schemas.dictionary "
        "--write`; do not edit by hand. Amounts are integer yen, ratios fractions (0.9, not 90).",
    ]
    return "\n\n".join(["\n".join(head), *(model_to_markdown(t, m) for t, m in models.items())]) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Given command-line arguments, print the dictionary or write it to docs/; return the exit code."""
    parser = argparse.ArgumentParser(description="The warehouse's data dictionary, from the pandera models.")
    parser.add_argument("--write", action="store_true", help=f"regenerate {DICTIONARY_PATH.name}")
    args = parser.parse_args(argv)
    text = models_to_markdown()
    if args.write:
        DICTIONARY_PATH.write_text(text, encoding="utf-8")
        print(f"wrote {DICTIONARY_PATH}")
    else:
        print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
