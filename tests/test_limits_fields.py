"""Key–value fields in blocks of cover: a figure whose field key names a coverage is its limit.

Every line here is made up for the test (not copied from a brochure).
"""

from __future__ import annotations

import pytest

from extractors.blocks import Unit
from extractors.document import Document, Line, Page, nfkc
from extractors.limits import (
    asked_kind,
    document_to_limits,
    field_key,
    field_targets,
    is_basis_only,
    is_inner_limit,
    is_negated,
    load_limit_cues,
    numeral_value,
    text_to_figures,
)
from extractors.sections import UnitContext

CUES = load_limit_cues()
COVER = UnitContext(unit=Unit(page=1), scope="coverage", heading=False)


def rows_of(text: str) -> set[tuple[str | None, str, int | float | None]]:
    """Given brochure text (one Line per line; "# " opens a level-1 heading), return its limits as
    (coverage id, type, value)."""
    lines = tuple(
        Line(raw[2:], page=1, level=1) if raw.startswith("# ") else Line(raw, page=1)
        for raw in text.splitlines()
        if raw.strip()
    )
    document = Document(source="t.txt", source_format="text", pages=(Page(number=1, lines=lines),))
    out: set[tuple[str | None, str, int | float | None]] = set()
    for r in document_to_limits(document, "t"):
        value = (
            r.ratio if r.limit_type in ("self_retention_ratio", "payout_ratio") else r.days or r.amount_jpy
        )
        out.add((r.coverage_id, r.limit_type, value))
    return out


def last_figure_before(line: str) -> str:
    """Given a line, return its NFKC text before its last figure."""
    norm = nfkc(line)
    return norm[: text_to_figures(norm, CUES)[-1].start]


@pytest.mark.parametrize(
    ("line", "key"),
    [
        # a colon parts the key from the figure
        ("・システム復旧費用：４００万円", "システム復旧費用"),
        # an inner-item opener (うち) and a space part it too
        ("うち　相談費用　二百万円", "相談費用"),
        # basis words may stand between key and figure
        ("賠償損害：1請求・保険期間中　8千万円", "賠償損害"),
        # the last entry of a ／-list is the figure's field
        ("区分：甲／上限：3億円", "上限"),
        # a description between key and figure is no field value
        ("調査費用：被害の範囲を専門業者が特定するための 200万円", None),
        # no separator: a sentence, not a field
        ("調査費用は200万円", None),
    ],
)
def test_field_key(line: str, key: str | None) -> None:
    assert field_key(last_figure_before(line), CUES) == key


@pytest.mark.parametrize(
    ("line", "key"),
    [
        # a grid row: label, description, figure
        ("相談費用 弁護士に助言を求めた費用 300万円", "相談費用"),
        # a whole sentence between them is running text, not a row
        ("相談費用 弁護士に助言を求めた費用です。上限は 300万円", None),
    ],
)
def test_field_key_of_a_described_row(line: str, key: str | None) -> None:
    assert field_key(last_figure_before(line), CUES, described=True) == key


@pytest.mark.parametrize(
    ("between", "expected"),
    [
        # a basis pair only
        ("1請求・保険期間中 ", True),
        # a per-victim basis with its particle
        ("被害者1名につき ", True),
        # nothing at all
        ("", True),
        # words that are not basis words
        ("専門業者に依頼した場合の", False),
    ],
)
def test_is_basis_only(between: str, expected: bool) -> None:
    assert is_basis_only(between, CUES) is expected


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # an inner-limit mark in a bracket right after the figure
        ("（事故対応費用の内数）", True),
        # the same mark outside a bracket is not read
        ("、内数として", False),
        # a bracket naming no inner limit
        ("（1事故につき）", False),
    ],
)
def test_is_inner_limit(after: str, expected: bool) -> None:
    assert is_inner_limit(nfkc(after), CUES) is expected


@pytest.mark.parametrize(
    ("line", "ids"),
    [
        # a coverage key and a bare amount
        ("・データ復旧費用：２５０万円", ["expense.data_restoration"]),
        # an inner item after うち, in kanji numerals
        ("うち　法律相談費用　四百万円", ["expense.legal"]),
        # a trailing bracket may follow the figure
        ("原因調査費用：700万円（費用合計の内数）", ["expense.forensics"]),
        # a key that opens with no coverage term (a description's tail) is no item label
        ("そのために支出した原因調査費用　700万円", []),
        # text after the figure: not a field's whole value
        ("原因調査費用：700万円を超える部分", []),
        # a premium line is never a limit
        ("原因調査費用：年払保険料 5,000円", []),
    ],
)
def test_field_targets(line: str, ids: list[str]) -> None:
    norm = nfkc(line)
    figure = text_to_figures(norm, CUES)[-1]
    assert [i for i, _ in field_targets(norm, figure, "limit", COVER, CUES)] == ids


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # items of a block of cover: each key's limit
        (
            "【補償の内容】\n・データ復旧費用：250万円\n・法律相談費用：120万円",
            {("expense.data_restoration", "limit", 2_500_000), ("expense.legal", "limit", 1_200_000)},
        ),
        # a heading naming a type types the fields under it
        (
            "【補償の内容】\n免責金額\n事故対応費用：1事故につき 3万円",
            {("expense", "deductible", 30_000)},
        ),
        # the same lines under a case-story heading are costs, not limits
        ("【事故例】\n・データ復旧費用：250万円\n・法律相談費用：120万円", set()),
        # ... and after a line that opens a case story inside a block of cover
        ("【補償の内容】\n事例2 工場のシステム停止\n・データ復旧費用：250万円", set()),
    ],
)
def test_fields_in_blocks(text: str, expected: set[tuple[object, ...]]) -> None:
    assert rows_of(text) == expected


