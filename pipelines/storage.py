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

A brochure's rows span several tables, so the warehouse publishes them as one transaction: a
run stages every table's file of a brochure under
`<base>/.staging/<pid>-<run>/<stem>/<table>.parquet`, and once all of them are there it
writes a `COMMITTED` marker in the brochure's folder and moves the files into place. A run
killed before the marker leaves only staged files, deleted by the next run (`recover`); one
killed after it has its moves finished by the next run. Between the two, `files()` and every
read here honour committed markers (the staged file stands for the one not yet moved), so
the summary and the checks never see a brochure half old and half new; a reader of the bare
files (`<table>/*.parquet`) can, only in the few milliseconds of one brochure's moves.

On an object store the same protocol holds with what the store offers: an object appears
whole at its one PUT (the marker too) and listings are strongly consistent (S3 since 2020,
GCS, Azure), but there is no rename: a move is a server-side copy (the target object appears
whole, at once) and then the deletion of the staged object, so two runs finishing the same
commit are harmless (the second finds the staged object gone and leaves the target). Writers
share the store from several machines, where a process id says nothing: a transaction there
is named `<pid>-<run>@<host>`, and another machine's transaction is never taken for a killed
one; its committed brochures are still finished (they must be: their markers would otherwise
stand for files that later runs replace), its uncommitted files are left to their writer.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import socket
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
        url = UPath(text)
        # fsspec caches a folder's listing for the life of the process: a long-lived one (a Dagster
        # code server, a Dask worker) would not see what other processes publish or commit
        return url if is_local(url) else UPath(text, use_listings_cache=False)
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
    if not is_local(path):  # no folders to make: a key's prefix exists with the key
        with path.open("wb") as f:
            write(f)
        return
    target = Path(path.path)
    target.parent.mkdir(parents=True, exist_ok=True)
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


#: what `writer_state` says of a transaction's writer
RUNNING, GONE, ELSEWHERE = "running", "gone", "elsewhere"


def writer_state(transaction: str) -> str:
    """Given a transaction's name, return whether its writer runs, is gone, or is on another machine.

    Names are `<pid>-<run>` (local disks) or `<pid>-<run>@<host>` (object stores).
    """
    name, at, host = transaction.partition("@")
    if at and host != socket.gethostname():
        return ELSEWHERE
    pid = name.split("-", 1)[0]
    return RUNNING if pid.isdigit() and is_alive(int(pid)) else GONE


def remove_tree(path: UPath) -> None:
    """Given a folder, local or on an object store, delete it with everything in it (absent: nothing)."""
    if is_local(path):
        shutil.rmtree(path.path, ignore_errors=True)
        return
    with suppress(FileNotFoundError):
        path.fs.rm(path.path, recursive=True)


