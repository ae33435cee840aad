"""Loss scenarios told in one sentence, and lists of costs captioned under a scenario heading."""

from __future__ import annotations

import pytest

from extractors.document import BBox, Document, Line, Page
from extractors.scenarios import document_to_loss_scenarios, paragraph_to_sentences


def rows_of(lines: list[str]) -> list[tuple[int, str]]:
    """Given lines of one page, return its scenario rows as (amount, kind), evidence checked."""
    document = Document("synthetic.html", "html", (Page(1, tuple(Line(t, 1) for t in lines), ()),))
    records = document_to_loss_scenarios(document, "d")
    assert all(r.evidence in document.text for r in records)
    return [(r.amount_jpy, r.row_kind) for r in records]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # items named before に, the total after 合計, all in one sentence
        (
            ["B社は原因調査に300万円、データ復元に200万円を支出し、合計500万円の損害となりました。"],
            [(3_000_000, "item"), (2_000_000, "item"), (5_000_000, "total")],
        ),
        # として names an item too; 約 amounts close within the tolerance
        (
            ["賠償金として約1,000万円、弁護士費用として約200万円、総額約1,200万円を負担しました。"],
            [(10_000_000, "item"), (2_000_000, "item"), (12_000_000, "total")],
        ),
        # が and は name items too (Xは420万円); 合計で before the amount still marks the total
        (
            ["調査費用は120万円、復旧費用が80万円で、合計で200万円でした。"],
            [(1_200_000, "item"), (800_000, "item"), (2_000_000, "total")],
        ),
        # the items do not add up to the stated total: no scenario
        (["調査に300万円、復旧に100万円、合計500万円かかりました。"], []),
        # a limit and a premium in prose (限度額, 保険料) are no items, though they add up
        (["支払限度額に1,000万円、保険料に5万円、合計1,005万円となります。"], []),
        # the items and the total in different sentences: the sentence is the unit
        (["調査に300万円、復旧に200万円を要しました。", "これは合計500万円です。"], []),
    ],
)
def test_sentence_scenarios(lines: list[str], expected: list[tuple[int, str]]) -> None:
    assert rows_of(lines) == expected


def test_sentence_runs_across_wrapped_lines() -> None:
    # a PDF wraps the sentence mid-word (サー|バー) and between a label and its amount
    lines = tuple(
        Line(text, 2, BBox(0, 10.0 * i, 100, 10.0 * i + 8))
        for i, text in enumerate(
            ["C社はログ解析に120万円、サー", "バーの再構築に", "80万円を要し、費用は合計200万円でした。"]
        )
    )
    (sentence,) = paragraph_to_sentences(lines, 7)
    assert [(e.label, e.amount, e.kind, e.position) for e in sentence] == [
        ("ログ解析", 1_200_000, "item", 7),
        ("サーバーの再構築", 800_000, "item", 7),
        ("合計", 2_000_000, "closer", 9),
    ]
    # the evidence is verbatim, line break included
    assert sentence[1].evidence == "サー\nバーの再構築に\n80万円"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a caption naming a cost under the scenario heading: its one-per-line items need no total
        (
            ["事故事例1 不正アクセス", "D社が支払った費用", "調査費用 400万円", "通知費用 100万円"],
            [(4_000_000, "item"), (1_000_000, "item")],
        ),
        # the same list without a scenario heading above it: nothing proves it
        (["D社が支払った費用", "調査費用 400万円", "通知費用 100万円"], []),
        # one item alone is no list
        (["事故事例1 不正アクセス", "D社が支払った費用", "調査費用 400万円"], []),
        # the caption too far under the heading: the list is not the scenario's
        (
            [
                "事故事例1 不正アクセス",
                "a",
                "b",
                "c",
                "d",
                "e",
                "f",
                "D社が支払った費用",
                "調査費用 400万円",
                "通知費用 100万円",
            ],
            [],
        ),
        # a line that runs on after its amount (a sentence) ends the list
        (
            [
                "事故事例1 不正アクセス",
                "D社が支払った費用",
                "調査費用 400万円",
                "保険金 100万円、上記の費用とあわせて支払われます",
            ],
            [],
        ),
    ],
)
def test_cost_list_under_heading(lines: list[str], expected: list[tuple[int, str]]) -> None:
    assert rows_of(lines) == expected
