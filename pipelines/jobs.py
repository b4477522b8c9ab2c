"""The one job: every asset of the graph, on the deployment's executor (in-process unless a
Dask cluster is configured: on two cores, separate step processes cost more than the work)."""

import dagster as dg

from pipelines.distributed import executor

nightly_job = dg.define_asset_job(
    "jixiao_pipeline",
    selection=dg.AssetSelection.all(),
    executor_def=executor(),
    description=(
        "landing → bronze → silver → quality → warehouse, for everything new; one run covers "
        "the range of sender partitions it is tagged with (every sender, for the nightly run)."
    ),
    tags={"dagster/max_retries": 1},
)
