"""Landing → bronze: one raw export's bytes to its tables, indicator rows and parse findings.

The parser is a pure function. It reads headers by label (never by position), recovers unlabeled
header values by their shape, maps the indicator grid by its own header row, and stamps every
record with the 1-based line it came from. Everything is expressed as Polars expressions over a
whole batch of files at once; the only Python-level work is decoding each file's bytes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from assets import reference
from assets.reference import AMOUNT_FIELDS, GRID_COLUMNS, label_key

TITLE_PATTERN = r"^[\t\s]*(\d{4})\s*年度?[^\t]{0,20}?绩效目标(?:申报)?表[\t\s]*$"
LINE_KEY = 1 << 32
TABLE_KEY = 1 << 20
LABEL_MAX_CHARS = 24
HEADER_FIELDS: tuple[str, ...] = tuple(
    reference.header_labels()["field"].unique(maintain_order=True).to_list()
)

FINDING_SCHEMA: dict[str, pl.DataType] = {
    "table_seq": pl.Int32(),
    "source_line": pl.Int32(),
    "rule_id": pl.String(),
    "column_name": pl.String(),
    "value": pl.String(),
    "message": pl.String(),
}


class DecodeError(ValueError):
    """The bytes are not text in any encoding seen in the field."""


@dataclass(frozen=True)
class ParsedFile:
    """What one file holds. `encoding` is None when the bytes could not be decoded."""

    encoding: str | None
    line_count: int
    tables: pl.DataFrame
    indicators: pl.DataFrame
    findings: pl.DataFrame


def _text(text: str) -> pl.Series:
    return pl.Series([text], dtype=pl.String)


def _utf8(data: bytes, name: str) -> tuple[pl.Series, str]:
    """Strict UTF-8; a file cut inside its last character still counts (the cut is dropped).

    The bytes are validated in Rust and never become a Python string (decoding to one and
    encoding it back for Polars costs three times as much); Python only explains a failure.
    """
    try:
        return pl.Series([data], dtype=pl.Binary).cast(pl.String), name
    except pl.exceptions.ComputeError:
        pass
    try:
        return _text(data.decode("utf-8")), name
    except UnicodeDecodeError as error:
        if error.reason == "unexpected end of data" and error.end == len(data):
            return _utf8(data[: error.start], name)
        raise DecodeError(f"invalid UTF-8 (byte offset {error.start})") from error


def decode(data: bytes) -> tuple[pl.Series, str]:
    """Detect the encoding from the bytes: BOMs first, then strict UTF-8, then strict GB18030.
    The text comes back as a one-row Polars string column."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _utf8(data[3:], "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _text(data.decode("utf-16")), "utf-16"
        except UnicodeDecodeError as error:
            raise DecodeError(f"invalid UTF-16 (byte offset {error.start})") from error
    if b"\x00" in data:
        raise DecodeError("binary content (NUL bytes) in a text export")
    try:
        return _utf8(data, "utf-8")
    except DecodeError:
        pass
    try:
        return _text(data.decode("gb18030")), "gb18030"
    except UnicodeDecodeError as error:
        raise DecodeError(
            f"neither UTF-8 nor GB18030 (invalid byte at offset {error.start})"
        ) from error


def empty_tables() -> pl.DataFrame:
    columns: dict[str, pl.DataType] = {
        "table_seq": pl.Int32(),
        "title_line": pl.Int32(),
        "end_line": pl.Int32(),
        "year": pl.Int32(),
        "grid_header_line": pl.Int32(),
        "grid_columns": pl.List(pl.String()),
    }
    for field in HEADER_FIELDS:
        columns[field] = pl.String()
        columns[f"{field}_line"] = pl.Int32()
        columns[f"{field}_inferred"] = pl.Boolean()
    for field in AMOUNT_FIELDS:
        columns[f"{field}_unit"] = pl.String()
    return pl.DataFrame(schema=columns)


def empty_indicators() -> pl.DataFrame:
    schema: dict[str, pl.DataType] = {"table_seq": pl.Int32(), "source_line": pl.Int32()}
    schema |= {column: pl.String() for column in GRID_COLUMNS}
    schema["aligned"] = pl.Boolean()
    return pl.DataFrame(schema=schema)


