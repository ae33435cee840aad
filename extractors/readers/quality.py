"""Warnings about text a reader got but that is not what the brochure prints: mojibake, doubled glyphs.

A file decoded with the wrong charset (EUC-JP read as ISO-8859-1, UTF-8 as Shift_JIS), or a
PDF whose fonts map glyphs to the wrong code points, yields text that no extractor matches:
it publishes no rows, and without a warning nobody knows why. A fake-bold PDF prints each
glyph twice, a hair apart; kept doubled ("支支払払限限度度額額"), no cue word matches either.
Both are measured on the whole document, so that a few odd characters never warn.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractors.document import Page

#: what a warning about mojibake starts with (a Dagster check looks for it in documents.warnings)
MOJIBAKE = "the text looks like mojibake"
#: what a warning about doubled glyphs starts with
DOUBLED = "the text looks doubled"
#: share of suspect characters (see `_SUSPECT`) among the non-ASCII ones that makes text mojibake
MOJIBAKE_SHARE = 0.5
#: share of characters printed twice in a row that makes text doubled
DOUBLED_SHARE = 0.4
#: fewer characters than this are too few to judge
MIN_CHARS = 20

#: characters a wrong decoding of Japanese yields, and Japanese text hardly holds: Latin-1 and
#: Latin Extended letters (EUC-JP/Shift_JIS bytes read as ISO-8859-1 or cp1252), cp1252's
#: punctuation of 0x80–0x9F, the replacement character, private-use code points, half-width
#: katakana, and the kanji that UTF-8's lead bytes become when read as Shift_JIS (縺繧繝)
_SUSPECT = re.compile(
    "[\u0080-\u02ff\ufffd\ue000-\uf8ff\uff61-\uff9f縺繧繝"
    + re.escape(bytes(range(0x80, 0xA0)).decode("cp1252", errors="ignore"))
    + "]"
)
#: a character other than a space or an ASCII one
_NON_ASCII = re.compile(r"[^\x00-\x7f\s]")
#: a character printed twice in a row (spaces and ASCII digits and punctuation left out)
_TWICE = re.compile(r"([^\x00-\x40\s])\1")


def _share(found: int, total: int) -> str:
    """Given a count and its total, return the share as a whole percentage."""
    return f"{100 * found / total:.0f} %"


def mojibake_warning(text: str) -> str | None:
    """Given a document's text, return a warning if most of its non-ASCII characters are mojibake."""
    total = len(_NON_ASCII.findall(text))
    suspect = len(_SUSPECT.findall(text))
    if total < MIN_CHARS or suspect < MOJIBAKE_SHARE * total:
        return None
    return (
        f"{MOJIBAKE} ({_share(suspect, total)} of its non-ASCII characters are of a wrong decoding, "
        "such as Ã, ¤, ™ or ｱ): no rows can be read from it; save the file as UTF-8, or re-export the PDF"
    )


def doubled_warning(text: str) -> str | None:
    """Given a document's text, return a warning if most of its characters are printed twice in a row."""
    letters = [c for c in text if not c.isspace() and c > "\x40"]
    doubled = 2 * len(_TWICE.findall(text))
    if len(letters) < MIN_CHARS or doubled < DOUBLED_SHARE * len(letters):
        return None
    return (
        f"{DOUBLED} ({_share(doubled, len(letters))} of its characters are printed twice in a row, as "
        "fake-bold PDFs print them): cue words may not match; re-export the PDF without the bold effect"
    )


def text_warnings(pages: Iterable[Page]) -> tuple[str, ...]:
    """Given a document's pages, return the warnings about its text as a whole (none for clean text)."""
    text = "\n".join(line.text for page in pages for line in page.lines)
    return tuple(w for w in (mojibake_warning(text), doubled_warning(text)) if w)
