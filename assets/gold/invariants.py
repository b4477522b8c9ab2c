"""What must hold in a warehouse before it is published. A violation is a defect of jixiao,
not of the input: bad input is quarantined upstream and never reaches these checks.

Each invariant is one query returning the offending rows (empty means it holds).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb
import polars as pl

from assets.parquet_io import select_sql
from assets.settings import Lake
from assets.silver import store as silver

ERROR_TABLES_IN_FACTS = """
SELECT 'fact_project_budget' AS fact, f.source_file, f.source_line, q.rule_id
FROM fact_project_budget AS f
JOIN dq_issue AS q
  ON q.source_sha256 = f.source_sha256 AND q.severity = 'error'
 AND (q.source_table = f.source_table OR q.source_table IS NULL)
UNION ALL
SELECT 'fact_indicator_target', f.source_file, f.source_line, q.rule_id
FROM fact_indicator_target AS f
JOIN dq_issue AS q
  ON q.source_sha256 = f.source_sha256 AND q.severity = 'error'
 AND (q.source_table = f.source_table OR q.source_table IS NULL)
"""

UNJOINED_FACTS = """
SELECT 'fact_project_budget' AS fact, f.source_file, f.source_line,
       f.year, f.unit_key, f.project_key, NULL::INTEGER AS indicator_key
FROM fact_project_budget AS f
WHERE f.year NOT IN (SELECT year FROM dim_year)
   OR f.unit_key NOT IN (SELECT unit_key FROM dim_unit)
   OR f.project_key NOT IN (SELECT project_key FROM dim_project)
UNION ALL
SELECT 'fact_indicator_target', f.source_file, f.source_line,
       f.year, f.unit_key, f.project_key, f.indicator_key
FROM fact_indicator_target AS f
WHERE f.year NOT IN (SELECT year FROM dim_year)
   OR f.unit_key NOT IN (SELECT unit_key FROM dim_unit)
   OR f.project_key NOT IN (SELECT project_key FROM dim_project)
   OR f.indicator_key NOT IN (SELECT indicator_key FROM dim_indicator)
"""

TOTALS_DIFFER_FROM_SILVER = """
WITH loaded AS (
    SELECT source_sha256, source_table, any_value(source_file) AS source_file,
           sum(total_yuan) AS fact_total, count(*) AS fact_tables
    FROM fact_project_budget WHERE {versions} GROUP BY ALL
),
rows AS (
    SELECT source_sha256, source_table, count(*) AS fact_rows
    FROM fact_indicator_target WHERE {versions} GROUP BY ALL
),
silver_budget AS (
    SELECT source_sha256, table_seq AS source_table, sum(total_yuan) AS silver_total
    FROM ({budget_rows})
    WHERE source_sha256 IN (SELECT source_sha256 FROM loaded)
    GROUP BY ALL
),
silver_rows AS (
    SELECT source_sha256, table_seq AS source_table, count(*) AS silver_rows
    FROM ({target_rows})
    WHERE source_sha256 IN (SELECT source_sha256 FROM loaded)
    GROUP BY ALL
)
SELECT l.source_file, l.source_table, l.fact_total, b.silver_total,
       coalesce(r.fact_rows, 0) AS fact_rows, coalesce(s.silver_rows, 0) AS silver_rows
FROM loaded AS l
LEFT JOIN silver_budget AS b USING (source_sha256, source_table)
LEFT JOIN rows AS r USING (source_sha256, source_table)
LEFT JOIN silver_rows AS s USING (source_sha256, source_table)
WHERE l.fact_total IS DISTINCT FROM b.silver_total
   OR coalesce(r.fact_rows, 0) <> coalesce(s.silver_rows, 0)
   OR l.fact_tables <> 1
