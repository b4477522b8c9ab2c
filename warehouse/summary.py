"""The run summary the contract promises: files seen / loaded / quarantined, projects,
indicator rows, quality errors and warnings — read back from what was published."""

from __future__ import annotations

import polars as pl

from assets.settings import Settings
from warehouse.query import answer

SUMMARY_SQL = """
SELECT
    (SELECT count(*) FROM dq_file) AS file_versions,
    (SELECT count(*) FROM dq_file WHERE status = 'loaded') AS loaded,
    (SELECT count(*) FROM dq_file WHERE status = 'partial') AS partial,
    (SELECT count(*) FROM dq_file WHERE status = 'quarantined') AS quarantined,
    (SELECT count(*) FROM dq_file WHERE status = 'duplicate') AS duplicates,
    (SELECT count(*) FROM dq_file WHERE status = 'superseded') AS superseded,
    (SELECT count(*) FROM fact_project_budget) AS project_years,
    (SELECT count(DISTINCT project_key) FROM fact_project_budget) AS projects,
    (SELECT count(*) FROM fact_indicator_target) AS indicator_rows,
    (SELECT coalesce(sum(total_yuan), 0) FROM fact_project_budget) AS total_yuan,
    (SELECT count(*) FROM dq_issue WHERE severity = 'error') AS errors,
    (SELECT count(*) FROM dq_issue WHERE severity = 'warning') AS warnings,
    (SELECT max(ingested_at) FROM dq_file) AS last_ingested_at,
    (SELECT count(*) FROM mart_target_review) AS reviewed,
    (SELECT count(*) FROM v_review_findings) AS review_findings,
    (SELECT string_agg(grade || ' ' || projects, ', ' ORDER BY grade) FROM (
        SELECT grade, count(*) AS projects FROM mart_target_review GROUP BY grade
    )) AS grades,
    (SELECT string_agg(layout || ' ' || tables, ', ' ORDER BY layout) FROM (
        SELECT layout, count(*) AS tables FROM dq_table GROUP BY layout
    )) AS layouts
"""


def summary(settings: Settings) -> dict[str, object]:
    if not settings.warehouse_path.exists():
        return {}
    return answer(settings.warehouse_path, SUMMARY_SQL).row(0, named=True)


def print_summary(settings: Settings, elapsed: float, new_versions: int) -> None:
    # The run's own inventory: listing the folder again could disagree with what was run.
    index = settings.lake.landing_index
    seen = pl.read_parquet(index).height if index.exists() else 0
    s = summary(settings)
    if not s:
        print(f"jixiao: {seen} file(s) seen, nothing loaded ({elapsed:.1f}s)")
        return
    news = f"{new_versions} new file version(s) loaded" if new_versions else "nothing new"
    print(
        f"jixiao: run completed in {elapsed:.1f}s: {news}\n"
        f"  files seen         {seen}\n"
        f"  file versions      {s['file_versions']}: {s['loaded']} loaded, {s['partial']} partial, "
        f"{s['quarantined']} quarantined, {s['duplicates']} duplicate, {s['superseded']} superseded\n"
        f"  projects           {s['projects']} ({s['project_years']} project-years, "
        f"{s['total_yuan']:,} yuan)\n"
        f"  indicator rows     {s['indicator_rows']}\n"
        f"  table layouts      {s['layouts'] or 'none'}\n"
        f"  quality findings   {s['errors']} error(s), {s['warnings']} warning(s)\n"
        f"  warehouse          {settings.warehouse_path}\n"
        f"  target review      {s['reviewed']} project-year(s) scored, "
        f"{s['review_findings']} item(s) flagged, grades {s['grades'] or 'none'}\n"
        f"  data docs          {settings.data_docs_dir / 'index.html'}\n"
        f"  review report      {settings.review_report_dir / 'index.html'}"
    )
