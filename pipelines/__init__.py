"""Orchestration: the runner, the CLI and the Dagster definitions wire the layers below.

Importing this package sets the process's allocator for Polars, so it must happen before
anything imports Polars (every entry point lives here, and this file runs first). Polars'
jemalloc returns freed pages to the kernel within half a second by default; the pipeline
frees and allocates batch-sized frames all the time, and at 100k tables a fifth of the parse
stage's CPU time (4 of 21.6 s) was the kernel's: page faults and purges. Keeping freed pages
for two seconds, then returning them at once, took the parse stage from 13.0–13.7 s to
11.2–12.4 s with the same peak RSS (interleaved runs, three each). An operator's own
`_RJEM_MALLOC_CONF` wins.
"""

import os

os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:2000,muzzy_decay_ms:0")
