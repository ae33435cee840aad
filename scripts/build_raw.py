"""Build `raw/`: the five seed brochures in the form they were published.

The seeds (`tests/fixtures/seeds/*.txt`) are the verbatim text of five brochures. This fixture
builder turns each seed into HTML -- real headings, lists and tables, inline markup from the
seed rendered as markup -- and then either writes it to `raw/` as a web page (with page chrome a
reader should drop) or prints it to an A4 PDF flyer with headless Chromium.

Parsing is generic (tab-separated lines are table rows, `|` pipe tables are tables, `-`/`•`/`▶`/
`⚫︎`/`・`/`1.` lines are list items, a lone `-` line separates cards, `**x**` is strong, `^(x)` a
superscript); what is particular to one brochure -- which line is a heading, where a two-column
block or a ruled table sits -- is the small declarative description in `BROCHURES`.

Every build checks that the text of every seed line is in the rendered page, and that every
amount of the seed comes out of the printed PDF again.

    uv run python scripts/build_raw.py              # rebuild raw/ (needs chromium + fonts-noto-cjk)
    uv run python scripts/build_raw.py --html-only  # web pages only; flyers built and checked, not printed
"""

from __future__ import annotations

import argparse
import logging
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from lxml import etree
from lxml import html as lhtml

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT / "tests" / "fixtures" / "seeds"
RAW_DIR = ROOT / "raw"
FONT_FAMILY = "Noto Sans CJK JP"
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
#: PDF dates are pinned so that a rebuild gives the same bytes (same length: xref offsets hold)
PINNED_PDF_DATE = b"20240401000000"

Element = etree._Element


class BuildError(Exception):
    """A fixture could not be built; the message says what to fix."""


# --------------------------------------------------------------------------- description


@dataclass(frozen=True)
class Section:
    """A run of seed lines, from `start` (1-based) to the next section's start, and its layout."""

    start: int
    #: flow: generic blocks; markup-columns: tab-separated HTML fragments side by side;
    #: ledger: `label amount` lines as a two-column table; grid-tables: `caption` + a line of
    #: space-separated cells (first `grid_columns` are the header) as one table per caption
    mode: Literal["flow", "markup-columns", "ledger", "grid-tables"] = "flow"
    css: str = ""
    tables: Literal["ruled", "plain"] = "plain"
    header_row: bool = False
    tag: str = "div"
    grid_columns: int = 2


@dataclass(frozen=True)
class Chrome:
    """Site furniture of a web page: not brochure text, a reader should drop it."""

    site_name: str
    nav: tuple[str, ...]
    footer_links: tuple[str, ...]
    copyright: str


@dataclass(frozen=True)
class Brochure:
    seed: str
    out_name: str
    title: str
    accent: str
    roles: Mapping[str, str]
    sections: tuple[Section, ...]
    chrome: Chrome | None = None

    @property
    def is_pdf(self) -> bool:
        return self.out_name.endswith(".pdf")


HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4}

B000 = Brochure(
    seed="000_7640034015891113",
    out_name="000-aig-all-stars-cyber.pdf",
    title="ALL STARs 事業賠償・費用総合保険 サイバーリスクの補償",
    accent="#001871",
    roles={
        "ALL STARs": "brand",
        "事業賠償・費用総合保険": "product",
        "サイバーリスクの補償": "h1",
        "個人情報漏洩補償特約 サイバー攻撃対応費用補償特約 / セキュリティ賠償責任補償特約 / "
        "企業情報漏洩賠償責任補償特約": "riders",
        "急速なデジタル社会への転換期 サイバーリスクへの備えは万全ですか？": "lead",
        "今このときも個人情報や企業の技術に関する情報が狙われています！": "h2",
        "■ サイバー攻撃の被害を受けたことがありますか？": "h3",
        "中小企業の5社に1社が被害を経験": "callout",
        "出典：一般社団法人 日本損害保険協会 [中小企業の経営者のサイバーリスク意識調査2019]": "small",
        "もしも、サイバー攻撃を受け、 個人情報情報を漏洩してしまったら…": "h2",
        "銀行借入か手元資金 それとも…": "h3",
        "総額（費用 + 賠償） 2,670万円 ▶ 具体的な解決策をご確認ください": "total",
        "上記は弊社調べによる想定損害額であり、実際の損害額は個別の事案により異なります。": "small",
        "サイバー攻撃を受け、個人情報情報が漏洩した場合の補償イメージ": "h2",
        "AIG損害保険株式会社": "company",
        "お問い合わせ・お申し込みは": "label",
    },
    sections=(
        Section(1, css="band"),
        Section(9),
        # 費用 | 賠償 side by side; the four-risk table (border="1" in the seed) below them
        Section(36, mode="markup-columns", css="grid2 costs", tables="ruled"),
        Section(38),
        Section(49, css="contact"),
    ),
)

