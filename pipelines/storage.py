"""Files of partitioned tables under a local folder or an object-store URL (universal_pathlib).

Plain Python (no dagster). Layout: `<base>/<table>/<partition file name><suffix>`, one file
per table and partition, all files of a table in one flat folder, so that
`<base>/<table>/**/*.parquet` reads the table whole (with or without hive partitioning: no
folder name holds a `=`).

On a local disk a file is written under a hidden temporary name in the same folder and then
renamed over the old one (`os.replace` is atomic on POSIX), so a reader sees the old file or
the new one, never half of one; a crash leaves at most a hidden `.*.tmp` file that no glob
on `*.parquet` picks up. Object stores (s3://, gs://, memory://, …) replace an object in one
PUT, so files are written there directly.
"""

from __future__ import annotations

import hashlib
import os
import re
import uuid
from collections.abc import Callable, Collection, Iterable
from contextlib import suppress
from pathlib import Path
from typing import BinaryIO

import polars as pl
from upath import UPath

#: the repository root: relative default locations are resolved against it, not the CWD
PROJECT_ROOT = Path(__file__).resolve().parents[1]
LOCAL_PROTOCOLS = frozenset({"", "file", "local"})
#: file name of an unpartitioned table's one file
UNPARTITIONED = "data"
_MAX_NAME_BYTES = 150  # file systems allow 255 bytes; leave room for suffix and temp prefix


def location_to_upath(location: str | os.PathLike[str], root: Path = PROJECT_ROOT) -> UPath:
    """Given a folder or URL, return it as a UPath; a relative local path is taken under `root`."""
    text = os.fspath(location)
    if "://" in text:
        return UPath(text)
    path = Path(text).expanduser()
    return UPath(path if path.is_absolute() else root / path)


def is_local(path: UPath) -> bool:
    """Given a UPath, return whether it is on the local file system."""
    return path.protocol in LOCAL_PROTOCOLS


def partition_file_stem(key: str) -> str:
    """Given a partition key, return the file name (without suffix) that holds its rows.

    Letters and digits of any script, `-`, `_` and `.` stay; everything else (`/` above all)
    is percent-encoded, and so is a leading dot (hidden files are skipped by readers). A name
    too long for a file system is cut and made unique again with a hash of the key.
    """
    # `~` too is encoded (urllib's quote keeps it), so that it can mark cut names below
    stem = "".join(c if c.isalnum() or c in "-_." else "".join(f"%{b:02X}" for b in c.encode()) for c in key)
    if stem.startswith("."):
        stem = "%2E" + stem[1:]
    if len(stem.encode("utf-8")) > _MAX_NAME_BYTES:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]
        while len(stem.encode("utf-8")) > _MAX_NAME_BYTES - 17:
            stem = stem[:-1]
        stem = f"{stem}~{digest}"  # `~` is encoded everywhere else, so cut names never collide
    return stem


def write_atomically(path: UPath, write: Callable[[BinaryIO], None]) -> None:
    """Given a target path and a function writing bytes to a file, write the file all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not is_local(path):
        with path.open("wb") as f:
            write(f)
        return
    target = Path(path.path)
    # the writer's pid in the name lets a later run tell an orphan from a file being written
    temporary = target.with_name(f".{target.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
    try:
        with open(temporary, "xb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temporary, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


#: a temporary file of write_atomically: `.<name>.<pid>.<hex>.tmp` (older versions: no pid)
_TEMPORARY = re.compile(r"^\..+?\.(?:(?P<pid>\d+)\.)?[0-9a-f]{32}\.tmp$")


def is_alive(pid: int) -> bool:
    """Given a process id, return whether that process still runs on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


