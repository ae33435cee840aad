"""`brochures`: ingest a folder of brochures into a warehouse, or summarise or query a warehouse.

    brochures ingest RAW_DIR --warehouse DIR [--force] [--dagster-home DIR] [--verbose]
    brochures summary --warehouse DIR
    brochures sql "select …" --warehouse DIR

`ingest` materialises the same Dagster job the schedule runs (`ingest`) in this process over
the brochures that changed since their last ingest (new bytes, other twins, or another
extractor version: `pipelines.versions`; `--force`: all of them), then `prune_warehouse` when
brochures were deleted and `publish_reference` when the reference tables are missing or the
code changed, so that the warehouse holds exactly the brochures now under RAW_DIR. The runs
are recorded in the Dagster instance of `--dagster-home` (the one the UI shows; `make run`
passes the repository) or on a throw-away one. It prints a line per brochure as it is read
(a Dagster logger of its own picks the extraction's progress messages out of the run's log;
Dagster's console log stays off unless --verbose), then the brochures that need attention,
the checks that failed, and a summary. Paths are taken relative to the current directory.
Exit codes: 0 every brochure was published or recorded in ingest_errors; 1 the run itself
broke; 2 bad arguments (RAW_DIR missing, warehouse not writable); 130 stopped.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import sys
import tempfile
import time
import warnings
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from extractors.records import IngestErrorRecord
from extractors.version import extractor_version
from pipelines import ingest_summary
from pipelines.brochures import list_brochures, list_hidden, partition_key_to_source_file
from pipelines.workers import Budget

# only what answers an unchanged folder is imported here: polars, pandera, the readers and dagster
# take seconds to import, and are imported by the functions that need them
if TYPE_CHECKING:
    import dagster as dg
    import polars as pl

    from pipelines.publish import Outcome
    from pipelines.storage import Warehouse

    #: {table: {partition file stem: rows}}: the whole warehouse, one frame per file
    Snapshot = dict[str, dict[str, pl.DataFrame]]

EXIT_OK, EXIT_RUN_BROKE, EXIT_USAGE = 0, 1, 2
#: --strict, for cron jobs: the run worked, but a brochure is in ingest_errors or a row in quarantine
EXIT_ATTENTION = 3
#: stopped by SIGTERM or Ctrl-C (128 + SIGINT, as shells report it)
EXIT_STOPPED = 130
_STOPPED_MESSAGE = "brochures: stopped; brochures not yet published keep their last version"


def read_snapshot(warehouse: Warehouse) -> Snapshot:
    """Given a warehouse, return every table's partitions (from the compacted layer when it is current)."""
    from schemas.models import TABLES

    return {table: warehouse.compacted_partition_frames(table) for table in TABLES}


def _partition_outcome(snapshot: Snapshot, stem: str) -> Outcome:
    """Given the warehouse and a partition file stem, return what became of that brochure."""
    from pipelines.publish import Outcome
    from schemas.models import TABLES

    frames = {t: snapshot[t][stem] for t in TABLES if stem in snapshot[t]}
    errors, documents = frames.get("ingest_errors"), frames.get("documents")
    error = IngestErrorRecord(**errors.row(0, named=True)) if errors is not None and errors.height else None
    if error is not None:
        source = error.source_file
    elif documents is not None and documents.height:
        source = documents.get_column("source_file")[0]
    else:
        source = partition_key_to_source_file(stem)
    rows = {t: f.height for t, f in frames.items()}
    return Outcome(source_file=source, error=error, rows=rows, quarantined=rows.get("quarantine", 0))


def warehouse_outcomes(snapshot: Snapshot, stems: Sequence[str] | None = None) -> list[Outcome]:
    """Given the warehouse (and the partition file stems to report, in order), return each brochure's outcome.

    By default every brochure, by source file: every ingested brochure has an ingest_errors
    file (empty when it was published), so those files say which brochures the warehouse holds.
    """
    if stems is not None:
        return [_partition_outcome(snapshot, s) for s in stems]
    outcomes = [_partition_outcome(snapshot, s) for s in snapshot["ingest_errors"]]
    return sorted(outcomes, key=lambda o: o.source_file)


def attention_lines(outcomes: Sequence[Outcome]) -> list[str]:
    """Given the brochures' outcomes, return a heading and a line per brochure in error or quarantined."""
    from pipelines.publish import outcome_line

    attention = [o for o in outcomes if o.error is not None or o.quarantined]
    if not attention:
        return []
    return [f"{len(attention)} brochures need attention:", *(f"  {outcome_line(o)}" for o in attention)]


