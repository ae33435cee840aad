"""The development set: ten brochures written by people other than the extractors' authors
around real insurers' figures (`tests/fixtures/heldout_dev/`, copied from
`../shared/heldout-dev/`), scored with the project's scorer (`fixtures/gold_score.py`, a
verbatim copy of `../shared/tools/score.py`) on a warehouse built from their extractions.

The floors are the figures the code holds; a change that loses a row fails here. History:
before the layout model the set scored F1 0.712 (coverages 0.798, limits 0.516, premiums
0.787, loss scenarios 0.746); coverages 0.983 after label lines, "label: list" lines, announced
lists, noun-phrase descriptions and case tables that deny being payouts were read.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from extractors.extract import file_to_extraction
from pipelines.publish import extraction_to_frames

DEV = Path(__file__).resolve().parent / "fixtures" / "heldout_dev"
CORPUS, GOLD = DEV / "corpus", DEV / "gold"

#: per-table F1 and the headline F1 the development set scores today
MIN_F1 = {"coverages": 0.98, "limits": 0.72, "premiums": 0.78, "loss_scenarios": 0.74}
MIN_HEADLINE_F1 = 0.76


def scorer() -> ModuleType:
    """Given nothing, return the vendored scorer module."""
    spec = importlib.util.spec_from_file_location("gold_score", DEV.parent / "gold_score.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    warehouse = tmp_path_factory.mktemp("dev_warehouse")
    for path in sorted(CORPUS.iterdir()):
        frames = extraction_to_frames(file_to_extraction(path, CORPUS))
        for table, frame in frames.items():
            (warehouse / table).mkdir(exist_ok=True)
            frame.write_parquet(warehouse / table / f"{path.stem}.parquet")
    return dict(scorer().score(warehouse, GOLD))


def test_every_brochure_has_gold() -> None:
    assert sorted(p.stem for p in CORPUS.iterdir()) == sorted(p.stem for p in GOLD.glob("*.yaml"))


@pytest.mark.parametrize("table", sorted(MIN_F1))
def test_table_f1(result: dict[str, Any], table: str) -> None:
    got = result["tables"][table]
    assert got["f1"] >= MIN_F1[table], (got["misses"], got["extras"])


def test_headline_and_insurers(result: dict[str, Any]) -> None:
    assert result["f1"] >= MIN_HEADLINE_F1
    documents = result["documents"]
    assert documents["missing"] == []
    assert documents["insurer_right"] == documents["insurer_total"] == 10
