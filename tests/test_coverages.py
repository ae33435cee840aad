"""Coverage items: scope, riders, exclusions, on small documents, the seeds and a synthetic brochure."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from extractors import readers
from extractors.blocks import document_to_units
from extractors.coverages import document_to_coverages, list_items, offered_clauses
from extractors.document import CELL_SEPARATOR, Cell, Document, Line, Page, Table
from extractors.records import CoverageRecord
from extractors.sections import (
    document_to_contexts,
    is_description,
    is_field_label,
    is_figure_only,
    is_rider_line,
    is_wrapped_line,
    rider_names,
    straddles,
    units_to_contexts,
)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
RAW = ROOT / "raw"


def doc_from_text(text: str) -> Document:
    """Given brochure text, return a one-page Document: a Line per non-empty line; tab or
    markdown pipe rows become a Table (and a line of their cells, as the readers give)."""
    lines: list[Line] = []
    tables: list[Table] = []
    rows: list[tuple[Cell, ...]] = []

    def close() -> None:
        if rows:
            tables.append(Table(page=1, rows=tuple(rows)))
            rows.clear()

    for raw in text.splitlines():
        stripped = raw.strip()
        if "\t" in raw or stripped.startswith("|"):
            parts = raw.split("\t") if "\t" in raw else stripped.strip("|").split("|")
            if all(set(p.strip()) <= set("-: ") for p in parts):
                continue  # a markdown separator row
            cells = tuple(Cell(p.strip()) for p in parts)
            rows.append(cells)
            lines.append(Line(CELL_SEPARATOR.join(c.text for c in cells if c.text), page=1))
            continue
        close()
        if stripped:
            lines.append(Line(stripped, page=1))
    close()
    return Document(source="test", source_format="text", pages=(Page(1, tuple(lines), tuple(tables)),))


@functools.cache
def seed_document(lead: str, form: str) -> Document:
    """Given a seed's leading number and its form (text, or raw's pdf/html), return its Document."""
    if form == "text":
        return readers.read(next(SEEDS.glob(f"{lead}_*.txt")))
    return readers.read(
        next(p for p in RAW.glob(f"{lead}*") if p.suffix.lower() in (".pdf", ".html", ".htm"))
    )


def forms(lead: str) -> list[str]:
    """Given a seed's leading number, return the forms it exists in (text always, raw when rendered)."""
    rendered = [p for p in RAW.glob(f"{lead}*") if p.suffix.lower() in (".pdf", ".html", ".htm")]
    return ["text", "raw"] if rendered else ["text"]


def seed_cases() -> list[tuple[str, str]]:
    """Given nothing, return (lead, form) for every seed and form available."""
    return [(lead, form) for lead in ("000", "001", "002", "003", "004") for form in forms(lead)]


@functools.cache
def seed_coverages(lead: str, form: str) -> tuple[CoverageRecord, ...]:
    """Given a seed and form, return its coverage rows."""
    return tuple(document_to_coverages(seed_document(lead, form), f"seed{lead}"))


def ids_of(records: tuple[CoverageRecord, ...] | list[CoverageRecord]) -> set[str]:
    """Given coverage rows, return their non-null coverage ids."""
    return {r.coverage_id for r in records if r.coverage_id}


# ---------------------------------------------------------------- pure functions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a heading naming one rider
        ("危機管理コンサルティング費用倍額支払特約", ["危機管理コンサルティング費用倍額支払特約"]),
        # a bracketed rider in a heading (〈…〉の特長)
        ("〈サイバー・情報漏えい事故補償特約〉の特長", ["サイバー・情報漏えい事故補償特約"]),
        # a list of riders separated by spaces and slashes
        (
            "個人情報漏洩補償特約 サイバー攻撃対応費用補償特約 / セキュリティ賠償責任補償特約",
            ["個人情報漏洩補償特約", "サイバー攻撃対応費用補償特約", "セキュリティ賠償責任補償特約"],
        ),
        # 追加条項 is a rider too
        ("利益・営業継続費用補償追加条項", ["利益・営業継続費用補償追加条項"]),
        # generic words are not rider names
        ("オプション特約", []),
        # この特約 refers to a rider, it does not name one
        ("この特約をセットすることで", []),
    ],
)
def test_rider_names(text: str, expected: list[str]) -> None:
    assert rider_names(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the product's make-up: policy wording plus riders
        ("業務過誤賠償責任保険普通保険約款 個人情報漏洩特約", True),
        # riders only
        ("危機管理コンサルティング費用特約 危機管理実行費用特約", True),
        # a sentence that mentions a rider is not a rider list
        ("この特約をセットすることで支払限度額を増額できます", False),
    ],
)
def test_is_rider_line(text: str, expected: bool) -> None:
    assert is_rider_line(text) == expected