def _unreadable(reason: str, line_count: int = 0, encoding: str | None = None) -> ParsedFile:
    finding = {
        "table_seq": None,
        "source_line": None,
        "rule_id": "E005",
        "column_name": None,
        "value": None,
        "message": reason,
    }
    findings = pl.DataFrame([finding], schema=FINDING_SCHEMA)
    return ParsedFile(encoding, line_count, empty_tables(), empty_indicators(), findings)


def parse_file(data: bytes) -> ParsedFile:
    """Parse one export. Never raises on bad input: unreadable files become an E005 finding."""
    return parse_files([data])[0]


def parse_files(blobs: Sequence[bytes]) -> list[ParsedFile]:
    """Parse a batch of exports in one vectorized pass (one result per input, in order).

    Inside the pass, lines and tables carry batch-wide keys (the file id in the high bits), so
    every expression runs once over the whole batch instead of once per small file.
    """
    results: dict[int, ParsedFile] = {}
    texts: list[pl.Series] = []
    file_ids: list[int] = []
    encodings: dict[int, str] = {}
    for file_id, data in enumerate(blobs):
        try:
            text, encodings[file_id] = decode(data)
        except DecodeError as error:
            results[file_id] = _unreadable(f"cannot decode the file: {error}")
            continue
        texts.append(text)
        file_ids.append(file_id)
    if texts:
        lines = pl.concat(texts).str.replace_all("\r\n?", "\n")
        results |= _parse_texts(lines, file_ids, encodings)
    return [results[i] for i in range(len(blobs))]


def _parse_texts(
    texts: pl.Series, file_ids: list[int], encodings: dict[int, str]
) -> dict[int, ParsedFile]:
    lines = _classify_lines(texts, file_ids)
    per_file = lines.group_by("file_id").agg(
        pl.len().alias("line_count"), (pl.col("zone") != "preamble").any().alias("has_table")
    )
    header_values, header_findings = _read_headers(lines)
    grid_layout, layout_findings = _read_grid_layout(lines)
    indicators, row_findings = _read_grid_rows(lines, grid_layout)
    tables = _assemble_tables(lines, header_values, grid_layout)
    findings = pl.concat(
        [
            header_findings,
            layout_findings,
            row_findings,
            _tables_without_rows(tables, indicators),
            _stray_lines(lines),
        ],
        how="diagonal_relaxed",
    )
    # Sorted once for the whole batch; partitioning keeps that order within each file.
    frames = {
        "tables": _localize(tables, empty_tables()).sort("file_id", "table_seq"),
        "indicators": _localize(indicators, empty_indicators()).sort("file_id", "source_line"),
        "findings": _localize(findings, pl.DataFrame(schema=FINDING_SCHEMA)).sort(
            "file_id", "source_line", "rule_id", nulls_last=True
        ),
    }
    split = {
        name: frame.partition_by("file_id", as_dict=True, include_key=False)
        for name, frame in frames.items()
    }
    nothing = {name: frame.clear().drop("file_id") for name, frame in frames.items()}
    results: dict[int, ParsedFile] = {}
    for file_id, line_count, has_table in per_file.iter_rows():
        if not has_table:
            results[file_id] = _unreadable(
                "holds no performance target table (no 'YYYY年度绩效目标表' title)",
                line_count,
                encodings[file_id],
            )
            continue
        parts = {name: split[name].get((file_id,), nothing[name]) for name in frames}
        results[file_id] = ParsedFile(
            encodings[file_id],
            line_count,
            parts["tables"],
            parts["indicators"],
            parts["findings"],
        )
    return results


def _localize(frame: pl.DataFrame, template: pl.DataFrame) -> pl.DataFrame:
    """Batch-wide keys back to per-file ones (file id, 1-based line, table number), typed."""
    line_columns = [c for c in template.columns if c.endswith("_line")]
    file_id = (
        pl.col("source_line") if "source_line" in frame.columns else pl.col("title_line")
    ) // LINE_KEY
    localized = frame.with_columns(
        file_id.cast(pl.Int32).alias("file_id"),
        *[(pl.col(c) % LINE_KEY).alias(c) for c in line_columns if c in frame.columns],
        (pl.col("table_seq") % TABLE_KEY).alias("table_seq"),
    )
    missing = [
        pl.lit(None, dtype=dtype).alias(name)
        for name, dtype in template.schema.items()
        if name not in localized.columns
    ]
    return localized.with_columns(missing).select(
        "file_id", *[pl.col(name).cast(dtype) for name, dtype in template.schema.items()]
    )


