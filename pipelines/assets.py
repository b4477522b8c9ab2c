"""The Dagster asset graph: landing → bronze → silver → quality → warehouse tables → report.

Thin wiring only: each asset calls one step of `pipelines.runner` and turns its result into
metadata and check results. Assets hand nothing to each other in memory: each layer's state
lives in the lake, keyed by content hash, so any asset can be re-materialized alone and a
re-run redoes nothing. Bronze, silver and the findings are partitioned by sender
(`pipelines.ingest`); the warehouse and the report are one, published by one writer at a time. The checks are generated from the rule registry: one per rule, attached
to the asset the registry names, blocking for the guard rules of the publish.
"""

from collections.abc import Iterator

import dagster as dg
import polars as pl

from assets.landing import scan
from expectations.catalogue import rules
from pipelines import runner
from pipelines.ingest import INGEST_ASSETS, OWNERS, tagged
from pipelines.instance import PUBLISH_POOL
from pipelines.metadata import (
    LiveFindings,
    described_tables,
    live_findings,
    markdown_preview,
    run_label,
    table_schema,
)
from pipelines.partitions import ONE_RUN
from pipelines.resources import JixiaoPaths
from warehouse.summary import summary as warehouse_summary

# How long a publishing step waits for another run's publish to finish before it fails (and the
# run is retried once): a first load of 100,000 tables publishes in about 10 s.
PUBLISH_WAIT_SECONDS = 30 * 60.0
WAREHOUSE_TABLES = {
    "dim_year": "Budget years (维度: 年度)",
    "dim_unit": "Budget units and their departments (维度: 单位)",
    "dim_project": "Budget projects, phone masked (维度: 项目)",
    "dim_indicator": "Indicator hierarchy, canonical level 1/2 (维度: 指标)",
    "fact_project_budget": "One project in one year: money by source in yuan (事实: 项目预算)",
    "fact_indicator_target": "One indicator row of one project-year (事实: 绩效指标目标)",
    "dq_issue": "Every quality finding with file and line (数据质量问题)",
    "dq_file": "Every landing file version and what became of it (文件处理状态)",
    "dq_table": "Every table of every live file version: project-year, gate (表级交付记录)",
    "v_targets": "View: one wide row per indicator target (视图)",
    "v_project_scorecard": "View: per project-year budget, counts, weights, findings (视图)",
    "dq_rule": "The rule catalogue published with the data, review points included (规则目录)",
    "review_finding": "Every item the target review flagged, with file and line (审核发现)",
    "mart_target_review": "Target review per project-year: a column per check, score, grade (审核)",
    "v_target_review": "View: the review with names and money in 万元 (视图)",
    "v_review_findings": "View: flagged items with rule titles, units and projects (视图)",
}


def _check_specs(asset_keys: set[str]) -> list[dg.AssetCheckSpec]:
    """A check per registered rule whose `guards` asset is among `asset_keys`; guard rules of
    the warehouse block what is downstream, input rules only report."""
    return [
        dg.AssetCheckSpec(
            row["rule_id"],
            asset=row["guards"],
            description=(
                f"{row['rule_id']} [{row['severity']}] {row['title']}. "
                f"Why a planner cares: {row['why']}."
            ),
            blocking=row["scope"] == "warehouse",
        )
        for row in rules().iter_rows(named=True)
        if row["guards"] in asset_keys
    ]


@dg.asset(
    group_name="landing",
    backfill_policy=ONE_RUN,
    owners=OWNERS,
    tags=tagged("landing"),
    kinds={"polars", "parquet"},
    description="Inventory of the landing folder: every *.txt with its size, mtime and sha256.",
)
def landing_files(context: dg.AssetExecutionContext, paths: JixiaoPaths) -> dg.MaterializeResult:
    settings = paths.settings()
    inventory = runner.scan_landing(settings)
    distinct = inventory["sha256"].n_unique()
    context.log.info(f"landing: {inventory.height} files, {distinct} distinct contents")
    return dg.MaterializeResult(
        metadata={
            "files": inventory.height,
            "distinct_contents": distinct,
            "senders": len(scan.senders(inventory)),
            "bytes": int(inventory["size"].sum() or 0),
            "landing_dir": str(settings.landing_dir),
            "preview": markdown_preview(inventory),
            "dagster/column_schema": table_schema(inventory.schema),
        }
    )