@pytest.mark.parametrize(
    ("sentence", "kept"),
    [
        # an exclusion sentence offers nothing
        ("※ただし、サイバー攻撃などの実行者に支払う身代金は含みません。", 0),
        # a contrast: the offered clause stays, the excluded one goes
        ("従業員の不正行為による漏洩も補償しますが、役員の不正行為による漏洩は補償の対象となりません。", 1),
        # an excluded parenthetical is dropped, the rest stays
        (
            "個人情報漏洩も補償の対象となります。(ただし、海外での業務に起因する場合は補償の対象にはなりません。)",
            1,
        ),
        # a plain offer
        ("次の損害賠償金および争訟費用を補償します。", 1),
    ],
)
def test_offered_clauses(sentence: str, kept: int) -> None:
    assert len(offered_clauses(sentence)) == kept


def test_scope_walk() -> None:
    # 補償 headings open a coverage block; 事例, questions and 出典 close it; a plain heading
    # after a stop block is neutral (only sentences that offer cover count there)
    doc = doc_from_text(
        "補償内容\n・損害賠償金\n想定される事例\nサイバー攻撃\nご存じですか?\n第三者に対する賠償責任に関する補償\n"
        "※出典:総務省\n"
    )
    scopes = [c.scope for c in units_to_contexts(document_to_units(doc))]
    assert scopes == ["coverage", "coverage", "stop", "neutral", "stop", "coverage", "stop"]
    assert "liability.network_security" not in ids_of(document_to_coverages(doc, "t"))


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # bullets under a coverage heading are items
        (
            "お支払いする主な費用\n・コールセンター設置費用\n・被害者への見舞金",
            {"expense.call_center", "expense.condolence"},
            set(),
        ),
        # the same bullets under a case story are not
        (
            "事故例\n・コールセンター設置費用\n・被害者への見舞金",
            set(),
            {"expense.call_center", "expense.condolence"},
        ),
        # a question and its statistics are marketing
        (
            "サイバー攻撃の被害を受けたことがありますか？\n・不正プログラム除去費用",
            set(),
            {"expense.malware_removal"},
        ),
        # an exclusion under a coverage heading is not a coverage
        ("補償内容\n※ただし、身代金は含みません。", set(), {"expense.extortion"}),
        # a sentence that offers cover counts anywhere outside stop blocks
        ("デジタル・フォレンジック費用を補償します。", {"expense.forensics"}, set()),
        # the same words without an offer cue are a story, not a coverage
        ("デジタル・フォレンジック費用が発生した。", set(), {"expense.forensics"}),
        # a heading naming a covered cost stays in the coverage block although it says 被害
        ("補償内容\n被害状況の調査\n・証拠保全費用", {"expense.incident_response"}, set()),
        # a heading about damage that names no cost closes it
        ("補償内容\nサイバー攻撃による主な被害\n・データ復旧費用", set(), {"expense.data_restoration"}),
        # a table row whose other cell says 対象外 names an exclusion
        (
            "補償項目\t支払限度額\n身代金\t対象外\n損害賠償金\t1億円",
            {"liability.damages"},
            {"expense.extortion"},
        ),
    ],
)
def test_items_in_scope(text: str, present: set[str], absent: set[str]) -> None:
    found = ids_of(document_to_coverages(doc_from_text(text), "t"))
    assert present <= found
    assert not (absent & found)


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # a ■ heading carrying its section's limit in brackets still opens a coverage block
        (
            "■ 費用補償（支払限度額 5,000万円）\n・データ復旧費用（1,000万円）\n・再発防止費用（300万円）",
            {"expense", "expense.data_restoration", "expense.prevention"},
            set(),
        ),
        # the same items under no heading at all are not offered by anything
        ("・データ復旧費用（1,000万円）\n・再発防止費用（300万円）", set(), {"expense.data_restoration"}),
        # a per-person figure in brackets makes no heading: the block stays neutral
        (
            "■ 見舞費用補償（1名につき500円）\n・データ復旧費用（1,000万円）",
            set(),
            {"expense.data_restoration"},
        ),
        # 費用補償 is the section only as a whole label; inside one it is an item's tail
        ("補償内容\n・見舞費用補償", {"expense.condolence"}, {"expense"}),
        # one side of 対人・対物 alone names the same coverage
        ("〈サイバー攻撃による対物事故補償特約〉", {"liability.bodily_property"}, set()),
    ],
)  # fmt: skip
def test_heading_with_bracketed_figure(text: str, present: set[str], absent: set[str]) -> None:
    found = ids_of(document_to_coverages(doc_from_text(text), "t"))
    assert present <= found
    assert not (absent & found)


