"""Document-level fields: insurer, product name, document date (extractors.fields)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from extractors import fields
from extractors.document import Document, Line, Page
from extractors.fields import (
    DateSettings,
    document_to_fields,
    load_registry,
    load_rules,
    registry_data_to_registry,
)
from extractors.readers import text as text_reader

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def lines_to_document(lines: list[str], title: str | None = None) -> Document:
    """Given the lines of a page, return a one-page text Document of them."""
    return Document(
        "synthetic.txt", "text", (Page(1, tuple(Line(t, 1) for t in lines if t.strip())),), title=title
    )


def seed_to_document(stem: str) -> Document:
    """Given a seed's name prefix, return it as a Document: one Page, one Line per non-empty line."""
    (path,) = SEEDS.glob(f"{stem}_*.txt")
    return lines_to_document(path.read_text(encoding="utf-8").splitlines())


# ---------------------------------------------------------------------------------------
# The five seed brochures

SEED_EXPECTED = [
    # insurer_id per the gold files; product names as printed; dates where the brochure states one
    # 000: AIG's legal name closes the flyer; the product is the top title; no stated date
    ("000", "aig", "AIG損害保険株式会社", "事業賠償・費用総合保険", None),
    # 001: only the alias AIG損保 in running text; "この情報は2018年1月1日現在のものです"
    ("001", "aig", "AIG損害保険株式会社", "個人情報漏洩保険", dt.date(2018, 1, 1)),
    # 002: 日新火災 closes the flyer; the vendors (株式会社ラック …) are no insurers; the rider in 〈〉
    ("002", "nisshin_fire", "日新火災海上保険株式会社", "サイバー・情報漏えい事故補償特約", None),
    # 003: names no insurer (当社 only); 2025年4月以降保始期 is a premium condition, not its date
    ("003", None, None, "サイバー保険", None),
    # 004: the association and its agent are not the insurer; the underwriter is under 【引受保険会社】;
    # the date comes from the trailing form number 1760-ER04-14027-202310
    (
        "004",
        "tokio_marine_nichido",
        "東京海上日動火災保険株式会社",
        "サイバーリスク保険",
        dt.date(2023, 10, 1),
    ),
]


@pytest.mark.parametrize(("stem", "insurer_id", "insurer_name", "product", "date"), SEED_EXPECTED)
def test_seed_fields(
    stem: str, insurer_id: str | None, insurer_name: str | None, product: str, date: dt.date | None
) -> None:
    got = document_to_fields(seed_to_document(stem))
    assert got == fields.DocumentFields(insurer_id, insurer_name, product, date)


def read_seed_with_text_reader(stem: str) -> Document:
    """Given a seed's name prefix, return it as read by the project's text reader."""
    (path,) = SEEDS.glob(f"{stem}_*.txt")
    return text_reader.read(path)


@pytest.mark.parametrize(("stem", "insurer_id", "insurer_name", "product", "date"), SEED_EXPECTED)
def test_seed_fields_through_text_reader(
    stem: str, insurer_id: str | None, insurer_name: str | None, product: str, date: dt.date | None
) -> None:
    got = document_to_fields(read_seed_with_text_reader(stem))
    assert got == fields.DocumentFields(insurer_id, insurer_name, product, date)


