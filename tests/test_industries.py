"""Industry labels as printed, mapped to JSIC top-level codes."""

from __future__ import annotations

import pytest

from extractors.industries import is_industry_label, label_to_jsic, load_industries


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
