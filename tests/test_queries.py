"""Every planner query in warehouse/queries, run on the sample, with its exact answer."""

from __future__ import annotations

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
