"""The warehouse's SQL: DDL, load steps, views and the planners' named queries, as files."""

from pathlib import Path

WAREHOUSE_DIR = Path(__file__).parent
DDL_DIR = WAREHOUSE_DIR / "ddl"
LOAD_DIR = WAREHOUSE_DIR / "load"
VIEWS_DIR = WAREHOUSE_DIR / "views"
QUERIES_DIR = WAREHOUSE_DIR / "queries"


def sql_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.sql"))
