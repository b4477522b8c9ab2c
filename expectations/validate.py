"""Run the committed GX suites over silver frames and turn every failure into row findings.

The bridge is Polars → pandas with pyarrow-backed dtypes, of only the validated columns, through
a GX pandas datasource: measured on the 100k-table corpus, the 8 validated columns of 650,054
indicator rows convert in about 10 ms (zero-copy; the default object-backed conversion copies
every string through Python, 0.84 s for a 650k-row frame of three columns). GX judges and counts
with BASIC results (each suite validated on its batch, no checkpoint); the rejected rows are
found by `expectations.locate` and must match GX's counts (see there why). `great_expectations`
is imported here only, lazily: its 5–18 s import must stay off every path that does not validate.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

import polars as pl

from expectations.catalogue import LINEAGE, conform, empty_findings, title
from expectations.docs import expectation_record
from expectations.locate import rejected_rows, snake_case
from expectations.suites import SUITES_DIR

log = logging.getLogger("jixiao.expectations")
BASIC = {"result_format": "BASIC"}
COMPLETE = {"result_format": "COMPLETE", "return_unexpected_index_query": False}


@dataclass(frozen=True)
class SuiteResult:
    """Findings as rows, one stats row per expectation for the asset checks, and the record of
    the validation for the Data Docs (`expectations.docs`)."""

    findings: pl.DataFrame
    expectations: pl.DataFrame
    record: dict[str, Any] | None = None


def load_suite(name: str) -> list[dict[str, Any]]:
    return json.loads((SUITES_DIR / f"{name}.json").read_text(encoding="utf-8"))["expectations"]


@cache
def _context() -> Any:
    """An ephemeral GX context: the suites are committed JSON, the results become findings and
    jixiao's own Data Docs (`expectations.docs`), so GX stores nothing and builds no site."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig
    from great_expectations.execution_engine import pandas_execution_engine

    # GX fingerprints every batch by hashing the whole frame; jixiao never reads the mark
    # (0.4 s of validating 100k tables' silver).
    pandas_execution_engine.HASH_THRESHOLD = 0
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    # What is alive now (GX, pandas, the orchestrator: well over a million objects) lives as
    # long as the process; each full collection walked all of it, 0.3 s in a run of one new
    # file. Frozen, the collector walks only what runs create.
    gc.freeze()
    return context


@cache
def _frames() -> Any:
    """The one batch definition every suite validates: a whole in-memory frame, handed over at
    run time (one asset for all suites; each asset costs GX a configuration round trip)."""
    source = _context().data_sources.add_pandas("silver")
    return source.add_dataframe_asset("frames").add_batch_definition_whole_dataframe("whole")


# GX's context is not built for two threads setting it up at once.
_setup = threading.Lock()


def _batch_definition() -> Any:
    with _setup:
        return _frames()


def warm_up() -> None:
    """Import GX and build its context now: a long-lived process (a Dask worker) pays this when
    it starts, not inside the first run it serves."""
    _batch_definition()


def _suite(suite_name: str) -> Any:
    """The suite, built once per process from its committed JSON."""
    with _setup:
        return _built_suite(suite_name)


@cache
def _built_suite(suite_name: str) -> Any:
    """Not added to the context: a suite validated on a batch (`Batch.validate`) needs no
    store, and a validation definition's run only adds a freshness check and the storing of
    its result, which jixiao never reads (a tenth of a second per suite). Each expectation's
    id is its place in the suite: what a second, complete validation is matched by."""
    import great_expectations as gx
    import great_expectations.expectations as gxe

    suite = gx.ExpectationSuite(
        name=suite_name,
        expectations=[
            getattr(gxe, spec["type"])(**spec["kwargs"], meta=spec["meta"])
            for spec in load_suite(suite_name)
        ],
    )
    for place, expectation in enumerate(suite.expectations):
        expectation.id = f"{suite_name}:{place}"
    return suite


