"""Gold: the warehouse's SQL as files (DDL, load steps, SQL rules and invariants, views, the
planners' named queries), the staged load and atomic publish, and the planner's read path."""

from pathlib import Path

from assets.settings import REPO_ROOT
from expectations.catalogue import implementations

WAREHOUSE_DIR = Path(__file__).parent
DDL_DIR = WAREHOUSE_DIR / "ddl"
LOAD_DIR = WAREHOUSE_DIR / "load"
VIEWS_DIR = WAREHOUSE_DIR / "views"
QUERIES_DIR = WAREHOUSE_DIR / "queries"


def sql_files(folder: Path) -> list[Path]:
    """A folder's SQL in the order its file names give (DDL: `01_…` before `02_…`)."""
    return sorted(folder.glob("*.sql"))


def rule_sql(rule_id: str) -> str:
    """The one SQL file that the registry names for a rule: a SELECT of the offending rows."""
    (path,) = implementations(rule_id)
    return (REPO_ROOT / path).read_text(encoding="utf-8")
