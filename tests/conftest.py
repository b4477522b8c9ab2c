"""Shared fixtures: the real sample, real Parquet lakes, real DuckDB files in temp folders."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from assets.bronze.parse import ParsedFile, parse_file
from assets.ingest import RunSummary, run_pipeline
from assets.settings import REPO_ROOT, Settings
from assets.silver.normalize import SilverFrames, normalize

SAMPLE_NAME = "000_68c33a3151049f34.txt"
SAMPLE_PATH = REPO_ROOT / "data" / "landing" / SAMPLE_NAME


@pytest.fixture(scope="session")
def sample_bytes() -> bytes:
    return SAMPLE_PATH.read_bytes()


@pytest.fixture(scope="session")
def sample_text(sample_bytes: bytes) -> str:
    return sample_bytes.decode("utf-8")


@pytest.fixture(scope="session")
def parsed(sample_bytes: bytes) -> ParsedFile:
    return parse_file(sample_bytes)


@pytest.fixture(scope="session")
def silver_frames(parsed: ParsedFile) -> SilverFrames:
    return normalize(parsed.tables, parsed.indicators, SAMPLE_NAME, "sample")


@pytest.fixture(scope="session")
def budget(silver_frames: SilverFrames) -> pl.DataFrame:
    return silver_frames.project_budget


@pytest.fixture(scope="session")
def targets(silver_frames: SilverFrames) -> pl.DataFrame:
    return silver_frames.indicator_target


class Workspace:
    """A landing folder and a data folder of their own, and the pipeline run over them."""

    def __init__(self, root: Path) -> None:
        self.landing = root / "landing"
        self.data = root / "data"
        self.landing.mkdir(parents=True)
        self.settings = Settings(self.landing, self.data)
        self._clock = 1_700_000_000

    def deliver(self, name: str, content: bytes) -> Path:
        """Write a file with a strictly later mtime than anything delivered before."""
        path = self.landing / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        self._clock += 60
        os.utime(path, (self._clock, self._clock))
        return path

    def run(self, docs: bool = False) -> RunSummary:
        return run_pipeline(self.settings, docs=docs)

    def sql(self, query: str) -> list[tuple]:
        import duckdb

        con = duckdb.connect(str(self.settings.warehouse_path), read_only=True)
        try:
            return con.execute(query).fetchall()
        finally:
            con.close()


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    return Workspace(tmp_path)


@pytest.fixture(scope="session")
def loaded_sample(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The sample loaded once into a real warehouse, for read-only tests."""
    space = Workspace(tmp_path_factory.mktemp("sample"))
    space.deliver(SAMPLE_NAME, SAMPLE_PATH.read_bytes())
    space.run(docs=True)
    return space


def replace_line(text: str, line: int, old: str, new: str) -> str:
    """The sample with one cell changed on one (1-based) line, for corrupted copies."""
    lines = text.split("\n")
    assert old in lines[line - 1], (line, old, lines[line - 1])
    lines[line - 1] = lines[line - 1].replace(old, new, 1)
    return "\n".join(lines)


Corruptor = Callable[[str, int, str, str], str]
