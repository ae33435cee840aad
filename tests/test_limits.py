"""Limits, deductibles, ratios and time windows: figure rules, the seeds and a synthetic brochure."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from extractors import readers
from extractors.blocks import Unit
from extractors.document import CELL_SEPARATOR, Cell, Document, Line, Page, Table
from extractors.limits import (
    column_header,
    document_to_limits,
    figure_basis,
    figure_condition,
    figure_type,
    header_row_count,
    load_limit_cues,
    sentence_attribution,
    table_to_layout,
    text_to_figures,
    topic_section,
)
from extractors.records import LimitRecord
from extractors.sections import UnitContext

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
RAW = ROOT / "raw"
CUES = load_limit_cues()
NO_CONTEXT = UnitContext(unit=Unit(page=1), scope="neutral", heading=False)


def doc_from_text(text: str) -> Document:
    """Given brochure text, return a one-page Document: a Line per non-empty line; tab or
    markdown pipe rows become a Table (and a line of their cells, as the readers give)."""
    lines: list[Line] = []
    tables: list[Table] = []
    rows: list[tuple[Cell, ...]] = []
    for raw in [*text.splitlines(), ""]:
        stripped = raw.strip()
        if "\t" in raw or stripped.startswith("|"):
            parts = raw.split("\t") if "\t" in raw else stripped.strip("|").split("|")
            if not all(set(p.strip()) <= set("-: ") for p in parts):
                rows.append(tuple(Cell(p.strip()) for p in parts))
                lines.append(Line(CELL_SEPARATOR.join(p.strip() for p in parts if p.strip()), page=1))
            continue
        if rows:
            tables.append(Table(page=1, rows=tuple(rows)))
            rows = []
        if stripped:
            lines.append(Line(stripped, page=1))
    return Document(source="test", source_format="text", pages=(Page(1, tuple(lines), tuple(tables)),))


@functools.cache
def seed_limits(lead: str, form: str) -> tuple[LimitRecord, ...]:
    """Given a seed's leading number and form (text, or raw's pdf/html), return its limit rows."""
    if form == "text":
        path = next(SEEDS.glob(f"{lead}_*.txt"))
    else:
        path = next(p for p in RAW.glob(f"{lead}*") if p.suffix.lower() in (".pdf", ".html", ".htm"))
    return tuple(document_to_limits(readers.read(path), f"seed{lead}"))


def forms(lead: str) -> list[str]:
    """Given a seed's leading number, return the forms it exists in (text always, raw when rendered)."""
    rendered = [p for p in RAW.glob(f"{lead}*") if p.suffix.lower() in (".pdf", ".html", ".htm")]
    return ["text", "raw"] if rendered else ["text"]


def only(rows: tuple[LimitRecord, ...] | list[LimitRecord], **want: object) -> list[LimitRecord]:
    """Given limit rows and column values, return the rows that have them all."""
    return [r for r in rows if all(getattr(r, k) == v for k, v in want.items())]


# ---------------------------------------------------------------- figures


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "X% or ¥Y, whichever is lower" is one figure with both values
        ("基本契約の10%または5,000万円のいずれか低い金額", [(50_000_000, 0.1, None)]),
        # without いずれか低い they stay two figures
        ("10%または5,000万円", [(None, 0.1, None), (50_000_000, None, None)]),
        # a time window
        ("発覚後180日以内に要した費用", [(None, None, 180)]),
        # per-unit amounts keep their unit
        ("被害者が個人の場合:500円(1名)", [(500, None, None)]),
    ],
)
def test_text_to_figures(text: str, expected: list[tuple[int | None, float | None, int | None]]) -> None:
    got = [(f.amount_jpy, f.ratio, f.days) for f in text_to_figures(text, CUES)]
    assert got == expected


def test_counted_amounts_are_examples() -> None:
    # 100万円×3台 is a worked example of costs, never a limit
    (figure,) = text_to_figures("PC1台100万円×3台", CUES)
    assert figure.example


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a cue before the amount
        ("支払限度額は200万円となります", "limit"),
        # a cue after the amount (…を限度に)
        ("1被害者につき500円を限度にお支払いします", "limit"),
        # a deductible
        ("自己負担額10万円", "deductible"),
        # ratios
        ("自己負担割合10%が適用されます", "self_retention_ratio"),
        ("縮小支払割合90%が適用され", "payout_ratio"),
        # a loss scenario's cost has no cue
        ("コールセンター委託費用:200万円", None),
        # a percentage under a limit cue gives no yen and is not a limit
        ("支払限度額は保険金額の10%です", None),
    ],
)
def test_figure_type(text: str, expected: str | None) -> None:
    figures = text_to_figures(text, CUES)
    assert figures
    assert figure_type(text, figures[-1], CUES) == expected


