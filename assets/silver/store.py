"""Silver on disk: normalized project budgets and indicator targets partitioned by year, and the
parser's findings carried forward for the quality layer, per batch of file versions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import polars as pl

from assets.bronze import store as bronze
from assets.bronze.assemble import empty_indicators, empty_tables
from assets.lake import NO_YEAR, Lake
from assets.silver.normalize import SilverFrames, normalize

ENTITIES = ("project_budget", "indicator_target")
COLUMNS_PATH = Path(__file__).with_name("columns.csv")


def column_descriptions(entity: str) -> dict[str, str]:
    """What each silver column holds (`columns.csv`, the one place it is written; the gold
    tables' are their DDL comments)."""
    described = pl.read_csv(COLUMNS_PATH, infer_schema=False)
    return dict(described.filter(pl.col("entity") == entity).select("column", "description").rows())


@dataclass(frozen=True)
class SilverSummary:
    sha256: str
    source_file: str
    project_rows: int
    indicator_rows: int
    years: tuple[int, ...]

    def rows(self, entity: str) -> int:
        """The rows this version wrote to one of `ENTITIES`."""
        return {"project_budget": self.project_rows, "indicator_target": self.indicator_rows}[
            entity
        ]


def build_batch(
    lake: Lake, landing_dir: Path, versions: list[tuple[str, str]]
) -> list[tuple[bronze.BronzeSummary | None, SilverSummary]]:
    """Landing → bronze → silver for a batch of (source_file, sha256) in one pass: the parser's
    frames are written to bronze and normalized as they are, never read back. A version already
    in bronze (a run cut between the two writes) is read from there instead of parsed again.
    Silver's index carries each version's bronze record forward, with the years it holds."""
    in_bronze = set(lake.bronze.done_versions())
    done = [v for v in versions if v[1] in in_bronze]
    parsed, fresh = bronze.build_batch(
        lake, landing_dir, [v for v in versions if v[1] not in in_bronze]
    )
    if done:
        stored = {entity: bronze.read(lake, done, entity) for entity in fresh}
        fresh = {
            entity: pl.concat([fresh[entity], stored[entity]], how="diagonal_relaxed")
            for entity in fresh
        }
    records = {s.sha256: s.__dict__ for s in parsed} | lake.bronze.metas(s for _, s in done)
    summaries = _write(lake, fresh, [(f, s) for f, s in versions if s in records], records)
    by_version = {s.sha256: s for s in parsed}
    return [(by_version.get(summary.sha256), summary) for summary in summaries]


def _write(
    lake: Lake,
    bronze_frames: dict[str, pl.DataFrame],
    versions: list[tuple[str, str]],
    records: dict[str, dict],
) -> list[SilverSummary]:
    frames = normalize(bronze_frames["tables"], bronze_frames["indicators"])
    years = (
        frames.project_budget.group_by("source_sha256")
        .agg(pl.col("year").fill_null(NO_YEAR).unique().sort())
        .rows_by_key("source_sha256", unique=True)
    )
    counts = {
        entity: dict(getattr(frames, entity).group_by("source_sha256").len().iter_rows())
        for entity in ENTITIES
    }
    meta = {}
    summaries = []
    for source_file, sha256 in versions:
        found = tuple(years.get(sha256, ([],))[0])
        meta[sha256] = {**records[sha256], "source_file": source_file, "years": found}
        summaries.append(
            SilverSummary(
                sha256,
                source_file,
                counts["project_budget"].get(sha256, 0),
                counts["indicator_target"].get(sha256, 0),
                found,
            )
        )
    if versions:
        lake.silver.write(
            {
                "project_budget": frames.project_budget,
                "indicator_target": frames.indicator_target,
                "parse_findings": bronze_frames["findings"],
            },
            meta,
        )
    return summaries


def read(
    lake: Lake, sha256s: list[str], columns: dict[str, Iterable[str]] | None = None
) -> SilverFrames:
    """The silver rows of some file versions (empty frames when they hold none); only the
    columns named per entity when `columns` is given (a reader pays for what it reads)."""
    no_rows = empty()
    frames = []
    for entity in ENTITIES:
        wanted = None if columns is None else sorted(set(columns[entity]))
        frame = lake.silver.read(sha256s, entity, wanted)
        if frame is None:
            frame = getattr(no_rows, entity)
            frame = frame if wanted is None else frame.select(wanted)
        frames.append(frame)
    return SilverFrames(*frames)


def read_parse_findings(lake: Lake, sha256s: list[str]) -> pl.DataFrame:
    """The parser's findings of some versions, with their lineage (source file and sha256)."""
    found = lake.silver.read(sha256s, "parse_findings")
    return bronze.empty("findings") if found is None else found


@cache
def empty() -> SilverFrames:
    """Silver frames with the full schema and no rows (built once: normalizing even no rows
    costs a tenth of a second, and frames are immutable)."""
    lineage = [pl.lit("").alias("source_file"), pl.lit("").alias("source_sha256")]
    return normalize(empty_tables().with_columns(lineage), empty_indicators().with_columns(lineage))
