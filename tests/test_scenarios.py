"""Loss scenarios: cost items closed by totals that add up, in lines, bullets and tables."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from extractors import readers
from extractors.document import Cell, Document, Line, Page, Table
from extractors.records import LossScenarioRecord
from extractors.scenarios import document_to_loss_scenarios, text_to_segments
from extractors.taxonomy import match_coverage

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
RAW = ROOT / "raw"
GOLD = ROOT / "tests" / "fixtures" / "gold"  # a copy of ../shared/gold: tests must not need ../shared

Row = tuple[int, int, str]  # (scenario_index, amount, kind)


def lines_document(text: str, tables: tuple[Table, ...] = ()) -> Document:
    """Given text, return a one-page Document with one Line per non-empty line (and the tables)."""
    lines = tuple(Line(line.strip(), 1) for line in text.splitlines() if line.strip())
    return Document("synthetic.txt", "text", (Page(1, lines, tables),))


def rows(document: Document) -> list[Row]:
    """Given a Document, return its scenario rows as (scenario_index, amount, kind), checking evidence."""
    records = document_to_loss_scenarios(document, "d")
    for record in records:
        assert record.evidence in document.text
    return [(r.scenario_index, r.amount_jpy, r.row_kind) for r in records]


def test_items_and_a_total() -> None:
    document = lines_document(
        "事故例\n支出\n- 被害状況の把握 100万円\n- 原因調査 1,100万円\n- 損害賠償金 1億円\n合計 1億1,200万円"
    )
    assert rows(document) == [
        (1, 1_000_000, "item"),
        (1, 11_000_000, "item"),
        (1, 100_000_000, "item"),
        (1, 112_000_000, "total"),
    ]


def test_subtotals_and_a_grand_total() -> None:
    # two blocks each closed by 合計, then 総額 that adds the two: the 合計s are subtotals
    document = lines_document(
        "想定損害額\n費用\n▶ 原因調査費用：300万円\n▶ コールセンター費用：200万円\n合計 500万円\n"
        "賠償\n▶ 損害賠償金 1,000万円\n▶ 弁護士費用 200万円\n合計 1,200万円\n総額 1,700万円"
    )
    assert [kind for _, _, kind in rows(document)] == [
        "item",
        "item",
        "subtotal",
        "item",
        "item",
        "subtotal",
        "total",
    ]
    assert {index for index, _, _ in rows(document)} == {1}


def test_a_grand_total_by_arithmetic_alone() -> None:
    # the grand total is a 合計 too: it is one because it adds up the two blocks
    document = lines_document(
        "A 100万円\nB 200万円\n合計 300万円\nC 50万円\nD 50万円\n合計 100万円\n合計 400万円"
    )
    assert [kind for _, _, kind in rows(document)] == [
        "item",
        "item",
        "subtotal",
        "item",
        "item",
        "subtotal",
        "total",
    ]


def test_two_independent_scenarios() -> None:
    # two examples, each with its own total, are numbered 1 and 2
    document = lines_document(
        "事故例1\n調査費用 100万円\n復旧費用 200万円\n合計 300万円\n"
        "事故例2\n見舞金 500万円\n損害賠償金 1,000万円\n合計 1,500万円"
    )
    assert [(index, kind) for index, _, kind in rows(document)] == [
        (1, "item"),
        (1, "item"),
        (1, "total"),
        (2, "item"),
        (2, "item"),
        (2, "total"),
    ]


def test_bullets_on_one_line_and_a_breakdown() -> None:
    # one line holds every bullet; a breakdown ending in "= total" is one item at its total
    document = lines_document(
        "▶ デジタル・フォレンジック費用： PC1台100万円×3台、サーバ1台300万円、 その他100万円= 700万円 "
        "▶ コールセンター委託費用：200万円 ▶ 謝罪広告費用：60万円 (注1)\n合計 960万円\n"
        "(注1) 地方紙1紙に掲載した場合の想定費用を60万円としています。"
    )
    records = document_to_loss_scenarios(document, "d")
    assert [(r.item_label, r.amount_jpy, r.row_kind) for r in records] == [
        ("デジタル・フォレンジック費用", 7_000_000, "item"),
        ("コールセンター委託費用", 2_000_000, "item"),
        ("謝罪広告費用", 600_000, "item"),
        ("合計", 9_600_000, "total"),
    ]


def test_coverage_ids_come_from_the_taxonomy() -> None:
    document = lines_document("支出\n損害賠償金 1,000万円\n争訟費用 300万円\n合計 1,300万円")
    records = document_to_loss_scenarios(document, "d")
    assert [r.coverage_id for r in records] == [
        match_coverage("損害賠償金"),
        match_coverage("争訟費用"),
        None,
    ]


def test_label_and_amount_on_separate_lines() -> None:
    document = lines_document("損害の内訳\n原因調査費用\n500万円\nデータ復旧費用\n300万円\n合計\n800万円")
    assert [(amount, kind) for _, amount, kind in rows(document)] == [
        (5_000_000, "item"),
        (3_000_000, "item"),
        (8_000_000, "total"),
    ]


def test_two_columns_read_interleaved() -> None:
    # a two-column PDF page read line by line mixes the columns (and the sentence of one
    # column runs into an item of the other); the sums still hold
    document = lines_document(
        "費用 賠償\n▶ 調査費用：700万円 ▶ 損害賠償金 1,000万円\n"
        "▶ 相談費用：100万円 2,000人なら1,000万円になります。 ▶ 弁護士費用 510万円\n"
        "▶ コールセンター費用：200万円\n合計 1,000万円 合計 1,510万円\n総額（費用 + 賠償） 2,510万円"
    )
    found = Counter((amount, kind) for _, amount, kind in rows(document))
    assert found == Counter(
        {
            (7_000_000, "item"): 1,
            (1_000_000, "item"): 1,
            (2_000_000, "item"): 1,
            (10_000_000, "subtotal"): 1,
            (10_000_000, "item"): 1,
            (5_100_000, "item"): 1,
            (15_100_000, "subtotal"): 1,
            (25_100_000, "total"): 1,
        }
    )


SCENARIO_TABLE = Table(
    1,
    tuple(
        tuple(Cell(text) for text in row)
        for row in (
            ("内訳", "金額"),
            ("フォレンジック調査", "1,200万円"),
            ("データ復旧", "800万円"),
            ("お詫び状送付", "150万円"),
            ("合計", "2,150万円"),
        )
    ),
)


def test_scenario_table_with_breakdown_columns() -> None:
    # a 内訳 | 金額 table closed by a 合計 row; its lines repeat the rows and are not read twice
    lines = "\n".join(" | ".join(c.text for c in row) for row in SCENARIO_TABLE.rows)
    document = lines_document(f"ランサムウェア被害の想定損害額\n{lines}", (SCENARIO_TABLE,))
    records = document_to_loss_scenarios(document, "d")
    assert [(r.item_label, r.amount_jpy, r.row_kind) for r in records] == [
        ("フォレンジック調査", 12_000_000, "item"),
        ("データ復旧", 8_000_000, "item"),
        ("お詫び状送付", 1_500_000, "item"),
        ("合計", 21_500_000, "total"),
    ]
    assert all(" | " in r.evidence for r in records)  # quoted from the table's rows
    assert {r.scenario_label for r in records} == {"ランサムウェア被害の想定損害額"}


@pytest.mark.parametrize(
    "text",
    [
        # cost items without a total are a list, not a worked example
        "支出\n被害状況の把握 100万円\n原因調査 1,100万円",
        # a numbered case list with a cost: no total
        "8\nパソコン1台につき100万円の調査費用が発生した。\n調査費請求\n100万円",
        # sentences that mention amounts, then a total that nothing adds up to
        "過去の判例から一人当たり5,000円程度の賠償金が予想されます。\n"
        "万一、2,000人から損害賠償請求を受ければ1,000万円になります。\n合計 1,000万円",
        # a total that its items do not add up to
        "調査費用 100万円\n復旧費用 200万円\n合計 500万円",
        # a single item equal to a total proves nothing
        "調査費用 100万円\n合計 100万円",
        # a limits table: labels and amounts, no total
        "支払限度額\n損害賠償責任に関する補償 3億円\n各種費用に関する補償 3,000万円\n再発防止費用 10万円",
        # a premium breakdown adds up, but premiums are not incident costs
        "保険料の内訳\n基本保険料 10,000円\n特約保険料 2,000円\n合計保険料 12,000円",
        # a case story without amounts
        "事故例1\n売上高約5億円の教育支援事業者が、不正アクセスを受け、数千人の個人情報が流出した。",
    ],
)
def test_no_scenario_rows_are_invented(text: str) -> None:
    assert document_to_loss_scenarios(lines_document(text), "d") == []


@pytest.mark.parametrize(
    ("text", "segments"),
    [
        ("▶ A：100万円 ▶ B：200万円", ["▶ A：100万円", "▶ B：200万円"]),  # inline ▶ bullets
        ("・ 損害賠償金 ・ 弁護士費用", ["・ 損害賠償金", "・ 弁護士費用"]),  # spaced ・ bullets
        ("デジタル・フォレンジック費用", ["デジタル・フォレンジック費用"]),  # ・ inside a word is no bullet
    ],
)
def test_text_to_segments(text: str, segments: list[str]) -> None:
    assert text_to_segments(text) == segments


# --- the seed brochures ---------------------------------------------------------------------------


def gold_rows(stem: str) -> tuple[Counter[tuple[int, str]], Counter[tuple[int, str]]]:
    """Given a seed's stem, return its gold (amount, kind) rows: required, and required plus optional."""
    gold = yaml.safe_load((GOLD / f"{stem}.yaml").read_text(encoding="utf-8"))
    entries = gold.get("loss_scenarios") or []
    required = Counter((g["amount_jpy"], g["kind"]) for g in entries if not g.get("optional"))
    allowed = Counter((g["amount_jpy"], g["kind"]) for g in entries)
    return required, allowed


