"""The pipeline's steps as plain functions over settings and the landing inventory.

Dagster assets call these one by one; `run_pipeline` chains them for benchmarks and tests
that exercise the core without an orchestrator.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TypeVar

import polars as pl

from assets.bronze import store as bronze
from assets.gold import invariants, load
from assets.landing import scan
from assets.settings import Settings
from assets.silver import store as silver
from expectations import assess
from expectations.catalogue import empty_findings

T = TypeVar("T")


class RunInProgressError(RuntimeError):
    """Another jixiao run holds the lock on this data folder."""


@contextmanager
def run_lock(settings: Settings) -> Iterator[None]:
    """One run at a time per data folder; a second one refuses at once with a clear message."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise RunInProgressError(
                f"another jixiao run ({holder}) is using {settings.data_dir}; try again later"
            ) from error
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield


def scan_landing(settings: Settings) -> pl.DataFrame:
    lake = settings.lake
    inventory = scan.scan(settings.landing_dir, scan.load_index(lake.landing_index))
    scan.save_index(inventory, lake.landing_index)
    return inventory


def first_names(inventory: pl.DataFrame) -> dict[str, str]:
    """Each distinct content with the landing name it is known by (first delivery)."""
    ordered = inventory.sort("mtime_ns", "source_file").unique("sha256", keep="first")
    return dict(zip(ordered["sha256"], ordered["source_file"], strict=True))


BATCH_BYTES = 32 << 20
# GX pays a fixed cost per validation (and per Data Docs page): validate large batches. Measured
# on the benchmark corpus, 256 MB of exports peak at about 1.2 GB while being validated (only
# the columns the suites and rules read are loaded); 128 MB batches were 0.4 s slower.
ASSESS_BATCH_BYTES = 256 << 20


def batches(
    inventory: pl.DataFrame, todo: dict[str, str], limit: int | None = None
) -> list[list[tuple[str, str]]]:
    """(source_file, sha256) in batches of about `limit` (BATCH_BYTES) bytes: vectorized work is
    amortized over many files while memory stays bounded, whatever the size of the corpus."""
    limit = limit or BATCH_BYTES
    sizes = dict(zip(inventory["sha256"], inventory["size"], strict=True))
    result: list[list[tuple[str, str]]] = [[]]
    filled = 0
    for sha256, source_file in sorted(todo.items(), key=lambda item: item[1]):
        if result[-1] and filled + sizes[sha256] > limit:
            result.append([])
            filled = 0
        result[-1].append((source_file, sha256))
        filled += sizes[sha256]
    return [batch for batch in result if batch]


def workers() -> int:
    return int(os.environ.get("JIXIAO_WORKERS", os.cpu_count() or 1))


def map_batches(function: Callable[..., list[T]], jobs: list[tuple]) -> list[T]:
    """Run independent batches on every core, results in job order.

    Threads, not processes: the work is Polars and Parquet I/O, which release the GIL, so two
    threads keep both cores busy without paying a process start-up (and a re-import of Polars)
    per worker, and without pickling frames back.
    """
    count = min(workers(), len(jobs))
    if count <= 1:
        return [item for job in jobs for item in function(*job)]
    with ThreadPoolExecutor(max_workers=count, thread_name_prefix="jixiao-batch") as pool:
        done = pool.map(function, *zip(*jobs, strict=True))
        return [item for batch in done for item in batch]


def build_bronze(settings: Settings, inventory: pl.DataFrame) -> list[bronze.BronzeSummary]:
    lake = settings.lake
    todo = {s: f for s, f in first_names(inventory).items() if not bronze.exists(lake, s)}
    jobs = [(lake, settings.landing_dir, batch) for batch in batches(inventory, todo)]
    return map_batches(bronze.build_batch, jobs)


def build_silver(settings: Settings, inventory: pl.DataFrame) -> list[silver.SilverSummary]:
    lake = settings.lake
    todo = {
        s: f
        for s, f in first_names(inventory).items()
        if bronze.exists(lake, s) and not silver.exists(lake, s)
    }
    return map_batches(silver.build_batch, [(lake, batch) for batch in batches(inventory, todo)])


def pending_assessment(settings: Settings, inventory: pl.DataFrame) -> dict[str, str]:
    lake = settings.lake
    return {
        s: f
        for s, f in first_names(inventory).items()
        if silver.exists(lake, s) and not assess.exists(lake, s)
    }


def assess_new(settings: Settings, inventory: pl.DataFrame, docs: bool = True) -> pl.DataFrame:
    """GX and the rules over everything not yet assessed, batch by batch (memory stays bounded),
    then one Data Docs build for the whole run."""
    todo = pending_assessment(settings, inventory)
    if not todo:
        return empty_findings()
    docs_dir = settings.data_docs_dir if docs else None
    parts = []
    for batch in batches(inventory, todo, ASSESS_BATCH_BYTES):
        versions = {sha256: source_file for source_file, sha256 in batch}
        findings, _ = assess.assess(settings.lake, versions, docs_dir, update_docs=False)
        parts.append(findings)
    if docs_dir:
        from expectations.validate import build_docs

        build_docs(docs_dir)
    return pl.concat(parts)


@dataclass
class RunSummary:
    files_seen: int
    new_versions: int
    published: bool
    counts: dict[str, int] = field(default_factory=dict)


class InvariantViolation(RuntimeError):
    """A published invariant failed on the staging warehouse: a defect, publish refused."""


def load_and_publish(settings: Settings, inventory: pl.DataFrame) -> RunSummary:
    lake = settings.lake
    staged = load.stage(lake, settings.warehouse_path, inventory)
    if not staged.changed:
        return RunSummary(inventory.height, 0, False, staged.row_counts)
    offending = invariants.check_all(staged.staging_path, lake, staged.loaded_sha256s)
    violations = {name: rows.height for name, rows in offending.items() if rows.height}
    if violations:
        load.discard(staged)
        raise InvariantViolation(f"staging warehouse violates {violations}; nothing published")
    load.publish(staged, settings.warehouse_path)
    return RunSummary(inventory.height, staged.new_versions, True, staged.row_counts)


def run_pipeline(settings: Settings, docs: bool = True) -> RunSummary:
    """The whole pipeline once, without Dagster."""
    with run_lock(settings):
        inventory = scan_landing(settings)
        build_bronze(settings, inventory)
        build_silver(settings, inventory)
        assess_new(settings, inventory, docs=docs)
        return load_and_publish(settings, inventory)
