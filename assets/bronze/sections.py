"""What is in a target table but is no target: sections (年度履职目标, 项目预算成本构成 …) and a
self-evaluation's grid columns (完成值, 得分). Recognized, reported with their lines (W112),
never read as targets."""

from __future__ import annotations

import polars as pl

from assets.bronze.findings import findings
from assets.bronze.zones import LINE_KEY


def section_findings(lines: pl.DataFrame) -> pl.DataFrame:
    """One finding per section, at its title line, naming the lines it spans."""
    spans = (
        lines.filter(pl.col("zone") == "section")
        .with_columns(pl.col("section_start").cum_sum().over("table_seq").alias("section"))
        .group_by("table_seq", "section", maintain_order=True)
        .agg(
            pl.col("line").first(),
            pl.col("line").last().alias("last_line"),
            pl.col("text").first().str.strip_chars(" \t\u3000:："),
        )
    )
    lines_of = pl.format("{} (lines {}–{})", "text", "line", "last_line")
    # Lines are batch-wide keys here: the span is shown in the file's own numbering.
    local = [(pl.col(c) % LINE_KEY).alias(c) for c in ("line", "last_line")]
    return findings(
        spans.with_columns(pl.col("line").alias("key_line")).with_columns(local),
        "W112",
        "section",
        lines_of,
        "a section that is not targets; recognized and ignored",
        line=pl.col("key_line"),
    )


def self_evaluation_findings(layout: pl.DataFrame) -> pl.DataFrame:
    """One finding per grid that carries self-evaluation columns, at its header line."""
    return findings(
        layout.filter(pl.col("self_evaluation_labels").list.len() > 0),
        "W112",
        "grid_header",
        pl.col("self_evaluation_labels").list.join(", "),
        "self-evaluation columns (完成值, 得分 …) are not targets; their cells are ignored",
        line=pl.col("grid_header_line"),
    )
