"""Rules that span tables: each takes the published tables as frames and returns its failures.

Per-table rules are pandera checks in `schemas.models`; what needs two tables (or the whole
warehouse) is here. To add a rule: write a function `(tables, brochures) -> list[Failure]`
and append a `Rule` to `RULES`; the pipeline turns every rule into a Dagster asset check on
`Rule.table` without further changes.

Rules that look at the order of rows read it from the `ordinal` column, never from the order
files happen to be read in.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

from extractors.readers import quality
from schemas.models import ORDINAL

#: table name -> the whole published table
Tables = Mapping[str, pl.DataFrame]
Severity = Literal["error", "warn"]

#: the tables whose rows belong to a documents row; pages first (the others' evidence is in it)
CHILD_TABLES = ("pages", "coverages", "limits", "premiums", "loss_scenarios")
#: the tables whose rows quote the brochure in an `evidence` column
EVIDENCE_TABLES = ("coverages", "limits", "premiums", "loss_scenarios")
#: what can be wrong with a row's evidence; the quarantine reason is "evidence " + one of them
EVIDENCE_NOT_FOUND = "not found in the document text"
EVIDENCE_EMPTY = "is empty"
NO_DOCUMENT_TEXT = "cannot be checked: the document has no pages rows"
EVIDENCE_PROBLEMS = (EVIDENCE_NOT_FOUND, EVIDENCE_EMPTY, NO_DOCUMENT_TEXT)
#: the quote conditions under which one industry's premium is compared across revenues
PREMIUM_CONDITIONS = (
    "premium_period",
    "installments",
    "liability_limit_jpy",
    "expense_limit_jpy",
    "deductible_jpy",
    "effective_from",
)


@dataclass(frozen=True)
class Failure:
    """One broken rule: in which table, about which document (doc_id or source_file), what is wrong.

    `details` holds the figures a person needs to judge it (JSON-ready values).
    """

    table: str
    key: str
    problem: str
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Rule:
    """A cross-table rule; `check(tables, brochures)` gets the tables named in `reads`.

    `brochures` is the source_file of every brochure the warehouse is expected to hold.
    `severity` says whether a failure is wrong data (`error`) or a figure to look at (`warn`).
    """

    name: str
    table: str
    reads: tuple[str, ...]
    description: str
    check: Callable[[Tables, Collection[str]], list[Failure]]
    severity: Severity = "error"


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


def text_reads_clean(tables: Tables, brochures: Collection[str]) -> list[Failure]:
    """Given documents, return those whose readers warned that their text is mojibake or doubled glyphs."""
    found = []
    for row in tables["documents"].select("doc_id", "source_file", "warnings").iter_rows(named=True):
        for warning in row["warnings"] or []:
            if warning.startswith((quality.MOJIBAKE, quality.DOUBLED)):
                details = {"source_file": row["source_file"], "warning": warning}
                found.append(Failure("documents", row["doc_id"], warning.split(" (")[0], details))
    return found


def brochures_without_errors(tables: Tables, brochures: Collection[str]) -> list[Failure]:
    """Given ingest_errors, return one failure per brochure whose latest version could not be published."""
    return [
        Failure("ingest_errors", row["source_file"], row["error"], {"stage": row["stage"]})
        for row in tables["ingest_errors"].select("source_file", "stage", "error").iter_rows(named=True)
    ]


def documents_with_coverages(tables: Tables, brochures: Collection[str]) -> list[Failure]:
    """Given documents and coverages, return the documents that published no coverage at all."""
    covered = tables["coverages"].get_column("doc_id").unique().implode()
    bare = tables["documents"].filter(~pl.col("doc_id").is_in(covered))
    return [
        Failure(
            "documents",
            row["doc_id"],
            "no coverage was read: the layout may be one the readers do not know yet",
            {"source_file": row["source_file"], "page_count": row["page_count"]},
        )
        for row in bare.select("doc_id", "source_file", "page_count").iter_rows(named=True)
    ]


def nothing_quarantined(tables: Tables, brochures: Collection[str]) -> list[Failure]:
    """Given quarantine, return one failure per quarantined row: its file, table, page and evidence."""
    found = []
    for row in tables["quarantine"].iter_rows(named=True):
        try:
            record = json.loads(row["row_json"])
        except ValueError:
            record = {}
        details = {
            "table": row["table"],
            "page": record.get("page"),
            "evidence": record.get("evidence"),
        }
        key = row["source_file"] or row["doc_id"] or "(unknown file)"
        found.append(Failure("quarantine", key, row["reason"], details))
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


def document_texts(pages: pl.DataFrame, by: str = "doc_id") -> dict[str, str]:
    """Given pages rows, return {`by` value: its document's text}: the pages in order, one after another.

    A page listed twice under one key (the same bytes ingested under two file names) counts once.
    """
    ordered = pages.unique([by, "page"], keep="first", maintain_order=True).sort(
        by, "page", maintain_order=True
    )
    return {
        key: "\n".join(texts)  # as Document.text joins its parts
        for key, texts in ordered.group_by(by, maintain_order=True).agg(pl.col("text")).iter_rows()
    }


def evidence_problems(rows: pl.DataFrame, texts: Mapping[str, str], by: str = "doc_id") -> dict[int, str]:
    """Given rows with an evidence column and document texts by `by`, return {row index: problem} of bad rows.

    A problem is one of EVIDENCE_PROBLEMS: the evidence is null or empty, its document has no
    text to look in, or it is not a verbatim substring of that text.
    """
    found = {}
    for i, (key, evidence) in enumerate(rows.select(by, "evidence").iter_rows()):
        text = texts.get(key)
        if not evidence:
            found[i] = EVIDENCE_EMPTY
        elif text is None:
            found[i] = NO_DOCUMENT_TEXT
        elif evidence not in text:
            found[i] = EVIDENCE_NOT_FOUND
    return found


#: the columns that say which row of a table a failure is about, besides doc_id and evidence
_ROW_LABELS = {
    "coverages": ("coverage_label",),
    "limits": ("coverage_label", "limit_type"),
    "premiums": ("industry_label", "annual_revenue_jpy"),
    "loss_scenarios": ("scenario_index", "item_label"),
}


def _evidence_details(table: str, row: Mapping[str, Any]) -> dict[str, Any]:
    """Given a table and one of its rows (published or quarantined), return what locates its evidence."""
    return {c: row.get(c) for c in ("page", *_ROW_LABELS[table], "evidence")}


def evidence_in_document_text(table: str) -> Callable[[Tables, Collection[str]], list[Failure]]:
    """Given a table with evidence, return the rule that every evidence occurs in its document's text.

    Its document's text is the `pages` rows of its doc_id. Rows of the latest runs that were
    quarantined for their evidence (see `pipelines.publish`) break the rule too: they are
    not published, but the extraction that made them is wrong.
    """

    def check(tables: Tables, brochures: Collection[str]) -> list[Failure]:
        rows = tables[table]
        found = []
        for i, problem in evidence_problems(rows, document_texts(tables["pages"])).items():
            row = rows.row(i, named=True)
            details = _evidence_details(table, row)
            found.append(Failure(table, row["doc_id"], f"published row: evidence {problem}", details))
        quarantine = tables["quarantine"].filter(pl.col("table") == table)
        for row in quarantine.iter_rows(named=True):
            problems = [p for p in EVIDENCE_PROBLEMS if f"evidence {p}" in row["reason"]]
            if problems:
                details = _evidence_details(table, json.loads(row["row_json"]))
                found.append(
                    Failure(table, row["doc_id"] or "", f"quarantined: evidence {problems[0]}", details)
                )
        return found

    check.__doc__ = (
        f"Given pages, {table} and quarantine, return the {table} rows whose evidence is not in their text."
    )
    return check


def _in_document_order(rows: pl.DataFrame) -> pl.DataFrame:
    """Given rows with doc_id and ORDINAL, return them in document order, each (doc_id, ordinal) once."""
    return rows.unique(["doc_id", ORDINAL], keep="first", maintain_order=True).sort(
        "doc_id", ORDINAL, maintain_order=True
    )


#: how far a sum may miss a figure printed as approximate (約2.2億円 for 2.15億円 of items)
APPROXIMATE_TOLERANCE = 0.05


def _sums_agree(stated: int, computed: int, approximate: bool) -> bool:
    """Given a stated figure, the sum of its parts and whether any is approximate, return if they agree."""
    if approximate:
        return abs(stated - computed) <= stated * APPROXIMATE_TOLERANCE
    return stated == computed


def scenario_to_failures(doc_id: str, rows: list[dict[str, Any]]) -> list[Failure]:
    """Given one scenario's rows in document order, return the subtotals and totals its items miss.

    A subtotal is the sum of the items since the previous subtotal (one with no items before it
    cannot be checked). A total is the sum of the subtotals and of the items no subtotal took,
    since the previous total: with no subtotals, the sum of the items. A total printed above
    its breakdown (the scenario's first row) is the sum of the rows after it.
    """
    if len(rows) > 1 and rows[0]["row_kind"] == "total":
        rows = [*rows[1:], rows[0]]
    found = []
    items = subtotals = 0  # items since the last subtotal; subtotals since the last total
    n_items = 0
    rough = False  # whether a figure summed since the last total was printed as approximate
    for row in rows:
        amount, kind = row["amount_jpy"], row["row_kind"]
        rough = rough or bool(row.get("approximate"))
        if kind == "item":
            items += amount
            n_items += 1
            continue
        if kind == "subtotal":
            computed, covers = items, "the items before it"
            subtotals += amount
        else:
            computed, covers = subtotals + items, "its subtotals and the items no subtotal takes"
            subtotals = 0
        if (kind == "total" or n_items) and not _sums_agree(amount, computed, rough):
            details = {
                "scenario_index": row["scenario_index"],
                "scenario_label": row["scenario_label"],
                "row": row["item_label"],
                "row_kind": kind,
                ORDINAL: row[ORDINAL],
                "stated_jpy": amount,
                "computed_jpy": computed,
                "difference_jpy": amount - computed,
            }
            problem = (
                f"scenario {row['scenario_index']}: {kind} {row['item_label']} states {amount:,} yen, "
                f"{covers} add up to {computed:,}"
            )
            found.append(Failure("loss_scenarios", doc_id, problem, details))
        items = n_items = 0
        if kind == "total":
            rough = False
    return found


def scenario_items_add_up(tables: Tables, brochures: Collection[str]) -> list[Failure]:
    """Given loss_scenarios, return the subtotals and totals that their scenario's items do not add up to."""
    rows = _in_document_order(tables["loss_scenarios"])
    found = []
    for (doc_id, _), scenario in rows.group_by("doc_id", "scenario_index", maintain_order=True):
        found += scenario_to_failures(str(doc_id), scenario.to_dicts())
    return found


def premiums_monotone_in_revenue(tables: Tables, brochures: Collection[str]) -> list[Failure]:
    """Given premiums, return each quote cheaper than one for a lower revenue under the same conditions.

    Quotes are compared within one doc_id, industry_label and set of PREMIUM_CONDITIONS (nulls
    match nulls): a bigger business is never quoted less for the same cover. Each failing quote
    is reported once, against the dearest quote of a lower revenue.
    """
    keys = ["doc_id", "industry_label", *PREMIUM_CONDITIONS]
    found = []
    for _, group in tables["premiums"].group_by(keys, maintain_order=True):
        dearest: dict[str, Any] | None = None  # the dearest quote of all lower revenues
        rows = group.sort("annual_revenue_jpy", "premium_jpy").iter_rows(named=True)
        for _, level in itertools.groupby(rows, key=lambda r: r["annual_revenue_jpy"]):
            quotes = list(level)
            if dearest is not None:
                found += [
                    _premium_failure(q, dearest) for q in quotes if q["premium_jpy"] < dearest["premium_jpy"]
                ]
            if dearest is None or quotes[-1]["premium_jpy"] > dearest["premium_jpy"]:
                dearest = quotes[-1]
    return found


def _premium_failure(row: dict[str, Any], lower: dict[str, Any]) -> Failure:
    """Given a premium row and the dearer quote at a lower revenue, return the Failure naming both."""
    conditions = {
        c: row[c] if c != "effective_from" or row[c] is None else str(row[c]) for c in PREMIUM_CONDITIONS
    }
    details = {
        "industry_label": row["industry_label"],
        **conditions,
        "lower_revenue_jpy": lower["annual_revenue_jpy"],
        "lower_revenue_premium_jpy": lower["premium_jpy"],
        "revenue_jpy": row["annual_revenue_jpy"],
        "premium_jpy": row["premium_jpy"],
        "evidence": row["evidence"],
    }
    problem = (
        f"{row['industry_label']}: {row['premium_jpy']:,} yen at revenue {row['annual_revenue_jpy']:,} yen, "
        f"below {lower['premium_jpy']:,} yen at the lower revenue {lower['annual_revenue_jpy']:,} yen"
    )
    return Failure("premiums", row["doc_id"], problem, details)


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
    *(
        Rule(
            name="evidence_in_document_text",
            table=table,
            reads=("pages", table, "quarantine"),
            description=(
                f"Every {table} row quotes its brochure: its evidence is a verbatim substring of its "
                "document's text (the pages table). Rows that break this are quarantined when they "
                "are published; the check fails for them and for any published row that breaks it."
            ),
            check=evidence_in_document_text(table),
        )
        for table in EVIDENCE_TABLES
    ),
    Rule(
        name="text_reads_clean",
        table="documents",
        reads=("documents",),
        description=(
            "No document's text is mostly mojibake (a wrong charset, fonts mapping glyphs to wrong "
            "code points) or doubled glyphs (fake bold): such text yields few or no rows, so each "
            "is worth a look; the reader's warning in documents.warnings says what to do."
        ),
        check=text_reads_clean,
        severity="warn",
    ),
    Rule(
        name="every_document_has_coverages",
        table="documents",
        reads=("documents", "coverages"),
        description=(
            "Every published brochure yields at least one coverage: one that yields none was read "
            "(it has pages) but not understood, and its other tables are likely empty too."
        ),
        check=documents_with_coverages,
        severity="warn",
    ),
    Rule(
        name="no_ingest_errors",
        table="ingest_errors",
        reads=("ingest_errors",),
        description=(
            "No brochure of the warehouse failed its latest ingest. Each failure names the file and "
            "what to do; the brochure's previous rows (if any) stay published."
        ),
        check=brochures_without_errors,
        severity="warn",
    ),
    Rule(
        name="nothing_quarantined",
        table="quarantine",
        reads=("quarantine",),
        description=(
            "No row of the warehouse was quarantined. Each failure names the file, the table, the "
            "page, the evidence and the check the row failed."
        ),
        check=nothing_quarantined,
        severity="warn",
    ),
    Rule(
        name="scenario_items_add_up",
        table="loss_scenarios",
        reads=("loss_scenarios",),
        description=(
            "Within each scenario (doc_id, scenario_index, rows in ordinal order) the items before a "
            "subtotal add up to it, and a total equals its subtotals plus the items no subtotal takes "
            "(with no subtotals: the sum of the items). A miss is worth a look, not wrong data: a "
            "brochure may round, or leave an item out of its breakdown."
        ),
        check=scenario_items_add_up,
        severity="warn",
    ),
    Rule(
        name="premiums_monotone_in_revenue",
        table="premiums",
        reads=("premiums",),
        description=(
            "Within one doc_id, industry_label and set of quote conditions (premium_period, "
            "installments, liability/expense limits, deductible, effective_from), the premium does "
            "not fall as annual_revenue_jpy rises."
        ),
        check=premiums_monotone_in_revenue,
        severity="warn",
    ),
)
