"""The one place where jixiao's Dagster code location is assembled."""

import dagster as dg

from assets.graph import ALL_ASSETS
from pipelines.jobs import nightly_job
from pipelines.loggers import progress_logger
from pipelines.resources import JixiaoPaths
from pipelines.schedules import nightly_schedule
from pipelines.sensors import landing_sensor

defs = dg.Definitions(
    assets=ALL_ASSETS,
    jobs=[nightly_job],
    schedules=[nightly_schedule],
    sensors=[landing_sensor],
    resources={"paths": JixiaoPaths()},
    loggers={"console": dg.colored_console_logger, "progress": progress_logger},
)
