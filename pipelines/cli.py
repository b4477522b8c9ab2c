"""`jixiao`: run the pipeline once, start Dagster for development, or query the warehouse.

`jixiao query` never imports Dagster or Great Expectations: a planner's question costs a DuckDB
connection, nothing more.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from contextlib import nullcontext, suppress
from pathlib import Path
from typing import TYPE_CHECKING

from assets.settings import REPO_ROOT, Settings
from pipelines.cluster import DEFAULT_PORT
from pipelines.faults import StorageUnavailable, chain, keep_log, recognize
from pipelines.instance import prepare_dagster_home, reserve_publish_pool

if TYPE_CHECKING:  # Dagster is imported only by the commands that run it
    import dagster as dg


def run(_: argparse.Namespace) -> int:
    settings = Settings.from_env()
    started = time.perf_counter()
    from pipelines.distributed import scheduler_address
    from pipelines.runner import RunInProgressError, nothing_new, run_lock

    # In-process, the lock is taken once and held for the whole Dagster run; on a cluster the
    # publishing steps take it where they run (a worker), and Dagster's pool queues them.
    lock = nullcontext() if scheduler_address() else run_lock(settings)
    try:
        with lock:
            if nothing_new(settings):
                # Nothing for Dagster to do: no run is started (the schedule's and the UI's
                # runs still go through Dagster, and find the same).
                from warehouse.summary import print_summary

                print_summary(settings, time.perf_counter() - started, 0)
                return 0
            return _run_job(settings)
    except RunInProgressError as error:
        print(f"jixiao: {error}", file=sys.stderr)
        return 75
    except Exception as error:  # a fault of the machine (disk, permissions, storage) or a defect
        import traceback

        return _failed(settings, chain(error), traceback.format_exc())


def _failed(settings: Settings, causes: list[str], report: str) -> int:
    """One line that names what went wrong, the full report in a log file it points to."""
    log = keep_log(settings.data_dir, report)
    fault = recognize(causes, (settings.data_dir, settings.dagster_home))
    if fault is None:
        print(
            f"jixiao: run FAILED: {causes[0] if causes else 'unknown error'} (details: {log})",
            file=sys.stderr,
        )
        return 1
    print(f"jixiao: run FAILED, {fault.name} ({log}); {fault.advice}", file=sys.stderr)
    return fault.exit_status


def _step_errors(events: list[dg.DagsterEvent]) -> tuple[list[str], str]:
    """The errors of the failed steps, each with its causes, and their full text."""
    causes: list[str] = []
    report: list[str] = []
    for event in events:
        error = event.event_specific_data.error if event.is_step_failure else None
        while error is not None:
            causes.append(f"{error.cls_name}: {error.message.strip()}")
            report.append(error.to_string())
            error = error.cause or error.context
    return causes, "\n".join(report)


def _run_job(settings: Settings) -> int:
    prepare_dagster_home(settings)
    print(f"jixiao: landing {settings.landing_dir}  →  warehouse {settings.warehouse_path}")
    started = time.perf_counter()
    import dagster as dg

    from pipelines import definitions
    from pipelines.distributed import scheduler_address
    from pipelines.partitions import whole_landing_tags
    from pipelines.resources import paths_run_config

    try:
        instance = dg.DagsterInstance.get()
    except Exception as error:
        raise StorageUnavailable(f"cannot open the instance in {settings.dagster_home}") from error
    options = {
        "instance": instance,
        "raise_on_error": False,
        "run_config": {
            "loggers": {"progress": {"config": {"log_level": "DEBUG"}}},
            "resources": paths_run_config(settings),
        },
    }
    with instance:
        reserve_publish_pool(instance)
        tags = {"jixiao/trigger": "jixiao run", **whole_landing_tags(instance, settings)}
        if scheduler_address() is None:
            result = definitions.pipeline_job().execute_in_process(tags=tags, **options)
            success, events = result.success, result.all_events
        else:  # every step on the Dask cluster: the job is reconstructed there by name
            print(f"jixiao: steps on the Dask cluster at {scheduler_address()}")
            with dg.execute_job(
                dg.reconstructable(definitions.pipeline_job), tags=tags, **options
            ) as result:
                success, events = result.success, result.all_events
    elapsed = time.perf_counter() - started
    if not success:
        causes, report = _step_errors(events)
        return _failed(settings, causes, report)
    from warehouse.summary import print_summary

    published = [
        event.step_materialization_data.materialization.metadata
        for event in events
        if event.is_step_materialization
        and event.asset_key is not None
        and event.asset_key.to_user_string() == "dq_file"
    ]
    new_versions = published[0]["new_file_versions"].value if published else 0
    print_summary(settings, elapsed, int(new_versions))
    return 0


def _exec_dagster(arguments: list[str]) -> int:
    """Dagster's own CLI against jixiao's instance (DAGSTER_HOME set) and code location."""
    settings = Settings.from_env()
    home = prepare_dagster_home(settings)
    import dagster as dg

    with dg.DagsterInstance.from_config(str(home)) as instance:
        reserve_publish_pool(instance)
    command = [str(Path(sys.executable).with_name("dagster")), *arguments]
    print(f"jixiao: DAGSTER_HOME={settings.dagster_home}; starting {' '.join(command[1:])}")
    os.chdir(REPO_ROOT)
    os.execv(command[0], command)
    return 0  # pragma: no cover - execv does not return


def dev(_: argparse.Namespace) -> int:
    return _exec_dagster(["dev", "-m", "pipelines.definitions"])


def dagster(arguments: argparse.Namespace) -> int:
    """e.g. `jixiao dagster asset materialize --select '*'`: the run is in the UI's instance."""
    rest = list(arguments.arguments)
    return _exec_dagster([*rest, "-m", "pipelines.definitions"] if rest else ["--help"])


