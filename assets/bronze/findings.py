"""The parser's findings: one schema and one builder for every rule the parser emits."""

from __future__ import annotations

import polars as pl

FINDING_SCHEMA: dict[str, pl.DataType] = {
    "table_seq": pl.Int32(),
    "source_line": pl.Int32(),
    "rule_id": pl.String(),
    "column_name": pl.String(),
    "value": pl.String(),
    "message": pl.String(),
}


def findings(
    rows: pl.DataFrame,
    rule_id: str,
    column_name: str | None,
    value: pl.Expr,
    message: str | pl.Expr,
    line: pl.Expr | None = None,
    table: pl.Expr | None = None,
) -> pl.DataFrame:
    """Each row of `rows` as a finding of `rule_id` at its line (`line` by default) and table."""
    return rows.select(
        (pl.col("table_seq") if table is None else table).alias("table_seq"),
        (pl.col("line") if line is None else line).alias("source_line"),
        pl.lit(rule_id).alias("rule_id"),
        pl.lit(column_name).alias("column_name"),
        value.alias("value"),
        (pl.lit(message) if isinstance(message, str) else message).alias("message"),
    )


def empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDING_SCHEMA)
