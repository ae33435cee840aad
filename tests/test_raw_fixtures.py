"""The brochures in raw/ (built by scripts/build_raw.py) hold their seed's text and structure.

Expectations are derived from the seed text, never copied from the rendered files: a stale or
broken raw/ file fails here. PDFs are read with pdfplumber, web pages with lxml.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cache
from pathlib import Path

import pdfplumber
import pytest
from lxml import etree
from lxml import html as lhtml

ROOT = Path(__file__).resolve().parent.parent
SEEDS = Path(__file__).resolve().parent / "fixtures" / "seeds"
RAW = ROOT / "raw"

# the form each seed brochure was published in: flyers are PDFs, web pages are HTML
FORMS = {"000": ".pdf", "001": ".html", "002": ".pdf", "003": ".html", "004": ".pdf"}
PDFS = sorted(n for n, suffix in FORMS.items() if suffix == ".pdf")
HTMLS = sorted(n for n, suffix in FORMS.items() if suffix == ".html")
BROCHURE_SUFFIXES = {".pdf", ".html", ".htm", ".txt"}

AMOUNT = re.compile(r"[0-9０-９][0-9０-９,，]*(?:億[0-9０-９,，]*)?(?:万|千)?円")
FOOTNOTE_MARK = re.compile(r"※\d|\(注\d\)|（注\d）")
MARKUP = re.compile(r"<(?:h[1-6]|p|ul|ol|div|table|small|strong)\b")
LIST_MARKER = re.compile(r"^\s*(?:[-•]|\d+\.)\s+")
PIPE_RULE = re.compile(r"^[\s|:-]*-{3,}[\s|:-]*$")
# glyphs Chromium's font subset maps to a look-alike code point that NFKC does not fold back
PDF_LOOKALIKES = str.maketrans({"‧": "・", "⻑": "長", "〜": "~"})

logging.getLogger("pdfminer").setLevel(logging.ERROR)


def text_of(el: etree._Element) -> str:
    """Given an element, return all the text inside it."""
    return str(etree.tostring(el, method="text", encoding="unicode", with_tail=False))


def squash(text: str) -> str:
    """Given text, return its NFKC form without whitespace (the form texts are compared in)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def seed_lines(number: str) -> list[str]:
    """Given a seed number, return the seed's lines."""
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8").split("\n")


def raw_file(number: str) -> Path:
    """Given a seed number, return its one published file in raw/."""
    matches = sorted(RAW.glob(f"{number}-*"))
    assert len(matches) == 1, f"expected one raw/{number}-* file, found {matches}"
    return matches[0]


def line_texts(line: str) -> list[str]:
    """Given a seed line, return the texts a rendering must hold, markdown/markup removed."""
    cells = [line] if MARKUP.search(line) and "\t" not in line else re.split(r"[\t|]", line)
    out = []
    for cell in cells:
        if PIPE_RULE.match(cell):
            continue
        if MARKUP.search(cell):
            text = "".join(n if isinstance(n, str) else text_of(n) for n in lhtml.fragments_fromstring(cell))
        else:
            text = LIST_MARKER.sub("", cell.strip().removesuffix(" -"))
            text = re.sub(r"<(https?://[^>]+)>", r"\1", text).replace("**", "").replace("^(", "(")
        text = squash(text)
        if text and text != "-":
            out.append(text)
    return out


@cache
def pdf_text(number: str) -> str:
    """Given a seed number, return its PDF's extracted text in compared form."""
    with pdfplumber.open(raw_file(number)) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    return squash(text).translate(PDF_LOOKALIKES)


def html_main(number: str) -> etree._Element:
    """Given a seed number, return the <main> element of its web page."""
    doc = lhtml.parse(str(raw_file(number))).getroot()
    main = doc.find(".//main")
    assert main is not None, "the web page has no <main>"
    return main


def cell_texts(row: etree._Element) -> list[str]:
    """Given a <tr>, return its cells' texts in compared form."""
    return [squash(text_of(c)) for c in row if c.tag in ("td", "th")]


@pytest.mark.parametrize("number", sorted(FORMS))
def test_each_seed_is_published_once_in_its_form(number: str) -> None:
    path = raw_file(number)
    assert path.suffix == FORMS[number]
    assert path.stat().st_size > 1000


def test_raw_holds_no_build_leftovers() -> None:
    # everything in raw/ is ingested: a flyer's intermediate HTML would be a second 00N-* file
    # (caught above); scratch files of other kinds must not be there either
    leftovers = [
        p.name for p in RAW.iterdir() if not p.name.startswith(".") and p.suffix not in BROCHURE_SUFFIXES
    ]
    assert not leftovers


@pytest.mark.parametrize("number", PDFS)
def test_pdf_text_holds_every_amount_and_footnote_mark_of_the_seed(number: str) -> None:
    seed = "\n".join(seed_lines(number))
    wanted = {squash(a) for a in AMOUNT.findall(seed)} | {squash(m) for m in FOOTNOTE_MARK.findall(seed)}
    assert wanted, "the seed should have amounts to look for"
    missing = sorted(w for w in wanted if w not in pdf_text(number))
    assert not missing


@pytest.mark.parametrize("number", PDFS)
def test_pdf_text_holds_every_short_seed_line(number: str) -> None:
    # headings, labels, list items: lines short enough to be set on one line of the flyer
    texts = [t for line in seed_lines(number) if "\t" not in line for t in line_texts(line) if len(t) <= 30]
    assert len(texts) > 10
    missing = [t for t in texts if t not in pdf_text(number)]
    assert not missing


