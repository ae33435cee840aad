"""What a file's bytes look like, and how to turn text bytes into str, for every reader.

Brochures arrive from many producers: UTF-8 with or without BOM, Shift_JIS/CP932 (old Windows
pages and exports), EUC-JP (old Unix sites). Files are also misnamed (a PNG saved as .pdf),
so a reader names what a file really is before it refuses it.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from extractors.errors import BrochureError

#: leading bytes → what a person would call such a file
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF data"),
    (b"\x89PNG\r\n\x1a\n", "PNG image data"),
    (b"\xff\xd8\xff", "JPEG image data"),
    (b"GIF87a", "GIF image data"),
    (b"GIF89a", "GIF image data"),
    (b"II*\x00", "TIFF image data"),
    (b"MM\x00*", "TIFF image data"),
    (b"PK\x03\x04", "a ZIP archive (e.g. .docx, .xlsx or .zip)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file (.doc/.xls/.ppt)"),
    (b"{\\rtf", "RTF text"),
    (b"%!PS", "PostScript"),
    (b"\x1f\x8b", "gzip-compressed data"),
)

#: UTF-32's BOMs first: UTF-32LE's (ff fe 00 00) starts with UTF-16LE's (ff fe)
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: tried in this order when nothing declares an encoding; the most Japanese-looking result wins
CANDIDATE_ENCODINGS: tuple[str, ...] = ("utf-8", "cp932", "euc_jp")

#: declared labels that mean a superset we decode with instead (Windows pages labelled
#: Shift_JIS routinely hold CP932-only characters such as ① or ㈱)
_ENCODING_ALIASES: dict[str, str] = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "windows-31j": "cp932",
    "ms_kanji": "cp932",
    "csshiftjis": "cp932",
    "x-euc-jp": "euc_jp",
}

#: the largest share of a text file's bytes that may be invalid in its encoding (a flipped
#: byte, a NUL, a truncated character): more is no text in that encoding, and the file is refused
MAX_BAD_SHARE = 0.01
#: what a surrogateescape decode turns each undecodable byte into
_ESCAPED = re.compile("[\udc80-\udcff]+")

#: ISO-2022-JP switches to JIS X 0208 with ESC $ B (or ESC $ @): 7-bit bytes that UTF-8 accepts too
_ISO2022_ESCAPE = re.compile(rb"\x1b\$[B@]")
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<meta|<title)", re.IGNORECASE)
_XML_START = re.compile(rb"^\s*<\?xml", re.IGNORECASE)


#: how much of a file `read_head` reads: enough for every magic number and for describe_bytes
HEAD_BYTES = 4096


def read_head(path: Path, size: int = HEAD_BYTES) -> bytes:
    """Given a path, return its first `size` bytes; raise BrochureError as read_bytes does.

    For readers whose library reads the file itself (pdfplumber): the whole file need not be
    held to tell what it is.
    """
    return read_bytes(path, size)


def read_bytes(path: Path, size: int = -1) -> bytes:
    """Given a path (and how many leading bytes: -1 all), return its bytes, or raise BrochureError when it
    is missing, unreadable or empty."""
    try:
        with path.open("rb") as f:
            data = f.read(size)
    except FileNotFoundError:
        raise BrochureError(
            "the file does not exist; check the path", stage="read", source=str(path)
        ) from None
    except IsADirectoryError:
        raise BrochureError(
            "this is a directory, not a file; put the brochure file itself in raw/",
            stage="read",
            source=str(path),
        ) from None
    except OSError as exc:
        raise BrochureError(
            f"the file cannot be read ({exc.strerror or exc}); check its permissions",
            stage="read",
            source=str(path),
        ) from None
    if not data:
        raise BrochureError(
            "the file is empty (0 bytes); re-download or re-export it", stage="read", source=str(path)
        )
    return data


def describe_bytes(data: bytes) -> str:
    """Given a file's leading bytes, return what the file looks like in words (e.g. "PNG image data")."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    head = data[:4096].lstrip(codecs.BOM_UTF8)
    if _HTML_START.match(head):
        return "an HTML page"
    if _XML_START.match(head):
        return "XML data"
    if looks_binary(data):
        shown = " ".join(f"{b:02x}" for b in data[:8])
        return f"binary data of an unknown kind (first bytes: {shown})"
    return "plain text"


