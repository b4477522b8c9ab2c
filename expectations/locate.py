"""Which rows an expectation rejects, restated in Polars from the same suite JSON.

GX decides every expectation and counts what it rejects; a finding also needs each rejected
row's file and line. GX hands out complete row-index lists only in its COMPLETE result format,
and then serializes them into its validation store and Data Docs: on the benchmark corpus that
costs more than the validation itself. So GX runs with BASIC results (verdicts and counts, no
index lists: SUMMARY's partial index lists alone doubled a small suite's time) and the rows are
found here, by the expectation restated as a Polars predicate over the very frame GX saw. The two
counts must agree expectation by expectation; where they do not (or an expectation type has no
restatement here), the caller asks GX for the complete index list instead. One source of truth
stays one: the kwargs come from the committed suite, never from a second copy of the rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import polars as pl

Kwargs = dict[str, Any]


def _not_null_and(column: str, rejected: pl.Expr) -> pl.Expr:
    """Column-map expectations other than not-null skip missing values, as GX does."""
    return pl.col(column).is_not_null() & rejected


def _regex_rejects(kwargs: Kwargs) -> pl.Expr:
    column = kwargs["column"]
    return _not_null_and(
        column, ~pl.col(column).cast(pl.String).str.contains(kwargs["regex"]).fill_null(False)
    )


def _pair_rejects(kwargs: Kwargs) -> pl.Expr:
    if kwargs.get("ignore_row_if") != "either_value_is_missing":
        raise NotImplementedError("only ignore_row_if='either_value_is_missing' is restated")
    a, b = pl.col(kwargs["column_A"]), pl.col(kwargs["column_B"])
    return a.is_not_null() & b.is_not_null() & (a != b)


# Keyed by GX's snake_case expectation type, as a result's `expectation_config.type` names it
# (the committed suites name the class: `snake_case` maps one onto the other).
REJECTS: dict[str, Callable[[Kwargs], pl.Expr]] = {
    "expect_column_values_to_not_be_null": lambda k: pl.col(k["column"]).is_null(),
    "expect_column_values_to_be_in_set": lambda k: _not_null_and(
        k["column"], ~pl.col(k["column"]).is_in(k["value_set"])
    ),
    "expect_column_values_to_not_be_in_set": lambda k: _not_null_and(
        k["column"], pl.col(k["column"]).is_in(k["value_set"])
    ),
    "expect_column_values_to_match_regex": _regex_rejects,
    "expect_column_values_to_be_unique": lambda k: _not_null_and(
        k["column"], pl.col(k["column"]).is_duplicated()
    ),
    "expect_column_pair_values_to_be_equal": _pair_rejects,
}


def snake_case(expectation_type: str) -> str:
    """'ExpectColumnValuesToBeInSet' → 'expect_column_values_to_be_in_set' (snake stays)."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", expectation_type).lower()


def restatable(expectation_type: str, kwargs: Kwargs) -> bool:
    try:
        REJECTS[snake_case(expectation_type)](kwargs)
    except (KeyError, NotImplementedError):
        return False
    return True


def rejected_rows(frame: pl.DataFrame, specs: list[tuple[str, Kwargs]]) -> list[pl.Series | None]:
    """Per (type, kwargs): the 0-based indexes of the rows it rejects (None: not restated).

    Every predicate is evaluated in one `select`, so Polars runs them in parallel over the frame.
    """
    names = [f"_{i}" for i in range(len(specs))]
    exprs = {
        name: REJECTS[snake_case(kind)](kwargs).alias(name)
        for name, (kind, kwargs) in zip(names, specs, strict=True)
        if restatable(kind, kwargs)
    }
    flags = frame.select(list(exprs.values())) if exprs else pl.DataFrame()
    return [
        flags[name].fill_null(False).arg_true().cast(pl.UInt32) if name in exprs else None
        for name in names
    ]
