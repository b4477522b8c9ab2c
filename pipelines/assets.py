"""The Dagster asset graph: landing → bronze → silver → quality → warehouse tables.

Thin wiring only: each asset calls one step of `pipelines.runner` and turns its result into
metadata and check results. Assets hand nothing to each other in memory: each layer's state
lives in the lake, keyed by content hash, so any asset can be re-materialized alone and a
re-run redoes nothing. The checks are generated from the rule registry: one per rule, attached
to the asset the registry names, blocking for the guard rules of the publish.
"""

from collections.abc import Iterator
from datetime import UTC, datetime

import dagster as dg
import polars as pl

from assets.silver import store as silver
from expectations.catalogue import rules
from expectations.docs import RunLabel
from pipelines import runner
from pipelines.metadata import (
    LiveFindings,
    described_tables,
    live_findings,
    live_issues,
    markdown_preview,
    table_schema,
)
from pipelines.resources import JixiaoPaths, RunLock
from warehouse.summary import summary as warehouse_summary

# Who answers for the data, and tags to filter the catalog by (layer:silver …).
OWNERS = ["team:finance-data"]


def tagged(layer: str) -> dict[str, str]:
    return {"layer": layer, "domain": "budget-performance"}


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


def run_label(context: dg.AssetExecutionContext) -> RunLabel:
    """The Data Docs' name of this Dagster run: when it was created (so records sort by time),
    its id, and what started it (a schedule, a sensor, `jixiao run`, or a person)."""
    record = context.instance.get_run_record_by_id(context.run.run_id)
    created = record.create_timestamp if record else datetime.now(UTC)
    tags = context.run.tags
    trigger = (
        f"schedule {tags['dagster/schedule_name']}"
        if "dagster/schedule_name" in tags
        else f"sensor {tags['dagster/sensor_name']}"
        if "dagster/sensor_name" in tags
        else tags.get("jixiao/trigger", "Dagster run")
    )
    return RunLabel(
        f"{created:%Y%m%dT%H%M%S}-{context.run.run_id[:8]}", f"{trigger} {context.run.run_id[:8]}"
    )


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
    owners=OWNERS,
    tags=tagged("landing"),
    kinds={"polars", "parquet"},
    description="Inventory of the landing folder: every *.txt with its size, mtime and sha256.",
)
def landing_files(
    context: dg.AssetExecutionContext, paths: JixiaoPaths, run_lock: RunLock
) -> dg.MaterializeResult:
    settings = paths.settings()
    inventory = runner.scan_landing(settings)
    distinct = inventory["sha256"].n_unique()
    context.log.info(f"landing: {inventory.height} files, {distinct} distinct contents")
    return dg.MaterializeResult(
        metadata={
            "files": inventory.height,
            "distinct_contents": distinct,
            "bytes": int(inventory["size"].sum() or 0),
            "landing_dir": str(settings.landing_dir),
            "preview": markdown_preview(inventory),
            "dagster/column_schema": table_schema(inventory.schema),
        }
    )


LAYER_SPECS = [
    dg.AssetSpec(
        "bronze_tables",
        deps=[landing_files],
        group_name="bronze",
        owners=OWNERS,
        tags=tagged("bronze"),
        kinds={"polars", "parquet"},
        description="Parsed tables, indicator rows and parse findings, per batch of new files.",
    ),
    *[
        dg.AssetSpec(
            f"silver_{entity}",
            deps=["bronze_tables"],
            group_name="silver",
            owners=OWNERS,
            tags=tagged("silver"),
            kinds={"polars", "parquet"},
            description=description,
        )
        for entity, description in (
            (
                "project_budget",
                "Normalized project headers: codes, names, exact yuan, masked phone.",
            ),
            ("indicator_target", "Normalized indicator rows: hierarchy, operator, values, units."),
        )
    ],
]


