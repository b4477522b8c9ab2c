"""Lines into zones (preamble, title, header, grid header, grid, blank), and zones into cells.

Inside a parsing batch, lines and tables carry batch-wide keys (the file id in the high bits),
so every expression runs once over the whole batch instead of once per small file.
"""

from __future__ import annotations

import re

import polars as pl

from assets import reference
from assets.reference import label_key

TITLE_PATTERN = (
    r"^[\t\s]*(\d{4})\s*年度?[^\t]{0,20}?绩效目标(?:申报)?表(?:[(（][^\t)）]{0,10}[)）])?[\t\s]*$"
)
LINE_KEY = 1 << 32
TABLE_KEY = 1 << 20
LABEL_MAX_CHARS = 24
# What `label_key` may change in a cell (a superset): a cell without any of it is its own key.
KEY_CHANGES = r"[\s:：(（）)％*★☆]|^其中"


def run_starts(column: str) -> pl.Expr:
    """True where `column` changes (and on the first row): in rows kept in table order, the
    first row of each table. Marks runs without a grouped window."""
    return pl.col(column).diff().fill_null(1) != 0


def _lines(texts: pl.Series, file_ids: list[int]) -> pl.LazyFrame:
    """One row per line: `line` is `file_id * LINE_KEY + line number`, unique in the batch."""
    return (
        pl.DataFrame([pl.Series("file_id", file_ids, dtype=pl.Int64), texts.alias("text")])
        .lazy()
        .with_columns(pl.col("text").str.split("\n"))
        .with_columns(
            pl.int_ranges(1, pl.col("text").list.len() + 1, dtype=pl.Int64).alias("number")
        )
        .explode("text", "number")
        .with_columns((pl.col("file_id") * LINE_KEY + pl.col("number")).alias("line"))
    )


def _section_pattern() -> str:
    """A line that is only the title of a section that is not targets ("年度履职目标",
    "二、项目预算成本构成：")."""
    titles = "|".join(re.escape(t) for t in reference.sections()["title"])
    return rf"^[\t\s]*(?:[一二三四五六七八九十0-9]+[、.．])?\s*(?:{titles})[\s:：]*$"


def _sections(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Mark the lines of sections that are not targets: from a section's title line to the
    next blank line, grid header or section, whichever comes first."""
    starts = pl.col("text").str.contains(_section_pattern()) & ~pl.col("preamble")
    at_grid_header = pl.col("line") == pl.col("grid_header_line")
    # Lines are in table order: a block starts at a table's first line or at a boundary, and
    # each line takes its block's first verdict by a forward fill (no grouped window).
    block_start = (
        run_starts("table_seq") | pl.col("blank") | pl.col("section_start") | at_grid_header
    )
    return frame.with_columns(starts.alias("section_start")).with_columns(
        pl.when(block_start).then(pl.col("section_start")).forward_fill().alias("in_section")
    )


def classify_lines(texts: pl.Series, file_ids: list[int]) -> pl.DataFrame:
    """Every line with its file, its table (by title), its zone and its raw text.

    `table_seq` is `file_id * TABLE_KEY + table number`: unique across the batch and ordered
    like the files.
    """
    grid_marker = "|".join(
        re.escape(label)
        for label in reference.grid_columns().filter(pl.col("column") == "level1")["label"]
    )
    frame = _lines(texts, file_ids).with_columns(
        pl.col("text").str.extract(TITLE_PATTERN, 1).cast(pl.Int32).alias("title_year"),
        (pl.col("text").str.strip_chars(" \t\u3000") == "").alias("blank"),
        pl.col("text").str.contains(grid_marker).alias("grid_marker"),
    )
    number_of_table = pl.col("title_year").is_not_null().cum_sum().over("file_id")
    frame = frame.with_columns(
        (pl.col("file_id") * TABLE_KEY + number_of_table).alias("table_seq"),
        (number_of_table == 0).alias("preamble"),
    )
    first_grid_header = (
        pl.when(pl.col("grid_marker") & ~pl.col("preamble"))
        .then(pl.col("line"))
        .min()
        .over("table_seq")
    )
    frame = _sections(frame.with_columns(first_grid_header.alias("grid_header_line")))
    zone = (
        pl.when(pl.col("preamble"))
        .then(pl.lit("preamble"))
        .when(pl.col("title_year").is_not_null())
        .then(pl.lit("title"))
        .when(pl.col("blank"))
        .then(pl.lit("blank"))
        .when(pl.col("in_section"))
        .then(pl.lit("section"))
        .when(pl.col("grid_header_line").is_null() | (pl.col("line") < pl.col("grid_header_line")))
        .then(pl.lit("header"))
        .when(pl.col("line") == pl.col("grid_header_line"))
        .then(pl.lit("grid_header"))
        .otherwise(pl.lit("grid"))
    )
    return frame.with_columns(zone.alias("zone")).drop("number", "in_section").collect()


def cells(lines: pl.DataFrame, zone: str) -> pl.DataFrame:
    """The non-empty cells of one zone, one row per cell, with position and normalized key."""
    exploded = (
        lines.lazy()
        .filter(pl.col("zone") == zone)
        .select("table_seq", "line", pl.col("text").str.split("\t").alias("cell"))
        .with_columns(pl.int_ranges(pl.col("cell").list.len(), dtype=pl.Int32).alias("pos"))
        .explode("cell", "pos")
        .filter(pl.col("cell") != "")  # most padding cells are empty: drop them before stripping
        .with_columns(pl.col("cell").str.strip_chars())
        .filter(pl.col("cell") != "")
        .collect()
    )
    # Labels are short: only short cells have a key (goals can be long). Most short cells are
    # their own key (values, names, codes); the others (colons, brackets, stars, spaces) are
    # normalized once per distinct cell and looked up.
    short = pl.col("cell").str.len_chars() <= LABEL_MAX_CHARS
    marked = pl.col("cell").str.contains(KEY_CHANGES)
    changed = exploded.select(pl.col("cell").filter(short & marked).unique())
    keys = changed.select(label_key(pl.col("cell")))
    return exploded.with_columns(
        pl.when(short).then(pl.col("cell").replace(changed["cell"], keys["cell"])).alias("key")
    )


def within_line(expr: pl.Expr, offset: int) -> pl.Expr:
    """`expr` of the cell `offset` places further (negative: earlier) on the same line, or null.

    Cells are sorted by line and line numbers are unique in a file, so a plain shift compared
    with the line number replaces a costly grouped window.
    """
    return pl.when(pl.col("line").shift(-offset) == pl.col("line")).then(expr.shift(-offset))
