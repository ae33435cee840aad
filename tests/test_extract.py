"""extract.py: doc ids, page text, and which table a figure is published in."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors.extract import NO_ROWS, bytes_to_doc_id, file_to_extraction, limits_not_quoted_elsewhere
from extractors.records import LimitRecord, LossScenarioRecord, PremiumRecord

ROW = "5億円 | 12.3万円 | 9.85万円"


def _limit(evidence: str) -> LimitRecord:
    return LimitRecord("d", None, "x", "limit", 123_000, None, None, None, None, None, 1, evidence)


def _quote(evidence: str) -> PremiumRecord:
    conditions = (None, None, None, None, None)
    return PremiumRecord("d", "製造業", "E", 500_000_000, 123_000, "annual", *conditions, 1, evidence)


def _cost(evidence: str) -> LossScenarioRecord:
    return LossScenarioRecord("d", 1, "例", "調査費用", None, 1_000_000, "item", 1, evidence)


@pytest.mark.parametrize(
    ("quotes", "costs", "kept"),
    [
        # a premium grid row is a quote, not a limit: its figures are not published as limits
        ([_quote(ROW)], [], 0),
        # a worked example's cost line is not a limit either
        ([], [_cost(ROW)], 0),
        # a limit read from its own line stays
        ([_quote("別の行")], [_cost("また別の行")], 1),
        # with no premiums and no scenarios every limit stays
        ([], [], 1),
    ],
)
def test_limits_not_quoted_elsewhere(
    quotes: list[PremiumRecord], costs: list[LossScenarioRecord], kept: int
) -> None:
    assert len(limits_not_quoted_elsewhere([_limit(ROW)], quotes, costs)) == kept


def test_doc_id_follows_the_bytes_not_the_name(tmp_path: Path) -> None:
    # the same bytes under two names share an id; one changed byte gives another
    (tmp_path / "a.txt").write_bytes(b"abc")
    (tmp_path / "b.txt").write_bytes(b"abc")
    (tmp_path / "c.txt").write_bytes(b"abd")
    ids = [bytes_to_doc_id((tmp_path / n).read_bytes()) for n in ("a.txt", "b.txt", "c.txt")]
    assert ids[0] == ids[1] != ids[2] and len(ids[0]) == 16


def test_every_published_evidence_is_in_the_pages() -> None:
    # provenance: every row's evidence occurs verbatim in its document's page text
    seeds = Path(__file__).parent / "fixtures" / "seeds"
    for path in sorted(seeds.glob("*.txt")):
        extraction = file_to_extraction(path, seeds)
        text = "\n".join(p.text for p in extraction.pages)
        rows = [*extraction.coverages, *extraction.limits, *extraction.premiums, *extraction.loss_scenarios]
        assert rows, path.name
        assert all(r.evidence and r.evidence in text for r in rows), path.name


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # prose that is no brochure: pages, yet no row of any kind
        ("minutes.txt", "議事録\n本日の会議では来期の予算について話し合いました。\n次回は来月です。\n"),
        # an HTML page of the same kind
        ("news.html", "<html><body><h1>お知らせ</h1><p>年末年始の営業日のご案内です。</p></body></html>"),
    ],
)
def test_a_document_without_rows_is_published_with_a_warning(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    extraction = file_to_extraction(tmp_path / name, tmp_path)
    assert extraction.pages and not extraction.coverages and not extraction.limits
    [warning] = [w for w in extraction.document.warnings if w.startswith(NO_ROWS)]
    assert "1 page(s)" in warning


def test_a_brochure_with_rows_has_no_such_warning() -> None:
    seeds = Path(__file__).parent / "fixtures" / "seeds"
    for path in sorted(seeds.glob("*.txt")):
        assert not any(w.startswith(NO_ROWS) for w in file_to_extraction(path, seeds).document.warnings)