@pytest.mark.parametrize(
    ("text", "header", "expected"),
    [
        # the amount's own unit wins: (1名) is per person
        ("被害者が個人の場合:500円(1名)", "(1請求・保険期間中)", "per_person"),
        # 1法人 is per corporation
        ("被害者が法人の場合:5万円(1法人)", "", "per_corporation"),
        # otherwise the column header; a PDF middle dot is read as ・
        ("3億円", "支払限度額(1請求‧保険期間中)", "per_claim_and_period"),
        # a bare header 1請求
        ("3億円", "支払限度額(1請求)", "per_claim"),
        # nothing said
        ("3億円", "", None),
    ],
)
def test_figure_basis(text: str, header: str, expected: str | None) -> None:
    figure = text_to_figures(text, CUES)[-1]
    assert figure_basis(text, figure, CUES, header) == expected


@pytest.mark.parametrize(
    ("text", "cell", "expected"),
    [
        # a sentence's condition, as printed
        ("調査の結果、不正アクセスがなかった場合は、支払限度額は200万円となります。", False,
         "調査の結果、不正アクセスがなかった場合"),
        # in a cell a sub-label before the condition is not part of it
        ("うち、見舞金費用 被害者が個人の場合:500円(1名)", True, "被害者が個人の場合"),
        # no condition
        ("支払限度額は500万円です。", False, None),
    ],
)  # fmt: skip
def test_figure_condition(text: str, cell: bool, expected: str | None) -> None:
    figure = text_to_figures(text, CUES)[-1]
    assert figure_condition(text, figure, CUES, cell=cell) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the subject of 支払限度額, not the ratio's base in parentheses
        ("危機管理実行費用特約の支払限度額は基本契約(個人情報漏洩特約)の10%または5,000万円のいずれか低い金額",
         "expense.response_costs"),
        # a term that is the base of a ratio (…特約の20%) is not the subject either
        ("危機管理実行費用特約の支払限度額を2倍(個人情報漏洩特約の20%または1億円のいずれか低い金額)に増額",
         "expense.response_costs"),
        # the item named before an after-cue
        ("「見舞金・見舞品費用」は、1被害者につき 500円を限度にお支払いします。", "expense.condolence"),
        # a whole-section limit
        ("各種費用の支払限度額は、費用全体での支払限度額(最大3,000万円)の内枠で適用されます。", "expense"),
        # no term at all: none
        ("支払限度額は200万円となります。", None),
    ],
)  # fmt: skip
def test_sentence_coverage(sentence: str, expected: str | None) -> None:
    figure = text_to_figures(sentence, CUES)[-1]
    assert sentence_attribution(sentence, figure, NO_CONTEXT, CUES)[0] == expected


def test_heading_gives_coverage_when_sentence_names_none() -> None:
    # a time window stated under the heading of the cost it applies to
    doc = doc_from_text("危機管理コンサルティング費用補償\n発覚後180日以内に要した費用を補償します。")
    (row,) = document_to_limits(doc, "t")
    assert (row.coverage_id, row.limit_type, row.days) == (
        "expense.crisis_consulting",
        "time_window_days",
        180,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a formula on the line after the sentence naming its coverage: the ratio is that coverage's
        ("費用損害は、次の算式で計算した額をお支払いします。\n(損害額−免責金額)×90%", [("expense", 0.9)]),
        # a line naming its own coverage keeps it, whatever the line before opened with
        (
            "費用損害は、次の算式で計算した額をお支払いします。\n見舞金の支払割合90%",
            [("expense.condolence", 0.9)],
        ),
    ],
)
def test_formula_line_takes_the_coverage_of_the_line_before(
    text: str, expected: list[tuple[str, float]]
) -> None:
    rows = document_to_limits(doc_from_text(text), "t")
    assert [(r.coverage_id, r.ratio) for r in rows if r.limit_type == "payout_ratio"] == expected


