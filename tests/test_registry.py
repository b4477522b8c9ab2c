"""The rule registry (`expectations/rules.csv`): every rule is emitted by the implementation it
names, and by no other; checks and docs come from it."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from assets.settings import REPO_ROOT
from expectations import table_rules
from expectations.catalogue import implementations, rules
from expectations.suites import suite_specs
from expectations.validate import validate
from tests.conftest import SAMPLE_NAME, Workspace, parse_file, replace_line
from warehouse.review import checks

ENGINES = dict(rules().select("rule_id", "engine").rows())


def _rules_of(engine: str) -> list[str]:
    return [rule_id for rule_id, registered in ENGINES.items() if registered == engine]


def _source_files(folder: str, suffix: str) -> list[Path]:
    return sorted((REPO_ROOT / folder).rglob(f"*{suffix}"))


def _mentions(path: Path, rule_id: str) -> bool:
    return re.search(rf"['\"]{rule_id}['\"]", path.read_text(encoding="utf-8")) is not None


def test_the_registry_names_an_engine_a_place_and_an_asset_for_every_rule():
    assert set(ENGINES.values()) == {"parser", "gx", "polars", "sql"}
    assets = {"dq_findings", "dq_issue", "fact_indicator_target", "fact_project_budget"}
    assert set(rules()["guards"]) <= assets | {"dim_project", "mart_target_review"}
    for row in rules().iter_rows(named=True):
        assert implementations(row["rule_id"]), row["rule_id"]
        if row["scope"] == "warehouse":
            assert row["severity"] == "error" and row["guards"] != "dq_findings"


@pytest.mark.parametrize("rule_id", _rules_of("parser") + _rules_of("polars"))
def test_python_rules_are_written_only_where_the_registry_says(rule_id: str):
    places = {REPO_ROOT / place for place in implementations(rule_id)}
    writers = {
        path
        for folder in ("assets", "expectations", "warehouse", "pipelines")
        for path in _source_files(folder, ".py")
        if _mentions(path, rule_id)
    }
    assert writers == places


@pytest.mark.parametrize("rule_id", _rules_of("sql"))
def test_sql_rules_are_one_file_each_and_nowhere_else(rule_id: str):
    (place,) = implementations(rule_id)
    folder = {"G": "invariants", "R": "review"}.get(rule_id[0], "rules")
    assert place == f"warehouse/{folder}/{rule_id}.sql"
    text = (REPO_ROOT / place).read_text(encoding="utf-8")
    assert text.lstrip().startswith(f"-- {rule_id}:") and "SELECT" in text
    # Elsewhere the id may be compared with (the load retires stale W108 decisions), never
    # written as a value.
    emitted_elsewhere = [
        path
        for path in _source_files("warehouse", ".sql")
        if path != REPO_ROOT / place
        and re.sub(rf"rule_id = '{rule_id}'", "", path.read_text(encoding="utf-8")).count(
            f"'{rule_id}'"
        )
    ]
    assert emitted_elsewhere == []


def test_each_gx_suite_holds_exactly_the_rules_registered_to_it():
    in_suites: dict[str, set[str]] = {}
    for suite, specs in suite_specs().items():
        in_suites[suite] = {str(spec["meta"]["rule_id"]) for spec in specs}
    registered: dict[str, set[str]] = {suite: set() for suite in in_suites}
    for rule_id in _rules_of("gx"):
        for suite in implementations(rule_id):
            registered[suite].add(rule_id)
    assert in_suites == registered


PARSER_TRIPS = {
    "E002": lambda text: replace_line(text, 14, "\t10\t10\t", "\t10\t10\t\t\t\tstray\t"),
    "E005": lambda text: "hello\tworld\n",
    "W110": lambda text: "导出时间 2024-01-01\n" + text,
    "W111": lambda text: replace_line(text, 30, "度量单位", "度量単位"),
    "W112": lambda text: replace_line(text, 12, "权重(%)", "得分"),
}


def test_parser_rules_are_emitted_by_the_parser(sample_text: str, parsed):
    assert set(PARSER_TRIPS) == set(_rules_of("parser"))
    assert parsed.findings.height == 0  # the sample trips none of them
    for rule_id, trip in PARSER_TRIPS.items():
        found = parse_file(trip(sample_text).encode()).findings
        assert set(found["rule_id"]) == {rule_id}, rule_id


def test_gx_rules_are_emitted_by_the_suites_that_hold_them(tripped_budget, tripped_targets):
    frames = {
        "silver_project_budget": tripped_budget,
        "silver_indicator_target": tripped_targets,
    }
    emitted: dict[str, set[str]] = {}
    for suite, frame in frames.items():
        for rule_id in validate(frame, suite).findings["rule_id"].unique():
            emitted.setdefault(rule_id, set()).add(suite)
    silver_rules = [r for r in _rules_of("gx") if not r.startswith("G")]
    assert sorted(emitted) == sorted(silver_rules)
    for rule_id, suites in emitted.items():
        assert suites <= set(implementations(rule_id)), rule_id


def test_polars_rules_are_emitted_by_the_table_rules_or_the_reviews_checks(budget, targets):
    unbalanced = budget.with_columns(
        pl.when(pl.col("table_seq") == 1).then(None).otherwise("fiscal_yuan").alias("fiscal_yuan")
    )
    found = set(table_rules.table_findings(unbalanced, targets)["rule_id"])
    assert found == {"W101", "W104", "W105"}
    # the review's checks of one table at a time: one function each, where the registry says
    reviewed = set(_rules_of("polars")) - found
    assert (
        reviewed
        == set(checks.TABLE_CHECKS)
        == {
            *(f"R30{n}" for n in range(1, 10)),
            "R313",
        }
    )
    assert {place for rule_id in reviewed for place in implementations(rule_id)} == {
        "warehouse/review/checks.py"
    }


def test_the_load_records_w108_from_its_sql_file(workspace: Workspace, sample_text: str):
    lines = sample_text.split("\n")
    workspace.deliver(SAMPLE_NAME, sample_text.encode())
    workspace.deliver("again.txt", "\n".join(lines[2:19]).encode())  # the first table again
    workspace.run()
    assert workspace.sql("SELECT rule_id, source_file FROM dq_issue WHERE rule_id = 'W108'") == [
        ("W108", SAMPLE_NAME)
    ]
