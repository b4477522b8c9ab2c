"""The nightly target-review report: one self-contained HTML page per unit-year, and an index.

Self-contained because it is read on intranets: the styles are inline, the charts are SVG drawn
here, the fonts are the reader's own (a CJK system font named first); nothing is fetched. Every
figure comes from the published warehouse (`v_target_review`, `v_review_findings`), and each
project row carries its figures as data attributes so that a test can check them against it.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl

from assets.lake import write_bytes_atomic, write_text_atomic
from warehouse.query import SURPLUS_ZEROS, reading

# The most bars a chart draws; the table below it lists every project.
CHART_BARS = 40
# About how many project-years' pages are drawn at a time: the pages' text is made a run at a
# time (100k project-years' 160 MB of pages drawn at once peaked near 1.1 GB).
DRAW_PROJECTS = 25_000
GRADE_COLOURS = {"A": "#2e7d32", "B": "#689f38", "C": "#f9a825", "D": "#c62828"}
STAMP = "report.json"

STYLE = """
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC",
  "Microsoft YaHei", sans-serif; margin: 24px 32px; color: #212121; background: #fafafa; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin-top: 28px; }
.sub { color: #616161; font-size: 13px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 16px 0; }
.card { background: #fff; border: 1px solid #e0e0e0; border-radius: 6px; padding: 10px 16px;
  min-width: 120px; }
.card b { display: block; font-size: 20px; }
.charts { display: flex; gap: 24px; flex-wrap: wrap; }
.chart { background: #fff; border: 1px solid #e0e0e0; border-radius: 6px; padding: 8px; }
table { border-collapse: collapse; background: #fff; font-size: 13px; width: 100%; }
th, td { border: 1px solid #e0e0e0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.grade { color: #fff; border-radius: 3px; padding: 0 6px; font-weight: bold; }
.rule { font-family: monospace; } .where { font-family: monospace; color: #455a64; }
.evidence { background: #fff8e1; }
a { color: #1565c0; }
"""


@dataclass(frozen=True)
class ReportOutcome:
    index: Path
    pages: int
    written: bool


SURPLUS = re.compile(SURPLUS_ZEROS)


def wan(yuan: Decimal | None) -> str:
    """万元 with two decimals, four where the yuan need them."""
    if yuan is None:
        return "—"
    # a function, not a template: Python parses a template again on every call
    return SURPLUS.sub(lambda kept: kept[1], f"{Decimal(yuan) / 10_000:,.4f}")


Bar = tuple[str, float, str, str]


def bar_chart(title: str, rows: list[Bar], unit: str, total: int | None = None) -> str:
    """A horizontal bar chart as inline SVG: (label, value, colour, shown value) per bar; the
    first CHART_BARS of `total` bars drawn."""
    shown = rows[:CHART_BARS]
    total = len(rows) if total is None else total
    label_width, bar_width, row_height = 230, 300, 20
    height = 30 + row_height * len(shown) + 10
    top = max((value for _, value, _, _ in shown), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_width + bar_width + 90}" '
        f'height="{height}" role="img" aria-label="{html.escape(title)}">',
        f'<text x="4" y="18" font-size="14" font-weight="bold">{html.escape(title)}</text>',
    ]
    for i, (label, value, colour, text) in enumerate(shown):
        y = 30 + i * row_height
        width = max(1.0, bar_width * value / top)
        short = label if len(label) <= 16 else label[:15] + "…"
        parts += [
            f'<text x="{label_width - 6}" y="{y + 14}" font-size="12" text-anchor="end">'
            f"<title>{html.escape(label)}</title>{html.escape(short)}</text>",
            f'<rect x="{label_width}" y="{y + 3}" width="{width:.1f}" height="{row_height - 6}" '
            f'fill="{colour}"/>',
            f'<text x="{label_width + width + 4:.1f}" y="{y + 14}" font-size="12">'
            f"{html.escape(text)}</text>",
        ]
    if total > len(shown):
        parts.append(
            f'<text x="4" y="{height - 2}" font-size="11" fill="#757575">'
            f"{len(shown)} of {total} shown ({unit})</text>"
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _page(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )


PAGE_UNSAFE = r"[^0-9A-Za-z_-]"
# A unit-year's page, for every row of a frame with unit_code and year.
PAGE = pl.format(
    "{}_{}.html", pl.col("unit_code").str.replace_all(PAGE_UNSAFE, "_"), pl.col("year")
).alias("page")


def page_name(unit_code: str, year: int) -> str:
    return f"{re.sub(PAGE_UNSAFE, '_', unit_code)}_{year}.html"


def escaped(column: str) -> pl.Expr:
    """A column as HTML text, for every row at once."""
    return (
        pl.col(column)
        .cast(pl.String)
        .fill_null("")
        .str.replace_many(["&", "<", ">", '"', "'"], ["&amp;", "&lt;", "&gt;", "&quot;", "&#x27;"])
    )


def wan_text(column: str) -> pl.Expr:
    """A 万元 column (DECIMAL(18,4)) as text: two decimals, four where the yuan need them."""
    return pl.col(column).cast(pl.String).str.replace(SURPLUS_ZEROS, "${1}").fill_null("—")


PROJECT_ROW = (
    '<tr data-project-code="{}" data-score="{}" data-total-wan-yuan="{}" data-findings="{}">'
    '<td>{}</td><td>{}</td><td class="num">{}</td><td class="num">{}</td>'
    '<td><span class="grade" style="background:{}">{}</span></td><td class="num">{}</td>'
    '<td class="rule">{}</td></tr>'
)
FINDING_ROW = (
    '<tr data-rule="{}" data-line="{}"><td class="rule" title="{}">{}</td><td>{}</td>'
    '<td class="where">{}:{}</td><td class="evidence">{}</td><td>{}</td></tr>'
)


def rows_per_page(frame: pl.DataFrame, order: list[str], row: pl.Expr, name: str) -> pl.DataFrame:
    """Per page, the table rows `row` renders for its part of `frame`, in `order`."""
    return (
        frame.sort("page", *order)
        .group_by("page", maintain_order=True)
        .agg(row.str.join("\n").alias(name), pl.len().alias(f"{name}_count"))
    )


def project_rows(reviews: pl.DataFrame) -> pl.DataFrame:
    """Per page, its projects' table rows, lowest score first."""
    code, total = escaped("project_code"), wan_text("total_wan_yuan")
    row = pl.format(
        PROJECT_ROW,
        *(code, "score", total, "findings", code, escaped("project_name"), total, "score"),
        *(pl.col("grade").replace_strict(GRADE_COLOURS), "grade", "findings"),
        escaped("flagged_rules"),
    )
    return rows_per_page(reviews, ["score", "project_code"], row, "project_rows")


def finding_rows(findings: pl.DataFrame) -> pl.DataFrame:
    """Per page, its flagged items' table rows, by project and line."""
    rule, line = escaped("rule_id"), pl.col("source_line")
    text = pl.coalesce(escaped("evidence").replace("", None), escaped("value"))
    row = pl.format(
        FINDING_ROW,
        *(rule, line, escaped("rule_title"), rule, escaped("project_name")),
        *(escaped("source_file"), line, text, escaped("message")),
    )
    # ties (two findings of one rule on one line) by what they show: the same order every time
    order = ["project_code", "source_line", "rule_id", "evidence", "value", "message"]
    return rows_per_page(findings, order, row, "finding_rows")


Charts = tuple[list[Bar], list[Bar], int]


def chart_bars(reviews: pl.DataFrame) -> dict[str, Charts]:
    """Per page, the bars of its two charts (the largest budgets, the lowest scores)."""
    budget = (
        # equal budgets by project code: the same bars every time
        reviews.sort("total_wan_yuan", "project_code", descending=[True, False], nulls_last=True)
        .group_by("page", maintain_order=True)
        .agg(pl.col("project_name", "total_wan_yuan").head(CHART_BARS), pl.len().alias("n"))
    )
    scores = (
        reviews.sort("score", "project_code")
        .group_by("page", maintain_order=True)
        .agg(pl.col("project_name", "score", "grade").head(CHART_BARS), pl.len().alias("n"))
    )
    largest = {
        page: [
            (name, float(a or 0), "#1976d2", wan(a * 10_000 if a is not None else None))
            for name, a in zip(names, amounts, strict=True)
        ]
        for page, names, amounts, _ in budget.iter_rows()
    }
    return {
        page: (
            largest[page],
            [
                (name, float(p), GRADE_COLOURS[g], f"{p} {g}")
                for name, p, g in zip(names, points, grades, strict=True)
            ],
            n,
        )
        for page, names, points, grades, n in scores.iter_rows()
    }


# Where a page's two long tables go: they arrive as UTF-8 bytes and are never decoded (a 100k-
# table report's rows are 160 MB of text that Python would decode and encode again).
PROJECT_SLOT, FINDING_SLOT = "\x00projects\x00", "\x00findings\x00"


def unit_year_page(
    unit: dict, projects: bytes, findings: bytes, flagged: int, charts: Charts, generated: str
) -> bytes:
    """One unit's projects in one year: cards, two charts, the scores and the flagged items."""
    title = f"{unit['unit_name']} · {unit['year']} 绩效目标审核 / target review"
    largest, lowest, count = charts
    budget_chart = bar_chart("预算 / budget per project (万元)", largest, "largest budgets", count)
    score_chart = bar_chart("得分 / score per project", lowest, "lowest scores", count)
    cards = "".join(
        f'<div class="card">{label}<b>{value}</b></div>'
        for label, value in (
            ("项目 / projects", unit["projects"]),
            ("预算 / budget (万元)", wan(unit["total_yuan"])),
            ("平均分 / mean score", f"{unit['mean_score']:.1f}"),
            ("审核发现 / findings", unit["findings"]),
            *(
                (f"等级 {g} / grade {g}", unit[f"grade_{g.lower()}"])
                for g in GRADE_COLOURS
                if unit[f"grade_{g.lower()}"]
            ),
        )
    )
    body = f"""
<p class="sub"><a href="index.html">← 全部单位 / all units</a> · generated {generated}</p>
<h1>{html.escape(title)}</h1>
<p class="sub">单位编码 {html.escape(unit["unit_code"])} · scores are 100 minus each rule's
points per finding, capped per rule (<code>dq_rule</code>); A ≥ 90, B ≥ 75, C ≥ 60.</p>
<div class="cards">{cards}</div>
<div class="charts"><div class="chart">{budget_chart}</div><div class="chart">{score_chart}</div></div>
<h2>项目得分 / projects, lowest score first</h2>
<table id="projects"><thead><tr><th>项目编码 code</th><th>项目名称 project</th>
<th>预算（万元）</th><th>得分 score</th><th>等级 grade</th><th>发现 findings</th>
<th>规则 rules</th></tr></thead><tbody>
{PROJECT_SLOT}
</tbody></table>
<h2>审核发现 / flagged items ({flagged})</h2>
<table id="findings"><thead><tr><th>规则 rule</th><th>项目 project</th><th>文件:行 file:line</th>
<th>触发文本 text</th><th>说明 message</th></tr></thead><tbody>
{FINDING_SLOT}
</tbody></table>
"""
    head, _, rest = _page(title, body).encode("utf-8").partition(PROJECT_SLOT.encode())
    middle, _, tail = rest.partition(FINDING_SLOT.encode())
    return b"".join((head, projects, middle, findings, tail))


# One row per unit-year: what the index shows, and what tells a page that must be redrawn.
UNIT_YEARS_SQL = """
SELECT
    u.unit_code, u.unit_name, m.year,
    count(*) AS projects,
    sum(m.total_yuan) AS total_yuan,
    avg(m.score) AS mean_score,
    sum(m.findings) AS findings,
    count(*) FILTER (WHERE m.grade = 'A') AS grade_a,
    count(*) FILTER (WHERE m.grade = 'B') AS grade_b,
    count(*) FILTER (WHERE m.grade = 'C') AS grade_c,
    count(*) FILTER (WHERE m.grade = 'D') AS grade_d,
    CAST(max(m.reviewed_at) AS VARCHAR) AS reviewed_at
FROM mart_target_review AS m
JOIN dim_unit AS u USING (unit_key)
GROUP BY ALL
ORDER BY m.year DESC, u.unit_code
"""


def index_page(units: pl.DataFrame, generated: str) -> str:
    chart = bar_chart(
        "平均分 / mean score per unit-year",
        [
            (
                f"{r['unit_name']} {r['year']}",
                r["mean_score"],
                "#1976d2",
                f"{r['mean_score']:.1f}",
            )
            for r in units.sort("mean_score").iter_rows(named=True)
        ],
        "lowest means",
    )
    rows = "\n".join(
        f'<tr data-unit-code="{html.escape(r["unit_code"])}" data-year="{r["year"]}" '
        f'data-projects="{r["projects"]}">'
        f'<td><a href="{page_name(r["unit_code"], r["year"])}">{html.escape(r["unit_name"])}</a>'
        f"</td><td>{html.escape(r['unit_code'])}</td><td>{r['year']}</td>"
        f'<td class="num">{r["projects"]}</td><td class="num">{wan(r["total_yuan"])}</td>'
        f'<td class="num">{r["mean_score"]:.1f}</td><td class="num">{r["grade_d"]}</td>'
        f'<td class="num">{r["findings"]}</td></tr>'
        for r in units.iter_rows(named=True)
    )
    body = f"""
<h1>绩效目标审核 / target review</h1>
<p class="sub">generated {generated} from the published warehouse · {units.height} unit-years,
{int(units["projects"].sum() or 0)} project-years</p>
<div class="chart">{chart}</div>
<h2>单位 / units</h2>
<table id="units"><thead><tr><th>单位 unit</th><th>编码 code</th><th>年度 year</th>
<th>项目 projects</th><th>预算（万元）</th><th>平均分 mean score</th><th>D 等级</th>
<th>发现 findings</th></tr></thead><tbody>
{rows}
</tbody></table>
"""
    return _page("绩效目标审核 / target review", body)


def _latest_review(con: duckdb.DuckDBPyConnection) -> str:
    reviewed = con.sql("SELECT CAST(max(reviewed_at) AS VARCHAR) FROM mart_target_review")
    return reviewed.fetchall()[0][0] or ""


def _stamp(folder: Path) -> dict:
    """What the pages on disk show: the review they were drawn from and each page's number of
    projects. A stamp this version cannot read (an older format, a damaged file) knows nothing,
    so every page is drawn again."""
    path = folder / STAMP
    try:
        stamp = json.loads(path.read_text()) if path.exists() else {}
    except (OSError, ValueError):
        return {}
    if not isinstance(stamp, dict) or not isinstance(stamp.get("pages", {}), dict):
        return {}
    return stamp


def is_current(warehouse_path: Path, folder: Path) -> bool:
    """The pages show the warehouse's latest review."""
    if not (folder / "index.html").exists():
        return False
    with reading(warehouse_path) as con:
        return _stamp(folder).get("reviewed_at") == _latest_review(con)


def write_report(warehouse_path: Path, folder: Path) -> ReportOutcome:
    """Draw the pages the published warehouse's review changed: a unit-year whose projects were
    reviewed after the pages were last drawn, or whose number of projects changed, and the
    index; nothing when the pages already show the latest review (the stamp says which)."""
    with reading(warehouse_path) as con:
        return _drawn(con, folder)


def _drawn(con: duckdb.DuckDBPyConnection, folder: Path) -> ReportOutcome:
    """The report from one connection: the pages and their stamp read one state of the file."""
    index = folder / "index.html"
    latest = _latest_review(con)
    stamp = _stamp(folder)
    if index.exists() and stamp.get("reviewed_at") == latest:
        return ReportOutcome(index, len(stamp.get("pages", {})), written=False)
    units = con.sql(UNIT_YEARS_SQL).pl().with_columns(PAGE)
    drawn: dict[str, int] = stamp.get("pages", {})
    on_disk = [path.name for path in folder.glob("*.html")]
    stale = units.filter(
        (pl.col("reviewed_at") > (stamp.get("reviewed_at") or ""))
        | (pl.col("projects") != pl.col("page").replace_strict(drawn, default=-1))
        | ~pl.col("page").is_in(on_disk)
    )
    generated = datetime.now().strftime("%Y-%m-%d %H:%M")
    folder.mkdir(parents=True, exist_ok=True)
    if stale.height:
        _draw(con, folder, stale, generated)
    pages = dict(units.select("page", "projects").iter_rows())
    for gone in folder.glob("*.html"):
        if gone.name != index.name and gone.name not in pages:
            gone.unlink()
    write_text_atomic(index, index_page(units, generated))
    write_text_atomic(folder / STAMP, json.dumps({"reviewed_at": latest, "pages": pages}))
    return ReportOutcome(index, len(pages), written=True)


def _draw(
    con: duckdb.DuckDBPyConnection, folder: Path, stale: pl.DataFrame, generated: str
) -> None:
    """Draw the pages of these unit-years. Their rows are read once; the pages' text, which is
    larger, is made a run of pages at a time."""
    con.register("drawn_unit_year", stale.select("unit_code", "year").to_arrow())
    try:
        reviews, findings = (
            con.sql(f"SELECT * FROM {view} SEMI JOIN drawn_unit_year USING (unit_code, year)")
            .pl()
            .with_columns(PAGE)
            for view in ("v_target_review", "v_review_findings")
        )
    finally:
        con.unregister("drawn_unit_year")
    before = pl.col("projects").cum_sum() - pl.col("projects")
    runs = stale.with_columns((before // DRAW_PROJECTS).alias("run"))
    run_of_page = runs.select("page", "run")
    reviews, findings = (frame.join(run_of_page, on="page") for frame in (reviews, findings))
    for (run,), pages in runs.group_by("run", maintain_order=True):
        of_run = pl.col("run") == run
        _draw_pages(folder, pages, reviews.filter(of_run), findings.filter(of_run), generated)


def _draw_pages(
    folder: Path,
    pages: pl.DataFrame,
    reviews: pl.DataFrame,
    findings: pl.DataFrame,
    generated: str,
) -> None:
    """Write the pages of some unit-years from their reviews and findings."""
    parts = (
        pages.join(project_rows(reviews), on="page", how="left")
        .join(finding_rows(findings), on="page", how="left")
        .with_columns(
            pl.col("project_rows", "finding_rows").fill_null("").cast(pl.Binary),
            pl.col("finding_rows_count").fill_null(0),
        )
    )
    bars = chart_bars(reviews)
    for unit in parts.iter_rows(named=True):
        page = unit_year_page(
            unit,
            unit["project_rows"],
            unit["finding_rows"],
            unit["finding_rows_count"],
            bars.get(unit["page"], ([], [], 0)),
            generated,
        )
        write_bytes_atomic(folder / unit["page"], page)
