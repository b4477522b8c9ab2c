"""Shared fixtures: the real sample, real Parquet lakes, real DuckDB files in temp folders."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl
import pytest

from assets.bronze.parse import ParsedFile, parse_files
from assets.settings import REPO_ROOT, Settings
from assets.silver.normalize import SilverFrames, normalize
from pipelines.runner import Publication, run_pipeline

if TYPE_CHECKING:  # Dagster is imported by the tests that run it
    import dagster as dg

SAMPLE_NAME = "000_68c33a3151049f34.txt"
SAMPLE_PATH = REPO_ROOT / "data" / "landing" / SAMPLE_NAME


def parse_file(data: bytes) -> ParsedFile:
    """One export through the batch parser."""
    return parse_files([data])[0]


def normalize_file(parsed: ParsedFile, source_file: str, sha256: str) -> SilverFrames:
    """One parsed export through the batch normalizer, with the lineage bronze would give it."""
    lineage = [pl.lit(source_file).alias("source_file"), pl.lit(sha256).alias("source_sha256")]
    return normalize(parsed.tables.with_columns(lineage), parsed.indicators.with_columns(lineage))


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
    return normalize_file(parsed, SAMPLE_NAME, "sample")


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

    def run(self, docs: bool = False) -> Publication:
        return run_pipeline(self.settings, docs=docs)

    def materialize(self, partition_key: str | None = None) -> dg.ExecuteInProcessResult:
        """The whole Dagster graph in-process on the instance of `DAGSTER_HOME`: over every
        sender (as `jixiao run` and the schedule run it), or a backfill of one sender."""
        import dagster as dg

        from pipelines.assets import ALL_ASSETS
        from pipelines.partitions import whole_landing_tags
        from pipelines.resources import JixiaoPaths, resources

        paths = JixiaoPaths(landing_dir=str(self.landing), data_dir=str(self.data))
        with dg.DagsterInstance.get() as instance:
            return dg.materialize(
                ALL_ASSETS,
                instance=instance,
                resources=resources(paths),
                tags={} if partition_key else whole_landing_tags(instance, self.settings),
                partition_key=partition_key,
                raise_on_error=False,
            )

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


def _set(frame: pl.DataFrame, row: int, **values: object) -> pl.DataFrame:
    """`frame` with some cells of one row replaced (None: a missing value)."""
    return frame.with_columns(
        pl.when(pl.int_range(pl.len()) == row)
        .then(pl.lit(value, dtype=frame.schema[column]))
        .otherwise(pl.col(column))
        .alias(column)
        for column, value in values.items()
    )


@pytest.fixture(scope="session")
def tripped_budget(budget: pl.DataFrame) -> pl.DataFrame:
    """The sample's budget rows with every kind of expectation of its suite broken somewhere."""
    frame = _set(budget, 0, year=None)
    frame = _set(frame, 1, unit_code=None, project_name=None)
    frame = _set(frame, 2, total_raw="七百", fiscal_raw="１２.５万元")  # bad / good (full-width)
    frame = _set(frame, 3, execution_weight_raw="十", special_account_raw=" 3,000 ")
    frame = _set(frame, 4, fiscal_in_range=False, social_unit_assumed=True)
    return _set(frame, 5, bank_loan_raw="abc", execution_weight_in_range=False)


@pytest.fixture(scope="session")
def tripped_targets(targets: pl.DataFrame) -> pl.DataFrame:
    frame = _set(targets, 0, level1_key=None)
    frame = _set(frame, 1, level1_key="产出乱码", weight_raw="十")
    frame = _set(frame, 2, year_weight_raw="10%", weight_in_range=False)
    frame = _set(frame, 3, year_target_value=None)  # ignored: one side missing
    frame = _set(frame, 5, level2_repaired=True, operator_value="qualitative/number")
    return _set(frame, 6, level2_name="奇怪指标", year_weight_in_range=False)
