"""Every planner query in warehouse/queries, run on the sample, with its exact answer."""

from __future__ import annotations

import os
import subprocess
import sys
from decimal import Decimal

import pytest

from pipelines.cli import main
from tests.conftest import SAMPLE_NAME, Workspace
from warehouse import QUERIES_DIR, sql_files
from warehouse.query import answer

EXPECTED_ROWS = {
    "budget_by_unit_year": 1,
    "contradicting_targets": 4,
    "cost_per_head": 4,
    "files_not_fully_loaded": 0,
    "funding_by_source": 1,
    "indicators_by_level": 8,
    "largest_projects": 9,
    "projects_with_warnings": 7,
    "qualitative_indicators": 13,
    "review_contradicting_year_values": 4,
    "review_durations_beyond_year": 1,
    "review_goal_count_mismatch": 0,
    "review_goal_money_mismatch": 3,
    "review_indicators_dropped": 0,
    "review_missing_dimensions": 2,
    "review_missing_quantity_or_quality": 0,
    "review_money_changed": 0,
    "review_mostly_qualitative": 0,
    "review_percentages_above_100": 0,
    "review_scores": 9,
    "review_targets_lowered": 0,
    "review_vague_targets": 13,
    "review_weak_satisfaction_targets": 2,
    "satisfaction_targets": 10,
    "target_changes_yoy": 0,
    "weights_not_100": 1,
}


def run(space: Workspace, name: str):
    return answer(space.settings.warehouse_path, (QUERIES_DIR / f"{name}.sql").read_text())


def test_every_query_file_is_covered():
    assert {p.stem for p in sql_files(QUERIES_DIR)} == set(EXPECTED_ROWS)


@pytest.mark.parametrize("name", sorted(EXPECTED_ROWS))
def test_row_counts(loaded_sample: Workspace, name: str):
    assert run(loaded_sample, name).height == EXPECTED_ROWS[name]


def test_budget_by_unit_year(loaded_sample: Workspace):
    assert run(loaded_sample, "budget_by_unit_year").rows() == [
        (
            "117001",
            "拉萨市民族事务委员会本级",
            2024,
            9,
            Decimal("831.030000"),
            Decimal("831.030000"),
        )
    ]


def test_weights_not_100(loaded_sample: Workspace):
    assert run(loaded_sample, "weights_not_100").rows() == [
        (
            2024,
            "54010024T000001425237",
            "民族交往交流交融促进工程",
            Decimal("10.00"),
            Decimal("90.00"),
        )
    ]


def test_contradicting_targets(loaded_sample: Workspace):
    frame = run(loaded_sample, "contradicting_targets")
    assert frame.select("level3_name", "source_line").rows() == [
        ("发放规范性", 13),
        ("发放及时率", 15),
        ("保障机关正常运转", 91),
        ("退休干部满意度", 154),
    ]
    assert set(frame["source_file"]) == {SAMPLE_NAME}


def test_cost_per_head(loaded_sample: Workspace):
    assert run(loaded_sample, "cost_per_head").select("level3_name", "yuan_per_head").rows() == [
        ("每人每年标准", Decimal("486.0000")),
        ("人均慰问标准", Decimal("2000.0000")),
        ("人均慰问标准", Decimal("1300.0000")),
        ("工会活动人均成本", Decimal("783.0000")),
    ]


def test_funding_by_source(loaded_sample: Workspace):
    row = run(loaded_sample, "funding_by_source").row(0, named=True)
    assert row["total_wan_yuan"] == Decimal("831.03") and row["fiscal_wan_yuan"] == Decimal(
        "831.03"
    )
    assert row["bank_loan_wan_yuan"] == 0 and row["projects_without_bank_loan_line"] == 1


