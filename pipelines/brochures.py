"""Brochure files under the raw folder, their partition keys, and reading one into rows or an error.

Plain Python (no dagster): the sensor, the assets and the CLI all list and read files here.

A partition key is the file's path relative to the raw folder (posix), which is also the
`source_file` of its rows. Dagster reserves `...` (key ranges) and control characters in
partition keys, and `,`, `|`, `[`, `]` separate keys in its UI and tags; those characters (and
`%` itself, so that the encoding is reversible) are percent-encoded. Ordinary names, Japanese
ones included, stay as they are.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

from extractors.errors import BrochureError
from extractors.extract import bytes_to_doc_id, file_to_extraction
from extractors.readers import SUPPORTED_SUFFIXES
from extractors.records import Extraction, IngestErrorRecord

#: what reading one brochure gives: everything it publishes, or the one reason it cannot
Result = Extraction | IngestErrorRecord

_RESERVED = frozenset("%,|[]")


def source_file_to_partition_key(source_file: str) -> str:
    """Given a path relative to the raw folder (posix), return its Dagster partition key."""
    key = "".join(
        quote(c, safe="") if c in _RESERVED or ord(c) < 0x20 or ord(c) == 0x7F else c for c in source_file
    )
    while "..." in key:  # every third dot of a run is encoded, so no run of three is left
        key = key.replace("...", "..%2E", 1)
    return key


def partition_key_to_source_file(key: str) -> str:
    """Given a partition key, return the path relative to the raw folder it stands for."""
    return unquote(key)


def _visible_files(raw_dir: Path) -> Iterator[PurePosixPath]:
    """Given the raw folder, return the relative path of every file at any depth, hidden ones left out.

    Hidden means a leading dot on the file or a folder on its way: editors' swap files,
    .gitkeep, .DS_Store, .git/.
    """
    for folder, dirs, files in os.walk(raw_dir):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if not name.startswith("."):
                yield PurePosixPath(Path(folder, name).relative_to(raw_dir).as_posix())


def list_brochures(raw_dir: Path, suffixes: Collection[str] = SUPPORTED_SUFFIXES) -> dict[str, Path]:
    """Given the raw folder, return {partition key: path} of every visible brochure file, by key."""
    found = {
        source_file_to_partition_key(str(relative)): raw_dir / relative
        for relative in _visible_files(raw_dir)
        if relative.suffix.lower() in suffixes
    }
    return dict(sorted(found.items()))


def list_unsupported(raw_dir: Path, suffixes: Collection[str] = SUPPORTED_SUFFIXES) -> list[str]:
    """Given the raw folder, return the visible files that are skipped for their extension."""
    return sorted(str(r) for r in _visible_files(raw_dir) if r.suffix.lower() not in suffixes)


def fingerprint(path: Path) -> str:
    """Given a file, return a cheap fingerprint of its version: size and modification time."""
    st = path.stat()
    return f"{st.st_size}-{st.st_mtime_ns}"


def fingerprints(files: Mapping[str, Path]) -> dict[str, str]:
    """Given {partition key: path}, return {partition key: fingerprint} of the files still there."""
    found = {}
    for key, path in files.items():
        try:
            found[key] = fingerprint(path)
        except FileNotFoundError:  # deleted between listing and stat: the next look sees it gone
            continue
    return found


@dataclass(frozen=True)
class UnexpectedError:
    """A bug met while reading a brochure: the error row to publish and the traceback to log."""

    record: IngestErrorRecord
    traceback: str


def brochure_to_result(raw_dir: Path, key: str) -> Result | UnexpectedError:
    """Given the raw folder and a partition key, return the brochure's Extraction or why it failed.

    A BrochureError becomes an IngestErrorRecord with its stage and message. Any other
    exception is a bug in the extractors; it is returned (not raised) so that one brochure
    cannot stop the others, with a message that says so.
    """
    source_file = partition_key_to_source_file(key)
    path = raw_dir / source_file
    try:
        return file_to_extraction(path, raw_dir)
    except BrochureError as e:
        message = e.message.strip() or f"{type(e).__name__} without a message"
        return IngestErrorRecord(source_file=source_file, doc_id=e.doc_id, stage=e.stage, error=message)
    except MemoryError:  # a budget, not a bug: the worker reading it says which (pipelines.workers)
        raise
    except Exception as e:
        try:
            doc_id: str | None = bytes_to_doc_id(path.read_bytes())
        except OSError:
            doc_id = None
        record = IngestErrorRecord(
            source_file=source_file,
            doc_id=doc_id,
            stage="extract",
            error=(
                f"the extractor crashed ({type(e).__name__}: {e}); this is a bug in the code, not in the "
                "file: report it with this file attached"
            ),
        )
        return UnexpectedError(record, traceback.format_exc())
