"""Text bytes decoded honestly: the bytes' own shape first, a declaration only when the bytes agree."""

import random

import pytest

from extractors.readers._bytes import decode_bytes, decode_text, looks_binary

TEXT = "サイバー保険のご案内：支払限度額1億円、免責金額10万円。\n賠償責任と費用損害を補償します。\n"


@pytest.mark.parametrize(
    ("data", "declared"),
    [
        # EUC-JP served as iso-8859-1: Latin-1 decodes anything, so the declaration alone is mojibake
        (TEXT.encode("euc_jp"), "iso-8859-1"),
        # Shift_JIS declared windows-1252
        (TEXT.encode("cp932"), "windows-1252"),
        # ISO-2022-JP is 7-bit: UTF-8 would accept its escape sequences as text
        (TEXT.encode("iso2022_jp"), None),
        # UTF-16 without a BOM, little- and big-endian: NUL bytes, yet text
        (TEXT.encode("utf-16-le"), None),
        (TEXT.encode("utf-16-be"), None),
        # a right declaration is still followed
        (TEXT.encode("euc_jp"), "EUC-JP"),
    ],
)
def test_decode_text_reads_the_bytes_not_only_the_label(data: bytes, declared: str | None) -> None:
    assert not looks_binary(data)
    assert decode_text(data, declared) == TEXT


def test_binary_data_with_nuls_is_still_binary() -> None:
    # a PNG header and zeros: NUL bytes without the regular shape of UTF-16 text
    assert looks_binary(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))


def _flip(data: bytes, at: int) -> bytes:
    """Given bytes and an index, return them with the byte there inverted (a one-bit-per-bit flip)."""
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]


#: a longer text, so that one bad byte is a small share of it
LONG = TEXT * 40


@pytest.mark.parametrize(
    ("data", "replaced", "nuls"),
    [
        # one flipped byte in the middle of a UTF-8 character: its bytes become U+FFFD
        (_flip(LONG.encode(), len(LONG.encode()) // 2 + 1), 2, 0),
        # a Shift_JIS character cut after its lead byte (0x81 before a line break): no candidate
        # decodes strictly any more
        (LONG.encode("cp932").replace(b"\n", b"\x81\n", 1), 1, 0),
        # a few NUL bytes at line ends of UTF-8 text: no UTF-16 shape, so they are taken out
        (LONG.replace("\n", "\x00\n", 5).encode(), 0, 5),
    ],
)
def test_a_few_bad_bytes_are_mended_and_counted(data: bytes, replaced: int, nuls: int) -> None:
    assert not looks_binary(data)
    decoded = decode_bytes(data)
    assert decoded is not None
    assert (decoded.replaced, decoded.nuls) == (replaced, nuls)
    assert "\x00" not in decoded.text
    # the text around the bad bytes survives: all lines but the damaged one are the original's
    kept = set(decoded.text.splitlines()) & set(LONG.splitlines())
    assert kept == set(LONG.splitlines())
    assert len(decoded.warnings) == (replaced > 0) + (nuls > 0)
    assert all(str(count) in " ".join(decoded.warnings) for count in (replaced, nuls) if count)


def test_clean_bytes_carry_no_warning() -> None:
    decoded = decode_bytes(LONG.encode("euc_jp"))
    assert decoded is not None and decoded.text == LONG and decoded.warnings == ()


@pytest.mark.parametrize(
    "codec",
    [
        "utf-32",  # with a BOM, which starts with UTF-16LE's: it must not be read as UTF-16
        "utf-32-le",  # without a BOM: NUL bytes, yet text
        "utf-32-be",
    ],
)
def test_utf32_is_decoded(codec: str) -> None:
    data = TEXT.encode(codec)
    assert not looks_binary(data)
    assert decode_text(data) == TEXT


@pytest.mark.parametrize(
    "data",
    [
        # random bytes: control bytes throughout
        random.Random(7).randbytes(4096),
        # high bytes with no NUL or control byte, invalid in every candidate far beyond a few
        bytes(range(0x80, 0x100)) * 16,
        # text with every tenth byte flipped: far more than a small share is bad
        bytes(b ^ 0xFF if i % 10 == 0 else b for i, b in enumerate(LONG.encode())),
    ],
)
def test_data_that_is_no_text_is_still_refused(data: bytes) -> None:
    assert looks_binary(data) or decode_bytes(data) is None
