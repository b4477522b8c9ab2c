"""The Data Docs of jixiao's validations: what each GX suite judged in each run, kept across runs.

jixiao renders these pages itself from the results of its GX runs instead of GX's own site,
because GX's pages fetch jQuery, bootstrap-table and their styles from public CDNs (blank on an
intranet), rebuild from the current process only (no history), paint every failing warning
expectation as a failure of the run, hide the rule id and severity, and name runs `__none__`.
Here every page is self-contained (inline styles, no script), each run is a JSON record kept in
`runs/` (the last `KEEP_RUNS`), and an expectation of a warning rule that flags rows is shown as
a warning: the rows loaded and were flagged, the run did not fail.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from assets.lake import write_text_atomic
from expectations.catalogue import title

KEEP_RUNS = 30
RUNS = "runs"
SAMPLES = 5
STATUS = {
    "passed": ("✓", "#2e7d32", "passed"),
    "warning": ("⚠", "#ef6c00", "warning: rows flagged, loaded"),
    "error": ("✗", "#c62828", "error: tables quarantined"),
    "refused": ("✗", "#c62828", "guard failed: publish refused"),
}
STYLE = """
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei",
  sans-serif; margin: 24px 32px; color: #212121; background: #fafafa; }
h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; }
.sub { color: #616161; font-size: 13px; }
table { border-collapse: collapse; background: #fff; font-size: 13px; width: 100%; }
th, td { border: 1px solid #e0e0e0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #f5f5f5; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.badge { color: #fff; border-radius: 3px; padding: 0 6px; font-weight: bold; white-space: nowrap; }
code { font-size: 12px; } a { color: #1565c0; } summary { cursor: pointer; }
"""


@dataclass(frozen=True)
class RunLabel:
    """Which run validated: an id for its record, and a name that says what started it."""

    run_id: str
    trigger: str

    @classmethod
    def now(cls, trigger: str = "jixiao run") -> RunLabel:
        return cls(datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ"), trigger)


def _safe(run_id: str) -> str:
    return re.sub(r"[^0-9A-Za-z_-]", "_", run_id)


def expected(expectation: str, kwargs: Mapping[str, Any]) -> str:
    """What an expectation asks, as a planner reads it."""
    if "value_set" in kwargs:
        values = [str(v) for v in kwargs["value_set"]]
        shown = ", ".join(values[:8]) + (f" … (+{len(values) - 8})" if len(values) > 8 else "")
        return ("not one of: " if "NotBeInSet" in expectation else "one of: ") + shown
    if "regex" in kwargs:
        return f"matches {kwargs['regex']}"
    if "min_value" in kwargs or "max_value" in kwargs:
        return f"between {kwargs.get('min_value')} and {kwargs.get('max_value')}"
    if "column_A" in kwargs:
        return f"{kwargs['column_A']} = {kwargs['column_B']} where both are present"
    if "Unique" in expectation:
        return "unique"
    if "NotBeNull" in expectation:
        return "present"
    return ""


def expectation_record(
    config_type: str,
    kwargs: Mapping[str, Any],
    meta: Mapping[str, Any],
    success: bool,
    element_count: int,
    unexpected_count: int,
    samples: Iterable[str],
) -> dict[str, Any]:
    rule_id = str(meta["rule_id"])
    columns = [str(kwargs[k]) for k in ("column", "column_A", "column_B") if k in kwargs]
    return {
        "rule_id": rule_id,
        "severity": str(meta["severity"]),
        "title": title(rule_id),
        "expectation": config_type,
        "columns": columns,
        "expected": expected(config_type, kwargs),
        "success": success,
        "element_count": element_count,
        "unexpected_count": unexpected_count,
        "samples": list(samples)[:SAMPLES],
    }


def status(record: Mapping[str, Any], layer: str) -> str:
    if record["success"] or not record["unexpected_count"]:
        return "passed"
    if layer == "warehouse":
        return "refused"
    return "error" if record["severity"] == "error" else "warning"


def record_run(
    docs_dir: Path,
    run: RunLabel,
    layer: str,
    validations: list[dict[str, Any]],
    files: Iterable[str] = (),
) -> Path:
    """Add this step's validations to the run's record (the quality step and the publish of one
    run share it), then render the site."""
    folder = docs_dir / RUNS
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{_safe(run.run_id)}.json"
    record = (
        json.loads(path.read_text(encoding="utf-8"))
        if path.exists()
        else {
            "run_id": run.run_id,
            "trigger": run.trigger,
            "started_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "files": [],
            "validations": [],
        }
    )
    record["files"] = sorted(set(record["files"]) | set(files))
    record["validations"] += [{**v, "layer": layer} for v in validations]
    write_text_atomic(path, json.dumps(record, ensure_ascii=False, indent=1))
    return render_site(docs_dir)


def run_name(record: Mapping[str, Any]) -> str:
    files = record["files"]
    shown = ", ".join(files[:3]) + (f" … (+{len(files) - 3})" if len(files) > 3 else "")
    what = f"{len(files)} new file(s): {shown}" if files else "the staged warehouse"
    return f"{record['trigger']} · {record['started_at']} · {what}"


def _badge(kind: str, text: str | None = None) -> str:
    mark, colour, label = STATUS[kind]
    return f'<span class="badge" style="background:{colour}">{mark} {html.escape(text or label)}</span>'


def _page(heading: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(heading)}</title><style>{STYLE}</style></head>"
        f"<body>{body}</body></html>\n"
    )


def _run_status(record: Mapping[str, Any]) -> dict[str, int]:
    counts = {kind: 0 for kind in STATUS}
    for validation in record["validations"]:
        for expectation in validation["expectations"]:
            counts[status(expectation, validation["layer"])] += 1
    return counts


def run_page(record: Mapping[str, Any]) -> str:
    sections = []
    for validation in record["validations"]:
        rows = []
        for e in validation["expectations"]:
            kind = status(e, validation["layer"])
            rows.append(
                f'<tr data-rule="{html.escape(e["rule_id"])}" data-status="{kind}">'
                f"<td>{_badge(kind, kind)}</td>"
                f"<td><b>{html.escape(e['rule_id'])}</b> {html.escape(e['severity'])}<br>"
                f"{html.escape(e['title'])}</td>"
                f"<td><code>{html.escape(e['expectation'])}</code></td>"
                f"<td>{html.escape(', '.join(e['columns']))}</td>"
                f"<td>{html.escape(e['expected'])}</td>"
                f'<td class="num">{e["element_count"]:,}</td>'
                f'<td class="num">{e["unexpected_count"]:,}</td>'
                f"<td>{'<br>'.join(html.escape(s) for s in e['samples'])}</td></tr>"
            )
        sections.append(
            f"<h2>{html.escape(validation['suite'])} "
            f'<span class="sub">({validation["layer"]}, {validation["rows"]:,} rows; '
            f"{validation['judged_rows']:,} distinct judged by GX)</span></h2>"
            '<table class="expectations"><thead><tr><th>status</th><th>rule</th>'
            "<th>expectation</th><th>column(s)</th><th>expected</th><th>rows</th>"
            "<th>flagged</th><th>sample values</th></tr></thead><tbody>"
            + "\n".join(rows)
            + "</tbody></table>"
        )
    name = run_name(record)
    body = (
        f'<p class="sub"><a href="../index.html">← all runs</a></p><h1>{html.escape(name)}</h1>'
        + _files_line(record)
        + "".join(sections)
    )
    return _page(name, body)


# A run of more files than this lists them folded: a first load's hundreds of names would push
# the verdicts below the first screen.
FILES_SHOWN = 10


def _files_line(record: Mapping[str, Any]) -> str:
    files = record["files"]
    names = html.escape(", ".join(files) or "—")
    run = f"run {html.escape(record['run_id'])}"
    if len(files) <= FILES_SHOWN:
        return f'<p class="sub">{run} · files: {names}</p>'
    return (
        f'<details class="sub"><summary>{run} · {len(files):,} files</summary>'
        f"<p>{names}</p></details>"
    )


def index_page(records: list[Mapping[str, Any]]) -> str:
    rows = []
    for record in records:
        counts = _run_status(record)
        badges = " ".join(
            _badge(kind, f"{n} {kind}") for kind, n in counts.items() if n or kind == "passed"
        )
        suites = ", ".join(v["suite"] for v in record["validations"])
        rows.append(
            f'<tr class="validation" data-run="{html.escape(record["run_id"])}">'
            f'<td><a href="{RUNS}/{_safe(record["run_id"])}.html">'
            f"{html.escape(run_name(record))}</a></td><td>{html.escape(suites)}</td>"
            f"<td>{badges}</td></tr>"
        )
    body = (
        "<h1>jixiao Data Docs · 数据质量验证</h1>"
        f'<p class="sub">The GX validations of the last {KEEP_RUNS} runs that validated '
        "something, newest first. Warnings flag rows that loaded; errors quarantine tables; "
        "a failed guard (G2xx) refuses the publish. Rules: <code>expectations/RULES.md</code>."
        "</p>"
        '<table id="validations"><thead><tr><th>run</th><th>suites</th><th>expectations</th>'
        "</tr></thead><tbody>" + "\n".join(rows) + "</tbody></table>"
    )
    return _page("jixiao Data Docs", body)


# What GX's own site left in the folder (earlier versions of jixiao built it).
GX_SITE_LEFTOVERS = ("static", "validations", "expectations")


def render_site(docs_dir: Path) -> Path:
    """index.html and a page per kept run; records beyond the last KEEP_RUNS are removed."""
    for leftover in GX_SITE_LEFTOVERS:
        shutil.rmtree(docs_dir / leftover, ignore_errors=True)
    folder = docs_dir / RUNS
    paths = sorted(folder.glob("*.json"), reverse=True) if folder.exists() else []
    for stale in paths[KEEP_RUNS:]:
        stale.unlink()
        stale.with_suffix(".html").unlink(missing_ok=True)
    records = [json.loads(p.read_text(encoding="utf-8")) for p in paths[:KEEP_RUNS]]
    for path, record in zip(paths, records, strict=False):
        write_text_atomic(path.with_suffix(".html"), run_page(record))
    index = docs_dir / "index.html"
    write_text_atomic(index, index_page(records))
    return index


def merged(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per suite for a run validated in several batches: rows and flagged rows
    added up, an expectation passes only if it passed in every batch."""
    by_suite: dict[str, dict[str, Any]] = {}
    for record in records:
        into = by_suite.get(record["suite"])
        if into is None:
            by_suite[record["suite"]] = json.loads(json.dumps(record))
            continue
        into["rows"] += record["rows"]
        into["judged_rows"] += record["judged_rows"]
        for mine, theirs in zip(into["expectations"], record["expectations"], strict=True):
            mine["success"] = mine["success"] and theirs["success"]
            mine["element_count"] += theirs["element_count"]
            mine["unexpected_count"] += theirs["unexpected_count"]
            mine["samples"] = list(dict.fromkeys(mine["samples"] + theirs["samples"]))[:SAMPLES]
    return list(by_suite.values())
