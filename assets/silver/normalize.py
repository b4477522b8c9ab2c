"""Bronze → silver: typed, canonical, lineage-stamped frames, all in Polars expressions.

Silver keeps every raw value next to its normalized form (`*_raw` columns), so that quality rules
can say exactly what was wrong and a planner can see what the table actually said.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl

from assets import reference
from assets.numbers import amount_parts, as_decimal, in_range
from assets.reference import AMOUNT_FIELDS, LEVEL_DECORATION

MONEY = pl.Decimal(18, 2)
TARGET = pl.Decimal(18, 4)
WEIGHT = pl.Decimal(9, 2)
HTML_TAG = r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>"
HTML_ENTITIES = {"&nbsp;": " ", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&amp;": "&"}


@dataclass(frozen=True)
class SilverFrames:
    project_budget: pl.DataFrame
    indicator_target: pl.DataFrame


def clean_text(expr: pl.Expr) -> pl.Expr:
    """NFKC, whitespace runs folded to one space, trimmed; empty becomes null."""
    return (
        expr.str.normalize("NFKC").str.replace_all(r"\s+", " ").str.strip_chars().replace("", None)
    )


def strip_html(expr: pl.Expr) -> pl.Expr:
    """Drop real tags (`<p>`, `</p>`, `<br/>`), keep `<书名>`-style brackets that are text."""
    text = expr.str.replace_all(HTML_TAG, " ")
    # One pass, so "&amp;lt;" unescapes once, to "&lt;".
    text = text.str.replace_many(list(HTML_ENTITIES), list(HTML_ENTITIES.values()))
    return clean_text(text)


def mask_phone(expr: pl.Expr) -> pl.Expr:
    """Keep the first three and last four digits: 18089987157 → 180****7157."""
    digits = expr.str.replace_all(r"\D", "")
    return (
        pl.when(digits.str.len_chars() >= 8)
        .then(pl.concat_str(digits.str.slice(0, 3), pl.lit("****"), digits.str.slice(-4)))
        .when(digits.str.len_chars() > 0)
        .then(pl.lit("****"))
    )


def per_distinct(
    frame: pl.DataFrame, columns: str | list[str], derived: dict[str, pl.Expr]
) -> pl.DataFrame:
    """Derive columns from `columns` once per distinct value and join them back.

    Cells repeat (a taxonomy, a few operators, units and units of money, recurring names,
    weights, targets and amounts), and Unicode normalization and regexes cost far more per row
    than a hash lookup.
    """
    keys = [columns] if isinstance(columns, str) else columns
    values = frame.select(keys).unique().with_columns(**derived)
    return frame.join(values, on=keys, how="left", nulls_equal=True, maintain_order="left")


def _code_name(column: str, code: str, name: str) -> dict[str, pl.Expr]:
    parts = clean_text(pl.col(column)).str.extract_groups(r"^([0-9A-Za-z]+)\s*-\s*(.+)$")
    return {
        code: parts.struct.field("1"),
        name: pl.coalesce(parts.struct.field("2"), clean_text(pl.col(column))),
    }


def _amount(field: str) -> dict[str, pl.Expr]:
    """An amount in yuan. Its unit: the cell after it or its label's "(元)", else the unit fused
    into the value cell ("300万"), else the table's caption ("单位：元"); 万元 is assumed (W107)
    only where none of them gives one."""
    money = reference.money_units()
    value_text, fused_unit = amount_parts(pl.col(field))
    caption = clean_text(pl.col("money_unit")).str.replace_all(" ", "")
    caption = pl.when(caption.is_in(money["unit"].implode())).then(caption)
    unit = pl.coalesce(pl.col(f"{field}_unit"), fused_unit, caption)
    factor = unit.replace_strict(
        money["unit"], money["yuan_per_unit"], default=10_000, return_dtype=pl.Int64
    )
    value = as_decimal(value_text, pl.Decimal(24, 6))
    yuan = (value * factor).cast(MONEY, strict=False)
    return {
        f"{field}_unit_raw": unit,
        f"{field}_yuan": yuan,
        f"{field}_unit_assumed": pl.col(field).is_not_null() & unit.is_null(),
        f"{field}_in_range": in_range(value_text, yuan),
    }


def _weight(column: str, name: str) -> dict[str, pl.Expr]:
    value = as_decimal(pl.col(column), WEIGHT)
    return {name: value, f"{column}_in_range": in_range(pl.col(column), value)}


def _function_activity() -> dict[str, pl.Expr]:
    parts = clean_text(pl.col("function_activity")).str.extract_groups(
        r"^([0-9A-Za-z]+)\s*-\s*(.+?)\s*/\s*([0-9A-Za-z]+)\s*-\s*(.+)$"
    )
    names = ("function_code", "function_name", "activity_code", "activity_name")
    return {name: parts.struct.field(str(i)) for i, name in enumerate(names, start=1)}


def _unit_or_department() -> dict[str, pl.Expr]:
    """预算单位 and 预算部门 both name the unit when they carry a 6-digit unit code; a shorter
    code (117) is the department's, where the table names no department of its own."""
    department_only = (pl.col("unit_code").str.len_chars() < 6) & pl.col(
        "department_code"
    ).is_null()
    return {
        "department_code": pl.coalesce(
            "department_code", pl.when(department_only).then("unit_code")
        ),
        "department_name": pl.coalesce(
            "department_name", pl.when(department_only).then("unit_name")
        ),
        "unit_code": pl.when(~department_only).then("unit_code"),
        "unit_name": pl.when(~department_only).then("unit_name"),
    }


