"""Reading-order units: heading shapes and the joining of wrapped PDF lines."""

from __future__ import annotations

import pytest

from extractors.blocks import (
    column_right_edge,
    document_to_units,
    drop_list_marks,
    heading_core,
    is_heading,
    page_to_units,
    split_label,
)
from extractors.document import BBox, Cell, Document, Line, Page, Table

#: a line height in points, as pdfplumber gives for 10pt text
H = 10.0


def pdf_line(text: str, x0: float, top: float, chars: int | None = None) -> Line:
    """Given text, its left edge and top, return a PDF line one em per character wide."""
    width = (chars if chars is not None else len(text)) * H
    return Line(text, page=1, bbox=BBox(x0, top, x0 + width, top + H))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a section heading opened by ■ is a heading ...
        ("■ 補償内容", True),
        ("◆ 保険金をお支払いできない主な場合", True),
        # ... a bullet item is not
        ("・身代金や脅迫に応じて支払った金銭", False),
        ("● コールセンター設置費用", False),
        # a ■ line holding a sentence is running text
        ("■ 上記は想定の金額であり、実際の損害額は異なります。", False),
        # enumerated headings stay headings
        ("１．損害賠償責任補償", True),
    ],
)
def test_is_heading(text: str, expected: bool) -> None:
    assert is_heading(text) is expected


def two_column_page() -> Page:
    """Given nothing, return a page with a full-width intro and two card columns of wrapped text."""
    lines = (
        # a full-width paragraph at the top runs to the page's right edge (x1 = 40 + 50 em)
        pdf_line(
            "サイバー事故が起きたとき、損害賠償から事故対応の費用までをまとめて補償します。", 40, 100, 50
        ),
        # left card: a heading, a sentence wrapped at the card's edge (22 em), a limit line
        pdf_line("被害者対応費用", 40, 140),
        pdf_line("お詫び状の送付やコールセンターの設置など、被害", 40, 156, 22),
        pdf_line("者への対応に要した費用を補償します。", 40, 168),
        pdf_line("支払限度額 500万円", 40, 186),
        # right card, same rows
        pdf_line("初動対応費用", 300, 140),
        pdf_line("サイバー攻撃の疑いがある場合の調査や、ネットワ", 300, 156, 22),
        pdf_line("ーク遮断などに要した費用を補償します。", 300, 168),
    )
    return Page(1, lines)


def test_wrapped_lines_in_a_column_join() -> None:
    # a line that fills its card (not the page) continues on the next line: one paragraph
    texts = [u.norm for u in page_to_units(two_column_page())]
    assert "お詫び状の送付やコールセンターの設置など、被害者への対応に要した費用を補償します。" in texts
    assert "サイバー攻撃の疑いがある場合の調査や、ネットワーク遮断などに要した費用を補償します。" in texts
    # a heading and the limit line under a sentence end stay apart
    assert "被害者対応費用" in texts
    assert "支払限度額 500万円" in texts


def test_column_right_edge_is_local() -> None:
    # the card's edge comes from the lines just around it, not from the page's widest line
    page = two_column_page()
    wrapped = page.lines[2]
    assert column_right_edge(wrapped, page.lines) == pytest.approx(40 + 22 * H)


