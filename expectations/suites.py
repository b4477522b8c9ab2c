"""The GX suites, stated as plain data built from the rule catalogue and the reference lists.

Kept free of any GX import so that Definitions loading, sensors and the planner CLI never pay
for it. `python -m expectations.suites` writes the JSON under `expectations/suites/`, which is
committed so that reviews see every change to an expectation; a test keeps them in sync.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from assets import reference
from assets.reference import AMOUNT_FIELDS
from expectations.catalogue import rules

SUITES_DIR = Path(__file__).with_name("suites")
NUMBER_REGEX = r"^\s*[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)\s*$"
MONEY_UNITS = "|".join(sorted(reference.money_units()["unit"], key=len, reverse=True))
AMOUNT_REGEX = rf"^\s*[+-]?(?:\d[\d,]*(?:\.\d*)?|\.\d+)\s*(?:{MONEY_UNITS})?\s*$"
# operator class / value kind pairs that agree (GX's column-pair set check iterates rows in
# Python, ~50 µs a row; one combined column keeps W106 vectorized).
OPERATOR_VALUE_PAIRS = [
    "quantitative/number",
    "quantitative/empty",
    "qualitative/text",
    "qualitative/empty",
]

Spec = dict[str, object]


def _spec(
    rule_id: str,
    expectation: str,
    *,
    line_column: str | None = None,
    value_column: str | None = None,
    **kwargs: object,
) -> Spec:
    """One expectation; `line_column`/`value_column` point a finding at the exact cell."""
    severity = rules().filter(rules()["rule_id"] == rule_id)["severity"].item()
    meta: dict[str, object] = {"rule_id": rule_id, "severity": severity}
    if line_column:
        meta["line_column"] = line_column
    if value_column:
        meta["value_column"] = value_column
    return {"type": expectation, "kwargs": kwargs, "meta": meta}


def silver_project_budget() -> list[Spec]:
    identity = {
        "year": None,
        "unit_code": "unit",
        "project_code": "project",
        "project_name": "project",
    }
    specs = [
        _spec(
            "E001",
            "ExpectColumnValuesToNotBeNull",
            column=column,
            line_column=f"{field}_line" if field else None,
        )
        for column, field in identity.items()
    ]
    specs += [
        _spec(
            "E004",
            "ExpectColumnValuesToMatchRegex",
            column=f"{field}_raw",
            regex=AMOUNT_REGEX,
            line_column=f"{field}_line",
        )
        for field in AMOUNT_FIELDS
    ]
    specs.append(
        _spec(
            "E004",
            "ExpectColumnValuesToMatchRegex",
            column="execution_weight_raw",
            regex=NUMBER_REGEX,
            line_column="execution_weight_line",
        )
    )
    specs += [
        _spec(
            "W107",
            "ExpectColumnValuesToBeInSet",
            column=f"{field}_unit_assumed",
            value_set=[False],
            line_column=f"{field}_line",
            value_column=f"{field}_raw",
        )
        for field in AMOUNT_FIELDS
    ]
    return specs


def silver_indicator_target() -> list[Spec]:
    taxonomy = reference.indicator_taxonomy()
    return [
        _spec("E003", "ExpectColumnValuesToNotBeNull", column="level1_key"),
        _spec(
            "E003",
            "ExpectColumnValuesToBeInSet",
            column="level1_key",
            value_set=reference.level1_names(),
        ),
        _spec("E004", "ExpectColumnValuesToMatchRegex", column="weight_raw", regex=NUMBER_REGEX),
        _spec(
            "E004", "ExpectColumnValuesToMatchRegex", column="year_weight_raw", regex=NUMBER_REGEX
        ),
        _spec(
            "W102",
            "ExpectColumnPairValuesToBeEqual",
            column_A="target_value",
            column_B="year_target_value",
            ignore_row_if="either_value_is_missing",
        ),
        _spec(
            "W103",
            "ExpectColumnValuesToBeInSet",
            column="level2_repaired",
            value_set=[False],
            value_column="level2_raw",
        ),
        _spec(
            "W106",
            "ExpectColumnValuesToBeInSet",
            column="operator_value",
            value_set=OPERATOR_VALUE_PAIRS,
        ),
        _spec(
            "W109",
            "ExpectColumnValuesToBeInSet",
            column="level2_name",
            value_set=sorted(taxonomy["level2_name"].unique()),
        ),
    ]


SUITES = {
    "silver_project_budget": silver_project_budget,
    "silver_indicator_target": silver_indicator_target,
}


def suite_specs() -> dict[str, list[Spec]]:
    return {name: build() for name, build in SUITES.items()}


def rendered() -> dict[str, str]:
    """Suite name → the JSON committed for it."""
    return {
        name: json.dumps({"name": name, "expectations": specs}, ensure_ascii=False, indent=2) + "\n"
        for name, specs in suite_specs().items()
    }


def write() -> None:
    SUITES_DIR.mkdir(exist_ok=True)
    for name, text in rendered().items():
        (SUITES_DIR / f"{name}.json").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    write()
    sys.stdout.write(f"wrote {len(SUITES)} suites to {SUITES_DIR}\n")