def _department_identity() -> dict[str, pl.Expr]:
    """A whole department's table (部门整体绩效目标表) has no project and no unit of its own:
    the department stands for both, under its budget code (部门预算编码) where it states one,
    so that planners find it beside the project tables and tell it apart (`project_kind`)."""
    is_department = pl.col("layout") == "department"
    code = pl.coalesce("department_budget_code", "department_code")
    whole = pl.concat_str(pl.col("department_name"), pl.lit("（部门整体）"))
    return {
        "unit_code": pl.coalesce("unit_code", pl.when(is_department).then(code)),
        "unit_name": pl.coalesce("unit_name", pl.when(is_department).then("department_name")),
        "project_code": pl.coalesce("project_code", pl.when(is_department).then(code)),
        "project_name": pl.coalesce("project_name", pl.when(is_department).then(whole)),
        "project_kind": pl.when(is_department)
        .then(pl.lit("department"))
        .otherwise(pl.lit("project")),
    }


def normalize_budget(tables: pl.DataFrame) -> pl.DataFrame:
    """One row per project table: codes split from names, money in exact yuan, phone masked."""
    frame = tables.with_columns(pl.col("title_line").alias("source_line"))
    derived: list[tuple[str | list[str], dict[str, pl.Expr]]] = [
        ("unit", _code_name("unit", "unit_code", "unit_name")),
        ("department", _code_name("department", "department_code", "department_name")),
        ("function_activity", _function_activity()),
        ("handler_name", {"handler_name_clean": clean_text(pl.col("handler_name"))}),
        ("execution_weight", _weight("execution_weight", "weight_value")),
        *[([field, f"{field}_unit", "money_unit"], _amount(field)) for field in AMOUNT_FIELDS],
    ]
    for columns, expressions in derived:
        frame = per_distinct(frame, columns, expressions)
    line_columns = [
        c
        for c in tables.columns
        if c.endswith("_line") and c not in ("title_line", "end_line", "grid_header_line")
    ]
    # "code-name" in one cell, or the code under a label of its own (项目编码).
    project = _code_name("project", "project_code", "project_name")
    project["project_code"] = pl.coalesce(project["project_code"], clean_text(pl.col("project_id")))
    amounts = [
        column
        for field in AMOUNT_FIELDS
        for column in (
            pl.col(field).alias(f"{field}_raw"),
            f"{field}_unit_raw",
            f"{field}_yuan",
            f"{field}_unit_assumed",
            f"{field}_in_range",
        )
    ]
    return (
        frame.select(
            "source_file",
            "source_sha256",
            "table_seq",
            "source_line",
            "end_line",
            "layout",
            "year",
            "unit_code",
            "unit_name",
            "department_code",
            "department_name",
            *[expr.alias(name) for name, expr in project.items()],
            "function_code",
            "function_name",
            "activity_code",
            "activity_name",
            pl.col("handler_name_clean").alias("handler_name"),
            mask_phone(pl.col("handler_phone")).alias("handler_phone_masked"),
            *amounts,
            pl.col("execution_weight").alias("execution_weight_raw"),
            pl.col("weight_value").alias("execution_weight"),
            "execution_weight_in_range",
            strip_html(pl.col("annual_goal")).alias("annual_goal"),
            pl.col("annual_goal").alias("annual_goal_raw"),
            strip_html(pl.col("multi_year_goal")).alias("multi_year_goal"),
            pl.col("project_inferred").fill_null(False).alias("project_inferred"),
            pl.col("handler_name_inferred").fill_null(False).alias("handler_name_inferred"),
            pl.col("handler_phone_inferred").fill_null(False).alias("handler_phone_inferred"),
            pl.col("grid_header_line"),
            *line_columns,
            clean_text(pl.col("department_budget_code")).alias("department_budget_code"),
        )
        .with_columns(pl.col("year").cast(pl.Int32), **_unit_or_department())
        .with_columns(**_department_identity())
    )


