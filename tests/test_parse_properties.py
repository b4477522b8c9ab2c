"""Property tests: the parser never raises, and generated well-formed tables round-trip."""

from __future__ import annotations

import random
from decimal import Decimal

import polars as pl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from benchmarks.corpus import make_table, render_table
from tests.conftest import normalize_file, parse_file

QUIRKS = ("label_less", "shifted", "amount_without_unit", "no_bank_loan_line", "html_goal")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]),
    st.binary(max_size=2000),
)
def test_arbitrary_bytes_never_raise(prefix: bytes, data: bytes):
    """Byte-order marks included: a BOM promises an encoding the bytes need not keep."""
    parsed = parse_file(prefix + data)
    assert parsed.tables.height == parsed.tables["table_seq"].n_unique()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["0.20", "99999999999999", "1e30", "-5", "１２．５", "七十", ""]),
            st.text(alphabet="0123456789.,-万元亿 ", max_size=30),
        ),
        min_size=3,
        max_size=3,
    )
)
def test_any_amount_or_weight_text_normalizes_without_raising(cells: list[str]):
    """Whatever the money and weight cells say, normalizing never raises: what does not fit
    its decimal column becomes null and is flagged for E004."""
    total, weight, execution_weight = cells
    table = render_table(make_table(random.Random(1), 1, 2024, 1))
    lines = table.split("\n")
    lines[5] = lines[5].replace("\t10\t", f"\t{execution_weight}\t", 1)
    text = "\n".join(lines).replace("项目总额:\t", f"项目总额:\t{total}", 1)
    grid = text.index("\n", text.index("一级指标")) + 1
    row_end = text.index("\n", grid)
    row = text[grid:row_end].split("\t")
    row[7] = weight
    parsed = parse_file((text[:grid] + "\t".join(row) + text[row_end:]).encode())
    frames = normalize_file(parsed, "f.txt", "sha")
    budget = frames.project_budget
    assert budget.height == 1
    overflowed = budget.filter(~pl.col("total_in_range"))
    assert overflowed["total_yuan"].null_count() == overflowed.height


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "\t",
                "\n",
                "2024年度绩效目标表",
                "一级指标",
                "单位信息:",
                "项目总额:",
                "≥",
                "万元",
                "产出指标",
                "x",
                "",
                "\r\n",
            ]
        ),
        max_size=60,
    )
)
def test_fragments_of_the_layout_never_raise(fragments: list[str]):
    parse_file("".join(fragments).encode())


@settings(max_examples=60, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    tables=st.integers(1, 4),
    quirks=st.sets(st.sampled_from(QUIRKS)),
    encoding=st.sampled_from(["utf-8", "gb18030", "utf-8-sig-crlf"]),
)
def test_generated_tables_round_trip(seed: int, tables: int, quirks: set[str], encoding: str):
    rng = random.Random(seed)
    specs = []
    for serial in range(1, tables + 1):
        spec = make_table(rng, serial, 2023, 7)
        while spec.broken:  # well-formed tables only: broken ones are the quality tests' job
            spec = make_table(rng, serial, 2023, 7)
        spec.quirks = sorted(set(spec.quirks) | quirks)
        if "no_bank_loan_line" in spec.quirks:
            spec.amounts["bank_loan"] = None
        specs.append(spec)
    text = "\n".join(render_table(spec, rng) for spec in specs)
    if encoding == "gb18030":
        data = text.encode("gb18030")
    elif encoding == "utf-8-sig-crlf":
        data = b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode()
    else:
        data = text.encode()
    parsed = parse_file(data)
    assert parsed.findings.filter(pl.col("rule_id").str.starts_with("E")).height == 0
    silver = normalize_file(parsed, "generated.txt", "x")
    budget = silver.project_budget
    assert budget.height == len(specs)
    assert budget["project_code"].to_list() == [s.project.split("-")[0] for s in specs]
    assert budget["handler_name"].to_list() == [s.handler for s in specs]
    assert budget["handler_phone_masked"].to_list() == [
        f"{s.phone[:3]}****{s.phone[-4:]}" for s in specs
    ]
    assert budget["total_yuan"].to_list() == [Decimal(s.amounts["total"]) * 10_000 for s in specs]
    assert budget["bank_loan_yuan"].null_count() == sum(
        s.amounts["bank_loan"] is None for s in specs
    )
    targets = silver.indicator_target
    assert targets.height == sum(len(s.indicators) for s in specs)
    assert targets["level3_name"].to_list() == [i.level3 for s in specs for i in s.indicators]
    assert targets["level1_name"].null_count() == 0
