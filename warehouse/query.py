"""The planner's entry point: SQL against the published warehouse that can only read it.

A read-only DuckDB connection still reads and writes other files (`COPY … TO`, `read_text`,
`ATTACH`): the planner's connection turns external access off and then locks its configuration,
so no statement can turn it back on. Answers are capped in rows and in time, with a message that
says which limit stopped them.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pyarrow as pa

DEFAULT_MAX_ROWS = 100_000
DEFAULT_TIMEOUT_SECONDS = 60.0
# A planner's query shares the machine with the nightly run.
PLANNER_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "memory_limit": "2GB",
    "threads": 2,
}
# Two decimals where they are exact; more only where the value needs them (1.430000 → 1.43).
SURPLUS_ZEROS = r"(\.\d\d\d*?)0+$"


class QueryRefused(RuntimeError):
    """The planner's query hit one of the limits of the read-only surface."""


@dataclass(frozen=True)
class Answer:
    frame: pl.DataFrame
    truncated: bool


def planner_connection(warehouse_path: Path) -> duckdb.DuckDBPyConnection:
    """Read-only, no access outside the warehouse file, configuration locked."""
    con = duckdb.connect(str(warehouse_path), read_only=True, config=PLANNER_CONFIG)
    con.execute("SET lock_configuration = true")
    return con


def ask(
    warehouse_path: Path,
    sql: str,
    max_rows: int = DEFAULT_MAX_ROWS,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
) -> Answer:
    """Run one planner query: at most `max_rows` rows come back, and a query still running
    after `timeout_seconds` is interrupted (QueryRefused says so)."""
    con = planner_connection(warehouse_path)
    timer = threading.Timer(timeout_seconds, con.interrupt)
    timer.start()
    try:
        relation = con.sql(sql)
        if relation is None:  # a statement with no answer (e.g. PRAGMA, SET … refused)
            return Answer(pl.DataFrame(), truncated=False)
        reader = relation.to_arrow_reader(min(max_rows + 1, 65_536))
        batches, rows = [], 0
        for batch in reader:
            batches.append(batch)
            rows += batch.num_rows
            if rows > max_rows:
                break
        table = pa.Table.from_batches(batches, schema=reader.schema)
    except duckdb.InterruptException as error:
        raise QueryRefused(
            f"the query ran longer than {timeout_seconds:g} s and was stopped "
            "(narrow it, or raise --timeout)"
        ) from error
    finally:
        timer.cancel()
        con.close()
    frame = pl.from_arrow(table)
    assert isinstance(frame, pl.DataFrame)
    return Answer(frame.head(max_rows), truncated=frame.height > max_rows)


@contextmanager
def reading(warehouse_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection for the queries the project itself asks, several on one
    connection where they go together (opening the file costs 20–50 ms)."""
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        yield con
    finally:
        con.close()


def answer(warehouse_path: Path, sql: str) -> pl.DataFrame:
    """The whole answer of a query the project itself asks (summary, sensor, tests)."""
    with reading(warehouse_path) as con:
        return con.sql(sql).pl()


def readable(frame: pl.DataFrame) -> pl.DataFrame:
    """Decimals without surplus zeros (万元 as 1.43, not 1.430000); the value is unchanged."""
    return frame.with_columns(pl.col(pl.Decimal).cast(pl.String).str.replace(SURPLUS_ZEROS, "${1}"))


def run_query(
    warehouse_path: Path,
    sql: str,
    as_csv: bool,
    xlsx: str | None,
    max_rows: int = DEFAULT_MAX_ROWS,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
) -> int:
    if not warehouse_path.exists():
        print(
            f"jixiao query: no warehouse at {warehouse_path}; run `make run` first", file=sys.stderr
        )
        return 2
    try:
        result = ask(warehouse_path, sql, max_rows, timeout_seconds)
    except QueryRefused as refused:
        print(f"jixiao query: {refused}", file=sys.stderr)
        return 124
    except duckdb.Error as error:
        print(f"jixiao query: {error}", file=sys.stderr)
        return 1
    frame = result.frame
    if xlsx:
        frame.write_excel(xlsx, autofit=True)
        print(f"wrote {frame.height} row(s) to {xlsx}", file=sys.stderr)
    if as_csv:
        sys.stdout.write(readable(frame).write_csv())
    else:
        with pl.Config(
            tbl_rows=200,
            tbl_cols=-1,
            fmt_str_lengths=60,
            tbl_width_chars=200,
            tbl_hide_dataframe_shape=True,
            tbl_hide_column_data_types=True,
        ):
            print(readable(frame))
        print(f"({frame.height} row{'s' if frame.height != 1 else ''})")
    sys.stdout.flush()
    if result.truncated:
        print(
            f"jixiao query: stopped at {max_rows:,} rows (the row cap); add a LIMIT or raise "
            "--max-rows",
            file=sys.stderr,
        )
        return 3
    return 0