def _classify_lines(texts: pl.Series, file_ids: list[int]) -> pl.DataFrame:
    """Every line with its file, its table (by title), its zone and its raw text.

    `line` is `file_id * LINE_KEY + line number` and `table_seq` is `file_id * TABLE_KEY +
    table number`: unique across the batch and ordered like the files.
    """
    grid_marker = "|".join(
        re.escape(label)
        for label in reference.grid_columns().filter(pl.col("column") == "level1")["label"]
    )
    frame = (
        pl.DataFrame([pl.Series("file_id", file_ids, dtype=pl.Int64), texts.alias("text")])
        .lazy()
        .with_columns(pl.col("text").str.split("\n"))
        .with_columns(
            pl.int_ranges(1, pl.col("text").list.len() + 1, dtype=pl.Int64).alias("number")
        )
        .explode("text", "number")
    )
    frame = frame.with_columns(
        (pl.col("file_id") * LINE_KEY + pl.col("number")).alias("line"),
        pl.col("text").str.extract(TITLE_PATTERN, 1).cast(pl.Int32).alias("title_year"),
        (pl.col("text").str.strip_chars(" \t\u3000") == "").alias("blank"),
        pl.col("text").str.contains(grid_marker).alias("grid_marker"),
    ).with_columns(
        pl.col("title_year").is_not_null().cum_sum().over("file_id").alias("number_of_table")
    )
    frame = frame.with_columns(
        (pl.col("file_id") * TABLE_KEY + pl.col("number_of_table")).alias("table_seq"),
        (pl.col("number_of_table") == 0).alias("preamble"),
    )
    first_grid_header = (
        pl.when(pl.col("grid_marker") & ~pl.col("preamble"))
        .then(pl.col("line"))
        .min()
        .over("table_seq")
    )
    frame = frame.with_columns(first_grid_header.alias("grid_header_line"))
    zone = (
        pl.when(pl.col("preamble"))
        .then(pl.lit("preamble"))
        .when(pl.col("title_year").is_not_null())
        .then(pl.lit("title"))
        .when(pl.col("blank"))
        .then(pl.lit("blank"))
        .when(pl.col("grid_header_line").is_null() | (pl.col("line") < pl.col("grid_header_line")))
        .then(pl.lit("header"))
        .when(pl.col("line") == pl.col("grid_header_line"))
        .then(pl.lit("grid_header"))
        .otherwise(pl.lit("grid"))
    )
    return frame.with_columns(zone.alias("zone")).drop("number", "number_of_table").collect()


def _cells(lines: pl.DataFrame, zone: str) -> pl.DataFrame:
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
    # Labels are short: only short cells are normalized and looked up (goals can be long),
    # and each distinct one once (labels, units and padding repeat in every table).
    short = exploded.select(
        pl.col("cell").filter(pl.col("cell").str.len_chars() <= LABEL_MAX_CHARS).unique()
    )
    keys = short.with_columns(label_key(pl.col("cell")).alias("key"))
    return exploded.join(keys, on="cell", how="left", maintain_order="left")


def _within_line(expr: pl.Expr, offset: int) -> pl.Expr:
    """`expr` of the cell `offset` places further (negative: earlier) on the same line, or null.

    Cells are sorted by line and line numbers are unique in a file, so a plain shift compared
    with the line number replaces a costly grouped window.
    """
    return pl.when(pl.col("line").shift(-offset) == pl.col("line")).then(expr.shift(-offset))


def _one_edit_apart(typed: str, label: str) -> bool:
    """Levenshtein distance exactly 1: one character replaced, added or dropped."""
    if typed == label or abs(len(typed) - len(label)) > 1:
        return False
    if len(typed) == len(label):
        return sum(a != b for a, b in zip(typed, label, strict=True)) == 1
    short, long = sorted((typed, label), key=len)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _typo_repairs(unknown: pl.Series, known: pl.Series) -> pl.DataFrame:
    """Unknown label keys → the one known label a single typo away (none when ambiguous).

    Runs over the distinct unknown labels of a batch — a handful — never over the cells.
    """
    labels = known.unique().to_list()
    rows = []
    for key in unknown.drop_nulls().unique().to_list():
        matches = [label for label in labels if len(key) >= 3 and _one_edit_apart(key, label)]
        if len(matches) == 1:
            rows.append((key, matches[0]))
    return pl.DataFrame(rows, schema={"key": pl.String, "repaired": pl.String}, orient="row")


