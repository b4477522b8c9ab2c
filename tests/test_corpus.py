"""The synthetic corpus is parsed with exactly the counts it declares: the benchmark measures
correct work. Correctness at scale: counts and sums on a 1k-table corpus."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from assets.settings import Settings
from benchmarks.corpus import generate_corpus
from pipelines.runner import run_pipeline


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("corpus")
    manifest = generate_corpus(root / "landing", 1_000, seed=11)
    settings = Settings(root / "landing", root / "data")
    summary = run_pipeline(settings, docs=False)
    return manifest, settings, summary


def sql(settings: Settings, query: str):
    import duckdb

    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        return con.execute(query).fetchall()
    finally:
        con.close()


def test_generator_is_deterministic(tmp_path: Path):
    first = generate_corpus(tmp_path / "a", 120, seed=3)
    second = generate_corpus(tmp_path / "b", 120, seed=3)
    assert first == second
    files_a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.txt"))
    files_b = sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.txt"))
    assert files_a == files_b
    assert all(
        (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files_a
    )


def test_pieces_hold_the_same_tables_in_more_files(tmp_path: Path):
    """The bench's many-files corpus: the same tables in the same encodings, only cut apart."""
    whole = generate_corpus(tmp_path / "whole", 600, seed=5)
    cut = generate_corpus(tmp_path / "cut", 600, seed=5, piece_tables=60)
    assert whole.files == 2 and cut.files == 10
    assert cut.indicator_rows == whole.indicator_rows
    assert cut.loadable_total_yuan == whole.loadable_total_yuan
    assert cut.encodings == {"utf-8": 10}

    def text(root: Path) -> str:
        files = sorted(root.rglob("*.txt"))
        return "".join(f.read_text(encoding="utf-8") for f in files)

    assert text(tmp_path / "cut") == text(tmp_path / "whole")


def test_declared_counts_are_found(corpus_run):
    manifest, settings, summary = corpus_run
    assert manifest.tables == 1_000 and summary.published
    assert 50 <= manifest.tables / manifest.files <= 500
    assert sql(settings, "SELECT count(*) FROM fact_project_budget") == [
        (manifest.loadable_tables,)
    ]
    assert sql(settings, "SELECT count(*) FROM fact_indicator_target") == [
        (manifest.loadable_indicator_rows,)
    ]
    assert sql(settings, "SELECT sum(total_yuan) FROM fact_project_budget") == [
        (Decimal(manifest.loadable_total_yuan),)
    ]
    assert sql(settings, "SELECT sum(tables_found) FROM dq_file") == [(manifest.tables,)]


def test_broken_tables_are_quarantined_and_nothing_else(corpus_run):
    manifest, settings, _ = corpus_run
    quarantined = sql(
        settings,
        "SELECT count(DISTINCT (source_sha256, source_table)) FROM dq_issue WHERE severity = 'error'",
    )
    assert quarantined == [(manifest.broken_tables,)]
    assert sql(
        settings, "SELECT DISTINCT rule_id FROM dq_issue WHERE severity = 'error' ORDER BY 1"
    ) == [
        ("E003",),
        ("E004",),
    ]


def test_quirks_are_repaired_not_lost(corpus_run):
    manifest, settings, _ = corpus_run
    assert sql(
        settings, "SELECT count(*) FROM dim_indicator WHERE level2_name = '服务对象满意度指'"
    ) == [(0,)]
    assert sql(settings, "SELECT count(*) FROM dq_issue WHERE rule_id = 'W103'")[0][0] > 0
    assert sql(settings, "SELECT count(*) FROM dq_issue WHERE rule_id = 'W107'")[0][0] > 0
    assert (
        sql(settings, "SELECT count(*) FROM fact_project_budget WHERE bank_loan_yuan IS NULL")[0][0]
        > 0
    )
    encodings = sql(settings, "SELECT encoding, count(*) FROM dq_file GROUP BY 1 ORDER BY 1")
    assert dict(encodings) == manifest.encodings


def test_parallel_batches_give_the_same_warehouse(corpus_run, tmp_path: Path, monkeypatch):
    """Many small batches on two worker threads load exactly what one inline batch loads."""
    from pipelines import runner

    manifest, settings, _ = corpus_run
    monkeypatch.setattr(runner, "BATCH_BYTES", 1)  # one file per batch
    monkeypatch.setenv("JIXIAO_WORKERS", "2")
    parallel = Settings(settings.landing_dir, tmp_path / "data")
    inventory = runner.scan_landing(parallel)
    assert len(runner.batches(inventory, runner.first_names(inventory))) == manifest.files > 1
    summary = run_pipeline(parallel, docs=False)
    assert summary.published
    query = (
        "SELECT count(*), sum(total_yuan), (SELECT count(*) FROM fact_indicator_target), "
        "(SELECT count(*) FROM dq_issue) FROM fact_project_budget"
    )
    assert sql(parallel, query) == sql(settings, query)
    assert sql(parallel, "SELECT count(*) FROM dq_file")[0][0] == manifest.files > 1


@pytest.mark.parametrize("workers", [1, 2, 3])
def test_batches_hold_equal_bytes_and_a_multiple_of_the_workers(workers: int):
    """Ten files of 10 bytes and a 32-byte limit: four batches of 20–30 bytes (not three full
    ones and a 10-byte rest), or six for three workers; every file once, in name order."""
    import polars as pl

    from pipelines import runner

    names = {f"h{n}": f"2024/export_{n:02d}.txt" for n in range(10)}
    inventory = pl.DataFrame({"sha256": list(names), "size": [10] * 10})
    found = runner.batches(inventory, names, limit=32, workers=workers)
    assert len(found) == {1: 4, 2: 4, 3: 6}[workers]
    assert [name for batch in found for name, _ in batch] == sorted(names.values())
    sizes = [10 * len(batch) for batch in found]
    assert max(sizes) - min(sizes) <= 10 and max(sizes) <= 32