def utf16_without_bom(data: bytes) -> str | None:
    """Given bytes, return "utf-16-le"/"utf-16-be" when they are UTF-16 text without a BOM, else None.

    Such text holds NUL bytes, as binary data does; charset-normalizer tells them apart (ASCII
    bytes pair up into CJK code points in UTF-16, so a hand-written test is easily fooled).
    """
    sample = data[: min(len(data), 8192) // 2 * 2]
    if len(sample) < 16 or b"\x00" not in sample or any(data.startswith(magic) for magic, _ in _MAGIC):
        return None
    best = charset_normalizer.from_bytes(sample).best()
    encoding = best.encoding if best is not None else None
    return {"utf_16_le": "utf-16-le", "utf_16_be": "utf-16-be"}.get(encoding or "")


def _control_count(text: str) -> int:
    """Given decoded text, return how many control characters it holds besides tabs and line breaks."""
    return sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f\x0b\x1b")


def utf32_without_bom(data: bytes) -> str | None:
    """Given bytes, return "utf-32-le"/"utf-32-be" when they are UTF-32 text without a BOM, else None.

    Every 4-byte unit of UTF-32 is a code point below U+110000 (its top byte zero): other data
    hardly ever decodes so, unit after unit, into text without control characters.
    """
    sample = data[: min(len(data), 8192) // 4 * 4]
    if len(sample) < 16 or len(data) % 4 or any(data.startswith(magic) for magic, _ in _MAGIC):
        return None
    for codec in ("utf-32-le", "utf-32-be"):
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        if _control_count(text) <= len(text) * MAX_BAD_SHARE:
            return codec
    return None


def _wide_shape(data: bytes) -> str | None:
    """Given bytes without a BOM, return the UTF-32 or UTF-16 codec their shape shows, else None."""
    return utf32_without_bom(data) or utf16_without_bom(data)


def looks_binary(data: bytes) -> bool:
    """Given bytes, return whether they are binary rather than text (control bytes, NULs among them,
    beyond the few a damaged text file holds)."""
    sample = data[:8192]
    if any(sample.startswith(bom) for bom, name in _BOMS if name in ("utf-16", "utf-32")):
        return False
    if b"\x00" in sample and _wide_shape(data):
        return False
    controls = sum(1 for b in sample if b < 0x20 and b not in b"\t\n\r\f\x0b\x1b")
    return controls > max(2, len(sample) * MAX_BAD_SHARE)


def normalise_encoding_label(label: str) -> str | None:
    """Given an encoding label from a file (e.g. "Shift_JIS"), return a Python codec name or None."""
    label = label.strip().strip("\"'").lower()
    label = _ENCODING_ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _japanese_score(text: str) -> int:
    """Given decoded text, return how Japanese it looks (kana and kanji up, mojibake signs down)."""
    score = 0
    for ch in text:
        code = ord(ch)
        if 0x3040 <= code <= 0x30FF or 0x4E00 <= code <= 0x9FFF or 0x3000 <= code <= 0x303F:
            score += 2
        elif 0xFF61 <= code <= 0xFF9F or 0xE000 <= code <= 0xF8FF or code == 0xFFFD:
            score -= 3  # half-width katakana and private use: what a wrong codec produces
    return score


@dataclass(frozen=True)
class Decoded:
    """Text decoded from a file's bytes, with what had to be mended to get it."""

    text: str
    codec: str
    #: bytes invalid in `codec`, each run of them now one U+FFFD
    replaced: int = 0
    #: NUL bytes taken out of the text (no text encoding but UTF-16/32 holds them)
    nuls: int = 0

    @property
    def warnings(self) -> tuple[str, ...]:
        """Given nothing, return a warning per kind of mending done (none for clean bytes)."""
        found = []
        if self.replaced:
            found.append(
                f"{self.replaced} byte(s) of the file are not valid {self.codec} and were replaced with "
                "U+FFFD (\ufffd): the text around them may miss a character; re-download or re-save the file"
            )
        if self.nuls:
            found.append(
                f"{self.nuls} NUL byte(s) were removed from the text (a text file holds none): "
                "re-download or re-save the file"
            )
        return tuple(found)


def _strict(data: bytes, codec: str) -> Decoded | None:
    """Given bytes and a codec, return them decoded strictly, or None when a byte is invalid in it."""
    try:
        return Decoded(data.decode(codec), codec)
    except UnicodeDecodeError:
        return None


def _tolerant(data: bytes, codec: str) -> Decoded:
    """Given bytes and a codec, return them decoded, each run of invalid bytes one U+FFFD."""
    text = data.decode(codec, errors="surrogateescape")
    replaced = sum(len(run) for run in _ESCAPED.findall(text))
    return Decoded(_ESCAPED.sub("\ufffd", text), codec, replaced=replaced)


def decode_bytes(data: bytes, declared: str | None = None) -> Decoded | None:
    """Given text bytes and an optional declared encoding, return the decoded text, or None if none fits.

    A BOM wins; then the shape of the bytes (ISO-2022-JP escapes, UTF-32/UTF-16 without BOM);
    then strict UTF-8 (bytes that decode as UTF-8 almost never are anything else, and pages
    wrongly declared as Latin-1 or Shift_JIS are common); then the declaration if the bytes
    really decode with it; then the strict candidate decode that looks most Japanese. When no
    codec reads every byte, the one with the fewest invalid bytes is taken if they are at most
    MAX_BAD_SHARE of the file (they become U+FFFD, and `Decoded.warnings` says how many); stray
    NUL bytes are removed first, and counted.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return _strict(data, name) or _within_share(_tolerant(data, name), len(data))
    shape = "iso2022_jp" if _ISO2022_ESCAPE.search(data[:65536]) else _wide_shape(data)
    if shape is not None:
        return _strict(data, shape) or _within_share(_tolerant(data, shape), len(data))
    nuls = data.count(b"\x00")
    decoded = _decode_narrow(data.replace(b"\x00", b"") if nuls else data, declared)
    if decoded is None or decoded.replaced + nuls > len(data) * MAX_BAD_SHARE:
        return None
    return Decoded(decoded.text, decoded.codec, decoded.replaced, nuls)


def _within_share(decoded: Decoded, size: int) -> Decoded | None:
    """Given a tolerant decode and the byte count, return it if few enough bytes were replaced, else None."""
    return decoded if decoded.replaced <= size * MAX_BAD_SHARE else None


def _decode_narrow(data: bytes, declared: str | None) -> Decoded | None:
    """Given bytes of a byte-oriented encoding and an optional declaration, return the best decode."""
    if (utf8 := _strict(data, "utf-8")) is not None:
        return utf8
    codec = normalise_encoding_label(declared) if declared else None
    candidates = _candidate_decodes(data)
    if not candidates and (mended := _fewest_replaced(data, codec)) is not None:
        candidates = [(_japanese_score(mended.text), 0, mended)]
    own = _strict(data, codec) if codec is not None else None
    # a single-byte declaration (iso-8859-1) decodes any bytes: believe it only when no
    # Japanese encoding reads the bytes as more Japanese
    if own is not None and not (candidates and max(candidates)[0] > _japanese_score(own.text)):
        return own
    return max(candidates)[2] if candidates else None


def _fewest_replaced(data: bytes, declared: str | None) -> Decoded | None:
    """Given bytes no candidate reads strictly, return the tolerant decode with the fewest invalid
    bytes (the declared codec first among equals, then the more Japanese-looking)."""
    codecs_tried = dict.fromkeys([*([declared] if declared else []), *CANDIDATE_ENCODINGS])
    decodes = [_tolerant(data, codec) for codec in codecs_tried]
    ranked = sorted(
        enumerate(decodes), key=lambda item: (item[1].replaced, -_japanese_score(item[1].text), item[0])
    )
    return ranked[0][1] if ranked else None


def decode_text(data: bytes, declared: str | None = None) -> str | None:
    """Given text bytes and an optional declared encoding, return the decoded str, or None if none fits."""
    decoded = decode_bytes(data, declared)
    return decoded.text if decoded is not None else None


def _candidate_decodes(data: bytes) -> list[tuple[int, int, Decoded]]:
    """Given bytes, return (Japanese score, -rank, decode) per candidate encoding decoding them strictly."""
    decoded: list[tuple[int, int, Decoded]] = []
    for rank, name in enumerate(CANDIDATE_ENCODINGS):
        if (found := _strict(data, name)) is not None:
            decoded.append((_japanese_score(found.text), -rank, found))
    return decoded


def bytes_to_decoded(
    data: bytes, source: str, *, not_text: str, unknown_encoding: str, declared: str | None = None
) -> Decoded:
    """Given a text file's bytes, return them decoded, or raise BrochureError with a reader's messages.

    `not_text` is raised for binary bytes, with `{holds}` replaced by what they look like
    (`describe_bytes`); `unknown_encoding` when no codec decodes them (more than MAX_BAD_SHARE
    of the bytes invalid in each).
    """
    if looks_binary(data):
        raise BrochureError(not_text.format(holds=describe_bytes(data)), stage="read", source=source)
    decoded = decode_bytes(data, declared)
    if decoded is None:
        raise BrochureError(unknown_encoding, stage="read", source=source)
    return decoded
