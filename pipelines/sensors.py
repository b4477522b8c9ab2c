"""Landing sensor: one run for whatever arrived, never one run per file.

The cursor is a fingerprint of the folder's (path, sha256) pairs. Hashes are reused from the
lake's landing index for files whose size and mtime are unchanged, so a quiet tick only stats.
"""

import hashlib

import dagster as dg

from assets.landing import scan
from pipelines.jobs import nightly_job
from pipelines.resources import JixiaoPaths


def fingerprint(paths: JixiaoPaths) -> tuple[str, int]:
    settings = paths.settings()
    inventory = scan.scan(settings.landing_dir, scan.load_index(settings.lake.landing_index))
    digest = hashlib.sha256()
    for name, sha in inventory.sort("source_file").select("source_file", "sha256").iter_rows():
        digest.update(f"{name}\t{sha}\n".encode())
    return digest.hexdigest(), inventory.height


@dg.sensor(
    job=nightly_job,
    minimum_interval_seconds=60,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts one pipeline run when files are added to or changed in the landing folder.",
)
def landing_sensor(context: dg.SensorEvaluationContext, paths: JixiaoPaths):
    current, files = fingerprint(paths)
    if current == context.cursor:
        return dg.SkipReason(f"landing folder unchanged ({files} files)")
    return dg.SensorResult(
        run_requests=[dg.RunRequest(run_key=current, tags={"jixiao/trigger": "landing"})],
        cursor=current,
    )
