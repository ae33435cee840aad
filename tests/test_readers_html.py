"""The HTML reader: what a reader of the page sees, as lines and tables, in any Japanese encoding."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from extractors.document import Document
from extractors.errors import BrochureError
from extractors.readers import html
from extractors.readers import read as read_any

FIXTURES = Path(__file__).parent / "fixtures" / "html"


def _page(body: str, head: str = "<title>テスト</title>") -> str:
    """Given body and head markup, return a whole UTF-8 page."""
    return f'<!doctype html><html><head><meta charset="utf-8">{head}</head><body>{body}</body></html>'


def _read(tmp_path: Path, markup: str | bytes, name: str = "page.html") -> Document:
    """Given markup (str is written as UTF-8), return the Document the reader makes of it."""
    path = tmp_path / name
    path.write_bytes(markup.encode("utf-8") if isinstance(markup, str) else markup)
    return html.read(path)


def _lines(document: Document) -> list[str]:
    """Given a document, return its line texts."""
    return [line.text for line in document.iter_lines()]


@pytest.mark.parametrize(
    ("body", "lines"),
    [
        # inline elements run together: Japanese has no spaces between words
        ("<p><b>支払</b><span>限度額</span>は<em>3億円</em>です</p>", ["支払限度額は3億円です"]),
        # block elements each start a line
        ("<h2>補償内容</h2><p>損害賠償</p><div>費用</div>", ["補償内容", "損害賠償", "費用"]),
        # <br> breaks a line inside a block
        ("<p>個人情報漏洩特約<br>危機管理費用特約</p>", ["個人情報漏洩特約", "危機管理費用特約"]),
        # one line per <li>, nested lists included
        (
            "<ul><li>調査費用</li><li>復旧費用<ul><li>データ</li></ul></li></ul>",
            ["調査費用", "復旧費用", "データ"],
        ),
        # runs of ASCII whitespace collapse to one space, lines are stripped, empty ones dropped
        ("<p>  Cyber \n\t  Insurance  </p><p> </p>", ["Cyber Insurance"]),
        # a newline inside Japanese source text is whitespace like any other
        ("<p>1,000万円\n  まで</p>", ["1,000万円 まで"]),
        # text directly in the body, between blocks, is a line of its own
        ("前<p>中</p>後", ["前", "中", "後"]),
        # <pre> keeps its line breaks
        ("<pre>一行目\n二行目</pre>", ["一行目", "二行目"]),
    ],
)
def test_blocks_and_inline_text_become_lines(tmp_path: Path, body: str, lines: list[str]) -> None:
    assert _lines(_read(tmp_path, _page(body))) == lines


@pytest.mark.parametrize(
    ("body", "kept", "dropped"),
    [
        ("<nav><a>ホーム</a></nav><p>本文</p>", "本文", "ホーム"),  # site navigation
        ("<script>var x = '秘密';</script><p>本文</p>", "本文", "秘密"),  # scripts
        ("<style>p { color: red }</style><p>本文</p>", "本文", "color"),  # styles
        ("<noscript>有効にしてください</noscript><p>本文</p>", "本文", "有効に"),  # noscript fallback
        ("<template><p>雛形</p></template><p>本文</p>", "本文", "雛形"),  # inert templates
        ('<p hidden>隠し</p><p style="display: none">隠し</p><p>本文</p>', "本文", "隠し"),  # hidden
        ("<p>本文<!-- コメント --></p>", "本文", "コメント"),  # comments
        ("<button>メニュー</button><p>本文</p>", "本文", "メニュー"),  # UI controls
        ("<footer><p>AIG損害保険株式会社</p></footer>", "AIG損害保険株式会社", "-"),  # footers are kept
        ("<header><p>東京海上日動</p></header>", "東京海上日動", "-"),  # headers are kept
    ],
)
def test_only_what_a_reader_sees_is_kept(tmp_path: Path, body: str, kept: str, dropped: str) -> None:
    text = _read(tmp_path, _page(body)).text
    assert kept in text
    assert dropped not in text


def test_a_tail_after_a_dropped_element_is_kept(tmp_path: Path) -> None:
    # lxml stores the text after an element on the element: dropping it must not drop that
    lines = _lines(_read(tmp_path, _page("<p>前<script>x()</script>後</p>")))
    assert lines == ["前後"]


def test_table_becomes_a_grid_and_row_lines_at_its_place(tmp_path: Path) -> None:
    body = """<p>表の前</p>
    <table>
      <tr><th>補償</th><th>支払限度額</th></tr>
      <tr><td>損害<b>賠償</b></td><td>3億円</td></tr>
      <tr><td colspan="2">合計 3億円</td></tr>
    </table>
    <p>表の後</p>"""
    document = _read(tmp_path, _page(body))
    assert [table.texts() for table in document.iter_tables()] == [
        [["補償", "支払限度額"], ["損害賠償", "3億円"], ["合計 3億円", ""]]  # colspan → an empty cell
    ]
    assert _lines(document) == ["表の前", "補償 | 支払限度額", "損害賠償 | 3億円", "合計 3億円", "表の後"]


def test_rowspan_leaves_empty_cells_below_so_columns_stay_aligned(tmp_path: Path) -> None:
    body = """<table>
      <tr><td rowspan="2">費用</td><td>調査</td><td>100万円</td></tr>
      <tr><td>復旧</td><td>200万円</td></tr>
    </table>"""
    table = next(_read(tmp_path, _page(body)).iter_tables())
    assert table.texts() == [["費用", "調査", "100万円"], ["", "復旧", "200万円"]]


def test_nested_table_becomes_its_own_table(tmp_path: Path) -> None:
    body = """<table><tr>
      <td><p>外側の説明</p></td>
      <td><table><tr><td>内側A</td><td>1億円</td></tr><tr><td>内側B</td><td>2億円</td></tr></table></td>
    </tr></table>"""
    document = _read(tmp_path, _page(body))
    # the outer table only lays the page out; the inner one holds the data
    assert [table.texts() for table in document.iter_tables()] == [[["内側A", "1億円"], ["内側B", "2億円"]]]
    assert _lines(document) == ["外側の説明", "内側A | 1億円", "内側B | 2億円"]


def test_one_column_table_is_layout_read_as_blocks(tmp_path: Path) -> None:
    document = _read(tmp_path, _page("<table><tr><td>見出し</td></tr><tr><td>本文</td></tr></table>"))
    assert list(document.iter_tables()) == []
    assert _lines(document) == ["見出し", "本文"]


@pytest.mark.parametrize(
    ("head", "body", "title"),
    [
        (
            "<title> 個人情報漏洩保険｜AIG損保 </title>",
            "<h1>見出し</h1>",
            "個人情報漏洩保険｜AIG損保",
        ),  # <title>
        ("<title></title>", "<h1>サイバー<b>保険</b></h1>", "サイバー保険"),  # empty title: first heading
        ("", "<p>本文</p><h2>二番目の見出し</h2>", "二番目の見出し"),  # no title: first heading anywhere
        ("", "<p>本文だけ</p>", None),  # neither
    ],
)
def test_title(tmp_path: Path, head: str, body: str, title: str | None) -> None:
    assert _read(tmp_path, _page(body, head)).title == title


JAPANESE = "<p>サイバー保険の支払限度額は①3億円です。㈱テスト</p>"


@pytest.mark.parametrize(
    ("encoded", "case"),
    [
        (_page(JAPANESE).replace("utf-8", "Shift_JIS").encode("cp932"), "declared Shift_JIS, CP932-only ①㈱"),
        (_page(JAPANESE).replace('<meta charset="utf-8">', "").encode("cp932"), "undeclared CP932"),
        (
            _page(JAPANESE.replace("①", "").replace("㈱", ""))
            .replace(
                '<meta charset="utf-8">',
                '<meta http-equiv="Content-Type" content="text/html; charset=EUC-JP">',
            )
            .encode("euc_jp"),
            "EUC-JP declared in http-equiv",
        ),
        (codecs.BOM_UTF8 + _page(JAPANESE).replace('<meta charset="utf-8">', "").encode(), "UTF-8 BOM"),
        (_page(JAPANESE).replace("utf-8", "iso-8859-1").encode(), "wrong declaration, really UTF-8"),
        (
            b'<?xml version="1.0" encoding="utf-8"?>\n' + _page(JAPANESE).encode(),
            "XHTML with an XML declaration",
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_japanese_encodings_read_the_same_text(tmp_path: Path, encoded: bytes, case: str) -> None:
    text = _read(tmp_path, encoded).text
    assert "サイバー保険の支払限度額は" in text
    assert "3億円です。" in text


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "the file is empty (0 bytes)"),  # empty file
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "PNG image data"),  # an image renamed .html
        (bytes(range(256)) * 4, "binary data"),  # garbage
        (_page("<script>only()</script>").encode(), "no visible text"),  # nothing to read
        (b"   \n  ", "no visible text"),  # whitespace only
    ],
)
def test_bad_pages_raise_an_actionable_brochure_error(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(content)
    with pytest.raises(BrochureError) as caught:
        html.read(path)
    assert says in caught.value.message
    assert caught.value.stage == "read" and caught.value.source == str(path)


def test_fixture_brochure_page(tmp_path: Path) -> None:
    document = read_any(FIXTURES / "brochure.html")
    assert document.source_format == "html" and document.page_count == 1
    assert document.pages[0].text_layer == "ok" and document.pages[0].lines[0].page == 1
    assert document.title == "サイバー保険のご案内｜テスト損保"
    lines = _lines(document)
    assert "ホーム" not in document.text and "trackPage" not in document.text  # nav and script
    assert lines[-1] == "テスト損害保険株式会社 〒100-0001 東京都千代田区1-1"  # footer kept
    assert "事業内容 | 売上高1億円 | 売上高5億円" in lines
    [table] = document.iter_tables()
    assert table.texts()[1] == ["小売業", "7,920円", "16,090円"]
    assert lines.index("プラン別の保険料") < lines.index("小売業 | 7,920円 | 16,090円")


@pytest.mark.parametrize(
    ("markup", "line"),
    [
        # a bare digit in superscript is a note reference: kept apart from the amount it marks
        ("<p>謝罪文郵送費 <sup class='fn'>5</sup>500万円</p>", "謝罪文郵送費 ※5 500万円"),
        # a mark that already says it is one keeps its own sign
        ("<p>支払限度額1億円<sup>*2</sup></p>", "支払限度額1億円 *2"),
        # superscript words are not marks and stay where they are
        ("<p>1<sup>st</sup> plan</p>", "1st plan"),
    ],
)
def test_superscript_note_marks_stand_apart(markup: str, line: str) -> None:
    assert html.render_markup(markup).lines == (line,)


@pytest.mark.parametrize(
    ("markup", "lines"),
    [
        # libxml2 does not know <embed> is void and nests the rest of the page inside it
        ("<p>前<embed src=x.swf>後</p><p>次の段落</p>", ("前後", "次の段落")),
        # a hidden void element hides nothing of what the parser nested in it
        ("<p>前<embed style='display:none' src=x>後</p>", ("前後",)),
        # an <object> with fallback content is still dropped (its content is the fallback)
        ("<p>前<object data=x>代替</object>後</p>", ("前後",)),
    ],
)
def test_void_elements_do_not_swallow_the_page(markup: str, lines: tuple[str, ...]) -> None:
    assert html.render_markup(f"<html><body>{markup}</body></html>").lines == lines


@pytest.mark.parametrize(
    ("markup", "line"),
    [
        ("<ruby>争訟<rt>そうしょう</rt></ruby>費用", "争訟費用"),  # furigana are no part of the text
        ("<ruby>見舞<rp>(</rp><rt>みまい</rt><rp>)</rp></ruby>金", "見舞金"),  # nor their fallback brackets
        ("<ruby><rb>漏洩</rb><rt>ろうえい</rt></ruby>", "漏洩"),  # an explicit base keeps its text
    ],
)
def test_ruby_readings_are_dropped(tmp_path: Path, markup: str, line: str) -> None:
    assert _lines(_read(tmp_path, f"<html><body><p>{markup}</p></body></html>")) == [line]


@pytest.mark.parametrize(
    ("damage", "warns"),
    [
        # the lead byte of 限 flipped (to a control byte): its two trailing bytes are invalid alone,
        # that character is lost, not the page
        (lambda data: data.replace("限度".encode(), bytes([0xE9 ^ 0xFF]) + "限度".encode()[1:], 1), "2 byte"),
        # a NUL byte between two paragraphs: no text encoding holds one, it is taken out
        (lambda data: data.replace(b"</p><p>", b"</p>\x00<p>", 1), "1 NUL byte"),
    ],
)
def test_a_damaged_page_is_read_with_a_warning(tmp_path: Path, damage: object, warns: str) -> None:
    body = "".join(f"<p>補償{i}の支払限度額は{i}億円です。</p>" for i in range(1, 40))
    document = _read(tmp_path, damage(_page(body).encode()))  # type: ignore[operator]
    assert "補償39の支払限度額は39億円です。" in _lines(document)
    assert len(_lines(document)) == 39
    [warning] = document.warnings
    assert warning.startswith(warns)


@pytest.mark.parametrize(
    ("markup", "kept", "unclosed"),
    [
        # an unclosed <script> whose code holds a tag: the page resumes at the block after it
        ("<p>前</p><script>var a = '<p>';<p>1億円</p><p>免責金額10万円</p>", "免責金額10万円", "script"),
        # an unclosed <style>, upper case
        ("<p>前</p><STYLE>p { color: red }<div>支払限度額1億円</div>", "支払限度額1億円", "style"),
        # a closed script before an unclosed one: only the second is named
        ("<script>x()</script><p>前</p><script>y();<p>支払限度額1億円</p>", "支払限度額1億円", "script"),
    ],
)
def test_an_unclosed_raw_text_element_does_not_swallow_the_page(
    tmp_path: Path, markup: str, kept: str, unclosed: str
) -> None:
    document = _read(tmp_path, f"<html><body>{markup}</body></html>")
    assert kept in _lines(document) and "前" in _lines(document)
    assert not any("x()" in line or "y()" in line or "color" in line for line in _lines(document))
    [warning] = document.warnings
    assert f"<{unclosed}> is never closed" in warning


def test_closed_raw_text_elements_warn_of_nothing(tmp_path: Path) -> None:
    # a script whose code writes markup, properly closed: its "tags" are code, not the page
    document = _read(tmp_path, "<html><body><script>w('<p>偽</p>')</script><p>本文</p></body></html>")
    assert _lines(document) == ["本文"] and document.warnings == ()
