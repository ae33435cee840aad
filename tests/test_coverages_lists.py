"""Coverage items listed without bullets: label lines, "label: list" lines, announced lists,
noun-phrase descriptions, and case-story tables that deny they are payouts."""

from __future__ import annotations

import pytest

from extractors.blocks import Unit
from extractors.coverages import (
    contexts_to_coverages,
    description_ids,
    document_to_coverages,
    labelled_list,
    unit_pieces,
)
from extractors.document import Line
from extractors.sections import units_to_contexts
from tests.test_coverages import doc_from_text, ids_of


def paragraph(*lines: str) -> Unit:
    """Given line texts, return one paragraph unit holding them (as a PDF reader groups them)."""
    return Unit(page=1, lines=tuple(Line(text, page=1) for text in lines))


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # every line an item label: one piece per line
        (
            ("お詫び状の作成・発送費用", "コールセンターの設置費用", "見舞金・見舞品費用※"),
            ["お詫び状の作成・発送費用", "コールセンターの設置費用", "見舞金・見舞品費用※"],
        ),
        # a sentence wrapped over lines stays one piece
        (
            ("情報漏えい事故が起きると、思わぬ出費が", "重なります。"),
            ["情報漏えい事故が起きると、思わぬ出費が\n重なります。"],
        ),
        # one line: the pieces its inline marks start
        (("①原因調査費用②見舞金",), ["①原因調査費用", "②見舞金"]),
    ],
)
def test_unit_pieces(lines: tuple[str, ...], expected: list[str]) -> None:
    assert unit_pieces(paragraph(*lines)) == expected


def test_label_lines_under_a_coverage_heading_are_items() -> None:
    units = [
        paragraph("補償される費用"),
        paragraph("お詫び状の作成・発送費用", "コールセンターの設置費用", "見舞金・見舞品費用"),
    ]
    found = ids_of(contexts_to_coverages(units_to_contexts(units), "t"))
    assert {"expense.notification", "expense.call_center", "expense.condolence"} <= found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a group label, then its items
        (
            "賠償損害：法律上の損害賠償金、争訟費用（弁護士費用など）、訴訟対応費用",
            ("賠償損害", ["法律上の損害賠償金", "争訟費用(弁護士費用など)", "訴訟対応費用"]),
        ),
        # a bare list
        ("原因調査費用、見舞金、コールセンター費用", ("", ["原因調査費用", "見舞金", "コールセンター費用"])),
        # a label before a sentence is no list
        ("賠償損害：情報が漏えいし、損害賠償請求を受けた場合、損害を補償", None),
        # two pieces could be a phrase
        ("賠償損害：損害賠償金、争訟費用", None),
    ],
)
def test_labelled_list(text: str, expected: tuple[str, list[str]] | None) -> None:
    assert labelled_list(text) == expected


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # a "label: list" line in a coverage block names the label's and every item's id
        (
            "補償の概要\n費用損害（プロテクト費用）：謝罪文の郵送費用、謝罪広告費用、見舞金、再発防止対策費用",
            {"expense", "expense.notification", "expense.public_relations", "expense.condolence",
             "expense.prevention"},
            set(),
        ),
        # the same line in a case story offers nothing
        (
            "事故例\n費用損害：謝罪文の郵送費用、謝罪広告費用、見舞金",
            set(),
            {"expense.notification", "expense.public_relations", "expense.condolence"},
        ),
        # an offer sentence announcing what follows makes the next sentence offered
        (
            "次の費用をお支払いします。謝罪広告の掲載費用、見舞金・見舞品購入費、事故原因の調査費用。",
            {"expense.public_relations", "expense.condolence", "expense.forensics"},
            set(),
        ),
        # without the announcement the next sentence is a story
        (
            "保険金をお支払いします。謝罪広告の掲載費用、見舞金が必要になりました。",
            set(),
            {"expense.public_relations", "expense.condolence"},
        ),
        # a noun-phrase description under a coverage heading names what it ends with
        (
            "補償の概要\n賠償責任\n他人に損害を与え、損害賠償請求を受けた場合の損害賠償金や争訟費用",
            {"liability.damages", "liability.defense"},
            set(),
        ),
        # ... a sentence saying the same without an offer cue does not
        (
            "補償の概要\n賠償責任\n取引先から損害賠償請求を受け、損害賠償金や争訟費用を支払った。",
            set(),
            {"liability.damages", "liability.defense"},
        ),
        # a case (ケース) heading closes the coverage block
        ("補償内容\nケース1 顧客情報の流出\n・データ復旧費用", set(), {"expense.data_restoration"}),
        # a case story's table with a cost column is read ...
        ("事故例\n費用の内容\t保険金\n見舞金\t約500万円", {"expense.condolence"}, set()),
        # ... unless it says its figures are no payout
        (
            "事故例\n費用の内容\t保険金\n見舞金\t約500万円\n※支出額であり、保険金としてお支払いした額ではありません\t",
            set(),
            {"expense.condolence"},
        ),
    ],
)  # fmt: skip
def test_listed_items_in_scope(text: str, present: set[str], absent: set[str]) -> None:
    found = ids_of(document_to_coverages(doc_from_text(text), "t"))
    assert present <= found
    assert not (absent & found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the tail of a noun phrase names the items
        ("損害賠償請求を受けた場合の損害賠償金や争訟費用", ["liability.damages", "liability.defense"]),
        # a sentence is no description
        ("損害賠償金を支払いました。", []),
        # a phrase that does not end like an item names causes, not items
        ("情報の漏えいなどで他人に損害を与えた場合", []),
    ],
)
def test_description_ids(text: str, expected: list[str]) -> None:
    assert description_ids(text) == expected
