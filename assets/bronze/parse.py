"""Landing → bronze: raw exports' bytes to their tables, indicator rows and parse findings.

A pure function over a batch of files, in modules by concern: `decode` (bytes to text),
`zones` (lines into title, header and grid zones; zones into cells), `labels` (labels to
canonical names, typo repair), `header` (header fields by label and by shape), `grid` (the
indicator grid by its own header row), `assemble` (tables and table-level findings), and
`findings` (the one findings builder). Every record is stamped with its 1-based line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from assets.bronze.assemble import (
    assemble_tables,
    empty_indicators,
    empty_tables,
    localize,
    mark_unknown_layouts,
    stray_lines,
    tables_without_rows,
)
from assets.bronze.decode import DecodeError, decode
from assets.bronze.findings import empty_findings, findings
from assets.bronze.flat import renumber, split_flat_tables
from assets.bronze.grid import read_grid_layout, read_grid_rows
from assets.bronze.header import read_headers
from assets.bronze.sections import section_findings, self_evaluation_findings
from assets.bronze.zones import TABLE_KEY, classify_lines


@dataclass(frozen=True)
class ParsedFile:
    """What one file holds. `encoding` is None when the bytes could not be decoded."""

    encoding: str | None
    line_count: int
    tables: pl.DataFrame
    indicators: pl.DataFrame
    findings: pl.DataFrame


@dataclass(frozen=True)
class ParsedBatch:
    """What a batch of files holds: each entity's rows for the whole batch, keyed by `file_id`
    (the file's place in the batch), and per file (`files`) its encoding (null when the bytes
    could not be decoded) and line count. Kept whole: splitting a batch into one frame per file
    costs more, with many small files, than the rows do."""

    files: pl.DataFrame
    tables: pl.DataFrame
    indicators: pl.DataFrame
    findings: pl.DataFrame

    def frames(self) -> dict[str, pl.DataFrame]:
        """Each entity's rows, by the names bronze stores them under."""
        return {entity: getattr(self, entity) for entity in ENTITY_TEMPLATES}

    def of_file(self, file_id: int) -> ParsedFile:
        """One file's part (for callers that parse a file at a time)."""
        encoding, line_count = self.files.row(file_id)[1:]
        parts = [
            frame.filter(pl.col("file_id") == file_id).drop("file_id")
            for frame in (self.tables, self.indicators, self.findings)
        ]
        return ParsedFile(encoding, line_count, *parts)


FILE_SCHEMA = {"file_id": pl.Int32, "encoding": pl.String, "line_count": pl.Int32}
ENTITY_TEMPLATES = {
    "tables": empty_tables,
    "indicators": empty_indicators,
    "findings": empty_findings,
}


def _keyed(template: pl.DataFrame) -> pl.DataFrame:
    return template.select(pl.lit(None, dtype=pl.Int32).alias("file_id"), pl.all())


def _whole_file_findings(unreadable: pl.DataFrame) -> pl.DataFrame:
    """One E005 finding about each file with nothing to load (`file_id`, `reason`)."""
    found = findings(
        unreadable.with_columns(pl.lit(None, dtype=pl.Int32).alias("line")),
        "E005",
        None,
        pl.lit(None, dtype=pl.String),
        pl.col("reason"),
        table=pl.lit(None, dtype=pl.Int32),
    )
    return pl.concat([unreadable.select("file_id"), found], how="horizontal").cast(
        _keyed(empty_findings()).schema
    )


def parse_batch(blobs: Sequence[bytes]) -> ParsedBatch:
    """Parse a batch of exports in one vectorized pass. Never raises on bad input: a file that
    cannot be decoded, or holds no table, has nothing but one E005 finding."""
    texts: list[pl.Series] = []
    file_ids: list[int] = []
    files: list[tuple[int, str | None, int]] = []
    unreadable: list[tuple[int, str]] = []
    for file_id, data in enumerate(blobs):
        try:
            text, encoding = decode(data)
        except DecodeError as error:
            files.append((file_id, None, 0))
            unreadable.append((file_id, f"cannot decode the file: {error}"))
            continue
        texts.append(text)
        file_ids.append(file_id)
        files.append((file_id, encoding, 0))
    frames = {name: _keyed(template()) for name, template in ENTITY_TEMPLATES.items()}
    file_frame = pl.DataFrame(files, schema=FILE_SCHEMA, orient="row")
    if texts:
        lines = classify_lines(pl.concat(texts).str.replace_all("\r\n?", "\n"), file_ids)
        per_file = lines.group_by("file_id").agg(
            pl.len().cast(pl.Int32).alias("line_count"),
            (pl.col("zone") != "preamble").any().alias("has_table"),
        )
        no_table = per_file.filter(~pl.col("has_table"))["file_id"].cast(pl.Int32)
        unreadable += [
            (file_id, "holds no performance target table (no 'YYYY年度绩效目标表' title)")
            for file_id in no_table.to_list()
        ]
        frames = {
            name: frame.filter(~pl.col("file_id").is_in(no_table.implode()))
            for name, frame in _read_batch(lines).items()
        }
        counted = per_file.select(pl.col("file_id").cast(pl.Int32), "line_count")
        file_frame = (
            file_frame.drop("line_count")
            .join(counted, on="file_id", how="left", maintain_order="left")
            .with_columns(pl.col("line_count").fill_null(0))
        )
    if unreadable:
        whole_file = _whole_file_findings(
            pl.DataFrame(
                unreadable, schema={"file_id": pl.Int32, "reason": pl.String}, orient="row"
            )
        )
        frames["findings"] = pl.concat([frames["findings"], whole_file]).sort(
            "file_id", maintain_order=True
        )
    return ParsedBatch(file_frame, **frames)


def parse_files(blobs: Sequence[bytes]) -> list[ParsedFile]:
    """Each export of a batch parsed (one result per input, in order); see `parse_batch`."""
    batch = parse_batch(blobs)
    return [batch.of_file(file_id) for file_id in range(len(blobs))]


def _read_batch(lines: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """Tables, indicator rows and findings of a batch's lines, in per-file keys and order."""
    header_values, header_findings = read_headers(lines)
    grid_layout, layout_findings = read_grid_layout(lines)
    indicators, row_findings = read_grid_rows(lines, grid_layout)
    tables = assemble_tables(lines, header_values, grid_layout)
    tables, indicators, orphans = split_flat_tables(tables, indicators, grid_layout)
    before_split = [
        header_findings,
        layout_findings,
        self_evaluation_findings(grid_layout),
        row_findings,
        orphans,
    ]
    tables, indicators, found = renumber(
        tables, indicators, pl.concat(before_split, how="diagonal_relaxed"), TABLE_KEY
    )
    tables = mark_unknown_layouts(tables)
    after_split = [tables_without_rows(tables, indicators), stray_lines(lines)]
    every_finding = pl.concat(
        [found, *after_split, section_findings(lines)], how="diagonal_relaxed"
    )
    # Sorted once for the whole batch; partitioning keeps that order within each file.
    return {
        "tables": localize(tables, empty_tables()).sort("file_id", "table_seq"),
        "indicators": localize(indicators, empty_indicators()).sort("file_id", "source_line"),
        "findings": localize(every_finding, empty_findings()).sort(
            "file_id", "source_line", "rule_id", nulls_last=True
        ),
    }