@dg.multi_asset(specs=LAYER_SPECS)
def parse_and_normalize(
    context: dg.AssetExecutionContext, paths: JixiaoPaths, run_lock: RunLock
) -> Iterator[dg.MaterializeResult]:
    """Landing → bronze → silver in one step: each new file is read once, its parsed frames
    written to bronze and normalized to silver as they are."""
    settings = paths.settings()
    built = runner.parse_and_normalize(settings, runner.inventory_of(settings))
    parsed = [b for b, _ in built if b is not None]
    context.log.info(f"bronze: parsed {len(parsed)} new file(s); silver: {len(built)}")
    encodings: dict[str, int] = {}
    for summary in parsed:
        key = summary.encoding or "undecodable"
        encodings[key] = encodings.get(key, 0) + 1
    yield dg.MaterializeResult(
        asset_key="bronze_tables",
        metadata={
            "files_parsed": len(parsed),
            "tables": sum(s.tables for s in parsed),
            "indicator_rows": sum(s.indicator_rows for s in parsed),
            "parse_findings": sum(s.parse_findings for s in parsed),
            "encodings": dg.MetadataValue.json(encodings),
            "path": str(settings.lake.bronze.root),
        },
    )
    new = silver.read(settings.lake, [s.sha256 for _, s in built])
    # The preview shows the latest data: this run's, or the last version written before it.
    latest = new if built else silver.read(settings.lake, settings.lake.silver.latest_versions())
    for entity in silver.ENTITIES:
        frame = getattr(latest, entity)
        yield dg.MaterializeResult(
            asset_key=f"silver_{entity}",
            metadata={
                "files_normalized": len(built),
                "new_rows": getattr(new, entity).height,
                "preview": markdown_preview(frame),
                "dagster/column_schema": table_schema(
                    frame.schema, silver.column_descriptions(entity)
                ),
                "path": str(settings.lake.silver.root / entity),
            },
        )


@dg.asset(
    group_name="quality",
    owners=OWNERS,
    tags=tagged("quality"),
    deps=["silver_project_budget", "silver_indicator_target"],
    kinds={"great_expectations", "parquet"},
    description=(
        "Findings of the parser, the GX suites and the cross-row rules for new file versions. "
        "Error findings quarantine their table in the load; each rule's check, on dq_issue, "
        "reports the live findings of the published warehouse."
    ),
)
def dq_findings(
    context: dg.AssetExecutionContext, paths: JixiaoPaths, run_lock: RunLock
) -> dg.MaterializeResult:
    settings = paths.settings()
    assessed = runner.assess_new(
        settings, runner.inventory_of(settings), docs=True, run=run_label(context)
    )
    findings = assessed.findings
    context.log.info(
        f"quality: assessed {len(assessed.versions)} file(s), {findings.height} finding(s)"
    )
    return dg.MaterializeResult(
        metadata={
            "files_assessed": len(assessed.versions),
            "findings": findings.height,
            "errors": findings.filter(pl.col("severity") == "error").height,
            "warnings": findings.filter(pl.col("severity") == "warning").height,
            "data_docs": dg.MetadataValue.path(str(settings.data_docs_dir / "index.html")),
            # This run's findings, or (nothing new) the live ones of the published warehouse.
            "preview": markdown_preview(
                findings if findings.height else live_issues(settings.warehouse_path), rows=10
            ),
        }
    )


@dg.multi_asset(
    group_name="gold",
    specs=[
        dg.AssetSpec(
            name,
            description=text,
            deps=[dq_findings],
            kinds={"duckdb"},
            owners=OWNERS,
            tags=tagged("gold"),
        )
        for name, text in WAREHOUSE_TABLES.items()
    ],
    check_specs=_check_specs(set(WAREHOUSE_TABLES)),
    description="Stage the load in a copy of the warehouse, check it, then swap it in atomically.",
)
def warehouse(
    context: dg.AssetExecutionContext, paths: JixiaoPaths, run_lock: RunLock
) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    settings = paths.settings()
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
    description=(
        "The nightly target-review report: a self-contained HTML page per unit-year (budget and "
        "score charts, flagged items with file:line) and an index; readable offline."
    ),
)
def target_review_report(
    context: dg.AssetExecutionContext, paths: JixiaoPaths, run_lock: RunLock
) -> dg.MaterializeResult:
    settings = paths.settings()
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


ALL_ASSETS = [landing_files, parse_and_normalize, dq_findings, warehouse, target_review_report]
