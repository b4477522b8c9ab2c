"""Faults of the machine end `jixiao run` with one line that names them and a non-zero exit
status; the traceback is kept in a log file the line points to."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipelines.cli import main
from tests.conftest import SAMPLE_NAME, SAMPLE_PATH

LINE = re.compile(r"^jixiao: run FAILED, (?P<fault>[^(]+) \((?P<log>[^)]+)\); ")


@contextmanager
def tmpfs(where: Path, options: str) -> Iterator[Path]:
    """A small filesystem of its own (a full disk, a read-only one), where the test may mount."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(where)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


@pytest.fixture
def landing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / SAMPLE_NAME).write_bytes(SAMPLE_PATH.read_bytes())
    monkeypatch.setenv("JIXIAO_LANDING_DIR", str(folder))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    return folder


def run_and_read(capsys: pytest.CaptureFixture) -> tuple[int, str, str]:
    status = main(["run"])
    captured = capsys.readouterr()
    last = captured.err.strip().splitlines()[-1]
    match = LINE.match(last)
    assert match, captured.err
    assert "Error" in Path(match["log"]).read_text(encoding="utf-8")  # the full report
    return status, match["fault"], last


def test_a_full_disk(landing: Path, tmp_path: Path, monkeypatch, capsys):
    with tmpfs(tmp_path / "full", "size=1M") as data:
        monkeypatch.setenv("JIXIAO_DATA_DIR", str(data))
        status, fault, line = run_and_read(capsys)
    assert (status, fault) == (74, "the disk is full")
    assert line.endswith("free some space, then run again; the published warehouse is unchanged")


def test_a_data_folder_jixiao_may_not_write(landing: Path, tmp_path: Path, monkeypatch, capsys):
    with tmpfs(tmp_path / "readonly", "size=4M,ro") as data:
        monkeypatch.setenv("JIXIAO_DATA_DIR", str(data))
        status, fault, _ = run_and_read(capsys)
    assert (status, fault) == (77, "permission denied: jixiao may not write where it must")


def test_dagster_storage_unavailable(landing: Path, tmp_path: Path, monkeypatch, capsys):
    home = tmp_path / "dagster_home"
    home.mkdir()
    (tmp_path / "a_file").write_text("")
    storage = tmp_path / "a_file" / "storage"
    (home / "dagster.yaml").write_text(f"storage:\n  sqlite:\n    base_dir: {storage}\n")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    status, fault, _ = run_and_read(capsys)
    assert (status, fault) == (69, "Dagster's storage is unavailable")
    assert list((tmp_path / "data" / "logs").glob("jixiao-run-*.log"))


def test_the_data_folder_locked_by_another_run(landing: Path, tmp_path, monkeypatch, capsys):
    from assets.settings import Settings

    monkeypatch.setenv("JIXIAO_DATA_DIR", str(tmp_path / "data"))
    (tmp_path / "data").mkdir()
    holder = subprocess.Popen(
        [
            "python3",
            "-c",
            "import sys, time, fcntl; f = open(sys.argv[1], 'a+'); fcntl.flock(f, fcntl.LOCK_EX);"
            " f.write('pid holder'); f.flush(); print('locked', flush=True); time.sleep(30)",
            str(Settings.from_env().lock_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert main(["run"]) == 75
    finally:
        holder.kill()
        holder.wait()
    (line,) = capsys.readouterr().err.strip().splitlines()
    assert line.startswith("jixiao: another jixiao run (pid holder) is using ")
