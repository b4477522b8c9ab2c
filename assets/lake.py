"""The lake: where every layer keeps its Parquet, and the one store interface they all share.

Each layer (bronze, silver, quality findings) writes its rows per *batch* of file versions —
hundreds of small files cost more to write and to read than their rows — and one marker per
file version (content sha256), written last, that names the files holding that version's rows
and carries what the next layer needs to know of it (encoding, line count, years). A version
is done in a layer when its marker exists. Readers take from each file only the versions whose
marker names that file: a batch interrupted between two marker writes and redone with other
members leaves stale rows in its first file, and those must never be read twice.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

Sources = dict[str, list[str]]
"""Parquet file → the file versions (sha256) to read from it."""

MARKERS = "_index"
NO_YEAR = 0
"""The partition of rows whose year could not be read (E001 keeps them out of the facts)."""


def _temporary(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")


def write_atomic(frame: pl.DataFrame, path: Path, statistics: bool = True) -> None:
    """`statistics=False` for files that are only ever read whole: column statistics cost a
    third of the time it takes to write a small file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path)
    frame.write_parquet(temporary, compression="zstd", statistics=statistics)
    os.replace(temporary, path)


def write_text_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path)
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def batch_name(sha256s: Iterable[str]) -> str:
    """A batch's files are named by the set of contents they hold: deterministic, and a batch
    redone after a crash (with other members) never overwrites a file that a marker points to."""
    return hashlib.sha256("\n".join(sorted(sha256s)).encode()).hexdigest()


def group_sources(pairs: Iterable[tuple[str, str]]) -> Sources:
    """(file, sha256) pairs grouped by file, in a stable order."""
    grouped: Sources = {}
    for path, sha256 in sorted(set(pairs)):
        grouped.setdefault(path, []).append(sha256)
    return grouped


def read_sources(found: Sources, columns: Iterable[str] | None = None) -> pl.DataFrame | None:
    """The rows of each file that belong to the versions it is listed for (None: no file);
    only `columns` (those of them a file has) when given."""
    if not found:
        return None
    parts = []
    for path, sha256s in found.items():
        scan = pl.scan_parquet(path).filter(pl.col("source_sha256").is_in(sha256s))
        if columns is not None:
            present = scan.collect_schema()
            scan = scan.select([c for c in columns if c in present])
        parts.append(scan)
    return pl.concat(parts, how="diagonal_relaxed").collect()


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def select_sql(found: Sources) -> str:
    """The same rows as `read_sources`, as one DuckDB SELECT: one parallel scan of all the
    files, kept by a semi-join on (file, version) — twice as fast as a union of one filtered
    scan per file."""
    if not found:
        return "SELECT NULL AS source_sha256 WHERE false"
    files = ", ".join(_quoted(path) for path in found)
    pairs = ", ".join(
        f"({_quoted(path)}, {_quoted(sha256)})"
        for path, sha256s in found.items()
        for sha256 in sha256s
    )
    return (
        f"SELECT r.* EXCLUDE (filename) "
        f"FROM read_parquet([{files}], filename = true, union_by_name = true) AS r "
        f"SEMI JOIN (VALUES {pairs}) AS wanted (path, sha256) "
        f"ON r.filename = wanted.path AND r.source_sha256 = wanted.sha256"
    )


MARKER_CACHE_SIZE = 20_000
_markers: OrderedDict[Path, tuple[tuple[int, int, int], dict[str, Any]]] = OrderedDict()
_markers_lock = threading.Lock()


def _identity(path: Path) -> tuple[int, int, int]:
    """What tells one marker file from the one it replaced."""
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _remember(path: Path, marker: dict[str, Any]) -> None:
    identity = _identity(path)
    with _markers_lock:
        _markers[path] = (identity, marker)
        _markers.move_to_end(path)
        while len(_markers) > MARKER_CACHE_SIZE:
            _markers.popitem(last=False)


def read_marker(path: Path) -> dict[str, Any]:
    """A marker's content (shared: never modify it), parsed once per process while the file is
    the same one. A run reads each version's marker once per entity and per step; a marker is
    replaced whole (a new inode, time and often size), never edited, so a stat tells that a
    remembered one still holds. Only the latest markers are kept: a worker's memory stays
    bounded."""
    identity = _identity(path)
    with _markers_lock:
        remembered = _markers.get(path)
        if remembered is not None and remembered[0] == identity:
            _markers.move_to_end(path)
            return remembered[1]
    marker = json.loads(path.read_text(encoding="utf-8"))
    _remember(path, marker)
    return marker


