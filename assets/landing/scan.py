"""The landing folder as an inventory of file versions: path, size, mtime and content sha256.

Hashing is the only read of every byte; a file whose (path, size, mtime) is unchanged since the
last scan keeps its recorded hash, so a quiet night costs a `stat` per file.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import polars as pl

logger = logging.getLogger("jixiao.landing")

INVENTORY_SCHEMA: dict[str, pl.DataType] = {
    "source_file": pl.String(),
    "size": pl.Int64(),
    "mtime_ns": pl.Int64(),
    "sha256": pl.String(),
}
# Each sender delivers into a folder of its own below the landing folder; that folder names the
# partition its files belong to. Files at the top of the landing folder form one more partition.
ROOT_SENDER = "_root"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _usable_name(relative: str) -> bool:
    """Names are stored as text everywhere (Parquet, DuckDB, findings): one whose bytes are not
    UTF-8 (a GBK name copied from Windows, say) cannot be, and is skipped with a warning."""
    try:
        relative.encode("utf-8")
    except UnicodeEncodeError:
        escaped = relative.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        logger.warning("landing file skipped, its name is not UTF-8 (rename it): %s", escaped)
        return False
    return True


def list_files(landing_dir: Path) -> pl.DataFrame:
    """Every `*.txt` below the landing folder (recursively), path relative to it. A file that
    disappears while the folder is listed is simply not there."""
    rows = []
    for path in sorted(landing_dir.rglob("*.txt")) if landing_dir.exists() else []:
        relative = path.relative_to(landing_dir).as_posix()
        if not _usable_name(relative):
            continue
        try:
            if not path.is_file():
                continue
            stat = path.stat()
        except OSError:
            continue
        rows.append((relative, stat.st_size, stat.st_mtime_ns))
    return pl.DataFrame(rows, schema=list(INVENTORY_SCHEMA)[:3], orient="row").cast(
        {k: v for k, v in INVENTORY_SCHEMA.items() if k != "sha256"}
    )


def scan(landing_dir: Path, previous: pl.DataFrame | None = None) -> pl.DataFrame:
    """Inventory of the landing folder; hashes reused from `previous` where nothing changed."""
    files = list_files(landing_dir)
    if previous is not None and previous.height:
        files = files.join(
            previous.select(list(INVENTORY_SCHEMA)),
            on=["source_file", "size", "mtime_ns"],
            how="left",
        )
    else:
        files = files.with_columns(pl.lit(None, dtype=pl.String).alias("sha256"))
    missing = files.filter(pl.col("sha256").is_null())["source_file"].to_list()
    hashes = {}
    for name in missing:
        try:
            hashes[name] = sha256_of(landing_dir / name)
        except OSError:  # gone (or unreadable) since it was listed: the next scan will tell
            continue
    return (
        files.with_columns(
            pl.coalesce("sha256", pl.col("source_file").replace_strict(hashes, default=None))
        )
        .filter(pl.col("sha256").is_not_null())
        .select(list(INVENTORY_SCHEMA))
    )


def load_index(path: Path) -> pl.DataFrame | None:
    return pl.read_parquet(path) if path.exists() else None


def sender_of(source_file: pl.Expr) -> pl.Expr:
    """The sender (partition) of a landing path: its first folder, or `ROOT_SENDER`."""
    return (
        pl.when(source_file.str.contains("/", literal=True))
        .then(source_file.str.split("/").list.first())
        .otherwise(pl.lit(ROOT_SENDER))
    )


def senders(inventory: pl.DataFrame) -> list[str]:
    """The senders that have files in an inventory, sorted."""
    return inventory.select(sender_of(pl.col("source_file")).unique().sort()).to_series().to_list()


def of_senders(inventory: pl.DataFrame, wanted: list[str] | None) -> pl.DataFrame:
    """The part of an inventory that some senders delivered (all of it for `None`)."""
    if wanted is None:
        return inventory
    return inventory.filter(sender_of(pl.col("source_file")).is_in(wanted))


def save_index(inventory: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Runs of different partitions may scan at once: each writes its own temporary file.
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    inventory.write_parquet(temporary)
    temporary.replace(path)
