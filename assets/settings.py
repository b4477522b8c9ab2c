"""Settings from the environment (`JIXIAO_*`), with the contract's defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from assets.lake import Lake

REPO_ROOT = Path(__file__).resolve().parent.parent


def _path(variable: str, default: str) -> Path:
    value = Path(os.environ.get(variable, default))
    return value if value.is_absolute() else REPO_ROOT / value


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    data_dir: Path

    @classmethod
    def from_env(cls) -> Settings:
        return cls(_path("JIXIAO_LANDING_DIR", "data/landing"), _path("JIXIAO_DATA_DIR", "data"))

    @property
    def lake(self) -> Lake:
        return Lake(self.data_dir)

    @property
    def warehouse_path(self) -> Path:
        return self.lake.warehouse

    @property
    def data_docs_dir(self) -> Path:
        return self.lake.data_docs

    @property
    def review_report_dir(self) -> Path:
        return self.lake.review_report

    @property
    def dagster_home(self) -> Path:
        return Path(os.environ.get("DAGSTER_HOME") or self.data_dir / "dagster")

    @property
    def lock_path(self) -> Path:
        return self.data_dir / ".jixiao-run.lock"