@dataclass(frozen=True)
class Store:
    """One layer's Parquet: a file per entity (and year, where partitioned) per batch, and a
    marker per file version. The same few verbs at every layer: exists, done_versions, meta,
    sources, read, write."""

    root: Path
    entities: tuple[str, ...]
    by_year: tuple[str, ...] = ()
    statistics: bool = True

    def path(self, entity: str, batch: str, year: int = NO_YEAR) -> Path:
        folder = self.root / entity
        if entity in self.by_year:
            folder = folder / f"year={year}"
        return folder / f"{batch}.parquet"

    def marker_path(self, sha256: str) -> Path:
        return self.root / MARKERS / sha256

    def exists(self, sha256: str) -> bool:
        return self.marker_path(sha256).exists()

    def done_versions(self) -> list[str]:
        """Every file version whose marker is written (temporary files start with a dot)."""
        folder = self.root / MARKERS
        if not folder.exists():
            return []
        return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))

    def latest_versions(self, count: int = 1) -> list[str]:
        """The versions written last (by their markers' times): what "the latest data" of the
        layer means when a run added nothing."""
        folder = self.root / MARKERS
        if not folder.exists():
            return []
        markers = [p for p in folder.iterdir() if not p.name.startswith(".")]
        markers.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
        return [p.name for p in markers[:count]]

    def _marker(self, sha256: str) -> dict[str, Any]:
        return read_marker(self.marker_path(sha256))

    def meta(self, sha256: str) -> dict[str, Any]:
        """What this layer recorded of a version for the next one (encoding, lines, years…)."""
        return self._marker(sha256)["meta"]

    def sources(self, sha256s: Iterable[str], entity: str) -> Sources:
        """The files holding some versions' rows of one entity, each with the versions to read
        from it (read them with `read_sources` or `select_sql`)."""
        return group_sources(
            (str(self.root / name), sha256)
            for sha256 in sha256s
            for name in self._marker(sha256)["files"][entity]
        )

    def read(
        self, sha256s: Iterable[str], entity: str, columns: Iterable[str] | None = None
    ) -> pl.DataFrame | None:
        return read_sources(self.sources(sha256s, entity), columns)

    def write(self, frames: Mapping[str, pl.DataFrame], meta: Mapping[str, dict]) -> None:
        """Write a batch: `frames` per entity (rows carry `source_sha256`), `meta` per version of
        the batch (versions without rows count too). Markers go last, one per version."""
        batch = batch_name(meta)
        files: dict[str, dict[str, list[str]]] = {
            sha256: {entity: [] for entity in self.entities} for sha256 in meta
        }
        for entity in self.entities:
            frame = frames[entity]
            parts = (
                frame.partition_by("year", as_dict=True)
                if entity in self.by_year
                else {(NO_YEAR,): frame}
            )
            for (year,), part in parts.items():
                if part.height == 0:
                    continue
                path = self.path(entity, batch, NO_YEAR if year is None else int(year))
                write_atomic(part, path, self.statistics)
                relative = str(path.relative_to(self.root))
                for sha256 in part["source_sha256"].unique().to_list():
                    files[sha256][entity].append(relative)
        for sha256, recorded in meta.items():
            text = json.dumps({"files": files[sha256], "meta": recorded}, ensure_ascii=False)
            path = self.marker_path(sha256)
            write_text_atomic(path, text)
            _remember(path, json.loads(text))  # as a reader sees it (tuples are lists)


@dataclass(frozen=True)
class Lake:
    """Every path of every layer, under the data folder: the landing index, the three stores
    (`lake/bronze`, `lake/silver`, `lake/quality`), the published warehouse and its staging
    copy, the Data Docs and the review report."""

    data_dir: Path

    @property
    def root(self) -> Path:
        return self.data_dir / "lake"

    @property
    def bronze(self) -> Store:
        """Parsed as read; only ever read whole, by the normalizer."""
        return Store(self.root / "bronze", ("tables", "indicators", "findings"), statistics=False)

    @property
    def landing_index(self) -> Path:
        return self.root / "landing_index.parquet"

    @property
    def silver(self) -> Store:
        """Normalized rows by year, and the parser's findings carried forward to quality."""
        return Store(
            self.root / "silver",
            ("project_budget", "indicator_target", "parse_findings"),
            by_year=("project_budget", "indicator_target"),
        )

    @property
    def warehouse(self) -> Path:
        return self.data_dir / "warehouse.duckdb"

    @property
    def quality(self) -> Store:
        """Every finding of a version, with what the warehouse records of its file."""
        return Store(self.root / "quality", ("findings",))

    @property
    def staging_warehouse(self) -> Path:
        """The next warehouse is built here and swapped in whole."""
        return self.data_dir / ".warehouse.staging.duckdb"

    @property
    def data_docs(self) -> Path:
        return self.data_dir / "gx_docs"

    @property
    def review_report(self) -> Path:
        """The nightly target-review report: an index and a page per unit-year."""
        return self.data_dir / "reports" / "target_review"
