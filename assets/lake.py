"""The lake: where every layer keeps its Parquet, and the one store interface they all share.

Each layer (bronze, silver, quality findings) writes its rows per *batch* of file versions —
hundreds of small files cost more to write and to read than their rows — and then, last, one
index per batch (`_index/<batch>.batch`) that names, for every version of the batch, the files
holding its rows and what the next layer needs to know of it (encoding, line count, years). A
version is done in a layer when an index names it; a batch is done whole or not at all (a crash
before its index leaves every member to be redone). Readers take from each file only the
versions the index names for that file, and a version two indexes name (a batch redone by
another run) is read from the newer one: its rows are never read twice. One index per batch, not
one marker per version: on this machine's disk a small file costs 0.2–1.5 ms to create, which
made a landing folder of many small files slower than one of few large ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

Sources = dict[str, list[str]]
"""Parquet file → the file versions (sha256) to read from it."""

INDEX_FOLDER = "_index"
INDEX_SUFFIX = ".batch"
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
    write_bytes_atomic(path, text.encode("utf-8"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = _temporary(path)
    temporary.write_bytes(data)
    os.replace(temporary, path)


def by_year(frame: pl.DataFrame) -> dict[tuple[Any, ...], pl.DataFrame]:
    """The frame's rows per year, in their order. A batch's files mostly come year by year, so
    each year is usually one run of rows: then the parts are slices, not copies (copying a
    batch's silver apart cost a quarter of writing it)."""
    runs = frame.select(pl.col("year").rle()).unnest("year")
    if runs["value"].is_duplicated().any():
        return frame.partition_by("year", as_dict=True)
    starts = runs["len"].cum_sum() - runs["len"]
    return {
        (year,): frame.slice(start, length)
        for year, start, length in zip(runs["value"], starts, runs["len"], strict=True)
    }


def batch_name(sha256s: Iterable[str]) -> str:
    """A batch's files are named by the set of contents they hold: deterministic, and a batch
    redone after a crash (with other members) never overwrites a file that an index names."""
    return hashlib.sha256("\n".join(sorted(sha256s)).encode()).hexdigest()


def group_sources(pairs: Iterable[tuple[str, str]]) -> Sources:
    """(file, sha256) pairs grouped by file, in a stable order."""
    grouped: Sources = {}
    for path, sha256 in sorted(set(pairs)):
        grouped.setdefault(path, []).append(sha256)
    return grouped


def read_sources(
    found: Sources, columns: Iterable[str] | None = None, whole: AbstractSet[str] = frozenset()
) -> pl.DataFrame | None:
    """The rows of each file that belong to the versions it is listed for (None: no file);
    only `columns` (those of them a file has) when given. The files in `whole` hold no other
    versions' rows: they are read without telling rows apart by version."""
    if not found:
        return None
    parts = []
    for path, sha256s in found.items():
        scan = pl.scan_parquet(path)
        if path not in whole:
            scan = scan.filter(pl.col("source_sha256").is_in(sha256s))
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


INDEX_CACHE_SIZE = 20_000
_indexes: OrderedDict[Path, tuple[tuple[int, int, int], dict[str, Any]]] = OrderedDict()
_indexes_lock = threading.Lock()
# Per layer root: the stamp of each index (time, name, inode, size) when last merged, and the
# merged versions.
_merged: dict[Path, tuple[tuple[tuple[int, str, int, int], ...], dict[str, dict[str, Any]]]] = {}


def _identity(path: Path) -> tuple[int, int, int]:
    """What tells one index file from the one it replaced."""
    stat = path.stat()
    return stat.st_ino, stat.st_mtime_ns, stat.st_size


def _remember(path: Path, index: dict[str, Any]) -> None:
    identity = _identity(path)
    with _indexes_lock:
        _indexes[path] = (identity, index)
        _indexes.move_to_end(path)
        while len(_indexes) > INDEX_CACHE_SIZE:
            _indexes.popitem(last=False)


def read_index(path: Path) -> dict[str, Any]:
    """A batch index's content (shared: never modify it), parsed once per process while the file
    is the same one. A run consults the indexes once per entity and per step; an index is
    replaced whole (a new inode, time and often size), never edited, so a stat tells that a
    remembered one still holds. Only the latest indexes are kept: a worker's memory stays
    bounded."""
    identity = _identity(path)
    with _indexes_lock:
        remembered = _indexes.get(path)
        if remembered is not None and remembered[0] == identity:
            _indexes.move_to_end(path)
            return remembered[1]
    index = json.loads(path.read_text(encoding="utf-8"))
    _remember(path, index)
    return index


@dataclass(frozen=True)
class Store:
    """One layer's Parquet: a file per entity (and year, where partitioned) per batch, and an
    index per batch. The same few verbs at every layer: done_versions, meta, sources, read,
    write."""

    root: Path
    entities: tuple[str, ...]
    by_year: tuple[str, ...] = ()
    statistics: bool = True

    def path(self, entity: str, batch: str, year: int = NO_YEAR) -> Path:
        folder = self.root / entity
        if entity in self.by_year:
            folder = folder / f"year={year}"
        return folder / f"{batch}.parquet"

    def index_path(self, batch: str) -> Path:
        return self.root / INDEX_FOLDER / f"{batch}{INDEX_SUFFIX}"

    def _entries(self) -> list[tuple[tuple[int, str, int, int], Path]]:
        """The batch indexes, oldest first: by time, then name; with what tells a file from the
        one it replaced (inode, size). Temporary files start with a dot."""
        try:
            with os.scandir(self.root / INDEX_FOLDER) as found:
                stats = [
                    (e.stat(), e)
                    for e in found
                    if e.name.endswith(INDEX_SUFFIX) and not e.name.startswith(".")
                ]
        except FileNotFoundError:
            return []
        return sorted(
            ((stat.st_mtime_ns, entry.name, stat.st_ino, stat.st_size), Path(entry.path))
            for stat, entry in stats
        )

    def _index(self) -> dict[str, dict[str, Any]]:
        """Every version the layer holds → its record (files and meta), the newest index naming
        it winning. Merged again only when an index was added or replaced."""
        entries = self._entries()
        stamp = tuple(order for order, _ in entries)
        with _indexes_lock:
            merged = _merged.get(self.root)
        if merged is not None and merged[0] == stamp:
            return merged[1]
        versions: dict[str, dict[str, Any]] = {}
        for _, path in entries:
            versions.update(read_index(path))
        with _indexes_lock:
            _merged[self.root] = (stamp, versions)
        return versions

    def done_versions(self) -> list[str]:
        """Every file version an index names."""
        return sorted(self._index())

    def latest_versions(self, count: int = 1) -> list[str]:
        """The versions written last (by their indexes' times): what "the latest data" of the
        layer means when a run added nothing."""
        latest: list[str] = []
        for _, path in reversed(self._entries()):
            latest += [v for v in sorted(read_index(path)) if v not in latest]
            if len(latest) >= count:
                break
        return latest[:count]

    def meta(self, sha256: str) -> dict[str, Any]:
        """What this layer recorded of a version for the next one (encoding, lines, years…)."""
        return self._index()[sha256]["meta"]

    def metas(self, sha256s: Iterable[str]) -> dict[str, dict[str, Any]]:
        """`meta` of many versions, the indexes consulted once."""
        index = self._index()
        return {sha256: index[sha256]["meta"] for sha256 in sha256s}

    def sources(self, sha256s: Iterable[str], entity: str) -> Sources:
        """The files holding some versions' rows of one entity, each with the versions to read
        from it (read them with `read_sources` or `select_sql`)."""
        index, root = self._index(), str(self.root)
        return group_sources(
            (f"{root}/{name}", sha256)
            for sha256 in sha256s
            for name in index[sha256]["files"][entity]
        )

    def read(
        self, sha256s: Iterable[str], entity: str, columns: Iterable[str] | None = None
    ) -> pl.DataFrame | None:
        found = self.sources(sha256s, entity)
        return read_sources(found, columns, self.whole_files(found, entity))

    def whole_files(self, found: Sources, entity: str) -> set[str]:
        """The files of `found` read for every version whose rows their batch wrote to them: all
        their rows are wanted. (Telling rows apart by their 64-character version hash costs
        three quarters of reading a batch's silver.) A batch's index, named like its files,
        says which versions each of them holds."""
        whole, root = set(), str(self.root)
        for path, sha256s in found.items():
            try:
                written = read_index(self.index_path(Path(path).stem))
            except FileNotFoundError:
                continue
            name = os.path.relpath(path, root)
            holders = {
                sha256
                for sha256, record in written.items()
                if name in record["files"].get(entity, ())
            }
            if holders <= set(sha256s):
                whole.add(path)
        return whole

    def write(self, frames: Mapping[str, pl.DataFrame], meta: Mapping[str, dict]) -> None:
        """Write a batch: `frames` per entity (rows carry `source_sha256`), `meta` per version of
        the batch (versions without rows count too). The batch's index goes last."""
        batch = batch_name(meta)
        files: dict[str, dict[str, list[str]]] = {
            sha256: {entity: [] for entity in self.entities} for sha256 in meta
        }
        for entity in self.entities:
            frame = frames[entity]
            parts = by_year(frame) if entity in self.by_year else {(NO_YEAR,): frame}
            for (year,), part in parts.items():
                if part.height == 0:
                    continue
                path = self.path(entity, batch, NO_YEAR if year is None else int(year))
                write_atomic(part, path, self.statistics)
                relative = str(path.relative_to(self.root))
                for sha256 in part["source_sha256"].unique().to_list():
                    files[sha256][entity].append(relative)
        index = {sha256: {"files": files[sha256], "meta": meta[sha256]} for sha256 in meta}
        text = json.dumps(index, ensure_ascii=False)
        path = self.index_path(batch)
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
