"""The nightly run nobody watches must not fail on one bad file: mutated copies of the sample
(cells replaced, inserted, dropped; stray lines) all go through the whole pipeline."""

from __future__ import annotations

import random

from tests.conftest import Workspace

ODD_CELLS = (
    "",
    " ",
    "99999999999999",
    "-1",
    "1e5",
    "０．５",
    "七十",
    "<p>x</p>",
    "项目总额:",
    "：",
    "一级指标",
    "2024年度绩效目标表",
    "\u3000",
    "NaN",
    "'; DROP TABLE dim_unit; --",
    "≥",
    "定性",
    "亿元",
    "12.3.4",
    "\ufeff",
    "a\u200bb",
    "𠀀",
    "0000000000000000000001",
)


def mutate(text: str, rng: random.Random, changes: int) -> str:
    lines = text.split("\n")
    for _ in range(changes):
        at = rng.randrange(len(lines))
        cells = lines[at].split("\t")
        cell = rng.randrange(len(cells))
        roll = rng.random()
        if roll < 0.7:
            cells[cell] = rng.choice(ODD_CELLS)
        elif roll < 0.85:
            cells.insert(cell, rng.choice(ODD_CELLS))
        else:
            del cells[cell]
        lines[at] = "\t".join(cells)
        if rng.random() < 0.05:
            lines.insert(at, rng.choice(ODD_CELLS))
    return "\n".join(lines)


def test_mutated_copies_of_the_sample_never_fail_the_run(workspace: Workspace, sample_text: str):
    for number in range(12):
        rng = random.Random(number)
        # Each copy its own projects, so that every clean table loads.
        text = sample_text.replace("540100", f"54{number:04d}")
        workspace.deliver(
            f"mutated_{number:02d}.txt", mutate(text, rng, 10 * (number + 1)).encode()
        )
    assert workspace.run().published
    files = workspace.sql("SELECT count(*), sum(tables_found), sum(tables_loaded) FROM dq_file")
    assert files == [(12, 70, 15)]  # titles hit by a mutation hide tables; damaged ones wait
    assert workspace.sql(
        "SELECT count(*) FROM fact_project_budget AS f LEFT JOIN dim_project AS p "
        "USING (project_key) WHERE p.project_code IS NULL"
    ) == [(0,)]