def _run(frame: pl.DataFrame, suite: Any, result_format: dict[str, Any]) -> list[Any]:
    """The suite's results over `frame`, handed to GX as pandas with Arrow-backed columns."""
    batch = _batch_definition().get_batch(
        batch_parameters={"dataframe": frame.to_pandas(use_pyarrow_extension_array=True)}
    )
    return batch.validate(suite, result_format=result_format).results


def _columns(spec: dict[str, Any]) -> list[str]:
    kwargs = spec["kwargs"]
    return [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]


def needed_columns(suite_name: str) -> set[str]:
    """The columns a suite reads, plus those its findings are located and described by."""
    specs = load_suite(suite_name)
    pointers = {str(v) for spec in specs for k, v in spec["meta"].items() if k.endswith("_column")}
    return {c for spec in specs for c in _columns(spec)} | pointers | set(LINEAGE)


def validate(frame: pl.DataFrame, suite_name: str) -> SuiteResult:
    """Validate `frame` against a committed suite; findings carry the rows' lineage, and the
    record of the validation carries a few of each expectation's rejected values."""
    specs = load_suite(suite_name)
    if frame.height == 0:
        return SuiteResult(empty_findings(), _stats([], suite_name))
    columns = sorted({c for spec in specs for c in _columns(spec)})
    # GX's pandas engine compares decimals as floats: the locator sees the same casts.
    checked = frame.select(
        [
            pl.col(c).cast(pl.Float64) if isinstance(frame.schema[c], pl.Decimal) else pl.col(c)
            for c in columns
        ]
    )
    judged = _judged(checked, specs)
    suite = _suite(suite_name)
    results = _run(judged, suite, BASIC)
    rows = _rejected(checked, judged, results, suite, suite_name)
    pointers = sorted(
        {str(v) for spec in specs for k, v in spec["meta"].items() if k.endswith("_column")}
    )
    missing = [pl.lit(None, dtype=pl.String).alias(c) for c in LINEAGE if c not in frame.columns]
    lineage = frame.with_columns(missing).select(*LINEAGE, *pointers)
    parts: list[pl.DataFrame] = []
    stats: list[dict[str, Any]] = []
    documented: list[dict[str, Any]] = []
    for result, rejected in zip(results, rows, strict=True):
        config = result.expectation_config
        kwargs = config.kwargs
        column_names = [kwargs[k] for k in ("column", "column_A", "column_B") if k in kwargs]
        documented.append(
            expectation_record(
                config.type,
                kwargs,
                config.meta,
                bool(result.success),
                frame.height,
                rejected.len(),
                _samples(frame, _shown_columns(config.meta, column_names), rejected),
            )
        )
        stats.append(
            {
                "rule_id": config.meta["rule_id"],
                "severity": config.meta["severity"],
                "expectation": config.type,
                "column": ", ".join(column_names),
                "success": bool(result.success),
                "element_count": frame.height,
                "unexpected_count": rejected.len(),
            }
        )
        if rejected.len():
            parts.append(_located(frame, lineage, config, column_names, rejected))
    findings = pl.concat([conform(p) for p in parts]) if parts else empty_findings()
    record = {
        "suite": suite_name,
        "rows": frame.height,
        "judged_rows": judged.height,
        "expectations": documented,
    }
    return SuiteResult(findings, _stats(stats, suite_name), record)


def _shown_columns(meta: dict[str, Any], column_names: list[str]) -> list[str]:
    """What a finding shows of a rejected row: the value its rule names (the raw amount behind
    a flag), else the validated columns."""
    value_column = meta.get("value_column")
    return [value_column] if value_column else column_names


def _shown(value: pl.Expr) -> pl.Expr:
    """A value as a planner reads it: 100, not 100.0 or 100.0000."""
    text = value.cast(pl.String)
    return (
        pl.when(text.str.contains(r"^-?[0-9]+\.[0-9]+$"))
        .then(text.str.replace(r"\.?0+$", ""))
        .otherwise(text)
        .fill_null("∅")
    )