def orphan_temporaries(folder: Path) -> list[Path]:
    """Given a folder, return the temporary files in it whose writer is gone (killed mid-write)."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _TEMPORARY.match(path.name)
        if match and not (match.group("pid") and is_alive(int(match.group("pid")))):
            found.append(path)
    return sorted(found)


class PartitionedFiles:
    """One file per table and partition under a base folder: `<base>/<table>/<stem><suffix>`."""

    def __init__(self, base: UPath, suffix: str) -> None:
        self.base = base
        self.suffix = suffix

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.base)!r})"

    def table_dir(self, table: str) -> UPath:
        """Given a table, return the folder holding its files."""
        return self.base / table

    def path(self, table: str, key: str | None) -> UPath:
        """Given a table and a partition key (None: unpartitioned), return the file holding its rows."""
        stem = UNPARTITIONED if key is None else partition_file_stem(key)
        return self.table_dir(table) / f"{stem}{self.suffix}"

    def files(self, table: str) -> list[UPath]:
        """Given a table, return its files, sorted by name (temporary and hidden files left out)."""
        folder = self.table_dir(table)
        if not folder.exists():
            return []
        found = [p for p in folder.iterdir() if p.name.endswith(self.suffix) and not p.name.startswith(".")]
        return sorted(found, key=lambda p: p.name)

    def sweep(self, tables: Iterable[str]) -> list[Path]:
        """Given tables, delete the temporary files that killed writers left in their folders; return them."""
        if not is_local(self.base):
            return []
        removed = []
        for table in tables:
            for path in orphan_temporaries(Path(self.table_dir(table).path)):
                with suppress(FileNotFoundError):
                    path.unlink()
                    removed.append(path)
        return removed

    def prune(self, tables: Iterable[str], keep: Collection[str]) -> list[UPath]:
        """Given tables and the partition keys to keep, delete every other partition's file; return them."""
        kept = {f"{partition_file_stem(k)}{self.suffix}" for k in keep}
        removed = []
        for table in tables:
            for path in self.files(table):
                if path.name not in kept:
                    path.unlink()
                    removed.append(path)
        return removed


class Warehouse(PartitionedFiles):
    """The published Parquet tables."""

    def __init__(self, base: UPath) -> None:
        super().__init__(base, ".parquet")

    @classmethod
    def at(cls, location: str | os.PathLike[str]) -> Warehouse:
        """Given a folder or URL (relative: under the repository root), return the Warehouse there."""
        return cls(location_to_upath(location))

    def write(self, table: str, key: str | None, frame: pl.DataFrame) -> UPath:
        """Given a table, a partition key and its rows, replace the partition's file; return its path.

        An empty frame still writes a file, holding the schema.
        """
        path = self.path(table, key)
        write_atomically(path, frame.write_parquet)
        return path

    def write_unless_published(self, table: str, key: str | None, frame: pl.DataFrame) -> bool:
        """Given a partition's rows, write them unless a file of the same schema is there; return if written.

        A file whose schema differs (written by an older version of the tables) is replaced,
        so that one stale file cannot make the whole table unreadable as one dataset.
        """
        path = self.path(table, key)
        if path.exists():
            with suppress(Exception):  # unreadable counts as absent
                if self.read_schema(path) == frame.schema:
                    return False
        self.write(table, key, frame)
        return True

    def read_schema(self, path: UPath) -> pl.Schema:
        """Given a Parquet file, return its schema without reading the rows."""
        with path.open("rb") as f:
            return pl.Schema(pl.read_parquet_schema(f))

    def read_file(self, path: UPath) -> pl.DataFrame:
        """Given a Parquet file, local or remote, return its rows."""
        if is_local(path):
            return pl.read_parquet(path.path)
        with path.open("rb") as f:
            return pl.read_parquet(f)

    def read(self, table: str, key: str | None) -> pl.DataFrame:
        """Given a table and a partition key, return its rows; raise FileNotFoundError if unpublished."""
        path = self.path(table, key)
        if not path.exists():
            raise FileNotFoundError(f"{table}: partition {key!r} is not published ({path} does not exist)")
        return self.read_file(path)

    def read_table(self, table: str, schema: pl.Schema | None = None) -> pl.DataFrame:
        """Given a table, return all its partitions as one frame (empty, with `schema`, if it has none)."""
        frames = [self.read_file(p) for p in self.files(table)]
        if not frames:
            return pl.DataFrame(schema=schema)
        return pl.concat(frames, how="vertical")

    def partition_frames(self, table: str) -> dict[str, pl.DataFrame]:
        """Given a table, return {file stem: rows} of every partition file."""
        return {p.name.removesuffix(self.suffix): self.read_file(p) for p in self.files(table)}
