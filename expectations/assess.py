"""Every finding for a batch of new file versions: parser, GX suites and cross-row rules.

One GX run per suite for the whole batch (not per file): the fixed cost of a validation is paid
once a night. Findings are then written per file version, next to its silver.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from assets.parquet_io import write_atomic
from assets.settings import Lake
from assets.silver import store as silver
from expectations.catalogue import conform, empty_findings
from expectations.table_rules import table_findings
from expectations.validate import SuiteResult, validate


def parser_findings(lake: Lake, versions: dict[str, str], budget: pl.DataFrame) -> pl.DataFrame:
    """Bronze findings with the lineage of their table (year, project) and file."""
    lineage = budget.select("source_sha256", "table_seq", "year", "project_code")
    files = [str(lake.bronze("findings", sha256)) for sha256 in versions]
    if not files:
        return empty_findings()
    found = pl.read_parquet(files, include_file_paths="path")
    names = pl.DataFrame(
        {"path": files, "source_sha256": list(versions), "source_file": list(versions.values())}
    )
    return conform(
        found.join(names, on="path").join(lineage, on=("source_sha256", "table_seq"), how="left")
    )


def assess(
    lake: Lake, versions: dict[str, str], docs_dir: Path | None = None, update_docs: bool = True
) -> tuple[pl.DataFrame, list[SuiteResult]]:
    """Findings for new file versions (sha256 → source_file), written per version.

    With `update_docs=False` the validations are kept for one `build_docs` after the last batch.
    """
    frames = silver.read(lake, list(versions))
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
    by_version = findings.partition_by("source_sha256", as_dict=True)
    for sha256 in versions:
        write_atomic(by_version.get((sha256,), findings.clear()), lake.findings(sha256))
    return findings, suite_results


def exists(lake: Lake, sha256: str) -> bool:
    return lake.findings(sha256).exists()


def read(lake: Lake, sha256s: list[str]) -> pl.DataFrame:
    parts = [pl.read_parquet(lake.findings(s)) for s in sha256s if lake.findings(s).exists()]
    return pl.concat(parts) if parts else empty_findings()