def seed_forms() -> list[tuple[str, Path]]:
    """Given nothing, return (seed stem, file) for every seed as text and as published (html/pdf)."""
    forms = [(path.stem, path) for path in sorted(SEEDS.glob("*.txt"))]
    stems = {path.stem.split("_")[0]: path.stem for path in SEEDS.glob("*.txt")}
    published = (p for p in sorted(RAW.glob("*")) if p.suffix in {".pdf", ".html"})
    forms += [(stems[p.name.split("-")[0]], p) for p in published if p.name.split("-")[0] in stems]
    return forms


@pytest.mark.parametrize(("stem", "path"), seed_forms(), ids=lambda v: getattr(v, "name", v))
def test_seed_scenarios_match_gold(stem: str, path: Path) -> None:
    # every required gold row is found, and nothing outside gold (none where gold has none)
    document = readers.read(path)
    records: list[LossScenarioRecord] = document_to_loss_scenarios(document, "d")
    found = Counter((r.amount_jpy, r.row_kind) for r in records)
    required, allowed = gold_rows(stem)
    assert found & required == required
    assert found - allowed == Counter()
    for record in records:
        assert record.evidence in document.text
        expected = match_coverage(record.item_label) if record.row_kind == "item" else None
        assert record.coverage_id == expected


# --- generalised shapes (found by the held-out brochures) ---------------------------------------