def _level1_lookup() -> pl.DataFrame:
    taxonomy = reference.indicator_taxonomy()
    return taxonomy.select("level1_name", "level1_en").unique(maintain_order=True)


def _level2_lookup(raw_names: pl.Series) -> pl.DataFrame:
    """raw level-2 name → canonical name; a unique prefix of a canonical name is a truncation."""
    canonical = reference.indicator_taxonomy().select("level2_name", "level2_en").unique()
    candidates = (
        pl.DataFrame({"level2_key": raw_names.unique().drop_nulls()})
        .join(canonical, how="cross")
        .filter(
            (pl.col("level2_key") == pl.col("level2_name"))
            | (
                (pl.col("level2_key").str.len_chars() >= 2)
                & pl.col("level2_name").str.starts_with(pl.col("level2_key"))
            )
        )
        .with_columns((pl.col("level2_key") == pl.col("level2_name")).alias("exact"))
        .sort("exact", descending=True)
    )
    exact = candidates.filter("exact").unique("level2_key")
    truncated = (
        candidates.filter(~pl.col("exact"))
        .join(exact.select("level2_key"), on="level2_key", how="anti")
        .filter(pl.len().over("level2_key") == 1)
    )
    # Names of the other framework and of other systems ("环境效益指标") are variants too.
    variants = (
        reference.level2_synonyms()
        .select(pl.col("variant").alias("level2_key"), "level2_name")
        .join(canonical, on="level2_name")
        .with_columns(pl.lit(False).alias("exact"))
        .join(exact.select("level2_key"), on="level2_key", how="anti")
    )
    repaired = pl.concat([truncated.select(variants.columns), variants]).unique(
        "level2_key", keep="first", maintain_order=True
    )
    return pl.concat([exact.select(variants.columns), repaired]).select(
        "level2_key", "level2_name", "level2_en", (~pl.col("exact")).alias("level2_repaired")
    )


def _level_key(column: str) -> pl.Expr:
    """Level names compare without spaces and without decoration ("产出指标(50分)", "一、产出指标");
    the raw text is kept beside it."""
    text = clean_text(pl.col(column)).str.replace_all(" ", "")
    return text.str.replace_all(LEVEL_DECORATION, "")


def _operators() -> pl.DataFrame:
    return (
        reference.operators()
        .with_columns(pl.col("raw").str.normalize("NFKC"))
        .unique("raw", keep="first", maintain_order=True)
    )


def _fused_pattern() -> str:
    """Operator, number, unit and an operator word after them, fused in one cell: "≥90%",
    "12台", "≤300万元", "95%以上". Text with digits in it ("2024.03-2024.12") is no match."""
    operators = _operators()

    def alternatives(form: str) -> str:
        words = operators.filter(pl.col("form") == form)["raw"].to_list()
        return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))

    number = r"[+-]?(?:[0-9][0-9,]*(?:\.[0-9]+)?|\.[0-9]+)"
    return f"^({alternatives('prefix')})?({number})([^0-9<>=≥≤]*?)({alternatives('suffix')})?$"


