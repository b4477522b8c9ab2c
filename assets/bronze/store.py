"""Bronze on disk: per source content (sha256) its tables, indicator rows and parse findings."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from assets.bronze.parse import (
    FINDING_SCHEMA,
    ParsedFile,
    empty_indicators,
    empty_tables,
    parse_files,
)
from assets.parquet_io import touch_atomic, write_atomic
from assets.settings import Lake

ENTITIES = ("tables", "indicators", "findings")


@dataclass(frozen=True)
class BronzeSummary:
    sha256: str
    source_file: str
    encoding: str | None
    lines: int
    tables: int
    indicator_rows: int
    parse_findings: int


def meta_path(lake: Lake, sha256: str) -> Path:
    return lake.root / "bronze" / "files" / f"{sha256}.json"


def exists(lake: Lake, sha256: str) -> bool:
    """The meta file is written last: its presence means the whole bronze is there."""
    return meta_path(lake, sha256).exists()


def build_batch(
    lake: Lake, landing_dir: Path, versions: list[tuple[str, str]]
) -> list[BronzeSummary]:
    """Parse a batch of (source_file, sha256) in one pass and write each file's bronze.

    The content is re-hashed as it is read: bronze is keyed by bytes, and a file that changed
    or vanished since the scan is left for the next run.
    """
    blobs: list[bytes] = []
    kept: list[tuple[str, str]] = []
    for source_file, sha256 in versions:
        try:
            data = (landing_dir / source_file).read_bytes()
        except OSError:  # gone (or unreadable) since the scan: the next scan will tell
            continue
        if hashlib.sha256(data).hexdigest() == sha256:
            blobs.append(data)
            kept.append((source_file, sha256))
    summaries = []
    for (source_file, sha256), parsed in zip(kept, parse_files(blobs), strict=True):
        lineage = [pl.lit(sha256).alias("source_sha256"), pl.lit(source_file).alias("source_file")]
        # Bronze is only ever read whole (by the normalizer and the assessment): no statistics.
        for entity in ENTITIES:
            frame = getattr(parsed, entity).select(*lineage, pl.all())
            write_atomic(frame, lake.bronze(entity, sha256), statistics=False)
        summary = BronzeSummary(
            sha256,
            source_file,
            parsed.encoding,
            parsed.line_count,
            parsed.tables.height,
            parsed.indicators.height,
            parsed.findings.height,
        )
        touch_atomic(meta_path(lake, sha256), json.dumps(summary.__dict__, ensure_ascii=False))
        summaries.append(summary)
    return summaries


LINEAGE = ("source_sha256", "source_file")
SCHEMAS = {
    "tables": lambda: empty_tables().schema,
    "indicators": lambda: empty_indicators().schema,
    "findings": lambda: pl.Schema(FINDING_SCHEMA),
}


def read_entity(lake: Lake, versions: list[tuple[str, str]], entity: str) -> pl.DataFrame:
    """One bronze entity of many (source_file, sha256) versions in one read, each row stamped
    with the name its content is known by now (the first delivery may since have gone)."""
    files = [str(lake.bronze(entity, sha256)) for _, sha256 in versions]
    names = pl.DataFrame(
        {
            "path": files,
            "source_file": [source_file for source_file, _ in versions],
            "source_sha256": [sha256 for _, sha256 in versions],
        }
    )
    # Read against the parser's own schema: files written before bronze carried its lineage (or
    # before a column was added) read the same as new ones, lineage coming from `versions`.
    frame = (
        pl.scan_parquet(
            files,
            schema=SCHEMAS[entity](),
            include_file_paths="path",
            missing_columns="insert",
            extra_columns="ignore",
        )
        .join(names.lazy(), on="path", how="left", maintain_order="left")
        .drop("path")
        .collect()
    )
    return frame


def read(lake: Lake, sha256: str) -> ParsedFile:
    meta = json.loads(meta_path(lake, sha256).read_text(encoding="utf-8"))
    frames = {
        entity: pl.read_parquet(lake.bronze(entity, sha256)).drop(LINEAGE, strict=False)
        for entity in ENTITIES
    }
    return ParsedFile(
        meta["encoding"], meta["lines"], frames["tables"], frames["indicators"], frames["findings"]
    )
