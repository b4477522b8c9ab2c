"""Costs inside the pipeline that no optimization of this design removes, timed on their own.

Run by `benchmarks.run` in a fresh process over the data folder of the largest corpus' last
whole run (bronze, silver and the published warehouse are all there), with the anchor measured
again in the same process. Each figure is the median of several repetitions of one piece of
work the contract or the issues require, so the ratio targets can be checked against a floor:

- bronze writes: the bronze files (one set per batch, contract §3) rewritten with the bronze
  store's settings on the parser's worker threads, and nothing else;
- GX silver suites: `validate` of both silver suites over the corpus' silver (no Data Docs);
- guard rules: every G rule (the GX warehouse suites and the SQL invariants) over the published
  warehouse, as if every version had been loaded in one run.

With `--latest N`, the same GX suites and guard rules over the N file versions written last
only: what the quality gates cost a run that adds those files to a loaded warehouse (GX's cost
is mostly per expectation and validation, not per row).

Prints one JSON line: seconds per floor.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl

from assets.lake import write_atomic
from assets.settings import Settings
from assets.silver import store as silver
from pipelines.runner import workers
from warehouse import invariants


def _median(repeats: int, work: Callable[[], float]) -> float:
    return statistics.median(work() for _ in range(repeats))


def _timed(step: Callable[[], object]) -> float:
    began = time.perf_counter()
    step()
    return time.perf_counter() - began


def polars_lines(landing: Path) -> float:
    """Polars reading every line of the same files, the way the anchor does (no parsing)."""
    scan = pl.scan_csv(
        sorted(str(p) for p in landing.rglob("*.txt")),
        has_header=False,
        separator="\x01",
        quote_char=None,
        encoding="utf8-lossy",
        schema={"line": pl.String},
        truncate_ragged_lines=True,
    ).select(pl.col("line").str.len_bytes().sum(), pl.len())
    return _timed(scan.collect)


def bronze_writes(settings: Settings, scratch: Path) -> Callable[[], float]:
    store = settings.lake.bronze
    frames = [pl.read_parquet(p) for p in sorted(store.root.rglob("*.parquet"))]

    def write(index: int) -> None:  # the bronze store's own call and settings
        write_atomic(frames[index], scratch / f"{index}.parquet", statistics=store.statistics)

    def run() -> float:
        with ThreadPoolExecutor(max_workers=workers()) as pool:
            return _timed(lambda: list(pool.map(write, range(len(frames)))))

    return run


def gx_silver(settings: Settings, versions: list[str]) -> Callable[[], float]:
    from expectations.validate import validate

    frames = silver.read(settings.lake, versions)
    return lambda: _timed(
        lambda: (
            validate(frames.project_budget, "silver_project_budget"),
            validate(frames.indicator_target, "silver_indicator_target"),
        )
    )


def guard_rules(settings: Settings, versions: list[str]) -> Callable[[], float]:
    return lambda: _timed(
        lambda: invariants.check_all(settings.warehouse_path, settings.lake, versions)
    )


def main() -> None:
    landing, data, repeats = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    latest = int(sys.argv[5]) if sys.argv[4:5] == ["--latest"] else None
    from benchmarks.run import raw_scan

    settings = Settings(landing, data)
    import great_expectations  # noqa: F401  (a start-up cost, not a floor)

    lake = settings.lake
    if latest is not None:
        versions = lake.silver.latest_versions(latest)
        figures = {
            "gx_silver": _median(repeats, gx_silver(settings, versions)),
            "guard_rules": _median(repeats, guard_rules(settings, versions)),
        }
        print(json.dumps(figures))
        return
    with tempfile.TemporaryDirectory(prefix="jixiao-floors-") as scratch:
        figures = {
            "anchor": _median(repeats, lambda: raw_scan(landing)),
            "polars_lines": _median(repeats, lambda: polars_lines(landing)),
            "bronze_writes": _median(repeats, bronze_writes(settings, Path(scratch))),
            "gx_silver": _median(repeats, gx_silver(settings, lake.silver.done_versions())),
            "guard_rules": _median(repeats, guard_rules(settings, lake.quality.done_versions())),
        }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