def _repair_findings(repaired: pl.DataFrame, column_name: str) -> pl.DataFrame:
    return repaired.select(
        "table_seq",
        pl.col("line").alias("source_line"),
        pl.lit("W111").alias("rule_id"),
        pl.lit(column_name).alias("column_name"),
        pl.format("{} → {}", "cell", "repaired").alias("value"),
        pl.lit("label read as the known label one typo away").alias("message"),
    )


REPAIRED_WHERE = {"field": "header", "column": "grid_header"}


def _with_repairs(
    cells: pl.DataFrame, labels: pl.DataFrame, target: str, label_like: pl.Expr
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Give label-like cells that matched no label the label one typo away (W111)."""
    unknown = cells.filter(pl.col(target).is_null() & label_like)["key"]
    repairs = _typo_repairs(unknown, labels["label"])
    if repairs.height == 0:
        empty = cells.clear().with_columns(pl.lit("", dtype=pl.String).alias("repaired"))
        return cells, _repair_findings(empty, REPAIRED_WHERE[target])
    mapped = repairs.join(labels, left_on="repaired", right_on="label")

    def repaired(column: str) -> pl.Expr:
        return pl.col("key").replace_strict(mapped["key"], mapped[column], default=None)

    # A handful of keys: looked up by value, never joined against every cell.
    fixed = pl.col(target).is_null() & pl.col("key").is_in(mapped["key"].implode())
    findings = _repair_findings(
        cells.filter(fixed).with_columns(repaired("repaired").alias("repaired")),
        REPAIRED_WHERE[target],
    )
    others = [c for c in labels.columns if c != "label"]
    cells = cells.with_columns(
        [pl.when(fixed).then(repaired(c)).otherwise(pl.col(c)).alias(c) for c in others]
    )
    return cells, findings


FIELD_ORDER = pl.Enum(HEADER_FIELDS)


def _first_of_table_and_field() -> pl.Expr:
    """The first row of each (table, field): one integer key instead of a two-column unique."""
    field = pl.col("field").cast(FIELD_ORDER).to_physical().cast(pl.Int64)
    return (pl.col("table_seq").cast(pl.Int64) * len(HEADER_FIELDS) + field).is_first_distinct()


def _read_headers(lines: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(table_seq, field, value, unit, line, inferred) for every header field found.

    A label's value is the next non-empty cell on its line (or the rest of the label's own cell,
    "项目总额:12.00万元"); an amount's unit is the non-empty cell after its value. Cells that no
    label claims are recognized by shape (project code-name pair, phone, person's name) for the
    fields that the table did not label; anything else is reported, never silently dropped.
    """
    labels = reference.header_labels()
    money = reference.money_units()["unit"].to_list()
    # `index` names a cell within the batch (cells stay in line order throughout).
    cells = (
        _cells(lines, "header")
        .with_row_index("index")
        .join(labels, left_on="key", right_on="label", how="left", maintain_order="left")
    )
    cells, repaired = _with_repairs(
        cells,
        labels,
        "field",
        pl.col("cell").str.ends_with(":") | pl.col("cell").str.ends_with("："),
    )
    # "label:value" in one cell ("项目总额:12.00万元"): looked for only among the few cells that
    # are no label themselves but hold a colon, since only their short prefix can be a label.
    prefix = (
        pl.col("cell").str.slice(0, LABEL_MAX_CHARS + 1).str.extract(r"^([^:：]{1,24})[:：]", 1)
    )
    rest = pl.col("cell").str.slice(prefix.str.len_chars() + 1).str.strip_chars()
    inline = (
        cells.filter(pl.col("field").is_null() & pl.col("cell").str.contains("[:：]"))
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
    cells = (
        cells.join(inline, on="index", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("field", "inline_field").alias("field"),
            pl.coalesce("kind", "inline_kind").alias("kind"),
        )
        .drop("inline_field", "inline_kind")
    )
    is_label = pl.col("field").is_not_null()
    cells = cells.with_columns(
        is_label.alias("is_label"),
        _within_line(pl.col("cell"), 1).alias("next1"),
        _within_line(is_label, 1).fill_null(True).alias("next1_label"),
        _within_line(pl.col("cell"), 2).alias("next2"),
        _within_line(is_label, 2).fill_null(True).alias("next2_label"),
    )
    inline = pl.col("inline_value").is_not_null()
    value_from_next = pl.col("is_label") & ~inline & ~pl.col("next1_label")
    unit_candidate = (
        pl.when(inline & ~pl.col("next1_label"))
        .then(pl.col("next1"))
        .when(value_from_next & ~pl.col("next2_label"))
        .then(pl.col("next2"))
    )
    cells = cells.with_columns(
        pl.when(inline)
        .then(pl.col("inline_value"))
        .when(value_from_next)
        .then(pl.col("next1"))
        .alias("value"),
        pl.when(pl.col("is_label") & (pl.col("kind") == "amount") & unit_candidate.is_in(money))
        .then(unit_candidate)
        .alias("unit"),
        value_from_next.alias("takes_next"),
    )
    # A cell is consumed when the label before it on its line took it as its value, or as its
    # unit (one cell after an inline value, two after a value of its own).
    unit_offset = pl.when(pl.col("unit").is_not_null()).then(pl.when(inline).then(1).otherwise(2))
    consumed = (
        _within_line(pl.col("takes_next"), -1).fill_null(False)
        | (_within_line(unit_offset, -1) == 1).fill_null(False)
        | (_within_line(unit_offset, -2) == 2).fill_null(False)
    )
    orphans = cells.filter(~pl.col("is_label") & ~consumed)
    labelled = cells.filter("is_label")
    found = (
        labelled.select(
            "table_seq",
            "field",
            "value",
            "unit",
            "line",
            pl.lit(False).alias("inferred"),
        )
        .filter(pl.col("value").is_not_null())
        .filter(_first_of_table_and_field())
    )
    inferred_parts = []
    for shape in reference.header_shapes().iter_rows(named=True):
        inferred_parts.append(
            orphans.filter(pl.col("cell").str.contains(shape["pattern"])).select(
                "table_seq",
                pl.lit(shape["field"]).alias("field"),
                pl.col("cell").alias("value"),
                pl.lit(None, dtype=pl.String).alias("unit"),
                "line",
                pl.lit(True).alias("inferred"),
                "index",
            )
        )
    inferred = (
        pl.concat(inferred_parts)
        .join(found.select("table_seq", "field"), on=("table_seq", "field"), how="anti")
        .filter(_first_of_table_and_field())
    )
    # One orphan fills one field: the first shape that claims it wins.
    inferred = inferred.unique("index", keep="first", maintain_order=True)
    ignored = orphans.join(inferred.select("index"), on="index", how="anti")
    findings = ignored.select(
        "table_seq",
        pl.col("line").alias("source_line"),
        pl.lit("W110").alias("rule_id"),
        pl.lit("header").alias("column_name"),
        pl.col("cell").alias("value"),
        pl.lit("header cell matches no label and no known shape; ignored").alias("message"),
    )
    values = pl.concat([found, inferred.drop("index")])
    return values, pl.concat([findings, repaired])


def _read_grid_layout(lines: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per table: the position of each canonical grid column, read from the grid's header row."""
    grid_labels = reference.grid_columns()
    cells = _cells(lines, "grid_header").join(
        grid_labels, left_on="key", right_on="label", how="left"
    )
    cells, repaired = _with_repairs(cells, grid_labels, "column", pl.lit(True))
    mapped = cells.filter(pl.col("column").is_not_null()).unique(
        ("table_seq", "column"), keep="first", maintain_order=True
    )
    positions = mapped.pivot(on="column", index="table_seq", values="pos")
    for column in GRID_COLUMNS:
        if column not in positions.columns:
            positions = positions.with_columns(pl.lit(None, dtype=pl.Int32).alias(column))
    layout = (
        cells.group_by("table_seq")
        .agg(
            pl.col("line").first().alias("grid_header_line"),
            pl.col("cell").alias("grid_header_cells"),
        )
        .join(
            positions.select(
                "table_seq", *[pl.col(c).cast(pl.Int32).alias(f"pos_{c}") for c in GRID_COLUMNS]
            ),
            on="table_seq",
            how="left",
        )
        .with_columns(
            pl.concat_list(
                [pl.when(pl.col(f"pos_{c}").is_not_null()).then(pl.lit(c)) for c in GRID_COLUMNS]
            )
            .list.drop_nulls()
            .alias("grid_columns")
        )
    )
    required = ("level1", "level2", "level3")
    missing = layout.with_columns(
        pl.concat_list([pl.when(pl.col(f"pos_{c}").is_null()).then(pl.lit(c)) for c in required])
        .list.drop_nulls()
        .list.join(", ")
        .alias("missing")
    ).filter(pl.col("missing") != "")
    findings = missing.select(
        "table_seq",
        pl.col("grid_header_line").alias("source_line"),
        pl.lit("E002").alias("rule_id"),
        pl.lit("grid_header").alias("column_name"),
        pl.col("grid_header_cells").list.join(" | ").alias("value"),
        pl.format("indicator grid header lacks the column(s): {}", "missing").alias("message"),
    )
    return layout, pl.concat([findings, repaired])


def _read_grid_rows(lines: pl.DataFrame, layout: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Indicator rows by the positions of their table's grid header; extra cells misalign."""
    rows = (
        lines.filter(pl.col("zone") == "grid")
        .select("table_seq", "line", pl.col("text").str.split("\t").alias("cells"))
        .join(layout.drop("grid_header_cells", "grid_columns"), on="table_seq", how="left")
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
    non_empty_cells = pl.col("cells").list.eval(pl.element().str.strip_chars() != "").list.sum()
    mapped_cells = pl.sum_horizontal([pl.col(c).is_not_null() for c in GRID_COLUMNS])
    rows = rows.with_columns((non_empty_cells == mapped_cells).alias("aligned"))
    indicators = rows.select(
        "table_seq", pl.col("line").alias("source_line"), *GRID_COLUMNS, "aligned"
    )
    findings = rows.filter(~pl.col("aligned")).select(
        "table_seq",
        pl.col("line").alias("source_line"),
        pl.lit("E002").alias("rule_id"),
        pl.lit("grid_row").alias("column_name"),
        pl.col("cells").list.join(" | ").alias("value"),
        pl.lit("grid row has non-empty cells under no known grid column").alias("message"),
    )
    return indicators, findings


def _assemble_tables(
    lines: pl.DataFrame, header_values: pl.DataFrame, layout: pl.DataFrame
) -> pl.DataFrame:
    """One row per table: title, year, line span, every header field with its line."""
    spans = (
        lines.filter(~pl.col("preamble"))
        .group_by("table_seq")
        .agg(
            pl.col("line").min().alias("title_line"),
            pl.col("line").filter(~pl.col("blank")).max().alias("end_line"),
            pl.col("title_year").first().alias("year"),
        )
        .sort("table_seq")
    )
    wide = header_values.pivot(
        on="field", index="table_seq", values=["value", "line", "unit", "inferred"]
    )
    renames = {}
    for column in wide.columns:
        kind, _, field = column.partition("_")
        if column == "table_seq":
            continue
        renames[column] = field if kind == "value" else f"{field}_{kind}"
    wide = wide.rename(renames)
    return spans.join(wide, on="table_seq", how="left").join(
        layout.select("table_seq", "grid_header_line", "grid_columns"),
        on="table_seq",
        how="left",
    )


def _tables_without_rows(tables: pl.DataFrame, indicators: pl.DataFrame) -> pl.DataFrame:
    """A table with no grid header, or a grid header and no row under it, has no targets."""
    empty = tables.join(indicators.select("table_seq").unique(), on="table_seq", how="anti")
    return empty.select(
        "table_seq",
        pl.coalesce("grid_header_line", "title_line").alias("source_line"),
        pl.lit("E002").alias("rule_id"),
        pl.lit("grid").alias("column_name"),
        pl.lit(None, dtype=pl.String).alias("value"),
        pl.when(pl.col("grid_header_line").is_null())
        .then(pl.lit("table has no indicator grid (no 一级指标 header row)"))
        .otherwise(pl.lit("indicator grid has a header but no rows"))
        .alias("message"),
    )


def _stray_lines(lines: pl.DataFrame) -> pl.DataFrame:
    """Non-blank text before the first table belongs to no table: report it."""
    return lines.filter((pl.col("zone") == "preamble") & ~pl.col("blank")).select(
        pl.lit(None, dtype=pl.Int32).alias("table_seq"),
        pl.col("line").alias("source_line"),
        pl.lit("W110").alias("rule_id"),
        pl.lit("preamble").alias("column_name"),
        pl.col("text").str.slice(0, 200).alias("value"),
        pl.lit("text before the first table title belongs to no table; ignored").alias("message"),
    )
