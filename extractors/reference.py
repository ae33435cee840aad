"""The reference tables: the insurer registry, the coverage taxonomy and the JSIC industries,
as rows, from the YAML the extractors match against (`extractors/data/`).

Names and words are kept as the YAML spells them (the extractors match their NFKC forms).
Publishing them beside the extracted tables lets an analyst join `insurer_id`, `coverage_id`
and `jsic_code` to names and meanings without reading YAML, and shows which words the
extractors know for each.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from extractors.text_utils import load_data


@dataclass(frozen=True)
class InsurerRow:
    """One insurer of the registry: its id, legal name and the names brochures print for it."""

    insurer_id: str
    name: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class CoverageTaxonomyRow:
    """One id of the coverage taxonomy: a section (liability, expense, …) or an item within one."""

    coverage_id: str
    section_id: str
    is_section: bool
    meaning: str
    terms: tuple[str, ...]


@dataclass(frozen=True)
class IndustryRow:
    """One JSIC top-level division and the labels brochures print for it."""

    jsic_code: str
    name: str
    labels: tuple[str, ...]


def _term_text(entry: str | Mapping[str, Any]) -> str:
    """Given one YAML term entry (text, or a mapping with options), return its text."""
    return entry if isinstance(entry, str) else str(entry["term"])


def insurers_data_to_rows(data: Mapping[str, Any]) -> tuple[InsurerRow, ...]:
    """Given the parsed insurers.yaml, return one row per insurer, by id."""
    rows = (
        InsurerRow(str(e["id"]), str(e["name"]), tuple(str(a) for a in e.get("aliases") or ()))
        for e in data["insurers"]
    )
    return tuple(sorted(rows, key=lambda r: r.insurer_id))


def taxonomy_data_to_rows(data: Mapping[str, Any]) -> tuple[CoverageTaxonomyRow, ...]:
    """Given the parsed taxonomy.yaml, return one row per section and per item, sections first."""
    sections = [
        CoverageTaxonomyRow(
            section, section, True, str(b.get("meaning", "")), tuple(map(_term_text, b.get("terms", ())))
        )
        for section, b in data["sections"].items()
    ]
    items = [
        CoverageTaxonomyRow(
            cid,
            str(b["section"]),
            False,
            str(b.get("meaning", "")),
            tuple(map(_term_text, b.get("terms", ()))),
        )
        for cid, b in data["coverages"].items()
    ]
    return tuple(sections + items)


def industries_data_to_rows(data: Mapping[str, Any]) -> tuple[IndustryRow, ...]:
    """Given the parsed industries.yaml, return one row per JSIC division, by code."""
    return tuple(
        IndustryRow(str(code), str(e["name"]), tuple(str(label) for label in e.get("labels", ())))
        for code, e in sorted(data["industries"].items())
    )


ReferenceRow = InsurerRow | CoverageTaxonomyRow | IndustryRow


def load_reference() -> dict[str, tuple[ReferenceRow, ...]]:
    """Given nothing, return {table: rows} of the three reference tables from extractors/data/."""
    return {
        "insurers": insurers_data_to_rows(load_data("insurers.yaml")),
        "coverage_taxonomy": taxonomy_data_to_rows(load_data("taxonomy.yaml")),
        "industries": industries_data_to_rows(load_data("industries.yaml")),
    }