def hidden_line(hidden: Sequence[str]) -> list[str]:
    """Given the hidden files and folders a run skipped, return the summary line naming them (if any).

    They are no brochures (`.DS_Store`, `._x.pdf` AppleDouble files, swap files, `.git/`), so
    they get no ingest_errors row; the line says they were seen and not read.
    """
    if not hidden:
        return []
    shown = ", ".join(hidden[:5]) + (", …" if len(hidden) > 5 else "")
    return [
        f"skipped {len(hidden)} hidden file(s) or folder(s), never read (names starting with '.': {shown}); "
        "rename a brochure among them without the leading dot to ingest it"
    ]


def summary_lines(
    warehouse: Warehouse, snapshot: Snapshot, outcomes: Sequence[Outcome], hidden: Sequence[str] = ()
) -> list[str]:
    """Given the warehouse, its brochures' outcomes and the hidden files skipped, return the summary."""
    from schemas.models import TABLES

    failed = sum(o.error is not None for o in outcomes)
    rows = {t: sum(f.height for f in snapshot[t].values()) for t in TABLES}
    return [
        f"{len(outcomes)} brochures: {len(outcomes) - failed} published, {failed} in ingest_errors",
        *hidden_line(hidden),
        "rows: " + ", ".join(f"{t} {n}" for t, n in rows.items()),
        f"warehouse: {warehouse.base}  (<table>/*.parquet per brochure; _compacted/<table>.parquet whole)",
    ]


#: the logger `with_progress` adds to a job
PROGRESS_LOGGER = "progress"


def _quiet_run_config(verbose: bool, *extra_loggers: str) -> dict[str, object]:
    """Given --verbose and loggers without config to enable, return the run config of a CLI run."""
    console = {"config": {"log_level": "DEBUG" if verbose else "CRITICAL"}}
    return {"loggers": {"console": console, **{name: {} for name in extra_loggers}}}


class ProgressHandler(logging.Handler):
    """Prints the line of every log record that carries the extraction's progress (assets.PROGRESS)."""

    def __init__(self, out: TextIO) -> None:
        super().__init__(logging.DEBUG)
        self.out = out

    def emit(self, record: logging.LogRecord) -> None:
        from pipelines.assets import PROGRESS

        progress = getattr(record, PROGRESS, None)
        if isinstance(progress, dict):
            print(f"[{progress['index']}/{progress['total']}] {progress['line']}", file=self.out, flush=True)


def with_progress(job: dg.JobDefinition, out: TextIO) -> dg.JobDefinition:
    """Given a job, return it with a PROGRESS_LOGGER printing each brochure's progress to `out`."""
    import dagster as dg

    @dg.logger(
        config_schema=None,
        description="Prints each brochure's progress line as soon as the extraction logs it.",
    )
    def progress(_: dg.InitLoggerContext) -> logging.Logger:
        logger = logging.Logger("brochures.progress", logging.DEBUG)
        logger.addHandler(ProgressHandler(out))
        return logger

    return job.with_logger_defs({**job.loggers, PROGRESS_LOGGER: progress})


def check_lines(result: dg.ExecuteInProcessResult) -> list[str]:
    """Given a finished run, return one line per asset check that did not pass, then a count.

    The per-brochure `brochure_published` results are left out: the lines of the brochures that need
    attention say the same, and a large run would print them twice.
    """
    from pipelines.assets import BROCHURE_PUBLISHED

    evaluations = sorted(
        (e for e in result.get_asset_check_evaluations() if e.check_name != BROCHURE_PUBLISHED),
        key=lambda e: (e.asset_key.to_user_string(), e.check_name),
    )
    lines = [
        f"check {e.asset_key.to_user_string()}/{e.check_name} ({e.severity.value}): {e.description}"
        for e in evaluations
        if not e.passed
    ]
    passed = sum(e.passed for e in evaluations)
    return [*lines, f"checks: {passed} passed, {len(evaluations) - passed} failed"]


_HOME_PREFIX = "brochures-dagster-"