B001 = Brochure(
    seed="001_d6b7568b57308a2e",
    out_name="001-aig-personal-info-leak.html",
    title="個人情報漏洩保険｜法人のお客さま｜AIG損保",
    accent="#001871",
    roles={
        "業務過誤賠償責任保険普通保険約款 個人情報漏洩特約": "riders",
        "個人情報漏洩保険": "h1",
        "AIG損保の個人情報漏洩保険は、貴社が所有・使用・管理する個人情報が漏洩した場合の"
        "賠償リスクを補償します。": "lead",
        "個人情報が漏洩すると": "h2",
        "もしも、個人情報が漏洩してしまったら…": "h3",
        "想定される個人情報漏洩の事例": "h3",
        "サイバー攻撃": "h4",
        "情報の持ち出し": "h4",
        "メール誤送信": "h4",
        "情報の盗難": "h4",
        "特長": "h2",
        "1.危機管理コンサルティングのご案内": "h3",
        "2.マイナンバーの漏洩に対応": "h3",
        "3.委託元からの求償もサブリミット(注) なしで補償するので安心です!": "h3",
        "4.従業員の不正行為による漏洩、委託先での漏洩も補償": "h3",
        "5.日本国外での漏洩にも対応": "h3",
        "6.不正アクセスなどのサイバー攻撃に起因する漏洩も補償": "h3",
        "補償内容": "h2",
        "AIG損保の個人情報漏洩保険なら、トリプルステップでトータルに企業をサポート!": "lead",
        "Step1": "label",
        "Step2": "label",
        "Step3": "label",
        "第一のサポート": "h3",
        "第二のサポート": "h3",
        "第三のサポート": "h3",
        "漏洩事故が起こった場合、初期対応が重要です。": "catch",
        "事故後の対応には費用がかかります。": "catch",
        "損害賠償金や弁護士費用など十分な備えが必要です。": "catch",
        "危機管理コンサルティング費用補償": "h4",
        "危機管理実行費用補償": "h4",
        "賠償金・争訟費用補償": "h4",
        "コンサルティング例": "label",
        "コンサルティングの結果": "label",
        "損害賠償請求に発展したら": "label",
        "漏洩事故対応費用": "h4",
        "「個人情報を受託することによる求償リスク」": "h4",
        "示談交渉について": "h4",
        "オプション特約": "h2",
        "さらに充実のオプションで強力にバックアップ!!!": "lead",
        "企業情報漏洩特約": "h3",
        "サイバー攻撃対応費用特約": "h3",
        "クレジットカード番号等不正使用賠償責任特約": "h3",
        "危機管理コンサルティング費用倍額支払特約": "h3",
        "危機管理実行費用倍額支払特約": "h3",
        "危機管理実行費用の自己負担割合不適用特約": "h3",
        "労働者派遣事業賠償責任特約": "h3",
        "特許等知的財産権特約": "h3",
        "預かった機密情報を漏洩してしまったときに!": "catch",
        "高まるサイバー攻撃の脅威に対応!": "catch",
        "クレジットカード情報の流出が心配!": "catch",
        "漏洩事故の際にかかる高額の費用が心配!": "catch",
        "会社が負担する費用を抑えたい!": "catch",
        "派遣先での漏洩事故にも備えたい!": "catch",
        "第三者の知的財産権を侵害してしまったときの補償": "catch",
        "このページにおけるご注意": "h2",
        "無断での使用・複製は禁じます。": "small",
    },
    sections=(
        Section(1, tag="section", css="intro"),
        Section(8, tag="section"),
        Section(32, tag="section"),
        Section(67, tag="section"),
        Section(147, tag="section", css="options"),
        Section(203, tag="section", css="notes"),
    ),
    chrome=Chrome(
        site_name="AIG損保",
        nav=("個人のお客さま", "法人のお客さま", "代理店の方へ", "会社情報", "事故のご連絡", "お問い合わせ"),
        footer_links=("サイトマップ", "ご利用にあたって", "個人情報保護方針", "勧誘方針", "English"),
        copyright="Copyright © AIG General Insurance Company, Ltd. All Rights Reserved.",
    ),
)

B002 = Brochure(
    seed="002_4486041973b1e53c",
    out_name="002-nisshin-fire-pisapo-cyber.pdf",
    title="ピサポ サイバー・情報漏えい事故補償特約のご案内",
    accent="#b8102a",
    roles={
        "サイバー・情報漏えいリスクに鉄壁の守りを": "h1",
        **{str(n): "caseno" for n in range(1, 10)},
        "*DDoS攻撃とは (distributed denial of service attack)": "term",
        "◆マルウェアとは": "term",
        "★不正アクセスとは": "term",
        "調査費請求": "callout",
        "サイバー攻撃のリスクは、発見前から始まっています!": "h2",
        "〈サイバー・情報漏えい事故補償特約〉の特長": "h3",
        "サイバー・情報漏えい事故補償特約の概要": "h2",
        "例": "label",
        "ご注意": "h3",
        "(※1) 保険契約においてお支払いする保険金の額は、すべての保険金を合算して、損害賠償責任に関する"
        "補償で設定された保険期間中支払限度額または3億円のいずれか低い額が限度となります。": "note",
        "サイバー緊急連絡先 (専門事業者のご紹介)": "h2",
        "専門事業者により、一部サービスをご提供できない場合があります。サービスの詳細については"
        "専門事業者のホームページをご確認ください。なお、サービスの内容は予告なく変更・中止となる"
        "場合があります。": "small",
        "※左記は専門事業者のご紹介であり、ご契約者様ご自身で記載されていない専門事業者をご選定いただく"
        "ことに問題はありません。": "small",
        "支払限度額に関するご注意": "h3",
        "日新火災海上保険株式会社": "company",
        "万一事故にあわれたら サービス24時間・365日 フリーダイヤル 0120-25-7474": "callout",
        "代理店・営業担当": "label",
        "※1 このサービスは、お客さまと専門事業者との間で締結される委託契約に基づき有償で提供されるもの"
        "です。保険の付帯サービスではありません。": "note",
    },
    sections=(
        Section(1, css="band"),
        Section(5, css="cols2 cases"),
        Section(60),
        Section(83, css="coverage", tables="ruled", header_row=True),
        Section(89),
        Section(98, css="vendors", tables="plain", header_row=True),
        Section(102),
        Section(113, css="contact cols2"),
    ),
)