def _samples(frame: pl.DataFrame, columns: list[str], rejected: pl.Series) -> list[str]:
    """A few distinct rejected values; a pair of columns as (A, B)."""
    if not rejected.len():
        return []
    head = frame.select(pl.col(columns).gather(rejected.head(200)))
    values = (
        head.select(_shown(pl.col(columns[0])).alias("value"))
        if len(columns) == 1
        else head.select(
            pl.format(
                "({})", pl.concat_str([_shown(pl.col(c)) for c in columns], separator=", ")
            ).alias("value")
        )
    )
    return values["value"].unique(maintain_order=True).head(5).to_list()


def _located(
    frame: pl.DataFrame,
    lineage: pl.DataFrame,
    config: Any,
    column_names: list[str],
    indexes: pl.Series,
) -> pl.DataFrame:
    """Failing row indexes → findings at the cell's own line, with the offending value read
    back from the frame."""
    line_column = config.meta.get("line_column")
    shown = _shown_columns(config.meta, column_names)
    value = pl.concat_str(
        [pl.col(c).cast(pl.String).fill_null("") for c in shown], separator=" / "
    ).alias("value")
    rule_id = config.meta["rule_id"]
    # Gathers by position, not joins on a row number: 65k findings of one rule cost a
    # millisecond this way.
    return pl.concat(
        [
            lineage.select(pl.all().gather(indexes)),
            frame.select(pl.col(shown).gather(indexes)).select(value),
        ],
        how="horizontal",
    ).select(
        pl.lit(rule_id).alias("rule_id"),
        *[
            pl.coalesce(line_column, "source_line").alias("source_line")
            if c == "source_line" and line_column
            else pl.col(c)
            for c in LINEAGE
        ],
        pl.lit(", ".join(column_names)).alias("column_name"),
        "value",
        pl.lit(f"{title(rule_id)} [{', '.join(column_names)}]").alias("message"),
    )


# Expectations whose verdict depends on how many rows hold a value, not only on which values
# occur: they are judged on every row.
ROW_COUNTING = {"expect_column_values_to_be_unique"}


def _judged(checked: pl.DataFrame, specs: list[dict[str, Any]]) -> pl.DataFrame:
    """The frame GX validates: the distinct combinations of the validated columns when no
    expectation of the suite counts rows (the contract allows it). The verdicts are the same,
    and every rejected row is still found, in the full frame, by the same expectation in
    Polars."""
    if any(snake_case(spec["type"]) in ROW_COUNTING for spec in specs):
        return checked
    return checked.unique(maintain_order=True)


def _rejected(
    checked: pl.DataFrame,
    judged: pl.DataFrame,
    results: list[Any],
    suite: Any,
    suite_name: str,
) -> list[pl.Series]:
    """Each expectation's rejected rows of the full frame, found in Polars. They are trusted
    where the same predicate rejects exactly as many values of the frame GX judged as GX did;
    otherwise (never seen on real data, but a Polars and a pandas regex engine may one day
    disagree) GX is asked again, over every row, for complete index lists."""
    specs = [(r.expectation_config.type, r.expectation_config.kwargs) for r in results]
    located = rejected_rows(checked, specs)
    counted = located if judged is checked else rejected_rows(judged, specs)
    disputed = [
        i
        for i, (result, rows) in enumerate(zip(results, counted, strict=True))
        if rows is None or rows.len() != int(result.result.get("unexpected_count") or 0)
    ]
    if disputed:
        log.warning(
            "%s: rows located in Polars disagree with GX for %s; asking GX for complete results",
            suite_name,
            ", ".join(results[i].expectation_config.type for i in disputed),
        )
        complete = {r.expectation_config.id: r for r in _run(checked, suite, COMPLETE)}
        for i in disputed:
            result = complete[results[i].expectation_config.id].result
            located[i] = pl.Series("row", result.get("unexpected_index_list") or [], pl.UInt32)
    return [rows for rows in located if rows is not None]  # every one is set by now


def _stats(rows: list[dict[str, Any]], suite_name: str) -> pl.DataFrame:
    schema = {
        "rule_id": pl.String,
        "severity": pl.String,
        "expectation": pl.String,
        "column": pl.String,
        "success": pl.Boolean,
        "element_count": pl.Int64,
        "unexpected_count": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema).with_columns(pl.lit(suite_name).alias("suite"))
