"""Dagster resources: where the pipeline reads and writes.

The data folder's writer lock (`runner.run_lock`) is not a resource: the publishing steps take it
for as long as they write, while Dagster's `warehouse_publish` pool queues the runs of this
instance. The lock keeps out a writer that is not one of them (a `jixiao run` against another
instance, the benchmark), which fails at once, naming the holder. The steps before the publish
take no lock: they write content-addressed files atomically, so runs of different senders (or
shards of one run on several workers) proceed side by side."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from assets.settings import Settings


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


def resources(paths: JixiaoPaths | None = None) -> dict[str, dg.ConfigurableResource]:
    """The resources every asset of the graph needs, over one set of paths."""
    paths = paths or JixiaoPaths()
    return {"paths": paths}


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