def test_rider_applies_after_set_cue() -> None:
    # the figure after この特約をセットすることで applies under the rider whose block it is in
    doc = doc_from_text(
        "オプション特約\n危機管理コンサルティング費用倍額支払特約\n"
        "危機管理コンサルティング費用特約の支払限度額は500万円ですが、この特約をセットすることで支払限度額を1,000万円に増額できます。"
    )
    rows = {r.amount_jpy: r.rider for r in document_to_limits(doc, "t")}
    assert rows == {5_000_000: None, 10_000_000: "危機管理コンサルティング費用倍額支払特約"}


def test_quote_conditions_are_not_limits() -> None:
    # 試算条件 describes a premium quote, not the product's limits
    doc = doc_from_text("試算条件\n支払限度額:賠償:1億円・費用:3,000万円、自己負担額10万円")
    assert document_to_limits(doc, "t") == []


# ---------------------------------------------------------------- seeds


@pytest.mark.parametrize("form", forms("001"))
def test_seed_001_whichever_lower(form: str) -> None:
    rows = seed_limits("001", form)
    # 10% or 5,000万円: one row with both values, no rider
    (base,) = only(rows, coverage_id="expense.response_costs", limit_type="limit", amount_jpy=50_000_000)
    assert base.ratio == pytest.approx(0.1)
    assert base.rider is None
    # doubled under the 倍額支払特約: 20% or 1億円
    (doubled,) = only(rows, coverage_id="expense.response_costs", limit_type="limit", amount_jpy=100_000_000)
    assert doubled.ratio == pytest.approx(0.2)
    assert doubled.rider is not None and "倍額支払特約" in doubled.rider


@pytest.mark.parametrize("form", forms("001"))
def test_seed_001_ratios_windows_and_caps(form: str) -> None:
    rows = seed_limits("001", form)
    ratios = {
        (round(r.ratio or 0, 4), r.rider is not None) for r in only(rows, limit_type="self_retention_ratio")
    }
    # 自己負担割合10%, and 0% under the 不適用特約
    assert ratios == {(0.1, False), (0.0, True)}
    windows = {r.coverage_id for r in only(rows, limit_type="time_window_days", days=180)}
    assert windows == {"expense.crisis_consulting", "expense.response_costs"}
    (cap,) = only(rows, coverage_id="expense.condolence", amount_jpy=500)
    assert cap.basis == "per_person"


@pytest.mark.parametrize("form", forms("002"))
def test_seed_002_table(form: str) -> None:
    rows = seed_limits("002", form)
    # the liability row of the table
    assert only(rows, coverage_id="liability", limit_type="limit", amount_jpy=300_000_000)
    # ①–④ share one 3,000万円 line: one row per item
    for cid in (
        "expense.incident_response",
        "expense.forensics",
        "expense.legal",
        "expense.data_restoration",
    ):
        assert only(rows, coverage_id=cid, amount_jpy=30_000_000, basis="per_claim_and_period")
    # the inner caps of ⑤'s condolence money, per person and per corporation
    assert only(rows, coverage_id="expense.condolence", amount_jpy=500, basis="per_person")
    assert only(rows, coverage_id="expense.condolence", amount_jpy=50_000, basis="per_corporation")
    # the expense aggregate of the 内枠 footnote
    assert only(rows, coverage_id="expense", amount_jpy=30_000_000)
    # ⑥ names two items
    assert {r.coverage_id for r in only(rows, amount_jpy=100_000)} == {
        "expense.prevention",
        "expense.malware_removal",
    }


@pytest.mark.parametrize("form", forms("002"))
def test_seed_002_reduced_payment(form: str) -> None:
    rows = seed_limits("002", form)
    # 縮小支払割合90% and 200万円 when no unauthorised access is found, with that condition
    (ratio, *_) = only(rows, limit_type="payout_ratio")
    assert ratio.ratio == pytest.approx(0.9)
    assert ratio.condition is not None and "不正アクセス" in ratio.condition
    assert only(rows, limit_type="limit", amount_jpy=2_000_000)


@pytest.mark.parametrize(
    ("lead", "form"), [(lead, form) for lead in ("000", "003", "004") for form in forms(lead)]
)
def test_seeds_without_limits(lead: str, form: str) -> None:
    # loss scenarios (見舞金支払い(1名500円) 5,000万円), case costs and quote conditions are not limits
    assert seed_limits(lead, form) == ()


