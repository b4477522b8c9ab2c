"""Settings from the environment (`JIXIAO_*`), with the contract's defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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
        return Lake(self.data_dir / "lake")

    @property
    def warehouse_path(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def dagster_home(self) -> Path:
        return Path(os.environ.get("DAGSTER_HOME") or self.data_dir / "dagster")

    @property
    def data_docs_dir(self) -> Path:
        return self.data_dir / "gx_docs"

    @property
    def lock_path(self) -> Path:
        return self.data_dir / ".jixiao-run.lock"


@dataclass(frozen=True)
class Lake:
    """Where each layer keeps its Parquet: bronze and findings per source content (sha256), silver
    per batch of contents and year, found through each content's marker."""

    root: Path

    @property
    def landing_index(self) -> Path:
        return self.root / "landing_index.parquet"

    def bronze(self, entity: str, sha256: str) -> Path:
        return self.root / "bronze" / entity / f"{sha256}.parquet"

    def silver_dir(self, entity: str) -> Path:
        return self.root / "silver" / entity

    def silver(self, entity: str, year: int, batch: str) -> Path:
        """Silver is written per normalizing batch (named by the contents it holds) and year."""
        return self.silver_dir(entity) / f"year={year}" / f"{batch}.parquet"

    @property
    def findings_dir(self) -> Path:
        return self.root / "quality" / "findings"

    def findings(self, batch: str) -> Path:
        """Findings are written per assessed batch, like silver."""
        return self.findings_dir / f"{batch}.parquet"

    @property
    def findings_done_dir(self) -> Path:
        return self.root / "quality" / "_index"

    def findings_done(self, sha256: str) -> Path:
        """Marker naming the findings file that holds a version's findings (written last)."""
        return self.findings_done_dir / sha256

    @property
    def silver_done_dir(self) -> Path:
        # `_index`, not the earlier per-version layout's `_done` (plain text years): a lake from
        # before has no markers here, so its versions are normalized again into batch files.
        return self.root / "silver" / "_index"

    def silver_done(self, sha256: str) -> Path:
        """Marker written last, so a half-written silver is never taken as done."""
        return self.silver_done_dir / sha256
