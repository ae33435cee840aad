"""Tables drawn without <table>: ARIA table roles and CSS-grid <div> layouts in the HTML reader."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from extractors.document import Cell, Document, Table
from extractors.readers import html
from extractors.readers.css_grid import (
    GridItem,
    column_placement,
    computed_style,
    parse_style_sheet,
    place,
    row_span,
    track_count,
)


def _shape(grid: list[list[Cell]] | tuple[tuple[Cell, ...], ...]) -> list[list[str]]:
    """Given a cell grid, return it as texts: "^" for a covered slot, "" for a gap, else text plus
    "/r×c" when the cell spans more than one slot."""

    def one(cell: Cell) -> str:
        """Given a cell, return its short form."""
        if cell.covered:
            return "^"
        spans = f"/{cell.row_span}x{cell.col_span}" if (cell.row_span, cell.col_span) != (1, 1) else ""
        return cell.text + spans

    return [[one(cell) for cell in row] for row in grid]


A, B, C, D, E, F, G = (GridItem(t) for t in "ABCDEFG")


@pytest.mark.parametrize(
    ("items", "columns", "shape"),
    [
        # auto items fill the tracks row by row
        ([A, B, C, D, E], 2, [["A", "B"], ["C", "D"], ["E", ""]]),
        # an item spanning the whole row (grid-column: 1 / -1) takes a row of its own
        (
            [GridItem("S", col_start=0, col_span=3), A, B, C],
            3,
            [["S/1x3", "^", "^"], ["A", "B", "C"]],
        ),
        # a cell spanning two rows: the next row has one item fewer and the columns stay aligned
        (
            [A, B, GridItem("X", row_span=2), C, D, E, F, G],
            3,
            [["A", "B", "X/2x1"], ["C", "D", "^"], ["E", "F", "G"]],
        ),
        # a two-track item that does not fit after the cursor wraps, leaving a gap (sparse packing)
        ([A, B, GridItem("W", col_span=2), C], 3, [["A", "B", ""], ["W/1x2", "^", "C"]]),
        # an item fixed to a column left of the cursor starts a new row
        ([A, B, GridItem("K", col_start=0), C], 3, [["A", "B", ""], ["K", "C", ""]]),
        # ... even when that column is free on the current row: placement never moves backwards
        (
            [GridItem("A", col_start=1), GridItem("K", col_start=0)],
            3,
            [["", "A", ""], ["K", "", ""]],
        ),
        # an item fixed to a column right of the cursor stays on the row, skipping the slots between
        ([A, GridItem("K", col_start=2), B], 3, [["A", "", "K"], ["B", "", ""]]),
        # a row span longer than the rows left is cut at the last row
        ([A, GridItem("X", row_span=5), B], 2, [["A", "X/2x1"], ["B", "^"]]),
        # a span wider than the grid was clipped by column_placement; the item fills one row
        ([GridItem("S", col_start=0, col_span=2), A], 2, [["S/1x2", "^"], ["A", ""]]),
        # nothing to place: no rows
        ([], 3, []),
    ],
)
def test_sparse_auto_placement(items: list[GridItem], columns: int, shape: list[list[str]]) -> None:
    assert _shape(place(items, columns)) == shape


def test_placed_headers_keep_their_role() -> None:
    grid = place([GridItem("項目", header=True), GridItem("金額", header=True), A, B], 2)
    assert [cell.header for row in grid for cell in row] == [True, True, False, False]


@pytest.mark.parametrize(
    ("template", "count"),
    [
        ("2fr 3fr 1.6fr 1.4fr", 4),  # plain track list
        ("repeat(3, 1fr)", 3),  # a counted repeat
        ("120px repeat(2, 1fr minmax(4em, 2fr))", 5),  # a repeat of two tracks with a function inside
        ("[label] 10em [value] 1fr [end]", 2),  # line names are not tracks
        ("minmax(100px, 1fr) auto", 2),  # a function with a comma is one track
        ("repeat(auto-fill, minmax(200px, 1fr))", None),  # as many as fit: a card layout, no fixed count
        ("none", None),
        ("", None),
    ],
)
def test_track_count(template: str, count: int | None) -> None:
    assert track_count(template) == count


@pytest.mark.parametrize(
    ("value", "placement"),
    [
        ("1 / -1", (0, 4)),  # first to last line: the whole row
        ("span 2", (None, 2)),  # auto start, two tracks
        ("2 / span 2", (1, 2)),  # fixed start and a span
        ("3", (2, 1)),  # a start line only
        ("2 / 4", (1, 2)),  # start and end lines
        ("span 2 / 5", (2, 2)),  # a span ending at a line
        ("1 / 9", (0, 4)),  # past the grid: clipped
        ("auto", (None, 1)),
        ("", (None, 1)),
    ],
)
def test_column_placement_in_a_four_track_grid(value: str, placement: tuple[int | None, int]) -> None:
    assert column_placement(value, 4) == placement


@pytest.mark.parametrize(
    ("value", "span"),
    [("span 2", 2), ("1 / 3", 2), ("2 / span 3", 3), ("auto", 1), ("", 1), ("3", 1), ("span 999", 64)],
)
def test_row_span(value: str, span: int) -> None:
    assert row_span(value) == span


_SHEET = """
/* a comment { with braces } */
.box { display: grid; grid-template-columns: 1fr 1fr; }
.box > div { grid-row: span 2; }
.box .wide { grid-column: 1 / -1; }
div.box.alt { grid-template-columns: repeat(3, 1fr); }
#main .box { display: block; }
@media (max-width: 600px) { .box { grid-template-columns: 1fr; } }
.box:hover, .box ~ p { display: none; }
"""


@pytest.mark.parametrize(
    ("markup", "path", "expected"),
    [
        # a class rule applies
        ('<div class="box"></div>', "/div", {"display": "grid", "grid-template-columns": "1fr 1fr"}),
        # a more specific rule wins over an earlier one; @media rules do not apply
        ('<div class="box alt"></div>', "/div", {"grid-template-columns": "repeat(3, 1fr)"}),
        # a descendant rule with an id outweighs the class rule
        ('<section id="main"><div class="box"></div></section>', "/section/div", {"display": "block"}),
        # the child combinator matches a direct child only
        ('<div class="box"><div></div></div>', "/div/div", {"grid-row": "span 2"}),
        ('<div class="box"><p><div></div></p></div>', "/div/p", {}),
        # the descendant combinator matches at any depth
        (
            '<div class="box"><span><i class="wide"></i></span></div>',
            "/div/span/i",
            {"grid-column": "1 / -1"},
        ),
        # the element's own style attribute comes last
        ('<div class="box" style="display: inline-grid"></div>', "/div", {"display": "inline-grid"}),
    ],
)
def test_computed_style_cascade(markup: str, path: str, expected: dict[str, str]) -> None:
    root = lxml.html.fragment_fromstring(markup, create_parent="body")
    element = root.find("." + path)
    assert element is not None
    style = computed_style(element, parse_style_sheet(_SHEET))
    assert {name: style.get(name) for name in expected} == expected
    if not expected:
        assert "grid-row" not in style


def test_unsupported_selectors_are_skipped() -> None:
    rules = parse_style_sheet(_SHEET).rules
    # :hover and ~ are not read; the rest are, one rule per selector, the @media block left out
    assert len(rules) == 5


def _read(tmp_path: Path, body: str, style: str = "") -> Document:
    """Given body markup and a style sheet, return the Document the reader makes of the page."""
    head = f'<meta charset="utf-8"><style>{style}</style>'
    page = f"<!doctype html><html><head>{head}</head><body>{body}</body></html>"
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    return html.read(path)


def _tables(document: Document) -> list[Table]:
    """Given a document, return its tables."""
    return list(document.iter_tables())


_GRID_STYLE = """
.t { display: grid; grid-template-columns: 2fr 1fr 1fr; }
.t .section { grid-column: 1 / -1; }
.t .tall { grid-row: span 2; }
"""

_GRID_BODY = """
<h2>補償</h2>
<div class="t" role="table">
  <div role="columnheader">項目</div><div role="columnheader">限度額</div><div role="columnheader">免責</div>
  <div class="section" role="rowheader">費用</div>
  <div>調査費用</div><div>1事故につき<br>300万円</div><div class="tall">5万円</div>
  <div>復旧費用</div><div>200万円</div>
  <div>広報費用</div><div>100万円</div><div>―</div>