# ---------------------------------------------------------------------------------------
# Insurer: the underwriter, not agents, associations or vendors


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # an agent named after an insurer: the underwriter is the other company
        (
            [
                "サイバー保険のご案内",
                "取扱代理店：東京海上日動の代理店 ○○保険サービス株式会社",
                "引受保険会社：三井住友海上火災保険株式会社",
            ],
            "mitsui_sumitomo",
        ),
        # the same, both parties on one line
        (["取扱代理店 東京海上日動の代理店 ○○保険サービス 引受保険会社：三井住友海上"], "mitsui_sumitomo"),
        # a former name (AIU損害保険 merged into AIG損害保険 in 2018)
        (["個人情報漏洩保険", "AIU損害保険株式会社"], "aig"),
        # 富士火災, the other half of that merger, in running text
        (["富士火災のサイバー保険は中小企業を守ります。"], "aig"),
        # ACE損害保険 is Chubb's former name
        (["ACE損害保険株式会社"], "chubb"),
        # an English alias
        (["Cyber insurance underwritten by Chubb"], "chubb"),
        # the (株) form of a legal name
        (["お問い合わせ先", "東京海上日動火災保険(株) 本店営業部"], "tokio_marine_nichido"),
        # a brochure naming only a service vendor: no insurer
        (["専門事業者のご紹介", "株式会社ラック 緊急対応サービス「サイバー119」"], None),
        # a vendor whose name holds an insurer's alias is still a vendor
        (["サービス提供会社：東京海上ディーアール株式会社"], None),
        # an unknown company is never an insurer, even one that sounds like one
        (["引受保険会社：架空損害保険株式会社"], None),
        # a co-insurance list: the lead (幹事会社) underwrites
        (
            [
                "【引受保険会社】",
                "東京海上日動火災保険株式会社",
                "三井住友海上火災保険株式会社（幹事会社）",
                "損害保険ジャパン株式会社",
                "東京海上日動の保険です。東京海上日動にご相談ください。",
            ],
            "mitsui_sumitomo",
        ),
        # the lead marked ahead of its name, non-leads after it, on one line
        (
            [
                "引受保険会社：〈幹事会社〉あいおいニッセイ同和損害保険株式会社"
                " 〈非幹事会社〉損害保険ジャパン株式会社"
            ],
            "aioi_nissay_dowa",
        ),
        # an agent block under its heading does not reach the insurer's contact block below it
        (
            [
                "【取扱代理店】",
                "株式会社サンプル保険事務所",
                "TEL 03-0000-0000",
                "お問い合わせ先",
                "日新火災海上保険株式会社",
            ],
            "nisshin_fire",
        ),
        # an insurer listed under an agent heading is that agent, not the underwriter
        (
            [
                "【取扱代理店】",
                "損保ジャパン日本興亜保険サービス株式会社",
                "引受保険会社 楽天損害保険株式会社",
            ],
            "rakuten_general",
        ),
        # an insurer's legal name the agent heading claims, with another insurer underwriting
        (
            ["【取扱代理店】", "東京海上日動火災保険株式会社", "引受保険会社 楽天損害保険株式会社"],
            "rakuten_general",
        ),
        # ... but with no other insurer named, a heading alone (two-column reading order may put
        # the agent's stamp box above the contact block) does not throw the legal name away
        (
            ["このチラシは概要を説明したものです。", "代理店・扱者", "日新火災海上保険株式会社"],
            "nisshin_fire",
        ),
        # whereas an agent cue on the name's own line does
        (["取扱代理店：東京海上日動火災保険株式会社"], None),
        # a PDF text layer that spaces out every character
        (["引 受 保 険 会 社", "共 栄 火 災 海 上 保 険 株 式 会 社"], "kyoei_fire"),
        # an underwriting sentence beats an agent's insurer named in the contact line
        (
            [
                "この保険は、東京海上日動火災保険株式会社が引受を行います。",
                "お問い合わせ：損保ジャパン代理店 ABC",
            ],
            "tokio_marine_nichido",
        ),
        # a life insurer of an insurer's group is no non-life insurer
        (["東京海上日動あんしん生命保険株式会社"], None),
        # longest match: the legal name wins over the alias inside it
        (["東京海上日動火災保険株式会社"], "tokio_marine_nichido"),
        # the alias AIG does not match inside another word
        (["AIGIS security platform"], None),
        # a document that names no company
        (["当社のサイバー保険", "弊社にお問い合わせください。"], None),
        # only a former name printed: the company that carries it on
        (["＜引受保険会社＞ 損害保険ジャパン日本興亜株式会社 〒160-8338"], "sompo_japan"),
        (["AIU損害保険株式会社", "東京都千代田区"], "aig"),
        # co-insurers under one heading, the lead marked after its name, the other listed below
        (
            ["＜共同保険引受会社＞", "共栄火災海上保険株式会社（幹事会社）", "楽天損害保険株式会社"],
            "kyoei_fire",
        ),
        # an association and an agent whose name holds 保険, each under its heading, then the insurer
        (
            [
                "【団体事務局】",
                "一般社団法人 全国中小企業ＩＴ推進協会",
                "【取扱代理店】",
                "株式会社ひかり保険サービス",
                "【引受保険会社】",
                "三井住友海上火災保険株式会社",
            ],
            "mitsui_sumitomo",
        ),
    ],
)
def test_insurer(lines: list[str], expected: str | None) -> None:
    assert document_to_fields(lines_to_document(lines)).insurer_id == expected