@pytest.mark.parametrize(("lead", "form"), [(lead, form) for lead in ("001", "002") for form in forms(lead)])
def test_seed_rows_are_well_formed(lead: str, form: str) -> None:
    # one value per type, verbatim evidence, known basis
    for row in seed_limits(lead, form):
        if row.limit_type in ("limit", "deductible"):
            assert row.amount_jpy is not None and row.days is None
        elif row.limit_type == "time_window_days":
            assert row.days is not None and row.amount_jpy is None
        else:
            assert row.ratio is not None and 0 <= row.ratio <= 1 and row.amount_jpy is None
        assert row.basis in (None, "per_claim", "per_period", "per_claim_and_period", "per_person",
                             "per_corporation", "per_incident")  # fmt: skip
        assert row.evidence.strip()


# ---------------------------------------------------------------- a synthetic brochure of another layout

SYNTHETIC = """\
# CyberGuard Pro サイバー保険
## お支払いする保険金 (単位:万円)
| 補償項目 | 支払限度額(1事故) | 免責金額 |
|---|---|---|
| 損害賠償金 (Damages)※1 | 10,000 | 10 |
| Data Restoration / データ復旧費用 | 1,000 | 5 |
| 身代金 (Extortion) | 対象外 | - |
※1 法律上の損害賠償金に限ります。
※2 通知費用は、1名につき1,000円を限度とします。
## 事故例
コールセンター委託費用:約300万円
"""


def test_synthetic_limits_table() -> None:
    doc = doc_from_text(SYNTHETIC.replace("## お支払いする保険金 (単位:万円)\n", "## お支払いする保険金\n"))
    # no unit in the header: bare numbers are not amounts, so the table gives nothing but the footnote
    assert {(r.coverage_id, r.amount_jpy) for r in document_to_limits(doc, "t")} == {
        ("expense.notification", 1000)
    }


def test_synthetic_limits_table_with_unit_header() -> None:
    # a (単位:万円) header in the table's first row scales bare numbers
    text = SYNTHETIC.replace(
        "| 補償項目 | 支払限度額(1事故) | 免責金額 |",
        "| 補償項目 | 支払限度額(1事故)(万円) | 免責金額(万円) |",
    )
    rows = document_to_limits(doc_from_text(text), "t")
    got = {(r.coverage_id, r.limit_type, r.amount_jpy, r.basis) for r in rows}
    assert ("liability.damages", "limit", 100_000_000, "per_incident") in got
    assert ("liability.damages", "deductible", 100_000, None) in got
    assert ("expense.data_restoration", "limit", 10_000_000, "per_incident") in got
    assert ("expense.data_restoration", "deductible", 50_000, None) in got
    # the 1名 cap of the footnote; the example's approximate cost is no limit
    assert ("expense.notification", "limit", 1000, "per_person") in got
    assert not [r for r in rows if r.amount_jpy == 3_000_000]


# ---------------------------------------------------------------- generalised mechanisms


def rows_of(text: str) -> set[tuple[str | None, str, int | float | None]]:
    """Given brochure text, return its limits as (coverage id, type, value) like the scorer."""
    out: set[tuple[str | None, str, int | float | None]] = set()
    for r in document_to_limits(doc_from_text(text), "t"):
        value = (
            r.ratio if r.limit_type in ("self_retention_ratio", "payout_ratio") else r.days or r.amount_jpy
        )
        out.add((r.coverage_id, r.limit_type, value))
    return out


