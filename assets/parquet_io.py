"""Parquet in the lake: atomic writes, and exact reads of files shared by many file versions.

Silver and findings are written per batch of file versions; each version's marker names the
files that hold its rows. Readers take from each file only the versions whose marker names that
file: a batch interrupted between two marker writes and redone with other members leaves stale
rows in its first file, and those must never be read twice.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from pathlib import Path

import polars as pl

Sources = dict[str, list[str]]
"""Parquet file → the file versions (sha256) to read from it."""


def write_atomic(frame: pl.DataFrame, path: Path, statistics: bool = True) -> None:
    """`statistics=False` for files that are only ever read whole: column statistics cost a
    third of the time it takes to write a small file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    frame.write_parquet(temporary, compression="zstd", statistics=statistics)
    os.replace(temporary, path)


def touch_atomic(path: Path, text: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def marked(folder: Path) -> list[str]:
    """The file versions that have a marker in `folder` (temporary files of an interrupted
    write start with a dot: not markers)."""
    if not folder.exists():
        return []
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))


def sources(pairs: Iterable[tuple[str, str]]) -> Sources:
    """(file, sha256) pairs grouped by file, in a stable order."""
    grouped: Sources = {}
    for path, sha256 in sorted(set(pairs)):
        grouped.setdefault(path, []).append(sha256)
    return grouped


def read_sources(found: Sources, columns: Iterable[str] | None = None) -> pl.DataFrame | None:
    """The rows of each file that belong to the versions it is listed for (None: no file);
    only `columns` (those of them a file has, the others null) when given."""
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
