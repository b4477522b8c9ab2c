"""jixiao's Dagster instance: the `dagster.yaml` it writes, and the warehouse's pool of one.

Dagster is imported only inside the functions that open an instance: the planner's CLI imports
this module and must not pay for Dagster.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from assets.settings import Settings

if TYPE_CHECKING:
    import dagster as dg

# The one writer of the warehouse (and of the report drawn from it): a Dagster concurrency pool
# of one slot, so two runs that finish together queue there.
PUBLISH_POOL = "warehouse_publish"

DAGSTER_YAML = """\
# Written by `jixiao`. Runs of different senders (a backfill, the nightly run) may go side by
# side; the warehouse has one writer: its publish step is in the pool `warehouse_publish`, and
# every pool's limit is 1, so two runs that finish together queue there. A failed run is retried
# once (the job's dagster/max_retries tag).
concurrency:
  runs:
    max_concurrent_runs: 4
  pools:
    default_limit: 1
run_retries:
  enabled: true
  max_retries: 1
telemetry:
  enabled: false
# No "join the community" dialog in the UI (intranets, screenshots).
nux:
  enabled: false
# The pipeline's own warnings (a landing file skipped, say) appear in the run's logs.
python_logs:
  managed_python_loggers:
    - jixiao
"""


def prepare_dagster_home(settings: Settings) -> Path:
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def reserve_publish_pool(instance: dg.DagsterInstance) -> None:
    """Give the publish pool its one slot now, before any run claims it: Dagster creates a pool
    from `default_limit` lazily, at the first claim, and two runs claiming at that moment on a
    SQLite instance can both be granted one (seen in tests/test_scale.py)."""
    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return
    info = storage.get_concurrency_info(PUBLISH_POOL)
    if info.slot_count != 1:
        storage.set_concurrency_slots(PUBLISH_POOL, 1)
