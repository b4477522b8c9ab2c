"""The DuckDB star schema: contents, idempotence, corrections, duplicates, W108, readers, kills."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from assets.settings import REPO_ROOT
from tests.conftest import SAMPLE_NAME, Workspace, replace_line
from warehouse.load import PUBLISHED_TABLES

PHONES = ("18089987157", "18100985913", "18089977157")


def snapshot(space: Workspace) -> dict[str, str]:
    """A digest of every published table's full contents (ingested_at included)."""
    digests = {}
    for table in PUBLISHED_TABLES:
        rows = space.sql(f"SELECT * FROM {table} ORDER BY ALL")
        digests[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def test_sample_counts_and_sums(loaded_sample: Workspace):
    assert loaded_sample.sql(
        "SELECT count(*), count(DISTINCT project_key), sum(total_yuan) FROM fact_project_budget"
    ) == [(9, 9, Decimal("8310300.00"))]
    assert loaded_sample.sql("SELECT count(*) FROM fact_indicator_target") == [(75,)]
    assert loaded_sample.sql("SELECT * FROM dim_year") == [(2024,)]
    assert loaded_sample.sql(
        "SELECT unit_key, unit_code, unit_name, department_code, department_name FROM dim_unit"
    ) == [(1, "117001", "拉萨市民族事务委员会本级", "117", "拉萨市民族事务委员会")]
    assert loaded_sample.sql(
        "SELECT project_name, function_code, function_name, activity_code, activity_name, handler_phone_masked "
        "FROM dim_project WHERE project_code = '54010024T000001414726'"
    ) == [("“59.3.28”离退休干部慰问金", "04", "办公室", "01", "对个人和家庭补助", "180****7157")]
    assert loaded_sample.sql(
        "SELECT count(*) FROM fact_project_budget WHERE bank_loan_yuan IS NULL"
    ) == [(1,)]
    assert loaded_sample.sql(
        "SELECT level1_name, level1_en, level2_name, level2_en FROM dim_indicator "
        "WHERE level3_name = '培训对象满意度'"
    ) == [("满意度指标", "satisfaction", "服务对象满意度指标", "service-recipient satisfaction")]
    assert loaded_sample.sql(
        "SELECT operator, operator_raw, measure_unit, measure_unit_raw, target_value, source_file, source_line "
        "FROM fact_indicator_target WHERE source_line = 14"
    ) == [("<=", "≤", "万元", "万", Decimal("0.2000"), SAMPLE_NAME, 14)]


def test_every_fact_joins_all_four_dimensions(loaded_sample: Workspace):
    assert loaded_sample.sql(
        "SELECT count(*) FROM fact_indicator_target f JOIN dim_year USING (year) "
        "JOIN dim_unit USING (unit_key) JOIN dim_project USING (project_key) "
        "JOIN dim_indicator USING (indicator_key)"
    ) == [(75,)]
    assert loaded_sample.sql("SELECT count(*) FROM v_targets") == [(75,)]
    assert loaded_sample.sql(
        "SELECT count(*) FROM fact_project_budget JOIN dim_year USING (year) "
        "JOIN dim_unit USING (unit_key) JOIN dim_project USING (project_key)"
    ) == [(9,)]


def test_no_full_phone_number_anywhere_in_the_warehouse_file(loaded_sample: Workspace):
    raw = loaded_sample.settings.warehouse_path.read_bytes()
    for phone in PHONES:
        assert phone.encode() not in raw
    assert b"180****7157" in raw or loaded_sample.sql(
        "SELECT count(*) FROM dim_project WHERE handler_phone_masked = '180****7157'"
    ) == [(6,)]


def test_every_table_and_column_is_documented_in_both_languages(loaded_sample: Workspace):
    undocumented = loaded_sample.sql(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE schema_name = 'main' AND NOT internal AND database_name = current_database() "
        "AND (comment IS NULL OR comment NOT LIKE '% / %')"
    )
    assert undocumented == []
    tables = loaded_sample.sql(
        "SELECT table_name FROM duckdb_tables() WHERE comment IS NULL "
        "UNION ALL SELECT view_name FROM duckdb_views() "
        "WHERE NOT internal AND schema_name = 'main' AND comment IS NULL"
    )
    assert tables == []


def test_scorecard_view(loaded_sample: Workspace):
    rows = loaded_sample.sql(
        "SELECT project_code, total_wan_yuan, indicator_count, output_indicators, outcome_indicators, "
        "satisfaction_indicators, cost_indicators, weight_total, warning_count, error_count "
        "FROM v_project_scorecard WHERE project_code IN ('54010024T000001425237', '54010024T00G001394820') "
        "ORDER BY project_code"
    )
    assert rows == [
        ("54010024T000001425237", Decimal("92.500000"), 8, 5, 2, 1, 0, Decimal("90.00"), 1, 0),
        ("54010024T00G001394820", Decimal("12.000000"), 9, 4, 3, 1, 1, Decimal("100.00"), 9, 0),
    ]


def test_second_run_changes_nothing(workspace: Workspace, sample_bytes: bytes):
    workspace.deliver(SAMPLE_NAME, sample_bytes)
    first = workspace.run()
    assert first.published and first.new_versions == 1
    before = snapshot(workspace)
    stat = workspace.settings.warehouse_path.stat()
    second = workspace.run()
    assert not second.published and second.new_versions == 0
    assert snapshot(workspace) == before
    after = workspace.settings.warehouse_path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (stat.st_ino, stat.st_mtime_ns)


def test_same_bytes_under_another_name_load_once(workspace: Workspace, sample_bytes: bytes):
    workspace.deliver(SAMPLE_NAME, sample_bytes)
    workspace.run()
    keys = workspace.sql("SELECT project_code, project_key FROM dim_project ORDER BY 1")
    workspace.deliver("resent/copy_of_sample.txt", sample_bytes)
    summary = workspace.run()
    assert summary.published and summary.new_versions == 1
    assert workspace.sql("SELECT count(*) FROM fact_indicator_target") == [(75,)]
    assert workspace.sql(
        "SELECT source_file, status, tables_loaded, reason FROM dq_file ORDER BY source_file"
    ) == [
        (SAMPLE_NAME, "loaded", 9, None),
        (
            "resent/copy_of_sample.txt",
            "duplicate",
            0,
            f"same bytes as {SAMPLE_NAME}; loaded once, from there",
        ),
    ]
    assert workspace.sql("SELECT project_code, project_key FROM dim_project ORDER BY 1") == keys


def test_corrected_file_replaces_its_earlier_version(workspace: Workspace, sample_text: str):
    workspace.deliver(SAMPLE_NAME, sample_text.encode())
    workspace.run()
    keys = workspace.sql("SELECT project_code, project_key FROM dim_project ORDER BY 1")
    corrected = replace_line(sample_text, 13, "\t100\t10\t", "\t100\t100\t")  # fixes the W102 typo
    corrected = replace_line(corrected, 6, "0.20", "0.30")
    corrected = replace_line(corrected, 7, "0.20", "0.30")
    workspace.deliver(SAMPLE_NAME, corrected.encode())
    workspace.run()
    assert workspace.sql("SELECT count(*), sum(total_yuan) FROM fact_project_budget") == [
        (9, Decimal("8311300.00"))
    ]
    assert workspace.sql("SELECT count(*) FROM fact_indicator_target") == [(75,)]
    assert workspace.sql(
        "SELECT year_target_value FROM fact_indicator_target WHERE source_line = 13"
    ) == [(Decimal("100.0000"),)]
    assert workspace.sql("SELECT status FROM dq_file ORDER BY ingested_at") == [
        ("superseded",),
        ("loaded",),
    ]
    assert workspace.sql("SELECT count(*) FROM dq_issue WHERE rule_id = 'W102'") == [(3,)]
    assert workspace.sql("SELECT count(DISTINCT source_sha256) FROM dq_issue") == [(1,)]
    assert workspace.sql("SELECT project_code, project_key FROM dim_project ORDER BY 1") == keys


def test_newer_delivery_of_a_project_year_wins_with_w108(workspace: Workspace, sample_text: str):
    workspace.deliver(SAMPLE_NAME, sample_text.encode())
    workspace.run()
    # A later file re-delivers only the 党建经费 table (lines 43-61), with a new total.
    lines = sample_text.split("\n")
    update = "\n".join(lines[42:61]).replace("0.83", "0.93")
    workspace.deliver("update/party.txt", update.encode())
    workspace.run()
    assert workspace.sql(
        "SELECT source_file, source_line, total_yuan FROM fact_project_budget "
        "JOIN dim_project USING (project_key) WHERE project_code = '54000021Y000000005232'"
    ) == [("update/party.txt", 1, Decimal("9300.00"))]
    assert workspace.sql("SELECT count(*) FROM fact_project_budget") == [(9,)]
    assert workspace.sql("SELECT count(*) FROM fact_indicator_target") == [(75,)]
    assert workspace.sql(
        "SELECT source_file, source_line, project_code, message FROM dq_issue WHERE rule_id = 'W108'"
    ) == [
        (
            SAMPLE_NAME,
            43,
            "54000021Y000000005232",
            "project-year delivered again: superseded by the newer delivery update/party.txt:1",
        )
    ]
    assert workspace.sql(
        "SELECT source_file, tables_loaded, indicator_rows FROM dq_file ORDER BY 1"
    ) == [
        (SAMPLE_NAME, 8, 66),
        ("update/party.txt", 1, 9),
    ]


def test_surrogate_keys_are_stable_when_new_projects_arrive(workspace: Workspace, sample_text: str):
    workspace.deliver(SAMPLE_NAME, sample_text.encode())
    workspace.run()
    before = workspace.sql("SELECT project_code, project_key FROM dim_project ORDER BY 1")
    indicators = workspace.sql(
        "SELECT indicator_key, level1_name, level2_name, level3_name FROM dim_indicator ORDER BY 1"
    )
    other = sample_text.replace("54010024T000001414726", "54010024T000009999999").replace(
        "2024年度", "2025年度"
    )
    workspace.deliver("2025.txt", other.encode())
    workspace.run()
    after = dict(workspace.sql("SELECT project_code, project_key FROM dim_project"))
    assert all(after[code] == key for code, key in before)
    assert after["54010024T000009999999"] == 10
    assert (
        workspace.sql(
            "SELECT indicator_key, level1_name, level2_name, level3_name FROM dim_indicator ORDER BY 1"
        )
        == indicators
    )
    assert workspace.sql("SELECT year FROM dim_year ORDER BY 1") == [(2024,), (2025,)]


READER = textwrap.dedent(
    """
    import sys, time, duckdb
    path, stop = sys.argv[1], sys.argv[2]
    import os
    seen, failures = set(), 0
    while not os.path.exists(stop):
        try:
            con = duckdb.connect(path, read_only=True)
            facts, total, files = con.execute(
                "SELECT (SELECT count(*) FROM fact_indicator_target),"
                " (SELECT sum(total_yuan) FROM fact_project_budget),"
                " (SELECT count(*) FROM dq_file)").fetchall()[0]
            con.close()
            seen.add((facts, str(total), files))
        except Exception as error:
            failures += 1
            print("FAIL", error, flush=True)
        time.sleep(0.01)
    print(sorted(seen), failures, flush=True)
    """
)


def test_reader_in_another_process_sees_old_or_new_never_a_mix(
    workspace: Workspace, sample_text: str
):
    workspace.deliver(SAMPLE_NAME, sample_text.encode())
    workspace.run()
    stop = workspace.data / "stop-reader"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(workspace.settings.warehouse_path), str(stop)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(0.5)
        for year in (2025, 2026, 2027):
            workspace.deliver(
                f"{year}.txt", sample_text.replace("2024年度", f"{year}年度").encode()
            )
            workspace.run()
        time.sleep(0.3)
    finally:
        stop.touch()
        output, _ = reader.communicate(timeout=30)
    states, failures = output.strip().splitlines()[-1].rsplit(" ", 1)
    assert failures == "0", output
    allowed = {(75 * n, f"{8310300 * n}.00", n) for n in (1, 2, 3, 4)}
    seen = {tuple(x) for x in eval(states)}  # noqa: S307 - our own subprocess's repr
    assert seen <= allowed and (75, "8310300.00", 1) in seen, seen


KILLED_LOAD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from assets.settings import Settings
    from pipelines.runner import run_pipeline
    from warehouse import load

    signal_file = Path(sys.argv[3])
    original_stage = load.stage

    def stage_then_hang(*args, **kwargs):
        staged = original_stage(*args, **kwargs)
        signal_file.write_text("staged")
        time.sleep(120)
        return staged

    load.stage = stage_then_hang
    run_pipeline(Settings(Path(sys.argv[1]), Path(sys.argv[2])), docs=False)
    """
)


def test_load_killed_mid_way_leaves_the_previous_warehouse(workspace: Workspace, sample_text: str):
    workspace.deliver(SAMPLE_NAME, sample_text.encode())
    workspace.run()
    before = snapshot(workspace)
    workspace.deliver("2025.txt", sample_text.replace("2024年度", "2025年度").encode())
    signal_file = workspace.data / "staged.signal"
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            KILLED_LOAD,
            str(workspace.landing),
            str(workspace.data),
            str(signal_file),
        ],
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    deadline = time.monotonic() + 120
    while not signal_file.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    assert signal_file.exists(), "the load never reached its staged state"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    assert snapshot(workspace) == before  # still queryable, still the old state
    summary = workspace.run()  # the next run recovers: stale staging is rebuilt
    assert summary.published
    assert workspace.sql("SELECT count(*) FROM fact_project_budget") == [(18,)]


@contextmanager
def lock_held(workspace: Workspace, seconds: float) -> Iterator[subprocess.Popen]:
    """Another process holding the data folder's writer lock for `seconds`, as another run
    would ("pid holder" in the lock file)."""
    workspace.data.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time, fcntl; f = open(sys.argv[1], 'a+'); fcntl.flock(f, fcntl.LOCK_EX);"
            " f.write('pid holder'); f.flush(); print('locked', flush=True);"
            " time.sleep(float(sys.argv[2]))",
            str(workspace.settings.lock_path),
            str(seconds),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.kill()
        holder.wait()


def test_a_publishing_step_waits_for_the_writer_lock(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
):
    """With a wait, the lock is taken once the other writer lets go, and the wait is logged;
    past the wait, the same clear refusal as without one."""
    from pipelines.runner import RunInProgressError, run_lock

    with (
        lock_held(workspace, 1.0) as brief,
        caplog.at_level(logging.WARNING, logger="jixiao.runner"),
        run_lock(workspace.settings, wait=60),
    ):
        assert brief.poll() is not None  # the holder had let go
    assert "for the writer's lock" in caplog.text
    with lock_held(workspace, 30.0):
        began = time.monotonic()
        with (
            pytest.raises(RunInProgressError, match="pid holder"),
            run_lock(workspace.settings, wait=0.5),
        ):
            pass
        assert 0.5 <= time.monotonic() - began < 5


def test_two_runs_at_once_refuse_with_a_clear_message(workspace: Workspace, sample_bytes: bytes):
    from pipelines.runner import RunInProgressError, run_lock

    workspace.deliver(SAMPLE_NAME, sample_bytes)
    with lock_held(workspace, 30.0):
        with (
            pytest.raises(RunInProgressError, match="another jixiao run"),
            run_lock(workspace.settings),
        ):
            pass
        with pytest.raises(RunInProgressError):
            workspace.run()
        assert not workspace.settings.warehouse_path.exists()
    assert workspace.run().published


def test_query_files_need_no_write_access(loaded_sample: Workspace):
    con = duckdb.connect(str(loaded_sample.settings.warehouse_path), read_only=True)
    try:
        with pytest.raises(duckdb.Error):
            con.execute("DELETE FROM dim_year")
    finally:
        con.close()


def test_staging_is_never_the_published_file(loaded_sample: Workspace):
    staging = loaded_sample.settings.warehouse_path.with_name(".warehouse.staging.duckdb")
    assert not staging.exists()
    assert Path(loaded_sample.settings.warehouse_path).exists()


def test_each_guard_rule_trips_on_a_tampered_copy(loaded_sample: Workspace, tmp_path: Path):
    from warehouse import invariants

    lake = loaded_sample.settings.lake
    versions = lake.quality.done_versions()
    clean = invariants.check_all(loaded_sample.settings.warehouse_path, lake, versions)
    guards = ["G201", "G202", "G203", "G204", "G205", "G206", "G207"]
    assert {name: rows.height for name, rows in clean.items()} == dict.fromkeys(guards, 0)
    copy = tmp_path / "tampered.duckdb"
    copy.write_bytes(loaded_sample.settings.warehouse_path.read_bytes())
    con = duckdb.connect(str(copy))
    con.execute("INSERT INTO dim_unit SELECT * FROM dim_unit")  # G201: keys no longer unique
    con.execute("UPDATE fact_indicator_target SET operator = '≥' WHERE source_line = 14")
    con.execute("UPDATE dim_project SET handler_phone_masked = '18089987157' WHERE project_key = 1")
    con.execute(
        "INSERT INTO dq_issue (rule_id, severity, source_file, source_sha256, source_table) "
        "SELECT 'E003', 'error', source_file, source_sha256, 2 FROM fact_project_budget LIMIT 1"
    )
    # No foreign key refuses a dangling fact: G205 is the one guard of that invariant.
    con.execute("UPDATE fact_indicator_target SET indicator_key = 999 WHERE source_line = 13")
    con.execute("UPDATE fact_project_budget SET total_yuan = total_yuan + 1 WHERE source_line = 3")
    con.execute("INSERT INTO dq_table SELECT * FROM dq_table WHERE source_table = 1")
    con.close()
    found = invariants.check_all(copy, lake, versions)
    assert {name: rows.height for name, rows in found.items()} == {
        "G201": 4,  # unit_key and unit_code, each on both copies of the row
        "G202": 1,  # a raw operator spelling
        "G203": 1,  # the unmasked phone
        "G204": 1 + 11,  # table 2: its budget row and its 11 indicator rows
        "G205": 1,  # the dangling indicator key
        "G206": 1,  # the total that differs from silver
        "G207": 1,  # the doubled table record
    }


HELD_READER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    query = "SELECT count(*) FROM fact_project_budget"
    print(con.execute(query).fetchall()[0][0], flush=True)
    sys.stdin.readline()  # hold the connection open while the writer loads and publishes
    print(con.execute(query).fetchall()[0][0], flush=True)
    """
)


