"""The heading tree of the layout model: levels stated by HTML and markdown, levels read from a
PDF's type sizes, and each line's heading path (extractors.layout)."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractors import layout, readers
from extractors.document import Line
from extractors.layout import HeadingSettings, document_to_leveled, lines_to_heading_paths, size_levels

RAW = Path(__file__).resolve().parent.parent / "raw"


def lines(*specs: tuple[str, int | None]) -> list[Line]:
    """Given (text, level) pairs, return them as lines of page 1."""
    return [Line(text=text, page=1, level=level) for text, level in specs]


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        # body text before any heading has an empty path
        ([("前文", None), ("補償内容", 1)], [(), ("補償内容",)]),
        # a deeper heading nests; its body carries both
        (
            [("補償内容", 1), ("基本補償", 2), ("賠償損害", None)],
            [("補償内容",), ("補償内容", "基本補償"), ("補償内容", "基本補償")],
        ),
        # a sibling heading replaces the one at its level, not its parent
        (
            [("補償内容", 1), ("基本補償", 2), ("特約", 2), ("本文", None)],
            [("補償内容",), ("補償内容", "基本補償"), ("補償内容", "特約"), ("補償内容", "特約")],
        ),
        # a shallower heading closes every deeper one
        (
            [("A", 1), ("B", 2), ("C", 3), ("D", 1), ("x", None)],
            [("A",), ("A", "B"), ("A", "B", "C"), ("D",), ("D",)],
        ),
        # a skipped level still nests under the nearest shallower heading
        ([("A", 1), ("C", 3), ("B", 2)], [("A",), ("A", "C"), ("A", "B")]),
    ],
)
def test_heading_paths(specs: list[tuple[str, int | None]], expected: list[tuple[str, ...]]) -> None:
    assert lines_to_heading_paths(lines(*specs)) == expected


def sized(*specs: tuple[str, float]) -> list[Line]:
    """Given (text, type size) pairs, return them as PDF lines of page 1."""
    return [Line(text=text, page=1, size=size) for text, size in specs]


BODY = "この保険は、サイバー攻撃による損害を補償します。"


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        # the larger size is the higher level; body-sized lines are no headings
        (
            [("ご案内", 20.0), ("補償内容", 14.0), (BODY, 10.0), (BODY, 10.0)],
            [1, 2, None, None],
        ),
        # sizes within a step of each other are one level (PDF producers round sizes)
        ([("補償内容", 14.0), ("特約", 14.4), (BODY, 10.0), (BODY, 10.0)], [1, 1, None, None]),
        # a large line holding a sentence is running text, not a heading
        ([("大きな文です。", 20.0), (BODY, 10.0)], [None, None]),
        # a line only slightly larger than the body is no heading
        ([("補償内容", 11.0), (BODY, 10.0)], [None, None]),
        # the body size is where most characters are, not the smallest size (a footnote)
        ([("補償内容", 14.0), (BODY, 10.0), (BODY, 10.0), ("※注", 7.0)], [1, None, None, None]),
    ],
)
def test_size_levels(specs: list[tuple[str, float]], expected: list[int | None]) -> None:
    assert size_levels(sized(*specs), HeadingSettings()) == expected


def test_html_heading_tags_are_levels(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        "<html><body><h1>サイバー保険</h1><p>本文</p><h3>補償内容</h3><ul><li>賠償損害</li></ul>"
        "<table><tr><th>項目</th><td>1億円</td></tr></table></body></html>",
        encoding="utf-8",
    )
    got = [(line.text, line.level) for line in readers.read(page).iter_lines()]
    assert got == [
        ("サイバー保険", 1),
        ("本文", None),
        ("補償内容", 3),
        ("賠償損害", None),
        ("項目 | 1億円", None),
    ]


def test_markdown_heading_marks_are_levels(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("# サイバー保険\n\n本文です。\n\n## 補償内容\n- 賠償損害\n#タグ\n", encoding="utf-8")
    got = [(line.text, line.level) for line in readers.read(page).iter_lines()]
    # `#タグ` has no space after its mark: a hashtag, not a heading
    assert got == [
        ("# サイバー保険", 1),
        ("本文です。", None),
        ("## 補償内容", 2),
        ("- 賠償損害", None),
        ("#タグ", None),
    ]


def test_a_chromium_pdf_gets_levels_from_its_type_sizes() -> None:
    # raw/'s Tokio Marine brochure: a 19 pt title, 12.5 pt section headings, 10.5 pt sub-headings
    document = document_to_leveled(readers.read(RAW / "004-tokio-marine-cyber-risk.pdf"))
    levels = {line.text: line.level for line in document.iter_lines() if line.level is not None}
    assert levels["サイバー攻撃への備えは⼤丈夫ですか？"] < levels["事故例"]
    assert min(levels.values()) == 1
    body = [line for line in document.iter_lines() if "。" in line.text]
    assert body and all(line.level is None for line in body)


def test_source_levels_are_kept_as_stated(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text("<h2>補償内容</h2><p>本文</p>", encoding="utf-8")
    document = readers.read(page)
    assert document_to_leveled(document) is document


@pytest.mark.parametrize(
    ("text", "note"),
    [
        # a numbered ※ note
        ("※1 発見から180日以内に請求された場合に限ります。", "※1"),
        # a bracketed mark, full-width digits
        ("（※２）ランサムウェアの身代金は対象外です。", "※2"),
        # an asterisk mark needs a number (a bare * is emphasis or a bullet)
        ("*3 1事故につき", "*3"),
        ("(注) 保険料は概算です。", "注"),
        ("注1：免責金額は10万円です。", "注1"),
        # a bare ※ note
        ("※ 支払限度額は1億円です。", "※"),
    ],
)
def test_a_line_opening_with_a_mark_is_a_note(text: str, note: str) -> None:
    found = layout.line_to_note(Line(text=text, page=1))
    assert found is not None and found.key == note and found.text == text


@pytest.mark.parametrize(
    "text",
    [
        "注意事項",  # 注 inside a word is no mark
        "* 賠償損害",  # a markdown bullet
        "※1",  # a mark alone on its line: nothing it says
        "賠償損害※1 1億円",  # a mark inside a line marks it, it is no note
    ],
)
def test_lines_that_are_no_notes(text: str) -> None:
    assert layout.line_to_note(Line(text=text, page=1)) is None


@pytest.mark.parametrize(
    ("norm", "keys"),
    [
        ("見舞金費用※1 500万円", ("※1",)),
        # a bare ※ before a figure: the figure is no note number
        ("ITサービス業※ 1,190,000", ("※",)),
        ("費用損害(*2)", ("*2",)),
        ("サイバー攻撃対応費用(注) ※3", ("注", "※3")),
        ("注意事項をご確認ください", ()),
        ("※1 これは注記です", ()),  # a note itself marks nothing
    ],
)
def test_marks_in_text(norm: str, keys: tuple[str, ...]) -> None:
    assert layout.text_to_marks(norm) == keys


def test_a_mark_resolves_to_the_note_of_its_page_first() -> None:
    notes = (
        layout.Note("※1", "※1 一頁目の注", 1),
        layout.Note("※1", "※1 二頁目の注", 2),
        layout.Note("※2", "※2 三頁目の注", 3),
        layout.Note("*2", "*2 星印の注", 3),
    )
    assert layout.mark_to_note("※1", 2, notes) == notes[1]
    assert layout.mark_to_note("※1", 1, notes) == notes[0]
    # not on its page: the first later page
    assert layout.mark_to_note("※2", 1, notes) == notes[2]
    # the note of its own kind, else one with its number
    assert layout.mark_to_note("*2", 3, notes) == notes[3]
    assert layout.mark_to_note("*1", 1, notes) == notes[0]
    assert layout.mark_to_note("※9", 1, notes) is None
    assert layout.text_to_notes("賠償損害※1 費用※2", 1, notes) == (notes[0], notes[2])


def test_notes_of_a_seed_brochure() -> None:
    # raw/'s Nisshin Fire flyer prints numbered ※ notes under its limits table
    document = readers.read(RAW / "002-nisshin-fire-pisapo-cyber.pdf")
    notes = layout.document_to_notes(document)
    assert notes and all(n.text in document.text for n in notes)
    marked = [line for line in document.iter_lines() if layout.text_to_marks(line.norm)]
    resolved = [layout.text_to_notes(line.norm, line.page, notes) for line in marked]
    assert marked and any(resolved)
