"""A fingerprint of a warehouse's contents: rows and an order-free hash per table.

Two warehouses built from the same landing folder, in-process or on a cluster, one run or one
partition at a time, must hold the same rows; the moments jixiao did something (loaded,
detected, reviewed, built) are all that may differ, so those columns are left out.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

# When jixiao acted, not what it found: the only columns two equal builds may differ in.
MOMENT_COLUMNS = frozenset({"ingested_at", "detected_at", "reviewed_at", "built_at"})


def digest(path: Path) -> dict[str, tuple[int, int]]:
    """Every table of the warehouse: (rows, sum of the rows' hashes), moment columns left out.
    A sum rather than a xor, so that a duplicated row changes the digest."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        columns: dict[str, list[str]] = {}
        for table, column in con.execute(
            "SELECT table_name, column_name FROM duckdb_columns() "
            "WHERE schema_name = 'main' AND NOT internal ORDER BY table_name, column_index"
        ).fetchall():
            if column not in MOMENT_COLUMNS:
                columns.setdefault(table, []).append(f'"{column}"')
        tables = {
            name
            for (name,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main'"
            ).fetchall()
        }
        found = {}
        for table in sorted(tables):
            rows, total = con.execute(
                f"SELECT count(*), coalesce(sum(hash(row({', '.join(columns[table])}))::HUGEINT), 0) "
                f'FROM "{table}"'
            ).fetchone()
            found[table] = (int(rows), int(total))
        return found
    finally:
        con.close()