B003 = Brochure(
    seed="003_e078ac9c3fbafa5c",
    out_name="003-cyber-insurance-premiums.html",
    title="サイバー保険｜補償内容と保険料例",
    accent="#0b6e4f",
    roles={
        "※セキュリティ対策状況に応じます": "small",
        "サイバー攻撃の標的は": "lead",
        "※出典:総務省「通信利用動向調査 企業における情報通信ネットワーク利用の際のセキュリティ侵害」"
        "約2,100社のうち「何らかの被害を受けた企業」と答えた2022年の企業の割合": "small",
        "情報化社会の多様なリスクを包括的にカバー。": "h2",
        "事故発生時の各種対応費用に関する補償": "h3",
        "他にも信頼回復のための会見などに要する費用、再発防止策の策定費用、専門家への相談費用などを"
        "お支払いします。": "p",
        "※公的機関、被保険者システムのセキュリティ運用管理を委託している会社等になります。詳細は約款を"
        "ご確認ください。": "small",
        "事故発生時のサポート": "h3",
        "※本サービスは、サイバー保険で保険金がお支払いできる場合にご利用いただけるサービスです。": "small",
        "第三者に対する賠償責任に関する補償": "h3",
        "※1 貴社の業務の一環としてシステムを通して公表・発表などをするコンテンツの内容による名誉棄損や"
        "プライバシー侵害、著作権侵害などによる損害": "small",
        "補償の対象となる費用の例": "h4",
        "ヒューマンエラーだけでなく、": "callout",
        "※ただし、犯罪行為や背任行為等を行った従業員等自身の被る損害については補償しません。": "small",
        "〈オプション〉喪失利益・営業継続費用": "h2",
        "利益・営業継続費用補償追加条項": "h3",
        "お支払いする保険金の種類": "h4",
        "※ただし、サイバー攻撃などの実行者に支払う身代金は含みません。": "small",
        "売上高5億円の場合": "h4",
        "売上高30億円の場合": "h4",
        "試算条件": "h4",
        "記載の保険料は、任意でご申告いただくセキュリティ対策について、申告項目の半分程度行われている想定"
        "です。対策状況によってはさらに割引が適用される可能性があります。保険料についてはこちらからお問い"
        "合わせください。": "p",
        "※本事例は実際に発生した事故をもとに当社で設定しています。": "small",
        "海外からのサイバー攻撃も対象になりますか?": "h3",
        "従業員の意図的な情報漏えいも対象になりますか?": "h3",
        "個人事業主でも加入できますか?": "h3",
        "契約期間が1年未満の短期契約は可能ですか?": "h3",
        "加入できない業種はありますか?": "h3",
        "事業を開始したばかりでも加入できますか?": "h3",
    },
    sections=(
        Section(1, tag="section", css="features"),
        Section(15, tag="section", css="cases"),
        Section(49, tag="section"),
        Section(94, tag="section", css="option"),
        Section(110, tag="section", mode="grid-tables", css="premiums"),
        Section(115, tag="section"),
        Section(127, tag="section", css="faq"),
    ),
    chrome=Chrome(
        site_name="サイバー保険のご案内",
        nav=("トップ", "サイバー保険とは", "補償内容", "保険料例", "よくあるご質問", "お問い合わせ"),
        footer_links=("運営者情報", "プライバシーポリシー", "サイトのご利用について"),
        copyright="© サイバー保険のご案内",
    ),
)

B004 = Brochure(
    seed="004_f1d967690632e022",
    out_name="004-tokio-marine-cyber-risk.pdf",
    title="サイバーリスク保険のご案内",
    accent="#00549f",
    roles={
        "強固なセキュリティを構築しても、": "lead",
        "1契約で包括的に補償 **「サイバーリスク保険」**のご案内": "h1",
        "サイバー攻撃への備えは大丈夫ですか？": "h2",
        "サイバー攻撃による主な被害": "h3",
        "警察のセンサー^(*)に対する不正アクセス件数(1日あたり)": "h3",
        "出典) 警視庁「令和4年におけるサイバー空間をめぐる脅威の情勢等について」": "small",
        "たとえばこんな事故が…": "h2",
        "事故例": "h3",
        "支出": "h3",
        "東京海上日動の「**サイバーリスク保険**」なら**“まとめて”補償**できます!": "callout",
        "補償を一本化!": "callout",
        "このご案内書は、サイバーリスク保険の概要をご紹介しますもので、サイバーリスク保険に関するすべての"
        "事項を記載しているものではありません。保険の内容は企画書等をご請求の上、ご確認ください。詳細は、"
        "保険約款およびセットされる特約条項によりますが、ご不明な点がありましたら、ご遠慮なく代理店または"
        "東京海上日動までお問い合わせください。ご契約に際しましては必ず保険約款および重要事項説明書を"
        "ご確認ください。": "small",
        "【協会事務局】": "label",
        "【引受保険会社】": "label",
        "東京海上日動火災保険株式会社": "company",
        "1760-ER04-14027-202310": "small",
    },
    sections=(
        Section(1, css="band"),
        Section(13),
        Section(17, css="pairs", tables="plain"),
        Section(19),
        Section(33, mode="ledger", css="ledger", tables="plain"),
        Section(44),
        Section(47, css="pairs boxes", tables="ruled"),
        Section(49),
        Section(54, css="contact"),
    ),
)

BROCHURES: tuple[Brochure, ...] = (B000, B001, B002, B003, B004)


# --------------------------------------------------------------------------- seed text → blocks


@dataclass
class Para:
    role: str
    lines: list[str]


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class ListBlock:
    #: ul/ol: the marker is list markup; plain: the marker glyph is text; cards: `-`-separated
    kind: Literal["ul", "ol", "plain", "cards"]
    items: list[list[str]] = field(default_factory=list)


@dataclass
class TableBlock:
    rows: list[list[str]]
    header: bool


Block = Para | Heading | ListBlock | TableBlock

LIST_ITEM = re.compile(r"^\s*(?P<marker>[-•]|\d+\.|▶|⚫\ufe0e?|・)\s+(?P<text>\S.*)$")
PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
MARKUP = re.compile(r"<(?:h[1-6]|p|ul|ol|div|table|small|strong)\b")
INLINE = re.compile(
    r"\*\*(?P<strong>.+?)\*\*|\^\((?P<sup>[^)]*)\)|<(?P<auto>https?://[^>\s]+)>|(?P<url>https?://[^\s<>()]+)"
)
#: inside a table cell these glyphs start a new visual line (the seed ran the items together)
CELL_BREAK = re.compile(r"(?<=\S)\s*(?=[●▶⚫\u2460-\u2473])")
SEPARATOR_TAIL = " -"
#: paragraph roles that never absorb the lines below them
SINGLE_LINE_ROLES = {"label", "caseno"}


def list_kind(marker: str) -> Literal["ul", "ol", "plain"]:
    """Given a list marker, return the kind of list it opens."""
    if marker in ("-", "•"):
        return "ul"
    if marker.endswith("."):
        return "ol"
    return "plain"


