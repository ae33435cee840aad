"""Brochure files under the raw folder, their partition keys, and reading one into rows or an error.

Plain Python (no dagster): the sensor, the assets and the CLI all list and read files here.
Listing and hashing import nothing heavy (the readers are imported on the first read), so
that the CLI can answer an unchanged folder before pdfplumber, polars or dagster load.

A partition key is the file's path relative to the raw folder (posix), which is also the
`source_file` of its rows. Dagster reserves `...` (key ranges) and control characters in
partition keys, and `,`, `|`, `[`, `]` separate keys in its UI and tags; those characters (and
`%` itself, so that the encoding is reversible) are percent-encoded. Ordinary names, Japanese
ones included, stay as they are.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

from extractors.errors import BrochureError
from extractors.records import Extraction, IngestErrorRecord

#: what reading one brochure gives: everything it publishes, or the one reason it cannot
Result = Extraction | IngestErrorRecord

_RESERVED = frozenset("%,|[]")


def _key_char(c: str) -> str:
    """Given one character of a file name, return it as it stands in a partition key."""
    if "\udc80" <= c <= "\udcff":  # a byte of a name that is not UTF-8 (os.fsdecode's surrogateescape)
        return f"%{ord(c) - 0xDC00:02X}"
    return quote(c, safe="") if c in _RESERVED or ord(c) < 0x20 or ord(c) == 0x7F else c


def source_file_to_partition_key(source_file: str) -> str:
    """Given a path relative to the raw folder (posix), return its Dagster partition key."""
    key = "".join(_key_char(c) for c in source_file)
    while "..." in key:  # every third dot of a run is encoded, so no run of three is left
        key = key.replace("...", "..%2E", 1)
    return key


def partition_key_to_source_file(key: str) -> str:
    """Given a partition key, return the path relative to the raw folder it stands for, as valid UTF-8."""
    return printable_name(partition_key_to_file_name(key))


def partition_key_to_file_name(key: str) -> str:
    """Given a partition key, return the path relative to the raw folder that opens its file.

    The same as `partition_key_to_source_file` but for names that are not UTF-8, whose bytes
    come back as surrogates (os.fsdecode), as the file system needs them.
    """
    return unquote(key, errors="surrogateescape")


def printable_name(source_file: str) -> str:
    """Given a path relative to the raw folder, return it as valid UTF-8 (bytes that are not, as \\xNN)."""
    return source_file.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def confinement_problem(raw_dir: Path, source_file: str) -> str | None:
    """Given the raw folder and a path relative to it, return why it may not be read, or None if it may.

    Only regular files under the raw folder are read: a `..` in the key or a symbolic link whose
    target lies outside would publish files the operator never put there.
    """
    if ".." in PurePosixPath(source_file).parts or PurePosixPath(source_file).is_absolute():
        return "the path leaves the raw folder (it holds '..' or is absolute); only files under raw/ are read"
    if printable_name(source_file) != source_file:
        return (
            f"the file name is not valid UTF-8 (shown as {printable_name(source_file)}); rename the file "
            "(brochures' names must be UTF-8)"
        )
    path = raw_dir / source_file
    try:
        target = path.resolve()
    except (RuntimeError, OSError):  # Python 3.11 raises RuntimeError for a loop, 3.13 OSError
        return (
            "it is a symbolic link that leads back to itself (a loop of links); point it at a file or "
            "remove it"
        )
    if not target.is_relative_to(raw_dir.resolve()):
        return (
            f"it is a symbolic link to {target}, outside the raw folder; copy the file into raw/ instead "
            "of linking to it"
        )
    if target.exists() and not target.is_file():
        return "it is not a regular file (a device, pipe or folder); only regular files are read"
    return None


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


def list_brochures(raw_dir: Path) -> dict[str, Path]:
    """Given the raw folder, return {partition key: path} of every visible file, by key.

    Files of a type no reader reads (.docx, .xlsx) are brochures too: each gets an
    ingest_errors row saying so, in the CLI and the sensor alike, rather than a line on a console.
    """
    found = {
        source_file_to_partition_key(str(relative)): raw_dir / relative
        for relative in _visible_files(raw_dir)
    }
    return dict(sorted(found.items()))


def list_hidden(raw_dir: Path) -> list[str]:
    """Given the raw folder, return the hidden files and folders it skips (a folder once, not its files)."""
    hidden: list[str] = []
    for folder, dirs, files in os.walk(raw_dir):
        hidden.extend(Path(folder, d).relative_to(raw_dir).as_posix() for d in dirs if d.startswith("."))
        hidden.extend(Path(folder, f).relative_to(raw_dir).as_posix() for f in files if f.startswith("."))
        dirs[:] = [d for d in dirs if not d.startswith(".")]
    return sorted(hidden)


#: hex digits of a file's SHA-256 kept as its document id (64 bits: no two versions collide)
_DIGEST_HEX = 16


def open_regular_file(path: Path) -> io.BufferedReader:
    """Given a path, return it opened for reading; raise OSError unless it is a regular file.

    Opened without blocking, then checked: opened plainly, a named pipe waits for a writer
    forever (and a run hashing it would never start).
    """
    f = os.fdopen(os.open(path, os.O_RDONLY | os.O_NONBLOCK), "rb")
    if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
        f.close()
        raise OSError(f"{path}: not a regular file (a pipe, device or folder)")
    return f


def file_to_extraction(path: Path, raw_dir: Path) -> Extraction:
    """Given a brochure file and the raw folder, return everything it publishes (extractors.extract's)."""
    from extractors.extract import file_to_extraction as extract

    return extract(path, raw_dir)


def _doc_id_of(path: Path) -> str:
    """Given a file, return the first 16 hex digits of the SHA-256 of its bytes (its document id)."""
    with open_regular_file(path) as f:
        return hashlib.file_digest(f, "sha256").hexdigest()[:_DIGEST_HEX]


def file_doc_id(path: Path) -> str | None:
    """Given a brochure file, return its document id (as extractors compute it), None if unreadable."""
    try:
        return _doc_id_of(path)
    except OSError:
        return None


def content_digest(path: Path) -> str:
    """Given a file, return its document id ("unreadable" if it cannot be read, or is no file)."""
    try:
        return _doc_id_of(path)
    except FileNotFoundError:
        raise
    except OSError:  # no permission, a folder: its own read gives the error row
        return "unreadable"


def fingerprint(path: Path) -> str:
    """Given a file, return a fingerprint of its version: size, modification time and its document id.

    The document id (the SHA-256 of the bytes, as the stamps of `pipelines.versions` hold it)
    catches an edit that keeps size and modification time (a copy with `cp -p`, a restored
    backup, a clock set back); the sensor takes it from here, so each file is read once a tick.
    """
    st = path.stat()
    return f"{st.st_size}-{st.st_mtime_ns}-{content_digest(path)}"


def fingerprint_doc_id(fingerprint: str) -> str | None:
    """Given a fingerprint, return the document id it holds (None: the file was unreadable)."""
    digest = fingerprint.rsplit("-", 1)[-1]
    return None if digest == "unreadable" else digest


def fingerprints(files: Mapping[str, Path]) -> dict[str, str]:
    """Given {partition key: path}, return {partition key: fingerprint} of the files still there."""
    found = {}
    for key, path in files.items():
        try:
            found[key] = fingerprint(path)
        except FileNotFoundError:  # deleted between listing and stat: the next look sees it gone
            continue
    return found


def same_bytes(raw_dir: Path, name: str) -> list[str]:
    """Given the raw folder and a brochure's name, return the other brochures holding the same bytes, by key.

    Sizes are compared first, so only files of the same size are read.
    """
    path = raw_dir / name
    try:
        size, data = path.stat().st_size, b""
    except OSError:  # gone or unreadable: its own read says so
        return []
    twins = []
    for key, other in list_brochures(raw_dir).items():
        if other == path or confinement_problem(raw_dir, partition_key_to_file_name(key)):
            continue
        try:
            if other.stat().st_size == size and (data := data or path.read_bytes()) == other.read_bytes():
                twins.append(key)
        except OSError:
            continue
    return twins


def with_twins(result: Extraction, raw_dir: Path, key: str) -> Result:
    """Given a brochure's result, return it as published when other names hold the same bytes.

    Same bytes are one document (`doc_id` is their hash): the first name (by key) publishes it,
    with a warning naming the others, and each other name gets an ingest_errors row pointing
    there, so every table holds the document once and joins on doc_id do not repeat rows.
    """
    found = same_bytes(raw_dir, partition_key_to_file_name(key))
    if not found:
        return result
    twins = [partition_key_to_source_file(t) for t in found]
    source_file = partition_key_to_source_file(key)
    if (first := min([source_file, *twins], key=source_file_to_partition_key)) != source_file:
        error = (
            f"the same bytes as {first}, which publishes them (doc_id {result.document.doc_id}); a document "
            "is published once: delete this copy, or edit it if it should be a brochure of its own"
        )
        return IngestErrorRecord(source_file, result.document.doc_id, stage="read", error=error)
    note = f"the same bytes are also under {', '.join(twins)}; the document is published once, under this one"
    document = replace(result.document, warnings=(*result.document.warnings, note))
    return replace(result, document=document)


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
    name = partition_key_to_file_name(key)
    source_file = printable_name(name)
    path = raw_dir / name
    if problem := confinement_problem(raw_dir, name):
        return IngestErrorRecord(source_file=source_file, doc_id=None, stage="read", error=problem)
    try:
        return with_twins(file_to_extraction(path, raw_dir), raw_dir, key)
    except BrochureError as e:
        message = e.message.strip() or f"{type(e).__name__} without a message"
        return IngestErrorRecord(source_file=source_file, doc_id=e.doc_id, stage=e.stage, error=message)
    except MemoryError:  # a budget, not a bug: the worker reading it says which (pipelines.workers)
        raise
    except Exception as e:
        doc_id = file_doc_id(path)
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
