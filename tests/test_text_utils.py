"""Locating tables among a document's lines: anchors and captions, with and without geometry."""

from __future__ import annotations

import pytest

from extractors.document import BBox, Cell, Line, Table
from extractors.text_utils import (
    printed_label,
    repair_glyphs,
    table_anchor,
    table_caption,
    table_lines,
    unspace,
)


def grid(*rows: tuple[str, ...], bbox: BBox | None = None) -> Table:
    """Given rows of cell texts (and a box), return a Table on page 1."""
    return Table(1, tuple(tuple(Cell(text) for text in row) for row in rows), bbox)


def line(text: str, x0: float = 0, top: float = 0, x1: float = 0, bottom: float = 0) -> Line:
    """Given text and a box (all zero for none), return a Line on page 1."""
    return Line(text, 1, BBox(x0, top, x1, bottom) if x1 else None)


def test_anchor_is_the_line_holding_the_first_row() -> None:
    lines = [line("見出し"), line("業種 保険料"), line("小売業 7,920円")]
    assert table_anchor(lines, grid(("業種", "保険料"), ("小売業", "7,920円"))) == 1


def test_anchor_from_a_later_row_when_the_header_is_split() -> None:
    # a spanning header cell a PDF reads onto a line of its own: no line holds the first row,
    # the second row places the table (one line before it)
    lines = [
        line("見出し"),
        line("支払限度額"),
        line("業種"),
        line("1,000万円 5,000万円"),
        line("製造業 1円 2円"),
    ]
    table = grid(("業種", "支払限度額", ""), ("", "1,000万円", "5,000万円"), ("製造業", "1円", "2円"))
    assert table_anchor(lines, table) == 2
    assert table_lines(lines, table) == {2, 3, 4}


@pytest.mark.parametrize(
    ("texts", "rows", "anchor"),
    [
        # two tables with one header: the line followed by more of the table's rows wins
        (
            ["業種", "小売業 1円", "業種", "製造業 2円", "建設業 3円"],
            [("業種",), ("製造業 2円",), ("建設業 3円",)],
            2,
        ),
        # a table of like rows, a partial copy of it first: the whole copy wins
        (["A 1円"] * 2 + ["本文"] + ["A 1円"] * 4, [("A 1円",)] * 4, 3),
        # two whole copies: the first wins
        (["A 1円"] * 4 + ["本文"] + ["A 1円"] * 4, [("A 1円",)] * 4, 0),
    ],
)
def test_anchor_is_the_line_followed_by_most_rows(
    texts: list[str], rows: list[tuple[str]], anchor: int
) -> None:
    assert table_anchor([line(text) for text in texts], grid(*rows)) == anchor


def test_anchor_of_a_table_no_line_holds() -> None:
    assert table_anchor([line("別の文章")], grid(("業種", "保険料"))) is None


def test_caption_in_reading_order_passes_over_another_tables_rows() -> None:
    # a heading over two consecutive tables captions both
    first = grid(("業種", "保険料"), ("製造業", "1円"))
    second = grid(("業種", "料金"), ("小売業", "2円"))
    lines = [
        line(t)
        for t in (
            "保険料の例",
            "売上高1億円",
            "業種 保険料",
            "製造業 1円",
            "売上高5億円",
            "業種 料金",
            "小売業 2円",
        )
    ]
    assert [c.text for c in table_caption(lines, second, [first, second], 3)] == [
        "保険料の例",
        "売上高1億円",
        "売上高5億円",
    ]
    assert [c.text for c in table_caption(lines, first, [first, second], 3)] == ["保険料の例", "売上高1億円"]


def test_caption_by_geometry_when_reading_order_interleaves_columns() -> None:
    # two columns: the right column's text was read between the left heading and the table under it;
    # on the page the heading is still the nearest text above the table
    lines = [
        line("保険料の例", 40, 370, 240, 380),
        line("売上高1億円の場合", 40, 395, 130, 405),
        line("想定事例", 320, 120, 550, 130),
        line("合計 2,200万円", 315, 297, 550, 307),
        line("業種 保険料", 40, 415, 550, 425),
    ]
    table = grid(("業種", "保険料"), bbox=BBox(40, 412, 555, 540))
    caption = table_caption(lines, table, [table], 2)
    assert [c.text for c in caption] == ["保険料の例", "売上高1億円の場合"]


def test_caption_by_geometry_keeps_to_the_tables_columns_and_skips_other_tables() -> None:
    left = grid(("A", "B"), bbox=BBox(40, 100, 280, 200))
    below = grid(("C", "D"), bbox=BBox(40, 260, 280, 360))
    lines = [
        line("見出し", 40, 60, 200, 70),
        line("右の段の文", 320, 230, 550, 240),  # beside, not above: another column
        line("A B", 40, 105, 280, 115),  # a row of the table above
        line("売上高5億円", 40, 240, 120, 250),
    ]
    assert [c.text for c in table_caption(lines, below, [left, below], 3)] == ["見出し", "売上高5億円"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("小 売 業 52,000 円 98,000 円", "小売業 52,000 円 98,000 円"),  # a letter-spaced PDF line
        ("合 計 1,000 万 円", "合計 1,000 万円"),  # digits keep their space to the unit
        ("小売業 7,920円 製造業 5,810円", "小売業 7,920円 製造業 5,810円"),  # words: kept
        ("業種＼売上高 1 億円 5 億円", "業種＼売上高 1 億円 5 億円"),  # a few short numbers are no spacing
    ],
)
def test_unspace(text: str, expected: str) -> None:
    assert unspace(text) == expected


@pytest.mark.parametrize(
    ("text", "repaired"),
    [
        ("卸売業‧⼩売業", "卸売業・小売業"),  # U+2027 for the middle dot, a Kangxi radical for 小
        ("事故原因調査費⽤", "事故原因調査費用"),  # Kangxi ⽤ for 用
        ("１億円（税込）", "１億円（税込）"),  # full-width digits and brackets are printed so: kept
        ("製造業", "製造業"),  # nothing to repair
    ],
)
def test_repair_glyphs(text: str, repaired: str) -> None:
    assert repair_glyphs(text) == repaired


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("‧事故原因調査費⽤", "事故原因調査費用"),  # a look-alike bullet is a bullet once repaired
        (
            "## 2. 実際にはいくらかかるの？（事故例）",
            "実際にはいくらかかるの？（事故例）",
        ),  # a Markdown heading
        ("**賠償責任**", "賠償責任"),  # Markdown emphasis
        ("> 想定損害額", "想定損害額"),  # a Markdown quote
        ("サービス業※1", "サービス業"),  # a footnote mark
    ],
)
def test_printed_label(text: str, label: str) -> None:
    assert printed_label(text) == label
