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
    """The data folder's run lock, taken when a run starts and held to its end (the in-process
    executor initializes resources once per run), so two runs never interleave their steps.
    A second run fails at once, naming the holder."""

    paths: JixiaoPaths

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Generator[RunLock]:
        with run_lock(self.paths.settings()):
            yield self


def resources(paths: JixiaoPaths | None = None) -> dict[str, dg.ConfigurableResource]:
    """The resources every asset of the graph needs, over one set of paths."""
    paths = paths or JixiaoPaths()
    return {"paths": paths, "run_lock": RunLock(paths=paths)}
