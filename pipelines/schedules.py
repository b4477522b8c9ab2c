"""Nightly at 02:00 Beijing time. A failed night leaves the warehouse as it was; the next night
(or the retry) picks up everything still new, since every step skips what is done."""

import dagster as dg

from pipelines.jobs import nightly_job

nightly_schedule = dg.ScheduleDefinition(
    name="nightly",
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="The whole pipeline every night at 02:00 Asia/Shanghai.",
)