def test_option_heading_makes_items_optional() -> None:
    # items under an オプション heading are optional and carry the rider that adds them
    doc = doc_from_text(
        "基本補償\n・損害賠償金\n〈オプション〉喪失利益・営業継続費用\n利益・営業継続費用補償追加条項\n"
        "お支払いする保険金の種類\n・喪失利益\n・営業継続費用\n"
    )
    rows = {r.coverage_id: r for r in document_to_coverages(doc, "t")}
    assert rows["liability.damages"].is_optional is False
    assert rows["liability.damages"].rider is None
    for cid in ("business_interruption.lost_profit", "business_interruption.extra_expense"):
        assert rows[cid].is_optional is True
        assert rows[cid].rider == "利益・営業継続費用補償追加条項"


def test_rider_with_set_cue_is_optional() -> None:
    # a rider described with セットすることで is optional even without an option heading
    doc = doc_from_text(
        "補償内容\n個人情報漏洩特約\n個人情報が漏洩した場合の損害賠償責任を補償します。\n"
        "企業情報漏洩特約\nこの特約をセットすることで、企業情報の漏洩による損害賠償責任を補償します。\n"
    )
    rows = document_to_coverages(doc, "t")
    by_rider = {r.rider: r.is_optional for r in rows if r.rider}
    assert by_rider["個人情報漏洩特約"] is False
    assert by_rider["企業情報漏洩特約"] is True


def test_unmapped_item_keeps_its_label() -> None:
    # a listed cost that maps to no id is kept with coverage_id None, never forced
    rows = document_to_coverages(doc_from_text("お支払いする主な費用\n・社内説明会開催費用"), "t")
    assert [(r.coverage_id, r.coverage_label) for r in rows] == [(None, "社内説明会開催費用")]
    assert rows[0].section == "expense"


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # a heading listing what is not paid closes the coverage block although it says 保険金
        (
            "■ 補償内容\n・損害賠償金\n■ 保険金をお支払いできない主な場合\n・身代金の支払い",
            {"liability.damages"},
            {"expense.extortion"},
        ),
        # an exclusion heading that names a term opens no coverage either
        ("補償内容\n身代金は補償されません\n・身代金の支払い", set(), {"expense.extortion"}),
        # a heading naming an item the taxonomy does not know (被害者対応費用) keeps the block open
        # although it says 被害: the cards after it are still read
        ("補償内容\n被害者対応費用\nデータ復元費用\n・再発防止費用", {"expense.data_restoration",
                                                               "expense.prevention"}, set()),
        # a line listing item labels separated by 、 in a coverage block is a list of items
        (
            "【対象となる費用】\n原因調査費用、被害拡大防止費用、お詫び状送付費用、コールセンター費用",
            {"expense.forensics", "expense.incident_response", "expense.notification", "expense.call_center"},
            set(),
        ),
        # the same list under a case story is not
        ("事故例\n原因調査費用、お詫び状送付費用、コールセンター費用", set(), {"expense.forensics"}),
    ],
)  # fmt: skip
def test_generalised_scope(text: str, present: set[str], absent: set[str]) -> None:
    found = ids_of(document_to_coverages(doc_from_text(text), "t"))
    assert present <= found
    assert not (absent & found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # labels separated by 、: each is an item
        ("原因調査費用、見舞金、コールセンター費用", ["原因調査費用", "見舞金", "コールセンター費用"]),
        # a sentence (it ends with 。) is running text, not a list
        ("原因調査費用、見舞金、コールセンター費用をお支払いします。", []),
        # two pieces can be a phrase: a list needs three
        ("原因調査費用、見舞金", []),
        # a piece that is neither a term nor item-shaped (…費用) makes it prose
        ("保険料は安く、手続きは簡単、補償は充実", []),
        # a piece longer than an item label is a description
        ("原因調査費用、被害者への連絡に要した各種の費用のうち当社が認めたもの、見舞金", []),
    ],
)
def test_list_items(text: str, expected: list[str]) -> None:
    assert list_items(text) == expected


