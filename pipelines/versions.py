"""Which brochures must be read again: a stamp per brochure of the bytes and code its rows came from.

Plain Python (no dagster). After a run publishes a brochure, the warehouse records its stamp
(the document's id, which is a hash of its bytes; the extractor version; the other names
holding the same bytes) in one manifest, `<warehouse>/.brochure_versions.json`. A brochure is
fresh when its file still has those bytes, the code still has that version, the same twins
hold its bytes, and its rows (or its error row) are still in the warehouse; every other one
is stale and is read again.

The manifest only ever saves work: a stamp that is missing, lost to a kill before it was
written, or overwritten by a concurrent run makes its brochure stale, never wrongly fresh, so
no lock is needed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Literal

from upath import UPath

from extractors.records import IngestErrorRecord
from pipelines.brochures import Result, file_doc_id, list_brochures, partition_key_to_file_name
from pipelines.storage import Warehouse, partition_file_stem, write_atomically

MANIFEST = ".brochure_versions.json"
Outcome = Literal["published", "error"]
#: the table that holds a brochure's rows of each outcome (the others follow it in one transaction)
_OUTCOME_TABLE: dict[Outcome, str] = {"published": "documents", "error": "ingest_errors"}


@dataclass(frozen=True)
class Stamp:
    """What a brochure's published rows were made from."""

    doc_id: str
    extractor_version: str
    twins: tuple[str, ...]  # other partition keys holding the same bytes when it was read
    outcome: Outcome


def manifest_path(warehouse: Warehouse) -> UPath:
    """Given the warehouse, return the file holding its brochures' stamps."""
    return warehouse.base / MANIFEST


def read_stamps(warehouse: Warehouse) -> dict[str, Stamp]:
    """Given the warehouse, return {partition key: stamp}; empty when there is no readable manifest."""
    try:
        raw = json.loads(manifest_path(warehouse).read_text(encoding="utf-8"))
        return {key: Stamp(**{**value, "twins": tuple(value["twins"])}) for key, value in raw.items()}
    except (OSError, ValueError, TypeError, KeyError):
        return {}  # unreadable or of an older shape: every brochure is stale, nothing is wrong


def write_stamps(warehouse: Warehouse, stamps: Mapping[str, Stamp]) -> None:
    """Given the warehouse and the stamps it should hold, replace its manifest with them."""
    data = json.dumps({k: asdict(s) for k, s in sorted(stamps.items())}, ensure_ascii=False, indent=0)
    write_atomically(manifest_path(warehouse), lambda f: f.write(data.encode("utf-8")))


def record_stamps(
    warehouse: Warehouse, new: Mapping[str, Stamp], keep: Collection[str] | None = None
) -> None:
    """Given the stamps of brochures a run published (and the keys still registered), update the manifest."""
    stamps = {**read_stamps(warehouse), **new}
    if keep is not None:
        stamps = {k: s for k, s in stamps.items() if k in keep}
    write_stamps(warehouse, stamps)


def twins_by_key(doc_ids: Mapping[str, str | None]) -> dict[str, tuple[str, ...]]:
    """Given {partition key: document id}, return {partition key: the other keys of the same id}."""
    by_id: dict[str, list[str]] = defaultdict(list)
    for key, doc_id in doc_ids.items():
        if doc_id is not None:
            by_id[doc_id].append(key)
    return {k: tuple(sorted(set(by_id[d]) - {k})) if d else () for k, d in doc_ids.items()}


def current_doc_ids(raw_dir: Path, keys: Iterable[str]) -> dict[str, str | None]:
    """Given the raw folder and partition keys, return {key: document id of its file now}."""
    return {k: file_doc_id(raw_dir / partition_key_to_file_name(k)) for k in keys}


def stale_keys(
    raw_dir: Path,
    keys: Iterable[str],
    warehouse: Warehouse,
    version: str,
    known: Mapping[str, str | None] | None = None,
) -> list[str]:
    """Given the raw folder, partition keys, the warehouse and the extractor version, return those to read.

    `known`: document ids of the files now, where the caller has them already (the sensor's
    fingerprints); the other files are hashed here.
    """
    stamps = read_stamps(warehouse)
    keys = list(keys)
    known = known or {}
    doc_ids = {
        **current_doc_ids(raw_dir, [k for k in keys if k not in known]),
        **{k: known[k] for k in keys if k in known},
    }
    doc_ids = {k: doc_ids[k] for k in keys}
    twins = twins_by_key(doc_ids)
    present = {outcome: set(warehouse.stems(table)) for outcome, table in _OUTCOME_TABLE.items()}
    fresh = {
        key
        for key, stamp in stamps.items()
        if key in doc_ids
        and stamp.doc_id == doc_ids[key]
        and stamp.extractor_version == version
        and stamp.twins == twins[key]
        and partition_file_stem(key) in present[stamp.outcome]
    }
    return [k for k in doc_ids if k not in fresh]


def run_twins(raw_dir: Path, keys: Collection[str]) -> dict[str, tuple[str, ...]]:
    """Given the raw folder and a run's partition keys, return {key: the other keys holding its bytes}.

    Only files of the same size as one of the run's are hashed, so a one-brochure run does not
    read the whole folder.
    """
    files = list_brochures(raw_dir)
    sizes = {}
    for key, path in files.items():
        try:
            sizes[key] = path.stat().st_size
        except OSError:
            continue
    wanted = {sizes[k] for k in keys if k in sizes}
    twins = twins_by_key({k: file_doc_id(files[k]) for k, size in sizes.items() if size in wanted})
    return {k: twins.get(k, ()) for k in keys}


def results_to_stamps(
    results: Mapping[str, Result], twins: Mapping[str, tuple[str, ...]], version: str
) -> dict[str, Stamp]:
    """Given a run's results per key, their twins and the extractor version, return the stamps to record.

    A brochure whose error has no document id (unreadable, over its budget, refused) gets no
    stamp: it is tried again on the next run.
    """
    stamps = {}
    for key, result in results.items():
        if isinstance(result, IngestErrorRecord):
            if result.doc_id is not None:
                stamps[key] = Stamp(result.doc_id, version, twins.get(key, ()), "error")
        else:
            stamps[key] = Stamp(result.document.doc_id, version, twins.get(key, ()), "published")
    return stamps