def is_pipe_table(lines: Sequence[str], i: int) -> bool:
    """Given the lines and an index, return whether a `|` pipe table starts there."""
    return "|" in lines[i] and i + 1 < len(lines) and bool(PIPE_RULE.match(lines[i + 1]))


def pipe_row(line: str) -> list[str]:
    """Given one line of a pipe table, return its cells."""
    s = line.strip()
    s = s.removeprefix("|")
    s = s.removesuffix("|")
    return [c.strip() for c in s.split("|")]


def drop_empty_columns(rows: list[list[str]]) -> list[list[str]]:
    """Given table rows, return them without the columns that are empty in every row."""
    width = max(len(r) for r in rows)
    padded = [r + [""] * (width - len(r)) for r in rows]
    keep = [j for j in range(width) if any(r[j] for r in padded)]
    return [[r[j] for j in keep] for r in padded]


def lines_to_blocks(lines: Sequence[str], roles: Mapping[str, str], header_row: bool) -> list[Block]:
    """Given the seed lines of a flow section, return its blocks in reading order."""
    blocks: list[Block] = []
    cur: Para | ListBlock | None = None

    def close() -> None:
        nonlocal cur
        if cur is not None:
            blocks.append(cur)
        cur = None

    i = 0
    while i < len(lines):
        raw = lines[i]
        s = raw.strip()
        role = roles.get(s)
        if not s:
            close()
            i += 1
            continue
        if role is None and "\t" in raw:
            close()
            rows = []
            while i < len(lines) and "\t" in lines[i]:
                rows.append([c.strip() for c in lines[i].split("\t")])
                i += 1
            blocks.append(TableBlock(drop_empty_columns(rows), header_row))
            continue
        if role is None and is_pipe_table(lines, i):
            close()
            rows = [pipe_row(lines[i])]
            i += 2
            while i < len(lines) and "|" in lines[i]:
                rows.append(pipe_row(lines[i]))
                i += 1
            blocks.append(TableBlock(drop_empty_columns(rows), True))
            continue
        i += 1
        if role in HEADINGS:
            close()
            blocks.append(Heading(HEADINGS[role], s))
            continue
        if role is not None:
            close()
            cur = Para(role, [s])
            if role in SINGLE_LINE_ROLES:
                close()
            continue
        if s == "-" or s.endswith(SEPARATOR_TAIL):
            text = s.removesuffix("-").strip()
            if not (isinstance(cur, ListBlock) and cur.kind == "cards"):
                if text and cur is not None and not isinstance(cur, ListBlock):
                    cur.lines.append(text)
                    text = ""
                close()
                cur = ListBlock("cards")
            if text and cur.items:
                cur.items[-1].append(text)
            cur.items.append([])
            continue
        m = LIST_ITEM.match(raw)
        if m and not (isinstance(cur, ListBlock) and cur.kind == "cards"):
            kind = list_kind(m["marker"])
            text = s if kind == "plain" else m["text"].strip()
            if not (isinstance(cur, ListBlock) and cur.kind == kind):
                close()
                cur = ListBlock(kind)
            cur.items.append([text])
            continue
        if isinstance(cur, ListBlock):
            if not cur.items:
                cur.items.append([])
            cur.items[-1].append(s)
        elif isinstance(cur, Para):
            cur.lines.append(s)
        else:
            cur = Para("p", [s])
    close()
    for b in blocks:
        if isinstance(b, ListBlock):
            b.items = [it for it in b.items if it]
    return [b for b in blocks if not (isinstance(b, ListBlock) and not b.items)]


# --------------------------------------------------------------------------- blocks → HTML


def append_text(parent: Element, text: str) -> None:
    """Given an element and text, append the text after the element's last child."""
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def add_inline(parent: Element, text: str) -> None:
    """Given an element and a seed text span, append it with `**`, `^()` and URLs as markup."""
    if text.count("**") % 2:
        # a lone `**` closes an emphasis whose opening the seed lost: `特長1** 情報…`
        k = text.index("**")
        if text[:k].strip():
            strong = etree.SubElement(parent, "strong")
            add_inline(strong, text[:k])
        text = text[k + 2 :]
    pos = 0
    for m in INLINE.finditer(text):
        append_text(parent, text[pos : m.start()])
        pos = m.end()
        if m["strong"] is not None:
            add_inline(etree.SubElement(parent, "strong"), m["strong"])
        elif m["sup"] is not None:
            etree.SubElement(parent, "sup").text = f"({m['sup']})"
        else:
            url = m["auto"] or m["url"]
            a = etree.SubElement(parent, "a", href=url)
            a.text = url
    append_text(parent, text[pos:])


def add_lines(parent: Element, lines: Sequence[str]) -> None:
    """Given an element and lines, append them separated by <br>."""
    for k, line in enumerate(lines):
        if k:
            etree.SubElement(parent, "br")
        add_inline(parent, line)


def add_cell(cell: Element, text: str) -> None:
    """Given a table cell and its seed text, append the text, one line per item glyph."""
    add_lines(cell, [p for p in CELL_BREAK.split(text) if p])


def table_element(rows: Sequence[Sequence[str]], header: bool, style: str) -> Element:
    """Given rows of cell texts, return a <table>; the first row is <th> when header is set."""
    table = etree.Element("table", {"class": style})
    body_rows = rows
    if header:
        thead = etree.SubElement(table, "thead")
        tr = etree.SubElement(thead, "tr")
        for text in rows[0]:
            add_cell(etree.SubElement(tr, "th"), text)
        body_rows = rows[1:]
    tbody = etree.SubElement(table, "tbody")
    for row in body_rows:
        tr = etree.SubElement(tbody, "tr")
        for text in row:
            add_cell(etree.SubElement(tr, "td"), text)
    return table


