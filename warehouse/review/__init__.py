"""The target review (绩效目标审核): the checks a finance reviewer makes of every project's
targets before its budget is approved, run on the staged warehouse after each load.

Each check is a rule of the catalogue (`R3xx`, severity `review`). The checks of one table at a
time are Polars expressions (`checks.py`) over the silver rows of the tables the facts hold —
read straight from Parquet, the fastest copy of those rows there is; the year-over-year checks
compare project-years in SQL (`R310.sql` …). `mart.sql` turns their findings into one row per
project-year with a score. Only the projects whose facts changed are reviewed again (every year
of each, for the year-over-year rules), a year or `CHUNK_TABLES` tables at a time; the word and
unit lists the checks read are the CSV files beside them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import polars as pl

from assets.lake import Sources, Store
from assets.silver import store as silver_store
from expectations.catalogue import rules
from expectations.table_rules import HUNDRED, WEIGHTS_RULE
from warehouse import rule_sql
from warehouse.review.checks import (
    COUNTED_BY_MART,
    FINDING_COLUMNS,
    FUNDING_COLUMNS,
    LEVEL1_MISSING,
    REVIEW_DIR,
    TABLE_CHECKS,
    TABLE_ID,
    goal_amounts,
    goal_counts,
    phrases_plan,
    profile,
    quantitative,
)

__all__ = [
    "REVIEW_DIR",
    "REVIEW_READS",
    "REVIEW_STEPS",
    "publish_catalogue",
    "review",
    "review_rule_ids",
]

# The silver columns the review reads of each table the facts hold (their names, for the
# year-over-year rules, are read only for the projects with more than one year in scope).
GOAL_COLUMNS = (
    *FUNDING_COLUMNS,
    "execution_weight",
    "annual_goal",
    "annual_goal_line",
)
TARGET_COLUMNS = (
    "source_line",
    "level1_en",
    "level2_en",
    "level3_name",
    "operator",
    "target_value",
    "target_text",
    "year_target_value",
    "year_target_text",
    "measure_unit",
    "weight",
    "year_weight",
)
NAME_COLUMNS = (
    "source_line",
    "level1_name",
    "level2_name",
    "level3_name",
    "operator",
    "target_value",
)
# The load's temp tables the review reads: the project-years the load touched, and its time.
REVIEW_READS = ("touched", "run_info")
# A project-year: what the mart and the findings are keyed by.
TABLE_KEYS = ("year", "project_key")
# The tables the facts hold for the project-years in scope, with their keys.
SCOPE_TABLES = """
SELECT b.year, b.unit_key, b.project_key, p.project_code, b.source_file,
       b.source_sha256, b.source_table AS table_seq, b.source_line, b.total_yuan
