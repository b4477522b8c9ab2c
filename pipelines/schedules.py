"""Nightly at 02:00 Beijing time. A failed night leaves the warehouse as it was; the next night
(or the retry) picks up everything still new, since every step skips what is done."""

import dagster as dg

from pipelines.instance import reserve_publish_pool
from pipelines.jobs import nightly_job
from pipelines.partitions import whole_landing_tags
from pipelines.resources import JixiaoPaths


@dg.schedule(
    name="nightly",
    job=nightly_job,
    cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="The whole pipeline every night at 02:00 Asia/Shanghai, over every sender.",
)
def nightly_schedule(context: dg.ScheduleEvaluationContext, paths: JixiaoPaths) -> dg.RunRequest:
    """One run over every sender (new sender folders registered as partitions first)."""
    reserve_publish_pool(context.instance)
    return dg.RunRequest(tags=whole_landing_tags(context.instance, paths.settings()))
