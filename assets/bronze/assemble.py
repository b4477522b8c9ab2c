"""Tables from their parts (title, header values, grid layout), the table-level findings, and
the batch-wide keys turned back into per-file ones."""

from __future__ import annotations

import polars as pl

from assets.bronze.findings import findings
from assets.bronze.grid import REQUIRED_COLUMNS
from assets.bronze.header import HEADER_FIELDS
from assets.bronze.zones import LINE_KEY, TABLE_KEY
from assets.reference import AMOUNT_FIELDS, GRID_COLUMNS


def empty_tables() -> pl.DataFrame:
    columns: dict[str, pl.DataType] = {
        "table_seq": pl.Int32(),
        "title_line": pl.Int32(),
        "end_line": pl.Int32(),
        "year": pl.Int32(),
        "grid_header_line": pl.Int32(),
        "grid_columns": pl.List(pl.String()),
        "layout": pl.String(),
    }
    for field in HEADER_FIELDS:
        columns[field] = pl.String()
        columns[f"{field}_line"] = pl.Int32()
        columns[f"{field}_inferred"] = pl.Boolean()
    for field in AMOUNT_FIELDS:
        columns[f"{field}_unit"] = pl.String()
    return pl.DataFrame(schema=columns)


def empty_indicators() -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {"table_seq": pl.Int32(), "source_line": pl.Int32()}
    schema |= {column: pl.String() for column in GRID_COLUMNS}
    schema["aligned"] = pl.Boolean()
    schema["carried_down"] = pl.Boolean()
    return pl.DataFrame(schema=schema)


def assemble_tables(
    lines: pl.DataFrame, header_values: pl.DataFrame, layout: pl.DataFrame
) -> pl.DataFrame:
    """One row per table: title, year, line span, every header field with its line."""
    spans = (
        lines.filter(~pl.col("preamble"))
        .group_by("table_seq")
        .agg(
            pl.col("line").min().alias("title_line"),
            pl.col("line").filter(~pl.col("blank")).max().alias("end_line"),
            pl.col("title_year").first().alias("year"),
            pl.col("text").filter(pl.col("zone") == "title").first().alias("title"),
        )
        .sort("table_seq")
        # A whole department's table (部门整体绩效目标表) has no project of its own.
        .with_columns(
            pl.when(pl.col("title").str.contains("部门整体|整体支出"))
            .then(pl.lit("department"))
            .otherwise(pl.lit("project"))
            .alias("layout")
        )
        .drop("title")
    )
    wide = header_values.pivot(
        on="field", index="table_seq", values=["value", "line", "unit", "inferred"]
    )
    renames = {}
    for column in wide.columns[1:]:
        kind, _, field = column.partition("_")
        renames[column] = field if kind == "value" else f"{field}_{kind}"
    return spans.join(wide.rename(renames), on="table_seq", how="left").join(
        layout.select("table_seq", "grid_header_line", "grid_columns"),
        on="table_seq",
        how="left",
    )


def mark_unknown_layouts(tables: pl.DataFrame) -> pl.DataFrame:
    """A table whose indicator grid jixiao could not place (no grid header, or one without the
    three level columns) is of a layout it does not know."""
    placed = pl.all_horizontal(
        pl.col("grid_columns").list.contains(pl.lit(column)) for column in REQUIRED_COLUMNS
    ).fill_null(False)
    return tables.with_columns(
        pl.when(placed).then(pl.col("layout")).otherwise(pl.lit("unknown")).alias("layout")
    )


def tables_without_rows(tables: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """A table with no grid header, or a grid header and no row under it, has no targets."""
    empty = tables.join(indicators.select("table_seq").unique(), on="table_seq", how="anti")
    return findings(
        empty,
        "E002",
        "grid",
        pl.lit(None, dtype=pl.String),
        pl.when(pl.col("grid_header_line").is_null())
        .then(pl.lit("table has no indicator grid (no 一级指标 header row)"))
        .otherwise(pl.lit("indicator grid has a header but no rows")),
        line=pl.coalesce("grid_header_line", "title_line"),
    )


def stray_lines(lines: pl.DataFrame) -> pl.DataFrame:
    """Non-blank text before the first table belongs to no table: report it."""
    return findings(
        lines.filter((pl.col("zone") == "preamble") & ~pl.col("blank")),
        "W110",
        "preamble",
        pl.col("text").str.slice(0, 200),
        "text before the first table title belongs to no table; ignored",
        table=pl.lit(None, dtype=pl.Int32),
    )


def localize(frame: pl.DataFrame, template: pl.DataFrame) -> pl.DataFrame:
    """Batch-wide keys back to per-file ones (file id, 1-based line, table number), typed."""
    line_columns = [c for c in template.columns if c.endswith("_line")]
    file_id = (
        pl.col("source_line") if "source_line" in frame.columns else pl.col("title_line")
    ) // LINE_KEY
    localized = frame.with_columns(
        file_id.cast(pl.Int32).alias("file_id"),
        *[(pl.col(c) % LINE_KEY).alias(c) for c in line_columns if c in frame.columns],
        (pl.col("table_seq") % TABLE_KEY).alias("table_seq"),
    )
    missing = [
        pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in template.schema.items()
        if name not in localized.columns
    ]
    return localized.with_columns(missing).select(
        "file_id", *[pl.col(name).cast(dtype) for name, dtype in template.schema.items()]
    )
