"""Small helpers that turn frames into Dagster metadata: previews and column schemas."""

from __future__ import annotations

import dagster as dg
import polars as pl


def markdown_preview(
    frame: pl.DataFrame, rows: int = 5, width: int = 40
) -> dg.MarkdownMetadataValue:
    head = frame.head(rows).with_columns(pl.all().cast(pl.String).str.slice(0, width))
    lines = ["| " + " | ".join(head.columns) + " |", "|" + "---|" * len(head.columns)]
    for row in head.iter_rows():
        lines.append(
            "| " + " | ".join("" if v is None else str(v).replace("|", "/") for v in row) + " |"
        )
    return dg.MetadataValue.md("\n".join(lines))


def table_schema(schema: pl.Schema | dict[str, pl.DataType]) -> dg.TableSchema:
    return dg.TableSchema(
        columns=[dg.TableColumn(name, str(dtype)) for name, dtype in dict(schema).items()]
    )
