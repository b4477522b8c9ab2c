"""Dagster steps on a Dask cluster: the executor a deployment picks when it outgrows one process.

Set `JIXIAO_DASK_SCHEDULER` (e.g. `tcp://127.0.0.1:8786`, as `make cluster` starts it) and every
run launched through Dagster (the schedule, the sensor, the UI, `dagster asset materialize`)
sends its steps to the cluster's workers; unset, runs stay in-process, the default.

Why not `dagster_dask.dask_executor`: as released beside Dagster 1.13 it fails on the current
Dask (a run's `DagsterRun` holds a record that Dask's task parser tries to iterate) and names
its tasks `job.step`, so two runs of one job on a shared cluster are deduplicated by Dask and
the second does nothing (dagster-io/dagster#21418). Here Dagster's own step-delegating
executor orchestrates: it claims concurrency-pool slots (the warehouse publish's pool of one),
honours retries and step limits, and hands each step to a Dask worker, which executes it as
`dagster api execute_step` does, in a long-lived process (the code is imported once per
worker, not once per step).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import dagster as dg
from dagster._cli.api import _execute_step_command_body
from dagster._core.definitions.executor_definition import multiple_process_executor_requirements
from dagster._core.execution.retries import RetryMode
from dagster._core.executor.step_delegating import (
    CheckStepHealthResult,
    StepDelegatingExecutor,
    StepHandler,
    StepHandlerContext,
)
from dagster._grpc.types import ExecuteStepArgs
from dagster._serdes import deserialize_value, serialize_value

SCHEDULER_VARIABLE = "JIXIAO_DASK_SCHEDULER"
SHARDS_VARIABLE = "JIXIAO_SHARDS"
EXECUTOR_NAME = "dask_steps"
_CLIENTS: dict[str, Any] = {}


def client(address: str) -> Any:
    """One Dask client per scheduler and process (runs of one process share it)."""
    if address not in _CLIENTS:
        from distributed import Client

        _CLIENTS[address] = Client(address, set_as_default=False, timeout="30s")
    return _CLIENTS[address]


def workers(dask_client: Any) -> dict[str, dict]:
    """Every worker the client's scheduler knows, with its declared resources."""
    return dask_client.scheduler_info(n_workers=-1)["workers"]


def worker_count(address: str | None = None) -> int:
    """The cluster's workers: of the scheduler at `address`, or (inside a Dask task) of the
    cluster this worker belongs to."""
    if address is None:
        from distributed import get_client

        return len(workers(get_client()))
    return len(workers(client(address)))


def execute_step(serialized_args: str) -> int:
    """On a Dask worker: execute one step of a run; its events go to the run's event log (the
    orchestrator tails it), as with Dagster's own step workers. Returns the worker's pid."""
    args = deserialize_value(serialized_args, ExecuteStepArgs)
    with dg.DagsterInstance.from_ref(args.instance_ref) as instance:
        run = instance.get_run_by_id(args.run_id)
        if run is None:
            raise RuntimeError(f"run {args.run_id} is not in the instance the step was given")
        for _ in _execute_step_command_body(args, instance, run):
            pass
    return os.getpid()


# A worker started with `--resources steps=1` runs one step at a time, whatever Dask's queuing
# would otherwise send it (with one thread, its default "saturation" admits two tasks, and two
# shards can land on one worker while the other waits). Steps ask for it where every worker has it.
STEP_RESOURCE = "steps"


def step_slots(address: str) -> int | None:
    """The cluster's step slots, if every worker declares them (`--resources steps=N`)."""
    slots = [
        worker.get("resources", {}).get(STEP_RESOURCE)
        for worker in workers(client(address)).values()
    ]
    if not slots or any(slot is None for slot in slots):
        return None
    return int(sum(slots))


class DaskStepHandler(StepHandler):
    """Launches each step as a Dask task named by run and step (never shared between runs)."""

    def __init__(self, address: str, limited: bool) -> None:
        self._address = address
        self._resources = {STEP_RESOURCE: 1} if limited else None
        self._futures: dict[str, Any] = {}

    @property
    def name(self) -> str:
        return "DaskStepHandler"

    @staticmethod
    def _key(context: StepHandlerContext) -> str:
        args = context.execute_step_args
        return f"{args.run_id}:{','.join(args.step_keys_to_execute or [])}"

    def launch_step(self, step_handler_context: StepHandlerContext) -> Iterator[dg.DagsterEvent]:
        key = self._key(step_handler_context)
        self._futures[key] = client(self._address).submit(
            execute_step,
            serialize_value(step_handler_context.execute_step_args),
            key=key,
            resources=self._resources,
        )
        return iter(())

    def check_step_health(self, step_handler_context: StepHandlerContext) -> CheckStepHealthResult:
        future = self._futures.get(self._key(step_handler_context))
        if future is not None and future.status in ("error", "cancelled"):
            reason = future.exception() if future.status == "error" else "cancelled"
            return CheckStepHealthResult.unhealthy(f"Dask task {future.key} failed: {reason!r}")
        return CheckStepHealthResult.healthy()

    def terminate_step(self, step_handler_context: StepHandlerContext) -> Iterator[dg.DagsterEvent]:
        future = self._futures.pop(self._key(step_handler_context), None)
        if future is not None:
            future.cancel()
        return iter(())


@dg.executor(
    name=EXECUTOR_NAME,
    config_schema={
        "scheduler": dg.Field(str, description="Address of the Dask scheduler (tcp://host:port)"),
        "max_concurrent": dg.Field(
            int, is_required=False, description="Steps at once (default: the cluster's workers)"
        ),
    },
    requirements=multiple_process_executor_requirements(),
)
def dask_steps_executor(init_context: dg.InitExecutorContext) -> StepDelegatingExecutor:
    """Each step of a run on a worker of an existing Dask cluster."""
    config = init_context.executor_config
    address = config["scheduler"]
    slots = step_slots(address)
    return StepDelegatingExecutor(
        DaskStepHandler(address, limited=slots is not None),
        retries=RetryMode.DISABLED,
        max_concurrent=config.get("max_concurrent") or max(1, slots or worker_count(address)),
        sleep_seconds=0.1,
        check_step_health_interval_seconds=5,
    )


def scheduler_address() -> str | None:
    return os.environ.get(SCHEDULER_VARIABLE) or None


def executor() -> dg.ExecutorDefinition:
    """The deployment's executor: in-process (the default: on two cores, separate step
    processes cost more than the work), or the Dask cluster `JIXIAO_DASK_SCHEDULER` names."""
    address = scheduler_address()
    if address is None:
        return dg.in_process_executor
    return dask_steps_executor.configured({"scheduler": address}, name=EXECUTOR_NAME)


def on_dask_worker() -> bool:
    """Whether this code runs in a task on a Dask worker (a step sent there by the executor;
    a worker's own settings do not say which executor the run has)."""
    if "distributed" not in sys.modules:
        return False
    from distributed import get_worker

    try:
        get_worker()
    except ValueError:
        return False
    return True


def shard_count() -> int:
    """How many shards a run splits its new files into: `JIXIAO_SHARDS`, else one per worker
    of the Dask cluster the planning step runs on, else one (in-process, the batches inside a
    shard already use every core)."""
    if os.environ.get(SHARDS_VARIABLE):
        return max(1, int(os.environ[SHARDS_VARIABLE]))
    return max(1, worker_count()) if on_dask_worker() else 1
