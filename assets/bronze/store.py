"""Bronze on disk: the parser's tables, indicator rows and findings, per batch of file versions.

Every row carries its `source_sha256` (and the name it was delivered as); the batch's index
records each version's encoding and line count, which travel forward to silver and the findings
store.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from assets.bronze.parse import ENTITY_TEMPLATES as TEMPLATES
from assets.bronze.parse import parse_batch
from assets.lake import Lake


@dataclass(frozen=True)
class BronzeSummary:
    sha256: str
    source_file: str
    encoding: str | None
    lines: int
    tables: int
    indicator_rows: int
    parse_findings: int


def _read_landing(
    landing_dir: Path, versions: list[tuple[str, str]]
) -> list[tuple[str, str, bytes]]:
    """The bytes of each version, re-hashed as read: bronze is keyed by bytes, and a file that
    changed or vanished since the scan is left for the next run."""
    found = []
    for source_file, sha256 in versions:
        try:
            data = (landing_dir / source_file).read_bytes()
        except OSError:  # gone (or unreadable) since the scan: the next scan will tell
            continue
        if hashlib.sha256(data).hexdigest() == sha256:
            found.append((source_file, sha256, data))
    return found


def build_batch(
    lake: Lake, landing_dir: Path, versions: list[tuple[str, str]]
) -> tuple[list[BronzeSummary], dict[str, pl.DataFrame]]:
    """Parse a batch of (source_file, sha256) in one pass; write one bronze file per entity for
    the batch, then the batch's index. The frames written are returned for the next layer,
    which need not read them back."""
    found = _read_landing(landing_dir, versions)
    parsed = parse_batch([data for _, _, data in found])
    shas = pl.Series("source_sha256", [sha256 for _, sha256, _ in found], pl.String)
    names = pl.Series("source_file", [source_file for source_file, _, _ in found], pl.String)
    # Each row's version by its file's place in the batch: a gather, not a frame per file.
    frames = parsed.frames()
    batch = {
        entity: frame.select(
            pl.lit(shas).gather(pl.col("file_id")).alias("source_sha256"),
            pl.lit(names).gather(pl.col("file_id")).alias("source_file"),
            pl.exclude("file_id"),
        )
        for entity, frame in frames.items()
    }
    counts = {
        entity: dict(frame.group_by("file_id").len().iter_rows())
        for entity, frame in frames.items()
    }
    summaries = [
        BronzeSummary(
            sha256,
            source_file,
            encoding,
            line_count,
            counts["tables"].get(file_id, 0),
            counts["indicators"].get(file_id, 0),
            counts["findings"].get(file_id, 0),
        )
        for (source_file, sha256, _), (file_id, encoding, line_count) in zip(
            found, parsed.files.iter_rows(), strict=True
        )
    ]
    if summaries:
        lake.bronze.write(batch, {s.sha256: s.__dict__ for s in summaries})
    return summaries, batch


def empty(entity: str) -> pl.DataFrame:
    """An entity with no rows, its lineage columns included."""
    lineage = {"source_sha256": pl.String, "source_file": pl.String}
    return TEMPLATES[entity]().with_columns(
        [pl.lit(None, dtype=dtype).alias(name) for name, dtype in lineage.items()]
    )


def read(lake: Lake, versions: list[tuple[str, str]], entity: str) -> pl.DataFrame:
    """One bronze entity of many (source_file, sha256) versions, each row stamped with the name
    its content is known by now (the first delivery may since have gone)."""
    names = pl.DataFrame(
        {
            "source_sha256": [sha256 for _, sha256 in versions],
            "source_file": [source_file for source_file, _ in versions],
        },
        schema={"source_sha256": pl.String, "source_file": pl.String},
    )
    frame = lake.bronze.read([sha256 for _, sha256 in versions], entity)
    if frame is None:
        frame = empty(entity)
    return frame.drop("source_file", strict=False).join(
        names, on="source_sha256", how="left", maintain_order="left"
    )
