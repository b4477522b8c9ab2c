"""`make bench`: the pipeline's stages on synthetic corpora of 1k, 10k and 100k tables, as
medians of several runs and as ratios to DuckDB's raw line scan of the same bytes, measured in
the same run; then, on the largest corpus, the costs that no optimization of this design removes
(`benchmarks/floors.py`). Prints Markdown tables and writes them to `benchmarks/results.md`.

Settings: JIXIAO_BENCH_SIZES (default "1000,10000,100000"), JIXIAO_BENCH_REPEATS (default 3).
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from benchmarks.corpus import GENERATOR_VERSION, generate_corpus

HERE = Path(__file__).resolve().parent
CORPORA = HERE / "corpus"
RESULTS = HERE / "results.md"
STAGES = ("scan", "parse_normalize", "validate", "load")


def current_manifest(folder: Path) -> dict | None:
    """The manifest of a corpus written by this version of the generator (None: regenerate)."""
    path = folder / "manifest.json"
    if not path.exists():
        return None
    manifest = json.loads(path.read_text())
    return manifest if manifest.get("generator_version") == GENERATOR_VERSION else None


def corpus(tables: int) -> tuple[Path, dict]:
    folder = CORPORA / str(tables)
    manifest = current_manifest(folder)
    if manifest and manifest["tables"] == tables:
        return folder, manifest
    shutil.rmtree(folder, ignore_errors=True)
    generate_corpus(folder, tables)
    return folder, json.loads((folder / "manifest.json").read_text())


def raw_scan(folder: Path) -> float:
    """The anchor: DuckDB reads every line of every file as one VARCHAR, no parsing."""
    con = duckdb.connect()
    began = time.perf_counter()
    con.execute(
        "SELECT count(*), sum(length(line)) FROM read_csv(?, columns = {'line': 'VARCHAR'}, "
        "delim = '\x01', quote = '', escape = '', header = false, auto_detect = false, "
        "null_padding = true, strict_mode = false, ignore_errors = true)",
        [str(folder / "*" / "*.txt")],
    ).fetchall()
    elapsed = time.perf_counter() - began
    con.close()
    return elapsed


def _in_fresh_process(module: str, *args: str) -> dict:
    output = subprocess.run(
        [sys.executable, "-m", module, *args],
        check=True,
        capture_output=True,
        text=True,
        cwd=HERE.parent,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def repetition(landing: Path, data: Path, mode: str) -> dict:
    return _in_fresh_process("benchmarks.stages", str(landing), str(data), mode)


def floors(result: dict, repeats: int, scratch: Path) -> dict:
    """The unavoidable costs (`benchmarks.floors`) over the data of this size's last run."""
    folder = CORPORA / str(result["tables"])
    data = scratch / f"data-{result['tables']}"
    return _in_fresh_process("benchmarks.floors", str(folder), str(data), str(repeats))


