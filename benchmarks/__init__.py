"""`make bench` and `make profile`: every measurement runs with the pipeline's own runtime
settings (`pipelines` sets Polars' allocator before Polars is imported)."""

import pipelines  # noqa: F401