@dg.multi_asset(
    group_name="gold",
    specs=[
        dg.AssetSpec(
            name,
            description=text,
            deps=["dq_findings"],
            kinds={"duckdb"},
            owners=OWNERS,
            tags=tagged("gold"),
        )
        for name, text in WAREHOUSE_TABLES.items()
    ],
    check_specs=_check_specs(set(WAREHOUSE_TABLES)),
    description="Stage the load in a copy of the warehouse, check it, then swap it in atomically.",
    pool=PUBLISH_POOL,
    backfill_policy=ONE_RUN,
)
def warehouse(
    context: dg.AssetExecutionContext, paths: JixiaoPaths
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    settings = paths.settings()
    # The writer's lock, for as long as the publish writes. Dagster's pool queues the publishing
    # steps; two claims at the same instant can both be granted on a PostgreSQL instance (its
    # slot queries run in autocommit, so the row lock ends before the slot is taken: seen in
    # tests/test_scale.py, and in dagster-io/dagster#34092's review), and then the second step
    # waits here for the first to finish.
    with runner.run_lock(settings, wait=PUBLISH_WAIT_SECONDS):
        outcome = runner.publish(settings, runner.inventory_of(settings), run=run_label(context))
    guards = [spec for spec in _check_specs(set(WAREHOUSE_TABLES)) if spec.blocking]
    for spec in guards:
        rows = outcome.violations.get(spec.name, pl.DataFrame())
        yield dg.AssetCheckResult(
            check_name=spec.name,
            asset_key=spec.asset_key,
            passed=rows.height == 0,
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"violations": rows.height, "sample": markdown_preview(rows)},
        )
    if outcome.failed:
        raise dg.Failure(
            description=(
                f"guard rules violated: {', '.join(outcome.failed)}; the warehouse was not changed"
            )
        )
    staged = outcome.staged
    context.log.info(
        "warehouse: "
        + (
            f"published {staged.new_versions} new file version(s)"
            if staged.changed
            else "nothing new"
        )
    )
    overview = warehouse_summary(settings)
    shared = {
        "changed": staged.changed,
        "new_file_versions": staged.new_versions,
        "files_loaded": overview.get("loaded", 0),
        "files_partial": overview.get("partial", 0),
        "files_quarantined": overview.get("quarantined", 0),
        "errors": overview.get("errors", 0),
        "warnings": overview.get("warnings", 0),
        "warehouse": dg.MetadataValue.path(str(settings.warehouse_path)),
    }
    live = live_findings(settings.warehouse_path, staged.ingested_at if staged.changed else None)
    for spec in _check_specs(set(WAREHOUSE_TABLES)):
        if spec.blocking:
            continue
        # An input or review rule: what is true of the published data, not of this run alone,
        # so the check stays WARN while a finding is live and turns green when the data changes.
        held = live.get(spec.name, LiveFindings(0, 0, pl.DataFrame()))
        yield dg.AssetCheckResult(
            check_name=spec.name,
            asset_key=spec.asset_key,
            passed=held.live == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "live_findings": held.live,
                "new_this_run": held.new,
                "sample": markdown_preview(held.sample, rows=5),
            },
        )
    for name, (rows, head, schema) in described_tables(
        settings.warehouse_path, WAREHOUSE_TABLES
    ).items():
        yield dg.MaterializeResult(
            asset_key=name,
            metadata={
                **shared,
                "dagster/row_count": rows,
                "preview": markdown_preview(head),
                "dagster/column_schema": schema,
            },
        )


@dg.asset(
    group_name="reports",
    owners=OWNERS,
    tags=tagged("reports"),
    deps=["mart_target_review", "v_review_findings"],
    kinds={"html"},
    pool=PUBLISH_POOL,
    backfill_policy=ONE_RUN,
    description=(
        "The nightly target-review report: a self-contained HTML page per unit-year (budget and "
        "score charts, flagged items with file:line) and an index; readable offline."
    ),
)
def target_review_report(
    context: dg.AssetExecutionContext, paths: JixiaoPaths
) -> dg.MaterializeResult:
    settings = paths.settings()
    with runner.run_lock(settings, wait=PUBLISH_WAIT_SECONDS):
        drawn = runner.review_report(settings)
    if drawn is None:
        context.log.info("review report: no warehouse yet")
        return dg.MaterializeResult(metadata={"pages": 0})
    context.log.info(
        f"review report: {drawn.pages} page(s) {'written' if drawn.written else 'unchanged'}"
    )
    return dg.MaterializeResult(
        metadata={
            "pages": drawn.pages,
            "redrawn": drawn.written,
            "index": dg.MetadataValue.path(str(drawn.index)),
        }
    )


ALL_ASSETS = [landing_files, *INGEST_ASSETS, warehouse, target_review_report]
