"""Flat tables of many projects: one grid whose rows carry 单位名称 / 项目名称 / 预算数 / 年度目标
beside the indicator columns, those cells filled only on each project's first row.

Each project becomes a table of its own, exactly as if it had been exported alone: its header
fields are the project's cells (its line is the project's first row), its indicators the rows
down to the next project. A department row ("650-XX镇部门", one cell) gives the department of
the units below it; a 合计 row is no project. Work stays in the parser's batch-wide keys.
"""

from __future__ import annotations

import polars as pl

from assets.bronze.findings import findings

GROUP_KEY = 1 << 12
"""A table's key while it is split: `table_seq * GROUP_KEY + project group` (0: not split)."""
ROW_FIELDS = {"row_project": "project", "row_total": "total", "row_goal": "annual_goal"}
"""A flat row's project cells → the header fields they are (the unit is carried down apart)."""
TOTAL_WORDS = ("合计", "总计", "小计")


def _classified_rows(indicators: pl.DataFrame, flat: pl.Series) -> pl.DataFrame:
    """The rows of flat tables with their project group and their role."""
    rows = indicators.filter(pl.col("table_seq").is_in(flat.implode()))
    first_cells = pl.concat_str(
        [pl.col(c).fill_null("") for c in ("row_department", "row_unit", "row_project")]
    )
    is_total = first_cells.str.replace_all(r"\s", "").is_in(list(TOTAL_WORDS))
    no_indicator = pl.all_horizontal(pl.col(c).is_null() for c in ("level3", "target"))
    is_department = (
        pl.col("row_project").is_null()
        & no_indicator
        & pl.coalesce("row_department", "row_unit").is_not_null()
        & ~is_total
    )
    # A project starts where its cell is given and differs from the one above (exporters that
    # repeat a merged cell on every row of the project give it again and again).
    previous = pl.col("row_project").forward_fill().shift(1).over("table_seq")
    starts = pl.col("row_project").is_not_null() & pl.col("row_project").ne_missing(previous)
    return rows.with_columns(
        starts.cum_sum().over("table_seq").alias("group"),
        is_total.alias("is_total"),
        is_department.alias("is_department"),
        pl.when(is_department)
        .then(pl.coalesce("row_department", "row_unit"))
        .otherwise(pl.col("row_department"))
        .forward_fill()
        .over("table_seq")
        .alias("department_of_row"),
        pl.when(~is_department & ~is_total)
        .then(pl.col("row_unit"))
        .forward_fill()
        .over("table_seq")
        .alias("unit_of_row"),
    )


def _project_heads(rows: pl.DataFrame) -> pl.DataFrame:
    """One row per project: its first row's line and cells, its last line."""
    members = rows.filter((pl.col("group") > 0) & ~pl.col("is_total") & ~pl.col("is_department"))
    return members.group_by("table_seq", "group", maintain_order=True).agg(
        pl.col("source_line").first().alias("head_line"),
        pl.col("source_line").last().alias("last_line"),
        pl.col("unit_of_row").first().alias("unit"),
        pl.col("department_of_row").first().alias("department"),
        *[pl.col(c).first().alias(field) for c, field in ROW_FIELDS.items()],
    )


def _project_tables(
    tables: pl.DataFrame, heads: pl.DataFrame, layout: pl.DataFrame
) -> pl.DataFrame:
    """Each project as a table: the flat table's own header (year, caption, …) with the
    project's cells as its fields, all at the project's first line."""
    fields = ["unit", "department", "project", "total", "annual_goal"]
    joined = (
        tables.drop(fields, strict=False)
        .join(heads, on="table_seq")
        .join(layout.select("table_seq", "row_total_unit"), on="table_seq", how="left")
    )
    at_head = pl.col("head_line")
    return joined.with_columns(
        (pl.col("table_seq") * GROUP_KEY + pl.col("group")).alias("table_key"),
        at_head.alias("title_line"),
        pl.col("last_line").alias("end_line"),
        pl.coalesce("total_unit", "row_total_unit").alias("total_unit")
        if "total_unit" in tables.columns
        else pl.col("row_total_unit").alias("total_unit"),
        *[at_head.alias(f"{field}_line") for field in fields],
        *[pl.lit(False).alias(f"{field}_inferred") for field in fields],
        pl.lit("flat").alias("layout"),
    ).drop("group", "head_line", "last_line", "row_total_unit")


