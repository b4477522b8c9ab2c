"""Frames and warehouse tables as Dagster metadata: previews, column schemas, live findings."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import dagster as dg
import polars as pl

from warehouse.load import connect


def markdown_preview(
    frame: pl.DataFrame, rows: int = 5, width: int = 40
) -> dg.MarkdownMetadataValue:
    head = frame.head(rows).with_columns(pl.all().cast(pl.String).str.slice(0, width))
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    for row in head.iter_rows():
        lines.append(
            "| " + " | ".join("" if v is None else str(v).replace("|", "/") for v in row) + " |"
        )
    return dg.MetadataValue.md("\n".join(lines))


def table_schema(
    schema: pl.Schema | dict[str, pl.DataType], descriptions: Mapping[str, str] | None = None
) -> dg.TableSchema:
    described = descriptions or {}
    return dg.TableSchema(
        columns=[
            dg.TableColumn(name, str(dtype), description=described.get(name))
            for name, dtype in dict(schema).items()
        ]
    )


def described_tables(
    path: Path, tables: Mapping[str, str]
) -> dict[str, tuple[int, pl.DataFrame, dg.TableSchema]]:
    """Row count, first rows and commented column schema of every published table and view."""
    con = connect(path, read_only=True)
    try:
        columns = con.execute(
            "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
            "WHERE schema_name = 'main' ORDER BY table_name, column_index"
        ).fetchall()
        described = {}
        for name in tables:
            rows = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
            head = con.sql(f"SELECT * FROM {name} LIMIT 5").pl()
            schema = dg.TableSchema(
                columns=[
                    dg.TableColumn(column, dtype, description=comment)
                    for table, column, dtype, comment in columns
                    if table == name
                ]
            )
            described[name] = (rows, head, schema)
        return described
    finally:
        con.close()


def live_findings(path: Path, rule_id: str, review: bool = False) -> pl.DataFrame:
    """The published findings of one rule (an id from the registry), with file and line: a
    quality rule's in `dq_issue`, a review rule's in `review_finding`."""
    if not path.exists():
        return pl.DataFrame()
    table, found_at = ("review_finding", "reviewed_at") if review else ("dq_issue", "detected_at")
    con = connect(path, read_only=True)
    try:
        return con.sql(
            "SELECT source_file, source_line, project_code, column_name, value, "
            f"{found_at} AS detected_at FROM {table} WHERE rule_id = ? ORDER BY ALL",
            params=[rule_id],
        ).pl()
    finally:
        con.close()


def live_issues(path: Path, rows: int = 10) -> pl.DataFrame:
    """The first published findings, by file and line (what a no-op run's preview shows)."""
    if not path.exists():
        return pl.DataFrame()
    con = connect(path, read_only=True)
    try:
        return con.sql(
            "SELECT rule_id, severity, source_file, source_line, project_code, value, message "
            f"FROM dq_issue ORDER BY source_file, source_line, rule_id LIMIT {int(rows)}"
        ).pl()
    finally:
        con.close()
