"""A document whose text is mostly mojibake or doubled glyphs carries a warning, and a check shows it."""

from pathlib import Path

import polars as pl
import pytest
from conftest import SEEDS

from extractors.extract import file_to_extraction
from extractors.readers.quality import DOUBLED, MOJIBAKE, doubled_warning, mojibake_warning
from schemas.checks import text_reads_clean

SEED_TEXTS = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
TEXT = SEED_TEXTS[0]


def _doubled(text: str) -> str:
    """Given a text, return it with every character but spaces printed twice (fake bold)."""
    return "".join(c if c.isspace() else c * 2 for c in text)


@pytest.mark.parametrize(
    ("encoding", "read_as"),
    [("euc_jp", "iso-8859-1"), ("shift_jis", "cp1252"), ("utf-8", "cp932"), ("utf-8", "iso-8859-1")],
)
def test_japanese_decoded_with_the_wrong_charset_is_mojibake(encoding: str, read_as: str) -> None:
    wrong = TEXT.encode(encoding, errors="replace").decode(read_as, errors="replace")
    warning = mojibake_warning(wrong)
    assert warning is not None and warning.startswith(MOJIBAKE)


def test_doubled_glyphs_are_warned_about() -> None:
    warning = doubled_warning(_doubled(TEXT))
    assert warning is not None and warning.startswith(DOUBLED)


@pytest.mark.parametrize("text", SEED_TEXTS)
def test_clean_text_gets_no_warning(text: str) -> None:
    assert mojibake_warning(text) is None and doubled_warning(text) is None


def test_a_few_odd_characters_are_not_mojibake() -> None:
    odd = TEXT + "\nCafé – “ABC” ™ ｱｲｳ ©\n"
    assert mojibake_warning(odd) is None and doubled_warning(odd + "ーー々") is None
    assert mojibake_warning("Ã¤") is None  # too short to judge


@pytest.mark.parametrize(
    ("name", "data", "starts"),
    [
        ("doubled.txt", _doubled(TEXT).encode(), DOUBLED),
        ("mojibake.txt", TEXT.encode("euc_jp", "replace").decode("iso-8859-1").encode(), MOJIBAKE),
        (
            "mojibake.html",
            b"<html><body><p>"
            + TEXT.encode("utf-8").decode("cp932", "replace").encode()
            + b"</p></body></html>",
            MOJIBAKE,
        ),
    ],
)
def test_a_brochure_of_such_text_carries_the_warning_and_fails_the_check(
    tmp_path: Path, name: str, data: bytes, starts: str
) -> None:
    (tmp_path / name).write_bytes(data)
    document = file_to_extraction(tmp_path / name, tmp_path).document
    assert [w for w in document.warnings if w.startswith(starts)]
    documents = pl.DataFrame(
        {"doc_id": [document.doc_id], "source_file": [name], "warnings": [list(document.warnings)]}
    )
    (failure,) = text_reads_clean({"documents": documents}, [name])
    assert failure.key == document.doc_id and failure.problem == starts
    clean = documents.with_columns(warnings=pl.lit([], dtype=pl.List(pl.String)))
    assert text_reads_clean({"documents": clean}, [name]) == []
