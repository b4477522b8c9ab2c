"""The business-owned lists (labels, taxonomy, units, operators) as data files.

Every list lives in exactly one CSV next to this module; parser, normalizer, rules, docs and
tests all read them through these loaders, so a new layout or synonym is a one-line data change.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

REFERENCE_DIR = Path(__file__).parent


FULL_WIDTH = {"：": ":", "（": "(", "）": ")", "％": "%", "\u3000": " "}


# What decorates a level-1 or level-2 name: a points or weight suffix ("(50分)", "（30分）",
# "(10%)"), a required-field star, or numbering ("一、", "1.", "(2)", "指标1：").
LEVEL_DECORATION = (
    r"[(（]\s*\d+(\.\d+)?\s*(分|%)?\s*[)）]$"
    r"|^[*★☆]+"
    r"|^(?:[0-9]+|[一二三四五六七八九十]+)[.、:：)）]"
    r"|^[(（](?:[0-9]+|[一二三四五六七八九十]+)[)）]"
    r"|^(?:指标|目标)[0-9]+[:：.、]?"
)
REQUIRED_MARK = r"^[*★☆]+"
LABEL_MONEY_UNIT = r"\((万元|元|亿元)\)$"


def _label_text(expr: pl.Expr) -> pl.Expr:
    """A label cell without spaces, with ASCII punctuation, no required-field star, no leading
    '其中' and no trailing colon. (The full-width forms labels use are mapped directly: a full
    NFKC pass over every cell costs more than the rest of the header parsing.)"""
    return (
        expr.str.replace_many(list(FULL_WIDTH), list(FULL_WIDTH.values()))
        .str.replace_all(r"\s+", "")
        .str.replace(REQUIRED_MARK, "")
        .str.replace(r"^其中:?", "")
        .str.strip_suffix(":")
    )


def label_key(expr: pl.Expr) -> pl.Expr:
    """Canonical form of a label cell: "*预算数(元)：" and "预算数" have the same key; the money
    unit a label names is `label_money_unit`."""
    return _label_text(expr).str.replace(LABEL_MONEY_UNIT, "")


def label_money_unit(expr: pl.Expr) -> pl.Expr:
    """The money unit a label names ("预算数(元)" → 元), or null."""
    return _label_text(expr).str.extract(LABEL_MONEY_UNIT, 1)


@cache
def _read(name: str) -> pl.DataFrame:
    return pl.read_csv(REFERENCE_DIR / f"{name}.csv", infer_schema=False)


def header_labels() -> pl.DataFrame:
    """label (normalized) → field, kind; the header is read by label, never by position."""
    frame = _read("header_labels")
    return frame.with_columns(label_key(pl.col("label")).alias("label")).unique(
        "label", keep="first", maintain_order=True
    )


def header_shapes() -> pl.DataFrame:
    """field → regex that recognizes an unlabeled header value by its shape."""
    return _read("header_shapes")


def grid_columns() -> pl.DataFrame:
    """grid header label (normalized) → canonical column."""
    frame = _read("grid_columns")
    return frame.with_columns(label_key(pl.col("label")).alias("label")).unique(
        "label", keep="first", maintain_order=True
    )


GRID_COLUMNS: tuple[str, ...] = (
    "level1",
    "level2",
    "level3",
    "operator",
    "target",
    "year_target",
    "measure_unit",
    "weight",
    "year_weight",
    "remark",
    "value_type",
    "direction",
    "definition",
    "standard",
    # The project's own cells in a flat table of many projects (one row per indicator).
    "row_department",
    "row_unit",
    "row_project",
    "row_total",
    "row_goal",
    # A self-evaluation's columns (绩效自评): recognized, reported (W112), never targets.
    "self_evaluation_actual",
    "self_evaluation_score",
    "self_evaluation_note",
)
FUNDING_FIELDS: tuple[str, ...] = (
    "fiscal",
    "special_account",
    "unit_funds",
    "social",
    "bank_loan",
)
"""Where a project's money comes from: they add up to its total (W104)."""
SPENDING_FIELDS: tuple[str, ...] = ("basic_expenditure", "project_expenditure")
"""What a whole department's money is spent on (部门整体绩效目标表)."""
AMOUNT_FIELDS: tuple[str, ...] = ("total", *FUNDING_FIELDS, *SPENDING_FIELDS)


def indicator_taxonomy() -> pl.DataFrame:
    return _read("indicator_taxonomy")


def level1_names() -> list[str]:
    return indicator_taxonomy()["level1_name"].unique(maintain_order=True).to_list()


def level2_synonyms() -> pl.DataFrame:
    """Level-2 names of other frameworks and systems → the canonical level-2 name."""
    return _read("level2_synonyms")


def sections() -> pl.DataFrame:
    """Titles of sections that are not targets (年度履职目标, 项目预算成本构成 …)."""
    return _read("sections").with_columns(label_key(pl.col("title")).alias("title"))


def operators() -> pl.DataFrame:
    return _read("operators")


def measure_units() -> pl.DataFrame:
    return _read("measure_units")


def money_units() -> pl.DataFrame:
    return _read("money_units").with_columns(pl.col("yuan_per_unit").cast(pl.Int64))


def unit_plausibility() -> pl.DataFrame:
    return _read("unit_plausibility")