def cluster(arguments: argparse.Namespace) -> int:
    """A Dask cluster for `JIXIAO_DASK_SCHEDULER`, in the foreground (Ctrl-C stops it)."""
    from pipelines.cluster import local_cluster

    settings = Settings.from_env()
    # A `kill` stops the workers too (the context manager's exit), not only this process.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with local_cluster(arguments.workers, arguments.port, log_dir=settings.data_dir / "logs"):
        address = f"tcp://127.0.0.1:{arguments.port}"
        print(f"jixiao: Dask scheduler at {address} with {arguments.workers} worker(s)")
        print(f"jixiao: in another shell: export JIXIAO_DASK_SCHEDULER={address}")
        with suppress(KeyboardInterrupt):
            signal.pause()
    print("jixiao: cluster stopped")
    return 0


def query(arguments: argparse.Namespace) -> int:
    from warehouse.query import run_query

    sql = Path(arguments.file).read_text(encoding="utf-8") if arguments.file else arguments.sql
    if not sql:
        print("jixiao query: give SQL or --file", file=sys.stderr)
        return 2
    return run_query(
        Settings.from_env().warehouse_path,
        sql,
        arguments.csv,
        arguments.xlsx,
        max_rows=arguments.max_rows,
        timeout_seconds=arguments.timeout,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="jixiao", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the whole pipeline once and print a summary")
    commands.add_parser("dev", help="the Dagster UI and daemon (schedule and sensor on)")
    wrapped = commands.add_parser(
        "dagster", help="Dagster's CLI on jixiao's instance and code location"
    )
    wrapped.add_argument("arguments", nargs=argparse.REMAINDER, help="e.g. asset materialize")
    cluster_options = commands.add_parser(
        "cluster", help="a Dask scheduler and workers on loopback, until Ctrl-C"
    )
    cluster_options.add_argument("--workers", type=int, default=2, help="worker processes")
    cluster_options.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="the scheduler's port"
    )
    ask = commands.add_parser("query", help="ask the warehouse a question in SQL (read-only)")
    ask.add_argument("sql", nargs="?", help="the SQL to run")
    ask.add_argument("--file", help="a .sql file, e.g. warehouse/queries/budget_by_unit.sql")
    ask.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    ask.add_argument("--xlsx", metavar="FILE", help="also write the answer to an Excel file")
    ask.add_argument(
        "--max-rows", type=int, default=100_000, help="the most rows an answer returns"
    )
    ask.add_argument(
        "--timeout", type=float, default=60.0, help="seconds before a query is stopped"
    )
    arguments = parser.parse_args(argv)
    if argv is None and arguments.command == "query":
        # Like any Unix filter: `jixiao query … | head` ends quietly when head has read enough.
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    handlers = {"run": run, "dev": dev, "dagster": dagster, "query": query, "cluster": cluster}
    return handlers[arguments.command](arguments)


if __name__ == "__main__":
    sys.exit(main())
