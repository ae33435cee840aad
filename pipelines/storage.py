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

A brochure's rows span several tables, so the warehouse publishes them as one transaction
(local disks): a run stages every table's file of a brochure under
`<base>/.staging/<pid>-<run>/<stem>/<table>.parquet`, and once all of them are there it
writes a `COMMITTED` marker in the brochure's folder and moves the files into place. A run
killed before the marker leaves only staged files, deleted by the next run (`recover`); one
killed after it has its moves finished by the next run. Between the two, `files()` and every
read here honour committed markers (the staged file stands for the one not yet moved), so
the summary and the checks never see a brochure half old and half new; a reader of the bare
files (`<table>/*.parquet`) can, only in the few milliseconds of one brochure's moves.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
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
#: the warehouse's folder of staged transactions (hidden: no reader's glob on a table enters it)
STAGING = ".staging"
#: the marker that commits one brochure's staged files: JSON {"delete": [tables]}
COMMITTED = "COMMITTED"
#: the folder of the compacted layer: `<table>.parquet` (every partition's rows, each with the stem
#: of its file in PARTITION_FILE) and `<table>.json` (the sizes and times of the files it was built from)
COMPACTED = "_compacted"
PARTITION_FILE = "__partition_file"
#: the folder of a transaction holding one empty file per table staged
_STAGED_TABLES = ".tables"
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


def write_atomically(path: UPath, write: Callable[[BinaryIO], object]) -> None:
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


