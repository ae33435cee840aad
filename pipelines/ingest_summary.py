"""The last ingest's answer, kept in the warehouse so that an unchanged folder is answered at once.

Plain Python, standard library only: `brochures ingest` consults it before dagster, pandera,
polars or pdfplumber are imported. After every run that leaves each brochure fresh (published,
or in ingest_errors with a document id: `pipelines.versions`), the CLI writes
`<warehouse>/.ingest_summary.json`: the raw folder, the extractor version, per brochure its
size, modification time and document id (the SHA-256 of its bytes its rows were made from),
the modification times of the warehouse's top-level entries, and the lines the run printed
about the warehouse. The next run is a no-op when

- the raw folder, the extractor version and the set of brochures are the same,
- every brochure has the size and modification time recorded, or else (a `touch`, a copy)
  bytes hashing to the recorded document id: only those files are read,
- and nothing in the warehouse changed since (a table folder's mtime moves with every file
  published or removed in it, a sensor run or a prune included; a staged transaction shows
  as a new `.staging`).

Anything else — a new, changed or removed file, another extractor version, `--force`, a
missing, unreadable or other-format summary — falls through to the normal run, which reads
only the stale brochures and writes a new summary. The summary only ever saves work: any
change a run makes to the warehouse moves the mtimes it holds, and a summary that does not
match is ignored.

The known miss of any stat-based check: an edit that keeps a file's size and restores its
modification time (`cp -p` of another version of the same size, `touch -r`, a restored
backup) is not seen. Files modified within `RACY_NS` of the moment the summary's stats were
taken are hashed every time, so an edit in the same clock tick as the last run's stat is seen
(git's "racily clean" rule). `--force`, the `raw_files` sensor and the `daily_reingest`
schedule hash every file and so catch the rest.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from pipelines.brochures import file_doc_id

SUMMARY = ".ingest_summary.json"
#: the shape of the file; another shape is ignored (falls through to the normal run)
FORMAT = 1
#: a file modified this close to (or after) the moment its stat was recorded is hashed again:
#: generous for coarse clocks (FAT: 2 s)
RACY_NS = 2_000_000_000


@dataclass(frozen=True)
class FileState:
    """One brochure file as the last run left it: its stat and the id of the bytes its rows came from."""

    size: int
    mtime_ns: int
    doc_id: str


@dataclass(frozen=True)
class IngestSummary:
    """What the last run found and printed, and the state it left the raw folder and warehouse in."""

    raw_dir: str
    extractor_version: str
    #: {partition key: state}
    files: Mapping[str, FileState]
    #: {top-level warehouse entry: mtime ns}
    warehouse: Mapping[str, int]
    #: the lines the run printed about the brochures and the warehouse (attention, summary)
    lines: tuple[str, ...]
    #: brochures in ingest_errors or with quarantined rows (`--strict`)
    attention: int
    #: when the files' stats were taken (time.time_ns())
    stat_ns: int


def summary_path(warehouse: Path) -> Path:
    """Given a local warehouse folder, return its summary file."""
    return warehouse / SUMMARY


def _is_own_temporary(name: str) -> bool:
    """Given a top-level warehouse name, return whether it is the summary or a temporary of writing it."""
    return name == SUMMARY or name.startswith((f".{SUMMARY}.", ".write-probe-"))


def warehouse_state(warehouse: Path) -> dict[str, int]:
    """Given a local warehouse folder, return {top-level entry: mtime ns}, one scandir pass.

    Every publish, prune, compaction and commit renames or removes a file inside one of these
    entries (tables are flat folders), which moves the entry's mtime.
    """
    try:
        with os.scandir(warehouse) as entries:
            return {
                e.name: e.stat(follow_symlinks=False).st_mtime_ns
                for e in entries
                if not _is_own_temporary(e.name)
            }
    except OSError:
        return {}


def file_states(
    paths: Mapping[str, Path], doc_ids: Mapping[str, str], stats: Mapping[str, os.stat_result]
) -> dict[str, FileState]:
    """Given {key: path}, {key: document id} and {key: stat}, return {key: state} where all are known."""
    return {
        key: FileState(stats[key].st_size, stats[key].st_mtime_ns, doc_ids[key])
        for key in paths
        if key in doc_ids and key in stats
    }


def stat_files(paths: Mapping[str, Path]) -> dict[str, os.stat_result]:
    """Given {key: path}, return {key: stat} of the files that can be stat'ed."""
    stats = {}
    for key, path in paths.items():
        try:
            stats[key] = path.stat()
        except OSError:
            continue
    return stats


