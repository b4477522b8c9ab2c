"""The indicator grid: its columns from the grid's own header row, then each row by them.

A cell under no known column makes its row E002 (misaligned) instead of shifting values.
"""

from __future__ import annotations

import polars as pl

from assets import reference
from assets.bronze.findings import findings
from assets.bronze.labels import with_repairs
from assets.bronze.zones import cells, run_starts
from assets.reference import GRID_COLUMNS, LEVEL_DECORATION, label_money_unit

REQUIRED_COLUMNS = ("level1", "level2", "level3")


def _filled_cells() -> pl.Expr:
    """How many of a grid row's cells hold something."""
    return pl.col("cells").list.eval(pl.element().str.strip_chars() != "").list.sum()


def _listed(columns: tuple[str, ...], present: bool) -> pl.Expr:
    """The names of `columns` whose position is known (`present`) or unknown, as a list."""
    return pl.concat_list(
        [pl.when(pl.col(f"pos_{c}").is_not_null() == present).then(pl.lit(c)) for c in columns]
    ).list.drop_nulls()


def read_grid_layout(lines: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per table: the position of each canonical grid column, read from the grid's header row;
    E002 where a required column is missing, W111 for repaired labels."""
    grid_labels = reference.grid_columns()
    header = cells(lines, "grid_header").join(
        grid_labels, left_on="key", right_on="label", how="left"
    )
    header, repaired = with_repairs(header, grid_labels, "column", pl.lit(True))
    mapped = header.filter(pl.col("column").is_not_null()).unique(
        ("table_seq", "column"), keep="first", maintain_order=True
    )
    positions = mapped.pivot(on="column", index="table_seq", values="pos")
    absent = [pl.lit(None, dtype=pl.Int32).alias(c) for c in GRID_COLUMNS if c not in positions]
    positions = positions.with_columns(absent).select(
        "table_seq", *[pl.col(c).cast(pl.Int32).alias(f"pos_{c}") for c in GRID_COLUMNS]
    )
    layout = (
        header.group_by("table_seq")
        .agg(
            pl.col("line").first().alias("grid_header_line"),
            pl.col("cell").alias("grid_header_cells"),
            # The money unit a flat table's 预算数 column names ("预算数(元)").
            label_money_unit(pl.col("cell").filter(pl.col("column") == "row_total"))
            .first()
            .alias("row_total_unit"),
            pl.col("cell")
            .filter(pl.col("column").str.starts_with("self_evaluation_"))
            .alias("self_evaluation_labels"),
            (pl.col("pos").max() + 1).alias("grid_width"),
        )
        .join(positions, on="table_seq", how="left")
        .with_columns(_listed(GRID_COLUMNS, True).alias("grid_columns"))
    )
    missing = layout.with_columns(
        _listed(REQUIRED_COLUMNS, False).list.join(", ").alias("missing")
    ).filter(pl.col("missing") != "")
    incomplete = findings(
        missing,
        "E002",
        "grid_header",
        pl.col("grid_header_cells").list.join(" | "),
        pl.format("indicator grid header lacks the column(s): {}", "missing"),
        line=pl.col("grid_header_line"),
    )
    return layout, pl.concat([incomplete, repaired])


def _carried_down(rows: pl.DataFrame) -> pl.DataFrame:
    """Merged cells flattened: a level-1 name given only on the first row of its group holds
    for the rows below it, and so does a level-2 name within its level-1 group.

    Rows are in line order, so a group is a run of rows: a value is carried from the last row
    that gave one, as long as that row is inside the run (no grouped window).
    """
    row = pl.int_range(pl.len())
    new_table = run_starts("table_seq")

    def carried(column: str, run_starts: pl.Expr) -> pl.Expr:
        run_start = pl.when(run_starts).then(row).forward_fill()
        given_at = pl.when(pl.col(column).is_not_null()).then(row).forward_fill()
        return pl.when(given_at >= run_start).then(pl.col(column).forward_fill())

    return rows.sort("line").with_columns(
        (pl.col("level1").is_null() | pl.col("level2").is_null()).alias("carried_down"),
        carried("level1", new_table),
        carried("level2", new_table | pl.col("level1").is_not_null()),
    )


def _level_names() -> tuple[list[str], list[str]]:
    """Known level-1 and level-2 names (taxonomy and variants), as cells spell them."""
    taxonomy = reference.indicator_taxonomy()
    level2 = [*taxonomy["level2_name"], *reference.level2_synonyms()["variant"]]
    return taxonomy["level1_name"].unique().to_list(), sorted(set(level2))


def _realigned(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows whose empty level cells collapsed (an exporter that drops merged cells instead of
    leaving them empty) are aligned by content: a short row that starts with a level-2 name
    (or with no level name at all) is moved right to the level-2 (or level-3) column.

    First cells repeat (the level-1 names): each distinct one is judged once, and only the rows
    whose first cell could move them are looked at further, then put back in place.
    """
    level1, level2 = _level_names()
    first_cell = pl.col("cells").list.first().alias("first_cell")
    first = pl.col("first_cell").str.strip_chars().str.replace_all(LEVEL_DECORATION, "")
    # An indicator's own name: some text, not an operator or a number.
    named = ~first.is_in(reference.operators()["raw"].to_list()) & ~first.str.contains(
        r"^[0-9.,%\s]*$"
    )
    starts = (
        rows.select(first_cell)
        .unique()
        .select(
            "first_cell",
            pl.when(first.is_in(level1) | (first == ""))
            .then(None)
            .when(first.is_in(level2))
            .then(pl.lit("level2"))
            .when(named)
            .then(pl.lit("level3"))
            .alias("moves_to"),
        )
        .drop_nulls()
    )
    if starts.height == 0:
        return rows
    # A name needs cells after it to be an indicator's.
    shift = (
        pl.when(pl.col("moves_to") == "level2")
        .then(pl.col("pos_level2") - pl.col("pos_level1"))
        .when(_filled_cells() >= 2)
        .then(pl.col("pos_level3") - pl.col("pos_level1"))
        .otherwise(0)
    )
    fits = pl.col("cells").list.len() + shift <= pl.col("grid_width")
    indexed = rows.with_row_index("row")
    moved = (
        indexed.filter(pl.col("pos_level1") == 0)
        .with_columns(first_cell)
        .join(starts, on="first_cell")
        .with_columns(pl.when(fits).then(shift).otherwise(0).alias("shift"))
        .filter(pl.col("shift") > 0)
        .select(
            "row",
            pl.concat_list(pl.lit("").repeat_by(pl.col("shift")), pl.col("cells")).alias("cells"),
        )
    )
    if moved.height == 0:
        return rows
    return (
        pl.concat(
            [
                indexed.join(moved, on="row", how="anti"),
                indexed.drop("cells").join(moved, on="row").select(indexed.columns),
            ]
        )
        .sort("row")
        .drop("row")
    )


def read_grid_rows(lines: pl.DataFrame, layout: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Indicator rows by the positions of their table's grid header; extra cells misalign."""
    rows = (
        lines.filter(pl.col("zone") == "grid")
        .select("table_seq", "line", pl.col("text").str.split("\t").alias("cells"))
        .join(
            layout.drop(
                "grid_header_cells", "grid_columns", "row_total_unit", "self_evaluation_labels"
            ),
            on="table_seq",
            how="left",
        )
        .pipe(_realigned)
    )
    values = [
        pl.col("cells")
        .list.get(pl.col(f"pos_{c}"), null_on_oob=True)
        .str.strip_chars()
        .replace("", None)
        .alias(c)
        for c in GRID_COLUMNS
    ]
    rows = rows.with_columns(values)
    mapped_cells = pl.sum_horizontal([pl.col(c).is_not_null() for c in GRID_COLUMNS])
    rows = rows.with_columns((_filled_cells() == mapped_cells).alias("aligned"))
    indicators = _carried_down(rows).select(
        "table_seq", pl.col("line").alias("source_line"), *GRID_COLUMNS, "aligned", "carried_down"
    )
    misaligned = findings(
        rows.filter(~pl.col("aligned")),
        "E002",
        "grid_row",
        pl.col("cells").list.join(" | "),
        "grid row has non-empty cells under no known grid column",
    )
    return indicators, misaligned