def test_indicators_by_level(loaded_sample: Workspace):
    assert run(loaded_sample, "indicators_by_level").select("level2_name", "targets").rows() == [
        ("数量指标", 22),
        ("质量指标", 14),
        ("成本指标", 6),
        ("时效指标", 4),
        ("经济成本指标", 2),
        ("社会效益指标", 13),
        ("可持续发展指标", 4),
        ("服务对象满意度指标", 10),
    ]


def test_largest_projects(loaded_sample: Workspace):
    frame = run(loaded_sample, "largest_projects")
    assert frame["project_code"][0] == "54010022T000000446915"
    assert frame["total_wan_yuan"][0] == Decimal("700")
    assert frame["total_wan_yuan"].sum() == Decimal("831.03")


def test_projects_with_warnings(loaded_sample: Workspace):
    assert run(loaded_sample, "projects_with_warnings").select(
        "project_code", "warnings", "rules"
    ).rows()[:2] == [
        ("54010024T00G001394820", 9, "W102, W106, W107"),
        ("54010024T000001454442", 3, "W105"),
    ]


def test_qualitative_and_satisfaction(loaded_sample: Workspace):
    qualitative = run(loaded_sample, "qualitative_indicators")
    assert qualitative["source_line"].sort().to_list() == [
        38,
        39,
        60,
        61,
        77,
        78,
        96,
        113,
        135,
        136,
        137,
        155,
        172,
    ]
    satisfaction = run(loaded_sample, "satisfaction_targets")
    assert satisfaction["year_target_value"].sort().to_list()[:3] == [Decimal(80)] * 3


def test_year_over_year_once_two_years_are_loaded(workspace: Workspace, sample_text: str):
    workspace.deliver(SAMPLE_NAME, sample_text.encode())
    following = sample_text.replace("2024年度", "2025年度").replace(
        "人均慰问标准\t≤\t1300\t1300", "人均慰问标准\t≤\t1400\t1400"
    )
    workspace.deliver("2025.txt", following.encode())
    workspace.run()
    changes = run(workspace, "target_changes_yoy")
    assert changes.height == 62  # every numeric target of the sample, matched across years
    moved = changes.filter(changes["change"] != 0)
    assert moved.select("level3_name", "previous_target", "target", "change").rows() == [
        ("人均慰问标准", Decimal("1300.0000"), Decimal("1400.0000"), Decimal("100.0000"))
    ]


def test_query_command_prints_csv_and_writes_xlsx(loaded_sample, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(loaded_sample.data))
    assert main(["query", "--csv", "SELECT count(*) AS n FROM fact_indicator_target"]) == 0
    assert capsys.readouterr().out == "n\n75\n"
    workbook = tmp_path / "answer.xlsx"
    assert (
        main(["query", "--file", str(QUERIES_DIR / "weights_not_100.sql"), "--xlsx", str(workbook)])
        == 0
    )
    out = capsys.readouterr().out
    assert "民族交往交流交融促进工程" in out and "(1 row)" in out
    assert workbook.stat().st_size > 0
    assert main(["query", "DELETE FROM dim_year"]) == 1
    assert "read-only" in capsys.readouterr().err.lower()


def _lines(space: Workspace, name: str) -> list[tuple]:
    return run(space, name).select("project_code", "source_line", "value").rows()


