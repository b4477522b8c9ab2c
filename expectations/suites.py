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
from assets.numbers import AMOUNT_REGEX, NUMBER_REGEX
from assets.reference import AMOUNT_FIELDS
from expectations.catalogue import implementations, rules

SUITES_DIR = Path(__file__).with_name("suites")
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


def _header_flags(rule_id: str, flag: str, expected: bool, fields: tuple[str, ...]) -> list[Spec]:
    """One boolean silver column per header field (`<field>_<flag>`), reported at the field's
    own line with its raw value."""
    return [
        _spec(
            rule_id,
            "ExpectColumnValuesToBeInSet",
            column=f"{field}_{flag}",
            value_set=[expected],
            line_column=f"{field}_line",
            value_column=f"{field}_raw",
        )
        for field in fields
    ]


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
    specs += _header_flags("E004", "in_range", True, (*AMOUNT_FIELDS, "execution_weight"))
    specs += _header_flags("W107", "unit_assumed", False, AMOUNT_FIELDS)
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
        *[
            _spec(
                "E004",
                "ExpectColumnValuesToBeInSet",
                column=f"{column}_in_range",
                value_set=[True],
                value_column=f"{column}_raw",
            )
            for column in ("weight", "year_weight")
        ],
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


def _raw_only_units() -> list[str]:
    """Spellings that the unit map rewrites ('万' → '万元'): none may be published."""
    units = reference.measure_units()
    return sorted(set(units["raw"]) - set(units["measure_unit"]))


def _unique(columns: list[str]) -> list[Spec]:
    """G201: single-column keys unique (their NOT NULL is the DDL's; compound keys are G207)."""
    return [_spec("G201", "ExpectColumnValuesToBeUnique", column=c) for c in columns]


def warehouse_dim_unit() -> list[Spec]:
    return _unique(["unit_key", "unit_code"])


def warehouse_dim_project() -> list[Spec]:
    return [
        *_unique(["project_key", "project_code"]),
        _spec(
            "G203",
            "ExpectColumnValuesToMatchRegex",
            column="handler_phone_masked",
            regex=r"^(?:[0-9]{3}\*{4}[0-9]{4}|\*{4})$",
        ),
    ]


def warehouse_dim_indicator() -> list[Spec]:
    return [
        *_unique(["indicator_key"]),
        _spec(
            "G202",
            "ExpectColumnValuesToBeInSet",
            column="level1_name",
            value_set=reference.level1_names(),
        ),
    ]


def warehouse_fact_indicator_target() -> list[Spec]:
    return [
        _spec(
            "G202",
            "ExpectColumnValuesToBeInSet",
            column="operator",
            value_set=sorted(set(reference.operators()["operator"])),
        ),
        _spec(
            "G202",
            "ExpectColumnValuesToNotBeInSet",
            column="measure_unit",
            value_set=_raw_only_units(),
        ),
    ]


def warehouse_dq_issue() -> list[Spec]:
    return [
        _spec(
            "G202", "ExpectColumnValuesToBeInSet", column="severity", value_set=["error", "warning"]
        ),
        _spec(
            "G202",
            "ExpectColumnValuesToBeInSet",
            column="rule_id",
            value_set=list(rules()["rule_id"]),
        ),
    ]


def warehouse_dq_file() -> list[Spec]:
    return [
        _spec(
            "G202",
            "ExpectColumnValuesToBeInSet",
            column="status",
            value_set=["loaded", "partial", "quarantined", "duplicate", "superseded"],
        )
    ]


SUITES = {
    "silver_project_budget": silver_project_budget,
    "silver_indicator_target": silver_indicator_target,
    "warehouse_dim_unit": warehouse_dim_unit,
    "warehouse_dim_project": warehouse_dim_project,
    "warehouse_dim_indicator": warehouse_dim_indicator,
    "warehouse_fact_indicator_target": warehouse_fact_indicator_target,
    "warehouse_dq_issue": warehouse_dq_issue,
    "warehouse_dq_file": warehouse_dq_file,
}
WAREHOUSE_SUITES = {
    name.removeprefix("warehouse_"): name for name in SUITES if name.startswith("warehouse_")
}


def suite_specs() -> dict[str, list[Spec]]:
    return {name: build() for name, build in SUITES.items()}


def rendered() -> dict[str, str]:
    """Suite name → the JSON committed for it."""
    return {
        name: json.dumps({"name": name, "expectations": specs}, ensure_ascii=False, indent=2) + "\n"
        for name, specs in suite_specs().items()
    }


ENGINES = {
    "parser": "the parser",
    "polars": "a Polars rule",
    "gx": "the GX suite",
    "sql": "the SQL query",
}
RULES_DOCUMENT = Path(__file__).with_name("RULES.md")


def rules_document() -> str:
    """`expectations/RULES.md`: the catalogue as a planner reads it, with where each rule is
    enforced, generated from `rules.csv` and the suites so that the three never disagree."""
    where: dict[str, list[str]] = {}
    for suite, specs in suite_specs().items():
        for spec in specs:
            columns = [str(v) for k, v in spec["kwargs"].items() if k.startswith("column")]
            entry = f"`{suite}`: {spec['type']}({', '.join(columns)})"
            where.setdefault(str(spec["meta"]["rule_id"]), []).append(entry)
    lines = [
        "# Quality rules",
        "",
        "Generated from `expectations/rules.csv` by `python -m expectations.suites`; do not edit.",
        "Input errors quarantine their table; G rules guard the warehouse and refuse the publish;",
        "warnings load and are flagged in `dq_issue`.",
        "",
    ]
    for row in rules().iter_rows(named=True):
        places = ", ".join(f"`{place}`" for place in implementations(row["rule_id"]))
        expectations = sorted(set(where.get(row["rule_id"], [])))
        lines += [
            f"## {row['rule_id']} — {row['severity']}: {row['title']}",
            "",
            f"- Why a planner cares: {row['why']}.",
            f"- In the sample: {row['sample_example']}.",
            f"- Implemented by {ENGINES[row['engine']]}: {places}; checked on `{row['guards']}`.",
            *[f"  - {expectation}" for expectation in expectations],
            "",
        ]
    return "\n".join(lines)


def write() -> None:
    SUITES_DIR.mkdir(exist_ok=True)
    for name, text in rendered().items():
        (SUITES_DIR / f"{name}.json").write_text(text, encoding="utf-8")
    RULES_DOCUMENT.write_text(rules_document(), encoding="utf-8")


if __name__ == "__main__":
    write()
    sys.stdout.write(f"wrote {len(SUITES)} suites to {SUITES_DIR}\n")
