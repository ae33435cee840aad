"""Figures the warehouse cannot represent or that leave the published ranges go to quarantine, counted."""

import dataclasses

import polars as pl
import pytest
from conftest import SEEDS

from extractors.extract import file_to_extraction
from extractors.records import Extraction
from pipelines.publish import results_to_publication
from schemas.frames import INT64_MAX

KEY = "brochure.txt"


@pytest.fixture(scope="module")
def extractions(tmp_path_factory: pytest.TempPathFactory) -> list[Extraction]:
    """Every seed's Extraction, each read under the name KEY."""
    found = []
    for seed in sorted(SEEDS.glob("*.txt")):
        folder = tmp_path_factory.mktemp("raw")
        (folder / KEY).write_bytes(seed.read_bytes())
        found.append(file_to_extraction(folder / KEY, folder))
    return found


def _having(extractions: list[Extraction], table: str) -> Extraction:
    """Given the seeds' Extractions and a table, return the first with rows there (a limit: an amount)."""
    if table == "limits":
        return next(e for e in extractions if any(r.amount_jpy for r in e.limits))
    return next(e for e in extractions if getattr(e, table))


def _publish(extraction: Extraction) -> tuple[pl.DataFrame, int, dict[str, int]]:
    """Given an Extraction, return its quarantine rows, its outcome's quarantined count and rows published."""
    publication = results_to_publication({KEY: extraction})
    outcome = publication.outcomes[KEY]
    assert outcome.error is None, outcome.error
    return publication.frames["quarantine"][KEY], outcome.quarantined, dict(outcome.rows)


@pytest.mark.parametrize(
    ("table", "column", "value"),
    [
        ("limits", "amount_jpy", 10**20),  # 1垓円: no Int64 holds it
        ("premiums", "premium_jpy", INT64_MAX + 1),
        ("loss_scenarios", "amount_jpy", -(INT64_MAX + 2)),
    ],
)
def test_an_amount_beyond_int64_is_quarantined_not_the_brochure(
    extractions: list[Extraction], table: str, column: str, value: int
) -> None:
    extraction = _having(extractions, table)
    rows = getattr(extraction, table)
    huge = dataclasses.replace(rows[0], **{column: value})
    quarantine, counted, published = _publish(dataclasses.replace(extraction, **{table: (*rows, huge)}))
    assert counted == 1 == quarantine.height
    assert published[table] == len(rows)
    assert quarantine["table"][0] == table
    assert f"{column} {value} is beyond the range" in quarantine["reason"][0]
    assert str(value) in quarantine["row_json"][0]


@pytest.mark.parametrize(
    ("table", "change", "reason"),
    [
        ("limits", {"limit_type": "payout_ratio", "amount_jpy": None, "ratio": 1.5}, "ratio"),
        ("limits", {"limit_type": "payout_ratio", "amount_jpy": None, "ratio": float("nan")}, "ratio"),
        ("limits", {"limit_type": "limit", "amount_jpy": 0}, "amount_positive"),
        ("limits", {"limit_type": "limit", "amount_jpy": 10**13}, "amount_jpy"),
        ("premiums", {"premium_jpy": 0}, "premium_jpy"),
        ("loss_scenarios", {"amount_jpy": 0}, "amount_jpy"),
    ],
)
def test_a_figure_outside_the_published_range_is_quarantined_with_its_reason(
    extractions: list[Extraction], table: str, change: dict[str, object], reason: str
) -> None:
    extraction = _having(extractions, table)
    first = getattr(extraction, table)[0]
    rows = (*getattr(extraction, table), dataclasses.replace(first, **change))
    quarantine, counted, published = _publish(dataclasses.replace(extraction, **{table: rows}))
    assert counted == 1 == quarantine.height
    assert quarantine["table"][0] == table and reason in quarantine["reason"][0]
    assert published[table] == len(rows) - 1