def test_table_row_option_covers_its_description() -> None:
    # an option-marked label makes the items its description cell names optional too; a row
    # without the mark is base cover
    text = (
        "補償内容\n"
        "| 補償項目 | 内容 | 支払限度額 |\n|---|---|---|\n"
        "| データ等復旧費用 | 消失したデータを復旧する費用 | 1,000万円 |\n"
        "| 喪失利益・営業継続費用（オプション） | 中断時の喪失利益および営業継続費用 | 5,000万円 |\n"
    )
    rows = {(r.coverage_id, r.is_optional) for r in document_to_coverages(doc_from_text(text), "t")}
    assert ("expense.data_restoration", False) in rows
    assert ("business_interruption.lost_profit", True) in rows
    assert ("business_interruption.lost_profit", False) not in rows


def test_table_unmapped_cells_must_be_labels() -> None:
    # an unmapped description cell or header cell is no item; an unmapped short label is
    text = (
        "| 補償項目 | 保険金をお支払いする主な場合 |\n|---|---|\n"
        "| 社内説明会開催費用 | 従業員への説明会を開催し、再び起きないよう周知するための費用 |\n"
    )
    labels = {
        r.coverage_label for r in document_to_coverages(doc_from_text(text), "t") if r.coverage_id is None
    }
    assert labels == {"社内説明会開催費用"}


def test_summary_table_is_not_inside_the_option_above_it() -> None:
    # a table naming several sections sums up the policy, even when it follows an option heading
    text = (
        "3. 事業中断に関する補償（オプション）\n喪失利益を補償します。\n支払限度額\n"
        "| | 損害賠償に関する補償 | 事業中断に関する補償 |\n|---|---|---|\n"
        "| 支払限度額 | 1億円 | 1,000万円 |\n"
    )
    rows = {(r.coverage_id, r.is_optional) for r in document_to_coverages(doc_from_text(text), "t")}
    assert ("business_interruption.lost_profit", True) in rows
    assert ("liability", False) in rows
    assert ("liability", True) not in rows


# ---------------------------------------------------------------- seeds


REQUIRED = {
    # the riders named on the flyer's cover
    "000": {
        "liability.privacy", "expense.incident_response", "liability.network_security",
        "liability.corporate_info",
    },
    # base costs (危機管理実行費用 bullets), liability and the option riders
    "001": {
        "expense.crisis_consulting", "expense.response_costs", "liability.damages", "liability.defense",
        "liability.indemnity", "liability.staffing", "liability.ip", "liability.payment_card",
        "expense.legal", "expense.notification", "expense.staff", "expense.condolence",
    },
    # the ①–⑦ table of the rider that is the product
    "002": {
        "liability", "expense.incident_response", "expense.forensics", "expense.legal",
        "expense.data_restoration", "expense.response_costs", "expense.condolence", "expense.prevention",
        "expense.malware_removal", "expense.litigation_support",
    },
    # paid-cost list, the four liability events and the BI option
    "003": {
        "expense.incident_response", "expense.call_center", "liability.network_security",
        "liability.media", "liability.it_operations", "liability.cooperation",
        "business_interruption.lost_profit", "business_interruption.loss_mitigation",
        "business_interruption.extra_expense", "expense.legal",
    },
    # the four-quadrant summary table
    "004": {
        "liability.damages", "liability.defense", "expense.incident_response", "expense.data_restoration",
        "expense.prevention", "expense.condolence", "expense.call_center",
        "business_interruption.lost_profit", "business_interruption.extra_expense",
    },
}  # fmt: skip