def test_review_queries_name_each_flagged_item(loaded_sample: Workspace):
    assert _lines(loaded_sample, "review_goal_money_mismatch") == [
        ("54010024T000001425237", 106, "50.00万元"),
        ("54010024T000001454442", 68, "1.08万元"),
        ("54010024T00G001394820", 86, "11.00万元"),
    ]
    assert _lines(loaded_sample, "review_missing_dimensions") == [
        ("54010022T000000446915", 21, "成本指标"),
        ("54010024T000001425237", 101, "成本指标"),
    ]
    assert _lines(loaded_sample, "review_durations_beyond_year") == [
        ("54010024T00G001394820", 91, "665 天")
    ]
    assert _lines(loaded_sample, "review_weak_satisfaction_targets") == [
        ("54010024T000001584833", 173, "<= 100 %"),
        ("54010024T00G001394820", 98, "<= 100 %"),
    ]
    assert _lines(loaded_sample, "review_contradicting_year_values") == [
        ("54010024T000001414726", 13, "10 %"),
        ("54010024T000001414726", 15, "10 %"),
        ("54010024T000001425738", 154, "90 %"),
        ("54010024T00G001394820", 91, "665 天"),
    ]
    vague = run(loaded_sample, "review_vague_targets")
    assert vague["source_line"].to_list() == [
        60,
        61,
        38,
        39,
        135,
        136,
        137,
        113,
        155,
        77,
        78,
        172,
        96,
    ]
    assert sorted(set(vague["value"])) == ["促进", "及时", "定性", "提升", "提高"]
    scores = run(loaded_sample, "review_scores")
    assert scores.select("project_code", "score", "grade").row(0) == (
        "54010024T000001425237",
        57,
        "D",
    )
    assert scores["score"].to_list() == [57, 67, 79, 79, 90, 91, 92, 92, 94]


def _ask(space: Workspace, monkeypatch, *arguments: str) -> int:
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(space.data))
    return main(["query", *arguments])


@pytest.mark.parametrize(
    ("sql", "refusal"),
    [
        ("COPY (SELECT 1) TO '{tmp}/out.csv'", "file system operations are disabled"),
        ("SELECT * FROM read_text('/etc/passwd')", "file system operations are disabled"),
        ("SELECT * FROM read_csv('{tmp}/secret.csv')", "file system operations are disabled"),
        ("ATTACH '{tmp}/other.duckdb' AS other", "file system operations are disabled"),
        ("SET enable_external_access = true", "configuration has been locked"),
        ("SET lock_configuration = false", "configuration has been locked"),
        ("INSERT INTO dim_year VALUES (1999)", "read-only"),
        ("INSTALL httpfs", ""),
    ],
)
def test_the_planner_surface_can_only_read_the_warehouse(
    loaded_sample: Workspace, monkeypatch, capsys, tmp_path, sql: str, refusal: str
):
    (tmp_path / "secret.csv").write_text("a\n1\n")
    assert _ask(loaded_sample, monkeypatch, sql.format(tmp=tmp_path)) == 1
    assert refusal in capsys.readouterr().err
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "other.duckdb").exists()


def test_answers_are_capped_in_rows_and_time(loaded_sample: Workspace, monkeypatch, capsys):
    assert _ask(loaded_sample, monkeypatch, "--csv", "--max-rows", "3", "FROM range(10)") == 3
    captured = capsys.readouterr()
    assert captured.out == "range\n0\n1\n2\n"
    assert "stopped at 3 rows (the row cap)" in captured.err
    endless = "SELECT count(*) FROM range(1000000000000) AS a(x), range(100) AS b(y)"
    assert _ask(loaded_sample, monkeypatch, "--timeout", "0.5", endless) == 124
    assert "ran longer than 0.5 s and was stopped" in capsys.readouterr().err


def test_money_prints_without_surplus_zeros(loaded_sample: Workspace, monkeypatch, capsys):
    sql = "SELECT total_wan_yuan FROM v_project_scorecard WHERE project_code LIKE '%425738'"
    assert _ask(loaded_sample, monkeypatch, "--csv", sql) == 0
    assert capsys.readouterr().out == "total_wan_yuan\n1.43\n"


def test_the_query_command_ends_quietly_when_its_reader_stops(loaded_sample: Workspace):
    command = [sys.executable, "-m", "pipelines.cli", "query", "--csv", "FROM range(1000000)"]
    environment = {**os.environ, "JIXIAO_DATA_DIR": str(loaded_sample.data)}
    reader = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment
    )
    assert reader.stdout is not None and reader.stdout.readline() == b"range\n"
    reader.stdout.close()  # what `| head -1` does
    _, errors = reader.communicate(timeout=120)
    assert b"Traceback" not in errors and b"BrokenPipe" not in errors