def test_short_list_lines_do_not_join() -> None:
    # a list of short labels (each the longest of its neighbours) is not one wrapped sentence
    lines = (
        pdf_line(
            "お支払いする保険金の種類は次のとおりです。対象となるのは法律上の損害賠償責任です。", 40, 60, 50
        ),
        pdf_line("損害賠償金", 40, 100),
        pdf_line("争訟費用", 40, 112),
        pdf_line("協力費用", 40, 124),
    )
    assert [u.norm for u in page_to_units(Page(1, lines))][1:] == ["損害賠償金", "争訟費用", "協力費用"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # circled numbers go before NFKC would turn them into digits of the label
        ("①不正アクセス等対応費用", "不正アクセス等対応費用"),
        ("③相談費用 弁護士費用\n④データ等復旧費用", "相談費用 弁護士費用\nデータ等復旧費用"),
        # a digit that belongs to the text stays
        ("1請求あたり", "1請求あたり"),
    ],
)
def test_drop_list_marks(text: str, expected: str) -> None:
    assert drop_list_marks(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # label … description
        ("- 初期対応費用 … 不正アクセスの有無の確認", ("初期対応費用", "不正アクセスの有無の確認")),
        # a wide gap (full-width spaces) parts the columns of a text table row
        ("損害賠償金　　情報の漏えいまたは", ("損害賠償金", "情報の漏えいまたは")),
        # a single space after a label of two characters or more (PDF card text)
        ("③データ等復旧費用 消失したデータ", ("データ等復旧費用", "消失したデータ")),
        # spaced CJK (賠 償 責 任) is one label, not a label and its description
        ("【 賠 償 責 任 】", ("賠 償 責 任", "")),
        # a bracketed tag before the label is not part of it
        ("〈オプション〉喪失利益・営業継続費用", ("喪失利益・営業継続費用", "")),
        # label: value
        ("支払限度額：1億円", ("支払限度額", "1億円")),
    ],
)
def test_split_label(text: str, expected: tuple[str, str]) -> None:
    assert split_label(text) == expected


def pdf_line_sized(text: str, x0: float, top: float, height: float, chars: int) -> Line:
    """Given text, its left edge, top, type height and width in characters, return a PDF line."""
    return Line(text, page=1, bbox=BBox(x0, top, x0 + chars * height, top + height))


@pytest.mark.parametrize(
    ("caption_height", "joined"),
    [
        # a card's caption in larger type over its description (same left edge, no gap, the
        # caption reaching the column's edge): two units, so the caption stays a heading
        (13.0, False),
        # the same two lines in one type size are one sentence wrapped at the column's edge
        (10.0, True),
    ],
)
def test_lines_in_different_type_sizes_do_not_wrap(caption_height: float, joined: bool) -> None:
    caption = pdf_line_sized("喪失利益・営業継続費用の補償について", 40, 100, caption_height, 20)
    description = pdf_line_sized(
        "ネットワークの停止により生じた利益の減少", 40, 100 + caption_height + 2, 10.0, 20
    )
    units = page_to_units(Page(1, (caption, description)))
    assert (len(units) == 1) is joined


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a trailing bracketed figure is cut
        ("■ 費用補償（支払限度額 5,000万円）", "■ 費用補償"),
        # a bracket without a figure is part of the label
        ("喪失利益（オプション）", "喪失利益(オプション)"),
        # a bracket in the middle stays
        ("見舞金（1名500円）の支払", "見舞金(1名500円)の支払"),
        # a line that is only a bracket keeps its text
        ("（1,000万円）", "(1,000万円)"),
    ],
)
def test_heading_core(text: str, expected: str) -> None:
    assert heading_core(text) == expected


@pytest.mark.parametrize(
    ("row_page", "units_on_page_2"),
    [
        # the row printed on page 2 belongs to the table placed on page 1: only the prose is new
        (2, ["表の後の段落です。"]),
        # a table held wholly on page 1 claims nothing on page 2: its text there is prose
        (None, ["B | 2億円", "表の後の段落です。"]),
    ],
)
def test_lines_of_a_table_continued_from_the_previous_page_stay_in_it(
    row_page: int | None, units_on_page_2: list[str]
) -> None:
    box = BBox(50.0, 100.0, 250.0, 120.0)
    rows = (
        (Cell("A"), Cell("1億円")),
        (Cell("B", bbox=box, page=row_page), Cell("2億円", bbox=box, page=row_page)),
    )
    table = Table(page=1, rows=rows, bbox=BBox(50.0, 700.0, 250.0, 740.0))
    first = Page(1, (Line("A | 1億円", 1, BBox(50.0, 700.0, 250.0, 720.0)),), tables=(table,))
    prose = Line("表の後の段落です。", 2, BBox(50.0, 200.0, 250.0, 210.0))
    second = Page(2, (Line("B | 2億円", 2, box), prose))
    units = document_to_units(Document("x.pdf", "pdf", (first, second)))
    assert [u.table for u in units if u.page == 1] == [table]
    assert [u.text for u in units if u.page == 2] == units_on_page_2
