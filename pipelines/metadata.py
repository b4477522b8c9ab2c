"""Frames and warehouse tables as Dagster metadata: previews, column schemas, live findings."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import dagster as dg
import polars as pl

from expectations.docs import RunLabel
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


@dataclass(frozen=True)
class LiveFindings:
    """What the published warehouse holds of one rule: its findings now, how many this run
    added, and the first few by file and line."""

    live: int
    new: int
    sample: pl.DataFrame


# A quality rule's findings are in dq_issue, a review rule's in review_finding.
FINDING_TABLES = {"dq_issue": "detected_at", "review_finding": "reviewed_at"}
SAMPLE_COLUMNS = "source_file, source_line, project_code, column_name, value"


def live_findings(path: Path, added_at: datetime | None, rows: int = 5) -> dict[str, LiveFindings]:
    """Every rule's live findings in the published warehouse, counted in one pass per table
    (a rule may have hundreds of thousands; only `rows` of each are read)."""
    if not path.exists():
        return {}
    con = connect(path, read_only=True)
    try:
        found: dict[str, LiveFindings] = {}
        for table, found_at in FINDING_TABLES.items():
            counts = con.execute(
                f"SELECT rule_id, count(*), count(*) FILTER (WHERE {found_at} = ?) "
                f"FROM {table} GROUP BY rule_id",
                [added_at],
            ).fetchall()
            samples = con.sql(
                f"SELECT rule_id, {SAMPLE_COLUMNS} FROM {table} "
                f"QUALIFY row_number() OVER (PARTITION BY rule_id ORDER BY {SAMPLE_COLUMNS}) "
                f"<= {int(rows)} ORDER BY rule_id, {SAMPLE_COLUMNS}"
            ).pl()
            by_rule = samples.partition_by("rule_id", as_dict=True, include_key=False)
            for rule_id, live, new in counts:
                found[rule_id] = LiveFindings(live, new, by_rule[(rule_id,)])
        return found
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


def run_label(context: dg.OpExecutionContext | dg.AssetExecutionContext) -> RunLabel:
    """The Data Docs' name of this Dagster run: when it was created (so records sort by time),
    its id, and what started it (a schedule, a sensor, `jixiao run`, or a person)."""
    record = context.instance.get_run_record_by_id(context.run.run_id)
    created = record.create_timestamp if record else datetime.now(UTC)
    tags = context.run.tags
    trigger = (
        f"schedule {tags['dagster/schedule_name']}"
        if "dagster/schedule_name" in tags
        else f"sensor {tags['dagster/sensor_name']}"
        if "dagster/sensor_name" in tags
        else tags.get("jixiao/trigger", "Dagster run")
    )
    return RunLabel(
        f"{created:%Y%m%dT%H%M%S}-{context.run.run_id[:8]}", f"{trigger} {context.run.run_id[:8]}"
    )
