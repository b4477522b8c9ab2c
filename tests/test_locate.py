"""Rows rejected by an expectation, found in Polars, are exactly the rows GX rejects."""

from __future__ import annotations

import logging

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from expectations import locate
from expectations.suites import suite_specs
from expectations.validate import validate


def _warehouse_frames() -> dict[str, pl.DataFrame]:
    return {
        "warehouse_dim_project": pl.DataFrame(
            {
                "project_key": [1, 2, 2, None],
                "project_code": ["a", "b", "b", "c"],
                "handler_phone_masked": ["180****7157", "18012347157", None, "****"],
            }
        ),
        "warehouse_fact_indicator_target": pl.DataFrame(
            {
                "year": [2024, None, 2024],
                "unit_key": [1, 1, None],
                "project_key": [1, 2, 3],
                "indicator_key": [1, 2, 3],
                "source_file": ["a.txt", "a.txt", None],
                "source_line": [3, 4, 5],
                "operator": [">=", "≥", None],
                "measure_unit": ["万", "万元", None],
            }
        ),
        "warehouse_dq_issue": pl.DataFrame(
            {"severity": ["error", "fatal"], "rule_id": ["E001", "X999"]}
        ),
    }


def _findings(frame: pl.DataFrame, suite: str, locate_in_polars: bool) -> pl.DataFrame:
    """The suite's findings; without Polars locating, every rejected row comes from GX's
    complete results (no restatement is offered, so each expectation falls back to GX)."""
    with pytest.MonkeyPatch.context() as patch:
        if not locate_in_polars:
            patch.setattr(
                "expectations.validate.rejected_rows", lambda frame, specs: [None] * len(specs)
            )
        found = validate(frame, suite).findings
    return found.sort(found.columns, nulls_last=True)


def test_every_expectation_type_in_the_suites_is_restated():
    for suite, specs in suite_specs().items():
        for spec in specs:
            assert locate.restatable(str(spec["type"]), dict(spec["kwargs"])), (suite, spec)


def test_polars_finds_exactly_the_rows_gx_rejects(
    tripped_budget, tripped_targets, caplog: pytest.LogCaptureFixture
):
    frames = {
        "silver_project_budget": tripped_budget,
        "silver_indicator_target": tripped_targets,
        **_warehouse_frames(),
    }
    for suite, frame in frames.items():
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger="jixiao.expectations"):
            fast = _findings(frame, suite, locate_in_polars=True)
        assert "disagree" not in caplog.text, suite  # found in Polars, not by the fallback
        assert_frame_equal(fast, _findings(frame, suite, locate_in_polars=False))
        assert fast.height, suite
    budget = _findings(tripped_budget, "silver_project_budget", True)
    assert budget.select("rule_id", "source_line", "column_name", "value").rows() == [
        ("E001", 3, "year", ""),
        ("E001", 23, "project_name", ""),
        ("E001", 23, "unit_code", ""),
        ("E004", 46, "total_raw", "七百"),
        ("E004", 67, "execution_weight_raw", "十"),
        ("E004", 85, "fiscal_in_range", "12.00"),
        ("E004", 101, "bank_loan_raw", "abc"),
        ("E004", 105, "execution_weight_in_range", "10"),
        # The sample's own: 机动经费 has no 万元 on any amount line.
        *(
            ("W107", line, f"{field}_unit_assumed", value)
            for line, field, value in [
                (84, "total", "12.00"),
                (85, "fiscal", "12.00"),
                (86, "special_account", "0.00"),
                (87, "unit_funds", "0.00"),
                (88, "social", "0.00"),
                (89, "bank_loan", "0.00"),
            ]
        ),
    ]  # full-width '１２.５万元' and ' 3,000 ' are numbers: not rejected
    targets = _findings(tripped_targets, "silver_indicator_target", True)
    assert targets.group_by("rule_id").len().sort("rule_id").rows() == [
        ("E003", 2),  # missing, 产出乱码
        ("E004", 4),  # 十, 10%, two in-range flags
        ("W102", 4),  # the sample's four; the row without a year target is not compared
        ("W103", 3),  # the sample's two and the flag set here
        ("W106", 4),  # the sample's three and the pair set here
        ("W109", 1),  # 奇怪指标
    ]


def test_a_disagreement_falls_back_to_gx_complete_results(
    tripped_targets, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    expected = _findings(tripped_targets, "silver_indicator_target", True)
    # A restatement that rejects nothing: its count cannot match GX's where GX rejects rows.
    monkeypatch.setitem(
        locate.REJECTS, "expect_column_values_to_be_in_set", lambda kwargs: pl.lit(False)
    )
    with caplog.at_level(logging.WARNING, logger="jixiao.expectations"):
        found = _findings(tripped_targets, "silver_indicator_target", True)
    assert_frame_equal(found, expected)
    assert "disagree with GX for expect_column_values_to_be_in_set" in caplog.text


def test_expectations_without_a_restatement_are_left_to_gx():
    frame = pl.DataFrame({"a": [1, None, 3], "b": [1, 2, None]})
    rows = locate.rejected_rows(
        frame,
        [
            ("ExpectColumnValuesToNotBeNull", {"column": "a"}),
            ("expect_column_values_to_be_between", {"column": "a", "min_value": 0}),
            (
                "expect_column_pair_values_to_be_equal",
                {"column_A": "a", "column_B": "b", "ignore_row_if": "both_values_are_missing"},
            ),
        ],
    )
    assert rows[0] is not None and rows[0].to_list() == [1]
    assert rows[1] is None and rows[2] is None


def test_gx_judging_distinct_values_gives_every_row_s_verdict_and_count(
    tripped_budget, tripped_targets, monkeypatch: pytest.MonkeyPatch
):
    """The contract lets GX judge the distinct combinations of the validated columns: the
    findings (every rejected row, at its line) and the per-expectation counts and verdicts are
    those of a validation of every row. The target rows repeat, so the distinct frame GX judges
    is much smaller."""
    from expectations import validate as module

    doubled = pl.concat([tripped_targets, tripped_targets])  # every value twice
    frames = {"silver_project_budget": tripped_budget, "silver_indicator_target": doubled}
    judged = module._judged
    for suite, frame in frames.items():
        distinct = validate(frame, suite)
        with monkeypatch.context() as every:
            every.setattr(module, "_judged", lambda checked, specs: checked)
            every_row = validate(frame, suite)
        assert_frame_equal(distinct.findings, every_row.findings)
        assert_frame_equal(distinct.expectations, every_row.expectations)
    specs = suite_specs()["silver_indicator_target"]
    columns = sorted({v for s in specs for k, v in s["kwargs"].items() if k.startswith("column")})
    checked = doubled.select(columns)
    assert judged(checked, specs).height <= checked.height // 2
    unique_spec = [{"type": "ExpectColumnValuesToBeUnique", "kwargs": {"column": "a"}}]
    assert judged(checked, unique_spec) is checked  # counted rows: every row judged
