"""The comparison report from the seed warehouse: every section, every chart drawn, nothing linked."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from pipelines.cli import ingest
from pipelines.report import REPORT_NAME

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Given the seed brochures ingested by the CLI into a fresh warehouse, return its report's HTML."""
    warehouse = tmp_path_factory.mktemp("wh")
    out, err = io.StringIO(), io.StringIO()
    assert ingest(SEEDS, str(warehouse), verbose=False, out=out, err=err) == 0, err.getvalue()
    assert f"report: {warehouse / REPORT_NAME}" in out.getvalue()
    return (warehouse / REPORT_NAME).read_text(encoding="utf-8")


def test_every_section_has_a_drawn_chart(report: str) -> None:
    for section in ("coverage", "limits", "premiums", "quality"):
        match = re.search(rf'<section id="{section}">.*?<svg(.*?)</svg>', report, flags=re.S)
        assert match, section
        assert len(re.findall(r"<(?:path|rect|use)\b", match.group(1))) > 10, section


def test_the_quality_table_counts_the_brochures(report: str) -> None:
    assert "<td>brochures published</td><td>5</td>" in report
    assert "<td>brochures in ingest_errors</td><td>0</td>" in report


def test_nothing_is_linked_from_outside(report: str) -> None:
    links = re.findall(r'\b(?:src|href)\s*=\s*"([^"]*)"', report)
    assert not [u for u in links if u.startswith(("http://", "https://", "//"))]
    assert "<script" not in report and "<link" not in report and "@import" not in report