ABSENT = {
    # marketing about risks (踏み台, 行政) and case stories are not coverages
    "000": {"liability.regulatory", "expense.data_restoration", "expense.condolence"},
    # 行政対応 is a consulting example; サイバー攻撃 heads a case story
    "001": {"liability.regulatory", "liability.network_security", "liability.media"},
    # case stories mention 著作権, DDoS: not offered items of this flyer's table
    "002": {"liability.ip", "liability.payment_card", "expense.staff"},
    # 身代金 is excluded; case stories' クレジット and 機密情報 are not items
    "003": {"expense.extortion", "liability.payment_card", "liability.corporate_info"},
    # the "main damages" marketing table names DoS and 不正アクセス
    "004": {"liability.network_security", "liability.media", "expense.extortion"},
}


@pytest.mark.parametrize(("lead", "form"), seed_cases())
def test_seed_required_ids_present(lead: str, form: str) -> None:
    assert REQUIRED[lead] <= ids_of(seed_coverages(lead, form))


@pytest.mark.parametrize(("lead", "form"), seed_cases())
def test_seed_marketing_ids_absent(lead: str, form: str) -> None:
    assert not (ABSENT[lead] & ids_of(seed_coverages(lead, form)))


@pytest.mark.parametrize(("lead", "form"), seed_cases())
def test_seed_evidence_is_verbatim(lead: str, form: str) -> None:
    # every row quotes the document and has a section of the taxonomy
    text = seed_document(lead, form).text
    for row in seed_coverages(lead, form):
        assert row.evidence in text
        assert row.section in ("liability", "expense", "business_interruption")


@pytest.mark.parametrize("form", forms("001"))
def test_seed_001_option_riders(form: str) -> None:
    # the オプション特約 riders are optional, the product's own riders are not
    rows = seed_coverages("001", form)
    optional = {r.rider for r in rows if r.is_optional}
    assert {
        "企業情報漏洩特約",
        "特許等知的財産権特約",
        "危機管理コンサルティング費用倍額支払特約",
    } <= optional
    base = {r.rider for r in rows if not r.is_optional and r.rider}
    assert "個人情報漏洩特約" in base


@pytest.mark.parametrize("form", forms("002"))
def test_seed_002_product_rider_is_base(form: str) -> None:
    # the flyer's whole product is a rider: it is the base, not an option
    rows = [r for r in seed_coverages("002", form) if r.rider and "事故補償特約" in r.rider]
    assert rows
    assert not any(r.is_optional for r in rows)


# ---------------------------------------------------------------- a synthetic brochure of another layout

SYNTHETIC = """\
# CyberGuard Pro サイバー保険 Product Guide
サイバー攻撃の被害は年々増えていますか？
出典:架空の統計 2024
## お支払いする保険金
| 補償項目 | 支払限度額(1事故) | 免責金額 |
|---|---|---|
| 損害賠償金 (Damages)※1 | 1億円 | 10万円 |
| 争訟費用 (Defense Costs) | 1億円 | なし |
| Data Restoration / データ復旧費用 | 1,000万円 | 5万円 |
| フォレンジック調査費用※2 | 500万円 | 5万円 |
| 身代金 (Extortion) | 対象外 | - |
※1 法律上の損害賠償金に限ります。
※2 通知費用は、1名につき1,000円を限度とします。
## オプション: 事業中断補償特約
この特約をセットすると、システム停止による喪失利益を補償します。
## よくあるご質問
名誉毀損のリスクはありますか?
過去の事例では約2,000万円の損害が発生しました。
"""


