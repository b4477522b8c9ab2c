"""The table header, read by label (never by position), with unlabeled values recovered by shape.

A label's value is the next non-empty cell on its line (or the rest of the label's own cell,
"项目总额:12.00万元"); an amount's unit is the non-empty cell after its value. Cells that no
label claims are recognized by shape (project code-name pair, phone, person's name) for the
fields that the table did not label; anything else is reported (W110), never silently dropped.
"""

from __future__ import annotations

import polars as pl

from assets import reference
from assets.bronze.findings import findings
from assets.bronze.labels import with_repairs
from assets.bronze.zones import LABEL_MAX_CHARS, cells, within_line
from assets.reference import label_key, label_money_unit

HEADER_FIELDS: tuple[str, ...] = tuple(
    reference.header_labels()["field"].unique(maintain_order=True).to_list()
)
FIELD_ORDER = pl.Enum(HEADER_FIELDS)


def _first_of_table_and_field() -> pl.Expr:
    """The first row of each (table, field): one integer key instead of a two-column unique."""
    field = pl.col("field").cast(FIELD_ORDER).to_physical().cast(pl.Int64)
    return (pl.col("table_seq").cast(pl.Int64) * len(HEADER_FIELDS) + field).is_first_distinct()


def _inline_labels(labelled: pl.DataFrame, labels: pl.DataFrame) -> pl.DataFrame:
    """ "label:value" in one cell ("项目总额:12.00万元"): looked for only among the few cells that
    are no label themselves but hold a colon, since only their short prefix can be a label."""
    prefix = (
        pl.col("cell").str.slice(0, LABEL_MAX_CHARS + 1).str.extract(r"^([^:：]{1,24})[:：]", 1)
    )
    rest = pl.col("cell").str.slice(prefix.str.len_chars() + 1).str.strip_chars()
    inline = (
        labelled.filter(pl.col("field").is_null() & pl.col("cell").str.contains("[:：]"))
        .select(
            "index",
            label_key(prefix).alias("prefix_key"),
            pl.when(rest != "").then(rest).alias("inline_value"),
        )
        .join(labels, left_on="prefix_key", right_on="label", how="inner")
        .filter(pl.col("inline_value").is_not_null())
        .select(
            "index",
            "inline_value",
            pl.col("field").alias("inline_field"),
            pl.col("kind").alias("inline_kind"),
        )
    )
    return (
        labelled.join(inline, on="index", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("field", "inline_field").alias("field"),
            pl.coalesce("kind", "inline_kind").alias("kind"),
        )
        .drop("inline_field", "inline_kind")
    )