"""

FULL_PHONE_NUMBERS = """
SELECT 'dim_project' AS "table", project_code AS "key", handler_phone_masked AS value
FROM dim_project
WHERE regexp_matches(coalesce(handler_phone_masked, ''), '[0-9]{7,}')
"""


Invariant = Callable[[duckdb.DuckDBPyConnection, Lake, Sequence[str] | None], pl.DataFrame]


def _query(sql: str) -> Invariant:
    def run(
        con: duckdb.DuckDBPyConnection, lake: Lake, versions: Sequence[str] | None = None
    ) -> pl.DataFrame:
        return con.sql(sql).pl()

    return run


def _of_versions(sha256s: list[str]) -> str:
    """A SQL predicate: the row belongs to one of these file versions."""
    if not sha256s:
        return "false"
    return "source_sha256 IN (" + ", ".join(f"'{s}'" for s in sha256s) + ")"


def _totals_match_silver(
    con: duckdb.DuckDBPyConnection, lake: Lake, versions: Sequence[str] | None = None
) -> pl.DataFrame:
    """Checked for the versions this load added (all of them when `versions` is None): what
    earlier loads published was checked then, so the cost follows what is new."""
    chosen = silver.done_versions(lake) if versions is None else list(versions)
    budget = silver.sources(lake, chosen, "project_budget")
    targets = silver.sources(lake, chosen, "indicator_target")
    if not budget or not targets:
        return pl.DataFrame()
    sql = TOTALS_DIFFER_FROM_SILVER.format(
        budget_rows=select_sql(budget),
        target_rows=select_sql(targets),
        versions=_of_versions(chosen),
    )
    return con.sql(sql).pl()


def _warehouse_expectations(
    con: duckdb.DuckDBPyConnection, lake: Lake, versions: Sequence[str] | None = None
) -> pl.DataFrame:
    """The GX warehouse suites (G201–G203) over the dimensions and this load's facts.

    GX is imported only here and only when something was loaded: a quiet night never pays it.
    """
    if versions is not None and not versions:
        return pl.DataFrame()
    from expectations.suites import WAREHOUSE_SUITES
    from expectations.validate import needed_columns, validate

    parts = []
    for table, suite in WAREHOUSE_SUITES.items():
        columns = [row[0] for row in con.execute(f"DESCRIBE {table}").fetchall()]
        where = "true"
        if versions is not None and "source_sha256" in columns:
            where = _of_versions(list(versions))
        # Only the columns the suite reads or reports: a fact table's other text columns would
        # cost more to hand over than the validation itself.
        wanted = ", ".join(f'"{c}"' for c in columns if c in needed_columns(suite))
        frame = con.sql(f"SELECT {wanted} FROM {table} WHERE {where}").pl()
        findings = validate(frame, suite).findings
        parts.append(
            findings.select(
                pl.lit(table).alias("table"),
                "rule_id",
                "column_name",
                "value",
                "source_file",
                "source_line",
            )
        )
    return pl.concat(parts) if parts else pl.DataFrame()


INVARIANTS: dict[str, tuple[str, Invariant]] = {
    "no_error_tables_in_facts": (
        "no table with an error-severity finding reached the fact tables",
        _query(ERROR_TABLES_IN_FACTS),
    ),
    "facts_join_dimensions": (
        "every fact row joins its year, unit, project and indicator dimensions",
        _query(UNJOINED_FACTS),
    ),
    "totals_match_silver": (
        "every loaded table's total and indicator row count equal its silver rows",
        _totals_match_silver,
    ),
    "no_full_phone_numbers": (
        "no full phone number is stored in the warehouse",
        _query(FULL_PHONE_NUMBERS),
    ),
    "warehouse_expectations": (
        "the GX warehouse suites hold: keys present and unique, canonical values, masked phones",
        _warehouse_expectations,
    ),
}


def check_all(
    warehouse_file: Path, lake: Lake, versions: Sequence[str] | None = None
) -> dict[str, pl.DataFrame]:
    """Every invariant's offending rows, on a read-only connection to `warehouse_file`."""
    con = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        return {name: check(con, lake, versions) for name, (_, check) in INVARIANTS.items()}
    finally:
        con.close()
