"""Coverage items named in prose: enumerating sentences, FAQ answers, sentences a PDF breaks over
paragraphs, noun-phrase descriptions with glosses, riders named with their own limit, rider
headings that name items, plan tables, and the taxonomy terms these rely on."""

from __future__ import annotations

import pytest

from extractors import taxonomy
from extractors.blocks import Unit
from extractors.coverages import (
    contexts_to_coverages,
    description_ids,
    document_to_coverages,
    enumerated_pieces,
    limited_rider_items,
    top_level_pieces,
)
from extractors.document import Line
from extractors.sections import units_to_contexts
from tests.test_coverages import doc_from_text, ids_of


def paragraph(*lines: str) -> Unit:
    """Given line texts, return one paragraph unit holding them (as a PDF reader groups them)."""
    return Unit(page=1, lines=tuple(Line(text, page=1) for text in lines))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # three pieces ending like items; the last one's predicate is cut off
        (
            "対象は、原因を調べる調査費用、データの復旧費用、お詫び状の送付費用などです。",
            ["原因を調べる調査費用", "データの復旧費用", "お詫び状の送付費用"],
        ),
        # a term ends a piece as well as 費用 does (見舞金)
        ("調査費用、復旧費用、被害者への見舞金が対象です。", ["調査費用", "復旧費用", "被害者への見舞金"]),
        # two items could be a phrase: no enumeration
        ("調査費用と、復旧費用が対象です。", []),
        # pieces that do not end like items enumerate nothing
        ("売上、業種、従業員数で保険料が決まります。", []),
        # a predicate longer than the cue allows is no item's tail
        (
            "調査費用、復旧費用、通知費用、お詫び状の送付費用について詳しくは担当者までご相談ください。",
            ["調査費用", "復旧費用", "通知費用"],
        ),
    ],
)
def test_enumerated_pieces(sentence: str, expected: list[str]) -> None:
    assert enumerated_pieces(sentence) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a gloss holding separators stays inside its piece
        ("事故対応費用（調査費用、復旧費用）、見舞金", ["事故対応費用（調査費用、復旧費用）", "見舞金"]),
        # line breaks separate pieces too
        ("損害賠償金\n争訟費用", ["損害賠償金", "争訟費用"]),
    ],
)
def test_top_level_pieces(text: str, expected: list[str]) -> None:
    assert top_level_pieces(text) == expected


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # each item piece names its head; a cause of the same section names its cover (踏み台)
        (
            "踏み台となり他人の業務を阻害した場合の損害賠償金\n争訟費用（弁護士費用等）、協力費用",
            {"liability.network_security", "liability.damages", "liability.defense", "liability.cooperation"},
            set(),
        ),
        # a gloss after the items names the causes they are paid for
        (
            "損害賠償金・争訟費用（情報漏えい、他人の業務阻害など）",
            {"liability.privacy", "liability.network_security"},
            set(),
        ),
        # a cause of another section is no item (情報漏えい before an expense item)
        ("情報漏えい時に支出したデータ復旧費用", {"expense.data_restoration"}, {"liability.privacy"}),
        # a phrase with an exclusion cue describes nothing offered
        ("身代金を除く損害賠償金", set(), {"liability.damages"}),
    ],
)
def test_description_ids_of_phrases(text: str, present: set[str], absent: set[str]) -> None:
    found = set(description_ids(text))
    assert present <= found
    assert not (absent & found)


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # a coverage block's sentence enumerating costs offers each, weak terms included
        (
            (
                "■ 費用の補償\n"
                "事故の際は、原因を調べるための調査費用、データを戻すための復旧費用、お詫び状の送付費用などがかかります。"
            ),
            {"expense.forensics", "expense.data_restoration", "expense.notification"},
            set(),
        ),
        # ... a case story's does not
        (
            (
                "■ 事故例\n"
                "事故の際は、原因を調べるための調査費用、データを戻すための復旧費用、お詫び状の送付費用などがかかりました。"
            ),
            set(),
            {"expense.forensics", "expense.data_restoration", "expense.notification"},
        ),
        # a stated sub-limit names a covered item (…が限度です)
        ("■ 費用の補償\nこのうち見舞金は被害者1名につき1,000円が限度です。", {"expense.condolence"}, set()),
        # a heading naming one rider names the items before it too
        (
            "補償内容\n喪失利益・営業継続費用オプション：ネットワーク中断補償特約",
            {"business_interruption.lost_profit", "business_interruption.extra_expense"},
            set(),
        ),
        # a plan table's 補償対象外 beside another plan's figure excludes only that plan
        (
            "補償内容\n補償\tプランA\tプランB\n喪失利益\t補償対象外\t1,000万円",
            {"business_interruption.lost_profit"},
            set(),
        ),
        # ... a row saying only 対象外 names an exclusion
        ("補償内容\n補償\t内容\n身代金\t対象外", set(), {"expense.extortion"}),
    ],
)
def test_prose_items_in_scope(text: str, present: set[str], absent: set[str]) -> None:
    found = ids_of(document_to_coverages(doc_from_text(text), "t"))
    assert present <= found
    assert not (absent & found)


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # an answer to a question about what is covered offers what it names, without an offer cue
        (
            (
                "よくあるご質問\n"
                "Q1. どのような費用が補償されますか？\n"
                "A. 原因調査の費用と、お詫び状の送付費用です。"
            ),
            {"expense.forensics", "expense.notification"},
            set(),
        ),
        # ... unless it says no
        (
            "よくあるご質問\nQ1. 身代金は補償されますか？\nA. いいえ。身代金の支払いはご契約の範囲外です。",
            set(),
            {"expense.extortion"},
        ),
        # an answer to another question offers nothing
        (
            (
                "よくあるご質問\n"
                "Q2. 事故はどのくらい起きていますか？\n"
                "A. 昨年はお詫び状の送付費用が平均100万円でした。"
            ),
            set(),
            {"expense.notification"},
        ),
        # the next question line closes the answer
        (
            (
                "Q1. どのような費用が補償されますか？\n"
                "A. 原因調査の費用です。\n"
                "Q2. 事故の件数を教えてください。\n"
                "A. お詫び状の送付は年100件でした。"
            ),
            {"expense.forensics"},
            {"expense.notification"},
        ),
    ],
)
def test_faq_answers(text: str, present: set[str], absent: set[str]) -> None:
    found = ids_of(document_to_coverages(doc_from_text(text), "t"))
    assert present <= found
    assert not (absent & found)


