"""Industry labels as printed, mapped to JSIC top-level codes."""

from __future__ import annotations

import pytest

from extractors.document import nfkc
from extractors.industries import is_industry_label, label_to_jsic, load_industries, text_to_industry_words


@pytest.mark.parametrize(
    ("label", "code"),
    [
        ("小売業", "I"),  # retail
        ("卸売業", "I"),  # wholesale shares the division
        ("製造業", "E"),  # manufacturing
        ("製薬業", "E"),  # pharmaceuticals are manufacturing
        ("物流業", "H"),  # logistics is transport
        ("運輸業", "H"),  # transport
        ("建設業", "D"),  # construction
        ("飲食業", "M"),  # restaurants
        ("飲食店", "M"),  # restaurants, another word
        ("情報通信業", "G"),  # information and communications
        ("IT", "G"),  # the Latin abbreviation
        ("ＩＴ", "G"),  # full-width Latin, NFKC makes it IT
        ("教育", "O"),  # education
        ("医療", "P"),  # medical
        ("介護", "P"),  # care
        ("不動産業", "K"),  # real estate
        ("サービス業", "R"),  # services not elsewhere classified
        ("飲食サービス業", "M"),  # the longer label beats サービス業
        ("情報サービス業", "G"),  # the longer label beats サービス業
        ("製造業(食品)", "E"),  # a bracketed aside is ignored
        ("小売業※1", "I"),  # a footnote mark is ignored
        ("小 売 業", "I"),  # a PDF's spaces between characters
        ("卸売業・小売業", "I"),  # a group within one division keeps it
        ("卸売業‧小売業", "I"),  # the PDF's look-alike middle dot joins a group too
        ("IT・情報通信業", "G"),  # two words for one division
        ("卸・小売業", "I"),  # a part no label knows: the whole label decides
    ],
)
def test_label_to_jsic(label: str, code: str) -> None:
    assert label_to_jsic(label) == code


@pytest.mark.parametrize(
    "label",
    [
        "事業内容",  # a header, not an industry
        "月額保険料",  # a header
        "その他",  # says nothing about the industry
        "",  # empty
        "製造業・建設業",  # a group spanning two divisions has no one code
        "製造及び卸売業",  # joined by a word
        "情報通信業／サービス業",  # joined by a full-width slash
        "全業種共通",  # one quote for every industry: a label, but no one code
    ],
)
def test_unknown_labels_have_no_code(label: str) -> None:
    assert label_to_jsic(label) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("小売業", True),  # an industry cell
        ("IT・情報通信業", True),  # a compound label ending in an industry
        ("医療・福祉", True),  # the JSIC name itself
        ("製造及び卸売業", True),  # a compound ending in 業
        ("事業内容", False),  # a header
        ("ITユーザー業務", False),  # a coverage that merely contains IT
        ("教育支援事業者が、クラウドに不正アクセスを受けた", False),  # a sentence
        ("(製造業/従業員数 約1,500名)", False),  # a description with numbers
        ("小売業 7,920円", False),  # a cell holding a premium too
        ("全業種共通", True),  # an all-industries label (industries.yaml all_industries)
    ],
)
def test_is_industry_label(text: str, expected: bool) -> None:
    assert is_industry_label(text) is expected


def test_every_jsic_division_is_in_the_data() -> None:
    # the YAML lists all twenty divisions A–T, each with at least its own name as a label
    industries = load_industries()
    assert [i.code for i in industries] == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    assert all(i.labels for i in industries)


def test_every_label_maps_to_its_own_division() -> None:
    # no label of one division is shadowed by a longer label of another
    for industry in load_industries():
        for label in industry.labels:
            assert label_to_jsic(label) == industry.code, label


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("例：売上高10億円の製造業の場合", ["製造業"]),  # particles end the word
        ("（売上高  ・小売業の場合）", ["小売業"]),  # a joiner at the edge joins nothing
        ("年間保険料（製造業‧売上高", ["製造業"]),  # of 製造業・売上高 only the part naming an industry
        ("IT・情報通信業のお客さま", ["IT・情報通信業"]),  # a compound label stays whole
        ("製造業・建設業の年間保険料", ["製造業・建設業"]),  # a group printed as one label
        ("ITユーザー業務による事故", []),  # IT inside a word that names no industry
        ("小売業と飲食業", ["小売業", "飲食業"]),  # two industries
    ],
)
def test_text_to_industry_words(text: str, words: list[str]) -> None:
    assert [nfkc(text)[a:b] for a, b in text_to_industry_words(text)] == words