@pytest.mark.parametrize(
    ("text", "days"),
    [
        # days, as before
        ("発覚後180日以内に要した費用", 180),
        ("発見後 90 日間以内", 90),
        # a year is 365 days
        ("事故発生日から1年以内に要したもの", 365),
        # 1年を経過するまで is the same window
        ("事故を発見した日から1年を経過するまでに要したもの", 365),
        # a month counts 30 days, as insurers' day counts do
        ("発見後6か月以内", 180),
        # months that make whole years are years: 12か月 is 1年, 24か月 2年
        ("発見後12ヶ月以内", 365),
        ("発見後24カ月以内", 730),
        # weeks
        ("2週間以内", 14),
        # an indemnity period written as a maximum, or as a limit in days
        ("てん補期間:最長30日", 30),
        ("30日間を限度とします", 30),
        # one window even when two patterns read it
        ("最長30日以内", 30),
        # a policy period is not a time window
        ("保険期間1年", None),
    ],
)
def test_time_windows(text: str, days: int | None) -> None:
    got = [f.days for f in text_to_figures(text, CUES) if f.days is not None]
    assert got == ([days] if days is not None else [])


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the topic is the costs as a whole
        ("費用は、事故発生日から1年以内に要したものに限ります。", "expense"),
        ("いずれの費用も、1回の事故につき自己負担額5万円を差し引いてお支払いします。", "expense"),
        # parentheses are dropped before the topic is read
        ("各費用(賠償損害を除きます)には、1事故につき自己負担額3万円が適用されます。", "expense"),
        # a qualified cost phrase that names no item is still the costs as a whole
        ("サイバー攻撃のおそれの段階で要した費用は、縮小支払割合80%を適用します。", "expense"),
        # a topic holding a term of its own belongs to that term, not the section
        ("調査費用は、1,000万円が限度です。", None),
        # a topic that is no cost word
        ("支払限度額は200万円となります。", None),
        # the が-subject of 対象です is the topic when no は/も opens the sentence
        ("事故発見から60日以内に要した費用が対象です。", "expense"),
        ("A. 事故発見から60日以内に要した費用がお支払いの対象となります。", "expense"),
        # a が-subject holding a term of its own is that term's
        ("原因調査費用が対象です。", None),
        # …が対象外 says what is not paid
        ("発覚から30日を超えて要した費用が対象外です。", None),
        # が before another predicate is no topic
        ("事故発見から60日以内に要した費用が発生した場合", None),
    ],
)
def test_topic_section(sentence: str, expected: str | None) -> None:
    assert topic_section(sentence, CUES) == expected


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # the topic section is used when the sentence names no item
        ("費用は、事故発生日から1年以内に要したものに限ります。", "expense"),
        # a term that is the base of a percentage through its limit (…費用の保険金額の10%) is no subject
        ("見舞金の総額は、サイバー攻撃等対応費用の保険金額の10%または300万円のいずれか低い額を限度とします。",
         "expense.condolence"),
    ],
)  # fmt: skip
def test_sentence_coverage_generalised(sentence: str, expected: str | None) -> None:
    figure = text_to_figures(sentence, CUES)[-1]
    assert sentence_attribution(sentence, figure, NO_CONTEXT, CUES)[0] == expected


def test_ratio_cue_does_not_swallow_the_amount_after_it() -> None:
    # 縮小支払割合80%を適用し、1,000万円を限度に: the ratio cue governs 80%, を限度 governs the amount
    text = "縮小支払割合80%を適用し、1,000万円を限度にお支払いします。"
    kinds = [figure_type(text, f, CUES) for f in text_to_figures(text, CUES)]
    assert kinds == ["payout_ratio", "limit"]


ITEM_AND_DESCRIPTION = """| 補償項目 | 内容 | 支払限度額 | 免責金額 |
|---|---|---|---|
| フォレンジック調査費用 | お詫び状の送付など、事故の原因を調べる費用 | 1,000万円 | 10万円 |
| 法律相談費用 | 弁護士への相談に要した費用 | 300万円 | なし |
"""


def test_label_column_is_the_item_column() -> None:
    # the figure belongs to the 補償項目 cell, not to the term its description opens with (お詫び状)
    assert rows_of(ITEM_AND_DESCRIPTION) == {
        ("expense.forensics", "limit", 10_000_000),
        ("expense.forensics", "deductible", 100_000),
        ("expense.legal", "limit", 3_000_000),
    }


def test_label_column_without_header_words() -> None:
    # with neutral headers, the column whose cells open with terms is the item column
    text = ITEM_AND_DESCRIPTION.replace("補償項目", "区分").replace("| 内容 |", "| 備考 |")
    assert ("expense.forensics", "limit", 10_000_000) in rows_of(text)
    assert not [r for r in rows_of(text) if r[0] == "expense.notification"]


PLAN_TABLE = """補償内容
| 補償項目 | 保険金をお支払いする主な場合 | 保険金額（万円） | |
|---|---|---|---|
| | | スタンダード | ワイド |
| 原因調査費用 | 事故の原因を調査する費用 | 500 | 1,000 |
| 免責金額（1事故につき） | ― | 10 | 10 |
"""


def test_spanning_header_types_every_plan_column() -> None:
    # 保険金額（万円） spans both plan columns: both are limits in 万円
    got = rows_of(PLAN_TABLE)
    assert ("expense.forensics", "limit", 5_000_000) in got
    assert ("expense.forensics", "limit", 10_000_000) in got