def test_synthetic_brochure() -> None:
    rows = document_to_coverages(doc_from_text(SYNTHETIC), "syn")
    found = ids_of(rows)
    # table rows with English-mixed labels and footnote marks
    assert {
        "liability.damages",
        "liability.defense",
        "expense.data_restoration",
        "expense.forensics",
    } <= found
    # the option heading's item is optional
    assert any(r.coverage_id == "business_interruption.lost_profit" and r.is_optional for r in rows)
    # excluded row, FAQ and statistics give nothing
    assert not ({"expense.extortion", "liability.media"} & found)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # circled numbers turn into digits under NFKC: the label is the item as printed without them
        (
            "補償内容\n①不正アクセス等対応費用\n②原因調査費用",
            {("expense.incident_response", "不正アクセス等対応費用"), ("expense.forensics", "原因調査費用")},
        ),
        # a bullet whose label runs on into a description: the label's item, not the description's
        (
            "補償内容\n- データ復旧費用 … 破損したデータを復旧する費用",
            {("expense.data_restoration", "データ復旧費用")},
        ),
        # a compound names what its last noun names: 情報漏えい見舞費用 is a condolence cost
        (
            "補償内容\n- 情報漏えい見舞費用 … 被害者への見舞金",
            {("expense.condolence", "情報漏えい見舞費用")},
        ),
        # a label the taxonomy does not know takes the items its description names
        (
            "補償内容\n- 損害防止費用 … ネットワークの遮断等の初動対応費用",
            {("expense.incident_response", "損害防止費用")},
        ),
        # enumerated items wrapped into one paragraph (PDF): each piece is an item
        (
            "補償内容\n①サイバー攻撃対応費用 ネットワークの遮断、証拠保全など、攻撃直後の初動対応に要する費用"
            "②コールセンター費用 被害者からの問い合わせに対応する臨時窓口の設置費用",
            {
                ("expense.incident_response", "サイバー攻撃対応費用"),
                ("expense.call_center", "コールセンター費用"),
            },
        ),
        # a text-table row (label, wide gap, description) is an item line
        (
            "補償内容\n利益損失保険金　　ネットワークの中断により事業が休止したことによる損失",
            {("business_interruption.lost_profit", "利益損失保険金")},
        ),
        # a bullet that heads the list under it (補償される費用) is no item of its own
        ("補償内容\n- 補償される費用\n- 通知費用 … お詫び状の送付", {("expense.notification", "通知費用")}),
    ],
)
def test_item_labels_and_ids(text: str, expected: set[tuple[str | None, str]]) -> None:
    rows = document_to_coverages(doc_from_text(text), "t")
    assert {(r.coverage_id, r.coverage_label) for r in rows} == expected


def test_description_line_is_no_heading() -> None:
    # an HTML <dl>: <dt> labels on lines of their own, each followed by its <dd> description.
    # The descriptions are short enough to pass for headings, but they describe: the term and
    # limit after each belong to the <dt> above, and an unknown <dt> takes its <dd>'s item
    doc = doc_from_text(
        "お支払いする保険金\n損害防止費用\n被害の拡大を防止するためのネットワークの遮断に要した費用\n"
        "再発防止費用\n同種の事故の再発を防止するために実施する対策の費用\n支払限度額：100万円\n"
    )
    ids = ids_of(document_to_coverages(doc, "t"))
    assert {"expense.incident_response", "expense.prevention"} <= ids
    contexts = document_to_contexts(doc)
    assert contexts[-1].heading_ids == ("expense.prevention",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # long, with a predicate (を, ための): a description
        ("消失・改ざんされたデータやウェブサイトを復旧するための費用", True),
        # short: a label even with を
        ("サイバー攻撃を受けた場合の補償", False),
        # long but without a predicate word: a heading
        ("サイバー攻撃による利益損害補償特約（オプション）のご案内", False),
    ],
)
def test_is_description(text: str, expected: bool) -> None:
    assert is_description(text) is expected


def test_nested_bullets_head_the_items_under_them() -> None:
    # markdown readers drop list indentation: an emphasised or coverage-worded bullet heads the
    # bullets after it, so the limit nested under it is that coverage's and its rider carries over
    doc = doc_from_text(
        "## 補償の概要\n- **賠償責任の補償**\n- 法律上の損害賠償金\n- 保険金額：１億円\n"
        "### オプション\n- **事業中断補償特約**\n- 喪失利益\n- 支払限度額：3,000万円\n"
    )
    contexts = document_to_contexts(doc)
    by_text = {c.unit.text: c for c in contexts}
    assert by_text["- 法律上の損害賠償金"].heading_ids == ("liability",)
    assert by_text["- 支払限度額：3,000万円"].heading_ids == ("business_interruption",)
    rows = {r.coverage_id: r for r in document_to_coverages(doc, "t")}
    assert rows["business_interruption.lost_profit"].rider == "事業中断補償特約"
    assert rows["business_interruption.lost_profit"].is_optional is True