def scenario_table(*cells: tuple[str, ...]) -> Table:
    """Given rows of cell texts, return a Table on page 1."""
    return Table(1, tuple(tuple(Cell(text) for text in row) for row in cells))


def table_lines_document(caption: str, table: Table) -> Document:
    """Given caption lines and a table, return a Document whose lines repeat the rows (cells spaced)."""
    rows = "\n".join(" ".join(c.text for c in row if c.text) for row in table.rows)
    return lines_document(f"{caption}\n{rows}", (table,))


@pytest.mark.parametrize(
    "text",
    [
        # a table-like block under a scenario heading whose items stop short of the printed total
        "想定事例：ランサムウェア感染\n費用項目 金額\n調査費用 400万円\n復旧費用 650万円\n"
        "喪失利益 900万円\n合計 2,200万円",
        # bullets under 事故例, a total that includes costs not itemised
        "事故例\n・調査費用 300万円\n・お詫び状送付費用 100万円\n合計 500万円",
    ],
)
def test_a_total_its_items_do_not_reach_is_published_as_printed(text: str) -> None:
    found = rows(lines_document(text))
    assert [kind for _, _, kind in found] == ["item"] * (len(found) - 1) + ["total"]
    assert sum(amount for _, amount, kind in found if kind == "item") < found[-1][1]


