"""The one pipeline: landing → bronze → silver → quality → gold, as plain typed steps.

Every step is a function of the settings and the landing inventory, and skips what its layer
already holds (state is keyed by content sha256). The Dagster assets wrap these steps one by
one; `run_pipeline` chains them for the benchmark. There is one publish protocol, `publish`:
stage the load in a copy of the warehouse, check the guard rules there, then swap it in or
discard it. The run lock is taken once per run and held to its end.
"""

from __future__ import annotations

import fcntl
import logging
import math
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import polars as pl

from assets.bronze import store as bronze
from assets.landing import scan
from assets.settings import Settings
from assets.silver import store as silver
from expectations import assess
from expectations import docs as docs_record
from expectations.catalogue import empty_findings
from expectations.docs import RunLabel, merged
from warehouse import invariants, load, report

T = TypeVar("T")
BATCH_BYTES = 32 << 20
# GX pays a fixed cost per validation (and per Data Docs page): validate large batches. Measured
# on the benchmark corpus, 256 MB of exports peak at about 1.2 GB while being validated (only
# the columns the suites and rules read are loaded); 128 MB batches were 0.4 s slower.
ASSESS_BATCH_BYTES = 256 << 20
_HELD: set[Path] = set()
# How often a writer waiting for the lock tries again.
LOCK_RETRY_SECONDS = 0.2
log = logging.getLogger("jixiao.runner")


class RunInProgressError(RuntimeError):
    """Another jixiao run holds the lock on this data folder."""


class InvariantViolation(RuntimeError):
    """A guard rule failed on the staging warehouse: a defect, publish refused."""


@contextmanager
def run_lock(settings: Settings, wait: float = 0.0) -> Iterator[None]:
    """One run at a time per data folder. A second one refuses at once with a clear message, or,
    with `wait`, waits up to that many seconds for the lock (and says how long it waited).
    Held already by this process (the CLI holds it around the Dagster run): nothing to take."""
    path = settings.lock_path
    if path in _HELD:
        yield
        return
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        began = time.monotonic()
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as error:
                if time.monotonic() - began < wait:
                    time.sleep(LOCK_RETRY_SECONDS)
                    continue
                handle.seek(0)
                holder = handle.read().strip() or "another process"
                raise RunInProgressError(
                    f"another jixiao run ({holder}) is using {settings.data_dir}; try again later"
                ) from error
        waited = time.monotonic() - began
        if waited >= LOCK_RETRY_SECONDS:  # a warning: the pool should have queued the writers
            log.warning("waited %.1f s for the writer's lock on %s", waited, settings.data_dir)
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        _HELD.add(path)
        try:
            yield
        finally:
            _HELD.discard(path)


def scan_landing(settings: Settings) -> pl.DataFrame:
    """The landing inventory (path, size, mtime, sha256), saved for the steps after it."""
    lake = settings.lake
    inventory = scan.scan(settings.landing_dir, scan.load_index(lake.landing_index))
    scan.save_index(inventory, lake.landing_index)
    return inventory


def inventory_of(settings: Settings) -> pl.DataFrame:
    """The inventory the scan step saved (scanned now if no scan ran yet)."""
    index = settings.lake.landing_index
    return pl.read_parquet(index) if index.exists() else scan_landing(settings)


def first_names(inventory: pl.DataFrame) -> dict[str, str]:
    """Each distinct content with the landing name it is known by (first delivery)."""
    ordered = inventory.sort("mtime_ns", "source_file").unique("sha256", keep="first")
    return dict(zip(ordered["sha256"], ordered["source_file"], strict=True))


