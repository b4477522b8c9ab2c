"""Dagster resources: where the pipeline reads and writes, from the `JIXIAO_*` settings."""

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
