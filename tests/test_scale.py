"""Past one machine: sender partitions, a backfill of one partition, the publish's pool of one,
the graph on a real Dask cluster (two worker processes on loopback) and the instance on
PostgreSQL."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import dagster as dg
import polars as pl
import pytest

from assets.landing import scan
from benchmarks.corpus import generate_corpus
from pipelines import runner
from pipelines.cluster import local_cluster
from pipelines.distributed import SCHEDULER_VARIABLE
from pipelines.instance import DAGSTER_YAML, reserve_publish_pool
from pipelines.partitions import senders
from tests.conftest import SAMPLE_NAME, SAMPLE_PATH, Workspace, replace_line
from tests.services import postgres_installed, postgres_server
from warehouse.digest import digest
from warehouse.query import answer

JIXIAO = str(Path(sys.executable).with_name("jixiao"))


def test_senders_are_the_first_folder_below_landing():
    inventory = pl.DataFrame(
        {"source_file": ["a/x.txt", "a/deep/y.txt", "b/z.txt", "top.txt"], "sha256": list("1234")}
    )
    assert scan.senders(inventory) == ["_root", "a", "b"]
    assert scan.of_senders(inventory, ["a"])["source_file"].to_list() == ["a/x.txt", "a/deep/y.txt"]
    assert scan.of_senders(inventory, ["_root"])["source_file"].to_list() == ["top.txt"]


@pytest.mark.parametrize(
    ("operator_setting", "in_effect"),
    [(None, "dirty_decay_ms:2000,muzzy_decay_ms:0"), ("dirty_decay_ms:100", "dirty_decay_ms:100")],
)
def test_the_pipeline_sets_polars_allocator_before_polars_loads(
    operator_setting: str | None, in_effect: str
):
    """Polars reads `_RJEM_MALLOC_CONF` once, when it is imported; its own defaults come first
    and the last setting of a key wins."""
    env = {k: v for k, v in os.environ.items() if k != "_RJEM_MALLOC_CONF"}
    if operator_setting:
        env["_RJEM_MALLOC_CONF"] = operator_setting
    code = "import pipelines.cli, polars, os; print(os.environ['_RJEM_MALLOC_CONF'])"
    shown = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert shown.endswith("," + in_effect)


def test_shards_balance_bytes_and_leave_none_empty():
    inventory = pl.DataFrame(
        {"source_file": list("abcdef"), "sha256": list("123456"), "size": [90, 10, 50, 40, 30, 20]}
    )
    versions = list(zip(inventory["source_file"], inventory["sha256"], strict=True))
    two = runner.shards(inventory, versions, 2)
    assert two == [
        [("a", "1"), ("e", "5")],
        [("b", "2"), ("c", "3"), ("d", "4"), ("f", "6")],
    ]  # 120 : 120
    assert sorted(v for shard in two for v in shard) == versions  # every version, once
    assert runner.shards(inventory, versions, 1) == [versions]
    assert len(runner.shards(inventory, versions[:2], 8)) == 2  # no empty shard
    assert runner.shards(inventory, [], 4) == []


def test_backfill_of_one_partition_changes_only_its_rows(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Both senders correct a file; the backfill of sender b loads b's correction and nothing
    of a: a's rows keep even their load time, a's new version waits for a's partition."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    text = SAMPLE_PATH.read_text(encoding="utf-8")
    later = text.replace("2024年度", "2025年度")
    workspace.deliver(f"a/{SAMPLE_NAME}", text.encode())
    workspace.deliver("b/2025.txt", later.encode())
    assert workspace.materialize().success
    with dg.DagsterInstance.get() as instance:
        assert instance.get_dynamic_partitions(senders.name) == ["_root", "a", "b"]
    a_rows = "SELECT * FROM fact_indicator_target WHERE source_file LIKE 'a/%' ORDER BY ALL"
    before = workspace.sql(a_rows)
    assert len(before) == 75
    contradiction = (
        "SELECT year_target_value FROM fact_indicator_target AS f JOIN dim_indicator USING "
        "(indicator_key) WHERE level3_name = '发放规范性' AND source_file LIKE '{}/%'"
    )
    assert workspace.sql(contradiction.format("b")) == [(10,)]

    def corrected(content: str) -> bytes:
        return replace_line(content, 13, "\t100\t10\t%", "\t100\t100\t%").encode()

    workspace.deliver(f"a/{SAMPLE_NAME}", corrected(text))
    workspace.deliver("b/2025.txt", corrected(later))
    backfill = workspace.materialize(partition_key="b")
    assert backfill.success
    (bronze,) = [
        m
        for m in backfill.get_asset_materialization_events()
        if m.asset_key == dg.AssetKey("bronze_tables")
    ]
    assert bronze.partition == "b"
    assert bronze.materialization.metadata["files_parsed"].value == 1
    assert workspace.sql(contradiction.format("b")) == [(100,)]
    assert workspace.sql(contradiction.format("a")) == [(10,)]
    assert workspace.sql(a_rows) == before  # the same rows, loaded at the same moment
    statuses = workspace.sql("SELECT source_file, status FROM dq_file ORDER BY ALL")
    assert statuses == [
        (f"a/{SAMPLE_NAME}", "loaded"),
        ("b/2025.txt", "loaded"),
        ("b/2025.txt", "superseded"),
    ]
    assert workspace.materialize(partition_key="a").success  # a's turn
    assert workspace.sql(contradiction.format("a")) == [(100,)]


def _two_senders(landing: Path) -> None:
    text = SAMPLE_PATH.read_text(encoding="utf-8")
    for sender, year in (("county_a", "2024"), ("county_b", "2025")):
        (landing / sender).mkdir(parents=True)
        (landing / sender / f"{year}.txt").write_text(text.replace("2024年度", f"{year}年度"))


def _environment(landing: Path, data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DAGSTER_HOME", SCHEDULER_VARIABLE)}
    return {**env, "JIXIAO_LANDING_DIR": str(landing), "JIXIAO_DATA_DIR": str(data), **extra}


STORAGES = [
    "sqlite",
    pytest.param(
        "postgres",
        marks=pytest.mark.skipif(
            not postgres_installed(), reason="PostgreSQL is not installed (make postgres)"
        ),
    ),
]


@pytest.mark.parametrize("storage", STORAGES)
def test_two_partitions_publish_one_at_a_time(tmp_path: Path, storage: str):
    """Two senders' runs launched together, in two processes: their ingest overlaps, their
    publish steps queue in the pool of one (on SQLite, and on PostgreSQL as a deployment with
    many workers keeps its instance), and the warehouse ends with both."""
    landing, data = tmp_path / "landing", tmp_path / "data"
    _two_senders(landing)
    home = data / "dagster"
    home.mkdir(parents=True)
    env = _environment(landing, data)

    def launch(sender: str) -> subprocess.Popen:
        command = [JIXIAO, "dagster", "asset", "materialize", "--select", "*"]
        return subprocess.Popen(
            [*command, "--partition", sender], env=env, stdout=subprocess.PIPE, text=True
        )

    def both_runs() -> list[dg.RunRecord]:
        with dg.DagsterInstance.from_config(str(home)) as instance:
            reserve_publish_pool(instance)  # as `jixiao dagster` does before Dagster starts
            instance.add_dynamic_partitions(senders.name, ["county_a", "county_b"])
            started = [launch("county_a"), launch("county_b")]
            for process in started:
                out, _ = process.communicate(timeout=600)
                assert process.returncode == 0, out
            records = instance.get_run_records()
            spans = []
            for record in records:
                stats = instance.get_run_step_stats(record.dagster_run.run_id)
                (publish,) = [s for s in stats if s.step_key == "warehouse"]
                waited = any(
                    "for the writer's lock" in (event.user_message or "")
                    for event in instance.all_logs(record.dagster_run.run_id)
                    if event.step_key == "warehouse"
                )
                spans.append((publish.start_time, publish.end_time, waited))
            first, second = sorted(spans)
            # The second publish began after the first ended (the pool queued it), or, where the
            # pool granted both claims at once (PostgreSQL, now and then), it waited for the lock.
            assert first[1] <= second[0] or first[2] or second[2]
            return records

    if storage == "postgres":
        with postgres_server() as server:
            (home / "dagster.yaml").write_text(DAGSTER_YAML + server.dagster_storage())
            records = both_runs()
    else:
        (home / "dagster.yaml").write_text(DAGSTER_YAML)
        records = both_runs()
    assert len(records) == 2 and all(r.dagster_run.is_success for r in records)
    years = answer(
        data / "warehouse.duckdb",
        "SELECT year, count(*) AS n FROM fact_indicator_target GROUP BY ALL ORDER BY 1",
    )
    assert years.rows() == [(2024, 75), (2025, 75)]


def test_graph_on_a_dask_cluster_builds_the_same_warehouse(tmp_path: Path):
    """A corpus of five senders, run in-process and on a Dask cluster of two worker processes:
    the same warehouse (digest of every table); the shards of each layer ran on both workers."""
    landing = tmp_path / "landing"
    manifest = generate_corpus(landing, 400, seed=5, file_tables=(20, 80))
    (landing / "manifest.json").unlink()
    shutil.copy(SAMPLE_PATH, landing / SAMPLE_NAME)
    in_process = tmp_path / "in_process"
    done = subprocess.run(
        [JIXIAO, "run"], env=_environment(landing, in_process), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    distributed = tmp_path / "distributed"
    # The workers' own settings point elsewhere: a run carries its paths in its config.
    elsewhere = _environment(tmp_path / "nowhere", tmp_path / "nowhere")
    with local_cluster(2, env=elsewhere, log_dir=tmp_path / "cluster") as address:
        on_cluster = subprocess.run(
            [JIXIAO, "run"],
            env=_environment(landing, distributed, **{SCHEDULER_VARIABLE: address}),
            capture_output=True,
            text=True,
        )
    assert on_cluster.returncode == 0, on_cluster.stderr
    assert f"steps on the Dask cluster at {address}" in on_cluster.stdout
    assert f"{manifest.files + 1} new file version(s) loaded" in on_cluster.stdout
    assert digest(distributed / "warehouse.duckdb") == digest(in_process / "warehouse.duckdb")
    assert not (tmp_path / "nowhere").exists()
    with dg.DagsterInstance.from_config(str(distributed / "dagster")) as instance:
        (record,) = instance.get_run_records()
        started = instance.all_logs(
            record.dagster_run.run_id, of_type=dg.DagsterEventType.STEP_WORKER_STARTED
        )
    pids = {
        event.step_key: event.dagster_event.event_specific_data.metadata["pid"].value
        for event in started
    }
    for layer in ("parse_and_normalize.parse_shard", "dq_findings.assess_shard"):
        shards = {key: pid for key, pid in pids.items() if key.startswith(layer)}
        assert len(shards) == 2 and len(set(shards.values())) == 2, shards
    assert str(os.getpid()) not in pids.values()
