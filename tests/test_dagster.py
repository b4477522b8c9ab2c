"""The Dagster code location: definitions, the whole graph in-process, checks, sensor, schedule."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest

from expectations.catalogue import rule_ids
from pipelines.assets import warehouse
from pipelines.cli import main
from pipelines.definitions import defs
from pipelines.resources import JixiaoPaths
from pipelines.sensors import landing_sensor
from tests.conftest import SAMPLE_NAME, SAMPLE_PATH, Workspace, replace_line
from warehouse import invariants

WARNING_RULES_ON_SAMPLE = {"W101", "W102", "W103", "W105", "W106", "W107"}
REVIEW_RULES_ON_SAMPLE = {"R301", "R303", "R304", "R306", "R308", "R309"}


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)
    job = defs.resolve_job_def("jixiao_pipeline")
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert {"landing_files", "bronze_tables", "silver_project_budget", "dq_findings"} <= keys
    assert {"dim_year", "dim_unit", "dim_project", "dim_indicator", "fact_project_budget"} <= keys
    assert {
        "fact_indicator_target",
        "dq_issue",
        "dq_file",
        "v_targets",
        "v_project_scorecard",
    } <= keys
    assert job.executor_def.name == "in_process"
    graph = defs.resolve_asset_graph()
    groups = {k: graph.get(dg.AssetKey(k)).group_name for k in ("bronze_tables", "dq_findings")}
    assert groups == {"bronze_tables": "bronze", "dq_findings": "quality"}
    assert graph.get(dg.AssetKey("silver_indicator_target")).partitions_def.name == "sender"


def test_schedule_is_nightly_at_two_beijing_time():
    schedule = defs.resolve_schedule_def("nightly")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Asia/Shanghai"
    assert schedule.job_name == "jixiao_pipeline"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


@pytest.fixture
def dagster_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "dagster_home"
    home.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    return home


def test_whole_graph_materializes_with_checks(workspace: Workspace, dagster_home: Path):
    workspace.deliver(SAMPLE_NAME, SAMPLE_PATH.read_bytes())
    result = workspace.materialize()
    assert result.success
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    failing = {name for name, e in evaluations.items() if not e.passed}
    assert failing == WARNING_RULES_ON_SAMPLE | REVIEW_RULES_ON_SAMPLE
    assert all(evaluations[name].severity == dg.AssetCheckSeverity.WARN for name in failing)
    assert evaluations["W102"].metadata["live_findings"].value == 4
    assert evaluations["W102"].metadata["new_this_run"].value == 4
    assert evaluations["W107"].metadata["live_findings"].value == 6
    specs = {spec.name: spec for spec in warehouse.check_specs}
    assert "Why a planner cares: the target for this year contradicts" in (
        specs["W102"].description
    )
    guards = [rule_id for rule_id in rule_ids() if rule_id.startswith("G")]
    assert guards == ["G201", "G202", "G203", "G204", "G205", "G206", "G207"]
    for name in guards:
        assert evaluations[name].passed
        assert evaluations[name].severity == dg.AssetCheckSeverity.ERROR
    # The review's rules are checks on the mart: what the published review flags, live.
    assert evaluations["R304"].metadata["live_findings"].value == 3
    assert evaluations["R304"].asset_key == dg.AssetKey("mart_target_review")
    assert "Why a planner cares: the goal's text and the table's money" in (
        specs["R304"].description
    )
    every_rule = {c for c in evaluations if c[0] in "EWGR" and c[1:].isdigit()}
    assert every_rule == set(rule_ids())
    facts = [
        m
        for m in result.asset_materializations_for_node("warehouse")
        if m.asset_key.to_user_string() == "fact_indicator_target"
    ][0]
    assert facts.metadata["dagster/row_count"].value == 75
    assert facts.metadata["files_loaded"].value == 1 and facts.metadata["warnings"].value == 19
    assert "indicator_key" in facts.metadata["preview"].value
    assert any(
        c.name == "indicator_key" for c in facts.metadata["dagster/column_schema"].schema.columns
    )
    assert list(dagster_home.iterdir())  # the persistent instance lives in the temp home
    (bronze,) = [
        m
        for m in result.asset_materializations_for_node("parse_and_normalize")
        if m.asset_key.to_user_string() == "bronze_tables"
    ]
    assert bronze.metadata["tables"].value == 9 and bronze.metadata["indicator_rows"].value == 75
    first = {
        m.asset_key.to_user_string(): m.metadata
        for m in result.asset_materializations_for_node("parse_and_normalize")
    }
    assert first["silver_project_budget"]["new_rows"].value == 9
    assert first["silver_indicator_target"]["new_rows"].value == 75
    assert "level1_name" in first["silver_indicator_target"]["preview"].value
    # Silver's columns are described (assets/silver/columns.csv); a run with nothing new still
    # previews the latest silver rows and the live findings.
    again = workspace.materialize()
    nodes = {
        m.asset_key.to_user_string(): m
        for node in ("parse_and_normalize", "dq_findings")
        for m in again.asset_materializations_for_node(node)
    }
    targets = nodes["silver_indicator_target"].metadata
    assert targets["new_rows"].value == 0 and "level1_name" in targets["preview"].value
    columns = {c.name: c.description for c in targets["dagster/column_schema"].schema.columns}
    assert columns["level1_name"] == "Canonical level-1 name (产出指标 …) / 一级指标"
    assert nodes["dq_findings"].metadata["findings"].value == 0
    assert "W107" in nodes["dq_findings"].metadata["preview"].value
    owners = defs.resolve_asset_graph().get(dg.AssetKey("silver_indicator_target")).owners
    assert owners == ["team:finance-data"]


def test_input_rule_checks_state_what_the_published_warehouse_holds(
    workspace: Workspace, dagster_home: Path
):
    """A W102 stays WARN, with its live count, through a run that finds nothing new; the
    corrected file turns it green."""
    text = SAMPLE_PATH.read_text(encoding="utf-8")
    workspace.deliver(SAMPLE_NAME, text.encode())

    def w102() -> tuple[bool, int, int]:
        result = workspace.materialize()
        assert result.success
        (check,) = [e for e in result.get_asset_check_evaluations() if e.check_name == "W102"]
        metadata = check.metadata
        return check.passed, metadata["live_findings"].value, metadata["new_this_run"].value

    assert w102() == (False, 4, 4)
    assert w102() == (False, 4, 0)  # nothing new: the four are still published
    corrected = replace_line(text, 13, "\t100\t10\t%", "\t100\t100\t%")  # 发放规范性
    workspace.deliver(SAMPLE_NAME, corrected.encode())
    passed, live, _ = w102()
    assert (passed, live) == (False, 3)  # the corrected line no longer contradicts itself


def test_failing_invariant_stops_the_publish(workspace: Workspace, dagster_home: Path, monkeypatch):
    workspace.deliver(SAMPLE_NAME, SAMPLE_PATH.read_bytes())
    workspace.run()
    before = workspace.sql("SELECT count(*) FROM fact_project_budget")
    workspace.deliver("2025.txt", SAMPLE_PATH.read_text().replace("2024年度", "2025年度").encode())

    registered = invariants.rule_sql

    def defect(rule_id: str) -> str:
        return "SELECT 'simulated' AS defect" if rule_id == "G205" else registered(rule_id)

    monkeypatch.setattr(invariants, "rule_sql", defect)
    result = workspace.materialize()
    assert not result.success
    evaluation = [e for e in result.get_asset_check_evaluations() if e.check_name == "G205"]
    assert evaluation and not evaluation[0].passed
    assert workspace.sql("SELECT count(*) FROM fact_project_budget") == before
    assert not workspace.settings.warehouse_path.with_name(".warehouse.staging.duckdb").exists()


def test_sensor_requests_one_run_only_for_new_or_changed_files(
    workspace: Workspace, dagster_home: Path
):
    paths = JixiaoPaths(landing_dir=str(workspace.landing), data_dir=str(workspace.data))
    with dg.DagsterInstance.get() as instance:

        def tick(cursor: str | None):
            context = dg.build_sensor_context(
                instance=instance, cursor=cursor, resources={"paths": paths}
            )
            return landing_sensor(context)

        workspace.deliver("a.txt", SAMPLE_PATH.read_bytes())
        first = tick(None)
        assert isinstance(first, dg.SensorResult) and len(first.run_requests) == 1
        cursor = first.cursor
        assert isinstance(tick(cursor), dg.SkipReason)
        os.utime(workspace.landing / "a.txt", (1_800_000_000, 1_800_000_000))  # touched, same bytes
        assert isinstance(tick(cursor), dg.SkipReason)
        workspace.deliver("b.txt", b"2024\xe5\xb9\xb4")
        workspace.deliver("c.txt", b"more")
        added = tick(cursor)
        assert len(added.run_requests) == 1  # two new files, one run
        workspace.deliver("a.txt", SAMPLE_PATH.read_bytes() + b"\n")
        changed = tick(added.cursor)
        assert len(changed.run_requests) == 1 and changed.cursor != added.cursor
        workspace.run()  # a manual run loads everything before the sensor's run starts
        done = tick(changed.cursor)
        assert isinstance(done, dg.SkipReason) and "every file" in done.skip_message


def test_jixiao_run_twice(tmp_path: Path, monkeypatch, capsys):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / SAMPLE_NAME).write_bytes(SAMPLE_PATH.read_bytes())
    monkeypatch.setenv("JIXIAO_LANDING_DIR", str(landing))
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    assert main(["run"]) == 0
    first = capsys.readouterr().out
    assert "1 new file version(s) loaded" in first
    assert "1 loaded, 0 partial, 0 quarantined" in first
    assert "projects           9 (9 project-years, 8,310,300.00 yuan)" in first
    assert "indicator rows     75" in first and "0 error(s), 19 warning(s)" in first
    assert "table layouts      project 9" in first
    assert "target review      9 project-year(s) scored, 26 item(s) flagged" in first
    warehouse = tmp_path / "data" / "warehouse.duckdb"
    stamp = warehouse.stat().st_mtime_ns
    home = tmp_path / "data" / "dagster"
    assert (home / "dagster.yaml").exists()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        runs = len(instance.get_run_records())
    assert main(["run"]) == 0
    second = capsys.readouterr().out
    assert "nothing new" in second and "indicator rows     75" in second
    assert warehouse.stat().st_mtime_ns == stamp
    # Nothing new: no Dagster run was started (a quiet night costs a scan and two reads).
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert len(instance.get_run_records()) == runs == 1
    (landing / "again.txt").write_bytes(SAMPLE_PATH.read_bytes()[:2000])  # something new
    assert main(["run"]) == 0
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert len(instance.get_run_records()) == 2


def test_dagster_cli_validates_the_code_location(tmp_path: Path):
    import subprocess
    import sys

    from assets.settings import REPO_ROOT

    result = subprocess.run(
        [
            str(Path(sys.executable).with_name("dagster")),
            "definitions",
            "validate",
            "-m",
            "pipelines.definitions",
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "DAGSTER_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (
        "Validation successful for code location pipelines.definitions"
        in result.stderr + result.stdout
    )


def test_every_silver_column_is_described_once():
    from assets.silver import store as silver

    for entity in silver.ENTITIES:
        columns = getattr(silver.empty(), entity).columns
        described = silver.column_descriptions(entity)
        assert set(described) == set(columns), entity
        assert all(" / " in text for text in described.values())  # English / 中文
