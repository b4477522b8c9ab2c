"""Partitions: one per sender, the folder a sender delivers into below the landing folder.

Why senders: files arrive per sender, a sender's correction touches only its own files, and
the work of two senders is independent up to the warehouse. Years would not do: a file's year is
known only once it is parsed, and one file may hold several. Landing batches would not either:
a backfill must be able to name what it redoes ("county X's files"), not an arrival time.

Keys are registered before a run needs them (by `jixiao run`, the landing sensor and the nightly
schedule); a run over every sender names the whole range of keys, so it stays one run.
"""

from __future__ import annotations

import warnings

import dagster as dg
import polars as pl

from assets.landing import scan
from assets.settings import Settings
from pipelines import runner

senders = dg.DynamicPartitionsDefinition(name="sender")

# Every asset runs once per run, whatever range of senders the run covers: a range of partitions
# is one run (`dagster asset materialize --select '*' --partition-range first...last`), and a
# backfill of one sender is one run of its own.
ONE_RUN = dg.BackfillPolicy.single_run()
# Dagster calls backfill policies beta; they are what makes a range one run, and are pinned with
# Dagster's version.
warnings.filterwarnings("ignore", message="Parameter `backfill_policy`", category=dg.BetaWarning)

RANGE_START = "dagster/asset_partition_range_start"
RANGE_END = "dagster/asset_partition_range_end"


def unregistered(instance: dg.DagsterInstance, keys: list[str]) -> list[str]:
    """The keys the instance does not know yet; the root partition is always wanted, so that
    a run over an empty landing folder still has a range to run over."""
    known = set(instance.get_dynamic_partitions(senders.name))
    return [key for key in sorted({scan.ROOT_SENDER, *keys}) if key not in known]


def register(instance: dg.DagsterInstance, inventory: pl.DataFrame) -> list[str]:
    """Register the senders of a landing inventory; every key, in the instance's order."""
    new = unregistered(instance, scan.senders(inventory))
    if new:
        instance.add_dynamic_partitions(senders.name, new)
    return list(instance.get_dynamic_partitions(senders.name))


def range_tags(keys: list[str]) -> dict[str, str]:
    """The tags of one run over every key (keys in the instance's order)."""
    return {RANGE_START: keys[0], RANGE_END: keys[-1]}


def whole_landing_tags(instance: dg.DagsterInstance, settings: Settings) -> dict[str, str]:
    """Scan the landing folder, register its senders, and tag one run over all of them."""
    return range_tags(register(instance, runner.scan_landing(settings)))
