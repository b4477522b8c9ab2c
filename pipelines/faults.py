"""Faults of the machine, named in one line: a full disk, a folder jixiao may not write, Dagster's
storage unavailable. The nightly run nobody watches ends with that line and an exit status;
the traceback goes to a log file the line points to."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Fault:
    name: str
    exit_status: int
    signs: tuple[str, ...]
    """Texts of the errors that mean it (OS messages, SQLite's), as they appear in any error of
    the chain, whichever layer raised it."""
    advice: str


FAULTS = (
    Fault(
        "the disk is full",
        74,
        ("No space left on device", "database or disk is full", "Disk quota exceeded"),
        "free some space, then run again; the published warehouse is unchanged",
    ),
    Fault(
        "permission denied: jixiao may not write where it must",
        77,
        ("Read-only file system", "Permission denied", "attempt to write a readonly database"),
        "check the data folder's permissions (JIXIAO_DATA_DIR) and DAGSTER_HOME",
    ),
    Fault(
        "Dagster's storage is unavailable",
        69,
        (
            "StorageUnavailable",
            "unable to open database file",
            "disk I/O error",
            "could not connect to server",
            "Connection refused",
        ),
        "check DAGSTER_HOME and the storage its dagster.yaml names",
    ),
)


DISK_FULL, _, STORAGE_UNAVAILABLE = FAULTS
NEARLY_FULL_BYTES = 1 << 20


def _nearly_full(folder: Path) -> bool:
    """SQLite reports a full disk as a mere "disk I/O error" when it cannot even write its
    journal: the free space of the folder tells."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        return shutil.disk_usage(folder).free < NEARLY_FULL_BYTES
    except OSError:
        return False


class StorageUnavailable(RuntimeError):
    """Dagster's instance (its run, event and schedule storage) could not be opened."""


def recognize(texts: list[str], folders: tuple[Path, ...] = ()) -> Fault | None:
    """The fault that the error texts (of a whole cause chain) show, if any; any failure to
    write while a folder jixiao writes to is full is the full disk."""
    joined = "\n".join(texts)
    found = next((f for f in FAULTS if any(sign in joined for sign in f.signs)), None)
    if found in (None, STORAGE_UNAVAILABLE) and any(_nearly_full(folder) for folder in folders):
        return DISK_FULL
    return found


def chain(error: BaseException) -> list[str]:
    """The class and message of an exception and of everything that caused it."""
    texts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        texts.append(f"{type(current).__name__}: {current}")
        current = current.__cause__ or current.__context__
    return texts


def keep_log(data_dir: Path, text: str) -> Path:
    """The full report, kept where it can be written: the data folder's `logs/`, else the
    system's temporary folder (the data folder may be the very thing that is full)."""
    name = f"jixiao-run-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}.log"
    for folder in (data_dir / "logs", Path(tempfile.gettempdir())):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / name
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return Path(os.devnull)