@pytest.mark.parametrize(
    "text",
    [
        # no scenario heading: a list and a number that happen to follow one another
        "調査費用 400万円\n復旧費用 650万円\n合計 2,200万円",
        # items that exceed the total are not its breakdown
        "想定事例\n調査費用 400万円\n復旧費用 900万円\n合計 1,000万円",
        # items that make up too small a share of the total
        "想定事例\n調査費用 100万円\n復旧費用 100万円\n合計 2,200万円",
        # a single item
        "想定事例\n調査費用 400万円\n合計 2,200万円",
        # prose between the items: not one printed block
        "想定事例\n調査費用 400万円\n"
        "当社の調査によると、この種の事故では復旧に長い期間を要することが多く見られます。\n"
        "復旧費用 500万円\n合計 1,000万円",
    ],
)
def test_a_total_its_items_do_not_reach_needs_the_layout(text: str) -> None:
    assert rows(lines_document(text)) == []


def test_a_total_printed_above_its_breakdown() -> None:
    # 合計 first, then 内訳 and the items that add up to it (approximately)
    found = rows(lines_document("損害額合計 約1億円\n内訳\n調査費用 約2,000万円\n損害賠償金 約8,000万円"))
    assert found == [(1, 20_000_000, "item"), (1, 80_000_000, "item"), (1, 100_000_000, "total")]


@pytest.mark.parametrize(
    "text",
    [
        # items far below the total are not its breakdown
        "損害額合計 1億円\n当社の調査によると、この種の事故では復旧に長い期間を要することが多く見られます。\n"
        "a\nb\nc\n調査費用 2,000万円\n損害賠償金 8,000万円",
        # items that pass the total are not its breakdown
        "合計 1,000万円\n調査費用 800万円\n損害賠償金 800万円",
    ],
)
def test_a_total_above_needs_items_that_add_up_right_below(text: str) -> None:
    assert rows(lines_document(text)) == []


@pytest.mark.parametrize(
    ("caption", "header"),
    [
        ("損害の内訳", ("費用項目", "金額（円）")),  # the unit in the amount column's header
        ("損害の内訳（単位：円）", ("費用項目", "金額")),  # the unit in the caption
    ],
)
def test_bare_numbers_in_a_scenario_table_take_its_unit(caption: str, header: tuple[str, str]) -> None:
    grid = scenario_table(
        header, ("調査費用", "3,000,000"), ("損害賠償金", "7,000,000"), ("合計", "10,000,000")
    )
    assert rows(table_lines_document(caption, grid)) == [
        (1, 3_000_000, "item"),
        (1, 7_000_000, "item"),
        (1, 10_000_000, "total"),
    ]


