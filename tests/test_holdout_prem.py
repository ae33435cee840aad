"""Held-out brochures for premiums, loss scenarios and document fields, scored against their gold.

tests/fixtures/holdout_prem/ holds brochures written to differ from the seeds (other
insurers, layouts and formats; see gold/*.yaml for what each one tests) and a gold file per
brochure, written before the extractor was run on them: hp1–hp4 in a first round, hp5–hp8 in
a second (a transposed matrix with 円 only in its caption, grouped industries in per-plan
tables with 月払/年払 columns, a one-sentence quote beside a starting price, a
whitespace-aligned text grid with ※ marks and 個別見積 cells; a total printed first, a total
stated in prose, two numbered cases, 千円 tables, statistics without a breakdown; an agency
named 損保, a co-insurance list, dated form numbers), and hp9–hp11 in a third (a two-level
revenue header over ※-marked industries with the plan stated in its own section; two plan
tables with their conditions in the captions beside a statistics sidebar; text copied from a
PDF with 業種　年間保険料　金額 rows under ■売上高…の場合 bands, a sentence broken over lines,
and 千円 figures declared on a （単位：千円） line), and hp12–hp13 in a fourth (a long-format
quote table 業種 | 売上高 | 年間保険料 | 月額換算 whose conversion column quotes nothing, a
markdown 売上高＼業種 grid with ¥ and decimal 万円 cells under a 年額、一時払 note). src/ holds
the HTML a PDF was printed from; it is the PDF's source, not a brochure.

Rows are matched the way ../shared/tools/score.py matches them: premiums as a set of
(industry, revenue, premium, period), loss scenarios as a multiset of (amount, kind), each
found row used once. The thresholds are the figures measured when the mechanisms were
generalised; a regression below them fails.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from extractors import readers
from extractors.extract import file_to_extraction
from extractors.records import Extraction

HOLDOUT = Path(__file__).resolve().parent / "fixtures" / "holdout_prem"
GOLD = HOLDOUT / "gold"
BROCHURES = sorted(p for p in HOLDOUT.iterdir() if p.is_file())

#: F1 each brochure reached once its misses were fixed by general mechanisms
MIN_F1 = {"premiums": 1.0, "loss_scenarios": 1.0}


def nfkc(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def f1(
    found: list[tuple[Any, ...]], gold: list[dict[str, Any]], key: Callable[[dict[str, Any]], tuple[Any, ...]]
) -> float:
    """Given found rows and gold rows, return the F1 of a one-to-one match (optional gold costs nothing)."""
    used = [False] * len(found)
    hit_required = 0
    for row in sorted(gold, key=lambda g: bool(g.get("optional"))):
        index = next((i for i, f in enumerate(found) if not used[i] and f == key(row)), None)
        if index is not None:
            used[index] = True
            hit_required += not row.get("optional")
    required = sum(not g.get("optional") for g in gold)
    precision = sum(used) / len(found) if found else (1.0 if required == 0 else 0.0)
    recall = hit_required / required if required else 1.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def gold_of(path: Path) -> dict[str, Any]:
    data = yaml.safe_load((GOLD / f"{path.stem}.yaml").read_text(encoding="utf-8"))
    assert data["source"] == path.stem
    return data


@pytest.fixture(scope="module", params=BROCHURES, ids=lambda p: p.name)
def case(request: pytest.FixtureRequest) -> tuple[Extraction, dict[str, Any]]:
    path: Path = request.param
    return file_to_extraction(path, HOLDOUT), gold_of(path)


def test_every_brochure_has_gold_and_the_formats_differ() -> None:
    assert {p.stem for p in BROCHURES} == {p.stem for p in GOLD.glob("*.yaml")}
    assert {p.suffix for p in BROCHURES} >= {".md", ".html", ".pdf", ".txt"}
    for pdf in HOLDOUT.glob("*.pdf"):
        assert (HOLDOUT / "src" / f"{pdf.stem}.html").exists(), pdf.name  # the PDF's source is kept


def test_premiums(case: tuple[Extraction, dict[str, Any]]) -> None:
    extraction, gold = case
    found = sorted(
        {
            (nfkc(r.industry_label), r.annual_revenue_jpy, r.premium_jpy, r.premium_period)
            for r in extraction.premiums
        },
        key=str,
    )
    score = f1(
        found,
        gold["premiums"],
        lambda g: (nfkc(g["industry"]), g["revenue_jpy"], g["premium_jpy"], g["period"]),
    )
    assert score >= MIN_F1["premiums"], found
    jsic = {nfkc(g["industry"]): g["jsic"] for g in gold["premiums"]}
    assert {nfkc(r.industry_label): r.jsic_code for r in extraction.premiums} == jsic


def test_premium_conditions(case: tuple[Extraction, dict[str, Any]]) -> None:
    extraction, gold = case
    for name, want in (gold.get("premium_conditions") or {}).items():
        assert {getattr(r, name) for r in extraction.premiums} == {want}, name


def test_loss_scenarios(case: tuple[Extraction, dict[str, Any]]) -> None:
    extraction, gold = case
    found = [(r.amount_jpy, r.row_kind) for r in extraction.loss_scenarios]
    score = f1(found, gold["loss_scenarios"], lambda g: (g["amount_jpy"], g["kind"]))
    assert score >= MIN_F1["loss_scenarios"], found


def test_document_fields(case: tuple[Extraction, dict[str, Any]]) -> None:
    extraction, gold = case
    want = gold["document"]
    assert extraction.document.insurer_id == want["insurer_id"]
    assert extraction.document.document_date == want.get("document_date")


@pytest.mark.parametrize("path", BROCHURES, ids=lambda p: p.name)
def test_evidence_quotes_the_brochure(path: Path) -> None:
    # every published row quotes the text it was read from, verbatim
    document = readers.read(path)
    extraction = file_to_extraction(path, HOLDOUT)
    evidence = [r.evidence for r in extraction.premiums] + [r.evidence for r in extraction.loss_scenarios]
    assert evidence
    for text in evidence:
        assert text and text in document.text


def test_scoring_can_fail() -> None:
    # the helper scores a wrong row as wrong and a missing required row as a miss
    gold = [{"amount_jpy": 1, "kind": "item"}, {"amount_jpy": 2, "kind": "total", "optional": True}]
    assert f1([(1, "item")], gold, lambda g: (g["amount_jpy"], g["kind"])) == 1.0
    assert f1([(1, "item"), (3, "item")], gold, lambda g: (g["amount_jpy"], g["kind"])) < 1.0
    assert f1([], gold, lambda g: (g["amount_jpy"], g["kind"])) == 0.0