def test_insurer_name_is_the_legal_name_not_the_alias_printed() -> None:
    got = document_to_fields(
        lines_to_document(["損保ジャパンのサイバー保険は、", "損保ジャパンにご相談ください。"])
    )
    assert (got.insurer_id, got.insurer_name) == ("sompo_japan", "損害保険ジャパン株式会社")


def test_registry_holds_the_main_insurers_with_legal_names() -> None:
    registry = load_registry()
    ids = {i.id for i in registry.insurers}
    assert {
        "aig",
        "tokio_marine_nichido",
        "mitsui_sumitomo",
        "sompo_japan",
        "aioi_nissay_dowa",
        "nisshin_fire",
        "chubb",
        "kyoei_fire",
        "rakuten_general",
    } <= ids
    for insurer in registry.insurers:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", insurer.id), insurer.id
        # every legal name is read as a legal name (it carries a company marker)
        assert registry.names[insurer.name].is_legal, insurer.name
        assert registry.names[insurer.name].insurer_id == insurer.id


def test_registry_rejects_a_name_given_to_two_insurers() -> None:
    data = {
        "insurers": [
            {"id": "a", "name": "甲損害保険株式会社", "aliases": ["甲乙"]},
            {"id": "b", "name": "甲乙"},
        ],
        "company_markers": ["株式会社"],
        "organisation_markers": [],
        "cues": {},
    }
    with pytest.raises(ValueError, match="甲乙"):
        registry_data_to_registry(data)


# ---------------------------------------------------------------------------------------
# Product name


@pytest.mark.parametrize(
    ("lines", "title", "expected"),
    [
        # a name quoted in 「」 beats one only used in sentences
        (
            ["1契約で包括的に補償 「サイバーリスク保険」のご案内", "当社の賠償責任保険は、…です。"],
            None,
            "サイバーリスク保険",
        ),
        # a name alone on a line near the top
        (["ALL STARs", "事業賠償・費用総合保険", "サイバーリスクの補償"], None, "事業賠償・費用総合保険"),
        # a title naming the product wins over a rider listed below
        (["このチラシについて", "情報漏えい特約"], "ITサポート保険｜サンプル損保", "ITサポート保険"),
        # generic names are no product names
        (["オプション特約", "本特約は…を補償します。", "賠償責任保険"], None, None),
        # an insurer's name ending in 保険 is no product
        (["東京海上日動火災保険のご案内です。", "東京海上日動火災保険にご相談ください。"], None, None),
        # a name only seen once in a sentence is too weak
        (["サイバー保険では、短期契約はご契約いただけません。"], None, None),
        # a name recurring in sentences is enough
        (
            ["サイバー保険では、短期契約はできません。", "サイバー保険にセットできる特約です。"],
            None,
            "サイバー保険",
        ),
        # a leading company name is not part of the product name
        (["「AIG損保個人情報漏洩保険」"], None, "個人情報漏洩保険"),
        # HTML and Markdown markup around a name is ignored
        (["<h1>**「ビジネスプロテクター保険」**</h1>"], None, "ビジネスプロテクター保険"),
        # a plan name
        (["〈スタンダードプラン〉", "補償内容は以下のとおりです。"], None, "スタンダードプラン"),
    ],
)
def test_product_name(lines: list[str], title: str | None, expected: str | None) -> None:
    assert document_to_fields(lines_to_document(lines, title=title)).product_name == expected


