"""Mechanisms of blind round g: half-width katakana readings, dot-leader field lines, yen columns
named by their header, indemnity periods written てん補 N日, citation numbers glued to a unit,
run-in headings, item / figure pairs in a headerless grid."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import readers
from extractors.blocks import is_leader_field, page_to_units
from extractors.document import BBox, Cell, Line, Page, Table, kana_to_written, nfkc
from extractors.layout import split_run_in
from extractors.limits import document_to_limits, load_limit_cues, text_to_figures, yen_columns
from extractors.sections import plain

CUES = load_limit_cues()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # two words a space apart, both known: written out and joined
        ("ｼﾊﾗｲ ｹﾞﾝﾄﾞｶﾞｸ", "支払限度額"),
        # a run that splits wholly into known words, longest first, after a digit
        ("1ｾｲｷｭｳ/ﾎｹﾝｷｶﾝﾁｭｳ", "1請求/保険期間中"),
        # a loanword the readings do not split stays katakana (NFKC full width), kanji after it kept
        ("ﾌｫﾚﾝｼﾞｯｸ調査費用", "フォレンジック調査費用"),
        ("情報ｻｰﾋﾞｽ業", "情報サービス業"),
        # a unit after a figure, and a window with its counter
        ("3ｵｸｴﾝ", "3億円"),
        ("ﾊｯｹﾝｺﾞ 180ﾆﾁ ｲﾅｲ", "発見後 180日以内"),
        # a whole-run particle joins the words around it; an unknown word keeps its spaces
        ("ｿﾝｶﾞｲﾊﾞｲｼｮｳｷﾝ ﾆ ﾌｸﾑ", "損害賠償金に含む"),
        ("ﾗﾝｻﾑｳｪｱ ﾆﾖﾙ", "ランサムウェア ニヨル"),
        # full-width katakana is brochure text, never rewritten
        ("ホケン", "ホケン"),
    ],
)
def test_nfkc_writes_out_halfwidth_readings(text: str, expected: str) -> None:
    assert nfkc(text) == expected


@pytest.mark.parametrize(
    ("kana", "expected"),
    [
        ("ホケンキン", "保険金"),  # one word, longest match before ホケン + キン
        ("ノ", "の"),  # a particle only as a whole run
        ("ノホケン", None),  # never a particle inside a word
        ("サービス", None),  # no split into known words
    ],
)
def test_kana_to_written(kana: str, expected: str | None) -> None:
    assert kana_to_written(kana) == expected


@pytest.mark.parametrize(
    ("norm", "expected"),
    [
        ("損害賠償金・争訟費用.........3億円", True),  # label, leader, value
        ("うち データ復旧費用・・・・1,000万円", True),  # a leader of middle dots
        ("この書面は、補償の概要を記載したものです。詳細は約款をご確認く", False),  # a wrapped sentence
        ("金額は...", False),  # an ellipsis at the end leads to no value
    ],
)
def test_is_leader_field(norm: str, expected: bool) -> None:
    assert is_leader_field(norm) is expected


def test_leader_field_lines_stay_apart() -> None:
    # two field lines running to the right edge, one under the other: two units, not one paragraph
    lines = (
        Line("損害賠償金.............3億円", 1, BBox(50, 100, 500, 110)),
        Line("免責金額...............0円", 1, BBox(50, 112, 500, 122)),
    )
    units = page_to_units(Page(number=1, lines=lines))
    assert [u.text for u in units] == [line.text for line in lines]


def _table(*rows: tuple[str, ...]) -> Table:
    """Given rows of cell texts, return a one-page Table of them."""
    return Table(page=1, rows=tuple(tuple(Cell(text) for text in row) for row in rows))


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        # bare yen under 支払限度額 and 免責金額: both columns are yen (one figure reaches a million)
        ((("項目", "支払限度額", "免責金額"), ("賠償", "300,000,000", "0")), {1, 2}),
        # small bare numbers under 限度額: a larger unit the brochure failed to state, not yen
        ((("項目", "限度額", "免責金額"), ("賠償", "10,000", "10")), set()),
        # a header naming no sum declares nothing
        ((("項目", "内容", "備考"), ("賠償", "300,000,000", "")), set()),
    ],
)
def test_yen_columns(rows: tuple[tuple[str, ...], ...], expected: set[int]) -> None:
    table = _table(*rows)
    assert yen_columns(table, [c.norm for c in table.rows[0]], CUES) == expected


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("待機 8時間/てん補 120日", [120]),  # てん補 then a day count: the indemnity period
        ("てん補期間:1年間", [365]),  # the long form still reads
        ("てん補限度額 1億円", []),  # てん補 before no day count is no window
    ],
)
def test_tenpo_day_count_is_a_window(text: str, days: list[int]) -> None:
    assert [f.days for f in text_to_figures(text, CUES) if f.days is not None] == days


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("① 事故原因調査費用：2,000万円3", "① 事故原因調査費用:2,000万円"),  # a note number glued to 円
        ("⑤ 見舞金：被害者1名につき500円4", "⑤ 見舞金:被害者1名につき500円"),
        ("支払割合 90%5。", "支払割合 90%。"),  # glued to % before a sentence end
        ("100万円×3台", "100万円×3台"),  # a count is no citation
        ("1,000万円（2項目合算）", "1,000万円(2項目合算)"),  # nothing glued: unchanged
    ],
)
def test_plain_drops_glued_citation_numbers(text: str, expected: str) -> None:
    assert plain(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # an enumerated title, a full-width space, running text: two lines
        (
            "（1）賠償責任に関する補償　サイバー事故により他人",
            ["（1）賠償責任に関する補償", "サイバー事故により他人"],
        ),
        ("1. 補償の内容　次のとおりです", ["1. 補償の内容", "次のとおりです"]),
        # a label and its value after a full-width space stay one line
        ("① 事故原因調査費用　2,000万円", ["① 事故原因調査費用　2,000万円"]),
        ("（2）見舞金　被害者1名につき500円", ["（2）見舞金　被害者1名につき500円"]),
        # no enumerator, or an ordinary space: not a run-in heading
        ("賠償責任に関する補償　サイバー事故により他人", ["賠償責任に関する補償　サイバー事故により他人"]),
        ("（1）賠償責任 サイバー事故により他人", ["（1）賠償責任 サイバー事故により他人"]),
    ],
)
def test_split_run_in(text: str, expected: list[str]) -> None:
    assert [line.text for line in split_run_in(Line(text, 1))] == expected


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # a headerless grid of item / figure pairs under a heading of cover: each figure is its item's limit
        (
            "■補償内容\n原因調査費用\t1,000万円\tお詫び状送付費用\t300万円\nデータ復旧費用\t1,000万円\t見舞金\t500円\n",
            {
                ("expense.forensics", 10_000_000),
                ("expense.notification", 3_000_000),
                ("expense.data_restoration", 10_000_000),
                ("expense.condolence", 500),
            },
        ),
        # the same grid under a case-story heading states costs, not limits
        (
            "■事故例\n原因調査費用\t1,000万円\tお詫び状送付費用\t300万円\nデータ復旧費用\t1,000万円\t見舞金\t500円\n",
            set(),
        ),
        # a grid whose header names its columns is read by its header, not as pairs
        ("■補償内容\n項目\t金額\n原因調査費用\t1,000万円\nデータ復旧費用\t500万円\n", set()),
    ],
)
def test_item_figure_pairs(tmp_path: Path, content: str, expected: set[tuple[str, int]]) -> None:
    path = tmp_path / "pairs.txt"
    path.write_text(content, encoding="utf-8")
    found = document_to_limits(readers.read(path), "t")
    assert {(r.coverage_id, r.amount_jpy) for r in found if r.limit_type == "limit"} == expected


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("被害の発見から1年（365日）以内に要した費用", [365]),  # a bracketed gloss before 以内
        ("発見から180日以内", [180]),  # no gloss: as before
        ("1年（注）の経過後", []),  # a bracket not followed by 以内 opens no window
    ],
)
def test_window_with_a_bracketed_gloss(text: str, days: list[int]) -> None:
    assert [f.days for f in text_to_figures(text, CUES) if f.days is not None] == days


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        # a sibling item naming nothing goes on about the item above (a part of the heading's section)
        (
            "■事故対応費用\n– 見舞金：被害者1名あたり500円\n– 1事故あたりの上限は200万円\n",
            "expense.condolence",
        ),
        # a sibling keyed by a label of its own (免責金額) is about the section, not the item above
        ("■事故対応費用\n– 見舞金：被害者1名あたり500円\n– 免責金額：1事故あたり200万円\n", "expense"),
    ],
)
def test_sub_item_takes_the_item_above(tmp_path: Path, content: str, expected: str) -> None:
    path = tmp_path / "items.txt"
    path.write_text(content, encoding="utf-8")
    found = document_to_limits(readers.read(path), "t")
    assert {r.coverage_id for r in found if r.amount_jpy == 2_000_000} == {expected}
