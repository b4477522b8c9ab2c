"""`make profile STAGE=parse`: one pipeline stage on a benchmark corpus, under pyinstrument.

The stages before it run unprofiled (their output is what the profiled stage reads). Batches run
one at a time (`JIXIAO_WORKERS=1`), so the call tree shows the work rather than a thread waiting
for its workers. The tree is printed and also written as HTML to
`benchmarks/profiles/<stage>-<tables>.html`.

Settings: STAGE — parse (landing → bronze → silver), validate or load (default parse);
JIXIAO_PROFILE_TABLES — corpus size (default 100000).
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.run import HERE, corpus

STAGES = ("parse", "validate", "load")


def main() -> None:
    stage = sys.argv[1] if len(sys.argv) > 1 else "parse"
    if stage not in STAGES:
        sys.exit(f"unknown stage {stage!r}; one of {', '.join(STAGES)}")
    tables = int(os.environ.get("JIXIAO_PROFILE_TABLES", "100000"))
    os.environ["JIXIAO_WORKERS"] = "1"
    from pyinstrument import Profiler

    from assets.settings import Settings
    from pipelines import runner

    folder, _ = corpus(tables)
    with tempfile.TemporaryDirectory() as scratch:
        settings = Settings(folder, Path(scratch) / "data")
        inventory = runner.scan_landing(settings)
        steps: dict[str, Callable[[], object]] = {
            "parse": lambda: runner.parse_and_normalize(settings, inventory),
            "validate": lambda: runner.assess_new(settings, inventory, True),
            "load": lambda: runner.publish(settings, inventory),
        }
        if stage in ("validate", "load"):
            import great_expectations  # noqa: F401  (a start-up cost, not the stage's)
        for name, step in steps.items():
            if name != stage:
                step()
                continue
            profiler = Profiler(interval=0.001)
            profiler.start()
            step()
            profiler.stop()
            break
    print(profiler.output_text(color=False, unicode=True))
    output = HERE / "profiles" / f"{stage}-{tables}.html"
    output.parent.mkdir(exist_ok=True)
    output.write_text(profiler.output_html(), encoding="utf-8")
    print(f"HTML report: {output}")


if __name__ == "__main__":
    main()
