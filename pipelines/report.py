"""The comparison report: one self-contained HTML file of charts over the warehouse.

Plain Python (no Dagster): the `comparison_report` asset and `brochures ingest` write it to
`<warehouse>/report.html`. Charts are drawn by matplotlib as SVG (text as paths) and inlined, so
the file opens offline and makes no request: no script, stylesheet, font or image is linked.
"""

from __future__ import annotations

import html
import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import polars as pl
from matplotlib import font_manager
from matplotlib.figure import Figure

from pipelines.catalog import build_catalog, run_query

REPORT_NAME = "report.html"
#: the fonts tried in order for the Japanese labels; the first one installed is used
CJK_FONTS = ("Noto Sans CJK JP", "Noto Sans JP", "IPAexGothic", "IPAGothic", "TakaoGothic")
FALLBACK_FONT = "DejaVu Sans"
#: the heatmap's cell codes, in order: label and colour
MATRIX_STATES = (("not offered", "#f2f2f2"), ("base policy", "#2b8cbe"), ("optional", "#a6bddb"))


@dataclass(frozen=True)
class Chart:
    """One chart of the report: its section id, title, a sentence of explanation, and its SVG."""

    section: str
    title: str
    note: str
    svg: str


@dataclass(frozen=True)
class Report:
    """A written report: where it is, its size in bytes, and how many charts it holds."""

    path: Path
    size_bytes: int
    charts: int
    font: str


def choose_font() -> str:
    """Given the installed fonts, return the first CJK font, or DejaVu Sans with a warning."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    font = next((name for name in CJK_FONTS if name in installed), None)
    if font is None:
        warnings.warn(
            "no CJK font installed (apt-get install fonts-noto-cjk): Japanese labels show as boxes",
            stacklevel=2,
        )
        return FALLBACK_FONT
    return font


def query_frame(catalog: Path, sql: str) -> pl.DataFrame:
    """Given a DuckDB catalog and a query, return its result as a polars frame."""
    result = run_query(catalog, sql)
    return pl.DataFrame(
        list(result.rows), schema=list(result.columns), orient="row", infer_schema_length=None
    )


def figure_to_svg(figure: Figure) -> str:
    """Given a matplotlib figure, return it as an inline <svg> element (no XML header, no metadata)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg") :]
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)


def product_label(insurer: str | None, product: str | None) -> str:
    """Given an insurer id and a product name, return the row label the charts show."""
    return f"{insurer or '(insurer unknown)'} / {product or '(product unknown)'}"


def matrix_chart(matrix: pl.DataFrame) -> Figure:
    """Given coverage_matrix rows, return a heatmap of product × offered coverage id."""
    offered = matrix.filter(pl.col("offered").cast(pl.Boolean))  # a catalog of no brochure: Null
    ids = sorted(set(offered["coverage_id"].to_list()))
    rows = sorted({product_label(i, p) for i, p in matrix.select("insurer_id", "product_name").iter_rows()})
    code = {
        (product_label(i, p), c): 2 if o else 1
        for i, p, c, o in offered.select("insurer_id", "product_name", "coverage_id", "optional").iter_rows()
    }
    grid = [[code.get((r, c), 0) for c in ids] for r in rows]
    figure, ax = plt.subplots(figsize=(max(6.0, 0.32 * len(ids) + 3), max(2.5, 0.4 * len(rows) + 2)))
    cmap = matplotlib.colors.ListedColormap([colour for _, colour in MATRIX_STATES])
    ax.pcolormesh(grid or [[0]], cmap=cmap, vmin=-0.5, vmax=2.5, edgecolors="white", linewidth=0.5)
    ax.set_xticks([i + 0.5 for i in range(len(ids))], ids, rotation=90, fontsize=7)
    ax.set_yticks([i + 0.5 for i in range(len(rows))], rows, fontsize=8)
    ax.invert_yaxis()
    handles = [matplotlib.patches.Patch(color=colour, label=label) for label, colour in MATRIX_STATES]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return figure


def limits_chart(matrix: pl.DataFrame) -> Figure:
    """Given coverage_matrix rows, return a dot chart of each product's headline limit per coverage id."""
    limited = matrix.filter(pl.col("headline_limit_jpy").is_not_null())
    ids = sorted(set(limited["coverage_id"].to_list()))
    figure, ax = plt.subplots(figsize=(9, max(2.5, 0.3 * len(ids) + 1.5)))
    for (insurer, product), group in limited.group_by(["insurer_id", "product_name"], maintain_order=True):
        ys = [ids.index(c) for c in group["coverage_id"]]
        ax.scatter(group["headline_limit_jpy"].to_list(), ys, label=product_label(insurer, product), s=24)
    ax.set_yticks(range(len(ids)), ids, fontsize=8)
    ax.set_xscale("log") if ids else None
    ax.set_xlabel("headline limit (yen, log scale)")
    ax.grid(axis="x", alpha=0.3)
    if ids:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7)
    return figure