def split_flat_tables(
    tables: pl.DataFrame, indicators: pl.DataFrame, layout: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Tables, indicators (each with `table_key`) and the findings of rows that belong to no
    project. Tables that are not flat keep their key (`table_seq * GROUP_KEY`)."""
    flat = layout.filter(pl.col("pos_row_project").is_not_null())["table_seq"]
    plain_key = (pl.col("table_seq") * GROUP_KEY).alias("table_key")
    plain_tables = tables.filter(~pl.col("table_seq").is_in(flat.implode())).with_columns(plain_key)
    plain_rows = indicators.filter(~pl.col("table_seq").is_in(flat.implode())).with_columns(
        plain_key
    )
    if flat.is_empty():
        return plain_tables, plain_rows, pl.DataFrame()
    rows = _classified_rows(indicators, flat)
    heads = _project_heads(rows)
    projects = _project_tables(
        tables.filter(pl.col("table_seq").is_in(flat.implode())), heads, layout
    )
    members = rows.filter((pl.col("group") > 0) & ~pl.col("is_total") & ~pl.col("is_department"))
    project_rows = members.with_columns(
        (pl.col("table_seq") * GROUP_KEY + pl.col("group")).alias("table_key")
    ).select(plain_rows.columns)
    orphans = findings(
        rows.filter((pl.col("group") == 0) & ~pl.col("is_total") & ~pl.col("is_department")),
        "W110",
        "grid_row",
        pl.concat_str(pl.col("level3"), pl.col("target"), separator=" / ", ignore_nulls=True),
        "row of a flat table above its first project; ignored",
        line=pl.col("source_line"),
    )
    return (
        pl.concat([plain_tables, projects], how="diagonal_relaxed"),
        pl.concat([plain_rows, project_rows]),
        orphans,
    )


def renumber(
    tables: pl.DataFrame, indicators: pl.DataFrame, found: pl.DataFrame, table_key: int
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Tables numbered again in file order once flat ones are split (`table_key` is the
    batch-wide key of a file's table numbers). A finding follows its row's table; one about
    a flat table as a whole follows the table's first project."""
    numbers = (
        tables.select("table_key")
        .sort("table_key")
        .with_columns((pl.col("table_key") // GROUP_KEY // table_key).alias("file"))
        .with_columns(
            (pl.col("file") * table_key + pl.int_range(1, pl.len() + 1).over("file")).alias(
                "new_seq"
            )
        )
        .drop("file")
    )
    first_of_table = tables.group_by("table_seq").agg(pl.col("table_key").min().alias("first"))
    by_line = indicators.select("table_seq", pl.col("source_line"), "table_key")
    found = (
        found.join(by_line, on=["table_seq", "source_line"], how="left")
        .join(first_of_table, on="table_seq", how="left")
        .with_columns(pl.coalesce("table_key", "first").alias("table_key"))
        .join(numbers, on="table_key", how="left")
        .with_columns(
            pl.when(pl.col("table_seq").is_not_null()).then(pl.col("new_seq")).alias("table_seq")
        )
        .drop("table_key", "first", "new_seq")
    )

    def numbered(frame: pl.DataFrame) -> pl.DataFrame:
        return (
            frame.join(numbers, on="table_key", how="left")
            .with_columns(pl.col("new_seq").alias("table_seq"))
            .drop("table_key", "new_seq")
        )

    return numbered(tables), numbered(indicators), found
