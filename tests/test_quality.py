"""Quality rules: the sample's exact findings, every rule tripped and not tripped, quarantine."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from expectations import docs, suites
from expectations.catalogue import rule_ids, rules
from expectations.table_rules import (
    BUDGET_COLUMNS,
    TARGET_COLUMNS,
    table_findings,
    w101_weights_not_100,
    w104_funding_not_total,
    w105_unit_unlikely,
)
from tests.browser import chromium, rendered_dom
from tests.conftest import SAMPLE_NAME, Workspace, replace_line

P_59 = "54010024T000001414726"  # “59.3.28”离退休干部慰问金
P_CREATE = "54010022T000000446915"  # 创建民族团结进步示范市经费
P_UNION = "54010024T000001454442"  # 公益性岗位等工会经费
P_MOBILE = "54010024T00G001394820"  # 机动经费
P_EXCHANGE = "54010024T000001425237"  # 民族交往交流交融促进工程
P_FESTIVAL = "54010024T000001425738"  # 三大节日离退休干部慰问经费
P_REWARD = "54010024T000001584833"  # 预算执行绩效考核奖励资金

# Reviewed by hand against the raw file, line by line.
SAMPLE_FINDINGS = {
    ("W101", P_EXCHANGE, 101),  # year weights 8 × 10 = 80, + execution weight 10 = 90
    ("W102", P_59, 13),  # 发放规范性: target 100, this year 10
    ("W102", P_59, 15),  # 发放及时率: target 100, this year 10 (same typo one row down)
    ("W102", P_MOBILE, 91),  # 保障机关正常运转: 365 days, this year 665
    ("W102", P_FESTIVAL, 154),  # 退休干部满意度: 95 vs 90
    ("W103", P_CREATE, 40),  # 服务对象满意度指 → 服务对象满意度指标
    ("W103", P_CREATE, 41),
    ("W105", P_UNION, 73),  # 每年开展工会活动次数 measured in %
    # Surprising but right: qualitative targets '提高' / '提升' carry the unit '%'.
    ("W105", P_UNION, 77),
    ("W105", P_UNION, 78),
    # 定性 operator with a count (6 人, 19 人): the operator says qualitative, the value is a number.
    ("W106", P_MOBILE, 95),
    ("W106", P_MOBILE, 97),
    ("W106", P_REWARD, 171),
    # The 机动经费 table has no 万元 on any amount line: one finding per amount, at its line.
    *(("W107", P_MOBILE, line) for line in range(84, 90)),
}


def test_sample_produces_exactly_the_reviewed_findings(loaded_sample: Workspace):
    found = loaded_sample.sql("SELECT rule_id, project_code, source_line FROM dq_issue")
    assert set(found) == SAMPLE_FINDINGS
    assert len(found) == len(SAMPLE_FINDINGS) == 19
    assert loaded_sample.sql("SELECT DISTINCT source_file, severity FROM dq_issue") == [
        (SAMPLE_NAME, "warning")
    ]


def test_findings_carry_file_line_column_and_value(loaded_sample: Workspace):
    row = loaded_sample.sql(
        "SELECT column_name, value, year, message FROM dq_issue WHERE rule_id = 'W103' AND source_line = 40"
    )[0]
    assert row[:3] == ("level2_repaired", "服务对象满意度指", 2024)
    assert row[3].startswith("level-2 name was repaired")
    w107 = loaded_sample.sql(
        "SELECT column_name, value FROM dq_issue WHERE rule_id = 'W107' ORDER BY source_line LIMIT 1"
    )
    assert w107 == [("total_unit_assumed", "12.00")]


def _run_records(space: Workspace) -> list[dict]:
    folder = space.settings.data_docs_dir / "runs"
    return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("*.json"))]


def test_data_docs_record_the_run_with_severity_and_readable_values(loaded_sample: Workspace):
    (record,) = _run_records(loaded_sample)
    assert record["files"] == [SAMPLE_NAME] and record["trigger"] == "jixiao run"
    suites = {v["suite"]: v for v in record["validations"]}
    assert set(suites) == {
        "silver_project_budget",
        "silver_indicator_target",
        "warehouse_dim_indicator",
        "warehouse_dim_project",
        "warehouse_dim_unit",
        "warehouse_dq_file",
        "warehouse_dq_issue",
        "warehouse_fact_indicator_target",
    }
    (pair,) = [
        e for e in suites["silver_indicator_target"]["expectations"] if e["rule_id"] == "W102"
    ]
    assert pair["unexpected_count"] == 4 and pair["samples"] == [
        "(100, 10)",
        "(365, 665)",
        "(95, 90)",
    ]
    assert docs.status(pair, "silver") == "warning"
    page = (loaded_sample.settings.data_docs_dir / "runs").glob("*.html")
    text = next(page).read_text(encoding="utf-8")
    assert "⚠ warning" in text and "(100, 10)" in text and "100.010.0" not in text
    assert "G202" in text and "W102" in text
    index = (loaded_sample.settings.data_docs_dir / "index.html").read_text(encoding="utf-8")
    assert "jixiao run" in index and SAMPLE_NAME in index
    assert "<script" not in index and "https://" not in index and "http://" not in text


def test_data_docs_keep_the_last_runs(tmp_path: Path):
    site = tmp_path / "docs"
    validation = {"suite": "s", "rows": 1, "judged_rows": 1, "expectations": []}
    for n in range(docs.KEEP_RUNS + 2):
        docs.record_run(site, docs.RunLabel(f"2026{n:04d}", "test"), "silver", [validation])
    kept = sorted(p.stem for p in (site / "runs").glob("*.json"))
    assert len(kept) == docs.KEEP_RUNS and kept[0] == "20260002"
    assert len(list((site / "runs").glob("*.html"))) == docs.KEEP_RUNS


def test_a_run_of_many_files_lists_them_folded_below_its_name():
    validation = {"suite": "s", "rows": 1, "judged_rows": 1, "expectations": []}
    record = {
        "run_id": "r1",
        "trigger": "jixiao run",
        "started_at": "2026-11-28 18:00 UTC",
        "validations": [{**validation, "layer": "silver"}],
    }
    few = docs.run_page(record | {"files": ["a.txt", "b.txt"]})
    assert "run r1 · files: a.txt, b.txt</p>" in few and "<details" not in few
    many = [f"2024/export_{n:03d}.txt" for n in range(docs.FILES_SHOWN + 1)]
    page = docs.run_page(record | {"files": many})
    assert f"<summary>run r1 · {docs.FILES_SHOWN + 1} files</summary>" in page
    assert ", ".join(many) in page


@pytest.mark.skipif(chromium() is None, reason="no chromium: `make chromium` installs it")
def test_data_docs_render_offline_in_headless_chromium(loaded_sample: Workspace):
    site = loaded_sample.settings.data_docs_dir
    index = rendered_dom((site / "index.html").as_uri())
    assert index.count('class="validation"') == 1 and "silver_indicator_target" in index
    (page,) = (site / "runs").glob("*.html")
    run = rendered_dom(page.as_uri())
    assert run.count('data-status="warning"') == 9 and run.count('class="expectations"') == 8


@pytest.fixture(scope="module")
def corrupted(tmp_path_factory: pytest.TempPathFactory, sample_text: str) -> Workspace:
    """One file with an error in five tables and new warnings, plus a garbage file."""
    text = replace_line(sample_text, 13, "产出指标", "产出乱码")  # E003, table 1
    text = replace_line(text, 24, "700.00", "七百")  # E004 amount, table 2
    text = replace_line(text, 75, "\t%\t10\t", "\t%\t十\t")  # E004 weight, table 4
    text = replace_line(text, 83, "117001-", "")  # E001 no unit code, table 5
    text = replace_line(text, 150, "\t10\t10\t", "\t10\t10\t\t\t多余\t")  # E002, table 8
    text = replace_line(text, 167, "质量指标", "奇怪指标")  # W109, table 9
    text = replace_line(text, 125, "0.00", "1.00")  # W104: unit funds 1.00 on a 11.00 total
    text = "导出人: 测试\n" + text  # W110: shifts every line by one
    space = Workspace(tmp_path_factory.mktemp("corrupted"))
    space.deliver("corrupted.txt", text.encode("utf-8"))
    space.deliver("garbage.txt", b"\x00\x01 not an export \x00")
    space.run()
    return space


def test_corrupted_tables_are_quarantined_one_by_one(corrupted: Workspace):
    errors = corrupted.sql(
        "SELECT rule_id, source_table, source_line FROM dq_issue "
        "WHERE severity = 'error' AND source_file = 'corrupted.txt' ORDER BY source_table"
    )
    assert errors == [
        ("E003", 1, 14),
        ("E004", 2, 25),
        ("E004", 4, 76),
        ("E001", 5, 84),
        ("E002", 8, 151),
    ]
    loaded = corrupted.sql("SELECT source_table FROM fact_project_budget ORDER BY 1")
    assert [t for (t,) in loaded] == [3, 6, 7, 9]
    assert corrupted.sql(
        "SELECT count(*) FROM fact_indicator_target WHERE source_table NOT IN (3, 6, 7, 9)"
    ) == [(0,)]
    status = corrupted.sql(
        "SELECT status, tables_found, tables_loaded, indicator_rows, errors FROM dq_file "
        "WHERE source_file = 'corrupted.txt'"
    )
    assert status == [("partial", 9, 4, 9 + 8 + 9 + 8, 5)]
    reason = corrupted.sql("SELECT reason FROM dq_file WHERE source_file = 'corrupted.txt'")[0][0]
    assert reason.startswith("5 of 9 table(s) quarantined: E001")


def test_garbage_file_is_quarantined_with_e005(corrupted: Workspace):
    assert corrupted.sql(
        "SELECT status, tables_found, tables_loaded, reason FROM dq_file WHERE source_file = 'garbage.txt'"
    ) == [
        (
            "quarantined",
            0,
            0,
            "0 of 0 table(s) quarantined: E005 cannot decode the file: binary content (NUL bytes) in a text export",
        )
    ]


def test_new_warnings_in_the_corrupted_copy(corrupted: Workspace):
    found = set(
        corrupted.sql(
            "SELECT rule_id, source_line FROM dq_issue WHERE rule_id IN ('W104', 'W109', 'W110')"
        )
    )
    assert found == {("W104", 123), ("W109", 168), ("W110", 1)}


def test_rules_that_do_not_trip_on_good_rows(budget, targets):
    assert w104_funding_not_total(budget).height == 0
    w101 = w101_weights_not_100(budget, targets)
    assert w101["project_code"].to_list() == [P_EXCHANGE]
    assert 75 not in w105_unit_unlikely(targets)["source_line"].to_list()


def test_w104_trips_on_funding_that_does_not_add_up(budget):
    broken = budget.with_columns(
        pl.when(pl.col("table_seq") == 1)
        .then(pl.lit(None))
        .otherwise(pl.col("fiscal_yuan"))
        .alias("fiscal_yuan")
    )
    found = w104_funding_not_total(broken)
    assert found.select("project_code", "source_line", "value").rows() == [
        (P_59, 6, "0.00 ≠ 2000.00")
    ]


def test_every_rule_is_enforced_somewhere():
    """Each catalogue rule is a GX expectation, a Polars rule, the parser's or the loader's."""
    in_suites = {
        spec["meta"]["rule_id"] for specs in suites.suite_specs().values() for spec in specs
    }
    engines = dict(rules().select("rule_id", "engine").rows())
    for rule_id in rule_ids():
        if engines[rule_id] == "gx":
            assert rule_id in in_suites, rule_id
        else:
            assert rule_id not in in_suites, rule_id
    assert set(rules()["severity"]) == {"error", "warning", "review"}
    assert rule_ids()[:5] == ["E001", "E002", "E003", "E004", "E005"]


def test_committed_suites_and_rules_document_match_the_catalogue():
    committed = {p.stem for p in suites.SUITES_DIR.glob("*.json")}
    assert committed == set(suites.SUITES)
    for name, text in suites.rendered().items():
        assert (suites.SUITES_DIR / f"{name}.json").read_text(encoding="utf-8") == text, (
            "run `python -m expectations.suites` and commit the JSON"
        )
    document = suites.RULES_DOCUMENT.read_text(encoding="utf-8")
    assert document == suites.rules_document()
    assert all(f"## {rule_id} " in document for rule_id in rule_ids())


def test_numbers_too_large_for_their_column_are_e004_not_a_crash(
    workspace: Workspace, sample_text: str
):
    """1e14 万元 is 1e18 yuan, beyond DECIMAL(18,2); a weight of 1e9 is beyond DECIMAL(9,2).
    Each is an error at its own line that quarantines its table; the run goes on."""
    text = replace_line(sample_text, 46, "0.83", "99999999999999")  # total, table 3
    text = replace_line(text, 92, "\t10\t10\t", "\t1234567890\t10\t")  # weight, table 5
    workspace.deliver("huge.txt", text.encode())
    assert workspace.run().published
    errors = workspace.sql(
        "SELECT rule_id, source_table, source_line, column_name, value FROM dq_issue "
        "WHERE severity = 'error' ORDER BY source_table"
    )
    assert errors == [
        ("E004", 3, 46, "total_in_range", "99999999999999"),
        ("E004", 5, 92, "weight_in_range", "1234567890"),
    ]
    loaded = workspace.sql("SELECT source_table FROM fact_project_budget ORDER BY 1")
    assert [t for (t,) in loaded] == [1, 2, 4, 6, 7, 8, 9]


def test_in_range_flags_stay_true_for_ordinary_and_non_numeric_cells(budget, targets):
    assert budget["total_in_range"].all() and budget["execution_weight_in_range"].all()
    assert targets["weight_in_range"].all() and targets["year_weight_in_range"].all()


def test_table_rules_read_only_the_columns_they_declare(budget, targets):
    """The assessment reads only these columns from silver: the rules must need no others."""
    everything = table_findings(budget, targets)
    cut = table_findings(budget.select(BUDGET_COLUMNS), targets.select(TARGET_COLUMNS))
    assert cut.equals(everything)
    assert sorted(everything["rule_id"]) == ["W101", "W105", "W105", "W105"]
