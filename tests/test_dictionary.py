"""The data dictionary (schemas.dictionary): generated from the pandera models, checked in, never stale."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
import pytest

from schemas import dictionary
from schemas.models import TABLE_MODELS, LimitsModel


def test_the_checked_in_dictionary_is_what_the_models_say() -> None:
    # regenerate on purpose with `python -m schemas.dictionary --write` after changing a model
    assert dictionary.DICTIONARY_PATH.read_text(encoding="utf-8") == dictionary.models_to_markdown()


@pytest.mark.parametrize("table", list(TABLE_MODELS))
def test_every_column_is_described(table: str) -> None:
    columns = dictionary.model_to_columns(TABLE_MODELS[table])
    assert columns and all(c.description.strip() for c in columns), table


def test_a_changed_column_changes_the_dictionary() -> None:
    # what the drift test relies on: a model change shows in the generated text
    class Wider(LimitsModel):
        currency: pl.String = pa.Field(isin=("JPY", "USD"), description="the currency of amount_jpy")

    changed = dictionary.models_to_markdown({**TABLE_MODELS, "limits": Wider})
    assert changed != dictionary.models_to_markdown()
    assert "| currency | String | no | one of `JPY`, `USD` | the currency of amount_jpy |" in changed


@pytest.mark.parametrize(
    ("column", "allowed"),
    [
        # a closed set of values
        ("limit_type", "one of `limit`, `deductible`"),
        # a range, digits grouped
        ("amount_jpy", "≥ 0; < 1,000,000,000,000"),
        # a fraction
        ("ratio", "≥ 0.0; ≤ 1.0"),
        # a custom check is named
        ("coverage_id", "check `coverage_id_in_taxonomy`"),
    ],
)
def test_checks_read_as_allowed_values(column: str, allowed: str) -> None:
    by_name = {c.name: c for c in dictionary.model_to_columns(LimitsModel)}
    assert by_name[column].allowed.startswith(allowed)
