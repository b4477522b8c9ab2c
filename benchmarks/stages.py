"""One benchmark repetition in a fresh process: every stage timed, peak RSS reported as JSON.

Run by `benchmarks.run`; a fresh process per repetition keeps peak RSS honest and start-up
costs (interpreter, imports) measurable on their own.
"""

from __future__ import annotations

import json
import resource
import shutil
import sys
import time
from pathlib import Path

started = time.perf_counter()
import duckdb  # noqa: E402
import polars  # noqa: E402, F401

from assets.settings import Settings  # noqa: E402
from expectations.docs import RunLabel  # noqa: E402
from pipelines import runner  # noqa: E402
from warehouse.load import StagedLoad  # noqa: E402

core_imports = time.perf_counter() - started


def timed(results: dict[str, float], name: str, step, *args):
    began = time.perf_counter()
    value = step(*args)
    results[name] = time.perf_counter() - began
    return value


def review_times(results: dict[str, float], staged: StagedLoad) -> None:
    """The review's seconds inside the load, and per step (`review_<step>`)."""
    results["review"] = staged.review_seconds
    results |= {f"review_{step}": seconds for step, seconds in staged.review_steps.items()}


def main() -> None:
    landing, data, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    results: dict[str, float] = {"import_core": core_imports}
    began = time.perf_counter()
    import great_expectations  # noqa: F401

    results["import_great_expectations"] = time.perf_counter() - began
    settings = Settings(landing, data)
    if mode == "stages":
        shutil.rmtree(data, ignore_errors=True)
        inventory = timed(results, "scan", runner.scan_landing, settings)
        timed(results, "parse_normalize", runner.parse_and_normalize, settings, inventory)
        timed(results, "validate", runner.assess_new, settings, inventory, True)
        published = timed(results, "load", runner.publish, settings, inventory)
        review_times(results, published.staged)
        timed(results, "report", runner.review_report, settings)
        timed(results, "noop_rerun", runner.run_pipeline, settings, True)
    elif mode == "whole":
        shutil.rmtree(data, ignore_errors=True)
        outcome = timed(results, "whole_run", runner.run_pipeline, settings, True)
        review_times(results, outcome.staged)
    elif mode == "incremental":  # `runner.run_pipeline`, each of its steps timed
        run = RunLabel.now()
        began = time.perf_counter()
        with runner.run_lock(settings):
            inventory = timed(results, "scan", runner.scan_landing, settings)
            timed(results, "parse_normalize", runner.parse_and_normalize, settings, inventory)
            timed(results, "validate", runner.assess_new, settings, inventory, True, run)
            published = timed(results, "load", runner.publish, settings, inventory, run)
            timed(results, "report", runner.review_report, settings)
        results["one_new_file"] = time.perf_counter() - began
        review_times(results, published.staged)
        if published.failed:  # as `run_pipeline` refuses it
            raise runner.InvariantViolation(f"guard rules failed: {', '.join(published.failed)}")
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    results["indicator_rows"] = con.execute(
        "SELECT count(*) FROM fact_indicator_target"
    ).fetchall()[0][0]
    results["tables_loaded"] = con.execute("SELECT count(*) FROM fact_project_budget").fetchall()[
        0
    ][0]
    con.close()
    results["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(results))


if __name__ == "__main__":
    main()
