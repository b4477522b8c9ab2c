"""The planner's entry point: read-only SQL against the published warehouse."""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb
import polars as pl


def answer(warehouse_path: Path, sql: str) -> pl.DataFrame:
    """Run one query on a read-only connection; the nightly writer never touches this file."""
    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        return con.sql(sql).pl()
    finally:
        con.close()


def run_query(warehouse_path: Path, sql: str, as_csv: bool, xlsx: str | None) -> int:
    if not warehouse_path.exists():
        print(
            f"jixiao query: no warehouse at {warehouse_path}; run `make run` first", file=sys.stderr
        )
        return 2
    try:
        frame = answer(warehouse_path, sql)
    except duckdb.Error as error:
        print(f"jixiao query: {error}", file=sys.stderr)
        return 1
    if xlsx:
        frame.write_excel(xlsx, autofit=True)
        print(f"wrote {frame.height} row(s) to {xlsx}", file=sys.stderr)
    if as_csv:
        sys.stdout.write(frame.write_csv())
    else:
        with pl.Config(
            tbl_rows=200,
            tbl_cols=-1,
            fmt_str_lengths=60,
            tbl_width_chars=200,
            tbl_hide_dataframe_shape=True,
            tbl_hide_column_data_types=True,
        ):
            print(frame)
        print(f"({frame.height} row{'s' if frame.height != 1 else ''})")
    return 0