def test_a_reader_holding_its_connection_never_blocks_the_writer(
    workspace: Workspace, sample_text: str
):
    workspace.deliver(SAMPLE_NAME, sample_text.encode())
    workspace.run()
    reader = subprocess.Popen(
        [sys.executable, "-c", HELD_READER, str(workspace.settings.warehouse_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert reader.stdout.readline().strip() == "9"
        workspace.deliver("2025.txt", sample_text.replace("2024年度", "2025年度").encode())
        assert workspace.run().published  # the writer is not blocked by the open reader
        output, _ = reader.communicate("go\n", timeout=30)
    finally:
        reader.kill()
    assert output.strip() == "9"  # the open connection keeps its consistent (old) snapshot
    assert workspace.sql("SELECT count(*) FROM fact_project_budget") == [(18,)]  # new readers


def test_a_quiet_night_never_imports_great_expectations(workspace: Workspace, sample_bytes: bytes):
    workspace.deliver(SAMPLE_NAME, sample_bytes)
    workspace.run()
    probe = (
        "import sys; from pathlib import Path; from assets.settings import Settings; "
        "from pipelines.runner import run_pipeline; "
        "summary = run_pipeline(Settings(Path(sys.argv[1]), Path(sys.argv[2]))); "
        "print(summary.published, 'great_expectations' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe, str(workspace.landing), str(workspace.data)],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        check=True,
    )
    assert result.stdout.split() == ["False", "False"]


def test_a_reverted_file_and_an_orphaned_duplicate_load_again(
    workspace: Workspace, sample_text: str
):
    original = sample_text.encode()
    corrected = replace_line(sample_text, 6, "0.20", "0.30")
    corrected = replace_line(corrected, 7, "0.20", "0.30").encode()
    workspace.deliver(SAMPLE_NAME, original)
    workspace.deliver("copy.txt", original)  # same bytes: a duplicate of the sample
    workspace.run()
    assert workspace.sql("SELECT source_file, status FROM dq_file ORDER BY 1") == [
        (SAMPLE_NAME, "loaded"),
        ("copy.txt", "duplicate"),
    ]
    workspace.deliver(SAMPLE_NAME, corrected)  # the original is corrected: copy.txt is orphaned
    workspace.run()
    original_sha = hashlib.sha256(original).hexdigest()
    statuses = workspace.sql(
        f"SELECT source_file, source_sha256 = '{original_sha}', status FROM dq_file ORDER BY ALL"
    )
    assert sorted((f, o, s) for f, o, s in statuses) == [
        (SAMPLE_NAME, False, "loaded"),
        (SAMPLE_NAME, True, "superseded"),
        ("copy.txt", True, "loaded"),
    ]
    # both contents are now live under their own names: the newer delivery of each project-year wins
    assert workspace.sql("SELECT count(*) FROM fact_project_budget") == [(9,)]
    assert workspace.sql("SELECT count(*) FROM dq_issue WHERE rule_id = 'W108'") == [(9,)]
    workspace.deliver(SAMPLE_NAME, original)  # reverted: its bytes are live under copy.txt now
    workspace.run()
    assert workspace.sql(
        f"SELECT status, count(*) FROM dq_file WHERE source_file = '{SAMPLE_NAME}' "
        "GROUP BY 1 ORDER BY 1"
    ) == [("duplicate", 1), ("superseded", 1)]
    assert workspace.sql("SELECT sum(total_yuan) FROM fact_project_budget") == [
        (Decimal("8310300.00"),)
    ]
    assert workspace.sql("SELECT count(*) FROM fact_indicator_target") == [(75,)]


def test_a_file_reverted_to_its_earlier_bytes_is_loaded_again(
    workspace: Workspace, sample_text: str
):
    original = sample_text.encode()
    corrected = replace_line(replace_line(sample_text, 6, "0.20", "0.30"), 7, "0.20", "0.30")
    workspace.deliver(SAMPLE_NAME, original)
    workspace.run()
    workspace.deliver(SAMPLE_NAME, corrected.encode())
    workspace.run()
    assert workspace.sql("SELECT sum(total_yuan) FROM fact_project_budget") == [
        (Decimal("8311300.00"),)
    ]
    workspace.deliver(SAMPLE_NAME, original)
    workspace.run()
    original_sha = hashlib.sha256(original).hexdigest()
    assert workspace.sql(
        f"SELECT source_sha256 = '{original_sha}', status FROM dq_file ORDER BY 1"
    ) == [(False, "superseded"), (True, "loaded")]
    assert workspace.sql("SELECT sum(total_yuan) FROM fact_project_budget") == [
        (Decimal("8310300.00"),)
    ]
    assert workspace.sql("SELECT count(*) FROM fact_indicator_target") == [(75,)]
    assert workspace.sql("SELECT count(*) FROM dq_issue WHERE rule_id = 'W102'") == [(4,)]


def test_a_superseded_winner_falls_back_to_the_earlier_delivery(
    workspace: Workspace, sample_text: str
):
    lines = sample_text.split("\n")
    workspace.deliver(SAMPLE_NAME, sample_text.encode())
    party = "\n".join(lines[42:61]).replace("0.83", "0.93")
    workspace.deliver("update.txt", party.encode())
    workspace.run()
    assert workspace.sql("SELECT count(*) FROM dq_issue WHERE rule_id = 'W108'") == [(1,)]
    # update.txt is corrected: it now re-delivers the 59.3.28 table instead of the party table
    workspace.deliver("update.txt", "\n".join(lines[2:19]).encode())
    workspace.run()
    assert workspace.sql(
        "SELECT project_code, source_file, total_yuan FROM fact_project_budget "
        "JOIN dim_project USING (project_key) "
        "WHERE project_code IN ('54000021Y000000005232', '54010024T000001414726') ORDER BY 1"
    ) == [
        ("54000021Y000000005232", SAMPLE_NAME, Decimal("8300.00")),  # restored from the sample
        ("54010024T000001414726", "update.txt", Decimal("2000.00")),  # the newer delivery
    ]
    assert workspace.sql("SELECT count(*), sum(total_yuan) FROM fact_project_budget") == [
        (9, Decimal("8310300.00"))
    ]
    assert workspace.sql("SELECT count(*) FROM fact_indicator_target") == [(75,)]
    assert workspace.sql(
        "SELECT source_file, source_line, project_code FROM dq_issue WHERE rule_id = 'W108'"
    ) == [(SAMPLE_NAME, 3, "54010024T000001414726")]


def test_lake_layout_every_layer_per_batch_with_an_index_per_batch(
    loaded_sample: Workspace,
):
    """Bronze, silver and quality: files per batch (silver also per year), every row stamped
    with its lineage, and one index per batch that names each version's files and carries what
    the next layer needs (the encoding reaches dq_file through it)."""
    from assets.lake import batch_name
    from assets.silver import store as silver

    lake = loaded_sample.settings.lake
    sha256 = hashlib.sha256((loaded_sample.landing / SAMPLE_NAME).read_bytes()).hexdigest()
    batch = batch_name([sha256])
    tables = lake.bronze.read([sha256], "tables")
    assert tables.height == 9
    assert tables.select("source_sha256", "source_file").unique().rows() == [(sha256, SAMPLE_NAME)]
    for store in (lake.bronze, lake.silver, lake.quality):
        assert [p.name for p in (store.root / "_index").iterdir()] == [f"{batch}.batch"]
        assert store.done_versions() == [sha256]
        assert store.meta(sha256)["encoding"] == "utf-8"
        assert store.meta(sha256)["lines"] == 174  # 173 newlines, and the empty line after them
    assert lake.silver.meta(sha256)["years"] == [2024]
    assert lake.silver.sources([sha256], "indicator_target") == {
        str(lake.silver.path("indicator_target", batch, 2024)): [sha256]
    }
    assert lake.silver.sources([sha256], "parse_findings") == {}  # the sample parses cleanly
    assert lake.quality.sources([sha256], "findings") == {
        str(lake.quality.path("findings", batch)): [sha256]
    }
    frames = silver.read(lake, [sha256])
    assert (frames.project_budget.height, frames.indicator_target.height) == (9, 75)
    assert silver.read(lake, []).indicator_target.height == 0
    assert loaded_sample.sql("SELECT encoding FROM dq_file") == [("utf-8",)]


def test_an_index_replaced_or_added_by_another_process_is_read_anew(tmp_path: Path):
    """Indexes are remembered per process; one replaced on disk, or a batch another worker
    wrote, must be read, not served from memory."""
    from assets.lake import Store, batch_name

    store = Store(tmp_path / "silver", ("rows",))
    store.write(
        {"rows": pl.DataFrame({"source_sha256": ["v1"], "n": [1]})}, {"v1": {"years": [2024]}}
    )
    assert store.meta("v1") == {"years": [2024]}
    index = store.index_path(batch_name(["v1"]))
    content = json.loads(index.read_text(encoding="utf-8"))
    content["v1"]["meta"] = {"years": [2024, 2025], "lines": 12}
    replacement = index.with_name(".replacement")
    replacement.write_text(json.dumps(content), encoding="utf-8")
    os.replace(replacement, index)
    assert store.meta("v1") == {"years": [2024, 2025], "lines": 12}
    other_worker = Store(tmp_path / "silver", ("rows",))
    other_worker.write({"rows": pl.DataFrame({"source_sha256": ["v2"], "n": [2]})}, {"v2": {}})
    assert store.done_versions() == ["v1", "v2"]
    assert store.sources(["v1", "v2"], "rows") == {
        str(store.path("rows", batch_name(["v1"]))): ["v1"],
        str(store.path("rows", batch_name(["v2"]))): ["v2"],
    }


def test_a_batch_file_is_read_whole_only_when_every_version_it_holds_is_wanted(tmp_path: Path):
    """Rows are told apart by version only where a file holds versions the reader does not
    want: a batch's files per year hold some of its versions each, as its index says."""
    from assets.lake import Store, batch_name

    store = Store(tmp_path / "silver", ("rows",), by_year=("rows",))
    rows = pl.DataFrame(
        {
            "source_sha256": ["v1", "v2", "v2", "v3"],
            "year": [2023, 2023, 2024, 2024],
            "n": [1, 2, 3, 4],
        }
    )
    store.write({"rows": rows}, {"v1": {}, "v2": {}, "v3": {}})
    batch = batch_name(["v1", "v2", "v3"])
    in_2023, in_2024 = (str(store.path("rows", batch, year)) for year in (2023, 2024))

    def read(*versions: str) -> list[int]:
        return sorted(store.read(versions, "rows")["n"].to_list())

    assert store.whole_files(store.sources(["v1", "v2"], "rows"), "rows") == {in_2023}
    assert read("v1", "v2") == [1, 2, 3]
    assert store.whole_files(store.sources(["v2", "v3"], "rows"), "rows") == {in_2024}
    assert read("v2", "v3") == [2, 3, 4]
    assert store.whole_files(store.sources(["v2"], "rows"), "rows") == set()
    assert read("v2") == [2, 3]
    assert read("v1", "v2", "v3") == [1, 2, 3, 4]


@given(st.lists(st.sampled_from([None, 2022, 2023, 2024]), max_size=40))
def test_a_batch_is_split_by_year_as_partition_by_splits_it(years: list[int | None]):
    """Years in runs are sliced, years interleaved are copied apart: the same parts, keys and
    row order either way."""
    from assets.lake import by_year

    frame = pl.DataFrame(
        {"year": years, "row": range(len(years))}, schema={"year": pl.Int32, "row": pl.Int64}
    )
    expected = frame.partition_by("year", as_dict=True)
    parts = by_year(frame)
    assert list(parts) == list(expected)
    for key, part in parts.items():
        assert part.equals(expected[key])


def test_a_version_two_batches_hold_is_read_from_the_newer_only(tmp_path: Path):
    """A batch is done whole (its index is written last) or redone whole; a version that another
    run wrote again in a batch of its own has rows in two files and two indexes naming it. Its
    rows are read from the newer batch only: never twice, in the lake or in the warehouse."""
    from assets.lake import batch_name
    from assets.settings import Settings
    from assets.silver import store as silver
    from benchmarks.corpus import generate_corpus
    from pipelines import runner

    manifest = generate_corpus(tmp_path / "landing", 120, seed=5, file_tables=(60, 60))
    settings = Settings(tmp_path / "landing", tmp_path / "data")
    lake = settings.lake
    inventory = runner.scan_landing(settings)
    runner.parse_and_normalize(settings, inventory)
    first, second = lake.silver.done_versions()
    # Another run wrote the second version again, alone.
    again = silver.read(lake, [second])
    lake.silver.write(
        {
            "project_budget": again.project_budget,
            "indicator_target": again.indicator_target,
            "parse_findings": silver.read_parse_findings(lake, [second]),
        },
        {second: lake.silver.meta(second)},
    )
    assert lake.silver.sources([second], "project_budget") == {
        str(lake.silver.path("project_budget", batch_name([second]), year)): [second]
        for year in lake.silver.meta(second)["years"]
    }
    frames = silver.read(lake, [first, second])
    assert frames.project_budget.height == manifest.tables
    assert frames.indicator_target.height == manifest.indicator_rows
    summary = runner.run_pipeline(settings, docs=False)
    assert summary.published
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        tables, rows = con.execute(
            "SELECT (SELECT count(*) FROM fact_project_budget),"
            " (SELECT count(*) FROM fact_indicator_target)"
        ).fetchone()
        issues = con.execute(
            "SELECT count(*) - count(DISTINCT (source_file, source_line, rule_id, column_name))"
            " FROM dq_issue WHERE rule_id <> 'W108'"
        ).fetchone()[0]
    finally:
        con.close()
    assert (tables, rows) == (manifest.loadable_tables, manifest.loadable_indicator_rows)
    assert issues == 0


def test_a_file_that_changes_or_vanishes_after_the_scan_waits_for_the_next_run(
    workspace: Workspace, sample_bytes: bytes, sample_text: str
):
    """Between the scan and the parse, one file is rewritten and another deleted: the run
    loads what it could verify, and the next run picks up the new bytes."""
    from pipelines import runner

    workspace.deliver("a.txt", sample_bytes)
    other = sample_text.replace("54010024T000001414726", "54010024T000009999999")
    workspace.deliver("b.txt", other.encode())
    settings = workspace.settings
    inventory = runner.scan_landing(settings)
    corrected = sample_text.replace("0.20", "0.30", 1).encode()
    workspace.deliver("a.txt", corrected)
    (workspace.landing / "b.txt").unlink()
    runner.parse_and_normalize(settings, inventory)
    runner.assess_new(settings, inventory, docs=False)
    summary = runner.publish(settings, inventory)
    assert summary.new_versions == 0  # nothing could be verified: the schema, and no rows
    assert workspace.sql("SELECT count(*) FROM dq_file") == [(0,)]

    assert workspace.run().published
    assert workspace.sql("SELECT source_file, status FROM dq_file") == [("a.txt", "loaded")]
    assert workspace.sql(
        "SELECT min(total_yuan) FROM fact_project_budget WHERE source_table = 1"
    ) == [(Decimal("3000.00"),)]


def test_a_landing_file_named_in_another_encoding_is_skipped_with_a_warning(
    workspace: Workspace, sample_bytes: bytes, caplog: pytest.LogCaptureFixture
):
    """Names are text in every layer; a GBK-named file (bytes that are no UTF-8) cannot be
    recorded, so the scan leaves it out and says so instead of failing the night."""
    workspace.deliver("good.txt", sample_bytes)
    gbk_name = os.fsdecode(b"\xc4\xe3\xba\xc3.txt")  # 你好.txt in GBK
    (workspace.landing / gbk_name).write_bytes(sample_bytes)
    with caplog.at_level("WARNING", logger="jixiao.landing"):
        assert workspace.run().published
    assert workspace.sql("SELECT source_file FROM dq_file") == [("good.txt",)]
    assert "\\xc4\\xe3\\xba\\xc3.txt" in caplog.text and "not UTF-8" in caplog.text


def test_bronze_rows_carry_the_name_their_content_is_known_by_now(
    workspace: Workspace, sample_text: str
):
    """Bronze records the name a content was first delivered as; a later read for the next
    layer stamps every row with the name given now (the first delivery may have gone)."""
    from assets.bronze import store as bronze

    workspace.deliver("old.txt", sample_text.encode())
    workspace.deliver("new.txt", sample_text.replace("540100", "549999").encode())
    workspace.run()
    lake = workspace.settings.lake
    versions = [
        (name, hashlib.sha256((workspace.landing / name).read_bytes()).hexdigest())
        for name in ("old.txt", "new.txt")
    ]
    renamed = [("renamed.txt", versions[0][1]), versions[1]]
    for order in (renamed, renamed[::-1]):
        tables = bronze.read(lake, order, "tables")
        assert dict(tables.group_by("source_file").len().iter_rows()) == {
            "renamed.txt": 9,
            "new.txt": 9,
        }
        assert tables["source_sha256"].null_count() == 0
        assert bronze.read(lake, order, "indicators").height == 150


def test_landing_to_silver_in_one_scan_and_a_cut_between_bronze_and_silver_recovers(
    workspace: Workspace, sample_bytes: bytes, monkeypatch: pytest.MonkeyPatch
):
    """The normal path parses each new file once and normalizes the parsed frames (bronze is
    never read back); a version whose bronze was written but not its silver (a run cut
    between the two) is normalized from bronze, without parsing again, to the same rows."""
    from assets.bronze import store as bronze
    from assets.lake import batch_name
    from assets.silver import store as silver
    from pipelines import runner

    settings = workspace.settings
    workspace.deliver(SAMPLE_NAME, sample_bytes)
    reads: list[str] = []
    original_read = bronze.read
    monkeypatch.setattr(bronze, "read", lambda *a: reads.append(a[2]) or original_read(*a))
    inventory = runner.scan_landing(settings)
    ((parsed, normalized),) = runner.parse_and_normalize(settings, inventory)
    assert reads == [] and parsed.tables == 9 and normalized.indicator_rows == 75
    first = silver.read(settings.lake, [parsed.sha256])

    settings.lake.silver.index_path(batch_name([parsed.sha256])).unlink()  # the cut
    ((again, renormalized),) = runner.parse_and_normalize(settings, inventory)
    assert again is None and set(reads) == {"tables", "indicators", "findings"}
    assert renormalized == normalized
    second = silver.read(settings.lake, [parsed.sha256])
    assert second.project_budget.equals(first.project_budget)
    assert second.indicator_target.equals(first.indicator_target)