def _write_json(value: object, f: BinaryIO) -> None:
    """Given a JSON-able value and a binary file, write the value to it as JSON."""
    f.write(json.dumps(value).encode())


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

    def pending(self) -> dict[str, dict[str, UPath | None]]:
        """Given nothing, return {stem: {table: staged file or None (deleted)}} committed, not in place."""
        return {}

    def stems(self, table: str) -> dict[str, UPath]:
        """Given a table, return {partition file stem: file to read}, by stem (committed staging honoured)."""
        folder = self.table_dir(table)
        found = {}
        if folder.exists():
            found = {
                p.name.removesuffix(self.suffix): p
                for p in folder.iterdir()
                if p.name.endswith(self.suffix) and not p.name.startswith(".")
            }
        for stem, plan in self.pending().items():
            if table in plan:
                staged = plan[table]
                if staged is None:
                    found.pop(stem, None)
                else:
                    found[stem] = staged
        return dict(sorted(found.items()))

    def files(self, table: str) -> list[UPath]:
        """Given a table, return its files, by partition (temporary and hidden files left out)."""
        return list(self.stems(table).values())

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

    def remove(self, stem: str, tables: Collection[str]) -> None:
        """Given a partition file stem and tables, delete its file in each of them."""
        for table in tables:
            with suppress(FileNotFoundError):
                (self.table_dir(table) / f"{stem}{self.suffix}").unlink()

    def prune(self, tables: Iterable[str], keep: Collection[str]) -> list[UPath]:
        """Given tables and the partition keys to keep, delete every other partition's files; return them."""
        kept = {partition_file_stem(k) for k in keep}
        doomed: dict[str, list[str]] = {}
        removed = []
        for table in tables:
            for stem in self.stems(table):
                if stem not in kept:
                    doomed.setdefault(stem, []).append(table)
                    removed.append(self.table_dir(table) / f"{stem}{self.suffix}")
        for stem, in_tables in doomed.items():
            self.remove(stem, in_tables)
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

    def is_published(self, table: str, key: str | None, schema: pl.Schema) -> bool:
        """Given a partition and the schema of its rows, return whether a readable file of it is there.

        A file whose schema differs (written by an older version of the tables) counts as
        absent, so that one stale file cannot make the whole table unreadable as one dataset.
        """
        path = self.path(table, key)
        if not path.exists():
            return False
        try:
            return self.read_schema(path) == schema
        except Exception:  # unreadable counts as absent
            return False

    def write_unless_published(self, table: str, key: str | None, frame: pl.DataFrame) -> bool:
        """Given a partition's rows, write them unless a file of that schema is there; return if written."""
        if self.is_published(table, key, frame.schema):
            return False
        self.write(table, key, frame)
        return True

    # transactions: a brochure's files of every table published together (local disks)

    def staging(self) -> Path:
        """Given nothing, return the folder of staged transactions."""
        return Path(self.base.path) / STAGING

    def transaction(self, run: str) -> Path:
        """Given a run's id, return the folder its files are staged in (named with this process's id)."""
        return self.staging() / f"{os.getpid()}-{run}"

    def stage(self, transaction: Path, table: str, key: str | None, frame: pl.DataFrame) -> None:
        """Given a transaction, a table, a partition key and its rows, stage the partition's file."""
        stem = UNPARTITIONED if key is None else partition_file_stem(key)
        write_atomically(UPath(transaction / stem / f"{table}{self.suffix}"), frame.write_parquet)

    def mark_staged(self, transaction: Path, table: str) -> set[str]:
        """Given a transaction and a table whose files are all staged, record it; return the tables staged."""
        marks = transaction / _STAGED_TABLES
        marks.mkdir(parents=True, exist_ok=True)
        (marks / table).touch()
        return {p.name for p in marks.iterdir()}

    def commit(self, transaction: Path) -> int:
        """Given a transaction whose tables are all staged, publish it per brochure; return the count."""
        brochures = (
            sorted(p for p in transaction.iterdir() if not p.name.startswith("."))
            if transaction.is_dir()
            else []
        )
        for folder in brochures:
            self._commit_brochure(folder, ())
        shutil.rmtree(transaction, ignore_errors=True)
        return len(brochures)

    def remove(self, stem: str, tables: Collection[str]) -> None:
        """Given a partition file stem and tables, delete its file in each of them, in one transaction."""
        if not is_local(self.base):
            super().remove(stem, tables)
            return
        transaction = self.transaction(f"remove-{uuid.uuid4().hex}")
        self._commit_brochure(transaction / stem, tables)
        shutil.rmtree(transaction, ignore_errors=True)

    def _commit_brochure(self, folder: Path, delete: Collection[str]) -> None:
        """Given a brochure's staging folder and the tables to delete its file from, commit and apply it."""
        plan = json.dumps({"delete": sorted(delete)}).encode()
        folder.mkdir(parents=True, exist_ok=True)
        write_atomically(UPath(folder / COMMITTED), lambda f: f.write(plan))
        self._apply(folder)

    def _apply(self, folder: Path) -> None:
        """Given a committed brochure's staging folder, move its files into place and delete it."""
        plan = json.loads((folder / COMMITTED).read_text(encoding="utf-8"))
        super().remove(folder.name, plan["delete"])
        for staged in sorted(folder.glob(f"*{self.suffix}")):
            self._move(
                staged,
                Path(self.table_dir(staged.name.removesuffix(self.suffix)).path)
                / f"{folder.name}{self.suffix}",
            )
        shutil.rmtree(folder, ignore_errors=True)

    def _move(self, staged: Path, target: Path) -> None:
        """Given a staged file and its place in a table, move it there (replacing the old file at once)."""
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged, target)

    def recover(self) -> list[Path]:
        """Given nothing, finish the commits of killed runs, drop what they staged uncommitted; return them.

        A transaction whose writer still runs is left alone.
        """
        if not is_local(self.base) or not self.staging().is_dir():
            return []
        removed = []
        for transaction in sorted(self.staging().iterdir()):
            pid = transaction.name.split("-", 1)[0]
            if pid.isdigit() and is_alive(int(pid)):
                continue
            for folder in sorted(transaction.iterdir()) if transaction.is_dir() else []:
                if (folder / COMMITTED).is_file():
                    self._apply(folder)
            shutil.rmtree(transaction, ignore_errors=True)
            with suppress(FileNotFoundError):
                transaction.unlink()  # a stray file, not a folder
            removed.append(transaction)
        return removed

    def pending(self) -> dict[str, dict[str, UPath | None]]:
        """Given nothing, return {stem: {table: staged file or None (deleted)}} committed, not in place."""
        if not is_local(self.base) or not self.staging().is_dir():
            return {}
        pending: dict[str, dict[str, UPath | None]] = {}
        for marker in self.staging().glob(f"*/*/{COMMITTED}"):
            try:
                plan = json.loads(marker.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            entry = pending.setdefault(marker.parent.name, {})
            entry.update(dict.fromkeys(plan["delete"]))
            entry.update(
                {p.name.removesuffix(self.suffix): UPath(p) for p in marker.parent.glob(f"*{self.suffix}")}
            )
        return pending

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
        stem = path.name.removesuffix(self.suffix)
        plan = self.pending().get(stem, {})
        staged = plan.get(table, path)
        if staged is None or (staged is path and not path.exists()):
            raise FileNotFoundError(f"{table}: partition {key!r} is not published ({path} does not exist)")
        return self._read_published(table, stem, staged)

    def _read_published(self, table: str, stem: str, path: UPath) -> pl.DataFrame:
        """Given a partition's file as `stems` found it, return its rows (read in place if moved since)."""
        try:
            return self.read_file(path)
        except FileNotFoundError:
            if STAGING not in Path(path.path).parts:
                raise
            return self.read_file(self.table_dir(table) / f"{stem}{self.suffix}")

    def count_rows(self, path: UPath) -> int:
        """Given a Parquet file, return its row count (local files: from the footer, rows unread)."""
        if is_local(path):
            return int(pl.scan_parquet(path.path).select(pl.len()).collect().item())
        return self.read_file(path).height

    def read_table(self, table: str, schema: pl.Schema | None = None) -> pl.DataFrame:
        """Given a table, return all its partitions as one frame (empty, with `schema`, if it has none)."""
        frames = [self._read_published(table, s, p) for s, p in self.stems(table).items()]
        if not frames:
            return pl.DataFrame(schema=schema)
        return pl.concat(frames, how="vertical")

    def partition_frames(self, table: str) -> dict[str, pl.DataFrame]:
        """Given a table, return {file stem: rows} of every partition file."""
        return {s: self._read_published(table, s, p) for s, p in self.stems(table).items()}

    # the compacted layer: one file per table, so that queries do not open a file per brochure

    def compacted_path(self, table: str) -> UPath:
        """Given a table, return its compacted file (every partition's rows, with their file stem)."""
        return self.base / COMPACTED / f"{table}{self.suffix}"

    def _signature(self, table: str) -> dict[str, list[int]]:
        """Given a table, return {partition file stem: [size, mtime ns]} of the files it is read from."""
        signature = {}
        for stem, path in self.stems(table).items():
            info = path.stat()
            # object stores give a float mtime (or none: then the size alone tells a change)
            mtime_ns = getattr(info, "st_mtime_ns", None) or int((getattr(info, "st_mtime", 0) or 0) * 1e9)
            signature[stem] = [int(info.st_size), int(mtime_ns)]
        return signature

    def _compacted_signature(self, table: str) -> dict[str, list[int]] | None:
        """Given a table, return the signature its compacted file was built from, None if there is none."""
        path = self.compacted_path(table).with_suffix(".json")
        try:
            signature: dict[str, list[int]] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return signature if self.compacted_path(table).exists() else None

    def compact(self, tables: Iterable[str]) -> list[str]:
        """Given partitioned tables, bring each one's compacted file up to date; return the tables rebuilt.

        Only the partitions whose file changed (size or modification time) since the last
        compaction are read again; the others' rows are taken from the old compacted file.
        """
        rebuilt = []
        for table in tables:
            now, before = self._signature(table), self._compacted_signature(table)
            if now == before or (not now and before is None):
                continue
            changed = [s for s in now if before is None or before.get(s) != now[s]]
            frames = [
                self.read_file(self.stems(table)[s]).with_columns(pl.lit(s).alias(PARTITION_FILE))
                for s in changed
            ]
            if before is not None:
                old = self.read_file(self.compacted_path(table))
                frames.insert(0, old.filter(pl.col(PARTITION_FILE).is_in(set(now) - set(changed))))
            if (
                not now
            ):  # no partition left: no compacted file either (readers fall back to the table's folder)
                for path in (self.compacted_path(table), self.compacted_path(table).with_suffix(".json")):
                    with suppress(FileNotFoundError):
                        path.unlink()
                rebuilt.append(table)
                continue
            compacted = pl.concat(frames, how="diagonal_relaxed").sort(PARTITION_FILE, maintain_order=True)
            write_atomically(self.compacted_path(table), compacted.write_parquet)
            write_atomically(
                self.compacted_path(table).with_suffix(".json"), functools.partial(_write_json, now)
            )
            rebuilt.append(table)
        return rebuilt

    def compacted_partition_frames(self, table: str) -> dict[str, pl.DataFrame]:
        """Given a table, return {file stem: rows} from its compacted file (the partition files if stale)."""
        if self._compacted_signature(table) != self._signature(table):
            return self.partition_frames(table)
        compacted = self.read_file(self.compacted_path(table))
        by_stem = {
            str(key[0]): frame.drop(PARTITION_FILE)
            for key, frame in compacted.partition_by(
                PARTITION_FILE, as_dict=True, maintain_order=True
            ).items()
        }
        # an empty partition file has no rows in the compacted one, but it is a partition all the same
        empty = compacted.drop(PARTITION_FILE).clear()
        return {stem: by_stem.get(stem, empty) for stem in self.stems(table)}

    def doomed(self, tables: Iterable[str], keep: Collection[str]) -> list[str]:
        """Given tables and the partition keys to keep, return the file stems a prune would delete."""
        kept = {partition_file_stem(k) for k in keep}
        return sorted({stem for table in tables for stem in self.stems(table) if stem not in kept})

    def holds(self, tables: Iterable[str]) -> bool:
        """Given unpartitioned tables, return whether each has its file."""
        return all(self.path(table, None).exists() for table in tables)

    def read_compacted(self, table: str, empty: pl.DataFrame) -> pl.DataFrame:
        """Given a partitioned table and its empty frame, return all its rows (from the compacted file)."""
        frames = [f for f in self.compacted_partition_frames(table).values() if f.height]
        return pl.concat(frames, how="vertical") if frames else empty