def test_faq_answer_is_about_its_question() -> None:
    # an FAQ answer's figures are about what the question asks; the question offers nothing,
    # the answer only through sentences that offer cover
    contexts = document_to_contexts(
        doc_from_text("よくあるご質問\nQ. 見舞金はいくらまで支払われますか？\nA. 1名あたり500円です。")
    )
    assert [c.scope for c in contexts[1:]] == ["stop", "neutral"]
    assert contexts[-1].heading_ids == ("expense.condolence",)


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        # an answer that offers cover names items, whatever the question's wording
        (
            "よくあるご質問\nQ. 取引先から請求された場合はどうなりますか？\n"
            "A. 法律上の損害賠償金や争訟費用をお支払いします。",
            {"liability.damages", "liability.defense"},
            set(),
        ),
        # a question asking whether something is covered offers nothing by itself
        (
            "よくあるご質問\nQ. 身代金は補償されますか？\nA. いいえ、対象外です。",
            set(),
            {"expense.extortion"},
        ),
        # an answer under a question about exclusions offers nothing
        (
            "よくあるご質問\nQ. 補償されないのはどんな場合ですか？\nA. 身代金を補償します。",
            set(),
            {"expense.extortion"},
        ),
        # an answer under a question about premiums offers nothing
        (
            "よくあるご質問\nQ. 保険料はどのくらいですか？\nA. 原因調査費用も補償される割安な保険料です。",
            set(),
            {"expense.forensics"},
        ),
        # a passive offer (…などが補償されます) offers cover
        (
            "よくあるご質問\nQ. どんな費用が補償されますか？\nA. 原因調査費用などが補償されます。",
            {"expense.forensics"},
            set(),
        ),
    ],
)
def test_faq_answers_offer_only_under_cover_questions(text: str, present: set[str], absent: set[str]) -> None:
    found = ids_of(document_to_coverages(doc_from_text(text), "t"))
    assert present <= found
    assert not absent & found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a card's value: an amount, maybe with its basis in brackets
        ("1億円", True),
        ("2,000万円（1事故・保険期間中）", True),
        # a line that labels its amount, or holds none, is not only a figure
        ("支払限度額 1億円", False),
        ("見舞金 1名につき1,000円", False),
        ("支払限度額", False),
    ],
)
def test_is_figure_only(text: str, expected: bool) -> None:
    assert is_figure_only(text) is expected


@pytest.mark.parametrize(
    ("text", "next_text", "expected"),
    [
        # a field label above a card's figure
        ("支払限度額", "1億円", True),
        # a basis label (1被害者あたり) labels its figure too: only 被害者 remains besides cues
        ("1被害者あたり", "1,000円", True),
        # a section heading over a table or sentence is no field label
        ("支払限度額", "各費用の支払限度額は次のとおりです。", False),
        ("保険金額の設定について", "1億円", False),
        # an item heading is not a field label even above a figure
        ("データ復旧費用", "1,000万円", False),
    ],
)
def test_is_field_label(text: str, next_text: str, expected: bool) -> None:
    assert is_field_label(text, next_text) is expected


def test_card_field_labels_keep_the_item_scope() -> None:
    # icon cards: caption, description, 支払限度額, figure; the field label neither resets the
    # caption's ids nor (1被害者あたり holds the weak stop cue 被害) stops the coverage block
    doc = doc_from_text(
        "補償の概要\n見舞金費用\n情報が漏えいした被害者に支払う見舞金や見舞品の購入費用\n1被害者あたり\n1,000円\n"
        "データ復旧費用\n消失・破損したデータやプログラムを復元するための費用\n支払限度額\n2,000万円"
    )
    contexts = document_to_contexts(doc)
    figures = {c.unit.norm: (c.scope, c.heading_ids) for c in contexts if c.unit.norm.endswith("円")}
    assert figures == {
        "1,000円": ("coverage", ("expense.condolence",)),
        "2,000万円": ("coverage", ("expense.data_restoration",)),
    }