def test_type_row_overrides_the_column_type() -> None:
    # a row that only names a type (免責金額) in a 保険金額 column is a deductible, for no one item
    assert (None, "deductible", 100_000) in rows_of(PLAN_TABLE)
    assert (None, "limit", 100_000) not in rows_of(PLAN_TABLE)


def test_transposed_table_takes_coverage_from_the_column() -> None:
    # rows are types, columns are sections: the column header names the coverage; なし is no label
    text = (
        "| | 損害賠償に関する補償 | 事故対応費用に関する補償 | 事業中断に関する補償 |\n"
        "|---|---|---|---|\n"
        "| 支払限度額 | 1億円 | 5,000万円 | 1,000万円 |\n"
        "| 免責金額 | なし | なし | 10万円 |\n"
    )
    assert rows_of(text) == {
        ("liability", "limit", 100_000_000),
        ("expense", "limit", 50_000_000),
        ("business_interruption", "limit", 10_000_000),
        ("business_interruption", "deductible", 100_000),
    }


@pytest.mark.parametrize(
    ("caption", "expected"),
    [
        # the heading says what the figures are and the unit note what they are in
        ("【補償プランと保険金額】\n（単位：千円）", {("liability", "limit", 30_000_000),
                                                 ("liability", "limit", 50_000_000)}),
        # without a unit note the bare numbers are no amounts
        ("【補償プランと保険金額】", set()),
        # a plan table lines up each coverage's limit per plan: a bare figure in a coverage row
        # is that coverage's limit even without a typing heading
        ("【補償プラン】\n（単位：千円）", {("liability", "limit", 30_000_000),
                                         ("liability", "limit", 50_000_000)}),
    ],
)  # fmt: skip
def test_caption_types_and_scales_a_plan_table(caption: str, expected: set[tuple[object, ...]]) -> None:
    text = f"{caption}\n補償内容\tAプラン\tBプラン\n賠償責任\t30,000\t50,000\n"
    assert rows_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # plan columns (エコノミー | スタンダード) under a プラン caption: one limit per plan value
        ("プラン比較表\n（単位：千円）\n補償項目\tエコノミー\tスタンダード\n損害賠償責任\t30,000\t100,000\n",
         {("liability", "limit", 30_000_000), ("liability", "limit", 100_000_000)}),
        # a row naming no coverage (年間保険料) is no limit, even in a plan table
        ("プラン比較表\n補償項目\tエコノミー\tスタンダード\n年間保険料\t62,400円\t118,800円\n", set()),
        # a table naming no plan (a cost breakdown) gives its bare figures no type
        ("（単位：千円）\n費用項目\t金額\n損害賠償金\t30,000\n", set()),
    ],
)  # fmt: skip
def test_plan_tables_type_coverage_rows_as_limits(text: str, expected: set[tuple[object, ...]]) -> None:
    assert rows_of(text) == expected


def test_column_units_win_over_the_table_unit() -> None:
    # 支払限度額 in 万円, 免責金額 in 円, declared per column
    text = (
        "| 補償項目 | 支払限度額(万円) | 免責金額(円) |\n|---|---|---|\n| データ復旧費用 | 1,000 | 50,000 |\n"
    )
    assert rows_of(text) == {
        ("expense.data_restoration", "limit", 10_000_000),
        ("expense.data_restoration", "deductible", 50_000),
    }


def test_header_rows_and_column_header() -> None:
    # rows without figures or bare numbers lead the table; a colspan's empty cell takes its left text
    doc = doc_from_text(PLAN_TABLE)
    (table,) = doc.pages[0].tables
    assert header_row_count(table, CUES) == 2
    assert column_header(table_to_layout(table, CUES), 3, 3) == "保険金額（万円） ワイド"