@pytest.mark.parametrize("number", PDFS)
def test_pdf_glyphs_are_mapped_and_drawn_with_the_japanese_font(number: str) -> None:
    with pdfplumber.open(raw_file(number)) as pdf:
        assert 1 <= len(pdf.pages) <= 2
        chars = [c for page in pdf.pages for c in page.chars]
        text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert "(cid:" not in text
    # a fallback font would mean a glyph Noto Sans CJK JP lacks (tofu in the print)
    assert {c["fontname"].split("+")[-1].split("-")[0] for c in chars} == {"NotoSansCJKjp"}


@pytest.mark.parametrize(
    ("number", "cell"),
    [
        ("000", "セキュリティ賠償責任リスク"),  # the four-risk table, border="1" in the seed
        ("002", "3億円"),  # the coverage / 支払限度額 table
        ("004", "情報漏えいリスク"),  # the boxed 2x2 risk table
    ],
)
def test_pdf_ruled_table_is_found_by_its_ruling_lines(number: str, cell: str) -> None:
    with pdfplumber.open(raw_file(number)) as pdf:
        tables = [t for page in pdf.pages for t in page.extract_tables()]
    cells = [squash(c or "") for t in tables for row in t for c in row]
    assert any(c.startswith(squash(cell)) for c in cells)


@pytest.mark.parametrize(
    ("number", "left", "right"),
    [
        ("002", "株式会社ラック", "0120-362-119"),  # emergency-contact table, no rules
        ("004", "被害状況の把握", "100万円"),  # 支出 ledger, no rules
        ("004", "合計", "1億7,200万円"),  # its total row
    ],
)
def test_pdf_unruled_table_has_aligned_rows_and_no_lines(number: str, left: str, right: str) -> None:
    with pdfplumber.open(raw_file(number)) as pdf:
        for page in pdf.pages:
            lefts, rights = page.search(re.escape(left)), page.search(re.escape(right))
            rows = [
                (a, b) for a in lefts for b in rights if abs(a["top"] - b["top"]) < 2 and b["x0"] > a["x1"]
            ]
            if rows:
                break
        else:
            pytest.fail(f"no row with {left!r} … {right!r}")
        cells = [squash(c or "") for t in page.extract_tables() for row in t for c in row]
    assert squash(left) not in cells


def test_pdf_000_sets_its_cost_and_liability_blocks_side_by_side() -> None:
    with pdfplumber.open(raw_file("000")) as pdf:
        page = pdf.pages[0]
        words = page.extract_words(extra_attrs=["size"])
        mid = page.width / 2
    heads = {}
    for heading in ("費用", "賠償"):
        big = [w for w in words if squash(w["text"]) == heading and w["size"] > 11]
        assert big, f"no heading {heading!r}"
        heads[heading] = big[0]
    assert abs(heads["費用"]["top"] - heads["賠償"]["top"]) < 2
    assert heads["費用"]["x0"] < mid < heads["賠償"]["x0"]


@pytest.mark.parametrize("number", HTMLS)
def test_html_main_holds_every_seed_line(number: str) -> None:
    main_text = squash(text_of(html_main(number)))
    missing = [t for line in seed_lines(number) for t in line_texts(line) if t not in main_text]
    assert not missing


@pytest.mark.parametrize("number", HTMLS)
def test_html_has_page_chrome_outside_main(number: str) -> None:
    raw = raw_file(number).read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in raw
    doc = lhtml.fromstring(raw)
    assert doc.findtext(".//title")
    for tag in ("nav", "footer", "script"):
        found = doc.findall(f".//{tag}")
        assert found, f"no <{tag}>"
        assert all(el.xpath("ancestor::main") == [] for el in found)


def test_html_003_pipe_table_rows_are_table_rows() -> None:
    lines = seed_lines("003")
    start = next(i for i, line in enumerate(lines) if PIPE_RULE.match(line)) - 1
    rows = [lines[start]] + [line for line in lines[start + 2 :] if "|" in line]
    rows = rows[: next((k for k, r in enumerate(rows[1:], 1) if "|" not in r), len(rows))]
    want = [[squash(c) for c in r.split("|") if c.strip()] for r in rows]
    for table in html_main("003").iter("table"):
        got = [[c for c in cell_texts(tr) if c] for tr in table.iter("tr")]
        if got and got[0] == want[0]:
            assert got == want
            return
    pytest.fail("no <table> holds the seed's pipe table")


def test_html_003_premium_lines_are_one_table_per_revenue_band() -> None:
    lines = [line.strip() for line in seed_lines("003")]
    bands = [(lines[i - 1], line) for i, line in enumerate(lines) if line.startswith("事業内容 月額保険料")]
    assert len(bands) == 2
    tables = list(html_main("003").iter("table"))
    for caption, line in bands:
        tokens = line.removesuffix(" -").split()
        want = [tokens[k : k + 2] for k in range(0, len(tokens), 2)]
        matching = [t for t in tables if [cell_texts(tr) for tr in t.iter("tr")] == want]
        assert len(matching) == 1, f"no table for {caption}"
        table = matching[0]
        assert [c.tag for c in next(table.iter("tr"))] == ["th", "th"]
        # the band (売上高5億円の場合) is the heading just before its table
        heading = table.getprevious()
        assert heading is not None and heading.tag in ("h3", "h4", "h5", "caption")
        assert squash(text_of(heading)) == squash(caption)