FROM fact_project_budget AS b
JOIN dim_project AS p USING (project_key)
SEMI JOIN review_scope USING (project_key)
"""
# The tables the review reads at a time (about 850,000 target rows at the sample's density:
# a 100k-table run's peak RSS stays under 1.5 GB once the load has freed its own tables), and
# the findings it gathers before writing them.
CHUNK_TABLES = 100_000
INSERT_ROWS = 1_000_000
FINDINGS_INSERT = (
    f"INSERT INTO review_finding SELECT rule_id, {', '.join(FINDING_COLUMNS)}, "
    "(SELECT ingested_at FROM run_info) FROM review_finding_rows"
)
MART_AMOUNT = pl.Decimal(18, 4)
# The findings as every check returns them, before they are written.
FINDING_SCHEMA = pl.Schema(
    {"rule_id": pl.String(), "year": pl.Int32(), "project_key": pl.Int32()}
    | {"project_code": pl.String(), "source_file": pl.String(), "source_line": pl.Int32()}
    | dict.fromkeys(FINDING_COLUMNS[5:], pl.String())
)
# A table's names as the indicator dimension holds them (a missing name is '').
DIMENSION_NAMES = pl.col("level2_name", "level3_name").fill_null("")


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


@dataclass(frozen=True)
class Scope:
    """The tables the facts hold for the project-years in scope, with their keys and
    `table_id`: a table as one integer (its version's place among `versions`, its place in
    the file), the key every check joins on; `files`: the silver files of every version in
    scope, per entity (looked up once, from the versions' markers)."""

    tables: pl.DataFrame
    versions: pl.Enum
    files: dict[str, Sources]

    @classmethod
    def of(cls, tables: pl.DataFrame, silver: Store) -> Scope:
        versions = tables["source_sha256"].unique().sort()
        held = set(silver.done_versions())
        missing = [sha256 for sha256 in versions if sha256 not in held]
        if missing:
            raise RuntimeError(
                f"the review needs the silver of {len(missing)} loaded file version(s), "
                f"e.g. {missing[0]}, and the lake has none: rebuild the lake from landing"
            )
        files = {entity: silver.sources(versions, entity) for entity in silver_store.ENTITIES}
        enum = pl.Enum(versions)
        return cls(tables.with_columns(table_id(enum)), enum, files)

    def part(self, tables: pl.DataFrame) -> Scope:
        return Scope(tables, self.versions, self.files)

    def keys(self) -> pl.DataFrame:
        """What a finding says of its table: its year, project and file."""
        return self.tables.select(TABLE_ID, "year", "project_key", "project_code", "source_file")

    def paths(self, entity: str) -> list[str]:
        """The silver files of `entity` that hold rows of this scope's versions."""
        held = set(self.tables["source_sha256"].unique())
        return [
            path for path, versions in self.files[entity].items() if held.intersection(versions)
        ]

    def chunks(self, size: int) -> list[Scope]:
        """The scope in parts of at most `size` tables, whole years together as far as the size
        allows: silver is partitioned by year, and a part reads its years' files only."""
        ordered = self.tables.sort("year", "source_sha256", "table_seq")
        years = ordered.group_by("year", maintain_order=True).len()
        parts: list[pl.DataFrame] = []
        start, held = 0, 0
        for tables in years["len"]:
            if held and held + tables > size:
                parts.append(ordered.slice(start, held))
                start, held = start + held, 0
            held += tables
        parts.append(ordered.slice(start, held))
        return [self.part(piece) for part in parts for piece in part.iter_slices(size)]


def table_id(versions: pl.Enum) -> pl.Expr:
    return (
        pl.col("source_sha256").cast(versions, strict=False).to_physical().cast(pl.Int64)
        * 1_000_000
        + pl.col("table_seq")
    ).alias(TABLE_ID)


def _silver_rows(
    scope: Scope, entity: str, columns: tuple[str, ...], *derived: pl.Expr
) -> pl.LazyFrame:
    """The silver rows of the scope's tables: `table_id`, `columns` (a column a file lacks,
    written by an earlier version, reads as null), with `derived` on top."""
    schema = getattr(silver_store.empty(), entity).select(columns).schema
    read = {"source_sha256": pl.String(), "table_seq": pl.Int32(), "year": pl.Int32()}
    read |= dict(schema)
    paths = scope.paths(entity)
    scan = (
        pl.scan_parquet(paths, schema=read, missing_columns="insert", extra_columns="ignore")
        if paths
        else pl.LazyFrame(schema=read)
    )
    return (
        # the files of other years are skipped by their statistics
        scan.filter(pl.col("year").is_in(scope.tables["year"].unique().implode()))
        .with_columns(table_id(scope.versions))
        # rows of other versions in the same files, or of tables the facts do not hold
        .filter(pl.col(TABLE_ID).is_in(scope.tables[TABLE_ID].implode()))
        .select(TABLE_ID, *columns)
        .with_columns(*derived)
    )


def _read(scope: Scope) -> dict[str, pl.DataFrame]:
    """The budgets and targets of a part of the scope, as the checks read them (the targets by
    `table_id` alone: the keys join the findings, not every row)."""
    budget, targets = pl.collect_all(
        [
            _silver_rows(scope, "project_budget", GOAL_COLUMNS),
            _silver_rows(
                scope,
                "indicator_target",
                TARGET_COLUMNS,
                quantitative().alias("quantitative"),
                pl.col("level3_name").fill_null(""),
            ),
        ]
    )
    return {
        "budget": scope.tables.join(budget, on=TABLE_ID).with_columns(
            pl.coalesce("annual_goal_line", "source_line").alias("goal_line")
        ),
        "targets": targets,
    }


def _year_over_year(con: duckdb.DuckDBPyConnection, scope: Scope) -> pl.DataFrame:
    """R310–R312 in SQL, over the projects with more than one year in scope only."""
    followed = scope.part(scope.tables.filter(pl.len().over("project_key") > 1))
    if followed.tables.is_empty():  # no project has two years in scope: nothing to compare
        return pl.DataFrame(schema=FINDING_SCHEMA)
    targets = _silver_rows(followed, "indicator_target", NAME_COLUMNS, DIMENSION_NAMES).collect()
    con.register("review_budget", followed.tables.to_arrow())
    con.register("review_targets", targets.join(followed.keys(), on=TABLE_ID).to_arrow())
    rule_ids = [r for r in review_rule_ids() if r not in TABLE_CHECKS]
    columns = ", ".join(FINDING_COLUMNS)
    found = con.sql(
        "\nUNION ALL\n".join(
            f"SELECT '{rule_id}' AS rule_id, {columns} FROM ({rule_sql(rule_id)}\n)"
            for rule_id in rule_ids
        )
    ).pl()
    con.unregister("review_budget")
    con.unregister("review_targets")
    return found


def _checked(scope: Scope, checked: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Every check of one table at a time, with the year, project and file of its table. What
    the checks share (the profile, the goal's amounts and counts) is computed once, first, and
    kept in `checked` for the mart."""
    budget, targets = checked["budget"], checked["targets"]
    goals = budget.select(TABLE_ID, "annual_goal").drop_nulls("annual_goal")
    checked["profile"], phrases = pl.collect_all([profile(budget, targets), phrases_plan(goals)])
    checked["goal_amounts"], checked["goal_counts"] = pl.collect_all(
        [goal_amounts(phrases.lazy(), budget), goal_counts(phrases.lazy(), budget, targets)]
    )
    found = pl.collect_all(
        check(checked).with_columns(pl.lit(rule_id).alias("rule_id"))
        for rule_id, check in TABLE_CHECKS.items()
    )
    return pl.concat(found).join(scope.keys(), on=TABLE_ID).select("rule_id", *FINDING_COLUMNS)


def mart_rows(
    checked: dict[str, pl.DataFrame], findings: pl.DataFrame, totals: pl.DataFrame
) -> pl.DataFrame:
    """Per project-year in scope, what `mart.sql` turns into the mart's row: the profile, the
    goal's money and counts, the previous year (from `totals`, every table in scope: it may
    sit in another part), and the findings tallied with their points."""
    budget = checked["budget"].lazy()
    amounts = (
        checked["goal_amounts"]
        .lazy()
        .sort("position")
        .with_columns(
            ((pl.col("amount_yuan") == pl.col("total_yuan")) | pl.col("funding_line_agrees")).alias(
                "agrees"
            )
        )
        .group_by(TABLE_ID)
        .agg(
            # an amount the mart's DECIMAL(18, 2) holds (under 10^14 yuan; none beyond), as a
            # 64-bit decimal: DuckDB narrows a 128-bit one to it ten times slower
            pl.col("amount_yuan").first().cast(MART_AMOUNT, strict=False).alias("goal_amount_yuan"),
            # DuckDB's bool_and: NULL when no amount could be compared
            pl.when(pl.col("agrees").count() > 0)
            .then(pl.col("agrees").all())
            .alias("goal_money_agrees"),
        )
    )
    counts = (
        checked["goal_counts"]
        .lazy()
        .group_by(TABLE_ID)
        .agg(
            pl.len().cast(pl.Int64).alias("goal_counts_matched"),
            (pl.col("indicator_value") != pl.col("stated"))
            .sum()
            .cast(pl.Int64)
            .alias("goal_counts_disagreeing"),
        )
    )
    previous = totals.lazy().select(
        "project_key",
        (pl.col("year") + 1).alias("year"),
        pl.col("year").alias("previous_year"),
        pl.col("total_yuan").alias("previous_total_yuan"),
    )
    grid = checked["profile"].lazy().drop("source_line")
    # Each rule's findings per project-year (W101's weight check counts once), then the points
    # off: a rule's points per finding, up to its cap.
    catalogue = rules().filter(pl.col("rule_id").is_in([*review_rule_ids(), WEIGHTS_RULE]))
    found = {rule_id: pl.col(f"found_{rule_id}") for rule_id in sorted(catalogue["rule_id"])}
    per_rule = (
        findings.lazy()
        .group_by(TABLE_KEYS)
        .agg(
            (pl.col("rule_id") == rule_id).sum().cast(pl.Int64).alias(f"found_{rule_id}")
            for rule_id in found
            if rule_id != WEIGHTS_RULE
        )
    )
    missing = (
        findings.lazy()
        .filter(pl.col("rule_id") == LEVEL1_MISSING)
        .sort("value")
        .group_by(TABLE_KEYS)
        .agg(pl.col("value").str.join(", ").alias("level1_missing"))
    )
    weights_off = (pl.col("indicator_count") > 0) & (
        pl.col("weights") + pl.col("execution_weight").fill_null(0) != HUNDRED
    )
    points_off = [
        pl.when(found[rule_id] > 0).then(
            pl.min_horizontal(found[rule_id] * pl.lit(points, pl.Int64), pl.lit(cap, pl.Int64))
        )
        for rule_id, points, cap in catalogue.select(
            "rule_id",
            pl.col("review_points").cast(pl.Int64),
            pl.col("review_cap").cast(pl.Int64),
        ).iter_rows()
    ]
    flagged_rules = pl.concat_str(
        [pl.when(count > 0).then(pl.lit(rule_id)) for rule_id, count in found.items()],
        separator=" ",
        ignore_nulls=True,
    )
    return (
        budget.select(
            TABLE_ID, *TABLE_KEYS, "unit_key", "project_code", "total_yuan", "execution_weight"
        )
        .join(grid, on=TABLE_ID, how="left")
        .join(amounts, on=TABLE_ID, how="left")
        .join(counts, on=TABLE_ID, how="left")
        .join(previous, on=TABLE_KEYS, how="left")
        .join(per_rule, on=TABLE_KEYS, how="left")
        .join(missing, on=TABLE_KEYS, how="left")
        .with_columns(weights_off.fill_null(False).cast(pl.Int64).alias(f"found_{WEIGHTS_RULE}"))
        .with_columns(count.fill_null(0) for count in found.values())
        .with_columns(
            pl.sum_horizontal(found.values()).alias("findings"),
            pl.when(flagged_rules != "").then(flagged_rules).alias("flagged_rules"),
            pl.sum_horizontal(points_off).alias("points_off"),
            *(found[rule_id].alias(column) for column, rule_id in COUNTED_BY_MART.items()),
        )
        .collect()
    )


def _insert(con: duckdb.DuckDBPyConnection, name: str, rows: pl.DataFrame, sql: str) -> None:
    """Run `sql` (an INSERT) over `rows`, registered as `name` for its time."""
    con.register(name, rows.to_arrow())
    try:
        con.execute(sql)
    finally:
        con.unregister(name)


def _write(
    con: duckdb.DuckDBPyConnection, found: list[pl.DataFrame], rows: list[pl.DataFrame]
) -> None:
    """Insert the findings and mart rows gathered so far, and forget them."""
    if rows:
        mart = (REVIEW_DIR / "mart.sql").read_text(encoding="utf-8")
        _insert(con, "review_mart_rows", pl.concat(rows, how="vertical_relaxed"), mart)
    if found:
        _insert(con, "review_finding_rows", pl.concat(found), FINDINGS_INSERT)
    found.clear()
    rows.clear()


# Where the review's time goes, in the order it is spent: the project-years in scope and their
# tables; their silver rows; the checks (the year-over-year rules included); the mart's rows;
# writing the findings and the mart.
REVIEW_STEPS = ("scope", "read", "checks", "mart", "write")


@contextmanager
def _timed(seconds: dict[str, float], step: str) -> Iterator[None]:
    began = time.perf_counter()
    try:
        yield
    finally:
        seconds[step] += time.perf_counter() - began


def review(
    con: duckdb.DuckDBPyConnection, silver: Store, everything: bool = False
) -> dict[str, float]:
    """Review again the project-years whose facts this load changed (the load's `touched`
    table), or every project-year (a warehouse built by another version of the rules), on the
    connection that stages the load; `silver` holds the rows of every table the facts hold.
    Returns the seconds each of `REVIEW_STEPS` took (what a benchmark weighs)."""
    seconds = dict.fromkeys(REVIEW_STEPS, 0.0)
    # The review's tables are sets (every reader orders what it shows): DuckDB may build them
    # in parallel, out of order.
    con.execute("SET preserve_insertion_order = false")
    with _timed(seconds, "scope"):
        if everything:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE touched AS SELECT DISTINCT p.project_code, b.year "
                "FROM fact_project_budget AS b JOIN dim_project AS p USING (project_key)"
            )
        con.execute((REVIEW_DIR / "scope.sql").read_text(encoding="utf-8"))
        scope = Scope.of(con.sql(SCOPE_TABLES).pl(), silver)
    with _timed(seconds, "checks"):
        yearly = _year_over_year(con, scope)
    # A part of the scope at a time: the review holds a part's rows, never the whole load's.
    # What the parts find is written in a few large inserts (each insert writes its row groups).
    found: list[pl.DataFrame] = [yearly]
    rows: list[pl.DataFrame] = []
    for part in scope.chunks(CHUNK_TABLES):
        with _timed(seconds, "read"):
            checked = _read(part)
        with _timed(seconds, "checks"):
            found.append(_checked(part, checked))
        with _timed(seconds, "mart"):
            held = yearly.join(part.tables, on=TABLE_KEYS, how="semi")
            rows.append(mart_rows(checked, pl.concat([found[-1], held]), scope.tables))
        if sum(frame.height for frame in found) >= INSERT_ROWS:
            with _timed(seconds, "write"):
                _write(con, found, rows)
    with _timed(seconds, "write"):
        _write(con, found, rows)
    con.execute("RESET preserve_insertion_order")
    return seconds