def sweep_orphan_homes(folder: Path) -> list[Path]:
    """Given the temporary folder, delete the Dagster homes of ingest runs that were killed; return them."""
    from pipelines.storage import is_alive

    removed = []
    for home in folder.glob(f"{_HOME_PREFIX}*-*"):
        pid = home.name.removeprefix(_HOME_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not is_alive(int(pid)) and home.is_dir():
            shutil.rmtree(home, ignore_errors=True)
            removed.append(home)
    return removed


def _was_interrupted(result: dg.ExecuteInProcessResult) -> bool:
    """Given a failed in-process run, return whether SIGTERM or Ctrl-C stopped it (Dagster turns
    both into DagsterExecutionInterruptedError while a step runs)."""
    errors = (getattr(e.event_specific_data, "error", None) for e in result.all_events if e.is_step_failure)
    return any(error is not None and error.cls_name == "DagsterExecutionInterruptedError" for error in errors)


def _run_failure(result: dg.ExecuteInProcessResult) -> str:
    """Given a failed in-process run, return what broke, for a person."""
    messages = []
    for event in result.all_events:
        error = getattr(event.event_specific_data, "error", None)
        # the innermost cause is the user code's exception; the outer ones are Dagster's wrappers
        while error is not None and error.cause is not None:
            error = error.cause
        if event.is_step_failure and error is not None:
            messages.append(f"step {event.step_key}: {error.message.strip()}")
    for evaluation in result.get_asset_check_evaluations():
        if not evaluation.passed and evaluation.description:
            check = f"{evaluation.asset_key.to_user_string()}/{evaluation.check_name}"
            messages.append(f"check {check}: {evaluation.description}")
    return "\n".join(messages) or "the Dagster run failed without an error message"


def usage_problem(raw: Path, warehouse: Warehouse) -> str | None:
    """Given RAW_DIR and the warehouse (its folder is created), return why the run cannot start, or None.

    Found before any brochure is read: a read-only warehouse is a bad argument, not a run that
    breaks after the whole extraction.
    """
    if not raw.is_dir():
        return f"RAW_DIR {raw} does not exist or is not a folder"
    probe = warehouse.base / f".write-probe-{os.getpid()}"
    try:
        warehouse.base.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as e:
        return f"cannot write to the warehouse {warehouse.base}: {e}"
    return None


def _brochure_keys(raw: Path, paths: dict[str, Path], out: TextIO) -> list[str]:
    """Given RAW_DIR and its brochures {key: path}, return their keys, saying so when there are none."""
    if not paths:
        print(f"no brochures under {raw}", file=out)
    return list(paths)


def local_warehouse(location: str) -> Path | None:
    """Given the --warehouse location, return its local folder (relative: under the CWD), None for a URL."""
    if "://" in location:
        return None
    path = Path(location).expanduser()
    return path if path.is_absolute() else Path.cwd() / path


def answer_unchanged(
    raw: Path, warehouse_location: str, version: str, *, out: TextIO, err: TextIO, strict: bool
) -> int | None:
    """Given RAW_DIR, the warehouse location and the extractor version, answer a run that has nothing to do.

    When the warehouse's summary of the last run (pipelines.ingest_summary) still holds, print
    it and return the exit code; otherwise return None (the normal run follows).
    """
    warehouse = local_warehouse(warehouse_location)
    if warehouse is None or not raw.is_dir():
        return None
    paths = list_brochures(raw.resolve())
    last = ingest_summary.read_summary(warehouse)
    summary = ingest_summary.still_current(last, raw.resolve(), paths, warehouse, version) if paths else None
    if summary is None:
        return None
    if summary != last:  # files touched without a change of bytes: record their stats
        with suppress(OSError):
            ingest_summary.write_summary(warehouse, summary)
    for line in ingest_summary.noop_lines(summary, warehouse, hidden_line(list_hidden(raw))):
        print(line, file=out)
    if strict and summary.attention:
        print(f"brochures: --strict: {summary.attention} brochures need attention (listed above)", file=err)
        return EXIT_ATTENTION
    return EXIT_OK


def record_summary(
    warehouse: Warehouse,
    raw: Path,
    paths: dict[str, Path],
    stats: tuple[int, dict[str, os.stat_result]],
    lines: Sequence[str],
    attention: int,
) -> None:
    """Given a local warehouse after a run, the brochures, their stats before it, and the lines printed,
    write the summary that answers the next run if nothing changes (none when a brochure is not fresh)."""
    from pipelines.storage import is_local
    from pipelines.versions import read_stamps

    if not is_local(warehouse.base):
        return
    folder = Path(warehouse.base.path)
    version = extractor_version()
    stamps = {k: s for k, s in read_stamps(warehouse).items() if s.extractor_version == version}
    stat_ns, stat = stats
    files = ingest_summary.file_states(paths, {k: s.doc_id for k, s in stamps.items()}, stat)
    if not paths or set(files) != set(paths):
        return  # a brochure without a stamp is read again next run: no summary may say otherwise
    summary = ingest_summary.IngestSummary(
        raw_dir=str(raw.resolve()),
        extractor_version=version,
        files=files,
        warehouse=ingest_summary.warehouse_state(folder),
        lines=tuple(lines),
        attention=attention,
        stat_ns=stat_ns,
    )
    with suppress(OSError):
        ingest_summary.write_summary(folder, summary)


def partition_ranges(order: Sequence[str], wanted: Collection[str]) -> list[list[str]]:
    """Given partition keys in registry order and the ones to run, return them as runs of consecutive keys.

    A run of a partitioned job targets a range of the registry; brochures to read that are
    not next to each other need a run per stretch.
    """
    ranges: list[list[str]] = []
    previous = False
    for key in order:
        if key in wanted:
            if not previous:
                ranges.append([])
            ranges[-1].append(key)
        previous = key in wanted
    return ranges


@contextmanager
def dagster_instance(home: Path | None) -> Iterator[dg.DagsterInstance]:
    """Given a Dagster home (None: a throw-away one), yield its instance for the CLI's runs.

    The instance of a home is the one `make ui` shows: its runs, materialisations and
    partitions are recorded there. Its dagster.yaml may name storage relative to the current
    directory (this repository's does), so the runs work in the home.
    """
    import dagster as dg

    if home is None:
        sweep_orphan_homes(Path(tempfile.gettempdir()))
        with tempfile.TemporaryDirectory(prefix=f"{_HOME_PREFIX}{os.getpid()}-") as folder:
            yield dg.DagsterInstance.ephemeral(tempdir=folder)
        return
    previous = Path.cwd()
    os.chdir(home)
    try:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            yield instance
    finally:
        os.chdir(previous)


def register_partitions(
    instance: dg.DagsterInstance, keys: Sequence[str], stale: Sequence[str]
) -> list[list[str]]:
    """Given an instance, the brochures under RAW_DIR and those to read, register them; return the runs' keys.

    Every brochure under RAW_DIR is registered (as the sensor would), brochures no longer there
    are unregistered so that the prune removes their rows.
    """
    from pipelines.assets import PARTITIONS

    registered = list(instance.get_dynamic_partitions(PARTITIONS))
    for key in sorted(set(registered) - set(keys)):
        instance.delete_dynamic_partition(PARTITIONS, key)
    instance.add_dynamic_partitions(PARTITIONS, [k for k in keys if k not in set(registered)])
    return partition_ranges(instance.get_dynamic_partitions(PARTITIONS), set(stale))


def _run_jobs(
    raw: Path,
    warehouse: Warehouse,
    keys: tuple[Sequence[str], Sequence[str]],
    then: Sequence[str],
    *,
    verbose: bool,
    out: TextIO,
    err: TextIO,
    budget: Budget | None,
    dagster_home: Path | None,
    progress: TextIO,
) -> list[str] | int:
    """Given RAW_DIR, the warehouse, (all brochures, those to read) and the jobs to run after, run them all.

    Returns the failed checks' lines, or the exit code when a run broke or was stopped.
    """
    from pipelines.assets import partition_range_tags
    from pipelines.definitions import build_defs

    defs = build_defs(raw_dir=str(raw.resolve()), warehouse=str(warehouse.base), budget=budget)
    config = _quiet_run_config(verbose)
    checks: list[str] = []
    with dagster_instance(dagster_home) as instance:
        every, stale = keys
        # a throw-away instance knows only the brochures to read: one run over all of them
        runs = register_partitions(instance, every if dagster_home else stale, stale)
        for run_keys in runs:
            result = with_progress(defs.resolve_job_def("ingest"), progress).execute_in_process(
                instance=instance,
                tags=partition_range_tags(run_keys),
                run_config=_quiet_run_config(verbose, PROGRESS_LOGGER),
                raise_on_error=False,
            )
            if not result.success and _was_interrupted(result):
                print(_STOPPED_MESSAGE, file=err)
                return EXIT_STOPPED
            if not result.success:
                print(f"brochures: the ingest run broke\n{_run_failure(result)}", file=err)
                return EXIT_RUN_BROKE
            checks = check_lines(result)  # the last run's checks read the whole warehouse
        for job in then:
            done = defs.resolve_job_def(job).execute_in_process(
                instance=instance, run_config=config, raise_on_error=False
            )
            if not done.success:
                print(f"brochures: the {job} run broke\n{_run_failure(done)}", file=err)
                return EXIT_RUN_BROKE
    return checks


def ingest(
    raw: Path,
    warehouse_location: str,
    *,
    verbose: bool,
    out: TextIO,
    err: TextIO,
    budget: Budget | None = None,
    force: bool = False,
    dagster_home: Path | None = None,
    quiet: bool = False,
    strict: bool = False,
) -> int:
    """Given RAW_DIR, the warehouse location (a budget per brochure, --force), ingest; return the exit code.

    Brochures whose bytes and extractor version are those their published rows came from are
    not read again (pipelines.versions) unless `force`. `quiet` leaves out the line per
    brochure read; `strict` exits EXIT_ATTENTION when any brochure needs attention.
    """
    started = time.perf_counter()
    version = extractor_version()
    if not force:
        answered = answer_unchanged(raw, warehouse_location, version, out=out, err=err, strict=strict)
        if answered is not None:
            print(f"took {time.perf_counter() - started:.1f} s", file=out)
            return answered

    from pipelines.storage import Warehouse, is_local, location_to_upath, partition_file_stem
    from pipelines.versions import stale_keys
    from schemas.models import REFERENCE_MODELS, TABLES

    warehouse = Warehouse(location_to_upath(warehouse_location, root=Path.cwd()))
    if problem := usage_problem(raw, warehouse):
        print(f"brochures: {problem}", file=err)
        return EXIT_USAGE
    # whatever this run changes in the warehouse moves the mtimes the last summary holds, so it
    # stops answering by itself (a broken run leaves it, and the warehouse, as they were)
    last = ingest_summary.read_summary(Path(warehouse.base.path)) if is_local(warehouse.base) else None

    # a run killed before this one may have left staged transactions and temporary files
    warehouse.recover()
    warehouse.sweep(TABLES)

    paths = list_brochures(raw.resolve())
    stats = (time.time_ns(), ingest_summary.stat_files(paths))  # before any file is hashed or read
    keys = _brochure_keys(raw, paths, out)
    # files whose stat is the one the last run recorded are not hashed again (pipelines.ingest_summary)
    known = ingest_summary.known_doc_ids(last, raw.resolve(), stats[1])
    stale = keys if force else stale_keys(raw.resolve(), keys, warehouse, version, known)
    if kept := len(keys) - len(stale):
        print(
            f"{kept} of {len(keys)} brochures unchanged since their last ingest (same bytes, same "
            f"extractor version {version}): their rows stand; --force reads them again",
            file=out,
        )
    doomed = warehouse.doomed(TABLES, keys)
    checks: list[str] = []
    # the reference tables come from the YAML, part of the extractor version: when that changes,
    # every brochure is stale
    reference = not warehouse.holds(REFERENCE_MODELS) or (bool(keys) and len(stale) == len(keys))
    if stale or doomed or reference:
        jobs = [*(["prune_warehouse"] if doomed else []), *(["publish_reference"] if reference else [])]
        outcome = _run_jobs(
            raw,
            warehouse,
            (keys, stale),
            jobs,
            verbose=verbose,
            out=out,
            err=err,
            budget=budget,
            dagster_home=dagster_home,
            progress=open(os.devnull, "w") if quiet else out,  # noqa: SIM115 - closed with the process
        )
        if isinstance(outcome, int):
            return outcome
        checks = outcome
    compacted = warehouse.compact(TABLES)

    snapshot = read_snapshot(warehouse)
    outcomes = warehouse_outcomes(snapshot, [partition_file_stem(k) for k in keys])
    attention_text, summary_text = attention_lines(outcomes), summary_lines(warehouse, snapshot, outcomes)
    # the summary a no-op run repeats leaves the hidden files out: that run names them afresh
    closing = summary_lines(warehouse, snapshot, outcomes, list_hidden(raw))
    for line in [*attention_text, *checks, *closing]:
        print(line, file=out)
    if compacted or stale or doomed:
        print(refresh_catalog(warehouse), file=out)
        if is_local(warehouse.base):
            from pipelines.report import write_report

            print(f"report: {write_report(Path(str(warehouse.base))).path} (open it in a browser)", file=out)
    print(f"took {time.perf_counter() - started:.1f} s", file=out)
    unaccounted = [o.source_file for o in outcomes if o.error is None and not o.rows.get("documents")]
    if unaccounted:
        print(f"brochures: neither published nor in ingest_errors: {', '.join(unaccounted)}", file=err)
        return EXIT_RUN_BROKE
    attention = [o for o in outcomes if o.error is not None or o.quarantined]
    record_summary(warehouse, raw, paths, stats, [*attention_text, *summary_text], len(attention))
    if strict and attention:
        print(f"brochures: --strict: {len(attention)} brochures need attention (listed above)", file=err)
        return EXIT_ATTENTION
    return EXIT_OK


def summary(warehouse_location: str, *, out: TextIO, err: TextIO) -> int:
    """Given a warehouse location, print its brochures and row counts; return the exit code."""
    from pipelines.publish import outcome_line
    from pipelines.storage import Warehouse, location_to_upath

    warehouse = Warehouse(location_to_upath(warehouse_location, root=Path.cwd()))
    if not warehouse.base.is_dir():
        print(f"brochures: no warehouse at {warehouse.base}", file=err)
        return EXIT_USAGE
    snapshot = read_snapshot(warehouse)
    outcomes = warehouse_outcomes(snapshot)
    for outcome in outcomes:
        print(outcome_line(outcome), file=out)
    for line in summary_lines(warehouse, snapshot, outcomes):
        print(line, file=out)
    return EXIT_OK


def refresh_catalog(warehouse: Warehouse) -> str:
    """Given a warehouse, rebuild its DuckDB catalog when it is a local folder; return a line saying so."""
    from pipelines.catalog import build_catalog
    from pipelines.storage import is_local

    if not is_local(warehouse.base):
        # DuckDB reads object stores through its httpfs extension, which it downloads on first use
        return (
            f"catalog: not built for {warehouse.base} (only a local warehouse has one; read the "
            "tables' Parquet files with polars or pyarrow through fsspec, or with DuckDB's httpfs)"
        )
    return f'catalog: {build_catalog(Path(str(warehouse.base)))} (brochures sql "select …")'


def sql(query: str, warehouse_location: str, *, out: TextIO, err: TextIO) -> int:
    """Given a SQL query and a warehouse location, print the query's result; return the exit code."""
    import duckdb

    from pipelines.catalog import CATALOG_NAME, build_catalog, result_to_lines, run_query
    from pipelines.storage import Warehouse, is_local, location_to_upath

    warehouse = Warehouse(location_to_upath(warehouse_location, root=Path.cwd()))
    if not is_local(warehouse.base) or not warehouse.base.is_dir():
        print(f"brochures: no local warehouse at {warehouse.base}; run `brochures ingest` first", file=err)
        return EXIT_USAGE
    folder = Path(str(warehouse.base))
    catalog = folder / CATALOG_NAME
    if not catalog.exists():
        build_catalog(folder)
    try:
        result = run_query(catalog, query)
    except duckdb.Error as e:
        print(f"brochures: the query failed: {e}", file=err)
        return EXIT_USAGE
    for line in result_to_lines(result):
        print(line, file=out)
    return EXIT_OK


#: the labels brochures print that no taxonomy term matched: the words to teach (extractors/data/)
UNMAPPED_SQL = """
select coverage_label as label, count(*) as rows, count(distinct doc_id) as brochures,
       string_agg(distinct tbl, ', ' order by tbl) as tables
from (
  select coverage_label, doc_id, 'coverages' as tbl from coverages where coverage_id is null
  union all
  select coverage_label, doc_id, 'limits' as tbl from limits where coverage_id is null
)
where coverage_label is not null and trim(coverage_label) <> ''
group by 1 order by rows desc, brochures desc, label
"""


def version_line() -> str:
    """Given nothing, return the program's version and the extractor version it reads brochures with."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        package = version("brochures")
    except PackageNotFoundError:  # run from a checkout that was not installed
        package = "unknown"
    return f"brochures {package} (extractor version {extractor_version()})"


def build_parser() -> argparse.ArgumentParser:
    """Given nothing, return the parser of the `ingest` and `summary` commands."""
    parser = argparse.ArgumentParser(
        prog="brochures", description="Cyber-insurance brochures → Parquet warehouse."
    )
    parser.add_argument("--version", action="version", version=version_line())
    commands = parser.add_subparsers(dest="command", required=True)
    ingest_parser = commands.add_parser(
        "ingest", help="ingest every brochure under RAW_DIR into the warehouse"
    )
    ingest_parser.add_argument(
        "raw_dir", metavar="RAW_DIR", type=Path, help="folder of brochures (any depth)"
    )
    ingest_parser.add_argument(
        "--warehouse", default="warehouse", help="warehouse folder or URL (default: warehouse)"
    )
    ingest_parser.add_argument("--verbose", action="store_true", help="show Dagster's log")
    ingest_parser.add_argument(
        "--quiet", action="store_true", help="no line per brochure read: what needs attention and the summary"
    )
    ingest_parser.add_argument(
        "--strict",
        action="store_true",
        help=f"exit {EXIT_ATTENTION} when a brochure is in ingest_errors or has quarantined rows (cron jobs)",
    )
    ingest_parser.add_argument(
        "--force",
        action="store_true",
        help="read every brochure again, also those unchanged since their last ingest",
    )
    ingest_parser.add_argument(
        "--dagster-home",
        type=Path,
        help=(
            "record the runs in the Dagster instance of this folder (its dagster.yaml), where the UI "
            "shows them (make run passes the repository); default: a throw-away instance"
        ),
    )
    ingest_parser.add_argument(
        "--seconds-per-brochure",
        type=float,
        default=Budget.seconds,
        help=f"wall time one brochure may take to read (default: {Budget.seconds:g})",
    )
    ingest_parser.add_argument(
        "--memory-per-brochure-mib",
        type=int,
        default=Budget.memory_mib,
        help=f"memory one brochure may take to read, in MiB (default: {Budget.memory_mib})",
    )
    summary_parser = commands.add_parser("summary", help="summarise an existing warehouse")
    summary_parser.add_argument(
        "--warehouse", default="warehouse", help="warehouse folder or URL (default: warehouse)"
    )
    sql_parser = commands.add_parser(
        "sql", help="run a SQL query against the warehouse's DuckDB catalog (one view per table)"
    )
    sql_parser.add_argument("query", help='e.g. "select insurer_id, count(*) from documents group by 1"')
    sql_parser.add_argument("--warehouse", default="warehouse", help="warehouse folder (default: warehouse)")
    unmapped_parser = commands.add_parser(
        "unmapped", help="list the printed labels that mapped to no coverage id, most frequent first"
    )
    unmapped_parser.add_argument(
        "--warehouse", default="warehouse", help="warehouse folder (default: warehouse)"
    )
    return parser


def _interrupt(signum: int, frame: object) -> None:
    """Given SIGTERM, stop the run as Ctrl-C does: its workers are killed, nothing is half-written."""
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main(argv: Sequence[str] | None = None) -> int:
    """Given command-line arguments (default: sys.argv), run the command; return the exit code."""
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as e:  # argparse has printed the usage; --help exits 0, bad arguments 2
        return e.code if isinstance(e.code, int) else EXIT_USAGE
    if not getattr(args, "verbose", False):
        # Dagster announces beta and preview APIs on import; the progress lines are the output
        warnings.filterwarnings("ignore", module=r"dagster(\.|$)")
        warnings.filterwarnings("ignore", message=r".*is currently in (beta|preview)")
    if args.command == "ingest":
        previous = signal.signal(signal.SIGTERM, _interrupt)
        try:
            budget = Budget(seconds=args.seconds_per_brochure, memory_mib=args.memory_per_brochure_mib)
            return ingest(
                args.raw_dir,
                args.warehouse,
                verbose=args.verbose,
                out=sys.stdout,
                err=sys.stderr,
                budget=budget,
                force=args.force,
                dagster_home=args.dagster_home.resolve() if args.dagster_home else None,
                quiet=args.quiet,
                strict=args.strict,
            )
        except KeyboardInterrupt:
            print(_STOPPED_MESSAGE, file=sys.stderr)
            return EXIT_STOPPED
        finally:
            signal.signal(signal.SIGTERM, previous)
    if args.command == "sql":
        return sql(args.query, args.warehouse, out=sys.stdout, err=sys.stderr)
    if args.command == "unmapped":
        return sql(UNMAPPED_SQL, args.warehouse, out=sys.stdout, err=sys.stderr)
    return summary(args.warehouse, out=sys.stdout, err=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
