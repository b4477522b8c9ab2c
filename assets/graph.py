"""The Dagster asset graph: landing → bronze → silver → quality → warehouse tables.

Thin wiring only: every asset calls the plain functions of its layer (`assets.ingest`,
`expectations`, `assets.gold`) and turns their results into metadata and check results.
Assets hand nothing to each other in memory: each layer's state lives in the lake, keyed by
content hash, so any asset can be re-materialized alone and a re-run redoes nothing.
"""

import json
from pathlib import Path

import dagster as dg
import polars as pl

from assets import ingest
from assets.gold import invariants, load
from assets.metadata import markdown_preview, table_schema
from assets.silver import store as silver
from expectations.catalogue import rules
from pipelines.resources import JixiaoPaths
from warehouse.summary import summary as warehouse_summary

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
}


def _inventory(paths: JixiaoPaths) -> pl.DataFrame:
    settings = paths.settings()
    index = settings.lake.landing_index
    return pl.read_parquet(index) if index.exists() else ingest.scan_landing(settings)


@dg.asset(
    group_name="landing",
    description="Inventory of the landing folder: every *.txt with its size, mtime and sha256.",
)
def landing_files(context: dg.AssetExecutionContext, paths: JixiaoPaths) -> dg.MaterializeResult:
    settings = paths.settings()
    inventory = ingest.scan_landing(settings)
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


@dg.asset(
    group_name="bronze",
    deps=[landing_files],
    description="Parsed tables, indicator rows and parse findings; one Parquet per content hash.",
)
def bronze_tables(context: dg.AssetExecutionContext, paths: JixiaoPaths) -> dg.MaterializeResult:
    settings = paths.settings()
    built = ingest.build_bronze(settings, _inventory(paths))
    context.log.info(f"bronze: parsed {len(built)} new file(s)")
    encodings: dict[str, int] = {}
    for summary in built:
        key = summary.encoding or "undecodable"
        encodings[key] = encodings.get(key, 0) + 1
    return dg.MaterializeResult(
        metadata={
            "files_parsed": len(built),
            "tables": sum(s.tables for s in built),
            "indicator_rows": sum(s.indicator_rows for s in built),
            "parse_findings": sum(s.parse_findings for s in built),
            "encodings": json.dumps(encodings),
            "path": str(settings.lake.root / "bronze"),
        }
    )


@dg.multi_asset(
    group_name="silver",
    specs=[
        dg.AssetSpec(
            "silver_project_budget",
            deps=[bronze_tables],
            description="Normalized project headers: codes, names, exact yuan, masked phone.",
        ),
        dg.AssetSpec(
            "silver_indicator_target",
            deps=[bronze_tables],
            description="Normalized indicator rows: canonical hierarchy, operator, values, units.",
        ),
    ],
)
def silver_tables(context: dg.AssetExecutionContext, paths: JixiaoPaths):
    settings = paths.settings()
    built = ingest.build_silver(settings, _inventory(paths))
    context.log.info(f"silver: normalized {len(built)} new file(s)")
    frames = silver.read(settings.lake, [s.sha256 for s in built])
    for key, frame in (
        ("silver_project_budget", frames.project_budget),
        ("silver_indicator_target", frames.indicator_target),
    ):
        yield dg.MaterializeResult(
            asset_key=key,
            metadata={
                "files_normalized": len(built),
                "new_rows": frame.height,
                "preview": markdown_preview(frame),
                "dagster/column_schema": table_schema(frame.schema),
                "path": str(settings.lake.silver_dir(key.removeprefix("silver_"))),
            },
        )


INPUT_RULES = rules().filter(pl.col("scope") != "warehouse")
RULE_CHECKS = [
    dg.AssetCheckSpec(
        row["rule_id"],
        asset="dq_findings",
        description=f"[{row['severity']}] {row['title']}",
        blocking=False,
    )
    for row in INPUT_RULES.iter_rows(named=True)
]