def test_unknown_item_heading_takes_its_description_ids() -> None:
    # a card whose heading the taxonomy does not know: the limit belongs to what its text names,
    # not to the previous card's item
    text = (
        "補償内容\n原因・被害範囲調査費用\n事故の原因を調査する費用を補償します。\n支払限度額 1,000万円\n"
        "被害者対応費用\nお詫び状の送付に要した費用を補償します。\n支払限度額 500万円\n"
    )
    assert rows_of(text) == {
        ("expense.forensics", "limit", 10_000_000),
        ("expense.notification", "limit", 5_000_000),
    }


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # 免責金額 0円 is a stated figure, not a missing one
        ("補償内容\n損害賠償金\n免責金額：0円", {("liability.damages", "deductible", 0)}),
        # a limit of 0 yen is kept as read: the limits model then quarantines it, counted, not dropped
        ("補償内容\n損害賠償金\n支払限度額：0円", {("liability.damages", "limit", 0)}),
        # a figure for every cover (いずれの補償も…) is the whole policy's, not the heading's
        ("補償内容\n損害賠償金\nいずれの補償も自己負担額は0円です。", {(None, "deductible", 0)}),
        ("行政対応費用\n※すべての補償を合算して1億円が限度です。", {(None, "limit", 100_000_000)}),
        # an indemnity period stated as such is a time window (1年 = 365日)
        ("ネットワーク中断補償特約\n支払限度額：2,000万円　てん補期間：1年間",
         {("business_interruption", "limit", 20_000_000),
          ("business_interruption", "time_window_days", 365)}),
        # ... but the policy period is not
        ("補償内容\n損害賠償金\n保険期間は1年間です。", set()),
        # one cue over a list of "coverage: figure" entries types each of them
        ("免責金額　損害賠償金：0円／事故対応費用：1事故につき10万円",
         {("liability.damages", "deductible", 0), ("expense", "deductible", 100_000)}),
        # an entry that names no coverage after the cue's reach takes no type from the one before
        ("免責金額　サイバーセキュリティ事故対応費用：1事故につき10万円／"
         "なお、ご契約時にお支払いいただく保険料は5万円",
         {("expense", "deductible", 100_000)}),
    ],
)  # fmt: skip
def test_generalised_text_figures(text: str, expected: set[tuple[object, ...]]) -> None:
    assert rows_of(text) == expected


def test_text_table_column_types_its_figures() -> None:
    # PDF text copied with its layout: fields apart by wide gaps; the header's last field (てん補
    # 限度額) types the figures of its column, each row's label gives their coverage, and a row's
    # second figure alone on its line belongs to the same row
    text = (
        "保険金の種類　　支払われる保険金の内容　　　　てん補限度額\n"
        "損害賠償金　　情報の漏えいに起因して被保険者が法律上\n"
        "の損害賠償責任を負担することによって被る損害賠償金　　　　１億５，０００万円\n"
        "行政対応費用保険金　　行政機関からの命令等に対応する\n"
        "ために支出した弁護士費用等　　　　１，０００万円\n"
        "見舞費用　　被害者への見舞金・見舞品　　　　１名あたり１，０００円\n"
        "１法人あたり５万円\n"
        "■保険金をお支払いできない主な場合\n"
        "罰金　　科料、過料　　　　１，０００万円\n"
    )
    assert rows_of(text) == {
        ("liability.damages", "limit", 150_000_000),
        ("liability.regulatory", "limit", 10_000_000),
        ("expense.condolence", "limit", 1_000),
        ("expense.condolence", "limit", 50_000),
    }


def test_circled_numbers_do_not_enter_limit_labels() -> None:
    # a table label ①不正アクセス等対応費用 is printed without its list mark
    text = "補償項目\t支払限度額\n①不正アクセス等対応費用\t3,000万円\n"
    labels = {r.coverage_label for r in document_to_limits(doc_from_text(text), "t")}
    assert labels == {"不正アクセス等対応費用"}


@pytest.mark.parametrize(
    ("card", "expected"),
    [
        # 支払限度額 on a line of its own above the card's figure types it, the caption above
        # gives its coverage
        (
            "データ復旧費用\n消失・破損したデータやプログラムを復元するための費用\n支払限度額\n2,000万円",
            ("expense.data_restoration", "limit", 20_000_000),
        ),
        # a basis label (1被害者あたり) above a figure: a card prints the amount it pays up to
        (
            "見舞金費用\n情報が漏えいした被害者に支払う見舞金や見舞品の購入費用\n1被害者あたり\n1,000円",
            ("expense.condolence", "limit", 1_000),
        ),
        # a type label other than a limit keeps its own type
        (
            "データ復旧費用\n消失・破損したデータやプログラムを復元するための費用\n免責金額\n10万円",
            ("expense.data_restoration", "deductible", 100_000),
        ),
    ],
)
def test_card_field_label_types_the_figure_under_it(card: str, expected: tuple[str, str, int]) -> None:
    (row,) = document_to_limits(doc_from_text(f"補償の概要\n{card}"), "t")
    assert (row.coverage_id, row.limit_type, row.amount_jpy) == expected
    # evidence quotes both lines verbatim
    assert row.evidence.count("\n") == 1