def _value_parts(cells: pl.Series) -> pl.DataFrame:
    """Each distinct value cell (`raw`) as a number (with the operator and unit fused into it,
    if any) or as text. Target and this year's target share their values: judged once."""
    fused = pl.col("fused")
    return (
        cells.unique()
        .to_frame("raw")
        .with_columns(clean_text(pl.col("raw")).alias("text"))
        .with_columns(
            pl.col("text")
            .str.replace_all(" ", "")
            .str.extract_groups(_fused_pattern())
            .alias("fused")
        )
        .with_columns(
            pl.coalesce(
                as_decimal(pl.col("raw"), TARGET), as_decimal(fused.struct.field("2"), TARGET)
            ).alias("value")
        )
        .select(
            "raw",
            "value",
            pl.when(pl.col("value").is_null()).then(pl.col("text")).alias("text"),
            (pl.col("text").is_not_null() & pl.col("value").is_null()).alias("is_text"),
            pl.coalesce(
                fused.struct.field("1").replace("", None), fused.struct.field("4").replace("", None)
            ).alias("fused_operator"),
            fused.struct.field("3").replace("", None).alias("fused_unit"),
        )
    )


def _with_value_parts(frame: pl.DataFrame, columns: tuple[str, ...]) -> pl.DataFrame:
    """`<column>_value`, `_text`, `_is_text`, `_fused_operator`, `_fused_unit` of each column."""
    parts = _value_parts(pl.concat([frame[c] for c in columns]))
    for column in columns:
        named = parts.rename({c: f"{column}_{c}" for c in parts.columns if c != "raw"})
        frame = frame.join(
            named,
            left_on=column,
            right_on="raw",
            how="left",
            nulls_equal=True,
            maintain_order="left",
        )
    return frame


CLASSIFIED_COLUMNS = ["level1", "level2", "operator_said", "unit_said", "weight", "year_weight"]


def _said(frame: pl.DataFrame) -> pl.DataFrame:
    """What the table says of an indicator's operator and unit, wherever it says it: its own
    column, fused into the value, a direction (正向/反向) or a value type (定性) column."""
    return frame.with_columns(
        pl.coalesce(
            "operator",
            "target_fused_operator",
            "year_target_fused_operator",
            "direction",
            "value_type",
        ).alias("operator_said"),
        pl.coalesce("measure_unit", "target_fused_unit", "year_target_fused_unit").alias(
            "unit_said"
        ),
    )


def _classes(frame: pl.DataFrame) -> pl.DataFrame:
    """Hierarchy, operator, unit and weights come from short lists: each distinct combination
    classified once (keys, canonical names, lookups), to be joined back in one go."""
    classes = (
        frame.select(CLASSIFIED_COLUMNS)
        .unique()
        .with_columns(
            _level_key("level1").alias("level1_key"),
            _level_key("level2").alias("level2_key"),
            clean_text(pl.col("operator_said")).str.replace_all(" ", "").alias("operator_key"),
            clean_text(pl.col("unit_said")).str.replace_all(" ", "").alias("unit_key"),
        )
        .with_columns(
            **_weight("weight", "weight_value"), **_weight("year_weight", "year_weight_value")
        )
    )
    operators = _operators().select("raw", "operator")
    return (
        classes.join(_level1_lookup(), left_on="level1_key", right_on="level1_name", how="left")
        .with_columns(
            pl.when(pl.col("level1_en").is_not_null())
            .then(pl.col("level1_key"))
            .alias("level1_name")
        )
        .join(_level2_lookup(classes["level2_key"]), on="level2_key", how="left")
        .join(operators.rename({"raw": "operator_key"}), on="operator_key", how="left")
        .join(reference.measure_units().rename({"raw": "unit_key"}), on="unit_key", how="left")
    )