def batches(
    inventory: pl.DataFrame, todo: dict[str, str], limit: int | None = None, workers: int = 1
) -> list[list[tuple[str, str]]]:
    """(source_file, sha256) in batches of about `limit` (BATCH_BYTES) bytes: vectorized work
    is amortized over many files while memory stays bounded, whatever the size of the corpus.

    The batches are of equal bytes as far as whole files allow, and as many as a multiple of
    `workers`: batches filled to the limit one after the other left a small last one, and a core
    idle while its peer parsed the last full one."""
    limit = limit or BATCH_BYTES
    sizes = dict(zip(inventory["sha256"], inventory["size"], strict=True))
    ordered = sorted(todo.items(), key=lambda item: item[1])
    total = sum(sizes[sha256] for sha256, _ in ordered)
    count = math.ceil(max(1, math.ceil(total / limit)) / workers) * workers
    share = max(total, 1) / count
    result: list[list[tuple[str, str]]] = [[] for _ in range(count)]
    start = 0
    for sha256, source_file in ordered:
        # a file goes to the batch its middle byte falls in
        place = min(count - 1, int((start + sizes[sha256] / 2) // share))
        result[place].append((source_file, sha256))
        start += sizes[sha256]
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


Version = tuple[str, str]  # (source_file, sha256): one file version, by its first name


def _first_names_of(inventory: pl.DataFrame, senders: list[str] | None) -> dict[str, str]:
    """Each distinct content with its first delivery's name, for the contents whose first
    delivery is among some senders' files (every content for `None`): whichever partitions run,
    a content is processed once, under the same name as in a whole run."""
    names = first_names(inventory)
    if senders is None:
        return names
    kept = scan.of_senders(pl.DataFrame({"source_file": list(names.values())}), senders)
    wanted = set(kept["source_file"])
    return {sha256: name for sha256, name in names.items() if name in wanted}


def to_parse(
    settings: Settings, inventory: pl.DataFrame, senders: list[str] | None = None
) -> list[Version]:
    """The versions (of some senders) that silver does not hold yet."""
    in_silver = set(settings.lake.silver.done_versions())  # one listing, not a stat per file
    named = _first_names_of(inventory, senders)
    return sorted((name, sha) for sha, name in named.items() if sha not in in_silver)


def shards(inventory: pl.DataFrame, versions: list[Version], count: int) -> list[list[Version]]:
    """At most `count` groups of versions of about equal bytes (largest first, each into the
    lightest group), so that workers finish together; no empty group."""
    sizes = dict(zip(inventory["sha256"], inventory["size"], strict=True))
    groups: list[list[Version]] = [[] for _ in range(max(1, count))]
    loads = [0] * len(groups)
    for version in sorted(versions, key=lambda v: (-sizes.get(v[1], 0), v[0])):
        lightest = loads.index(min(loads))
        groups[lightest].append(version)
        loads[lightest] += sizes.get(version[1], 0)
    return [sorted(group) for group in groups if group]


def parse_and_normalize(
    settings: Settings, inventory: pl.DataFrame, versions: list[Version] | None = None
) -> list[tuple[bronze.BronzeSummary | None, silver.SilverSummary]]:
    """Landing → bronze → silver for every version not yet in silver (or for `versions`, a
    shard of them), batch by batch on every core; one scan of each file (bronze is written,
    and normalized, from the same frames)."""
    todo = to_parse(settings, inventory) if versions is None else versions
    jobs = [
        (settings.lake, settings.landing_dir, batch)
        for batch in batches(inventory, {sha: name for name, sha in todo}, workers=workers())
    ]
    return map_batches(silver.build_batch, jobs)


@dataclass(frozen=True)
class Assessment:
    """What the quality step judged this run: the versions and their findings."""

    versions: tuple[str, ...]
    findings: pl.DataFrame


def to_assess(
    settings: Settings, inventory: pl.DataFrame, senders: list[str] | None = None
) -> list[Version]:
    """The versions (of some senders) in silver whose assessment is not done yet."""
    lake = settings.lake
    in_silver, assessed = set(lake.silver.done_versions()), set(lake.quality.done_versions())
    named = _first_names_of(inventory, senders)
    return sorted(
        (name, sha) for sha, name in named.items() if sha in in_silver and sha not in assessed
    )


def assess_versions(
    settings: Settings, inventory: pl.DataFrame, versions: list[Version]
) -> tuple[pl.DataFrame, list[dict]]:
    """GX and the rules over some versions, batch by batch (memory stays bounded): their
    findings, and the GX validations' records for the run's Data Docs."""
    if not versions:
        return empty_findings(), []
    parts, records = [], []
    todo = {sha: name for name, sha in versions}
    for batch in batches(inventory, todo, ASSESS_BATCH_BYTES):
        findings, suite_results = assess.assess(settings.lake, [sha256 for _, sha256 in batch])
        parts.append(findings)
        records += [result.record for result in suite_results if result.record]
    return pl.concat(parts), records


def record_assessment(
    settings: Settings, run: RunLabel | None, records: list[dict], versions: list[Version]
) -> None:
    """The run's silver validations, in the Data Docs (once per run, however it was split)."""
    if records:
        docs_record.record_run(
            settings.data_docs_dir,
            run or RunLabel.now(),
            "silver",
            merged(records),
            sorted(name for name, _ in versions),
        )


def assess_new(
    settings: Settings, inventory: pl.DataFrame, docs: bool = True, run: RunLabel | None = None
) -> Assessment:
    """GX and the rules over everything not yet assessed, then the run's validations recorded
    in the Data Docs."""
    todo = to_assess(settings, inventory)
    findings, records = assess_versions(settings, inventory, todo)
    if docs:
        record_assessment(settings, run, records, todo)
    return Assessment(tuple(sorted(sha for _, sha in todo)), findings)


@dataclass(frozen=True)
class Publication:
    """The outcome of the publish step: what was staged, each guard rule's offending rows (on
    the staging copy, or on the published warehouse when nothing changed), and whether the
    staging copy was swapped in."""

    staged: load.StagedLoad
    violations: dict[str, pl.DataFrame]
    published: bool

    @property
    def failed(self) -> list[str]:
        return [rule_id for rule_id, rows in self.violations.items() if rows.height]

    @property
    def new_versions(self) -> int:
        return self.staged.new_versions


def publish(
    settings: Settings, inventory: pl.DataFrame, run: RunLabel | None = None
) -> Publication:
    """Stage → check → publish (or discard): the one protocol of every run. With a run label,
    the warehouse suites' validations join the run's Data Docs."""
    lake = settings.lake
    staged = load.stage(lake, inventory)
    checked = staged.staging_path if staged.changed else lake.warehouse
    records: list[dict] = []
    violations = (
        invariants.check_all(checked, lake, staged.loaded_sha256s, records)
        if checked.exists()
        else {}
    )
    if run is not None and records:
        docs_record.record_run(settings.data_docs_dir, run, "warehouse", merged(records))
    outcome = Publication(staged, violations, False)
    if outcome.failed:
        load.discard(staged)
        return outcome
    load.publish(staged, lake.warehouse)
    return Publication(staged, violations, staged.changed)


def nothing_new(settings: Settings) -> bool:
    """A run would change nothing: the landing folder holds no version the published warehouse
    lacks, the warehouse was built by this code, and the review report shows it. Asked before a
    `jixiao run` starts Dagster, so that a quiet night costs a folder scan and two reads."""
    if not settings.warehouse_path.exists():
        return False
    inventory = scan_landing(settings)
    return load.is_current(settings.lake, inventory) and report.is_current(
        settings.warehouse_path, settings.review_report_dir
    )


def review_report(settings: Settings) -> report.ReportOutcome | None:
    """The review report of the published warehouse (redrawn only when its review changed)."""
    if not settings.warehouse_path.exists():
        return None
    return report.write_report(settings.warehouse_path, settings.review_report_dir)


def run_pipeline(settings: Settings, docs: bool = True) -> Publication:
    """The whole pipeline once, under the run lock; a failed guard rule raises."""
    run = RunLabel.now() if docs else None
    with run_lock(settings):
        inventory = scan_landing(settings)
        parse_and_normalize(settings, inventory)
        assess_new(settings, inventory, docs=docs, run=run)
        outcome = publish(settings, inventory, run=run)
        if not outcome.failed:
            review_report(settings)
    if outcome.failed:
        raise InvariantViolation(
            f"staging warehouse violates {', '.join(outcome.failed)}; nothing published"
        )
    return outcome