def brochure_folders(staging: UPath) -> dict[str, list[str]]:
    """Given the staging folder, return {"<transaction>/<stem>": file names} of every brochure folder in it.

    One listing of everything under it (on an object store one LIST, where a glob of
    `*/*/COMMITTED` lists each transaction and brochure folder on its own).
    """
    try:
        found = staging.fs.find(staging.path)
    except FileNotFoundError:
        return {}
    folders: dict[str, list[str]] = {}
    for key in sorted(found):
        transaction, _, rest = key.removeprefix(staging.path).strip("/").partition("/")
        stem, _, name = rest.partition("/")
        if name and "/" not in name:
            folders.setdefault(f"{transaction}/{stem}", []).append(name)
    return folders


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

    # transactions: a brochure's files of every table published together

    def staging(self) -> UPath:
        """Given nothing, return the folder of staged transactions."""
        return self.base / STAGING

    def transaction(self, run: str) -> UPath:
        """Given a run's id, return the folder its files are staged in (named after this process)."""
        name = f"{os.getpid()}-{run}"
        return self.staging() / (name if is_local(self.base) else f"{name}@{socket.gethostname()}")

    def stage(self, transaction: UPath, table: str, key: str | None, frame: pl.DataFrame) -> None:
        """Given a transaction, a table, a partition key and its rows, stage the partition's file."""
        stem = UNPARTITIONED if key is None else partition_file_stem(key)
        write_atomically(transaction / stem / f"{table}{self.suffix}", frame.write_parquet)

    def mark_staged(self, transaction: UPath, table: str) -> set[str]:
        """Given a transaction and a table whose files are all staged, record it; return the tables staged."""
        marks = transaction / _STAGED_TABLES
        if is_local(marks):  # on an object store the empty object makes its prefix
            marks.mkdir(parents=True, exist_ok=True)
        (marks / table).touch()
        return {p.name for p in marks.iterdir()}

    def commit(self, transaction: UPath) -> int:
        """Given a transaction whose tables are all staged, publish it per brochure; return the count."""
        brochures = (
            sorted(p for p in transaction.iterdir() if not p.name.startswith("."))
            if transaction.is_dir()
            else []
        )
        for folder in brochures:
            self._commit_brochure(folder, ())
        remove_tree(transaction)
        return len(brochures)

    def remove(self, stem: str, tables: Collection[str]) -> None:
        """Given a partition file stem and tables, delete its file in each of them, in one transaction."""
        transaction = self.transaction(f"remove-{uuid.uuid4().hex}")
        self._commit_brochure(transaction / stem, tables)
        remove_tree(transaction)

    def _commit_brochure(self, folder: UPath, delete: Collection[str]) -> None:
        """Given a brochure's staging folder and the tables to delete its file from, commit and apply it."""
        plan = json.dumps({"delete": sorted(delete)}).encode()
        write_atomically(folder / COMMITTED, lambda f: f.write(plan))
        self._apply(folder)

    def _apply(self, folder: UPath) -> None:
        """Given a committed brochure's staging folder, move its files into place and delete it."""
        try:
            plan = json.loads((folder / COMMITTED).read_text(encoding="utf-8"))
        except FileNotFoundError:  # another run (object stores: another machine) has just finished it
            return
        super().remove(folder.name, plan["delete"])
        for staged in sorted(folder.glob(f"*{self.suffix}")):
            self._move(
                staged, self.table_dir(staged.name.removesuffix(self.suffix)) / f"{folder.name}{self.suffix}"
            )
        # the marker goes last: until then, readers take the staged files for the ones not yet moved
        remove_tree(folder)

    def _move(self, staged: UPath, target: UPath | Path) -> None:
        """Given a staged file and its place in a table, move it there (replacing the old file at once)."""
        if is_local(staged):
            place = Path(target.path if isinstance(target, UPath) else target)
            place.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staged.path, place)
            return
        # no rename on an object store: a server-side copy, whose target appears whole and at once,
        # then the staged object's deletion; a staged object already gone was moved by another run
        # finishing the same commit, which left the same bytes in place
        fs, target_path = staged.fs, UPath(target).path
        try:
            fs.copy(staged.path, target_path)
        except FileNotFoundError:
            return
        with suppress(FileNotFoundError):
            fs.rm(staged.path)

    def recover(self) -> list[UPath]:
        """Given nothing, finish the commits of killed runs, drop what they staged uncommitted; return them.

        A transaction whose writer still runs is left alone; on an object store, one of another
        machine's, whose writer cannot be told from here, has its committed brochures finished
        and the rest left.
        """
        if not self.staging().is_dir():
            return []
        removed = []
        for transaction in sorted(self.staging().iterdir()):
            owner = writer_state(transaction.name)
            if owner == RUNNING:
                continue
            for folder in sorted(transaction.iterdir()) if transaction.is_dir() else []:
                if (folder / COMMITTED).is_file():
                    self._apply(folder)
            if owner == ELSEWHERE:
                continue
            remove_tree(transaction)
            with suppress(FileNotFoundError):
                transaction.unlink()  # a stray file, not a folder
            removed.append(transaction)
        return removed

    def pending(self) -> dict[str, dict[str, UPath | None]]:
        """Given nothing, return {stem: {table: staged file or None (deleted)}} committed, not in place."""
        staging = self.staging()
        folders = brochure_folders(staging)
        pending: dict[str, dict[str, UPath | None]] = {}
        for folder, names in folders.items():
            if COMMITTED not in names:
                continue
            try:
                plan = json.loads((staging / folder / COMMITTED).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            entry = pending.setdefault(folder.partition("/")[2], {})
            entry.update(dict.fromkeys(plan["delete"]))
            entry.update(
                {n.removesuffix(self.suffix): staging / folder / n for n in names if n.endswith(self.suffix)}
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
        if is_local(self.base):
            return self._local_signature(table)
        signature = {}
        for stem, path in self.stems(table).items():
            info = path.stat()
            # object stores give a float mtime (or none: then the size alone tells a change)
            mtime_ns = getattr(info, "st_mtime_ns", None) or int((getattr(info, "st_mtime", 0) or 0) * 1e9)
            signature[stem] = [int(info.st_size), int(mtime_ns)]
        return signature

    def _local_signature(self, table: str) -> dict[str, list[int]]:
        """Given a table of a local warehouse, return its signature from one scandir pass of its folder."""
        signature = {}
        with (
            suppress(FileNotFoundError, NotADirectoryError),
            os.scandir(self.table_dir(table).path) as entries,
        ):
            for entry in entries:
                if entry.name.endswith(self.suffix) and not entry.name.startswith("."):
                    info = entry.stat()
                    signature[entry.name.removesuffix(self.suffix)] = [info.st_size, info.st_mtime_ns]
        for stem, plan in self.pending().items():  # committed, not yet moved: the staged file stands
            if table not in plan:
                continue
            staged = plan[table]
            if staged is None:
                signature.pop(stem, None)
                continue
            with suppress(FileNotFoundError):  # moved into place meanwhile: the next look sees it there
                info = os.stat(staged.path)
                signature[stem] = [info.st_size, info.st_mtime_ns]
        return dict(sorted(signature.items()))

    def _compacted_signature(self, table: str) -> dict[str, list[int]] | None:
        """Given a table, return the signature its compacted file was built from, None if there is none."""
        path = self.compacted_path(table).with_suffix(".json")
        try:
            signature: dict[str, list[int]] = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return signature if self.compacted_path(table).exists() else None

    def _merged(
        self, table: str, now: dict[str, list[int]], before: dict[str, list[int]] | None
    ) -> pl.DataFrame:
        """Given a table with partitions and its signatures now and at the last compaction, return every
        partition's rows with their stem, reading only the partition files that changed since."""
        changed = [s for s in now if before is None or before.get(s) != now[s]]
        stems = self.stems(table) if changed else {}
        frames = [self.read_file(stems[s]).with_columns(pl.lit(s).alias(PARTITION_FILE)) for s in changed]
        if before is not None:
            old = self.read_file(self.compacted_path(table))
            frames.insert(0, old.filter(pl.col(PARTITION_FILE).is_in(set(now) - set(changed))))
        return pl.concat(frames, how="diagonal_relaxed").sort(PARTITION_FILE, maintain_order=True)

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
            if not now:  # no partition left: no compacted file either (readers fall back to the folder)
                for path in (self.compacted_path(table), self.compacted_path(table).with_suffix(".json")):
                    with suppress(FileNotFoundError):
                        path.unlink()
                rebuilt.append(table)
                continue
            compacted = self._merged(table, now, before)
            write_atomically(self.compacted_path(table), compacted.write_parquet)
            write_atomically(
                self.compacted_path(table).with_suffix(".json"), functools.partial(_write_json, now)
            )
            rebuilt.append(table)
        return rebuilt

    def _compacted_rows(self, table: str) -> pl.DataFrame | None:
        """Given a table, return every partition's rows with their stem as compaction would now make
        them (without writing), None when the table has no partition or no compacted file yet."""
        now, before = self._signature(table), self._compacted_signature(table)
        if not now or before is None:
            return None
        if now == before:
            return self.read_file(self.compacted_path(table))
        # a run has just published some brochures: their files, the rest from the compacted file
        return self._merged(table, now, before)

    def row_counts(self, table: str) -> dict[str, int]:
        """Given a table, return {partition file stem: rows}: one column of the compacted file for the
        partitions unchanged since the compaction, each changed file's footer for the others."""
        now, before = self._signature(table), self._compacted_signature(table)
        if before is None:
            return {s: self.count_rows(p) for s, p in self.stems(table).items()}
        changed = {s for s in now if before.get(s) != now[s]}
        path = self.compacted_path(table)
        if is_local(path):
            stems = pl.scan_parquet(path.path).select(PARTITION_FILE).collect()
        else:
            stems = self.read_file(path).select(PARTITION_FILE)
        counted = stems.group_by(PARTITION_FILE).len()
        counts = {str(stem): int(n) for stem, n in counted.iter_rows() if stem not in changed}
        files = self.stems(table) if changed else {}
        counts.update({s: self.count_rows(files[s]) for s in changed if s in files})
        return {s: counts.get(s, 0) for s in now}  # an empty partition has no row in the compacted file

    def compacted_partition_frames(self, table: str) -> dict[str, pl.DataFrame]:
        """Given a table, return {file stem: rows} from its compacted file and the files changed since."""
        compacted = self._compacted_rows(table)
        if compacted is None:
            return self.partition_frames(table)
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
        compacted = self._compacted_rows(table)
        if compacted is not None:
            return compacted.drop(PARTITION_FILE) if compacted.height else empty
        frames = [f for f in self.partition_frames(table).values() if f.height]
        return pl.concat(frames, how="vertical") if frames else empty