def test_one_scenario_per_amount_column() -> None:
    # two examples side by side: each amount column is a scenario, named by its header
    grid = scenario_table(
        ("費用項目", "中小企業の例", "大企業の例"),
        ("調査費用", "300万円", "500万円"),
        ("損害賠償金", "700万円", "1,500万円"),
        ("合計", "1,000万円", "2,000万円"),
    )
    document = table_lines_document("事故例", grid)
    records = document_to_loss_scenarios(document, "d")
    assert [(r.scenario_index, r.amount_jpy, r.row_kind) for r in records] == [
        (1, 3_000_000, "item"),
        (1, 7_000_000, "item"),
        (1, 10_000_000, "total"),
        (2, 5_000_000, "item"),
        (2, 15_000_000, "item"),
        (2, 20_000_000, "total"),
    ]
    assert [r.scenario_label for r in records if r.row_kind == "total"] == [
        "事故例 中小企業の例",
        "事故例 大企業の例",
    ]
    assert all(r.evidence in document.text for r in records)


def test_a_limits_table_with_a_sum_row_is_no_scenario() -> None:
    # headed by 限度額: neither its cells nor the lines repeating them are incident costs
    grid = scenario_table(
        ("補償", "支払限度額"), ("賠償", "1億円"), ("費用", "1,000万円"), ("合計", "1億1,000万円")
    )
    assert rows(table_lines_document("補償内容", grid)) == []


def test_approximate_items_and_a_total_in_oku() -> None:
    # 約 amounts whose sum is within the tolerance of an approximate 億円 total
    grid = scenario_table(
        ("損害の内容", "想定金額"),
        ("初動対応・調査費用", "約2,500万円"),
        ("システム復旧費用", "約4,000万円"),
        ("喪失利益", "約1.2億円"),
        ("損害賠償金", "約3,000万円"),
        ("合計", "約2.2億円"),
    )
    assert rows(table_lines_document("ランサムウェア被害の想定損害額", grid))[-1] == (1, 220_000_000, "total")


def test_letter_spaced_pdf_lines() -> None:
    # a PDF text layer that spaces out CJK characters: the labels read whole, evidence as printed
    document = lines_document(
        "想 定 損 害 額\n調 査 費 用 300 万 円\n損 害 賠 償 金 700 万 円\n合 計 1,000 万 円"
    )
    records = document_to_loss_scenarios(document, "d")
    assert [(r.item_label, r.amount_jpy, r.row_kind) for r in records] == [
        ("調査費用", 3_000_000, "item"),
        ("損害賠償金", 7_000_000, "item"),
        ("合計", 10_000_000, "total"),
    ]
    assert all(r.evidence in document.text for r in records)


@pytest.mark.parametrize(
    "text",
    [
        # a total stated in running prose, its breakdown in bullets right after
        "事故例\nこの事故で会社が負担した費用は総額 約1億2,500万円にのぼりました。\n"
        "- フォレンジック調査費用：2,800万円\n- コールセンター費用：1,150万円\n"
        "- お詫び状の送付費用：350万円\n- 損害賠償金：7,000万円\n- 弁護士費用：1,200万円",
        # markup around the total (Markdown emphasis) and the particle は
        "事故例\n費用は **総額は 1億2,500万円** でした。\n"
        "- 調査費用 2,800万円\n- コールセンター費用 1,150万円\n- 通知費用 350万円\n"
        "- 損害賠償金 7,000万円\n- 弁護士費用 1,200万円",
    ],
)
def test_a_total_stated_in_prose_closes_the_bullets_after_it(text: str) -> None:
    assert Counter(kind for _, _, kind in rows(lines_document(text))) == {"item": 5, "total": 1}
    assert (1, 125_000_000, "total") in rows(lines_document(text))


@pytest.mark.parametrize(
    "text",
    [
        # a prose total whose bullets do not add up to it is no scenario
        "事故例\n費用は総額 1億円にのぼりました。\n- 調査費用 2,800万円\n- 弁護士費用 1,200万円",
        # a statistic in prose with no breakdown
        "被害の実態\n中小企業の被害総額は平均 3,000万円にのぼります。",
    ],
)
def test_a_total_stated_in_prose_needs_its_breakdown(text: str) -> None:
    assert rows(lines_document(text)) == []


