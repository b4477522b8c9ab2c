"""Bronze → silver: canonical names, operators, units, money and masking, on the sample."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from assets import reference


def at(targets: pl.DataFrame, line: int) -> dict:
    return targets.filter(pl.col("source_line") == line).row(0, named=True)


def test_operators_are_canonical(targets):
    assert dict(targets.group_by("operator").len().rows()) == {
        ">=": 38,
        "<=": 12,
        "=": 9,
        "qualitative": 16,
    }
    assert at(targets, 13)["operator"] == ">=" and at(targets, 13)["operator_raw"] == "≥"
    assert at(targets, 14)["operator"] == "<=" and at(targets, 16)["operator"] == "="
    assert (
        at(targets, 38)["operator"] == "qualitative" and at(targets, 38)["operator_raw"] == "定性"
    )
    assert targets["operator"].null_count() == 0


def test_numeric_and_text_targets(targets):
    row = at(targets, 13)
    assert (row["target_value"], row["year_target_value"]) == (Decimal("100"), Decimal("10"))
    assert row["target_text"] is None
    qualitative = at(targets, 38)
    assert qualitative["target_value"] is None and qualitative["target_text"] == "定性"
    empty = at(targets, 133)
    assert (empty["target_value"], empty["year_target_value"]) == (None, Decimal("5"))
    assert at(targets, 170)["target_value"] == Decimal("12.6")


def test_measure_units_are_canonical(targets):
    row = at(targets, 14)
    assert (row["measure_unit_raw"], row["measure_unit"], row["measure_unit_kind"]) == (
        "万",
        "万元",
        "money",
    )
    assert at(targets, 149)["measure_unit"] == "元/人·次"
    assert at(targets, 38)["measure_unit"] is None


def test_money_is_exact_yuan(budget):
    assert budget["total_yuan"].dtype == pl.Decimal(18, 2)
    assert budget.sort("source_line")["total_yuan"].to_list() == [
        Decimal(v)
        for v in (
            "2000.00",
            "7000000.00",
            "8300.00",
            "4700.00",
            "120000.00",
            "925000.00",
            "110000.00",
            "14300.00",
            "126000.00",
        )
    ]
    assert budget["fiscal_yuan"].to_list() == budget["total_yuan"].to_list()


def test_level2_truncation_is_repaired(targets):
    for line in (40, 41):
        row = at(targets, line)
        assert row["level2_raw"] == "服务对象满意度指"
        assert row["level2_name"] == "服务对象满意度指标" and row["level2_repaired"]
        assert row["level2_en"] == "service-recipient satisfaction"
    assert targets["level2_repaired"].sum() == 2


def test_taxonomy_gives_english_names(targets):
    assert dict(
        targets.group_by("level1_name", "level1_en").len().select("level1_name", "level1_en").rows()
    ) == {
        "产出指标": "output",
        "效益指标": "outcome",
        "满意度指标": "satisfaction",
        "成本指标": "cost",
    }
    assert targets["level2_en"].null_count() == 0


def test_level1_score_suffix_is_dropped():
    from assets.reference import LEVEL_DECORATION

    assert (
        pl.select(pl.lit("产出指标(50分)").str.replace(LEVEL_DECORATION, "")).item() == "产出指标"
    )
    assert (
        pl.select(pl.lit("效益指标（30）").str.replace(LEVEL_DECORATION, "")).item() == "效益指标"
    )


def test_phones_are_masked(budget):
    assert set(budget["handler_phone_masked"]) == {"180****7157", "181****5913"}
    assert "handler_phone" not in budget.columns


def test_reference_lists_are_single_sources():
    assert reference.level1_names() == ["产出指标", "效益指标", "满意度指标", "成本指标"]
    units = reference.measure_units()
    assert units.filter(pl.col("raw") == "万")["measure_unit"].item() == "万元"
