"""The number grammar: what a number (or an amount, with its money unit) looks like in a cell.

One grammar for the normalizer, which reads cells that match it, and the quality suites, which
reject amounts and weights that do not (E004): a cell is a number for one exactly when it is
for the other. Spelled with explicit classes rather than \\d and \\s: those send pandas (GX's
engine) back to Python's `re`, row by row, where these run in pyarrow's RE2 over the column.
"""

from __future__ import annotations

import polars as pl

from assets import reference

BLANK = "[ \t\u00a0\u3000]*"
DIGIT = "[0-9\uff10-\uff19]"
DIGITS_AND_COMMAS = "[0-9\uff10-\uff19,\uff0c]*"
POINT = "[.\uff0e]"
NUMBER_BODY = f"[+\uff0b\uff0d-]?(?:{DIGIT}{DIGITS_AND_COMMAS}(?:{POINT}{DIGIT}*)?|{POINT}{DIGIT}+)"
NUMBER_REGEX = f"^{BLANK}{NUMBER_BODY}{BLANK}$"
MONEY_UNITS = "|".join(sorted(reference.money_units()["unit"], key=len, reverse=True))
AMOUNT_REGEX = f"^{BLANK}{NUMBER_BODY}{BLANK}(?:{MONEY_UNITS})?{BLANK}$"
AMOUNT_PARTS = f"^(.*?){BLANK}({MONEY_UNITS})?{BLANK}$"


def is_number(expr: pl.Expr) -> pl.Expr:
    return expr.str.contains(NUMBER_REGEX)


def number_text(expr: pl.Expr) -> pl.Expr:
    """A number cell as a decimal literal: NFKC (full-width digits), no blanks or commas."""
    return expr.str.normalize("NFKC").str.replace_all(r"[\s,]", "")


def as_decimal(expr: pl.Expr, dtype: pl.Decimal) -> pl.Expr:
    """The cell's number, or null when it is no number or too large for `dtype`."""
    return pl.when(is_number(expr)).then(number_text(expr).cast(dtype, strict=False))


def in_range(expr: pl.Expr, value: pl.Expr) -> pl.Expr:
    """False when the cell is a number that its decimal column cannot hold (the value is then
    null, and E004 reports it); text that is no number at all is the regex check's business."""
    return ~is_number(expr).fill_null(False) | value.is_not_null()


def amount_parts(expr: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """An amount cell's number text and the money unit fused into it ("12.00万元"), if any."""
    parts = expr.str.extract_groups(AMOUNT_PARTS)
    return parts.struct.field("1"), parts.struct.field("2")
