"""Rules GX cannot state per row: cross-row sums (W101, W104) and the unit plausibility (W105).

Each rule is one small function that returns the offending rows as findings, never a boolean.
"""

from __future__ import annotations

import polars as pl

from assets import reference
from assets.reference import FUNDING_FIELDS
from expectations.catalogue import LINEAGE, conform

HUNDRED = pl.lit(100).cast(pl.Decimal(9, 2))
# The weights rule: the target review's score counts it too.
WEIGHTS_RULE = "W101"
# The silver columns these rules read (the assessment reads no others; a test runs the rules on
# frames cut down to them).
BUDGET_COLUMNS = (
    *LINEAGE,
    "execution_weight",
    "total_yuan",
    "total_line",
    *(f"{field}_yuan" for field in FUNDING_FIELDS),
)
TARGET_COLUMNS = (
    *LINEAGE,
    "year_weight",
    "weight",
    "operator_class",
    "value_kind",
    "measure_unit",
    "measure_unit_kind",
    "level3_name",
    "target_text",
    "year_target_text",
)


# What a finding names of its table (see `_findings`): a rule joins only these, not every column.
FINDING_KEYS = ("source_file", "source_sha256", "source_line", "table_seq", "year", "project_code")


def _findings(
    offending: pl.DataFrame,
    rule_id: str,
    column: str,
    value: pl.Expr,
    message: pl.Expr,
    line: pl.Expr | None = None,
) -> pl.DataFrame:
    """Offending rows as findings, with their file, line, table, year and project."""
    return conform(
        offending.select(
            pl.lit(rule_id).alias("rule_id"),
            "source_file",
            "source_sha256",
            (pl.col("source_line") if line is None else line).alias("source_line"),
            "table_seq",
            "year",
            "project_code",
            pl.lit(column).alias("column_name"),
            value.alias("value"),
            message.alias("message"),
        )
    )


def w101_weights_not_100(budget: pl.DataFrame, targets: pl.DataFrame) -> pl.DataFrame:
    """Σ year_weight + execution_weight must be 100 for every table that has indicator rows
    (a table with no 本年权重 column is scored by its 权重 column)."""
    has_year_weights = pl.col("year_weight").is_not_null().any()
    # lazily: the query reads only its four columns (eager, a 100k-table batch's group-by took
    # 0.2 s and 0.4 GB; lazy, 0.08 s and 0.08 GB)
    sums = (
        targets.lazy()
        .group_by("source_sha256", "table_seq")
        .agg(
            pl.when(has_year_weights)
            .then(pl.col("year_weight").sum())
            .otherwise(pl.col("weight").sum())
            .alias("year_weights")
        )
        .collect()
    )
    total = pl.col("year_weights") + pl.col("execution_weight").fill_null(0)
    parts = (
        pl.col("year_weights").cast(pl.String),
        pl.col("execution_weight").fill_null(0).cast(pl.String),
        total.cast(pl.String),
    )
    return _findings(
        budget.select(*FINDING_KEYS, "execution_weight")
        .join(sums, on=("source_sha256", "table_seq"))
        .filter(total != HUNDRED),
        WEIGHTS_RULE,
        "year_weight",
        pl.format("{} + {} = {}", *parts),
        pl.format("year weights {} plus execution weight {} make {}, not 100", *parts),
    )


def w104_funding_not_total(budget: pl.DataFrame) -> pl.DataFrame:
    """The funding lines present must add up to the project total."""
    lines = [pl.col(f"{field}_yuan") for field in FUNDING_FIELDS]
    funded = pl.sum_horizontal(lines)
    any_line = pl.any_horizontal([line.is_not_null() for line in lines])
    parts = (funded.cast(pl.String), pl.col("total_yuan").cast(pl.String))
    return _findings(
        budget.filter(
            pl.col("total_yuan").is_not_null() & any_line & (funded != pl.col("total_yuan"))
        ),
        "W104",
        "total_yuan",
        pl.format("{} ≠ {}", *parts),
        pl.format("funding lines add up to {} yuan but the total is {} yuan", *parts),
        line=pl.coalesce("total_line", "source_line"),
    )


def w105_unit_unlikely(targets: pl.DataFrame) -> pl.DataFrame:
    """Missing unit on a numeric target, a unit kind unlikely for the indicator's name, or a
    unit on a purely textual (qualitative) target."""
    missing = (
        (pl.col("operator_class") == "quantitative")
        & (pl.col("value_kind") == "number")
        & pl.col("measure_unit").is_null()
    )
    on_text = (pl.col("value_kind") == "text") & pl.col("measure_unit").is_not_null()
    unlikely = pl.lit(False)
    reasons = pl.when(missing).then(pl.lit("numeric target without a measure unit"))
    for rule in reference.unit_plausibility().iter_rows(named=True):
        hit = pl.col("level3_name").str.contains(rule["name_pattern"]) & (
            pl.col("measure_unit_kind") == rule["unlikely_kind"]
        )
        unlikely = unlikely | hit
        reasons = reasons.when(hit).then(
            pl.format("'{}' is unlikely: {}", pl.col("measure_unit"), pl.lit(rule["why"]))
        )
    reasons = reasons.when(on_text).then(
        pl.format(
            "a textual target ('{}') carries the unit '{}'", "target_text_any", "measure_unit"
        )
    )
    return _findings(
        targets.with_columns(
            pl.coalesce("year_target_text", "target_text").alias("target_text_any")
        ).filter(missing | unlikely | on_text),
        "W105",
        "measure_unit",
        pl.format("{} [{}]", "level3_name", pl.col("measure_unit").fill_null("")),
        reasons,
    )


def table_findings(budget: pl.DataFrame, targets: pl.DataFrame) -> pl.DataFrame:
    return pl.concat(
        [
            w101_weights_not_100(budget, targets),
            w104_funding_not_total(budget),
            w105_unit_unlikely(targets),
        ]
    )
