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


def _unreadable(reason: str, line_count: int = 0, encoding: str | None = None) -> ParsedFile:
    """A file with nothing to load: one E005 finding about the whole file."""
    whole_file = findings(
        pl.DataFrame({"line": [None]}, schema={"line": pl.Int32}),
        "E005",
        None,
        pl.lit(None, dtype=pl.String),
        reason,
        table=pl.lit(None, dtype=pl.Int32),
    ).cast(empty_findings().schema)
    return ParsedFile(encoding, line_count, empty_tables(), empty_indicators(), whole_file)


def parse_files(blobs: Sequence[bytes]) -> list[ParsedFile]:
    """Parse a batch of exports in one vectorized pass (one result per input, in order).
    Never raises on bad input: an unreadable file becomes an E005 finding."""
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


def _parse_texts(
    texts: pl.Series, file_ids: list[int], encodings: dict[int, str]
) -> dict[int, ParsedFile]:
    lines = classify_lines(texts, file_ids)
    per_file = lines.group_by("file_id").agg(
        pl.len().alias("line_count"), (pl.col("zone") != "preamble").any().alias("has_table")
    )
    frames = _read_batch(lines)
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
        results[file_id] = ParsedFile(encodings[file_id], line_count, **parts)
    return results
