"""What must hold in a staged warehouse before it is published: the G rules of the registry.

A violation is a defect of jixiao, not of the input: bad input is quarantined upstream and never
reaches these checks. Each rule is either one SQL file returning the offending rows or a set of
GX warehouse suites, as `expectations/rules.csv` registers it; each is checked on what the load
changed (the versions it published), so the cost follows what is new.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from assets.lake import Lake, select_sql
from expectations.catalogue import implementations, rules
from warehouse import rule_sql

GUARD_RULES = rules().filter(pl.col("scope") == "warehouse")


# The silver rows the SQL rules compare the warehouse with: view → (entity, columns).
SILVER_VIEWS = {
    "silver_budget": ("project_budget", "source_sha256, table_seq, total_yuan"),
    "silver_targets": ("indicator_target", "source_sha256, table_seq"),
}
NO_SILVER = (
    "SELECT NULL::VARCHAR AS source_sha256, NULL::INTEGER AS table_seq, "
    "NULL::DECIMAL(18, 2) AS total_yuan WHERE false"
)


def _register_versions(con: duckdb.DuckDBPyConnection, versions: Sequence[str]) -> None:
    """`loaded_version`: the versions this load published (every rule's scope)."""
    loaded = pl.DataFrame({"source_sha256": list(versions)}, schema={"source_sha256": pl.String})
    con.register("loaded_version", loaded.to_arrow())


def _register_scope(con: duckdb.DuckDBPyConnection, lake: Lake, versions: Sequence[str]) -> None:
    """Temp views the SQL rules read: the versions this load published and their silver rows."""
    _register_versions(con, versions)
    for view, (entity, columns) in SILVER_VIEWS.items():
        found = lake.silver.sources(versions, entity)
        source = select_sql(found) if found else NO_SILVER
        con.execute(f"CREATE OR REPLACE TEMP VIEW {view} AS SELECT {columns} FROM ({source})")


def _sql_rule(con: duckdb.DuckDBPyConnection, rule_id: str) -> pl.DataFrame:
    return con.sql(rule_sql(rule_id)).pl()


def _sql_rules(
    con: duckdb.DuckDBPyConnection, lake: Lake, versions: Sequence[str], rule_ids: list[str]
) -> dict[str, pl.DataFrame]:
    """The SQL rules' offending rows, on a connection of their own (temp views are per
    connection)."""
    _register_scope(con, lake, versions)
    return {rule_id: _sql_rule(con, rule_id) for rule_id in rule_ids}


def _gx_rules(
    con: duckdb.DuckDBPyConnection, rule_ids: list[str], records: list[dict[str, Any]]
) -> pl.DataFrame:
    """Every warehouse suite of these rules validated once, over the dimensions and the rows of
    this load's versions. GX is imported only here, and only when something was loaded."""
    from expectations.validate import needed_columns, validate

    suites = sorted({suite for rule_id in rule_ids for suite in implementations(rule_id)})
    parts = []
    for suite in suites:
        table = suite.removeprefix("warehouse_")
        columns = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
        where = "true"
        if "source_sha256" in columns:
            where = "source_sha256 IN (SELECT source_sha256 FROM loaded_version)"
        # Only the columns the suite reads or reports: a fact table's other text columns would
        # cost more to hand over than the validation itself.
        wanted = ", ".join(f'"{c}"' for c in columns if c in needed_columns(suite))
        frame = con.sql(f"SELECT {wanted} FROM {table} WHERE {where}").pl()
        result = validate(frame, suite)
        if result.record:
            records.append(result.record)
        parts.append(
            result.findings.select(
                "rule_id",
                pl.lit(table).alias("table"),
                "column_name",
                "value",
                "source_file",
                "source_line",
            )
        )
    return pl.concat(parts)


def check_all(
    warehouse_file: Path,
    lake: Lake,
    versions: Sequence[str],
    records: list[dict[str, Any]] | None = None,
) -> dict[str, pl.DataFrame]:
    """Every guard rule's offending rows (empty: it holds), on a read-only connection to
    `warehouse_file`; nothing to validate when no version was loaded. The GX suites' Data Docs
    records are appended to `records`."""
    con = duckdb.connect(str(warehouse_file), read_only=True)
    # The SQL rules run on a connection of their own, on a thread beside the GX suites: DuckDB
    # releases the GIL, GX's validation holds it on one core.
    beside = con.cursor()
    try:
        by_engine = dict(GUARD_RULES.group_by("engine").agg("rule_id").iter_rows())
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="jixiao-guards") as pool:
            running = pool.submit(_sql_rules, beside, lake, versions, by_engine.get("sql", []))
            gx_rules = by_engine.get("gx", [])
            validated = None
            if versions:
                _register_versions(con, versions)
                validated = _gx_rules(con, gx_rules, [] if records is None else records)
            found = running.result()
        for rule_id in gx_rules:
            found[rule_id] = (
                validated.filter(pl.col("rule_id") == rule_id).drop("rule_id")
                if validated is not None
                else pl.DataFrame()
            )
        return found
    finally:
        beside.close()
        con.close()