def test_bare_figure_without_field_label_is_no_limit() -> None:
    # a figure on its own line under a caption, with no label saying what it is, states nothing
    assert document_to_limits(doc_from_text("補償の概要\nデータ復旧費用\n2,000万円"), "t") == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        # a figure stated for every rider holds for each rider the brochure offers
        ("各特約の免責金額は、1事故につき5万円です。", {"expense.condolence", "expense.prevention"}),
        ("いずれの特約も免責金額は5万円です。", {"expense.condolence", "expense.prevention"}),
        # a sentence without a rider topic keeps no coverage
        ("免責金額は、1事故につき5万円です。", {None}),
    ],
)
def test_figure_for_every_rider(sentence: str, expected: set[str | None]) -> None:
    doc = doc_from_text(
        "オプション（特約）\n特約名\t支払限度額\n情報漏えい見舞費用補償特約\t300万円\n再発防止費用補償特約\t100万円\n"
        f"ご注意\n{sentence}"
    )
    got = {r.coverage_id for r in document_to_limits(doc, "t") if r.limit_type == "deductible"}
    assert got == expected


def test_table_rider_label_limit_goes_to_its_head_noun() -> None:
    # the limit of 情報漏えい見舞費用補償特約 is a condolence limit, not a leak's
    doc = doc_from_text("オプション\n特約名\t支払限度額\n情報漏えい見舞費用補償特約\t1名につき1,000円")
    (row,) = document_to_limits(doc, "t")
    assert (row.coverage_id, row.amount_jpy) == ("expense.condolence", 1_000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a per-victim amount beside its item, in a block that offers cover, is a cap
        (
            "## 補償の概要\n- 個人情報漏えい見舞金（１名あたり １，０００円）",
            {("expense.condolence", "limit", 1_000)},
        ),
        # the same amount in a case story's cost list is no limit
        ("事故例\n支出\n- 見舞金支払い(1名500円) 5,000万円", set()),
        # a paragraph opening with an item's name: its figure sentence names no term of its own
        (
            "## 特約\n- 〈再発防止費用補償特約〉 再発防止策の実施に要する費用を補償します。"
            "支払限度額 ５００万円",
            {("expense.prevention", "limit", 5_000_000)},
        ),
        # a limit cue broken over a line end (支払限 / 度額) is read whole
        ("補償内容\n②原因調査費用\n支払限\n度額 500万円", {("expense.forensics", "limit", 5_000_000)}),
        # a field label naming its coverage (費用合計の) above a figure-only line
        (
            "補償内容\n費 用 合 計 の 支 払 限 度 額\n3,000万円（①～⑤の合計）",
            {("expense", "limit", 30_000_000)},
        ),
        # an incident's costs as a whole name the expense section
        (
            "### 2. サイバーインシデント対応費用補償\n- データ等復旧費用\n\n"
            "支払限度額：５，０００万円（費用合計・保険期間中）",
            {("expense", "limit", 50_000_000)},
        ),
    ],
)  # fmt: skip
def test_generalised_item_attribution(text: str, expected: set[tuple[object, ...]]) -> None:
    assert rows_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an item line printing its own limit in brackets, under a heading that carries the
        # section's limit
        (
            "■ 費用補償（支払限度額 5,000万円）\n・データ復旧費用（1,000万円）",
            {("expense", "limit", 50_000_000), ("expense.data_restoration", "limit", 10_000_000)},
        ),
        # the same bracketed figure outside a block that offers cover is no limit
        ("データで見るサイバー被害\n・データ復旧費用（1,000万円）", set()),
        # a bracket after a long running text is no item's limit
        (
            "補償内容\n・ランサムウェアの被害を受けた企業が実際に支払ったデータ復旧費用の平均額（1,000万円）",
            set(),
        ),
        # a per-victim cap in a description cell of a table with a limit column
        (
            "補償項目\t主な費用\t支払限度額\n事故対応費用\t原因調査費用、見舞費用（1名につき1,000円）\t1,000万円",
            {("expense", "limit", 10_000_000), ("expense.condolence", "limit", 1_000)},
        ),
        # the same cell in a case table (no limit column) is a cost, not a cap
        ("事故例\t費用\n見舞費用（1名につき1,000円）\t500万円", set()),
    ],
)  # fmt: skip
def test_bracketed_and_cell_caps(text: str, expected: set[tuple[object, ...]]) -> None:
    assert rows_of(text) == expected
