"""The one place where jixiao's Dagster code location is assembled."""

import dagster as dg

from pipelines.assets import ALL_ASSETS
from pipelines.distributed import executor
from pipelines.jobs import nightly_job
from pipelines.loggers import progress_logger
from pipelines.resources import resources
from pipelines.schedules import nightly_schedule
from pipelines.sensors import landing_sensor

defs = dg.Definitions(
    assets=ALL_ASSETS,
    jobs=[nightly_job],
    schedules=[nightly_schedule],
    sensors=[landing_sensor],
    resources=resources(),
    # Two cores: the multiprocess executor re-imports the code for every step and costs more
    # than the work; "Materialize all" and `dagster asset materialize` run in-process too,
    # unless JIXIAO_DASK_SCHEDULER sends every step to a Dask cluster.
    executor=executor(),
    loggers={"console": dg.colored_console_logger, "progress": progress_logger},
)


def pipeline_job() -> dg.JobDefinition:
    """The pipeline job, reconstructable by name: how runs whose steps execute in other
    processes (a Dask worker) find the code."""
    return defs.resolve_job_def("jixiao_pipeline")
