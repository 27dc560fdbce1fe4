#!/usr/bin/env bash
# MLflow in its own virtual environment, for benchmarks/bench_serve.py (`mlflow models
# serve` beside `mlvc serve`). MLflow never enters mlvc's environment. scikit-learn and
# skops are pinned to requirements.lock's versions, so both servers load the same model
# bytes with the same library. Idempotent; prints the path of the mlflow executable on
# its last line (.ci/tool-venv.sh).
#
#   .ci/mlflow-env.sh                           # -> $HOME/.cache/mlvc/mlflow-venv
#   MLVC_MLFLOW_VENV=/opt/mlflow .ci/mlflow-env.sh
set -euo pipefail

MLFLOW_VERSION=3.17.2
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

pin() {  # the version requirements.lock pins for package $1
    sed -n "s/^$1==\([^ ]*\).*/\1/p" "$ROOT/requirements.lock"
}

exec "$ROOT/.ci/tool-venv.sh" "${MLVC_MLFLOW_VENV:-$HOME/.cache/mlvc/mlflow-venv}" mlflow \
    "mlflow==$MLFLOW_VERSION" "scikit-learn==$(pin scikit-learn)" "skops==$(pin skops)"
