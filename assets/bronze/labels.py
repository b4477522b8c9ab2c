"""Label cells to canonical fields and columns, with the repair of labels one typo away (W111).

The known labels come from the reference lists; a label-like cell that matches none is given
the one known label a single edit away, when exactly one is.
"""

from __future__ import annotations

import polars as pl

from assets.bronze.findings import findings

REPAIRED_WHERE = {"field": "header", "column": "grid_header"}


def one_edit_apart(typed: str, label: str) -> bool:
    """Levenshtein distance exactly 1: one character replaced, added or dropped."""
    if typed == label or abs(len(typed) - len(label)) > 1:
        return False
    if len(typed) == len(label):
        return sum(a != b for a, b in zip(typed, label, strict=True)) == 1
    short, long = sorted((typed, label), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def typo_repairs(unknown: pl.Series, known: pl.Series) -> pl.DataFrame:
    """Unknown label keys → the one known label a single typo away (none when ambiguous).

    Runs over the distinct unknown labels of a batch — a handful — never over the cells.
    """
    labels = known.unique().to_list()
    rows = []
    for key in unknown.drop_nulls().unique().to_list():
        matches = [label for label in labels if len(key) >= 3 and one_edit_apart(key, label)]
        if len(matches) == 1:
            rows.append((key, matches[0]))
    return pl.DataFrame(rows, schema={"key": pl.String, "repaired": pl.String}, orient="row")


def _repair_findings(repaired: pl.DataFrame, target: str) -> pl.DataFrame:
    return findings(
        repaired,
        "W111",
        REPAIRED_WHERE[target],
        pl.format("{} → {}", "cell", "repaired"),
        "label read as the known label one typo away",
    )


def with_repairs(
    cells: pl.DataFrame, labels: pl.DataFrame, target: str, label_like: pl.Expr
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Give label-like cells that matched no label the label one typo away (W111)."""
    unknown = cells.filter(pl.col(target).is_null() & label_like)["key"]
    repairs = typo_repairs(unknown, labels["label"])
    if repairs.height == 0:
        empty = cells.clear().with_columns(pl.lit("", dtype=pl.String).alias("repaired"))
        return cells, _repair_findings(empty, target)
    mapped = repairs.join(labels, left_on="repaired", right_on="label")

    def repaired(column: str) -> pl.Expr:
        return pl.col("key").replace_strict(mapped["key"], mapped[column], default=None)

    # A handful of keys: looked up by value, never joined against every cell.
    fixed = pl.col(target).is_null() & pl.col("key").is_in(mapped["key"].implode())
    found = _repair_findings(
        cells.filter(fixed).with_columns(repaired("repaired").alias("repaired")), target
    )
    others = [c for c in labels.columns if c != "label"]
    cells = cells.with_columns(
        [pl.when(fixed).then(repaired(c)).otherwise(pl.col(c)).alias(c) for c in others]
    )
    return cells, found