def premium_chart(quotes: pl.DataFrame) -> Figure:
    """Given premium_quotes rows, return lines of annual premium against revenue per insurer and industry."""
    annual = quotes.filter(
        pl.col("annual_premium_jpy").is_not_null() & pl.col("annual_revenue_jpy").is_not_null()
    )
    figure, ax = plt.subplots(figsize=(9, 4.5))
    keys = ["insurer_id", "product_name", "industry_name", "industry_label"]
    for (insurer, product, industry, label), group in annual.sort("annual_revenue_jpy").group_by(
        keys, maintain_order=True
    ):
        name = f"{product_label(insurer, product)} · {industry or label}"
        ax.plot(
            group["annual_revenue_jpy"].to_list(), group["annual_premium_jpy"].to_list(), "o-", label=name
        )
    ax.set_xlabel("annual revenue (yen)")
    ax.set_ylabel("annual premium (yen)")
    ax.grid(alpha=0.3)
    if annual.height:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7)
    return figure


def quality_counts(catalog: Path) -> list[tuple[str, int]]:
    """Given a catalog, return the data-quality figures: brochures, errors, warnings, quarantine by reason."""
    ((published, errors, warned),) = run_query(
        catalog,
        "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM ingest_errors), "
        "(SELECT coalesce(sum(len(warnings)), 0) FROM documents)",
    ).rows
    quarantined = run_query(
        catalog, 'SELECT "table", reason, count(*) FROM quarantine GROUP BY ALL ORDER BY 3 DESC, 1, 2'
    ).rows
    counts = [
        ("brochures published", published),
        ("brochures in ingest_errors", errors),
        ("warnings", warned),
        *((f"quarantined {t}: {r}", n) for t, r, n in quarantined),
    ]
    return [(label, int(str(n))) for label, n in counts]


def quality_chart(counts: Sequence[tuple[str, int]]) -> Figure:
    """Given the data-quality figures, return a horizontal bar chart of them."""
    figure, ax = plt.subplots(figsize=(9, max(2.5, 0.35 * len(counts) + 1)))
    labels = [label[:80] for label, _ in counts]
    ax.barh(range(len(counts)), [int(n) for _, n in counts], color="#31a354")
    ax.set_yticks(range(len(counts)), labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("count")
    return figure


def quality_table(counts: Sequence[tuple[str, int]]) -> str:
    """Given the data-quality figures, return them as an HTML table."""
    rows = "".join(f"<tr><td>{html.escape(label)}</td><td>{n}</td></tr>" for label, n in counts)
    return f"<table><tr><th>figure</th><th>count</th></tr>{rows}</table>"


def build_charts(catalog: Path) -> tuple[list[Chart], str]:
    """Given a catalog, return the report's charts and its data-quality table."""
    matrix = query_frame(catalog, "SELECT * FROM coverage_matrix WHERE NOT is_section")
    quotes = query_frame(catalog, "SELECT * FROM premium_quotes")
    counts = quality_counts(catalog)
    charts = [
        Chart(
            "coverage",
            "Coverage matrix",
            "Which coverage ids each product lists.",
            figure_to_svg(matrix_chart(matrix)),
        ),
        Chart(
            "limits",
            "Limits per coverage",
            "The largest base-policy limit printed per coverage id.",
            figure_to_svg(limits_chart(matrix)),
        ),
        Chart(
            "premiums",
            "Premium against revenue",
            "Annual premiums (monthly × 12) by industry and insurer.",
            figure_to_svg(premium_chart(quotes)),
        ),
        Chart(
            "quality",
            "Data quality",
            "Brochures published and failed, warnings, quarantined rows by reason.",
            figure_to_svg(quality_chart(counts)),
        ),
    ]
    return charts, quality_table(counts)


def charts_to_html(charts: Sequence[Chart], table: str, font: str) -> str:
    """Given the charts, the data-quality table and the font used, return the whole HTML page."""
    sections = "".join(
        f'<section id="{c.section}"><h2>{html.escape(c.title)}</h2><p>{html.escape(c.note)}</p>'
        f'<div class="chart">{c.svg}</div>{table if c.section == "quality" else ""}</section>'
        for c in charts
    )
    style = (
        "body{font-family:sans-serif;margin:2em;max-width:1300px}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px}"
        ".chart svg{max-width:100%;height:auto}"
    )
    return (
        '<!DOCTYPE html><html lang="ja"><head><meta charset="utf-8"><title>Cyber-insurance comparison</title>'
        f"<style>{style}</style></head><body><h1>Cyber-insurance brochures: comparison report</h1>"
        f"<p>Drawn from the warehouse's DuckDB catalog; chart labels in {html.escape(font)}.</p>"
        f"{sections}</body></html>"
    )


def write_report(warehouse: Path) -> Report:
    """Given a local warehouse folder, rebuild its catalog, write report.html; return what was written."""
    catalog = build_catalog(warehouse)
    font = choose_font()
    with matplotlib.rc_context({"font.family": [font, FALLBACK_FONT], "svg.fonttype": "path"}):
        charts, table = build_charts(catalog)
    target = warehouse / REPORT_NAME
    staging = warehouse / f".{REPORT_NAME}.tmp"
    staging.write_text(charts_to_html(charts, table, font), encoding="utf-8")
    staging.replace(target)
    return Report(path=target, size_bytes=target.stat().st_size, charts=len(charts), font=font)
