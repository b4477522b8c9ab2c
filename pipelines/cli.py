"""`jixiao`: run the pipeline once, start Dagster for development, or query the warehouse.

`jixiao query` never imports Dagster or Great Expectations: a planner's question costs a DuckDB
connection, nothing more.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from assets.settings import REPO_ROOT, Settings

DAGSTER_YAML = """\
# Written by `jixiao`: one run at a time, so two nightly runs never race on the warehouse;
# a failed run is retried once (the job's dagster/max_retries tag).
run_queue:
  max_concurrent_runs: 1
run_retries:
  enabled: true
  max_retries: 1
telemetry:
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


def run(_: argparse.Namespace) -> int:
    settings = Settings.from_env()
    from pipelines.runner import RunInProgressError, run_lock

    try:
        with run_lock(settings):  # taken once, held for the whole Dagster run
            return _run_job(settings)
    except RunInProgressError as error:
        print(f"jixiao: {error}", file=sys.stderr)
        return 75


def _run_job(settings: Settings) -> int:
    prepare_dagster_home(settings)
    print(f"jixiao: landing {settings.landing_dir}  →  warehouse {settings.warehouse_path}")
    started = time.perf_counter()
    import dagster as dg

    from pipelines.definitions import defs

    job = defs.resolve_job_def("jixiao_pipeline")
    with dg.DagsterInstance.get() as instance:
        result = job.execute_in_process(
            instance=instance,
            raise_on_error=False,
            run_config={"loggers": {"progress": {"config": {"log_level": "DEBUG"}}}},
        )
    elapsed = time.perf_counter() - started
    if not result.success:
        failures = [
            event.event_specific_data.error.message.strip()
            for event in result.all_events
            if event.is_step_failure and event.event_specific_data.error
        ]
        print(f"jixiao: run FAILED after {elapsed:.1f}s", file=sys.stderr)
        for message in failures:
            print(f"  {message}", file=sys.stderr)
        return 1
    from warehouse.summary import print_summary

    published = [
        m.metadata
        for m in result.asset_materializations_for_node("warehouse")
        if m.asset_key.to_user_string() == "dq_file"
    ]
    new_versions = published[0]["new_file_versions"].value if published else 0
    print_summary(settings, elapsed, int(new_versions))
    return 0


def dev(_: argparse.Namespace) -> int:
    settings = Settings.from_env()
    prepare_dagster_home(settings)
    command = [str(Path(sys.executable).with_name("dagster")), "dev", "-m", "pipelines.definitions"]
    print(f"jixiao: DAGSTER_HOME={settings.dagster_home}; starting {' '.join(command[1:])}")
    os.chdir(REPO_ROOT)
    os.execv(command[0], command)
    return 0  # pragma: no cover - execv does not return


def query(arguments: argparse.Namespace) -> int:
    from warehouse.query import run_query

    sql = Path(arguments.file).read_text(encoding="utf-8") if arguments.file else arguments.sql
    if not sql:
        print("jixiao query: give SQL or --file", file=sys.stderr)
        return 2
    return run_query(Settings.from_env().warehouse_path, sql, arguments.csv, arguments.xlsx)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jixiao", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the whole pipeline once and print a summary")
    commands.add_parser("dev", help="the Dagster UI and daemon (schedule and sensor on)")
    ask = commands.add_parser("query", help="ask the warehouse a question in SQL (read-only)")
    ask.add_argument("sql", nargs="?", help="the SQL to run")
    ask.add_argument("--file", help="a .sql file, e.g. warehouse/queries/budget_by_unit.sql")
    ask.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    ask.add_argument("--xlsx", metavar="FILE", help="also write the answer to an Excel file")
    arguments = parser.parse_args(argv)
    handlers = {"run": run, "dev": dev, "query": query}
    return handlers[arguments.command](arguments)


if __name__ == "__main__":
    sys.exit(main())