def _label_cells(lines: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Header cells with the field their label names (typos repaired, W111), inline or not.
    `index` names a cell within the batch (cells stay in line order throughout)."""
    labels = reference.header_labels()
    labelled = (
        cells(lines, "header")
        .filter(pl.col("key").ne_missing(""))  # a bare "其中：" only joins two labels
        .with_row_index("index")
        .join(labels, left_on="key", right_on="label", how="left", maintain_order="left")
    )
    labelled, repaired = with_repairs(
        labelled,
        labels,
        "field",
        pl.col("cell").str.ends_with(":") | pl.col("cell").str.ends_with("："),
    )
    return _inline_labels(labelled, labels), repaired


def _take_values(labelled: pl.DataFrame) -> pl.DataFrame:
    """Each label's value and unit, and whether the cell was consumed as some label's value or
    unit (one cell after an inline value, two after a value of its own)."""
    money = reference.money_units()["unit"].to_list()
    is_label = pl.col("field").is_not_null()
    labelled = labelled.with_columns(
        is_label.alias("is_label"),
        within_line(pl.col("cell"), 1).alias("next1"),
        within_line(is_label, 1).fill_null(True).alias("next1_label"),
        within_line(pl.col("cell"), 2).alias("next2"),
        within_line(is_label, 2).fill_null(True).alias("next2_label"),
    )
    inline = pl.col("inline_value").is_not_null()
    value_from_next = pl.col("is_label") & ~inline & ~pl.col("next1_label")
    unit_candidate = (
        pl.when(inline & ~pl.col("next1_label"))
        .then(pl.col("next1"))
        .when(value_from_next & ~pl.col("next2_label"))
        .then(pl.col("next2"))
    )
    is_amount = pl.col("is_label") & (pl.col("kind") == "amount")
    labelled = labelled.with_columns(
        pl.when(inline)
        .then(pl.col("inline_value"))
        .when(value_from_next)
        .then(pl.col("next1"))
        .alias("value"),
        pl.when(is_amount & unit_candidate.is_in(money)).then(unit_candidate).alias("unit_cell"),
        value_from_next.alias("takes_next"),
    )
    # The unit of an amount: the cell after its value, else the one its label names ("(元)"),
    # read once per distinct amount label (goals are long: no pattern runs over every cell).
    named_units = (
        labelled.filter(is_amount)
        .select(pl.col("cell").unique())
        .with_columns(label_money_unit(pl.col("cell")).alias("named_unit"))
    )
    labelled = (
        labelled.join(named_units, on="cell", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("unit_cell", pl.when(is_amount).then(pl.col("named_unit"))).alias("unit")
        )
        .drop("named_unit")
    )
    unit_offset = pl.when(pl.col("unit_cell").is_not_null()).then(
        pl.when(inline).then(1).otherwise(2)
    )
    consumed = (
        within_line(pl.col("takes_next"), -1).fill_null(False)
        | (within_line(unit_offset, -1) == 1).fill_null(False)
        | (within_line(unit_offset, -2) == 2).fill_null(False)
    )
    return labelled.with_columns(consumed.alias("consumed"))


def _by_shape(orphans: pl.DataFrame, found: pl.DataFrame) -> pl.DataFrame:
    """Orphan cells recognized by shape, for the fields a table did not label; one orphan fills
    one field, the first shape that claims it wins."""
    parts = [
        orphans.filter(pl.col("cell").str.contains(shape["pattern"])).select(
            "table_seq",
            pl.lit(shape["field"]).alias("field"),
            pl.col("cell").alias("value"),
            pl.lit(None, dtype=pl.String).alias("unit"),
            "line",
            pl.lit(True).alias("inferred"),
            "index",
        )
        for shape in reference.header_shapes().iter_rows(named=True)
    ]
    return (
        pl.concat(parts)
        .join(found.select("table_seq", "field"), on=("table_seq", "field"), how="anti")
        .filter(_first_of_table_and_field())
        .unique("index", keep="first", maintain_order=True)
    )


NUMBERED_GOAL = r"^(?:目标|任务)\s*[0-9一二三四五六七八九十]+\s*[:：、.]"


def _with_numbered_goals(found: pl.DataFrame, goals: pl.DataFrame) -> pl.DataFrame:
    """Numbered goals on lines of their own ("目标2：…" under "年度总体目标：目标1：…") belong to
    the table's annual goal, in line order."""
    if goals.height == 0:
        return found
    extra = goals.group_by("table_seq", maintain_order=True).agg(
        pl.col("cell").str.join(" ").alias("goals"), pl.col("line").first().alias("goal_line")
    )
    is_goal = pl.col("field") == "annual_goal"
    joined = found.join(extra, on="table_seq", how="left", maintain_order="left").with_columns(
        pl.when(is_goal & pl.col("goals").is_not_null())
        .then(pl.concat_str("value", "goals", separator=" "))
        .otherwise(pl.col("value"))
        .alias("value")
    )
    without_goal = extra.join(found.filter(is_goal), on="table_seq", how="anti").select(
        "table_seq",
        pl.lit("annual_goal").alias("field"),
        pl.col("goals").alias("value"),
        pl.lit(None, dtype=pl.String).alias("unit"),
        pl.col("goal_line").alias("line"),
        pl.lit(False).alias("inferred"),
    )
    return pl.concat([joined.select(found.columns), without_goal])


def read_headers(lines: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(table_seq, field, value, unit, line, inferred) for every header field found, and the
    findings of the header (W110 ignored cells, W111 repaired labels)."""
    labelled, repaired = _label_cells(lines)
    labelled = _take_values(labelled)
    found = (
        labelled.filter("is_label")
        .select("table_seq", "field", "value", "unit", "line", pl.lit(False).alias("inferred"))
        .filter(pl.col("value").is_not_null())
        .filter(_first_of_table_and_field())
    )
    orphans = labelled.filter(~pl.col("is_label") & ~pl.col("consumed"))
    numbered = pl.col("cell").str.contains(NUMBERED_GOAL)
    found = _with_numbered_goals(found, orphans.filter(numbered))
    orphans = orphans.filter(~numbered)
    inferred = _by_shape(orphans, found)
    ignored = findings(
        orphans.join(inferred.select("index"), on="index", how="anti"),
        "W110",
        "header",
        pl.col("cell"),
        "header cell matches no label and no known shape; ignored",
    )
    values = pl.concat([found, inferred.drop("index")])
    return values, pl.concat([ignored, repaired])
