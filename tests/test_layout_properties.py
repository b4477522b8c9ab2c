"""Property: a table of a known layout, re-rendered in another known layout of the family, gives
the same silver rows."""

from __future__ import annotations

import random
from decimal import Decimal

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.corpus import TableSpec, make_table, render_table
from tests.conftest import normalize_file, parse_file

BUDGET = ["project_code", "project_name", "unit_code", "year", "total_yuan", "fiscal_yuan"]
TARGETS = [
    "project_code",
    "level1_name",
    "level2_name",
    "level3_name",
    "operator",
    "target_value",
    "target_text",
    "measure_unit",
    "weight",
]
LEVEL1_POINTS = {
    "产出指标": "(50分)",
    "效益指标": "（30分）",
    "满意度指标": "(10%)",
    "成本指标": "",
}


def _yuan(wan_yuan: str) -> str:
    """An amount the sample layout gives in 万元, as the other layouts write it in 元."""
    return f"{Decimal(wan_yuan) * 10_000:,.2f}"


def _fused(indicator) -> str:
    """Operator, value and unit in one cell, as 指标值及单位 holds them; text stays text."""
    if indicator.operator == "定性":
        return indicator.target
    return f"{indicator.operator}{indicator.target}{indicator.unit}"


def _fused_rows(spec: TableSpec) -> list[str]:
    """The grid with merged level cells (each name on its group's first row only)."""
    rows, last1, last2 = [], None, None
    for indicator in spec.indicators:
        level1 = indicator.level1 + LEVEL1_POINTS.get(indicator.level1, "")
        shown1 = "" if indicator.level1 == last1 else level1
        shown2 = "" if (indicator.level1, indicator.level2) == (last1, last2) else indicator.level2
        last1, last2 = indicator.level1, indicator.level2
        rows.append(
            f"{shown1}\t{shown2}\t{indicator.level3}\t{_fused(indicator)}\t{indicator.weight}\t"
        )
    return rows


def render_project_in_yuan(spec: TableSpec) -> str:
    """Another system's project table: synonym labels, a 单位：元 caption, fused values."""
    lines = [
        f"{spec.year}年度项目支出绩效目标表",
        "单位：元",
        f"预算单位：\t{spec.unit}\t\t项目支出名称：\t{spec.project}",
        f"主管部门：\t{spec.department}\t\t项目负责人：\t{spec.handler}",
        f"预算数(元)：\t{_yuan(spec.amounts['total'])}\t\t其中：财政拨款：\t"
        f"{_yuan(spec.amounts['fiscal'])}",
        f"本年度绩效目标：\t{spec.goal}",
        "一级指标\t二级指标\t指标名称\t指标值及单位\t*权重\t说明",
        *_fused_rows(spec),
    ]
    return "\n".join(lines) + "\n"


def render_flat(specs: list[TableSpec]) -> str:
    """Every table as one project of a flat table, in 万元 by the table's caption."""
    lines = [
        f"{specs[0].year}年度项目支出绩效目标表（汇总）",
        "金额单位：万元",
        "单位名称\t项目名称\t预算数\t年度目标\t一级指标\t二级指标\t三级指标\t指标性质\t指标值\t"
        "度量单位\t权重",
    ]
    for spec in specs:
        for n, i in enumerate(spec.indicators):
            project = (
                f"{spec.unit}\t{spec.project}\t{spec.amounts['total']}\t{spec.goal}"
                if n == 0
                else "\t\t\t"
            )
            lines.append(
                f"{project}\t{i.level1}\t{i.level2}\t{i.level3}\t{i.operator}\t{i.target}\t"
                f"{i.unit}\t{i.weight}"
            )
    lines.append(f"合计\t\t{sum(Decimal(s.amounts['total']) for s in specs):.2f}")
    return "\n".join(lines) + "\n"


def _silver(text: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    frames = normalize_file(parse_file(text.encode()), "f.txt", "x")
    budget = frames.project_budget.select(BUDGET).sort("project_code")
    targets = frames.indicator_target.select(TARGETS)
    return budget, targets


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), tables=st.integers(1, 4))
def test_the_same_tables_in_any_known_layout_give_the_same_silver(seed: int, tables: int):
    rng = random.Random(seed)
    specs = [make_table(rng, serial, 2024, 1) for serial in range(tables)]
    specs = [spec for spec in specs if spec.broken is None] or [make_table(rng, 99, 2024, 1)]
    for spec in specs:
        spec.broken, spec.quirks = None, []
        spec.amounts["fiscal"] = spec.amounts["total"]
    reference_budget, reference_targets = _silver(
        "\n".join(render_table(spec, random.Random(seed)) for spec in specs)
    )
    assert reference_budget.height == len(specs)
    for rendered in (
        "\n".join(render_project_in_yuan(spec) for spec in specs),
        render_flat(specs),
    ):
        budget, targets = _silver(rendered)
        if "汇总" in rendered:  # a flat table states no fiscal line
            budget = budget.with_columns(reference_budget["fiscal_yuan"])
        assert budget.equals(reference_budget)
        assert targets.equals(reference_targets)
