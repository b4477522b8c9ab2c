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
# What the annual goal states, as the review reads it (the match rules are in goals.sql):
# an amount is a money word within eight characters before a number in 元 or 万元; a count is a
# number with a counting unit and the words just before it (twelve characters at most, no
# digits or punctuation).
GOAL_AMOUNT = (
    r"(?:资金|经费|预算|共计|合计|总计|总额|共需)[^，,。；;、:：]{0,8}?"
    r"(?P<digits>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit_raw>万元|元)"
)
GOAL_COUNT = (
    r"(?P<words>[^0-9.\s，,。；;、:：()（）<>《》“”\"]{0,12})(?P<digits>[0-9]+)"
    r"(?P<unit_raw>[个处次人名家所场期批项户套台辆本份篇条座块张间支队])"
)
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


# A phrase's parts, read from its end: cheaper than matching the whole pattern again.
GOAL_AMOUNT_PARTS = r"(?P<digits>[0-9]+(?:\.[0-9]+)?)\s*(?P<unit_raw>万元|元)$"
GOAL_COUNT_PARTS = r"^(?P<words>[^0-9]*)(?P<digits>[0-9]+)(?P<unit_raw>.)$"


def goal_phrases(goals: pl.DataFrame) -> pl.DataFrame:
    """Every amount and count the annual goals state, one row each: year, project_key, kind
    ('amount' | 'count'), phrase, its place among the goal's phrases of that kind, digits, unit,
    and a count's words. Polars' regex engine reads the goals' text about twice as fast as
    DuckDB's here."""

    def found(kind: str, pattern: str, parts: str) -> pl.LazyFrame:
        return (
            goals.lazy()
            .select(
                "year",
                "project_key",
                pl.col("annual_goal").str.extract_all(pattern).alias("phrase"),
            )
            .with_columns(
                pl.int_ranges(1, pl.col("phrase").list.len() + 1, dtype=pl.Int64).alias("position")
            )
            .explode("phrase", "position")
            .drop_nulls("phrase")
            .with_columns(
                pl.lit(kind).alias("kind"),
                pl.col("phrase").str.extract_groups(parts).alias("parts"),
            )
            .unnest("parts")
        )

    amounts, counts = pl.collect_all(
        [
            found("amount", GOAL_AMOUNT, GOAL_AMOUNT_PARTS),
            found("count", GOAL_COUNT, GOAL_COUNT_PARTS),
        ]
    )
    return pl.concat([amounts, counts], how="diagonal")


def review(con: duckdb.DuckDBPyConnection, everything: bool = False) -> None:
    """Review again the project-years whose facts this load changed (the load's `touched`
    table), or every project-year (a warehouse built by another version of the rules), on the
    connection that stages the load."""
    # The review's tables are sets (every reader orders what it shows): DuckDB may build them
    # in parallel, out of order.
    con.execute("SET preserve_insertion_order = false")
    if everything:
        con.execute(
            "CREATE OR REPLACE TEMP TABLE touched AS SELECT DISTINCT p.project_code, b.year "
            "FROM fact_project_budget AS b JOIN dim_project AS p USING (project_key)"
        )
    for table, file_name in WORD_LISTS.items():
        con.register(f"{table}_rows", pl.read_csv(REVIEW_DIR / file_name).to_arrow())
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM {table}_rows")
    con.execute((REVIEW_DIR / "scope.sql").read_text(encoding="utf-8"))
    goals = con.sql(
        "SELECT year, project_key, annual_goal FROM fact_project_budget "
        "SEMI JOIN review_scope USING (project_key) WHERE annual_goal IS NOT NULL"
    ).pl()
    con.register("review_goal_phrase_rows", goal_phrases(goals).to_arrow())
    con.execute("CREATE OR REPLACE TEMP TABLE review_goal_phrase AS FROM review_goal_phrase_rows")
    con.execute((REVIEW_DIR / "goals.sql").read_text(encoding="utf-8"))
    # Every rule's findings in one statement (DuckDB runs the rules side by side), read by the
    # mart, then inserted in one go.
    con.execute(
        "CREATE OR REPLACE TEMP TABLE review_new AS "
        + "\nUNION ALL\n".join(
            f"SELECT '{rule_id}' AS rule_id, {FINDING_COLUMNS}, "
            f"(SELECT ingested_at FROM run_info) AS reviewed_at FROM ({rule_sql(rule_id)}\n)"
            for rule_id in review_rule_ids()
        )
    )
    con.execute((REVIEW_DIR / "mart.sql").read_text(encoding="utf-8"))
    con.execute("INSERT INTO review_finding FROM review_new")
    con.execute("RESET preserve_insertion_order")