def median(runs: list[dict], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def measure(tables: int, repeats: int, scratch: Path) -> dict:
    folder, manifest = corpus(tables)
    anchors = [raw_scan(folder) for _ in range(repeats)]
    data = scratch / f"data-{tables}"
    stage_runs = [repetition(folder, data, "stages") for _ in range(repeats)]
    whole_runs = [repetition(folder, data, "whole") for _ in range(repeats)]
    for run in stage_runs + whole_runs:
        assert run["indicator_rows"] == manifest["loadable_indicator_rows"], (run, manifest)
        assert run["tables_loaded"] == manifest["loadable_tables"], (run, manifest)
    figures = {stage: median(stage_runs, stage) for stage in STAGES}
    figures["whole_run"] = median(whole_runs, "whole_run")
    figures["noop_rerun"] = median(stage_runs, "noop_rerun")
    figures["review"] = median(whole_runs, "review")
    # the review's steps, as the load reports them (`review_<step>`, in the order they run)
    figures["review_steps"] = {
        key.removeprefix("review_"): median(whole_runs, key)
        for key in whole_runs[0]
        if key.startswith("review_")
    }
    figures["report"] = median(stage_runs, "report")
    return {
        "tables": tables,
        "manifest": manifest,
        "anchor": statistics.median(anchors),
        "figures": figures,
        "peak_rss_mb": max(run["peak_rss_mb"] for run in stage_runs + whole_runs),
        "import_core": median(stage_runs, "import_core"),
        "import_gx": median(stage_runs, "import_great_expectations"),
    }


def incremental(repeats: int, scratch: Path) -> dict:
    """One new file of 100 tables arriving in a landing folder of 1,000 loaded files."""
    base = CORPORA / "incremental"
    landing = base / "landing"
    extra = base / "new"
    if current_manifest(landing) is None:
        shutil.rmtree(base, ignore_errors=True)
        generate_corpus(landing, 9_990, seed=7, file_tables=(10, 10), first_serial=10_000_000)
        generate_corpus(extra, 100, seed=8, file_tables=(100, 100), first_serial=20_000_000)
    loaded = scratch / "incremental-loaded"
    repetition(landing, loaded, "whole")
    new_file = next(extra.rglob("*.txt"))
    runs = []
    for attempt in range(repeats):
        data = scratch / f"incremental-{attempt}"
        shutil.copytree(loaded, data)
        target = landing / "new" / new_file.name
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(new_file, target)
        try:
            runs.append(repetition(landing, data, "incremental"))
        finally:
            shutil.rmtree(target.parent)
    files = len(list(landing.rglob("*.txt"))) + 1
    steps = ("one_new_file", "scan", "parse_normalize", "validate", "load", "review", "report")
    gates = _in_fresh_process(
        "benchmarks.floors", str(landing), str(data), str(repeats), "--latest", "1"
    )
    return {"files": files, **{step: median(runs, step) for step in steps}, "gates": gates}


def _cli_environment(landing: Path, data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "JIXIAO_DASK_SCHEDULER"}
    return {
        **env,
        "JIXIAO_LANDING_DIR": str(landing),
        "JIXIAO_DATA_DIR": str(data),
        "DAGSTER_HOME": str(data / "dagster"),
        **extra,
    }


CLI = [sys.executable, "-m", "pipelines.cli"]


def every_sender(data: Path) -> str:
    """The partition range of every sender registered in a data folder's Dagster instance."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(data / "dagster")) as instance:
        keys = instance.get_dynamic_partitions("sender")
    return f"{keys[0]}...{keys[-1]}"


def noop_wall_time(repeats: int, scratch: Path, *jixiao: str) -> float:
    """Wall time of a `jixiao` command with nothing new (interpreter, imports, Dagster's
    instance and run included: what a user waits for), over the 1,000-table corpus loaded once
    by a first `jixiao run`. "{senders}" in the command stands for every sender's range."""
    folder, _ = corpus(1000)
    data = scratch / "noop-cli"
    env = _cli_environment(folder, data)
    cli = CLI
    if not (data / "warehouse.duckdb").exists():
        subprocess.run([*cli, "run"], check=True, capture_output=True, env=env, cwd=HERE.parent)
    jixiao = tuple(arg.replace("{senders}", every_sender(data)) for arg in jixiao)
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        subprocess.run([*cli, *jixiao], check=True, capture_output=True, env=env, cwd=HERE.parent)
        times.append(time.perf_counter() - began)
    return statistics.median(times)


def many_small_files(repeats: int, scratch: Path, tables: int) -> dict:
    """The largest corpus' tables again, the same tables and bytes cut into about 1,000 files:
    per-file costs show as the difference between the two whole runs. The two corpora's runs
    alternate (and so do their raw scans), so that a drift of the shared machine's speed
    weighs on both alike."""
    folder = CORPORA / f"{tables}-in-1000-files"
    manifest = current_manifest(folder)
    per_file = max(1, tables // 1000)
    if not manifest or manifest["tables"] != tables or manifest.get("piece_tables") != per_file:
        shutil.rmtree(folder, ignore_errors=True)
        generate_corpus(folder, tables, piece_tables=per_file)
        manifest = json.loads((folder / "manifest.json").read_text())
    few, _ = corpus(tables)
    pairs = []
    for _ in range(repeats):
        pair = {}
        for name, landing in (("few", few), ("many", folder)):
            pair[f"{name}_anchor"] = raw_scan(landing)
            pair[name] = repetition(landing, scratch / "many-files", "whole")["whole_run"]
        pairs.append(pair)
    return {
        "files": manifest["files"],
        "megabytes": manifest["bytes"] / 1e6,
        **{key: median(pairs, key) for key in ("few", "many", "few_anchor", "many_anchor")},
        "extra": statistics.median(pair["many"] / pair["few"] - 1 for pair in pairs),
    }


def timed_run(landing: Path, data: Path, **extra: str) -> float:
    """Wall time of one `jixiao run` (start-up included) into a fresh data folder."""
    shutil.rmtree(data, ignore_errors=True)
    began = time.perf_counter()
    subprocess.run(
        [*CLI, "run"],
        check=True,
        capture_output=True,
        env=_cli_environment(landing, data, **extra),
        cwd=HERE.parent,
    )
    return time.perf_counter() - began


def step_seconds(data: Path) -> dict[str, list[float]]:
    """The durations of the last run's steps, by step (shards of a layer under one name)."""
    import dagster as dg

    with dg.DagsterInstance.from_config(str(data / "dagster")) as instance:
        (record,) = instance.get_run_records(limit=1)
        stats = instance.get_run_step_stats(record.dagster_run.run_id)
    found: dict[str, list[float]] = {}
    for stat in stats:
        name = stat.step_key.split("[")[0]
        found.setdefault(name, []).append((stat.end_time or 0) - (stat.start_time or 0))
    return found


def distributed(scratch: Path, tables: int, workers: int = 2) -> dict:
    """The largest corpus (a folder per sender) by `jixiao run` in-process, then on a Dask
    cluster of `workers` worker processes on loopback: cold (workers just started, their first
    run imports Polars, DuckDB and GX) and warm (the same workers, a fresh data folder), as a
    long-lived cluster runs night after night. The warehouses are compared by digest."""
    from pipelines.cluster import local_cluster
    from warehouse.digest import digest

    folder, manifest = corpus(tables)
    senders = sorted({p.parent.name for p in folder.rglob("*.txt")})
    in_process = timed_run(folder, scratch / "dist-in-process")
    with local_cluster(workers) as address:
        cold = timed_run(folder, scratch / "dist-cold", JIXIAO_DASK_SCHEDULER=address)
        warm = timed_run(folder, scratch / "dist-warm", JIXIAO_DASK_SCHEDULER=address)
    same = digest(scratch / "dist-warm" / "warehouse.duckdb") == digest(
        scratch / "dist-in-process" / "warehouse.duckdb"
    )
    return {
        "steps": step_seconds(scratch / "dist-warm"),
        "indicator_rows": manifest["loadable_indicator_rows"],
        "tables": tables,
        "senders": len(senders),
        "workers": workers,
        "in_process": in_process,
        "cold": cold,
        "warm": warm,
        "same_warehouse": same,
    }


def machine() -> str:
    memory = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    return f"{os.cpu_count()} cores, {memory}, {platform.platform()}, Python {platform.python_version()}"


FLOORS = {
    "polars_lines": "Polars reading the same files as lines (no parsing)",
    "bronze_writes": "writing bronze alone: one set of Parquet files per batch (contract §3)",
    "gx_silver": "GX silver suites alone, over the corpus' silver (no Data Docs)",
    "guard_rules": "the publish's guard rules alone (G201–G207: GX warehouse suites and SQL)",
}
UNAVOIDABLE = ("bronze_writes", "gx_silver", "guard_rules")


def floors_report(result: dict, figures: dict) -> list[str]:
    anchor = figures["anchor"]

    def ratio(seconds: float) -> str:
        return f"{seconds:.3f} s | {seconds / anchor:.1f}×"

    lines = [
        "",
        f"## Costs no optimization of this design removes ({result['tables']:,} tables)",
        "",
        "Each timed on its own, medians of the same number of runs, in one process with its own "
        "anchor (`benchmarks/floors.py`). The ratio targets are 2× for parse + normalize and 5× "
        "for the whole run.",
        "",
        "| cost | time | × anchor |",
        "|---|---|---|",
        f"| anchor: DuckDB raw line scan | {ratio(anchor)} |",
        *[f"| {label} | {ratio(figures[key])} |" for key, label in FLOORS.items()],
        f"| the three required costs together | {ratio(sum(figures[k] for k in UNAVOIDABLE))} |",
    ]
    return lines


def incremental_line(result: dict) -> str:
    gates = result["gates"]
    return (
        f"One new file of 100 tables among {result['files']:,} loaded files: "
        f"{result['one_new_file']:.3f} s of pipeline work (scan {result['scan']:.2f} s, parse + "
        f"normalize {result['parse_normalize']:.2f} s, validate {result['validate']:.2f} s, load "
        f"{result['load']:.2f} s of which the target review {result['review']:.2f} s, report "
        f"{result['report']:.2f} s). The quality gates alone over that file's rows, timed on "
        f"their own: GX silver suites {gates['gx_silver']:.2f} s, guard rules (GX warehouse "
        f"suites and SQL) {gates['guard_rules']:.2f} s."
    )


def report(
    results: list[dict],
    incremental_result: dict,
    floor_figures: dict,
    noop_seconds: float,
    materialize_seconds: float,
    many: dict,
    spread: dict,
) -> str:
    sizes = [f"{r['tables']:,} tables" for r in results]
    lines = [
        f"# jixiao benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"Machine: {machine()}. Medians of {REPEATS} runs each; ratio = stage ÷ DuckDB's raw "
        "line scan of the same files in the same run. Start-up (interpreter and imports) is "
        "kept out of the stage times and reported on its own rows.",
        "",
        "| | " + " | ".join(sizes) + " |",
        "|---|" + "---|" * len(results),
    ]

    def row(name: str, cell) -> None:
        lines.append(f"| {name} | " + " | ".join(cell(r) for r in results) + " |")

    row(
        "corpus",
        lambda r: (
            f"{r['manifest']['files']} files, {r['manifest']['bytes'] / 1e6:.0f} MB, "
            f"{r['manifest']['indicator_rows']:,} indicator rows"
        ),
    )
    row("anchor: DuckDB raw line scan", lambda r: f"{r['anchor']:.3f} s")
    for stage in (*STAGES, "whole_run", "noop_rerun"):
        label = {
            "scan": "scan landing (stat + sha256)",
            "parse_normalize": "parse + normalize (landing → bronze → silver, one pass)",
            "validate": "validate (GX suites + rules, Data Docs)",
            "load": "load (→ DuckDB staged publish + invariants)",
            "whole_run": "whole run",
            "noop_rerun": "no-op re-run",
        }[stage]
        row(
            label,
            lambda r, s=stage: f"{r['figures'][s]:.3f} s ({r['figures'][s] / r['anchor']:.1f}×)",
        )
    row(
        "target review checks (R301–R313 and the mart, inside load)",
        lambda r: (
            f"{r['figures']['review']:.3f} s "
            f"({100 * r['figures']['review'] / r['figures']['whole_run']:.1f} % of the whole run: "
            + ", ".join(f"{step} {s:.2f}" for step, s in r["figures"]["review_steps"].items())
            + ")"
        ),
    )
    row(
        "review report (HTML pages, inside the whole run)",
        lambda r: f"{r['figures']['report']:.3f} s",
    )
    row(
        "whole run, indicator rows per second",
        lambda r: f"{r['manifest']['indicator_rows'] / r['figures']['whole_run']:,.0f}",
    )
    row("peak RSS", lambda r: f"{r['peak_rss_mb']:,.0f} MB")
    row("start-up: import polars + duckdb + jixiao", lambda r: f"{r['import_core']:.2f} s")
    row("start-up: import great_expectations", lambda r: f"{r['import_gx']:.2f} s")
    lines += [
        "",
        incremental_line(incremental_result),
        "",
        f"`jixiao run` with nothing new (1,000 tables loaded), wall time including start-up: "
        f"{noop_seconds:.2f} s; `jixiao dagster asset materialize --select '*'` with nothing "
        f"new (Dagster's CLI, every asset in-process, every sender's partition): "
        f"{materialize_seconds:.2f} s.",
        "",
        f"The same {results[-1]['tables']:,} tables cut into {many['files']:,} files "
        f"({many['megabytes']:.0f} MB) instead of {results[-1]['manifest']['files']}, whole "
        f"runs of the two alternating: {many['many']:.3f} s ({many['many_anchor']:.3f} s raw "
        f"scan, {many['many'] / many['many_anchor']:.1f}×) against {many['few']:.3f} s "
        f"({many['few_anchor']:.3f} s raw scan, {many['few'] / many['few_anchor']:.1f}×); "
        f"median of the pairs: the many files cost {100 * many['extra']:+.1f} %.",
        "",
        f"Partitioned on Dask's distributed scheduler ({spread['tables']:,} tables, "
        f"{spread['senders']} sender folders, {spread['workers']} worker processes on loopback; "
        "`jixiao run` wall time, start-up included, one run each):",
        "",
        "| run | wall time | against in-process |",
        "|---|---|---|",
        f"| in-process (the default) | {spread['in_process']:.2f} s | 1.00× |",
        f"| Dask, workers just started (cold) | {spread['cold']:.2f} s | "
        f"{spread['cold'] / spread['in_process']:.2f}× |",
        f"| Dask, the same workers again (warm) | {spread['warm']:.2f} s | "
        f"{spread['warm'] / spread['in_process']:.2f}× |",
        "",
        "The warehouse built on the cluster "
        + ("equals" if spread["same_warehouse"] else "DIFFERS FROM")
        + " the in-process one (digest of every table). Steps of the warm run: "
        + "; ".join(
            f"{name} {' + '.join(f'{t:.1f}' for t in times)} s"
            for name, times in spread["steps"].items()
            if name.endswith("_shard") or name == "warehouse"
        )
        + f" ({spread['indicator_rows']:,} indicator rows).",
        *floors_report(results[-1], floor_figures),
        "",
    ]
    return "\n".join(lines)


SIZES = [int(s) for s in os.environ.get("JIXIAO_BENCH_SIZES", "1000,10000,100000").split(",")]
REPEATS = int(os.environ.get("JIXIAO_BENCH_REPEATS", "3"))


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as scratch:
        results = []
        for tables in SIZES:
            print(f"benchmark: {tables:,} tables …", file=sys.stderr, flush=True)
            results.append(measure(tables, REPEATS, Path(scratch)))
        print("benchmark: the unavoidable costs …", file=sys.stderr, flush=True)
        floor_figures = floors(results[-1], REPEATS, Path(scratch))
        print("benchmark: a no-op `jixiao run` …", file=sys.stderr, flush=True)
        noop = noop_wall_time(REPEATS, Path(scratch), "run")
        # What "Materialize all" does: Dagster's CLI, every asset in-process.
        materialize = noop_wall_time(
            REPEATS,
            Path(scratch),
            *("dagster", "asset", "materialize", "--select", "*"),
            *("--partition-range", "{senders}"),
        )
        print("benchmark: the largest corpus as 1,000 files …", file=sys.stderr, flush=True)
        many = many_small_files(REPEATS, Path(scratch), SIZES[-1])
        print("benchmark: partitioned on a Dask cluster …", file=sys.stderr, flush=True)
        spread = distributed(Path(scratch), SIZES[-1])
        print("benchmark: one new file among 1,000 …", file=sys.stderr, flush=True)
        text = report(
            results,
            incremental(REPEATS, Path(scratch)),
            floor_figures,
            noop,
            materialize,
            many,
            spread,
        )
    print(text)
    RESULTS.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
