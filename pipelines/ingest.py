"""Landing → bronze → silver → findings, partitioned by sender and split into shards.

Each layer is a graph-backed asset: a planning step lists the new file versions of the run's
senders and splits them into shards of about equal bytes, one step per shard does the work, and
a last step reports the layer's materializations. In-process there is one shard (the batches
inside it use every core), so a run is the same few steps as ever; on a Dask cluster there is
one shard per worker, and the shards run at once. Shards hand each other only small summaries;
the data stays in the lake, keyed by content hash, so a re-run redoes nothing.
"""

import dagster as dg
import polars as pl

from assets.bronze.store import BronzeSummary
from assets.silver import store as silver
from assets.silver.store import SilverSummary
from expectations.catalogue import empty_findings
from pipelines import runner
from pipelines.distributed import shard_count
from pipelines.metadata import live_issues, markdown_preview, run_label, table_schema
from pipelines.partitions import ONE_RUN, senders
from pipelines.resources import JixiaoPaths

OWNERS = ["team:finance-data"]
Shard = list[runner.Version]
Built = list[tuple[BronzeSummary | None, SilverSummary]]


def tagged(layer: str) -> dict[str, str]:
    return {"layer": layer, "domain": "budget-performance"}


def layer_out(layer: str, kinds: set[str], description: str) -> dg.AssetOut:
    """An asset of a layer's graph: no value passes (the data is in the lake); its owners, its
    layer's tags (and group, below) and its kinds."""
    return dg.AssetOut(
        dagster_type=dg.Nothing,
        owners=OWNERS,
        tags=tagged(layer),
        kinds=kinds,
        description=description,
    )


def sender_layer(name: str, outs: dict[str, dg.AssetOut], after: list[str]):
    """A layer's graph as an asset partitioned by sender (one run for a range of senders),
    starting after the assets `after` (no value passes: the data is in the lake)."""
    return dg.graph_multi_asset(
        name=name,
        outs=outs,
        ins={upstream: dg.AssetIn(dagster_type=dg.Nothing) for upstream in after},
        partitions_def=senders,
        backfill_policy=ONE_RUN,
    )


def _shards(context: dg.OpExecutionContext, versions: Shard, inventory: pl.DataFrame):
    for number, shard in enumerate(runner.shards(inventory, versions, shard_count())):
        context.log.info(f"shard {number}: {len(shard)} file version(s)")
        yield dg.DynamicOutput(shard, mapping_key=f"shard_{number}")


@dg.op(ins={"landing": dg.In(dg.Nothing)}, out=dg.DynamicOut(Shard))
def plan_parse(context: dg.OpExecutionContext, paths: JixiaoPaths):
    """The run's senders' versions that silver lacks, in shards."""
    settings = paths.settings()
    inventory = runner.inventory_of(settings)
    yield from _shards(
        context, runner.to_parse(settings, inventory, context.partition_keys), inventory
    )


@dg.op
def parse_shard(context: dg.OpExecutionContext, paths: JixiaoPaths, shard: Shard) -> Built:
    settings = paths.settings()
    built = runner.parse_and_normalize(settings, runner.inventory_of(settings), shard)
    context.log.info(f"parsed and normalized {len(built)} file version(s)")
    return built


SILVER_DESCRIPTIONS = {
    "project_budget": "Normalized project headers: codes, names, exact yuan, masked phone.",
    "indicator_target": "Normalized indicator rows: hierarchy, operator, values, units.",
}


@dg.op(
    out={
        "bronze_tables": dg.Out(dg.Nothing),
        **{f"silver_{entity}": dg.Out(dg.Nothing) for entity in SILVER_DESCRIPTIONS},
    }
)
def report_parsed(context: dg.OpExecutionContext, paths: JixiaoPaths, shards: list[Built]):
    """Bronze and silver of the run's new versions, as materializations with previews."""
    settings = paths.settings()
    built = [item for shard in shards for item in shard]
    parsed = [b for b, _ in built if b is not None]
    context.log.info(f"bronze: parsed {len(parsed)} new file(s); silver: {len(built)}")
    encodings: dict[str, int] = {}
    for summary in parsed:
        key = summary.encoding or "undecodable"
        encodings[key] = encodings.get(key, 0) + 1
    yield dg.Output(
        None,
        "bronze_tables",
        metadata={
            "files_parsed": len(parsed),
            "tables": sum(s.tables for s in parsed),
            "indicator_rows": sum(s.indicator_rows for s in parsed),
            "parse_findings": sum(s.parse_findings for s in parsed),
            "encodings": dg.MetadataValue.json(encodings),
            "path": str(settings.lake.bronze.root),
        },
    )
    # The preview shows the latest data: the first version of this run's, or the last version
    # written before it (one version read: a large run's silver would cost seconds to read).
    shown = [s.sha256 for _, s in built[:1]] or settings.lake.silver.latest_versions()
    latest = silver.read(settings.lake, shown)
    for entity in silver.ENTITIES:
        frame = getattr(latest, entity)
        yield dg.Output(
            None,
            f"silver_{entity}",
            metadata={
                "files_normalized": len(built),
                "new_rows": sum(summary.rows(entity) for _, summary in built),
                "preview": markdown_preview(frame),
                "dagster/column_schema": table_schema(
                    frame.schema, silver.column_descriptions(entity)
                ),
                "path": str(settings.lake.silver.root / entity),
            },
        )