def read_summary(warehouse: Path) -> IngestSummary | None:
    """Given a local warehouse folder, return its summary; None if missing, unreadable, other shape."""
    try:
        raw = json.loads(summary_path(warehouse).read_text(encoding="utf-8"))
        if raw.get("format") != FORMAT:
            return None
        return IngestSummary(
            raw_dir=str(raw["raw_dir"]),
            extractor_version=str(raw["extractor_version"]),
            files={k: FileState(int(s), int(m), str(d)) for k, (s, m, d) in raw["files"].items()},
            warehouse={str(k): int(v) for k, v in raw["warehouse"].items()},
            lines=tuple(str(line) for line in raw["lines"]),
            attention=int(raw["attention"]),
            stat_ns=int(raw["stat_ns"]),
        )
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return None


def write_summary(warehouse: Path, summary: IngestSummary) -> None:
    """Given a local warehouse folder and a summary, replace its summary file with it (all or nothing)."""
    value = {**asdict(summary), "format": FORMAT}
    value["files"] = {k: [s.size, s.mtime_ns, s.doc_id] for k, s in sorted(summary.files.items())}
    target = summary_path(warehouse)
    temporary = target.with_name(f".{SUMMARY}.{os.getpid()}.tmp")
    temporary.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    os.replace(temporary, target)


def _unchanged_file(path: Path, recorded: FileState, stat_ns: int) -> FileState | None:
    """Given a file, its recorded state and when that was taken, return its state if its bytes held.

    The stat answers when size and mtime are as recorded and the mtime is not racy; otherwise
    the file is hashed. None: changed, gone or unreadable.
    """
    try:
        st = path.stat()
    except OSError:
        return None
    same_stat = st.st_size == recorded.size and st.st_mtime_ns == recorded.mtime_ns
    if same_stat and st.st_mtime_ns < stat_ns - RACY_NS:
        return recorded
    if st.st_size != recorded.size or file_doc_id(path) != recorded.doc_id:
        return None
    return FileState(st.st_size, st.st_mtime_ns, recorded.doc_id)


def still_current(
    summary: IngestSummary | None,
    raw_dir: Path,
    paths: Mapping[str, Path],
    warehouse: Path,
    version: str,
) -> IngestSummary | None:
    """Given the last summary, the raw folder's {key: path}, the warehouse and the extractor version,
    return the summary (with refreshed stats) when nothing changed since it was written, else None."""
    if (
        summary is None
        or summary.raw_dir != str(raw_dir)
        or summary.extractor_version != version
        or set(paths) != set(summary.files)
        or warehouse_state(warehouse) != summary.warehouse
    ):
        return None
    stat_ns = time.time_ns()
    files = {}
    for key, path in paths.items():
        state = _unchanged_file(path, summary.files[key], summary.stat_ns)
        if state is None:
            return None
        files[key] = state
    if files == summary.files:
        return summary
    return replace(summary, files=files, stat_ns=stat_ns)


def known_doc_ids(
    summary: IngestSummary | None, raw_dir: Path, stats: Mapping[str, os.stat_result]
) -> dict[str, str]:
    """Given the last summary, the raw folder and its files' stats now, return {key: document id} of the
    files whose size and mtime are as recorded (not racy): those need not be hashed again."""
    if summary is None or summary.raw_dir != str(raw_dir):
        return {}
    limit = summary.stat_ns - RACY_NS
    return {
        key: state.doc_id
        for key, state in summary.files.items()
        if (st := stats.get(key)) is not None
        and (st.st_size, st.st_mtime_ns) == (state.size, state.mtime_ns)
        and st.st_mtime_ns < limit
    }


def noop_lines(summary: IngestSummary, warehouse: Path, hidden: Iterable[str] = ()) -> list[str]:
    """Given a current summary and the warehouse, return what a no-op run prints."""
    n = len(summary.files)
    return [
        f"{n} of {n} brochures unchanged since their last ingest (same bytes, same extractor version "
        f"{summary.extractor_version}): their rows stand; --force reads them again",
        *hidden,
        *summary.lines,
        f"no-op: nothing changed in the raw folder or the warehouse since the last ingest; nothing was "
        f"extracted or published (answered from {summary_path(warehouse)})",
    ]
