"""Landing sensor: one run for whatever arrived and is not published yet, never one run per
file, and none for files a run (the schedule's, a manual one) has already loaded.

The cursor is a fingerprint of the pending (path, sha256) pairs: those of the landing folder
that the published warehouse does not record in `dq_file`. Hashes are reused from the lake's
landing index for files whose size and mtime are unchanged, so a quiet tick only stats.
"""

import hashlib

import dagster as dg
import polars as pl

from assets.landing import scan
from pipelines import partitions
from pipelines.instance import reserve_publish_pool
from pipelines.jobs import nightly_job
from pipelines.resources import JixiaoPaths
from warehouse.query import answer


def pending(paths: JixiaoPaths) -> pl.DataFrame:
    """The landing versions the published warehouse does not record yet."""
    settings = paths.settings()
    inventory = scan.scan(settings.landing_dir, scan.load_index(settings.lake.landing_index))
    pairs = inventory.select("source_file", "sha256")
    if settings.warehouse_path.exists():
        recorded = answer(settings.warehouse_path, "SELECT source_file, source_sha256 FROM dq_file")
        pairs = pairs.join(
            recorded.rename({"source_sha256": "sha256"}), on=["source_file", "sha256"], how="anti"
        )
    return pairs.sort("source_file")


def fingerprint(pairs: pl.DataFrame) -> str:
    digest = hashlib.sha256()
    for name, sha in pairs.iter_rows():
        digest.update(f"{name}\t{sha}\n".encode())
    return digest.hexdigest()


@dg.sensor(
    job=nightly_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts one pipeline run when files not yet loaded are in the landing folder.",
)
def landing_sensor(context: dg.SensorEvaluationContext, paths: JixiaoPaths):
    waiting = pending(paths)
    if waiting.height == 0:
        return dg.SkipReason("every file in the landing folder is loaded")
    current = fingerprint(waiting)
    if current == context.cursor:
        return dg.SkipReason(f"{waiting.height} file(s) waiting; their run is already requested")
    reserve_publish_pool(context.instance)
    # New sender folders become partitions, and the run covers every sender.
    new = partitions.unregistered(context.instance, scan.senders(waiting))
    keys = [*context.instance.get_dynamic_partitions(partitions.senders.name), *new]
    return dg.SensorResult(
        run_requests=[
            dg.RunRequest(
                run_key=current,
                tags={"jixiao/trigger": "landing", **partitions.range_tags(keys)},
            )
        ],
        dynamic_partitions_requests=[partitions.senders.build_add_request(new)] if new else [],
        cursor=current,
    )