def block_to_element(block: Block, table_style: str) -> Element:
    """Given a block, return its HTML element."""
    if isinstance(block, Heading):
        h = etree.Element(f"h{block.level}")
        add_inline(h, block.text)
        return h
    if isinstance(block, Para):
        p = etree.Element("p")
        if block.role != "p":
            p.set("class", block.role)
        add_lines(p, block.lines)
        return p
    if isinstance(block, TableBlock):
        return table_element(block.rows, block.header, table_style)
    tag = "ol" if block.kind == "ol" else "ul"
    lst = etree.Element(tag)
    if block.kind in ("plain", "cards"):
        lst.set("class", block.kind)
    for item in block.items:
        li = etree.SubElement(lst, "li")
        if len(item) == 1:
            add_inline(li, item[0])
            continue
        title = etree.SubElement(li, "strong", {"class": "title"})
        add_inline(title, item[0])
        p = etree.SubElement(li, "p")
        add_lines(p, item[1:])
    return lst


# --------------------------------------------------------------------------- special section modes

BLOCK_TAGS = {"p", "div", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6"}
BARE_ITEM = re.compile(r"(?=(?:▶|・)\s)")


def itemise_bare_list(ul: Element) -> None:
    """Given a <ul> holding bare `▶ x ▶ y` text, give it <li>s and move its blocks after it."""
    if any(child.tag == "li" for child in ul):
        return
    items: list[Element] = []
    blocks: list[Element] = []

    def add_text(text: str | None) -> None:
        for part in BARE_ITEM.split(text or ""):
            if not part.strip():
                continue
            # keep one space before a following inline child: `60万円 <small>(注1)</small>`
            part = re.sub(r"\s+$", " ", part.lstrip())
            if BARE_ITEM.match(part) or not items:
                items.append(etree.Element("li"))
            append_text(items[-1], part)

    add_text(ul.text)
    ul.text = None
    for child in list(ul):
        tail, child.tail = child.tail, None
        ul.remove(child)
        if child.tag in BLOCK_TAGS:
            blocks.append(child)
        elif items:
            items[-1].append(child)
        else:
            blocks.append(child)
        add_text(tail)
    ul.extend(items)
    parent = ul.getparent()
    if parent is None:
        raise BuildError("itemise_bare_list needs a <ul> with a parent")
    at = parent.index(ul)
    for k, b in enumerate(blocks, start=1):
        parent.insert(at + k, b)


def fragment_to_column(fragment: str) -> Element:
    """Given an HTML fragment from a seed, return a column <div> holding it as real markup."""
    col = etree.Element("div", {"class": "col"})
    for node in lhtml.fragments_fromstring(fragment):
        if isinstance(node, str):
            append_text(col, node)
        else:
            col.append(node)
    for ul in list(col.iter("ul")):
        itemise_bare_list(ul)
    return col


def text_of(el: Element) -> str:
    """Given an element, return all the text inside it."""
    return str(etree.tostring(el, method="text", encoding="unicode", with_tail=False))


def squash(text: str) -> str:
    """Given text, return it without any whitespace (the form texts are compared in)."""
    return re.sub(r"\s+", "", text)


def markup_columns(lines: Sequence[str], section: Section) -> list[Element]:
    """Given lines of tab-separated HTML fragments, return the columns side by side."""
    grid = etree.Element("div", {"class": section.css})
    hoisted: list[Element] = []
    leftovers: list[str] = []
    for line in lines:
        for cell in line.split("\t"):
            if MARKUP.search(cell):
                col = fragment_to_column(cell)
                grid.append(col)
                # a full-width table squeezed into one column is moved below the columns,
                # with the paragraph that introduces it
                for table in list(col.iter("table")):
                    prev = table.getprevious()
                    for el in ([prev] if prev is not None and prev.tag == "p" else []) + [table]:
                        el.tail = None
                        el.getparent().remove(el)  # type: ignore[union-attr]
                        hoisted.append(el)
            elif cell.strip():
                leftovers.append(cell)
    # the seed repeats the cells of the fragment's table as plain tab-separated text; that
    # copy is dropped only when it is the same text as a rendered cell
    rendered = {squash(text_of(td)) for td in grid.iter("td")}
    rendered |= {squash(text_of(td)) for el in hoisted for td in el.iter("td")}
    unknown = [c for c in leftovers if squash(c) not in rendered]
    if unknown:
        raise BuildError(f"markup-columns section at line {section.start}: text not rendered: {unknown[:2]}")
    for el in hoisted:
        if el.tag == "table":
            el.set("class", section.tables)
    return [grid, *hoisted]


def ledger(lines: Sequence[str], roles: Mapping[str, str], section: Section) -> list[Element]:
    """Given `label amount` lines (list items and a total), return a heading and a two-column table."""
    out: list[Element] = []
    rows: list[tuple[str, str, bool]] = []
    for line in lines:
        s = line.strip()
        if not s:
            continue
        role = roles.get(s)
        if role in HEADINGS:
            out.append(block_to_element(Heading(HEADINGS[role], s), section.tables))
            continue
        m = LIST_ITEM.match(line)
        text = m["text"].strip() if m else s
        label, _, amount = text.rpartition(" ")
        if not label:
            raise BuildError(f"ledger line has no `label amount` form: {s!r}")
        rows.append((label, amount, m is None))
    table = etree.Element("table", {"class": str(section.tables)})
    tbody = etree.SubElement(table, "tbody")
    for label, amount, is_total in rows:
        tr = etree.SubElement(tbody, "tr", {"class": "total"} if is_total else {})
        add_cell(etree.SubElement(tr, "td"), label)
        add_cell(etree.SubElement(tr, "td", {"class": "amount"}), amount)
    out.append(table)
    return out


def grid_tables(lines: Sequence[str], roles: Mapping[str, str], section: Section) -> list[Element]:
    """Given caption lines each followed by a line of space-separated cells, return one table per caption."""
    bands: list[Element] = []
    n = section.grid_columns
    band: Element | None = None
    for line in lines:
        s = line.strip().removesuffix(SEPARATOR_TAIL).strip()
        if not s or s == "-":
            continue
        tokens = s.split()
        if len(tokens) >= 2 * n and len(tokens) % n == 0:
            if band is None:
                band = etree.Element("div", {"class": "band"})
                bands.append(band)
            rows = [tokens[k : k + n] for k in range(0, len(tokens), n)]
            band.append(table_element(rows, True, section.tables))
            band = None
        else:
            band = etree.Element("div", {"class": "band"})
            bands.append(band)
            level = HEADINGS.get(roles.get(s, "h4"), 4)
            band.append(block_to_element(Heading(level, s), section.tables))
    return bands


# --------------------------------------------------------------------------- pages


def section_ranges(brochure: Brochure, n_lines: int) -> list[tuple[Section, int, int]]:
    """Given a brochure and its line count, return each section with its 0-based [start, end)."""
    starts = [s.start for s in brochure.sections]
    if starts[0] != 1 or starts != sorted(set(starts)) or starts[-1] > n_lines:
        raise BuildError(f"{brochure.seed}: sections must start at line 1 and ascend within the seed")
    ends = [*starts[1:], n_lines + 1]
    return [(s, s.start - 1, end - 1) for s, end in zip(brochure.sections, ends, strict=True)]


def check_roles(brochure: Brochure, lines: Sequence[str]) -> None:
    """Given a brochure and its seed lines, raise if a role names a line the seed does not have."""
    present = {line.strip() for line in lines}
    unknown = [k for k in brochure.roles if k not in present]
    if unknown:
        raise BuildError(f"{brochure.seed}: roles name lines not in the seed: {unknown}")


def seed_to_content(brochure: Brochure, lines: Sequence[str]) -> list[Element]:
    """Given a brochure and its seed lines, return the content elements of its page."""
    check_roles(brochure, lines)
    out: list[Element] = []
    for section, a, b in section_ranges(brochure, len(lines)):
        chunk = lines[a:b]
        wrapper = etree.Element(section.tag)
        if section.css and section.mode != "markup-columns":
            wrapper.set("class", section.css)
        if section.mode == "markup-columns":
            wrapper.extend(markup_columns(chunk, section))
        elif section.mode == "ledger":
            wrapper.extend(ledger(chunk, brochure.roles, section))
        elif section.mode == "grid-tables":
            wrapper.extend(grid_tables(chunk, brochure.roles, section))
        else:
            for block in lines_to_blocks(chunk, brochure.roles, section.header_row):
                wrapper.append(block_to_element(block, section.tables))
        if len(wrapper):
            out.append(wrapper)
    return out


BASE_CSS = """
* { box-sizing: border-box; }
body { font-family: "%(font)s", sans-serif; color: #1d1d1f; }
a { color: inherit; }
sup { font-size: 70%%; line-height: 0; }
table { border-collapse: collapse; width: 100%%; }
th, td { text-align: left; vertical-align: top; }
table.ruled th, table.ruled td { border: 0.75pt solid #444; padding: 1.4mm 2mm; }
table.ruled th { background: #eef1f6; }
table.plain th, table.plain td { border: 0; padding: 0.8mm 4mm 0.8mm 0; }
ul.plain, ul.cards { list-style: none; padding-left: 0; }
.small, .note { font-size: 85%%; color: #444; }
p.callout, p.total { font-weight: 700; border: 1.2pt solid %(accent)s; padding: 2mm 3mm; }
.label { display: inline-block; background: %(accent)s; color: #fff; font-weight: 700; padding: 0.4mm 2.5mm; }
.lead { font-size: 130%%; font-weight: 700; }
.catch, .term, .company { font-weight: 700; }
.company { font-size: 125%%; }
.riders { font-size: 85%%; }
"""

FLYER_CSS = """
@page { size: A4; margin: 9mm 10mm 10mm 10mm; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; font-size: 8.4pt; line-height: 1.48; }
h1 { font-size: 19pt; line-height: 1.25; margin: 1mm 0 2mm; }
h2 { font-size: 12.5pt; margin: 4mm 0 1.8mm; padding-left: 2mm; border-left: 1.5mm solid %(accent)s;
     break-after: avoid; }
h3 { font-size: 10.5pt; margin: 3mm 0 1.2mm; color: %(accent)s; break-after: avoid; }
p { margin: 0 0 1.6mm; }
ul, ol { margin: 0 0 2mm; padding-left: 5mm; }
table { font-size: 8pt; margin: 1.5mm 0 3mm; break-inside: avoid; }
li, .callout, .total { break-inside: avoid; }
.band { background: %(accent)s; color: #fff; padding: 4mm 6mm 3mm; margin-bottom: 3mm; }
.band h1 { color: #fff; }
.band .lead { font-size: 12pt; }
.brand { font-size: 14pt; letter-spacing: 0.15em; font-weight: 700; margin: 0; }
.product { font-size: 11pt; margin: 0; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; column-gap: 7mm; }
.grid2 h2 { margin-top: 1mm; }
.cols2 { column-count: 2; column-gap: 8mm; }
.cols2 h2, .cols2 h3, .cols2 li, .cols2 table { break-inside: avoid; }
.caseno { display: block; width: 6mm; height: 6mm; line-height: 6mm; border-radius: 3mm;
          background: %(accent)s; color: #fff; text-align: center; font-weight: 700; margin: 1.5mm 0 1mm; }
.cases { font-size: 7.6pt; }
.cases .term { margin-top: 1.5mm; color: %(accent)s; }
.coverage table { font-size: 7.4pt; }
.coverage th:nth-child(-n+5), .coverage td:nth-child(-n+5) { width: 9%%; }
.coverage th:last-child, .coverage td:last-child { width: 15%%; }
.coverage table.ruled th, .coverage table.ruled td { padding: 1mm 1.5mm; }
.ledger table { width: 62%%; font-size: 9pt; }
.ledger td.amount { text-align: right; white-space: nowrap; }
.ledger tr.total td { font-weight: 700; font-size: 11pt; padding-top: 2mm; }
.pairs table td { width: 50%%; padding-right: 6mm; }
.pairs.boxes table td { padding: 2.5mm 3mm; }
.contact { border-top: 1pt solid %(accent)s; margin-top: 3mm; padding-top: 2mm; font-size: 7.3pt;
           line-height: 1.4;
           break-inside: avoid; }
.contact ul { padding-left: 4mm; }
.contact.cols2 p { break-inside: avoid; }
"""

WEB_CSS = """
body { margin: 0; font-size: 15px; line-height: 1.75; background: #fafafa; }
.site-header { background: #fff; border-bottom: 3px solid %(accent)s; padding: 12px 24px;
               display: flex; align-items: center; gap: 32px; }
.site-logo { font-weight: 700; font-size: 20px; color: %(accent)s; }
.global-nav ul { list-style: none; display: flex; gap: 20px; margin: 0; padding: 0; }
main { max-width: 960px; margin: 0 auto; padding: 24px; background: #fff; }
main section { margin-bottom: 40px; }
h1 { font-size: 32px; color: %(accent)s; }
h2 { font-size: 24px; border-bottom: 2px solid %(accent)s; padding-bottom: 4px; }
h3 { font-size: 19px; }
ul.cards { display: grid; grid-template-columns: repeat(2, 1fr); gap: 16px; }
ul.cards li { border: 1px solid #ddd; padding: 12px 16px; border-radius: 6px; }
.premiums { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; }
table.ruled th, table.ruled td, table.plain th, table.plain td { padding: 6px 10px; }
.site-footer { background: #333; color: #ddd; padding: 24px; font-size: 13px; }
.site-footer ul { list-style: none; display: flex; gap: 16px; padding: 0; }
"""

SITE_SCRIPT = """
window.dataLayer = window.dataLayer || [];
function gtag(){ dataLayer.push(arguments); }
gtag('js', new Date());
gtag('config', 'G-0000000000');
document.addEventListener('DOMContentLoaded', function () {
  var toggle = document.querySelector('.nav-toggle');
  if (toggle) {
    toggle.addEventListener('click', function () { document.body.classList.toggle('nav-open'); });
  }
});
"""


def head(brochure: Brochure, css: str) -> Element:
    """Given a brochure and its stylesheet, return the page's <head>."""
    h = etree.Element("head")
    etree.SubElement(h, "meta", charset="utf-8")
    etree.SubElement(h, "meta", name="viewport", content="width=device-width, initial-scale=1")
    etree.SubElement(h, "title").text = brochure.title
    etree.SubElement(h, "style").text = css % {"font": FONT_FAMILY, "accent": brochure.accent}
    return h


def chrome_header(chrome: Chrome) -> Element:
    """Given site chrome, return the site header with its <nav> menu."""
    header = etree.Element("header", {"class": "site-header"})
    etree.SubElement(header, "div", {"class": "site-logo"}).text = chrome.site_name
    nav = etree.SubElement(header, "nav", {"class": "global-nav", "aria-label": "メインメニュー"})
    ul = etree.SubElement(nav, "ul")
    for k, label in enumerate(chrome.nav):
        a = etree.SubElement(etree.SubElement(ul, "li"), "a", href=f"/menu/{k + 1}/")
        a.text = label
    etree.SubElement(header, "button", {"class": "nav-toggle", "type": "button"}).text = "メニュー"
    return header


def chrome_footer(chrome: Chrome) -> Element:
    """Given site chrome, return the site <footer>."""
    footer = etree.Element("footer", {"class": "site-footer"})
    ul = etree.SubElement(footer, "ul")
    for k, label in enumerate(chrome.footer_links):
        a = etree.SubElement(etree.SubElement(ul, "li"), "a", href=f"/info/{k + 1}/")
        a.text = label
    etree.SubElement(footer, "p", {"class": "copyright"}).text = chrome.copyright
    return footer


def build_page(brochure: Brochure, lines: Sequence[str]) -> Element:
    """Given a brochure and its seed lines, return the whole <html> document."""
    root = etree.Element("html", lang="ja")
    body_class = "flyer" if brochure.is_pdf else "page"
    if brochure.chrome is None:
        root.append(head(brochure, BASE_CSS + FLYER_CSS))
        body = etree.SubElement(root, "body", {"class": body_class})
        main = etree.SubElement(body, "main")
    else:
        root.append(head(brochure, BASE_CSS + WEB_CSS))
        body = etree.SubElement(root, "body", {"class": body_class})
        body.append(chrome_header(brochure.chrome))
        main = etree.SubElement(body, "main", id="content")
    main.extend(seed_to_content(brochure, lines))
    if brochure.chrome is not None:
        body.append(chrome_footer(brochure.chrome))
        etree.SubElement(body, "script").text = SITE_SCRIPT
    return root


def page_to_html(root: Element) -> str:
    """Given an <html> element, return the document as text."""
    text = lhtml.tostring(root, pretty_print=True, encoding="unicode", doctype="<!DOCTYPE html>")
    return text if text.endswith("\n") else text + "\n"


# --------------------------------------------------------------------------- checks

AMOUNT = re.compile(r"[0-9０-９][0-9０-９,，]*(?:億[0-9０-９,，]*)?(?:万|千)?円")


def seed_line_texts(line: str) -> list[str]:
    """Given a seed line, return the texts (per tab cell, whitespace removed) a page must hold."""
    out = []
    cells = [line] if MARKUP.search(line) and "\t" not in line else re.split(r"[\t|]", line)
    for cell in cells:
        if re.fullmatch(r"\s*:?-{3,}:?\s*", cell):
            continue
        if MARKUP.search(cell):
            text = "".join(n if isinstance(n, str) else text_of(n) for n in lhtml.fragments_fromstring(cell))
        else:
            text = cell.strip().removesuffix(SEPARATOR_TAIL)
            m = LIST_ITEM.match(text)
            if m and list_kind(m["marker"]) != "plain":
                text = m["text"]
            text = INLINE.sub(
                lambda m: m["strong"] or (f"({m['sup']})" if m["sup"] is not None else m["auto"] or m["url"]),
                text,
            ).replace("**", "")
        text = squash(text)
        if text and text != "-":
            out.append(text)
    return out


def missing_seed_text(lines: Iterable[str], page_text: str) -> list[str]:
    """Given seed lines and a page's text, return the seed texts the page does not contain."""
    have = squash(page_text)
    return [t for line in lines for t in seed_line_texts(line) if t not in have]


def amounts(text: str) -> set[str]:
    """Given text, return the yen amounts in it (`3億円`, `3,000万円`), NFKC-normalised."""
    return {unicodedata.normalize("NFKC", a) for a in AMOUNT.findall(text)}


def check_page(brochure: Brochure, lines: Sequence[str], root: Element) -> None:
    """Given a brochure, its seed lines and its built page, raise if seed text is missing."""
    main = root.find(".//main")
    if main is None:
        raise BuildError(f"{brochure.seed}: the page has no <main>")
    missing = missing_seed_text(lines, text_of(main))
    if missing:
        raise BuildError(f"{brochure.seed}: seed text missing from the page: {missing[:3]}")


def check_pdf(brochure: Brochure, seed_text: str, pdf: Path) -> int:
    """Given a brochure, its seed text and the printed PDF, raise on lost text; return the page count."""
    import pdfplumber

    # Chromium's Type 3 CJK fonts have no FontBBox; pdfminer warns once per glyph
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    with pdfplumber.open(pdf) as doc:
        text = "\n".join(page.extract_text() or "" for page in doc.pages)
        n_pages = len(doc.pages)
    if "(cid:" in text:
        raise BuildError(f"{pdf.name}: glyphs without a Unicode mapping ((cid:N)) in the text layer")
    norm = squash(unicodedata.normalize("NFKC", text))
    lost = sorted(a for a in amounts(seed_text) if a not in norm)
    if lost:
        raise BuildError(f"{pdf.name}: amounts of the seed not extractable from the PDF: {lost}")
    return n_pages


# --------------------------------------------------------------------------- printing


def find_chromium(explicit: str | None) -> str:
    """Given an optional path, return the Chromium executable, or raise with how to get one."""
    candidates = [explicit] if explicit else list(CHROMIUM_NAMES)
    for name in candidates:
        path = shutil.which(name) if name else None
        if path:
            return path
    raise BuildError(
        "chromium not found (needed to print the flyers to PDF). Install it with "
        "`apt-get install -y chromium fonts-noto-cjk`, pass --chromium PATH, or run with --html-only."
    )


def check_font() -> None:
    """Given nothing, raise if fontconfig has no Noto Sans CJK JP (the PDF would show tofu)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        raise BuildError("fc-list not found: install fontconfig and fonts-noto-cjk")
    families = subprocess.run(
        [fc_list, ":lang=ja", "family"], capture_output=True, text=True, check=False
    ).stdout
    if FONT_FAMILY not in families:
        raise BuildError(f"font {FONT_FAMILY!r} not installed: `apt-get install -y fonts-noto-cjk`")


def pin_pdf_dates(data: bytes) -> bytes:
    """Given PDF bytes, return them with CreationDate/ModDate pinned (same length, offsets hold)."""
    return re.sub(rb"(/(?:CreationDate|ModDate) \(D:)\d{14}", lambda m: m[1] + PINNED_PDF_DATE, data)


def print_pdf(chromium: str, html_file: Path, pdf_file: Path, work: Path) -> None:
    """Given Chromium, an HTML file and a target, print the HTML to an A4 PDF at the target."""
    tmp_pdf = work / (pdf_file.name + ".part")
    cmd = [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={work / 'profile'}",
        "--no-pdf-header-footer",
        f"--print-to-pdf={tmp_pdf}",
        html_file.as_uri(),
    ]
    try:
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BuildError(f"chromium timed out printing {html_file.name}") from exc
    if run.returncode != 0 or not tmp_pdf.exists() or tmp_pdf.stat().st_size == 0:
        tail = "\n".join(run.stderr.splitlines()[-5:])
        raise BuildError(f"chromium failed printing {html_file.name} (exit {run.returncode}):\n{tail}")
    pdf_file.write_bytes(pin_pdf_dates(tmp_pdf.read_bytes()))
    tmp_pdf.unlink()


# --------------------------------------------------------------------------- main


def read_seed(seeds_dir: Path, brochure: Brochure) -> str:
    """Given the seeds folder and a brochure, return the seed text."""
    path = seeds_dir / f"{brochure.seed}.txt"
    if not path.is_file():
        raise BuildError(f"seed not found: {path}")
    return path.read_text(encoding="utf-8")


def write_if_changed(path: Path, text: str) -> None:
    """Given a path and text, write the text there unless the file already holds it."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def build(args: argparse.Namespace) -> None:
    """Given the parsed arguments, build every brochure into the output folder."""
    seeds_dir, out_dir = Path(args.seeds), Path(args.out)
    chromium = None
    if not args.html_only:
        chromium = find_chromium(args.chromium)
        check_font()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="build_raw_") as tmp:
        work = Path(tmp)
        flyer_dir = Path(args.keep_html) if args.keep_html else work
        flyer_dir.mkdir(parents=True, exist_ok=True)
        for brochure in BROCHURES:
            seed_text = read_seed(seeds_dir, brochure)
            lines = seed_text.split("\n")
            root = build_page(brochure, lines)
            check_page(brochure, lines, root)
            text = page_to_html(root)
            if not brochure.is_pdf:
                write_if_changed(out_dir / brochure.out_name, text)
                print(f"{brochure.out_name}: html")
                continue
            html_file = flyer_dir / (Path(brochure.out_name).stem + ".html")
            write_if_changed(html_file, text)
            if chromium is None:
                where = f"html at {html_file}" if args.keep_html else "pass --keep-html DIR to keep its html"
                print(f"{brochure.out_name}: html checked, not printed (--html-only); {where}")
                continue
            pdf = out_dir / brochure.out_name
            print_pdf(chromium, html_file, pdf, work)
            print(f"{brochure.out_name}: {check_pdf(brochure, seed_text, pdf)} page(s)")


def main(argv: Sequence[str] | None = None) -> int:
    """Given command-line arguments, rebuild raw/ and return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--html-only", action="store_true", help="write the web pages; do not print PDFs")
    parser.add_argument("--chromium", help="path of the Chromium executable (default: search PATH)")
    parser.add_argument("--keep-html", metavar="DIR", help="keep the flyers' HTML in DIR (default: temp)")
    parser.add_argument("--seeds", default=str(SEEDS_DIR), help="folder of the seed .txt files")
    parser.add_argument("--out", default=str(RAW_DIR), help="output folder (default: raw/)")
    args = parser.parse_args(argv)
    try:
        build(args)
    except BuildError as exc:
        print(f"build_raw: error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
