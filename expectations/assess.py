"""Every finding for a batch of new file versions: parser, GX suites and cross-row rules.

One GX run per suite for the whole batch (not per file): the fixed cost of a validation is paid
once a batch. Findings are written as one Parquet file for the batch, like silver, and each
version's marker names it.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from assets import parquet_io
from assets.bronze import store as bronze
from assets.parquet_io import Sources, touch_atomic, write_atomic
from assets.settings import Lake
from assets.silver import store as silver
from expectations.catalogue import conform, empty_findings
from expectations.table_rules import BUDGET_COLUMNS, TARGET_COLUMNS, table_findings
from expectations.validate import SuiteResult, needed_columns, validate


def parser_findings(lake: Lake, versions: dict[str, str], budget: pl.DataFrame) -> pl.DataFrame:
    """Bronze findings with the lineage of their table (year, project) and file."""
    lineage = budget.select("source_sha256", "table_seq", "year", "project_code")
    if not versions:
        return empty_findings()
    found = bronze.read_entity(
        lake, [(name, sha256) for sha256, name in versions.items()], "findings"
    )
    return conform(found.join(lineage, on=("source_sha256", "table_seq"), how="left"))


def assess(
    lake: Lake, versions: dict[str, str], docs_dir: Path | None = None, update_docs: bool = True
) -> tuple[pl.DataFrame, list[SuiteResult]]:
    """Findings for new file versions (sha256 → source_file), written for the batch.

    With `update_docs=False` the validations are kept for one `build_docs` after the last batch.
    """
    columns = {
        "project_budget": needed_columns("silver_project_budget") | set(BUDGET_COLUMNS),
        "indicator_target": needed_columns("silver_indicator_target") | set(TARGET_COLUMNS),
    }
    frames = silver.read(lake, list(versions), columns)
    suite_results = [
        validate(frames.project_budget, "silver_project_budget", docs_dir, update_docs),
        validate(frames.indicator_target, "silver_indicator_target", docs_dir, update_docs),
    ]
    findings = pl.concat(
        [
            parser_findings(lake, versions, frames.project_budget),
            *(result.findings for result in suite_results),
            table_findings(frames.project_budget, frames.indicator_target),
        ]
    ).sort("source_sha256", "source_line", "rule_id", nulls_last=True)
    # One file for the batch (many small files cost more to write and read than their rows);
    # each version's marker, written last, names it.
    path = lake.findings(silver.batch_name(list(versions)))
    write_atomic(findings, path)
    for sha256 in versions:
        touch_atomic(lake.findings_done(sha256), path.name)
    return findings, suite_results


def exists(lake: Lake, sha256: str) -> bool:
    return lake.findings_done(sha256).exists()


def done_versions(lake: Lake) -> list[str]:
    """Every file version whose assessment is complete (its marker is written last)."""
    return parquet_io.marked(lake.findings_done_dir)


def sources(lake: Lake, sha256s: list[str]) -> Sources:
    """The findings files holding some versions' findings, each with the versions to read."""
    return parquet_io.sources(
        (str(lake.findings_dir / lake.findings_done(s).read_text(encoding="utf-8")), s)
        for s in sha256s
    )
