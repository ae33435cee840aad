"""A figure read but out of its column's range is quarantined with the reason, never dropped silently."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from pipelines import cli
from pipelines.storage import Warehouse


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        # a ratio above 100 %: read, then refused by the limits model
        ("縮小支払割合 150%", "ratio"),
        # a limit of 0 yen states no limit: refused by amount_positive
        ("支払限度額 0円", "amount_positive"),
    ],
)
def test_an_out_of_range_limit_lands_in_quarantine(
    tmp_path: Path, line: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    text = f"# サイバー保険\n\n## 費用損害\n\n- 支払限度額 1,000万円\n\n## 賠償損害\n\n- {line}\n"
    (raw / "flyer.md").write_text(text, encoding="utf-8")
    assert cli.main(["ingest", str(raw), "--warehouse", str(tmp_path / "wh")]) == 0
    capsys.readouterr()
    quarantine = Warehouse.at(str(tmp_path / "wh")).read_table("quarantine")
    rows = quarantine.filter(pl.col("table") == "limits")
    assert rows.height == 1, quarantine
    assert reason in rows["reason"][0] and rows["source_file"][0] == "flyer.md"
