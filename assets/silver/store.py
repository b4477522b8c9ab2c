"""Silver on disk: normalized project budgets and indicator targets, partitioned by year."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from assets.bronze.parse import empty_indicators, empty_tables
from assets.parquet_io import touch_atomic, write_atomic
from assets.settings import Lake
from assets.silver.normalize import SilverFrames, normalize

ENTITIES = ("project_budget", "indicator_target")


@dataclass(frozen=True)
class SilverSummary:
    sha256: str
    source_file: str
    project_rows: int
    indicator_rows: int
    years: tuple[int, ...]


def exists(lake: Lake, sha256: str) -> bool:
    return lake.silver_done(sha256).exists()


def build_batch(lake: Lake, versions: list[tuple[str, str]]) -> list[SilverSummary]:
    """Normalize the bronze of a batch of (source_file, sha256) at once; write per file and year."""
    frames = normalize(
        *(_read_bronze(lake, versions, entity) for entity in ("tables", "indicators"))
    )
    parts = {
        entity: getattr(frames, entity).partition_by(
            "source_sha256", "year", as_dict=True, include_key=True
        )
        for entity in ENTITIES
    }
    years: dict[str, set[int]] = {sha256: set() for _, sha256 in versions}
    for entity, by_key in parts.items():
        for (sha256, year), part in by_key.items():
            key = int(year) if year is not None else 0
            years[sha256].add(key)
            write_atomic(part, lake.silver(entity, key, sha256))
    counts = {
        entity: dict(getattr(frames, entity).group_by("source_sha256").len().iter_rows())
        for entity in ENTITIES
    }
    summaries = []
    for source_file, sha256 in versions:
        found = sorted(years[sha256])
        touch_atomic(lake.silver_done(sha256), ",".join(str(y) for y in found))
        summaries.append(
            SilverSummary(
                sha256,
                source_file,
                counts["project_budget"].get(sha256, 0),
                counts["indicator_target"].get(sha256, 0),
                tuple(found),
            )
        )
    return summaries


def _read_bronze(lake: Lake, versions: list[tuple[str, str]], entity: str) -> pl.DataFrame:
    """One bronze entity of many file versions in one read, with each row's file and hash."""
    files = [str(lake.bronze(entity, sha256)) for _, sha256 in versions]
    names = pl.DataFrame(
        {
            "path": files,
            "source_file": [source_file for source_file, _ in versions],
            "source_sha256": [sha256 for _, sha256 in versions],
        }
    )
    frame = pl.read_parquet(files, include_file_paths="path")
    return frame.join(names, on="path", how="left", maintain_order="left").drop("path")


def years_of(lake: Lake, sha256: str) -> list[int]:
    text = lake.silver_done(sha256).read_text(encoding="utf-8")
    return [int(y) for y in text.split(",") if y]


def paths(lake: Lake, sha256s: list[str], entity: str) -> list[str]:
    """The silver Parquet files of some file versions, for one entity."""
    found = (lake.silver(entity, year, s) for s in sha256s for year in years_of(lake, s))
    return [str(path) for path in found if path.exists()]


def read(lake: Lake, sha256s: list[str]) -> SilverFrames:
    """The silver rows of some file versions (empty frames when they hold none)."""
    no_rows = empty()
    frames = []
    for entity in ENTITIES:
        files = paths(lake, sha256s, entity)
        frames.append(
            pl.read_parquet(files, missing_columns="insert") if files else getattr(no_rows, entity)
        )
    return SilverFrames(*frames)


def empty() -> SilverFrames:
    """Silver frames with the full schema and no rows."""
    return normalize(empty_tables(), empty_indicators(), "", "")
