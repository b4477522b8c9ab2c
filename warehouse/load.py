"""Silver → gold: an incremental load into a staging copy of the warehouse, then one atomic swap.

Why a staging file: DuckDB allows one writer and, while it writes, no reader from another
process. Planners must never be blocked or see half a load, so the writer never opens the
published file: it copies it (a sequential file copy), applies only what is new to the copy,
verifies the invariants, and `os.replace`s it over the published one. Open readers keep the old
file until they reconnect; a run killed at any point leaves the published file untouched.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from assets.lake import Lake, Sources, select_sql
from assets.silver import store as silver
from expectations.catalogue import CATALOGUE_PATH, empty_findings
from warehouse import DDL_DIR, LOAD_DIR, VIEWS_DIR, rule_sql, sql_files
from warehouse.review import REVIEW_DIR, REVIEW_READS, publish_catalogue, review

PUBLISHED_TABLES = (
    "dq_table",
    "dim_year",
    "dim_unit",
    "dim_project",
    "dim_indicator",
    "fact_project_budget",
    "fact_indicator_target",
    "dq_issue",
    "dq_file",
    "dq_rule",
    "review_finding",
    "mart_target_review",
    "warehouse_build",
)


@dataclass(frozen=True)
class StagedLoad:
    """A staging warehouse built from the published one plus what is new."""

    staging_path: Path
    changed: bool
    new_versions: int
    row_counts: dict[str, int] = field(default_factory=dict)
    loaded_sha256s: tuple[str, ...] = ()
    ingested_at: datetime | None = None
    review_seconds: float = 0.0
    # the review's seconds per step (`REVIEW_STEPS`): where its time goes
    review_steps: dict[str, float] = field(default_factory=dict)


# The loader's DuckDB memory: beyond it DuckDB spills to the data folder. Measured on the
# 100k-table corpus, 768 MB keeps the whole run's peak near 1.3 GB (4 GB: 1.5 GB) at the same
# speed (staging 9.2 s against 9.0 s); 512 MB costs 20 % more time.
DUCKDB_MEMORY = "768MB"


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A connection with explicit limits: the nightly run shares a small machine."""
    config = {"threads": os.environ.get("JIXIAO_DUCKDB_THREADS", "2")}
    if not read_only:
        config |= {
            "memory_limit": os.environ.get("JIXIAO_DUCKDB_MEMORY", DUCKDB_MEMORY),
            "temp_directory": str(path.parent / ".duckdb_tmp"),
            # memory DuckDB frees goes back to the system while the run goes on, not when
            # the connection closes: the review's frames take it over (peak RSS)
            "allocator_background_threads": True,
        }
    return duckdb.connect(str(path), read_only=read_only, config=config)


def run_sql_folder(con: duckdb.DuckDBPyConnection, folder: Path) -> None:
    for path in sql_files(folder):
        con.execute(path.read_text(encoding="utf-8"))


def create_schema(con: duckdb.DuckDBPyConnection) -> None:
    run_sql_folder(con, DDL_DIR)
    run_sql_folder(con, VIEWS_DIR)


def _drop_working_tables(con: duckdb.DuckDBPyConnection, keep: tuple[str, ...]) -> None:
    """Free the load's temp tables once the facts are written (the incoming budget rows and
    dimensions, the rules' rows): the review that follows needs the room."""
    names = con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE temporary AND NOT list_contains(?, "
        "table_name)",
        [list(keep)],
    ).fetchall()
    for (name,) in names:
        con.execute(f"DROP TABLE {name}")


def _step(con: duckdb.DuckDBPyConnection, name: str) -> None:
    con.execute((LOAD_DIR / f"{name}.sql").read_text(encoding="utf-8"))