def _judgement() -> dict[str, pl.Expr]:
    """Operator, its class and the kind of value. A textual value with no operator column of
    its own ("有效提升" under 正向) is qualitative, whatever the direction says."""
    value_kind = (
        pl.when(pl.col("target_is_text") | pl.col("year_target_is_text"))
        .then(pl.lit("text"))
        .when(pl.col("target_value").is_not_null() | pl.col("year_target_value").is_not_null())
        .then(pl.lit("number"))
        .otherwise(pl.lit("empty"))
    )
    operator = (
        pl.when(pl.col("operator").is_null() & (value_kind == "text"))
        .then(pl.lit("qualitative"))
        .otherwise(pl.col("operator_right"))
    )
    operator_class = (
        pl.when(operator == "qualitative")
        .then(pl.lit("qualitative"))
        .when(operator.is_not_null())
        .then(pl.lit("quantitative"))
        .when(pl.col("operator_said").is_not_null())
        .then(pl.lit("unrecognized"))
        .otherwise(pl.lit("missing"))
    )
    return {
        "operator": operator,
        "operator_class": operator_class,
        "value_kind": value_kind,
        "operator_value": pl.concat_str(operator_class, value_kind, separator="/"),
    }


def normalize_targets(indicators: pl.DataFrame, budget: pl.DataFrame) -> pl.DataFrame:
    """One row per indicator: canonical hierarchy, operator, typed values, canonical units."""
    frame = indicators.join(
        budget.select("source_sha256", "table_seq", "year", "unit_code", "project_code"),
        on=("source_sha256", "table_seq"),
        how="left",
        maintain_order="left",
    )
    derived: list[tuple[str | list[str], dict[str, pl.Expr]]] = [
        ("level3", {"level3_name": clean_text(pl.col("level3"))}),
        (
            ["remark", "definition", "standard"],
            {f"{c}_text": clean_text(pl.col(c)) for c in ("remark", "definition", "standard")},
        ),
    ]
    for columns, expressions in derived:
        frame = per_distinct(frame, columns, expressions)
    frame = _said(_with_value_parts(frame, ("target", "year_target")))
    frame = frame.join(
        _classes(frame), on=CLASSIFIED_COLUMNS, how="left", nulls_equal=True, maintain_order="left"
    ).with_columns(**_judgement())
    return frame.select(*TARGET_COLUMNS)


TARGET_COLUMNS = [
    "source_file",
    "source_sha256",
    "table_seq",
    "source_line",
    pl.col("year").cast(pl.Int32),
    "unit_code",
    "project_code",
    pl.col("level1").alias("level1_raw"),
    "level1_key",
    "level1_name",
    "level1_en",
    pl.col("level2").alias("level2_raw"),
    pl.coalesce("level2_name", "level2_key").alias("level2_name"),
    "level2_en",
    pl.col("level2_repaired").fill_null(False),
    "level3_name",
    pl.col("operator_said").alias("operator_raw"),
    "operator",
    "operator_class",
    *[
        pl.col(f"{column}{suffix}").alias(f"{column}{alias}")
        for column in ("target", "year_target")
        for suffix, alias in (("", "_raw"), ("_value", "_value"), ("_text", "_text"))
    ],
    "value_kind",
    "operator_value",
    pl.col("unit_said").alias("measure_unit_raw"),
    pl.coalesce("measure_unit_right", "unit_key").alias("measure_unit"),
    pl.col("kind").alias("measure_unit_kind"),
    pl.col("weight").alias("weight_raw"),
    pl.col("weight_value").alias("weight"),
    "weight_in_range",
    pl.col("year_weight").alias("year_weight_raw"),
    pl.col("year_weight_value").alias("year_weight"),
    "year_weight_in_range",
    pl.col("remark_text").alias("remark"),
    pl.col("definition_text").alias("definition"),
    pl.col("standard_text").alias("standard"),
    pl.col("direction").alias("direction_raw"),
    pl.col("value_type").alias("value_type_raw"),
    "aligned",
]


def normalize(tables: pl.DataFrame, indicators: pl.DataFrame) -> SilverFrames:
    """Normalize a batch of files' bronze (frames that carry `source_file` and `source_sha256`):
    one pass per batch amortizes every expression."""
    budget = normalize_budget(tables)
    targets = normalize_targets(indicators, budget)
    return SilverFrames(budget, targets)
