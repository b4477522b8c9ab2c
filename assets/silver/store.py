"""Silver on disk: normalized project budgets and indicator targets, partitioned by year."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from assets import parquet_io
from assets.bronze import store as bronze
from assets.bronze.parse import empty_indicators, empty_tables
from assets.parquet_io import Sources, touch_atomic, write_atomic
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


def batch_name(sha256s: list[str]) -> str:
    """A batch's files are named by the set of contents they hold: deterministic, and a batch
    redone after a crash (with other members) never overwrites a file that a marker points to."""
    return hashlib.sha256("\n".join(sorted(sha256s)).encode()).hexdigest()


def build_batch(lake: Lake, versions: list[tuple[str, str]]) -> list[SilverSummary]:
    """Normalize the bronze of a batch of (source_file, sha256) at once; one Parquet file per
    entity and year for the whole batch (not per file version: small files cost more to write
    and to read than their rows). Each version's marker lists the files that hold its rows."""
    frames = normalize(*(bronze.read_entity(lake, versions, e) for e in ("tables", "indicators")))
    name = batch_name([sha256 for _, sha256 in versions])
    located: dict[str, dict[str, list[str]]] = {
        sha256: {entity: [] for entity in ENTITIES} for _, sha256 in versions
    }
    years: dict[str, set[int]] = {sha256: set() for _, sha256 in versions}
    for entity in ENTITIES:
        for (year,), part in getattr(frames, entity).partition_by("year", as_dict=True).items():
            key = int(year) if year is not None else 0
            path = lake.silver(entity, key, name)
            write_atomic(part, path)
            relative = str(path.relative_to(lake.silver_dir(entity)))
            for sha256 in part["source_sha256"].unique().to_list():
                located[sha256][entity].append(relative)
                years[sha256].add(key)
    counts = {
        entity: dict(getattr(frames, entity).group_by("source_sha256").len().iter_rows())
        for entity in ENTITIES
    }
    summaries = []
    for source_file, sha256 in versions:
        found = sorted(years[sha256])
        marker = {"years": found, "files": located[sha256]}
        touch_atomic(lake.silver_done(sha256), json.dumps(marker))
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


def _marker(lake: Lake, sha256: str) -> dict:
    return json.loads(lake.silver_done(sha256).read_text(encoding="utf-8"))


def years_of(lake: Lake, sha256: str) -> list[int]:
    return list(_marker(lake, sha256)["years"])


def done_versions(lake: Lake) -> list[str]:
    """Every file version whose silver is complete (its marker is written last)."""
    return parquet_io.marked(lake.silver_done_dir)


def sources(lake: Lake, sha256s: list[str], entity: str) -> Sources:
    """The silver files holding some file versions' rows of one entity, each with the versions
    to read from it (read them with `parquet_io.read_sources` or `select_sql`)."""
    folder = lake.silver_dir(entity)
    return parquet_io.sources(
        (str(folder / name), s) for s in sha256s for name in _marker(lake, s)["files"][entity]
    )


def read(
    lake: Lake, sha256s: list[str], columns: dict[str, Iterable[str]] | None = None
) -> SilverFrames:
    """The silver rows of some file versions (empty frames when they hold none); only the
    columns named per entity when `columns` is given (a reader pays for what it reads)."""
    no_rows = empty()
    frames = []
    for entity in ENTITIES:
        wanted = None if columns is None else sorted(set(columns[entity]))
        frame = parquet_io.read_sources(sources(lake, sha256s, entity), wanted)
        if frame is None:
            frame = getattr(no_rows, entity)
            frame = frame if wanted is None else frame.select(wanted)
        frames.append(frame)
    return SilverFrames(*frames)


def empty() -> SilverFrames:
    """Silver frames with the full schema and no rows."""
    return normalize(empty_tables(), empty_indicators(), "", "")
