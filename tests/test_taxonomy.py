"""The coverage taxonomy as data: completeness against the spec, and term matching."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
import yaml

from extractors import taxonomy
from extractors.taxonomy import Term, expand_variants, mapping_to_taxonomy

SPEC = Path(__file__).resolve().parents[1] / "docs" / "coverage-taxonomy.md"  # a copy of the spec


def spec_ids() -> set[str]:
    """Given the spec file, return every id its tables name (`liability`, `expense.forensics` …)."""
    text = SPEC.read_text(encoding="utf-8")
    return set(re.findall(r"^\| `([a-z_]+(?:\.[a-z_]+)?)` \|", text, flags=re.MULTILINE))


def test_every_spec_id_is_in_the_yaml() -> None:
    # the YAML is the spec as data: no id may be missing, none invented
    wanted = spec_ids()
    assert len(wanted) > 30
    assert taxonomy.coverage_ids() == wanted


@pytest.mark.parametrize("coverage_id", sorted(taxonomy.coverage_ids()))
def test_section_is_the_id_prefix(coverage_id: str) -> None:
    # each id belongs to the section its prefix names, and every id has at least one term
    assert taxonomy.section_of(coverage_id) == coverage_id.split(".")[0]
    assert any(t.coverage_id == coverage_id for t in taxonomy.load_taxonomy().terms)


def test_unknown_id_has_no_section() -> None:
    # an id the taxonomy does not hold is an error, not a silent default
    with pytest.raises(KeyError):
        taxonomy.section_of("expense.teleportation")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the longest term wins: 企業情報漏洩 over 情報漏洩
        ("企業情報漏洩特約", "liability.corporate_info"),
        # spelling variants: 漏えい is matched by the 漏洩 term
        ("個人情報漏えい", "liability.privacy"),
        # PDF text puts spaces between CJK characters
        ("個 人 情 報 漏 洩", "liability.privacy"),
        # full-width and Kangxi-radical forms are NFKC-normalised (⽀, ⽤)
        ("再発防⽌費⽤", "expense.prevention"),
        # a PDF middle dot (U+2027) stands for ・
        ("原因‧被害調査", "expense.forensics"),
        # 收 is a variant of 収 that NFKC leaves alone: a variant group maps it
        ("事態の收拾", "expense.response_costs"),
        # context rule: 弁護士費用 next to 相談 is legal advice ...
        ("相談費用 弁護士費用", "expense.legal"),
        # ... and defence costs otherwise
        ("争訟費用(弁護士費用等)", "liability.defense"),
        # the longer 弁護士相談費用 needs no context rule
        ("弁護士相談費用", "expense.legal"),
        # whole-label term: サイバー攻撃 alone is the liability item ...
        ("① サイバー攻撃", "liability.network_security"),
        # ... inside a sentence it is only a cause
        ("サイバー攻撃を受けていた!", None),
        # a weak term counts when nothing else matched ...
        ("不正アクセス", "expense.incident_response"),
        # ... and yields to a strong term
        ("不正アクセスによるデータ復旧", "expense.data_restoration"),
        # a letter of apology is a notification cost; a published apology is PR
        ("謝罪文の郵送費用", "expense.notification"),
        ("謝罪広告の掲載費用", "expense.public_relations"),
        # card misuse after a leak, however the verb is spelled
        ("クレジットカード不正利用被害者からの損害賠償", "liability.payment_card"),
        # a particle inside 'system restoration'
        ("システムの復旧", "expense.data_restoration"),
        # English labels in mixed brochures
        ("Data Restoration", "expense.data_restoration"),
        # a section-level term
        ("各種費用に関する補償", "expense"),
        # nothing matches: no forced id
        ("保険料の払込方法", None),
    ],
)
def test_match_coverage(text: str, expected: str | None) -> None:
    assert taxonomy.match_coverage(text) == expected


def test_match_all_is_ordered_and_non_overlapping() -> None:
    # a list of items yields one match per item, in text order, never overlapping
    found = taxonomy.match_all("コールセンターの設置、記者会見、見舞金支払い等")
    assert [m.coverage_id for m in found] == [
        "expense.call_center",
        "expense.public_relations",
        "expense.condolence",
    ]
    spans = [(m.start, m.end) for m in found]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))


def test_match_all_without_weak_terms() -> None:
    # weak=False drops weak terms even when nothing else matched
    assert taxonomy.match_all("不正アクセス", weak=False) == []
    assert taxonomy.match_all("不正アクセス")[0].weak


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # label and description run together in PDF cells: only the opening term counts
        ("③相談費⽤弁護⼠費⽤、コンサルティング費⽤を補償します。", ["expense.legal"]),
        # terms joined by a middle dot are one label naming two items
        (
            "⑥再発防止費用・不正プログラム除去費用 事故の再発防止に係る費用",
            ["expense.prevention", "expense.malware_removal"],
        ),
        # a label that does not open with a term has no leading ids
        ("被保険者が法律上の損害賠償責任を負担することによる損害", []),
    ],
)
def test_leading_ids(text: str, expected: list[str]) -> None:
    assert taxonomy.leading_ids(text) == expected


def test_variants_expand_each_spelling() -> None:
    # every member of a group is put in place of the one the term holds
    terms = expand_variants(Term("個人情報漏洩", "liability.privacy"), [("漏洩", "漏えい")])
    assert sorted(t.text for t in terms) == ["個人情報漏えい", "個人情報漏洩"]


def test_inconsistent_section_is_rejected() -> None:
    # an id filed under another section's prefix is a data error
    data = {
        "sections": {"liability": {"terms": ["賠償責任"]}, "expense": {"terms": ["費用全体"]}},
        "coverages": {"expense.legal": {"section": "liability", "terms": ["相談費用"]}},
    }
    with pytest.raises(ValueError, match=r"expense\.legal"):
        mapping_to_taxonomy(data)


def test_taxonomy_extends_without_code(tmp_path: Path) -> None:
    # a new id and term in YAML are read without a code change
    data = yaml.safe_load(taxonomy.TAXONOMY_PATH.read_text(encoding="utf-8"))
    data["coverages"]["expense.crypto_recovery"] = {
        "section": "expense",
        "meaning": "recovering stolen crypto assets",
        "terms": ["暗号資産回復費用"],
    }
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    loaded = taxonomy.load_taxonomy(path)
    assert "expense.crypto_recovery" in loaded.ids
    assert any(t.text == "暗号資産回復費用" for t in loaded.terms)


@pytest.mark.parametrize(
    "cue",
    [
        # the exclusion cues the brochures use, as data
        "含みません",
        "対象外",
        "補償しません",
        "お支払いできません",
    ],
)
def test_exclusion_cues_are_data(cue: str) -> None:
    assert cue in taxonomy.exclusion_cues()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # synonyms other insurers print for the same items (data in taxonomy.yaml)
        ("情報漏えい対応費用", "expense.response_costs"),
        ("事故対応特別費用", "expense.response_costs"),
        ("お詫び広告の掲載費用", "expense.public_relations"),
        ("広告宣伝活動費用", "expense.public_relations"),
        ("クレジット情報モニタリング費用", "expense.credit_monitoring"),
        ("公的調査対応費用", "liability.regulatory"),
        ("被害の拡大を防止するための費用", "expense.incident_response"),
        ("事故の原因および被害の範囲を調査するための費用", "expense.forensics"),
        ("損害賠償に関する補償", "liability"),
        ("他人の業務を阻害した", "liability.network_security"),
        ("弁護士相談の費用", "expense.legal"),
        ("サイバー攻撃の有無を判断するための調査費用", "expense.incident_response"),
        # an inserted 等 does not change the term: サイバー攻撃等対応費用 is サイバー攻撃対応費用
        ("サイバー攻撃等対応費用", "expense.incident_response"),
        ("コンピュータシステム等復旧費用", "expense.data_restoration"),
        # ... and a term that already holds 等 still matches itself
        ("不正アクセス等対応費用", "expense.incident_response"),
        # context rule: ネットワークセキュリティ names the liability cover only beside 賠償 ...
        ("ネットワークセキュリティ賠償責任", "liability.network_security"),
        # ... a security vendor is not a coverage
        ("ネットワークセキュリティ運用管理会社から通報を受けた", None),
        # context rule: the insured's own right of recourse (求償権) is not a client's recourse claim
        ("他人に対する求償権の保全・行使に必要な手続費用", None),
        ("委託元からの損害賠償請求(求償)", "liability.indemnity"),
    ],
)
def test_synonyms_and_context(text: str, expected: str | None) -> None:
    assert taxonomy.match_coverage(text) == expected


def test_combined_label_names_both_items() -> None:
    # a label joining two covers with a middle dot names both (Network Security & Privacy Liability)
    assert taxonomy.leading_ids("ネットワークセキュリティ・プライバシー賠償責任※1") == [
        "liability.network_security",
        "liability.privacy",
    ]


@pytest.mark.parametrize(
    ("insertable", "text", "matches"),
    [
        # with 等 insertable, one 等 may stand between two characters of the term
        (("等",), "データ等復元", True),
        # without it, the term must be contiguous
        ((), "データ等復元", False),
        # only one word is inserted at a gap, not any text
        (("等",), "データの復元", False),
    ],
)
def test_term_pattern_insertable(insertable: tuple[str, ...], text: str, matches: bool) -> None:
    assert bool(taxonomy.term_pattern("データ復元", insertable).search(text)) is matches


def test_insertable_words_are_data() -> None:
    # the words a term may hold inside are read from the YAML
    assert "等" in taxonomy.load_taxonomy().insertable


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # conjuncts share the last one's head noun: 通知・コールセンター費用 is 通知費用 and
        # コールセンター費用
        ("通知・コールセンター費用", ["expense.notification", "expense.call_center"]),
        # a term that is whole in the text wins over the head put back
        (
            "利益損失・営業継続費用",
            ["business_interruption.lost_profit", "business_interruption.extra_expense"],
        ),
        # a conjunct that names nothing even with the head back adds nothing (原因費用 is no term)
        ("事故原因・被害範囲調査費用", ["expense.forensics"]),
        # without a shared head the conjuncts stand alone
        ("通知・コールセンター", ["expense.call_center"]),
    ],
)
def test_coordinated_conjuncts_share_the_head(text: str, expected: list[str]) -> None:
    assert [m.coverage_id for m in taxonomy.match_all(text)] == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        # a compound names what its last noun names
        ("情報漏えい見舞費用", ["expense.condolence"]),
        # terms chained by a middle dot all count
        ("再発防止費用・不正プログラム除去費用", ["expense.prevention", "expense.malware_removal"]),
        # a gloss in parentheses is not the label's head
        ("争訟費用（弁護士報酬、訴訟費用など）", ["liability.defense"]),
        ("喪失利益（営業利益の減少分）", ["business_interruption.lost_profit"]),
        # no term: no ids
        ("社内説明会開催費用", []),
        # や coordinates the nouns a description ends with, like a middle dot
        ("損害賠償請求を受けた場合の損害賠償金や争訟費用", ["liability.damages", "liability.defense"]),
        # ... but a term before a clause break is a cause, not the head
        ("情報漏えいにより、損害賠償金", ["liability.damages"]),
    ],
)
def test_head_ids(label: str, expected: list[str]) -> None:
    assert taxonomy.head_ids(label) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # brochure wordings the spec's terms did not cover
        ("原状回復費用", "expense.data_restoration"),
        ("利益損失", "business_interruption.lost_profit"),
        ("ネットワーク中断補償特約", "business_interruption"),
    ],
)
def test_brochure_wordings(text: str, expected: str) -> None:
    assert taxonomy.match_coverage(text) == expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        # one compound names what its last noun names
        ("情報漏えい見舞費用補償特約", ["expense.condolence"]),
        ("利益損失補償特約", ["business_interruption.lost_profit"]),
        # a label running on into its description is no compound
        ("情報漏えい見舞費用 被害者へのお詫びの品の費用", []),
        ("個人情報の漏えい、サイバー攻撃", []),
        # a label naming no term
        ("オプション", []),
    ],
)
def test_compound_ids(label: str, expected: list[str]) -> None:
    assert taxonomy.compound_ids(label) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 漏えい is a head that coordinated nouns share, even with a particle after it
        ("個人情報・企業情報の漏えいや、", ["liability.privacy", "liability.corporate_info"]),
        ("個人情報・企業情報の漏洩", ["liability.privacy", "liability.corporate_info"]),
        # 費用 as before
        ("通知・コールセンター費用など", ["expense.notification", "expense.call_center"]),
    ],
)
def test_shared_heads_with_trailing_particle(text: str, expected: list[str]) -> None:
    assert taxonomy.distinct_ids(taxonomy.match_all(text, weak=False)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # harm done to others through the insured's network is network-security liability
        ("ネットワークを通じて他人に損害を与えた場合", True),
        ("ネットワークを通じて第三者に被害を与えた場合", True),
        # the network alone names no harm to others
        ("ネットワークを通じて他人とデータを共有する", False),
    ],
)
def test_network_harm_to_others(text: str, expected: bool) -> None:
    ids = taxonomy.distinct_ids(taxonomy.match_all(text, weak=False))
    assert ("liability.network_security" in ids) is expected
