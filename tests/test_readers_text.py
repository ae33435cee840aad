"""The text reader: verbatim lines, pipe/tab tables, HTML fragments and Japanese encodings."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from extractors.document import Document
from extractors.errors import BrochureError
from extractors.readers import read as read_any
from extractors.readers import text

SEEDS = Path(__file__).parent / "fixtures" / "seeds"


def _seed(prefix: str) -> Path:
    """Given a seed number such as "002", return the seed text file."""
    return next(SEEDS.glob(f"{prefix}_*.txt"))


def _read(tmp_path: Path, content: str | bytes, name: str = "brochure.txt") -> Document:
    """Given file content (str is written as UTF-8), return the Document the reader makes of it."""
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return text.read(path)


def _lines(document: Document) -> list[str]:
    """Given a document, return its line texts."""
    return [line.text for line in document.iter_lines()]


def _grids(document: Document) -> list[list[list[str]]]:
    """Given a document, return each table as a list of rows of cell texts."""
    return [table.texts() for table in document.iter_tables()]


# --- the seed brochures ---------------------------------------------------------------------------


def test_seed_002_tab_table_holds_the_limits() -> None:
    grids = _grids(text.read(_seed("002")))
    limits = next(grid for grid in grids if any("支払限度額" in cell for cell in grid[0]))
    assert limits[0][-1].startswith("支払限度額")
    amounts = [row[-1] for row in limits[1:]]
    assert amounts[0] == "3億円"
    assert "3,000万円" in amounts
    # a row that starts with a tab keeps its empty first cell, so columns stay aligned
    assert limits[1][:3] == ["", "影響調査・初動対応", "原因・被害調査"]
    assert len(limits[1]) == len(limits[0])


def test_seed_002_contact_table_is_a_separate_table() -> None:
    grids = _grids(text.read(_seed("002")))
    contacts = next(grid for grid in grids if grid[0][0] == "事業者")
    assert contacts[0] == ["事業者", "サービス名称", "緊急連絡先", "ホームページ"]
    assert contacts[1] == [
        "株式会社ラック",
        "緊急対応サービス「サイバー119」",
        "0120-362-119",
        "https://www.lac.co.jp/",
    ]
    assert len(contacts) == 4


def test_seed_000_inline_html_is_rendered() -> None:
    document = text.read(_seed("000"))
    lines = _lines(document)
    # the fragment's blocks are lines; its tags are gone
    assert "合計 1,160万円" in lines
    assert "合計 1,510万円" in lines
    assert "費用" in lines and "賠償" in lines
    assert not any("<h2>" in line or "</p>" in line or "<table" in line for line in lines)
    # its <table> is a Table with the four risks
    html_table = next(grid for grid in _grids(document) if len(grid) == 1 and len(grid[0]) == 4)
    assert html_table[0][1].startswith("セキュリティ賠償責任リスク")
    # the lines before and after the fragment keep their order around it
    assert (
        lines.index("合計 1,160万円")
        < lines.index("合計 1,510万円")
        < lines.index("総額（費用 + 賠償） 2,670万円 ▶ 具体的な解決策をご確認ください")
    )


def test_seed_000_markdown_autolink_is_not_mistaken_for_html() -> None:
    assert "<https://www.aig.co.jp/sonpo>" in _lines(text.read(_seed("000")))


def test_seed_003_pipe_table() -> None:
    document = text.read(_seed("003"))
    grid = next(grid for grid in _grids(document) if grid[0][0] == "保険金としてお支払いする主な費用")
    assert grid[0] == ["保険金としてお支払いする主な費用", ""]  # header `a | |`
    assert ["サイバー攻撃を受けていた!"] in grid  # a row `a |` with its trailing pipe
    assert len(grid) == 9  # the separator line is not a row
    lines = _lines(document)
    assert "---|---|" not in lines
    assert "サイバー攻撃を受けていた!" in lines


def test_seed_004_tab_rows_are_tables() -> None:
    grids = _grids(text.read(_seed("004")))
    risks = next(grid for grid in grids if grid[0][0].startswith("損害賠償責任リスク"))
    assert risks[1][1] == "事業中断リスク(オプション) (喪失利益、営業継続費用等)"


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_prose_lines_are_kept_verbatim_and_in_order(prefix: str) -> None:
    source = _seed(prefix).read_text(encoding="utf-8").splitlines()
    prose = [
        line.strip()
        for line in source
        if line.strip() and "\t" not in line and "|" not in line and not text.is_html_fragment(line)
    ]
    document = text.read(_seed(prefix))
    lines = _lines(document)
    assert document.page_count == 1 and document.source_format == "text"
    # every prose line is a line of the document, markdown marks (**, #, -) included, in order
    position = 0
    for line in prose:
        position = lines.index(line, position) + 1
    assert all(line == line.strip() and line for line in lines)


@pytest.mark.parametrize(
    ("prefix", "encoding"),
    [
        ("002", "cp932"),  # holds ① (CP932, not plain Shift_JIS)
        ("004", "cp932"),  # Shift_JIS-compatible text
        ("004", "euc_jp"),  # the only seed EUC-JP can hold (the others have ▶ • ⚫ ①)
    ],
)
def test_japanese_encoded_copy_reads_the_same_as_utf8(tmp_path: Path, prefix: str, encoding: str) -> None:
    original = _seed(prefix).read_text(encoding="utf-8")
    utf8 = text.read(_seed(prefix))
    copy = _read(tmp_path, original.encode(encoding))
    assert _lines(copy) == _lines(utf8)
    assert _grids(copy) == _grids(utf8)
    assert copy.title == utf8.title


def test_utf8_bom_is_not_part_of_the_first_line(tmp_path: Path) -> None:
    document = _read(tmp_path, codecs.BOM_UTF8 + "サイバー保険\n支払限度額 1億円\n".encode())
    assert _lines(document) == ["サイバー保険", "支払限度額 1億円"]
    assert document.title == "サイバー保険"


# --- structures ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "grids", "lines"),
    [
        # one line with one tab is prose with a tab in it, not a table
        ("損害賠償\t1億円\n", [], ["損害賠償\t1億円"]),
        # one line with two tabs is a one-row table
        ("補償\t限度額\t備考\n", [[["補償", "限度額", "備考"]]], ["補償 | 限度額 | 備考"]),
        # two consecutive lines with a tab are a table; cells are stripped
        (
            "賠償 \t 1億円\n費用\t3,000万円\n",
            [[["賠償", "1億円"], ["費用", "3,000万円"]]],
            ["賠償 | 1億円", "費用 | 3,000万円"],
        ),
        # a blank line ends a tab table
        ("a\tb\n\nc\td\n", [], ["a\tb", "c\td"]),
        # empty trailing cells are kept in the grid, not in the line
        ("見出し\t\t\n値\t1\t\n", [[["見出し", "", ""], ["値", "1", ""]]], ["見出し", "値 | 1"]),
        # a pipe table needs its separator line; outer pipes are optional
        (
            "| 補償 | 限度額 |\n|---|:---:|\n| 賠償 | 1億円 |\n",
            [[["補償", "限度額"], ["賠償", "1億円"]]],
            ["補償 | 限度額", "賠償 | 1億円"],
        ),
        # a pipe in prose without a separator line is prose
        ("A | B の比較\n次の行\n", [], ["A | B の比較", "次の行"]),
        # a space-aligned table: full-width characters count two columns, a rule line is dropped,
        # a lone field left of the second column continues the row label above it
        (
            "項目      限度額  割合\n────────────\n賠償      1億円   90%\n費用      500万円\n（謝罪）\n",
            [[["項目", "限度額", "割合"], ["賠償", "1億円", "90%"], ["費用（謝罪）", "500万円", ""]]],
            ["項目 | 限度額 | 割合", "賠償 | 1億円 | 90%", "費用（謝罪） | 500万円"],
        ),
        # rows whose fields do not start under the header's are running text laid out with gaps
        (
            "種類    内容    限度\n賠償金  情報の漏えい  1億円\n争訟費用  訴訟の費用\n",
            [],
            ["種類    内容    限度", "賠償金  情報の漏えい  1億円", "争訟費用  訴訟の費用"],
        ),
        # a fixed-width table: right-aligned figures end under their header's end, a remark runs
        # past the last header; each field goes to the one header field it overlaps
        (
            "ｺｰﾄﾞ  ｺｳﾓｸ        ｹﾞﾝﾄﾞｶﾞｸ  ﾋﾞｺｳ\n"
            "A010  賠償金     300,000,000  1ｾｲｷｭｳ ｱﾀﾘ\n"
            "B010  費用          1,000\n",
            [
                [
                    ["ｺｰﾄﾞ", "ｺｳﾓｸ", "ｹﾞﾝﾄﾞｶﾞｸ", "ﾋﾞｺｳ"],
                    ["A010", "賠償金", "300,000,000", "1ｾｲｷｭｳ ｱﾀﾘ"],
                    ["B010", "費用", "1,000", ""],
                ]
            ],
            None,
        ),
        # a note under a fixed-width table overlaps two header fields: it ends the table
        (
            "ｺｰﾄﾞ  ｺｳﾓｸ    ｹﾞﾝﾄﾞｶﾞｸ\nA010  賠償金  1,000\nB010  費用     500\n* ﾁｭｳｲ ﾉ ﾌﾞﾝｼｮｳ ｶﾞ ﾂﾂﾞｸ\n",
            [[["ｺｰﾄﾞ", "ｺｳﾓｸ", "ｹﾞﾝﾄﾞｶﾞｸ"], ["A010", "賠償金", "1,000"], ["B010", "費用", "500"]]],
            None,
        ),
        # a box-drawn table: walls part the cells, rules end the rows, a cell wraps onto the
        # next line of its row, a merged cell leaves its row short
        (
            "┌──┬──┬──┐\n│　　│Ａ　│Ｂ　│\n├──┼──┼──┤\n│賠償│一億円│三億円│\n│（期間中）│　│　│\n"
            "├──┼──┴──┤\n│免責│十万円（共通）│\n└──┴─────┘\n",
            [[["", "Ａ", "Ｂ"], ["賠償（期間中）", "一億円", "三億円"], ["免責", "十万円（共通）"]]],
            ["Ａ | Ｂ", "賠償（期間中） | 一億円 | 三億円", "免責 | 十万円（共通）"],
        ),
        # a header holding a figure (a premium grid's revenue axis) opens no aligned table
        ("業種    5億円   10億円\n卸売    8万     9万\n小売    7万     6万\n", [], None),
    ],
)
def test_tables(tmp_path: Path, content: str, grids: list[list[list[str]]], lines: list[str] | None) -> None:
    document = _read(tmp_path, content)
    assert _grids(document) == grids
    if lines is not None:
        assert _lines(document) == lines


@pytest.mark.parametrize(
    ("content", "lines"),
    [
        # a heading and a paragraph on one line become two lines
        ("<h2>費用</h2> <p>調査費用：100万円</p>\n", ["費用", "調査費用：100万円"]),
        # inline tags vanish without inserting spaces
        ("<p>謝罪広告費用：60万円<small>(注1)</small></p>\n", ["謝罪広告費用：60万円(注1)"]),
        # tab-separated parts of a fragment line are read part by part
        ("<p>左</p>\t右の文\n", ["左", "右の文"]),
        # angle brackets that are not HTML stay as they are
        ("<注意> 1 < 2 の場合\n", ["<注意> 1 < 2 の場合"]),
    ],
)
def test_html_fragments(tmp_path: Path, content: str, lines: list[str]) -> None:
    assert _lines(_read(tmp_path, content)) == lines


def test_html_fragment_table_becomes_a_table(tmp_path: Path) -> None:
    content = "前の行\n<table><tr><td>賠償</td><td>1億円</td></tr></table> <p>後</p>\n次の行\n"
    document = _read(tmp_path, content)
    assert _grids(document) == [[["賠償", "1億円"]]]
    assert _lines(document) == ["前の行", "賠償 | 1億円", "後", "次の行"]


@pytest.mark.parametrize(
    ("content", "title"),
    [
        ("\n\n# サイバー保険のご案内\n本文\n", "サイバー保険のご案内"),  # markdown heading marks dropped
        ("**強固な** セキュリティ\n本文\n", "強固な セキュリティ"),  # emphasis marks dropped
        ("ALL STARs\n事業賠償\n", "ALL STARs"),  # plain first line
    ],
)
def test_title(tmp_path: Path, content: str, title: str) -> None:
    document = _read(tmp_path, content, name="brochure.md")
    assert document.title == title
    # the line itself stays verbatim
    assert _lines(document)[0] == content.strip().splitlines()[0]


# --- bad input ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "the file is empty (0 bytes)"),  # empty file
        (b"  \n\t\n", "no text"),  # whitespace only
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG image data"),  # an image renamed .txt
        (b"%PDF-1.7\n\x00\x01\x02binary", "PDF data"),  # a PDF renamed .txt
        (b"abc \x81 def", "not UTF-8, Shift_JIS/CP932 or EUC-JP"),  # a lone lead byte: no codec fits
    ],
)
def test_bad_files_raise_an_actionable_brochure_error(tmp_path: Path, content: bytes, says: str) -> None:
    path = tmp_path / "brochure.txt"
    path.write_bytes(content)
    with pytest.raises(BrochureError) as caught:
        text.read(path)
    assert says in caught.value.message
    assert caught.value.stage == "read" and caught.value.source == str(path)


def test_the_dispatcher_reads_markdown_with_the_text_reader(tmp_path: Path) -> None:
    path = tmp_path / "brochure.md"
    path.write_text("# 見出し\n本文\n", encoding="utf-8")
    assert read_any(path) == text.read(path)


@pytest.mark.parametrize(
    ("source", "rows"),
    [
        # rows broken at cell boundaries and inside a cell, no separator row: one row per opening pipe
        (
            ["| 区分 | 内容 | 限度額 |", "| 賠償 |", "損害 | 1億円 |"],
            [("区分", "内容", "限度額"), ("賠償", "損害", "1億円")],
        ),
        # a cell wrapped inside: CJK lines join without a space
        (["| 項目 | 金額 |", "| 調査費", "用 | 500万円 |"], [("項目", "金額"), ("調査費用", "500万円")]),
        # a short header row under a spanning header takes the rightmost slots; a short data row the leftmost
        (
            ["| 種類 | 限度額 | |", "| 個別 | 全体 |", "| 費用 | 1億円 | 3億円 |", "| 賠償 | 2億円 |"],
            [("種類", "限度額", ""), ("", "個別", "全体"), ("費用", "1億円", "3億円"), ("賠償", "2億円", "")],
        ),
    ],
)
def test_pipe_table_without_separator_is_regridded(source: list[str], rows: list[tuple[str, ...]]) -> None:
    assert text.pipe_run_rows(source) == rows


def test_pipe_lines_without_separator_become_one_table() -> None:
    blocks = text.text_to_blocks("前文\n| 区分 | 内容 | 限度額 |\n| 賠償 |\n損害 | 1億円 |\n\n後文")
    tables = [table for block in blocks for table in block.tables]
    assert [[cell.text for cell in row] for row in tables[0]] == [
        ["区分", "内容", "限度額"],
        ["賠償", "損害", "1億円"],
    ]
    # a single pipe line is no table: it stays a line
    assert [t for b in text.text_to_blocks("| 注意 |\n本文") for t in b.tables] == []


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("> 支払限度額：1億円", "支払限度額：1億円"),  # an e-mail quote
        (">> > 免責金額：なし", "免責金額：なし"),  # nested quotes, spaced or not
        ("  >見舞金", "見舞金"),  # indented, no space after the mark
        ("限度額 > 1億円", "限度額 > 1億円"),  # a mark inside a line is text
        ("＞補償内容", "＞補償内容"),  # a full-width ＞ opens headings, not quotes
    ],
)
def test_unquote(line: str, expected: str) -> None:
    assert text.unquote(line) == expected


def test_a_quoted_brochure_reads_like_the_unquoted_one(tmp_path: Path) -> None:
    body = [
        "【賠償責任補償】",
        "支払限度額：1億円",
        "",
        "| 業種 | 保険料 |",
        "|---|---|",
        "| 製造業 | 1,000円 |",
    ]
    plain_file, quoted_file = tmp_path / "plain.txt", tmp_path / "quoted.txt"
    plain_file.write_text("\n".join(body), encoding="utf-8")
    quoted_file.write_text(
        "\n".join(["お世話になっております。", *(f"> {line}" for line in body)]), encoding="utf-8"
    )
    plain_page, quoted_page = text.read(plain_file).pages[0], text.read(quoted_file).pages[0]
    assert [line.text for line in quoted_page.lines][1:] == [line.text for line in plain_page.lines]
    # the quoted pipe table is still a table
    assert len(quoted_page.tables) == len(plain_page.tables) == 1


@pytest.mark.parametrize(
    ("lines", "markdown", "levels"),
    [
        (["保険料の目安", "------", "本文"], True, [2, None, None]),  # setext h2
        (["補償内容", "====", "本文"], True, [1, None, None]),  # setext h1
        (["## 補償内容", "本文"], True, [2, None]),  # an ATX heading
        (["合計 12,500,000円", "------"], False, [None, None]),  # in plain text a rule under a total
        (["", "------"], True, [None, None]),  # a rule under a blank line heads nothing
    ],
)
def test_lines_to_levels(lines: list[str], markdown: bool, levels: list[int | None]) -> None:
    assert list(text.lines_to_levels(lines, markdown=markdown)) == levels
