# Every target bootstraps its own locked environment: a fresh machine needs only Python 3.11 and pip.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := $(VENV)
# Bytecode written at install: this kind of machine sets PYTHONDONTWRITEBYTECODE, and compiling
# Dagster's source on every start costs seconds of each run.
export UV_COMPILE_BYTECODE := 1

.PHONY: install run test dev bench profile lint format clean chromium postgres cluster screenshots

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) uv.lock pyproject.toml
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: $(VENV)/.synced

run: install
	$(VENV)/bin/jixiao run

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest

dev: install
	$(VENV)/bin/jixiao dev

bench: install
	$(VENV)/bin/python -m benchmarks.run

STAGE ?= parse
profile: install
	$(VENV)/bin/python -m benchmarks.profile $(STAGE)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# Debian's Chromium and CJK fonts, for the browser tests and the README's screenshots.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
chromium:
	@command -v chromium >/dev/null || ( $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
		chromium fonts-noto-cjk >/dev/null )

# Debian's PostgreSQL, for a Dagster instance fit for many workers (the scale-out tests start a
# throwaway server on loopback; docs/scaling.md shows a deployment's dagster.yaml).
postgres:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ( $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends \
		postgresql >/dev/null )

# A Dask scheduler and two workers on loopback, in the foreground (Ctrl-C stops them); runs go
# to it when JIXIAO_DASK_SCHEDULER=tcp://127.0.0.1:8786 is set (docs/scaling.md).
WORKERS ?= 2
cluster: install
	$(VENV)/bin/jixiao cluster --workers $(WORKERS)

# The README's pictures: the review report, the Data Docs and Dagster's UI, after a run.
screenshots: install chromium
	$(VENV)/bin/jixiao run
	$(VENV)/bin/python -m tests.browser readme data docs/images

clean:
	rm -rf data/lake data/warehouse.duckdb data/dagster data/gx_docs data/logs data/reports