def test_item_heading_unknown_to_taxonomy_takes_its_description_head() -> None:
    # a caption naming no id (損害賠償) is the item its description ends with; the leak named
    # earlier in the description is a cause and comes after
    doc = doc_from_text(
        "補償内容\n損害賠償\n情報漏えい等により損害賠償請求を受けた場合の損害賠償金・争訟費用"
    )
    contexts = document_to_contexts(doc)
    caption = next(c for c in contexts if c.unit.norm == "損害賠償")
    assert caption.heading_ids[:2] == ("liability.damages", "liability.defense")
    assert {r.coverage_id for r in document_to_coverages(doc, "t")} >= {
        "liability.damages",
        "liability.defense",
    }


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        # a rider named for a leak's condolence cost is a condolence cost, not a leak
        ("情報漏えい見舞費用補償特約", {"expense.condolence"}),
        # a compound's bracketed gloss names its items too
        ("賠償責任（損害賠償金・争訟費用）", {"liability", "liability.damages", "liability.defense"}),
        # coordinated heads all count
        ("通知・コールセンター費用", {"expense.notification", "expense.call_center"}),
    ],
)
def test_table_label_cell_is_read_as_a_compound(label: str, expected: set[str]) -> None:
    doc = doc_from_text(f"補償内容\n特約名\t支払限度額\n{label}\t1,000万円")
    assert {r.coverage_id for r in document_to_coverages(doc, "t")} == expected


@pytest.mark.parametrize(
    ("previous", "text", "expected"),
    [
        # the line before ends on a particle (…初期対応に): the phrase runs on
        ("有無の確認などの初期対応に", "要する費用", True),
        # the line opens with an inflection no heading opens with (る原因…)
        ("フォレンジック調査会社によ", "る原因・被害範囲の調査費用", True),
        # an exclusion cue broken over the line end, with spaced characters
        ("お 支 払 い の 対 象 と な ら", "な い 主 な 場 合", True),
        # an item name after a finished line opens an item of its own
        ("支払限度額 1,000万円", "原因調査費用", False),
        # a numbered line is an item even after a line ending on a particle
        ("弁護士・コンサルタントへの", "③相談費用", False),
        # a sentence that ends (。) is followed by a new line, not a wrap
        ("初期対応費用を補償します。", "るいは", False),
    ],
)
def test_is_wrapped_line(previous: str, text: str, expected: bool) -> None:
    assert is_wrapped_line(previous, text) is expected


@pytest.mark.parametrize(
    ("previous", "text", "expected"),
    [
        # 支払限度額 broken after 支払限
        ("支払限", "度額 500万円", True),
        # the cue is whole on one line: nothing is joined
        ("支払限度額", "500万円", False),
        # no cue across the break
        ("原因調査", "費用", False),
    ],
)
def test_straddles(previous: str, text: str, expected: bool) -> None:
    assert straddles(previous, text, ("支払限度額", "限度額")) is expected


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        # a coverage term may name whose field it is (費用合計の支払限度額)
        ("費 用 合 計 の 支 払 限 度 額", True),
        # other words than a term are a heading of their own
        ("ご契約いただける支払限度額", False),
    ],
)
def test_field_label_may_name_its_coverage(label: str, expected: bool) -> None:
    assert is_field_label(label, "3,000万円（①～⑤の合計）") is expected


def test_wrapped_lines_keep_the_item_scope() -> None:
    # a PDF column broken every few characters: the description's broken lines are no
    # headings, so the figure after them stays the item's, and a broken exclusion heading stops
    text = (
        "補償内容\n①相談費用\n弁護士・コンサルタントへの\n相談に要する費用\n支払限度額 300万円\n"
        "お 支 払 い の 対 象 と な ら\nな い 主 な 場 合\n・身代金の支払い"
    )
    contexts = document_to_contexts(doc_from_text(text))
    by_text = {c.unit.norm: c for c in contexts}
    assert by_text["支払限度額 300万円"].heading_ids == ("expense.legal",)
    assert by_text["・身代金の支払い"].scope == "stop"
    assert "expense.extortion" not in {r.coverage_id for r in document_to_coverages(doc_from_text(text), "t")}


def test_field_line_is_no_heading() -> None:
    # 補償期間：最長６か月 holds 補償 but states a field of the section above, not a new block
    text = "補償内容\n事業中断損失補償\n支払限度額：３，０００万円\n補償期間：最長６か月"
    contexts = document_to_contexts(doc_from_text(text))
    assert contexts[-1].heading is False
    assert contexts[-1].heading_ids == ("business_interruption",)