@dg.asset(
    group_name="quality",
    deps=["silver_project_budget", "silver_indicator_target"],
    check_specs=RULE_CHECKS,
    description=(
        "Findings of the parser, the GX suites and the cross-row rules for new file versions. "
        "Each rule is a check: it reports (WARN) and never fails the run; error findings "
        "quarantine their table in the load."
    ),
)
def dq_findings(context: dg.AssetExecutionContext, paths: JixiaoPaths):
    settings = paths.settings()
    inventory = _inventory(paths)
    pending = ingest.pending_assessment(settings, inventory)
    findings = ingest.assess_new(settings, inventory, docs=True)
    context.log.info(f"quality: assessed {len(pending)} file(s), {findings.height} finding(s)")
    yield dg.MaterializeResult(
        metadata={
            "files_assessed": len(pending),
            "findings": findings.height,
            "errors": findings.filter(pl.col("severity") == "error").height,
            "warnings": findings.filter(pl.col("severity") == "warning").height,
            "data_docs": dg.MetadataValue.path(str(settings.data_docs_dir / "index.html")),
            "preview": markdown_preview(findings, rows=10),
        }
    )
    for row in INPUT_RULES.iter_rows(named=True):
        hits = findings.filter(pl.col("rule_id") == row["rule_id"])
        yield dg.AssetCheckResult(
            check_name=row["rule_id"],
            passed=hits.height == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={
                "severity": row["severity"],
                "findings": hits.height,
                "tables": hits.select("source_sha256", "table_seq").n_unique()
                if hits.height
                else 0,
                "sample": markdown_preview(
                    hits.select(
                        "source_file", "source_line", "project_code", "column_name", "value"
                    ),
                    rows=5,
                ),
            },
        )


# The publish guards: the SQL invariants, and the GX warehouse suites one check per G rule.
GX_INVARIANT = "warehouse_expectations"
WAREHOUSE_RULES = rules().filter(pl.col("scope") == "warehouse")
GUARDS = {
    **{
        name: description
        for name, (description, _) in invariants.INVARIANTS.items()
        if name != GX_INVARIANT
    },
    **{row["rule_id"]: row["title"] for row in WAREHOUSE_RULES.iter_rows(named=True)},
}
PHONE_GUARDS = {"no_full_phone_numbers", "G203"}


def _guarded_asset(name: str) -> str:
    return "dim_project" if name in PHONE_GUARDS else "fact_indicator_target"


INVARIANT_CHECKS = [
    dg.AssetCheckSpec(name, asset=_guarded_asset(name), description=text, blocking=True)
    for name, text in GUARDS.items()
]


def _violations(offending: dict[str, pl.DataFrame], name: str) -> pl.DataFrame:
    if name in invariants.INVARIANTS:
        return offending.get(name, pl.DataFrame())
    found = offending.get(GX_INVARIANT, pl.DataFrame())
    return found.filter(pl.col("rule_id") == name) if found.height else found


@dg.multi_asset(
    group_name="gold",
    specs=[
        dg.AssetSpec(name, description=text, deps=[dq_findings])
        for name, text in WAREHOUSE_TABLES.items()
    ],
    check_specs=INVARIANT_CHECKS,
    description="Stage the load in a copy of the warehouse, verify, then swap it in atomically.",
)
def warehouse(context: dg.AssetExecutionContext, paths: JixiaoPaths):
    settings = paths.settings()
    inventory = _inventory(paths)
    with ingest.run_lock(settings):
        staged = load.stage(settings.lake, settings.warehouse_path, inventory)
        checked = settings.warehouse_path if not staged.changed else staged.staging_path
        offending = (
            invariants.check_all(checked, settings.lake, staged.loaded_sha256s)
            if checked.exists()
            else {}
        )
        failed = []
        for name in GUARDS:
            rows = _violations(offending, name)
            if rows.height:
                failed.append(name)
            yield dg.AssetCheckResult(
                check_name=name,
                asset_key=_guarded_asset(name),
                passed=rows.height == 0,
                severity=dg.AssetCheckSeverity.ERROR,
                metadata={"violations": rows.height, "sample": markdown_preview(rows)},
            )
        if failed:
            load.discard(staged)
            raise dg.Failure(
                description=f"invariants violated: {', '.join(failed)}; the warehouse was not changed",
            )
        load.publish(staged, settings.warehouse_path)
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
    for name, (rows, head, schema) in _describe(settings.warehouse_path).items():
        yield dg.MaterializeResult(
            asset_key=name,
            metadata={
                **shared,
                "dagster/row_count": rows,
                "preview": markdown_preview(head),
                "dagster/column_schema": schema,
            },
        )


def _describe(path: Path) -> dict[str, tuple[int, pl.DataFrame, dg.TableSchema]]:
    """Row count, first rows and commented column schema of every published table and view."""
    con = load.connect(path, read_only=True)
    try:
        columns = con.execute(
            "SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
            "WHERE schema_name = 'main' ORDER BY table_name, column_index"
        ).fetchall()
        described = {}
        for name in WAREHOUSE_TABLES:
            rows = con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]
            head = con.sql(f"SELECT * FROM {name} LIMIT 5").pl()
            schema = dg.TableSchema(
                columns=[
                    dg.TableColumn(column, dtype, description=comment)
                    for table, column, dtype, comment in columns
                    if table == name
                ]
            )
            described[name] = (rows, head, schema)
        return described
    finally:
        con.close()


ALL_ASSETS = [landing_files, bronze_tables, silver_tables, dq_findings, warehouse]
