"""The pipeline's steps as plain functions over settings and the landing inventory.

Dagster assets call these one by one; `run_pipeline` chains them for benchmarks and tests
that exercise the core without an orchestrator.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import polars as pl

from assets.bronze import store as bronze
from assets.gold import invariants, load
from assets.landing import scan
from assets.settings import Settings
from assets.silver import store as silver
from expectations import assess


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


def batches(inventory: pl.DataFrame, todo: dict[str, str]) -> list[list[tuple[str, str]]]:
    """(source_file, sha256) in batches of about BATCH_BYTES: vectorized work is amortized over
    many files while memory stays bounded, whatever the size of the corpus."""
    sizes = dict(zip(inventory["sha256"], inventory["size"], strict=True))
    result: list[list[tuple[str, str]]] = [[]]
    filled = 0
    for sha256, source_file in sorted(todo.items(), key=lambda item: item[1]):
        if result[-1] and filled + sizes[sha256] > BATCH_BYTES:
            result.append([])
            filled = 0
        result[-1].append((source_file, sha256))
        filled += sizes[sha256]
    return [batch for batch in result if batch]


def build_bronze(settings: Settings, inventory: pl.DataFrame) -> list[bronze.BronzeSummary]:
    lake = settings.lake
    todo = {s: f for s, f in first_names(inventory).items() if not bronze.exists(lake, s)}
    built: list[bronze.BronzeSummary] = []
    for batch in batches(inventory, todo):
        built += bronze.build_batch(lake, settings.landing_dir, batch)
    return built


def build_silver(settings: Settings, inventory: pl.DataFrame) -> list[silver.SilverSummary]:
    lake = settings.lake
    todo = {
        s: f
        for s, f in first_names(inventory).items()
        if bronze.exists(lake, s) and not silver.exists(lake, s)
    }
    built: list[silver.SilverSummary] = []
    for batch in batches(inventory, todo):
        built += silver.build_batch(lake, batch)
    return built


def pending_assessment(settings: Settings, inventory: pl.DataFrame) -> dict[str, str]:
    lake = settings.lake
    return {
        s: f
        for s, f in first_names(inventory).items()
        if silver.exists(lake, s) and not assess.exists(lake, s)
    }


def assess_new(settings: Settings, inventory: pl.DataFrame, docs: bool = True) -> pl.DataFrame:
    todo = pending_assessment(settings, inventory)
    if not todo:
        return assess.read(settings.lake, [])
    findings, _ = assess.assess(settings.lake, todo, settings.data_docs_dir if docs else None)
    return findings


@dataclass
class RunSummary:
    files_seen: int
    new_versions: int
    published: bool
    counts: dict[str, int] = field(default_factory=dict)
    violations: dict[str, int] = field(default_factory=dict)


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