@pytest.mark.parametrize(
    ("units", "present", "absent"),
    [
        # a sentence broken over two paragraphs is read joined: its offer cue covers both halves
        (
            [
                paragraph("補償内容"),
                paragraph(
                    "この保険は、賠償責任（損害賠償金・争訟費用）と、事故が起きたときの事故対応費用（原因調査費用、お詫び"
                ),
                paragraph("状の送付費用）を補償します。"),
            ],
            {"liability.damages", "liability.defense", "expense.forensics", "expense.notification"},
            set(),
        ),
        # ... and its exclusion cue too
        (
            [
                paragraph("補償内容"),
                paragraph(
                    "ランサムウェアに感染した場合であっても、犯人に支払う身代金や、その交渉のための原因調査費用は"
                ),
                paragraph("補償の対象外です。"),
            ],
            set(),
            {"expense.extortion", "expense.forensics"},
        ),
        # a sentence ended before the break is not carried on
        (
            [
                paragraph("補償内容"),
                paragraph("原因調査費用が増えています。"),
                paragraph("この保険はお詫び状の送付費用を補償します。"),
            ],
            {"expense.notification"},
            {"expense.forensics"},
        ),
    ],
)
def test_sentences_carried_over_paragraphs(units: list[Unit], present: set[str], absent: set[str]) -> None:
    found = ids_of(contexts_to_coverages(units_to_contexts(units), "t"))
    assert present <= found
    assert not (absent & found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a rider named with a limit of its own is offered, even in a premium note
        (
            "※情報通信業の保険料には、IT業務賠償特約（支払限度額 1,000万円）の保険料を含みます。",
            ["liability.it_operations"],
        ),
        # an option too, and it is optional
        ("ITサービス業務補償オプション（支払限度額1億円）", ["liability.it_operations"]),
        # a rider without a limit in brackets is only mentioned
        ("IT業務賠償特約の保険料を含みます。", []),
        # a rider said to be excluded is not offered
        ("IT業務賠償特約（支払限度額 1,000万円）は補償の対象外です。", []),
    ],
)
def test_limited_rider_items(text: str, expected: list[str]) -> None:
    assert [item.coverage_id for item in limited_rider_items(text)] == expected


def test_limited_rider_under_an_exclusion_heading() -> None:
    # a block listing what is not paid offers no rider, limit or not
    text = "保険金をお支払いできない主な場合\nIT業務賠償特約（支払限度額 1,000万円）の対象となる事故"
    assert "liability.it_operations" not in ids_of(document_to_coverages(doc_from_text(text), "t"))


def test_limited_option_is_optional() -> None:
    # the option cue in the name marks the item optional
    assert [
        item.optional for item in limited_rider_items("ITサービス業務補償オプション（支払限度額1億円）")
    ] == [True]


@pytest.mark.parametrize(
    ("text", "by"),
    [
        # a table cell's item says so
        ("補償内容\n補償\t内容\n見舞金\t1名1,000円", "cell"),
        # a sentence's item says so
        ("補償内容\n事故の際の見舞金をお支払いします。", "sentence"),
        # a bullet's item says it is a list item
        ("補償内容\n・見舞金", "list_item"),
    ],
)
def test_attributed_by(text: str, by: str) -> None:
    records = [
        r for r in document_to_coverages(doc_from_text(text), "t") if r.coverage_id == "expense.condolence"
    ]
    assert [r.attributed_by for r in records] == [by]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a section term that lists items names them too
        (
            "喪失利益・営業継続費用",
            {
                "business_interruption",
                "business_interruption.lost_profit",
                "business_interruption.extra_expense",
            },
        ),
        # synonyms brochures use
        ("規制当局による調査への対応費用", {"liability.regulatory"}),
        ("攻撃の有無を確かめるための調査", {"expense.incident_response"}),
        ("サイバー攻撃のおそれ段階の調査", {"expense.incident_response"}),
        ("営業が止まったことによる利益の減少", {"business_interruption.lost_profit"}),
        (
            "ネットワークセキュリティ事故（マルウェアの送付、DDoS攻撃への加担等）",
            {"liability.network_security"},
        ),
        ("マルウェア駆除費用", {"expense.malware_removal"}),
    ],
)
def test_taxonomy_terms(text: str, expected: set[str]) -> None:
    assert set(taxonomy.distinct_ids(taxonomy.match_all(text))) == expected


def test_listed_section_term_heads_all_its_items() -> None:
    # head_ids chains the ids named on one span
    assert set(taxonomy.head_ids("喪失利益・営業継続費用")) == {
        "business_interruption",
        "business_interruption.lost_profit",
        "business_interruption.extra_expense",
    }
