"""Every finding for a batch of new file versions, read from silver alone: the parser's findings
(carried forward there), the GX suites and the cross-row rules.

One GX run per suite for the whole batch (not per file): the fixed cost of a validation is paid
once a batch. Findings are written to the quality store, one file for the batch; each version's
marker carries forward what the warehouse records of its file (name, encoding, lines).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import polars as pl

from assets.lake import Lake
from assets.silver import store as silver
from expectations.catalogue import conform, empty_findings
from expectations.table_rules import BUDGET_COLUMNS, TARGET_COLUMNS, table_findings
from expectations.validate import SuiteResult, needed_columns, validate


def parser_findings(lake: Lake, sha256s: list[str], budget: pl.DataFrame) -> pl.DataFrame:
    """The parser's findings with the lineage of their table (year, project) and file."""
    lineage = budget.select("source_sha256", "table_seq", "year", "project_code")
    found = silver.read_parse_findings(lake, sha256s)
    return conform(found.join(lineage, on=("source_sha256", "table_seq"), how="left"))


def assess(lake: Lake, sha256s: list[str]) -> tuple[pl.DataFrame, list[SuiteResult]]:
    """Findings for new file versions, written for the batch; the suites' results (with their
    Data Docs records) are returned for the caller to record."""
    columns = {
        "project_budget": needed_columns("silver_project_budget") | set(BUDGET_COLUMNS),
        "indicator_target": needed_columns("silver_indicator_target") | set(TARGET_COLUMNS),
    }
    frames = silver.read(lake, sha256s, columns)
    # GX's validation is Python holding the GIL on one core; the cross-row rules and the
    # parser's findings are Polars, which releases it: they run beside it on the other core.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="jixiao-rules") as pool:
        parsed = pool.submit(parser_findings, lake, sha256s, frames.project_budget)
        rules = pool.submit(table_findings, frames.project_budget, frames.indicator_target)
        suite_results = [
            validate(frames.project_budget, "silver_project_budget"),
            validate(frames.indicator_target, "silver_indicator_target"),
        ]
        findings = pl.concat(
            [parsed.result(), *(result.findings for result in suite_results), rules.result()]
        ).sort("source_sha256", "source_line", "rule_id", nulls_last=True)
    lake.quality.write({"findings": findings}, lake.silver.metas(sha256s))
    return findings, suite_results


def read(lake: Lake, sha256s: list[str]) -> pl.DataFrame:
    found = lake.quality.read(sha256s, "findings")
    return empty_findings() if found is None else found
