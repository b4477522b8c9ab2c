"""What a Dask worker loads when it starts (`dask worker --preload pipelines.worker`): the code
location, and Great Expectations with its context (10–18 s on this kind of machine). A worker
pays this once, when it is started, not inside the first run it serves."""

import pipelines.definitions  # noqa: F401  (loaded for its side effect: the code, once)
from expectations.validate import warm_up

warm_up()