def _rule(con: duckdb.DuckDBPyConnection, rule_id: str) -> None:
    """A SQL rule's offending rows, kept for the load steps that record them."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE rule_{rule_id.lower()} AS {rule_sql(rule_id)}")


def stage(lake: Lake, inventory: pl.DataFrame) -> StagedLoad:
    """Build the next warehouse in a staging file; the published one is only read (copied).

    Only file versions whose assessment is complete take part: a file that changed or vanished
    between the scan and the parse has no silver yet, and is left for the next run (as if it
    had not arrived).
    """
    inventory = inventory.filter(pl.col("sha256").is_in(lake.quality.done_versions()))
    published, staging = lake.warehouse, lake.staging_warehouse
    for leftover in (staging, staging.with_suffix(".duckdb.wal")):
        leftover.unlink(missing_ok=True)
    published.parent.mkdir(parents=True, exist_ok=True)
    fingerprint = build_fingerprint()
    upgraded = True
    if published.exists():
        current, has_new_versions = _published_state(published, inventory, fingerprint)
        upgraded = not current
        if current and not has_new_versions:
            return StagedLoad(staging, False, 0, published_counts(published))
        shutil.copyfile(published, staging)
    con = connect(staging)
    try:
        if upgraded:  # a file built with this DDL and these views already has them
            create_schema(con)
        con.register("landing", inventory.to_arrow())
        _step(con, "versions")  # which versions are new, superseded, duplicates
        new_versions = con.execute("SELECT count(*) FROM new_version").fetchall()[0][0]
        to_load = _column(con, "SELECT source_sha256 FROM to_load")
        _stage(con, "new_budget", lake.silver.sources(to_load, "project_budget"))
        _stage(con, "new_findings", lake.quality.sources(to_load, "findings"), materialize=True)
        con.register("file_encoding", _encodings(lake, to_load).to_arrow())
        ingested_at = datetime.now(UTC).replace(tzinfo=None)
        con.execute(
            "CREATE OR REPLACE TEMP TABLE run_info AS SELECT ?::TIMESTAMP AS ingested_at",
            [ingested_at],
        )
        _step(con, "supersede")  # a corrected file's earlier version leaves
        _step(con, "winners")  # each touched project-year's newest passing delivery
        _rule(con, "W108")
        arriving = _column(con, "SELECT DISTINCT source_sha256 FROM arriving")
        _stage(con, "arriving_budget", lake.silver.sources(arriving, "project_budget"))
        _stage(con, "silver_targets", lake.silver.sources(arriving, "indicator_target"))
        for name in ("incoming", "dimensions", "facts", "quality"):
            _step(con, name)
        _drop_working_tables(con, keep=REVIEW_READS)
        reviewing = time.perf_counter()
        publish_catalogue(con)
        review_steps = review(con, lake.silver, everything=upgraded)
        review_seconds = time.perf_counter() - reviewing
        con.execute("DELETE FROM warehouse_build")
        con.execute("INSERT INTO warehouse_build VALUES (?, ?)", [fingerprint, ingested_at])
        counts = _counts(con)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    published_versions = tuple(sorted(set(to_load) | set(arriving)))
    return StagedLoad(
        staging,
        True,
        new_versions,
        counts,
        published_versions,
        ingested_at,
        review_seconds,
        review_steps,
    )


def build_fingerprint() -> str:
    """What a warehouse file is built with besides its data: DDL, views, the review's checks
    (Polars and SQL) and lists, the rule catalogue. A file built with other ones is upgraded
    by the next run (new tables and columns, views replaced, every project reviewed again),
    new data or not."""
    digest = hashlib.sha256()
    for path in [
        *sql_files(DDL_DIR),
        *sql_files(VIEWS_DIR),
        *sorted(REVIEW_DIR.iterdir()),
        CATALOGUE_PATH,
    ]:
        if path.suffix in {".sql", ".csv", ".py"}:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def is_current(lake: Lake, inventory: pl.DataFrame) -> bool:
    """The published warehouse holds every version of the landing inventory and was built by
    this schema and these rules: a load would change nothing."""
    published = lake.warehouse
    if not published.exists():
        return False
    current, has_new_versions = _published_state(published, inventory, build_fingerprint())
    return current and not has_new_versions


def _published_state(
    warehouse_path: Path, inventory: pl.DataFrame, fingerprint: str
) -> tuple[bool, bool]:
    """Whether the published file was built with `fingerprint`, and (for such a file only: an
    older one may lack what the version logic reads) whether the landing inventory holds
    versions it lacks. One read-only connection, the version logic in temp tables: a quiet
    night copies nothing and opens the file once."""
    con = connect(warehouse_path, read_only=True)
    try:
        built = con.execute(
            "SELECT 1 FROM duckdb_tables() WHERE table_name = 'warehouse_build'"
        ).fetchall()
        rows = con.execute("SELECT fingerprint FROM warehouse_build").fetchall() if built else []
        if not rows or rows[0][0] != fingerprint:
            return False, True
        con.register("landing", inventory.to_arrow())
        _step(con, "versions")
        return True, con.execute("SELECT count(*) FROM new_version").fetchall()[0][0] > 0
    finally:
        con.close()


def _column(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    return [row[0] for row in con.execute(sql).fetchall()]


TEMPLATES = {
    "new_budget": lambda: silver.empty().project_budget,
    "arriving_budget": lambda: silver.empty().project_budget,
    "silver_targets": lambda: silver.empty().indicator_target,
    "new_findings": empty_findings,
}


def _stage(
    con: duckdb.DuckDBPyConnection, name: str, found: Sources, materialize: bool = False
) -> None:
    """A temp view (or table, for small data read often) over the Parquet files of some file
    versions: DuckDB reads them in parallel, only the columns each load step needs, with no
    copy through Python."""
    if not found:
        con.register(f"{name}_empty", TEMPLATES[name]().to_arrow())
        con.execute(f"CREATE OR REPLACE TEMP VIEW {name} AS SELECT * FROM {name}_empty")
        return
    kind = "TABLE" if materialize else "VIEW"
    con.execute(f"CREATE OR REPLACE TEMP {kind} {name} AS {select_sql(found)}")


def publish(staged: StagedLoad, warehouse_path: Path) -> None:
    """The one step planners can observe: an atomic rename over the published file."""
    if not staged.changed:
        return
    with open(staged.staging_path, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(staged.staging_path, warehouse_path)


def discard(staged: StagedLoad) -> None:
    staged.staging_path.unlink(missing_ok=True)


def published_counts(warehouse_path: Path) -> dict[str, int]:
    if not warehouse_path.exists():
        return {}
    con = connect(warehouse_path, read_only=True)
    try:
        return _counts(con)
    finally:
        con.close()


def _counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in PUBLISHED_TABLES}


def _encodings(lake: Lake, sha256s: list[str]) -> pl.DataFrame:
    """Each version's encoding, as recorded by the parser and carried forward to quality."""
    rows = [(s, meta["encoding"]) for s, meta in lake.quality.metas(sha256s).items()]
    return pl.DataFrame(rows, schema=["source_sha256", "encoding"], orient="row")
