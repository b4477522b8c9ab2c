"""The one job: every asset of the graph, in-process (on two cores the multiprocess executor
re-imports the code for every step and costs more than the work)."""

import dagster as dg

nightly_job = dg.define_asset_job(
    "jixiao_pipeline",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="landing → bronze → silver → quality → warehouse, for everything new.",
    tags={"dagster/max_retries": 1},
)