@pytest.mark.parametrize(
    ("text", "value"),
    [
        # arabic digits
        ("90", 90),
        # kanji tens
        ("三十", 30),
        # a bare multiplier counts one
        ("百八十", 180),
        # positional kanji digits
        ("一〇", 10),
    ],
)
def test_numeral_value(text: str, value: int) -> None:
    assert numeral_value(text) == value


@pytest.mark.parametrize(
    ("above", "kind"),
    [
        # a question asking for a limit
        ("Q3. 賠償責任の支払限度額はどのくらいですか。", "limit"),
        # a question asking for a deductible, with a question mark
        ("免責金額はありますか?", "deductible"),
        # a statement is no question
        ("支払限度額は次のとおりです。", None),
        # a question that names no figure type
        ("どんな費用が補償されますか。", None),
    ],
)
def test_asked_kind(above: str, kind: str | None) -> None:
    assert asked_kind(nfkc(above), CUES) == kind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # alternatives after one cue each take its type
        (
            "【補償の内容】\n損害賠償金の支払限度額は2億円、4億円の中から選べます。",
            {("liability.damages", "limit", 200_000_000), ("liability.damages", "limit", 400_000_000)},
        ),
        # an answer's untyped alternatives take the type its question asks about
        (
            "【補償の内容】\nQ. 賠償の支払限度額はいくらですか。\n"
            "A. 損害賠償金は2億円、4億円からお選びください。",
            {("liability.damages", "limit", 200_000_000), ("liability.damages", "limit", 400_000_000)},
        ),
        # a time window in kanji numerals
        (
            "【補償の内容】\n事故対応費用は、発見から九十日以内に要したものが対象です。",
            {("expense", "time_window_days", 90)},
        ),
    ],
)
def test_alternatives_answers_and_kanji_windows(text: str, expected: set[tuple[object, ...]]) -> None:
    assert rows_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a grid read one cell per line under a heading naming the limit: the item's lone figure
        # (the source states the outer heading's level, so it stays over the item headings)
        (
            "# 補償項目と支払限度額\nシステム復旧費用\nデータを元に戻すための費用です。\n1,200万円",
            {("expense.data_restoration", "limit", 12_000_000)},
        ),
        # no heading names a figure type: a lone figure states nothing
        (
            "# 補償のあらまし\nシステム復旧費用\nデータを元に戻すための費用です。\n1,200万円",
            set(),
        ),
        # only the item's first lone figure is its cell (800円), not one right after a figure line
        (
            "# 補償項目と支払限度額\nシステム復旧費用\n1名につき 800円\n1,200万円",
            {("expense.data_restoration", "limit", 800)},
        ),
    ],
)
def test_lone_figures_of_a_grid(text: str, expected: set[tuple[object, ...]]) -> None:
    assert rows_of(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a proviso naming no coverage restricts the coverage the sentence before it named
        (
            "【補償の内容】\nデータ復旧費用\n万一の際、原因調査費用は支払限度額300万円です。ただし、発見から45日以内の調査に限ります。",
            {("expense.forensics", "limit", 3_000_000), ("expense.forensics", "time_window_days", 45)},
        ),
        # a sentence that is no proviso keeps the heading's coverage
        (
            "【補償の内容】\nデータ復旧費用\n万一の際、原因調査費用は支払限度額300万円です。発見から45日以内の復旧に限ります。",
            {("expense.forensics", "limit", 3_000_000), ("expense.data_restoration", "time_window_days", 45)},
        ),
    ],
)
def test_provisos(text: str, expected: set[tuple[object, ...]]) -> None:
    assert rows_of(text) == expected


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        # the clause says the figure does not apply to the term
        ("には適用しません)", True),
        # a chained term's clause: the negation covers it too
        ("・相談費用には適用されません", True),
        # the clause applies the figure
        ("に適用します(賠償には適用しません)", False),
    ],
)
def test_is_negated(after: str, expected: bool) -> None:
    assert is_negated(nfkc(after), CUES) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a case story in a block of cover: its figures, even under a cue, are what a case cost
        (
            "【補償の内容】\n# お支払い事例\n総額400万円から自己負担額5万円を差し引いてお支払いしました。",
            set(),
        ),
        # a heading naming limits besides cases (事故例と支払限度額) still states limits
        (
            "【補償の内容】\n# 事故例と支払限度額\n原因調査費用の支払限度額は300万円です。",
            {("expense.forensics", "limit", 3_000_000)},
        ),
    ],
)
def test_case_story_blocks(text: str, expected: set[tuple[object, ...]]) -> None:
    assert rows_of(text) == expected