# ---------------------------------------------------------------------------------------
# Document date


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a cue after the date
        (["この情報は2018年1月1日現在のものです。"], dt.date(2018, 1, 1)),
        (["(2023年10月作成)"], dt.date(2023, 10, 1)),
        (["令和5年10月1日改定"], dt.date(2023, 10, 1)),
        (["B23-10234 (2023年10月承認)"], dt.date(2023, 10, 1)),
        # a cue before the date
        (["作成日：2023年10月1日"], dt.date(2023, 10, 1)),
        (["最終更新日 2024/3/15"], dt.date(2024, 3, 15)),
        (["発行 R5.10"], dt.date(2023, 10, 1)),
        # of several stated dates the latest tells the content's date
        (["2022年4月作成", "2023年10月改定"], dt.date(2023, 10, 1)),
        # a policy-start condition is no document date
        (["2025年4月以降保始期、保険期間1年"], None),
        (["2023年10月1日以降始期契約用"], None),
        # a renewal condition, though 更新 is a cue
        (["2025年4月更新契約から適用します"], None),
        # a statistic's year and a source's date
        (["出典) 警視庁「令和4年におけるサイバー空間をめぐる脅威の情勢等について」"], None),
        (["※出典:総務省 2023年5月現在の調査"], None),
        # an uncued date in running text
        (["2016年1月より利用開始されたマイナンバー"], None),
        # a form number ending in YYYYMM, as the last line
        (["サイバー保険", "1760-ER04-14027-202310"], dt.date(2023, 10, 1)),
        # a form number far from the end is not read
        (["1760-ER04-14027-202310", "a", "b", "c", "d"], None),
        # a cued date wins over a form number
        (["2023年4月作成", "1760-ER04-14027-202310"], dt.date(2023, 4, 1)),
        # digits alone are no form number (a phone number, a plain reference)
        (["0120-362-119-202310"], None),
        # the tail must be a real month
        (["1760-ER04-14027-202313"], None),
        # a form number printed beside the month it was made, with no cue word
        (["サイバー保険", "B24-012345 2024.11"], dt.date(2024, 11, 1)),
        (["サイバー保険", "2024年11月 SJ24-01234"], dt.date(2024, 11, 1)),
        (["サイバー保険", "（SJ24-01234 2024年11月）"], dt.date(2024, 11, 1)),  # in brackets
        # digits alone beside a date are no form number (a phone number)
        (["サイバー保険", "0120-000-222 2024.11"], None),
        # a year alone beside a form number is no date
        (["サイバー保険", "B24-012345 2024年度"], None),
        # a dated form number far from the end is not read
        (["B24-012345 2024.11", "a", "b", "c", "d"], None),
        # dotted year.month with a spaced cue, an era date (the holdout brochures' forms)
        (["2023.10 現在"], dt.date(2023, 10, 1)),
        (["（令和6年10月作成）AD24-0172"], dt.date(2024, 10, 1)),
        # a footer that sets its cue on the line under the date, as a PDF reads it
        (["2024年4月", "改定"], dt.date(2024, 4, 1)),
        # a next line that merely starts with a cue word is no cue of this date
        (["2024年4月", "改定後の保険料は次のとおりです"], None),
        # nor is a date that ends a sentence before it
        (["2024年4月以降", "作成"], None),
        # a newsletter's issue: 配信 after the date, 配信日 before it
        (["サイバー保険ニュース 第12号（2026年10月20日配信）"], dt.date(2026, 10, 20)),
        (["配信日：2026年9月1日"], dt.date(2026, 9, 1)),
        # a cue longer than the rejecting word it starts with decides (時点の情報, not 時点)
        (["本記事の内容は2025年9月1日時点の情報です。"], dt.date(2025, 9, 1)),
        (["2024年3月時点の統計"], None),
        # a date the line break cut, its cue on the next line
        (["サイバー保険 | 2026年7", "月1日現在"], dt.date(2026, 7, 1)),
        # no cue anywhere: a full date closing one of the first lines (an issuer's signature, a title)
        (["商品概要", "SBI損害保険株式会社 2026年7月15日"], dt.date(2026, 7, 15)),
        (["令和八年九月一日"], dt.date(2026, 9, 1)),
        # but not a month alone, a date before more text, nor one far down the document
        (["サイバー保険 2026年7月"], None),
        (["2026年7月15日に改定しました"], None),
        (["a", "b", "c", "d", "e", "大同火災 2026年11月1日"], None),
    ],
)
def test_document_date(lines: list[str], expected: dt.date | None) -> None:
    assert document_to_fields(lines_to_document(lines)).document_date == expected


def test_form_code_rule_can_be_switched_off() -> None:
    rules = load_rules()
    lines = ["サイバー保険", "1760-ER04-14027-202310"]
    off = DateSettings(read_form_code=False)
    assert fields.lines_to_document_date(lines, rules, off) is None
    assert fields.lines_to_document_date(lines, rules) == dt.date(2023, 10, 1)


def test_empty_document_has_no_fields() -> None:
    assert document_to_fields(lines_to_document([])) == fields.DocumentFields(None, None, None, None)
