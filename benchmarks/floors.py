"""Costs inside the pipeline that no optimization of this design removes, timed on their own.

Run by `benchmarks.run` in a fresh process over the data folder of the largest corpus' last
whole run (bronze, silver and the published warehouse are all there), with the anchor measured
again in the same process. Each figure is the median of several repetitions of one piece of
work the contract or the issues require, so the ratio targets can be checked against a floor:

- bronze writes: one set of Parquet files per content hash (contract §3), the files rewritten
  with the parser's settings on the parser's worker threads, and nothing else;
- GX silver suites: `validate` of both silver suites over the corpus' silver (no Data Docs);
- GX warehouse suites: the G201–G203 suites over the published warehouse;
- foreign keys: the fact rows inserted into a table declaring the DDL's REFERENCES, minus the
  same insert into a table without them (issue #3 asks for foreign keys).

Prints one JSON line: seconds per floor.
"""

from __future__ import annotations

import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import polars as pl

from assets.ingest import workers
from assets.parquet_io import write_atomic
from assets.settings import Settings
from assets.silver import store as silver
from warehouse import DDL_DIR


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
    frames = [
        pl.read_parquet(p) for p in sorted((settings.lake.root / "bronze").rglob("*.parquet"))
    ]

    def write(index: int) -> None:  # the bronze writer's own call and settings
        write_atomic(frames[index], scratch / f"{index}.parquet", statistics=False)

    def run() -> float:
        with ThreadPoolExecutor(max_workers=workers()) as pool:
            return _timed(lambda: list(pool.map(write, range(len(frames)))))

    return run


def gx_silver(settings: Settings) -> Callable[[], float]:
    from expectations.validate import validate

    frames = silver.read(settings.lake, silver.done_versions(settings.lake))
    return lambda: _timed(
        lambda: (
            validate(frames.project_budget, "silver_project_budget"),
            validate(frames.indicator_target, "silver_indicator_target"),
        )
    )


def gx_warehouse(settings: Settings) -> Callable[[], float]:
    from assets.gold.invariants import INVARIANTS

    _, check = INVARIANTS["warehouse_expectations"]

    def run() -> float:
        con = duckdb.connect(str(settings.warehouse_path), read_only=True)
        try:
            return _timed(lambda: check(con, settings.lake, None))
        finally:
            con.close()

    return run


def foreign_keys(settings: Settings, scratch: Path, repeats: int) -> float:
    copy = scratch / "warehouse.duckdb"
    shutil.copyfile(settings.warehouse_path, copy)
    ddl = (DDL_DIR / "06_fact_indicator_target.sql").read_text(encoding="utf-8").split(";")[0]
    con = duckdb.connect(str(copy))
    try:
        con.execute("CREATE TEMP TABLE fact_rows AS SELECT * FROM fact_indicator_target")

        def run() -> float:
            con.execute("DROP TABLE IF EXISTS with_keys; DROP TABLE IF EXISTS without_keys")
            con.execute(ddl.replace("fact_indicator_target", "with_keys"))
            con.execute("CREATE TABLE without_keys AS SELECT * FROM with_keys LIMIT 0")
            checked = _timed(lambda: con.execute("INSERT INTO with_keys SELECT * FROM fact_rows"))
            plain = _timed(lambda: con.execute("INSERT INTO without_keys SELECT * FROM fact_rows"))
            return checked - plain

        return _median(repeats, run)
    finally:
        con.close()


def main() -> None:
    landing, data, repeats = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    from benchmarks.run import raw_scan

    settings = Settings(landing, data)
    import great_expectations  # noqa: F401  (a start-up cost, not a floor)

    with tempfile.TemporaryDirectory(prefix="jixiao-floors-") as scratch:
        figures = {
            "anchor": _median(repeats, lambda: raw_scan(landing)),
            "polars_lines": _median(repeats, lambda: polars_lines(landing)),
            "bronze_writes": _median(repeats, bronze_writes(settings, Path(scratch))),
            "gx_silver": _median(repeats, gx_silver(settings)),
            "gx_warehouse": _median(repeats, gx_warehouse(settings)),
            "foreign_keys": foreign_keys(settings, Path(scratch), repeats),
        }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
