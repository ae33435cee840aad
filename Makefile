# Two commands for a fresh machine with only Python 3.11: `make run` and `make test`.
# Each installs what it needs (uv into a local tool venv, then the locked dependencies).

SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(shell command -v uv 2>/dev/null || echo $(TOOLS)/bin/uv)
RAW ?= raw
WAREHOUSE ?= warehouse

# this repository's dagster.yaml is the instance config: storage under .dagster_home/, telemetry off
export DAGSTER_HOME := $(CURDIR)
export DAGSTER_DISABLE_TELEMETRY := 1
export UV_PYTHON := $(PYTHON)

.PHONY: run test ui lint setup raw score bench clean

run: setup ## ingest raw/ into warehouse/ and print a summary
	$(UV) run --frozen brochures ingest $(RAW) --warehouse $(WAREHOUSE) --dagster-home $(CURDIR)

test: setup ## run the test suite
	$(UV) run --frozen pytest

ui: setup ## the Dagster UI on http://127.0.0.1:3000
	$(UV) run --frozen dagster dev -h 127.0.0.1 -p 3000

lint: setup ## ruff and mypy
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy

score: ## score warehouse/ against ../shared/gold
	$(UV) run --frozen python ../shared/tools/score.py --warehouse $(WAREHOUSE) --verbose

raw: setup ## rebuild raw/ from the seed texts (needs chromium and fonts-noto-cjk)
	$(UV) run --frozen python scripts/build_raw.py

setup: .venv/.synced

.venv/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen
	@touch $@

$(TOOLS)/bin/uv:
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

clean:
	rm -rf .venv $(TOOLS) .dagster_home/*/ warehouse/*/ warehouse/.brochure_versions.json warehouse/brochures.duckdb
