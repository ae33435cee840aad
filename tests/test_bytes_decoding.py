"""Text bytes decoded honestly: the bytes' own shape first, a declaration only when the bytes agree."""

import pytest

from extractors.readers._bytes import decode_text, looks_binary

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
