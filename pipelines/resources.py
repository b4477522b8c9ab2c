"""Dagster resources: where the pipeline reads and writes, and the run lock held for a run."""

from __future__ import annotations

from collections.abc import Generator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg

from assets.settings import Settings
from pipelines.runner import run_lock


class JixiaoPaths(dg.ConfigurableResource):
    """Landing and data folders; empty strings mean the environment's (or default) settings."""

    landing_dir: str = ""
    data_dir: str = ""

    def settings(self) -> Settings:
        defaults = Settings.from_env()
        return Settings(
            Path(self.landing_dir) if self.landing_dir else defaults.landing_dir,
            Path(self.data_dir) if self.data_dir else defaults.data_dir,
        )


class RunLock(dg.ConfigurableResource):
    """The data folder's writer lock, held by the steps that publish (the warehouse and its
    report). Dagster runs already queue for those steps in the `warehouse_publish` pool; the
    lock also keeps out a writer that is not a Dagster run of this instance (a `jixiao run`
    elsewhere, the benchmark), which fails at once, naming the holder. The steps before the
    publish take no lock: they write content-addressed files atomically, so runs of different
    senders (or shards of one run on several workers) proceed side by side."""

    paths: JixiaoPaths

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Generator[RunLock]:
        with run_lock(self.paths.settings()):
            yield self


def resources(paths: JixiaoPaths | None = None) -> dict[str, dg.ConfigurableResource]:
    """The resources every asset of the graph needs, over one set of paths."""
    paths = paths or JixiaoPaths()
    return {"paths": paths, "run_lock": RunLock(paths=paths)}


def paths_run_config(settings: Settings) -> dict[str, dict]:
    """The run's paths in its config, so that a step reads and writes where the run was launched
    for, whichever process executes it (a Dask worker started with other settings)."""
    return {
        "paths": {
            "config": {
                "landing_dir": str(settings.landing_dir),
                "data_dir": str(settings.data_dir),
            }
        }
    }
