"""A Dask cluster on this machine: one scheduler and N single-threaded workers on loopback.

`jixiao cluster` (`make cluster`) runs one in the foreground for development; the tests and the
benchmark start one around a run. A real deployment starts the same two commands (`dask
scheduler`, `dask worker <address>`) on its own machines, with the environment the code
location has (JIXIAO_LANDING_DIR, JIXIAO_DATA_DIR on storage every worker reaches).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from assets.settings import REPO_ROOT

DEFAULT_PORT = 8786
STARTUP_SECONDS = 120


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _dask() -> str:
    return str(Path(sys.executable).with_name("dask"))


def _wait_for(condition: Callable[[], bool], what: str, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while not condition():
        for process in processes:
            if process.poll() is not None:
                raise RuntimeError(f"{what}: a cluster process exited ({process.args[:3]})")
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not ready after {STARTUP_SECONDS} s")
        time.sleep(0.2)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _worker_count(address: str) -> int:
    """Ready workers, asked through a client of its own (closed with the cluster's start)."""
    from distributed import Client

    from pipelines.distributed import workers

    with Client(address, timeout="10s", set_as_default=False) as client:
        return len(workers(client))


@contextmanager
def local_cluster(
    workers: int = 2,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    log_dir: Path | None = None,
) -> Iterator[str]:
    """Start a scheduler and `workers` workers (one thread each: a step is one thread of work,
    and the batches inside it stay on one core, `JIXIAO_WORKERS=1`; each imports jixiao's code
    and Great Expectations as it starts, `pipelines.worker`); yield the scheduler's address once
    every worker is ready; stop them all on exit."""
    port = port or free_port()
    address = f"tcp://127.0.0.1:{port}"
    environment = {**os.environ, **(env or {}), "JIXIAO_WORKERS": "1"}
    # The workers run this checkout's code, whatever is installed.
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(REPO_ROOT), environment.get("PYTHONPATH", "")])
    )
    quiet = ["--no-dashboard"]
    processes: list[subprocess.Popen] = []
    logs: list[IO[str]] = []

    def spawn(name: str, command: list[str]) -> None:
        output: IO[str] | int = subprocess.DEVNULL
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            output = (log_dir / f"{name}.log").open("w")
            logs.append(output)
        processes.append(
            subprocess.Popen(command, env=environment, stdout=output, stderr=subprocess.STDOUT)
        )

    try:
        spawn(
            "scheduler", [_dask(), "scheduler", "--host", "127.0.0.1", "--port", str(port), *quiet]
        )
        _wait_for(lambda: _listening(port), "scheduler", processes)
        for number in range(workers):
            spawn(
                f"worker-{number}",
                [
                    _dask(),
                    "worker",
                    address,
                    "--nworkers",
                    "1",
                    "--nthreads",
                    "1",
                    "--name",
                    f"jixiao-{number}",
                    "--resources",
                    "steps=1",
                    "--preload",
                    "pipelines.worker",
                    *quiet,
                ],
            )
        _wait_for(lambda: _worker_count(address) >= workers, "workers", processes)
        yield address
    finally:
        for process in reversed(processes):
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in logs:
            log.close()
