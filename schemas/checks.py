"""Rules that span tables: each takes the published tables as frames and returns its failures.

Per-table rules are pandera checks in `schemas.models`; what needs two tables (or the whole
warehouse) is here. To add a rule: write a function `(tables, brochures) -> list[Failure]`
and append a `Rule` to `RULES`; the pipeline turns every rule into a Dagster asset check on
`Rule.table` without further changes.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import polars as pl

#: table name -> the whole published table
Tables = Mapping[str, pl.DataFrame]

CHILD_TABLES = ("coverages", "limits", "premiums", "loss_scenarios")


@dataclass(frozen=True)
class Failure:
    """One broken rule: in which table, about which document (doc_id or source_file), what is wrong."""

    table: str
    key: str
    problem: str


@dataclass(frozen=True)
class Rule:
    """A cross-table rule; `check(tables, brochures)` gets the tables named in `reads`.

    `brochures` is the source_file of every brochure the warehouse is expected to hold.
    """

    name: str
    table: str
    reads: tuple[str, ...]
    description: str
    check: Callable[[Tables, Collection[str]], list[Failure]]


def one_document_per_brochure(tables: Tables, brochures: Collection[str]) -> list[Failure]:
    """Given documents and ingest_errors, return brochures without exactly one documents row.

    A brochure that failed may keep the documents row of its last good version, or have none;
    one that did not fail has exactly one. A documents row for a brochure that is not
    expected any more (its file was deleted) is a failure too.
    """
    documents, errors = tables["documents"], tables["ingest_errors"]
    counts = dict(documents.group_by("source_file").len().iter_rows())
    failed = set(errors.get_column("source_file").to_list())
    expected = set(brochures)
    found = []
    for source in sorted(expected):
        n = counts.get(source, 0)
        if source in failed and n > 1:
            found.append(Failure("documents", source, f"{n} documents rows for a brochure that failed"))
        elif source not in failed and n != 1:
            found.append(Failure("documents", source, f"{n} documents rows for a published brochure"))
    for source in sorted(set(counts) - expected):
        found.append(
            Failure("documents", source, "documents row for a brochure that is no longer in the raw folder")
        )
    return found


def rows_with_unknown_doc_id(table: str) -> Callable[[Tables, Collection[str]], list[Failure]]:
    """Given a child table's name, return the rule that its rows' doc_id is in documents."""

    def check(tables: Tables, brochures: Collection[str]) -> list[Failure]:
        known = tables["documents"].get_column("doc_id").unique()
        orphans = (
            tables[table]
            .filter(~pl.col("doc_id").is_in(known.implode()))
            .group_by("doc_id", maintain_order=True)
            .len()
        )
        return [
            Failure(table, doc_id, f"{n} rows whose doc_id is not in documents")
            for doc_id, n in orphans.iter_rows()
        ]

    check.__doc__ = f"Given documents and {table}, return the {table} rows whose doc_id is not in documents."
    return check


RULES: tuple[Rule, ...] = (
    Rule(
        name="one_document_per_brochure",
        table="documents",
        reads=("documents", "ingest_errors"),
        description="A published brochure has one documents row; a failed one its last good version or none.",
        check=one_document_per_brochure,
    ),
    *(
        Rule(
            name="doc_id_in_documents",
            table=table,
            reads=("documents", table),
            description=f"Every {table} row belongs to a document in the documents table.",
            check=rows_with_unknown_doc_id(table),
        )
        for table in CHILD_TABLES
    ),
)
