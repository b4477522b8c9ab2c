"""The rule registry (`rules.csv`): each rule's id, severity, the engine and the place that
implement it (parser module, GX suite, Polars rule, SQL file), the asset its check is attached
to, and what a planner reads of it. Suites, checks, docs and tests all read this one table."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

CATALOGUE_PATH = Path(__file__).with_name("rules.csv")
# Where a finding about a silver row points: its file, line, table, year and project.
LINEAGE = ("source_file", "source_sha256", "source_line", "table_seq", "year", "project_code")

FINDINGS_SCHEMA: dict[str, pl.DataType] = {
    "rule_id": pl.String(),
    "severity": pl.String(),
    "source_file": pl.String(),
    "source_sha256": pl.String(),
    "source_line": pl.Int32(),
    "table_seq": pl.Int32(),
    "year": pl.Int32(),
    "project_code": pl.String(),
    "column_name": pl.String(),
    "value": pl.String(),
    "message": pl.String(),
}


@cache
def rules() -> pl.DataFrame:
    return pl.read_csv(CATALOGUE_PATH, infer_schema=False)


def implementations(rule_id: str) -> list[str]:
    """Where a rule is implemented: source files, GX suite names or SQL files, as registered."""
    registered = rules().filter(pl.col("rule_id") == rule_id)["implementation"].item()
    return [place.strip() for place in registered.split(";")]


def rule_ids() -> list[str]:
    return rules()["rule_id"].to_list()


def severity(rule_id: str) -> str:
    return rules().filter(pl.col("rule_id") == rule_id)["severity"].item()


def title(rule_id: str) -> str:
    return rules().filter(pl.col("rule_id") == rule_id)["title"].item()


def empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDINGS_SCHEMA)


def conform(findings: pl.DataFrame) -> pl.DataFrame:
    """Any frame of findings to the canonical schema, severity filled from the catalogue."""
    missing = [
        pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in FINDINGS_SCHEMA.items()
        if name not in findings.columns
    ]
    framed = findings.with_columns(missing).drop("severity")
    return framed.join(rules().select("rule_id", "severity"), on="rule_id", how="left").select(
        [pl.col(name).cast(dtype) for name, dtype in FINDINGS_SCHEMA.items()]
    )
