"""The target review (绩效目标审核): the checks a finance reviewer makes of every project's
targets before its budget is approved, run on the staged warehouse after each load.

Each check is a rule of the catalogue (`R3xx`, severity `review`) implemented by one SQL file
here that selects the items it flags; `mart.sql` turns them into one row per project-year with a
score. Only the projects whose facts changed are reviewed again (every year of each, for the
year-over-year rules); the word and unit lists the checks read are the CSV files beside them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

from expectations.catalogue import rules
from warehouse import rule_sql

REVIEW_DIR = Path(__file__).parent
# The lists the checks read, registered as tables under these names.
WORD_LISTS = {
    "review_vague_word": "vague_words.csv",
    "review_counting_unit": "counting_units.csv",
    "review_duration_limit": "duration_limits.csv",
}
FINDING_COLUMNS = (
    "year, project_key, project_code, source_file, source_line, column_name, value, evidence, "
    "message"
)


def review_rule_ids() -> list[str]:
    """The rules the review applies, in catalogue order."""
    return rules().filter(pl.col("severity") == "review")["rule_id"].to_list()


def publish_catalogue(con: duckdb.DuckDBPyConnection) -> None:
    """`dq_rule`: the catalogue as it stood when this warehouse was built (the score reads its
    points)."""
    catalogue = rules().select(
        "rule_id",
        "severity",
        "scope",
        "title",
        "why",
        pl.col("review_points").cast(pl.Int32),
        pl.col("review_cap").cast(pl.Int32),
    )
    con.register("catalogue_rows", catalogue.to_arrow())
    con.execute("DELETE FROM dq_rule")
    con.execute("INSERT INTO dq_rule SELECT * FROM catalogue_rows")
    con.unregister("catalogue_rows")


def review(con: duckdb.DuckDBPyConnection) -> None:
    """Review again the project-years whose facts this load changed (the load's `touched`
    table), on the connection that stages the load."""
    for table, file_name in WORD_LISTS.items():
        con.register(f"{table}_rows", pl.read_csv(REVIEW_DIR / file_name).to_arrow())
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {table}_rows")
    con.execute((REVIEW_DIR / "scope.sql").read_text(encoding="utf-8"))
    for rule_id in review_rule_ids():
        con.execute(
            f"INSERT INTO review_finding SELECT ?, {FINDING_COLUMNS}, "
            f"(SELECT ingested_at FROM run_info) FROM ({rule_sql(rule_id)}\n)",
            [rule_id],
        )
    con.execute((REVIEW_DIR / "mart.sql").read_text(encoding="utf-8"))
