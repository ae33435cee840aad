"""IO managers: published tables as Parquet, intermediate extractions as pickles, both on UPath."""

import functools
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import dagster as dg
import polars as pl
from pydantic import Field
from upath import UPath

from pipelines.storage import (
    UNPARTITIONED,
    PartitionedFiles,
    Warehouse,
    location_to_upath,
    partition_file_stem,
    write_atomically,
)


@dataclass(frozen=True)
class PartitionFrames:
    """A partitioned table's output: rows per partition key.

    For a key in `keep_published` the published file is left as it is, and the given rows are
    written only when there is none yet (a file of the same schema counts: `Warehouse.is_published`).
    """

    frames: Mapping[str, pl.DataFrame]
    keep_published: frozenset[str] = field(default_factory=frozenset)
    #: the tables the run publishes together (each brochure's files of all of them in one
    #: transaction, committed when the last is staged); empty: this table alone
    published_with: frozenset[str] = field(default_factory=frozenset)


def _partition_keys(context: dg.OutputContext | dg.InputContext) -> list[str | None]:
    if not context.has_asset_partitions:
        return [None]
    return list(sorted(context.asset_partition_keys))


def table_row_count(warehouse: Warehouse, table: str, written: Mapping[str | None, pl.DataFrame]) -> int:
    """Given a table and the partitions a run wrote (maybe still staged), return the whole table's rows."""
    # the run's own files may still wait in staging for the other tables: count them from the frames
    stems = {UNPARTITIONED if k is None else partition_file_stem(k): f.height for k, f in written.items()}
    # the others from the compacted copy (one file), not from a footer per brochure
    published = warehouse.row_counts(table)
    return sum(stems.values()) + sum(n for s, n in published.items() if s not in stems)


class ParquetIOManager(dg.ConfigurableIOManager):
    """Writes each partition of a table to `<base_path>/<table>/<partition>.parquet`, atomically.

    Accepts a polars DataFrame (one partition, or an unpartitioned asset) or a PartitionFrames
    (any number of partitions, as in a single-run backfill). Loads a frame: the requested
    partitions concatenated in key order.
    """

    base_path: str = Field(
        default="warehouse",
        description="Folder or object-store URL of the warehouse; relative: under the repository root.",
    )

    def warehouse(self) -> Warehouse:
        return Warehouse.at(self.base_path)

    def handle_output(self, context: dg.OutputContext, obj: PartitionFrames | pl.DataFrame) -> None:
        table = context.asset_key.path[-1]
        keys = _partition_keys(context)
        if isinstance(obj, pl.DataFrame):
            if len(keys) != 1:
                raise TypeError(f"{table}: an output for {len(keys)} partitions must be a PartitionFrames")
            frames: Mapping[str | None, pl.DataFrame] = {keys[0]: obj}
            keep: frozenset[str] = frozenset()
        else:
            frames, keep = {k: f for k, f in obj.frames.items()}, obj.keep_published
            if set(frames) != set(keys):
                missing, extra = set(keys) - set(frames), set(frames) - set(keys)
                raise ValueError(f"{table}: output lacks partitions {missing} and holds unrequested {extra}")
        together = obj.published_with if isinstance(obj, PartitionFrames) else frozenset()
        warehouse = self.warehouse()
        swept = warehouse.sweep([table])  # what a run killed while writing this table left behind
        recovered = warehouse.recover()  # and the transactions such runs left
        # local disk or object store alike, each brochure's files of all tables are committed together
        transaction = warehouse.transaction(context.run_id)
        written_keys = [k for k in keys if self._stage(warehouse, transaction, table, k, frames[k], keep)]
        staged = warehouse.mark_staged(transaction, table)
        committed = warehouse.commit(transaction) if staged >= (together or {table}) else 0
        if context.has_asset_partitions and committed:
            # the run's brochures are whole in every table now: bring the compacted copies up to date
            warehouse.compact(together or {table})
        written = len(written_keys)
        context.add_output_metadata(
            {
                "dagster/row_count": table_row_count(warehouse, table, {k: frames[k] for k in written_keys}),
                "path": dg.MetadataValue.path(str(warehouse.table_dir(table))),
                "files_written": written,
                "partitions_kept_as_published": len(keys) - written,
                "brochures_committed": committed,
                "orphan_temporary_files_removed": len(swept),
                "killed_transactions_recovered": len(recovered),
            }
        )

    @staticmethod
    def _stage(
        warehouse: Warehouse,
        transaction: UPath,
        table: str,
        key: str | None,
        frame: pl.DataFrame,
        keep: frozenset[str],
    ) -> bool:
        """Given a partition's rows and the keys kept, stage its file unless kept; return whether it did."""
        if key is not None and key in keep and warehouse.is_published(table, key, frame.schema):
            return False
        warehouse.stage(transaction, table, key, frame)
        return True

    def load_input(self, context: dg.InputContext) -> pl.DataFrame:
        table = context.asset_key.path[-1]
        warehouse = self.warehouse()
        frames = [warehouse.read(table, key) for key in _partition_keys(context)]
        return pl.concat(frames, how="vertical")


class PickleIOManager(dg.ConfigurableIOManager):
    """Keeps intermediate Python objects, one pickle per partition, under the Dagster instance's storage.

    A partitioned output is a mapping {partition key: object} covering the run's partitions
    (one key in a one-partition run); loading returns the same mapping for the requested keys.
    """

    base_path: str | None = Field(
        default=None,
        description="Folder or URL for the pickles; default: the Dagster instance's storage folder.",
    )

    def _files(self, context: dg.OutputContext | dg.InputContext) -> PartitionedFiles:
        instance = (
            context.step_context.instance if isinstance(context, dg.OutputContext) else context.instance
        )
        base = self.base_path or instance.storage_directory()
        return PartitionedFiles(location_to_upath(base), ".pickle")

    def handle_output(self, context: dg.OutputContext, obj: Mapping[str, Any]) -> None:
        name = "/".join(context.asset_key.path)
        keys = set(context.asset_partition_keys) if context.has_asset_partitions else set()
        if set(obj) != keys:
            raise ValueError(
                f"{name}: output holds partitions {sorted(obj)} but the run targets {sorted(keys)}"
            )
        files = self._files(context)
        for key, value in obj.items():
            write_atomically(files.path(name, key), functools.partial(pickle.dump, value))

    def load_input(self, context: dg.InputContext) -> dict[str, Any]:
        name = "/".join(context.asset_key.path)
        files = self._files(context)
        loaded = {}
        for key in sorted(context.asset_partition_keys):
            with files.path(name, key).open("rb") as f:
                loaded[key] = pickle.load(f)
        return loaded