def test_numbered_cases_each_name_their_scenario() -> None:
    # ケース1 / ケース2 head their own examples; the section title above them and a column
    # cue (＜内訳＞) between a heading and its items do not replace the case's name
    document = lines_document(
        "サイバー事故の損害額（事例）\nケース1 ECサイトへの不正アクセス\n被害総額 3,250万円\n＜内訳＞\n"
        "・事故原因調査費用 900万円\n・お詫び状送付費用 250万円\n・見舞品購入費用 500万円\n"
        "・コールセンター費用 300万円\n・損害賠償金 1,300万円\n"
        "ケース2 ランサムウェアによるシステム停止\n項目 費用\nデータ復旧費用 1,800万円\n"
        "原因調査費用 650万円\n再発防止費用 400万円\n喪失利益 2,100万円\n合計 4,950万円"
    )
    records = document_to_loss_scenarios(document, "d")
    labels = {r.scenario_index: r.scenario_label for r in records}
    assert labels == {1: "ケース1 ECサイトへの不正アクセス", 2: "ケース2 ランサムウェアによるシステム停止"}
    assert [r.amount_jpy for r in records if r.row_kind == "total"] == [32_500_000, 49_500_000]


def test_prose_mentioning_a_cue_word_heads_no_scenario() -> None:
    # …ケースもあります。 describes; the short heading after it names the example
    document = lines_document(
        "情報が盗まれてしまうケースもあります。サービスが利用不能になるケースもあります。\n事故例\n支出\n"
        "- 被害状況の把握 100万円\n- 原因調査 1,100万円\n合計 1,200万円"
    )
    assert {r.scenario_label for r in document_to_loss_scenarios(document, "d")} == {"事故例"}


def test_labels_are_published_as_printed() -> None:
    # a PDF's look-alike glyphs (‧ for ・, Kangxi ⽤ for 用) and Markdown markup leave the labels
    document = lines_document(
        "## 2. 想定損害額（事故例）\n‧事故原因調査費⽤ 900万円\n‧お詫び状作成‧送付費⽤ 250万円\n"
        "合計 1,150万円"
    )
    records = document_to_loss_scenarios(document, "d")
    assert [r.item_label for r in records] == ["事故原因調査費用", "お詫び状作成・送付費用", "合計"]
    assert {r.scenario_label for r in records} == {"想定損害額（事故例）"}  # numbering is cleaned too


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a （単位：千円） line puts 千円 in force for the bare figures of the bullets below it,
        # with 小計 per block and a 合計 over them
        (
            "想定事故例\n（単位：千円）\n【費用損害】\n"
            "・事故原因調査費用　３，５００\n・データ復旧費用　１，５００\n　小計　５，０００\n"
            "【賠償損害】\n・損害賠償金　２０，０００\n・争訟費用　３，０００\n　小計　２３，０００\n"
            "合計　２８，０００",
            [
                (1, 3_500_000, "item"),
                (1, 1_500_000, "item"),
                (1, 5_000_000, "subtotal"),
                (1, 20_000_000, "item"),
                (1, 3_000_000, "item"),
                (1, 23_000_000, "subtotal"),
                (1, 28_000_000, "total"),
            ],
        ),
        # a sentence ends the declaration: bare figures after it are in no unit, and give nothing
        (
            "想定事故例\n（単位：千円）\nこの表の金額は試算です。\n"
            "・調査費用　３，５００\n・復旧費用　１，５００\n合計　５，０００",
            [],
        ),
        # figures printed with their own unit keep it under a 千円 declaration
        (
            "想定損害額\n（単位：千円）\n・調査費用　300万円\n・復旧費用　200万円\n合計　500万円",
            [(1, 3_000_000, "item"), (1, 2_000_000, "item"), (1, 5_000_000, "total")],
        ),
    ],
)
def test_unit_declared_on_a_line_of_its_own(text: str, expected: list[Row]) -> None:
    assert rows(lines_document(text)) == expected