</div>
<p>※注記</p>
"""


def test_css_grid_becomes_a_table_with_spans_and_header_roles(tmp_path: Path) -> None:
    document = _read(tmp_path, _GRID_BODY, _GRID_STYLE)
    (table,) = _tables(document)
    assert _shape(table.rows) == [
        ["項目", "限度額", "免責"],
        ["費用/1x3", "^", "^"],
        ["調査費用", "1事故につき 300万円", "5万円/2x1"],
        ["復旧費用", "200万円", "^"],
        ["広報費用", "100万円", "―"],
    ]
    assert [cell.header for cell in table.rows[0]] == [True, True, True]
    assert table.rows[1][0].header and not table.rows[2][0].header
    # each row is one line at the grid's place, between the heading and the note after it
    assert [line.text for line in document.iter_lines()] == [
        "補償",
        "項目 | 限度額 | 免責",
        "費用",
        "調査費用 | 1事故につき 300万円 | 5万円",
        "復旧費用 | 200万円",
        "広報費用 | 100万円 | ―",
        "※注記",
    ]


def test_inline_grid_style_needs_no_style_sheet(tmp_path: Path) -> None:
    body = (
        '<div style="display:grid;grid-template-columns:repeat(2,1fr)">'
        "<span>業種</span><span>保険料</span><span>小売業</span><span>52,000</span></div>"
    )
    (table,) = _tables(_read(tmp_path, body))
    assert table.texts() == [["業種", "保険料"], ["小売業", "52,000"]]


def test_hidden_items_take_no_slot_and_longhand_placement_is_read(tmp_path: Path) -> None:
    style = ".t { display: grid; grid-template-columns: 1fr 1fr 1fr; } .t .off { display: none; }"
    body = (
        '<div class="t"><div>項目</div><div class="off">隠し</div><div>限度額</div><div>免責</div>'
        '<div style="grid-column-start: 2; grid-column-end: 4">1億円</div></div>'
    )
    (table,) = _tables(_read(tmp_path, body, style))
    assert _shape(table.rows) == [["項目", "限度額", "免責"], ["", "1億円/1x2", "^"]]


def test_aria_table_roles_become_a_table(tmp_path: Path) -> None:
    body = """
    <div role="table">
      <div role="rowgroup">
        <div role="row"><span role="columnheader">区分</span><span role="columnheader"
          aria-colspan="2">限度額</span></div>
      </div>
      <div role="rowgroup">
        <div role="row"><span role="rowheader" aria-rowspan="2">賠償</span><span role="cell">1億円</span>
          <span role="cell">3億円</span></div>
        <div role="row"><span role="cell">2億円</span><span role="cell">5億円</span></div>
      </div>
    </div>
    """
    (table,) = _tables(_read(tmp_path, body))
    assert _shape(table.rows) == [
        ["区分", "限度額/1x2", "^"],
        ["賠償/2x1", "1億円", "3億円"],
        ["^", "2億円", "5億円"],
    ]
    assert [cell.header for cell in table.rows[1]] == [True, False, False]


@pytest.mark.parametrize(
    ("body", "style"),
    [
        # cards on a grid: each item holds blocks (a heading and a paragraph), page layout not a table
        (
            '<div class="t"><div><h3>賠償</h3><p>1億円</p></div><div><h3>費用</h3><p>500万円</p></div>'
            "<div><h3>利益</h3><p>300万円</p></div><div><h3>見舞金</h3><p>1,000円</p></div></div>",
            ".t { display: grid; grid-template-columns: 1fr 1fr; }",
        ),
        # a description list on a grid keeps its term / definition reading
        (
            '<dl class="t"><dt>賠償</dt><dd>1億円</dd><dt>費用</dt><dd>500万円</dd></dl>',
            ".t { display: grid; grid-template-columns: 10em 1fr; }",
        ),
        # as many columns as fit (auto-fill) is a responsive layout with no fixed column count
        (
            '<div class="t"><div>賠償</div><div>1億円</div><div>費用</div><div>500万円</div></div>',
            ".t { display: grid; grid-template-columns: repeat(auto-fill, minmax(8em, 1fr)); }",
        ),
        # a single row of boxes is a strip of panels, not a table
        (
            '<div class="t"><div>賠償</div><div>費用</div><div>利益</div></div>',
            ".t { display: grid; grid-template-columns: 1fr 1fr 1fr; }",
        ),
        # a one-column grid is a stack of blocks
        (
            '<div class="t"><div>賠償</div><div>費用</div></div>',
            ".t { display: grid; grid-template-columns: 1fr; }",
        ),
        # text directly inside the container runs between the boxes: prose, not a table
        (
            '<div class="t">賠償は<b>1億円</b>、費用は<b>500万円</b>、'
            "利益は<b>300万円</b>、見舞金は<b>1,000円</b></div>",
            ".t { display: grid; grid-template-columns: 1fr 1fr; }",
        ),
        # a grid only under a media query is not the page's base layout
        (
            '<div class="t"><div>賠償</div><div>1億円</div><div>費用</div><div>500万円</div></div>',
            "@media print { .t { display: grid; grid-template-columns: 1fr 1fr; } }",
        ),
    ],
)
def test_grids_that_lay_out_no_table_stay_blocks(tmp_path: Path, body: str, style: str) -> None:
    document = _read(tmp_path, body, style)
    assert _tables(document) == []
    assert not any(" | " in line.text for line in document.iter_lines())