@sender_layer(
    "parse_and_normalize",
    {
        "bronze_tables": layer_out(
            "bronze",
            {"polars", "parquet"},
            "Parsed tables, indicator rows and parse findings, per batch of new files "
            "(written in the same scan as silver).",
        ),
        **{
            f"silver_{entity}": layer_out("silver", {"polars", "parquet"}, description)
            for entity, description in SILVER_DESCRIPTIONS.items()
        },
    },
    after=["landing_files"],
)
def parse_and_normalize(landing_files):
    """Landing → bronze → silver: each new file read once, its parsed frames written to bronze
    and normalized to silver as they are; one step per shard."""
    return report_parsed(plan_parse(landing_files).map(parse_shard).collect())


@dg.op(ins={"silver": dg.In(dg.Nothing)}, out=dg.DynamicOut(Shard))
def plan_assessment(context: dg.OpExecutionContext, paths: JixiaoPaths):
    """The run's senders' versions in silver that are not assessed yet, in shards."""
    settings = paths.settings()
    inventory = runner.inventory_of(settings)
    todo = runner.to_assess(settings, inventory, context.partition_keys)
    yield from _shards(context, todo, inventory)


@dg.op
def assess_shard(
    context: dg.OpExecutionContext, paths: JixiaoPaths, shard: Shard
) -> tuple[Shard, pl.DataFrame, list[dict]]:
    """GX and the rules over a shard: its versions, its findings and GX's records."""
    settings = paths.settings()
    findings, records = runner.assess_versions(settings, runner.inventory_of(settings), shard)
    context.log.info(f"assessed {len(shard)} file version(s): {findings.height} finding(s)")
    return shard, findings, records


@dg.op(out=dg.Out(dg.Nothing))
def report_assessment(
    context: dg.OpExecutionContext,
    paths: JixiaoPaths,
    shards: list[tuple[Shard, pl.DataFrame, list[dict]]],
):
    """The run's findings and its Data Docs record (written once, whatever the shards)."""
    settings = paths.settings()
    versions = [version for shard, _, _ in shards for version in shard]
    findings = pl.concat([found for _, found, _ in shards]) if shards else empty_findings()
    records = [record for _, _, shard_records in shards for record in shard_records]
    runner.record_assessment(settings, run_label(context), records, versions)
    context.log.info(f"quality: assessed {len(versions)} file(s), {findings.height} finding(s)")
    yield dg.Output(
        None,
        metadata={
            "files_assessed": len(versions),
            "findings": findings.height,
            "errors": findings.filter(pl.col("severity") == "error").height,
            "warnings": findings.filter(pl.col("severity") == "warning").height,
            "data_docs": dg.MetadataValue.path(str(settings.data_docs_dir / "index.html")),
            # This run's findings, or (nothing new) the live ones of the published warehouse.
            "preview": markdown_preview(
                findings if findings.height else live_issues(settings.warehouse_path), rows=10
            ),
        },
    )


@sender_layer(
    "dq_findings",
    {
        "dq_findings": layer_out(
            "quality",
            {"great_expectations", "parquet"},
            "Findings of the parser, the GX suites and the cross-row rules for new file "
            "versions. Error findings quarantine their table in the load; each rule's check, on "
            "dq_issue, reports the live findings of the published warehouse.",
        )
    },
    after=["silver_project_budget", "silver_indicator_target"],
)
def dq_findings(silver_project_budget, silver_indicator_target):
    """The quality step, one step per shard; the Data Docs record the run as a whole."""
    planned = plan_assessment(silver=[silver_project_budget, silver_indicator_target])
    return report_assessment(planned.map(assess_shard).collect())


# A graph-backed asset takes one group for all its outputs: each output joins its layer's group.
INGEST_ASSETS = dg.map_asset_specs(
    lambda spec: spec.replace_attributes(group_name=spec.tags["layer"]),
    [parse_and_normalize, dq_findings],
)
