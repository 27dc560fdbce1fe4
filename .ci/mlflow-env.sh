#!/usr/bin/env bash
# MLflow in its own virtual environment, for benchmarks/bench_serve.py (`mlflow models
# serve` beside `mlvc serve`). MLflow never enters mlvc's environment. scikit-learn and
# skops are pinned to requirements.lock's versions, so both servers load the same model
# bytes with the same library. Idempotent: a venv that already has the pinned MLflow is
# left alone. Prints the path of the mlflow executable on its last line.
#
#   .ci/mlflow-env.sh                           # -> $HOME/.cache/mlvc/mlflow-venv
#   MLVC_MLFLOW_VENV=/opt/mlflow .ci/mlflow-env.sh
set -euo pipefail

MLFLOW_VERSION=3.17.2
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${MLVC_MLFLOW_VENV:-$HOME/.cache/mlvc/mlflow-venv}"
UV="$ROOT/.venv/bin/uv"

pin() {  # the version requirements.lock pins for package $1
    sed -n "s/^$1==\([^ ]*\).*/\1/p" "$ROOT/requirements.lock"
}

installed() {
    [ -x "$VENV/bin/mlflow" ] && [ -x "$VENV/bin/python" ] &&
        "$VENV/bin/python" -c "import importlib.metadata as m, sys
sys.exit(m.version('mlflow') != '$MLFLOW_VERSION')" 2>/dev/null
}

if installed; then
    echo "mlflow $MLFLOW_VERSION already installed in $VENV" >&2
else
    if [ ! -x "$VENV/bin/python" ]; then
        mkdir -p "$(dirname "$VENV")"
        python3 -m venv "$VENV"
    fi
    packages=("mlflow==$MLFLOW_VERSION" "scikit-learn==$(pin scikit-learn)" "skops==$(pin skops)")
    if [ -x "$UV" ]; then
        "$UV" pip install --quiet --python "$VENV/bin/python" "${packages[@]}"
    else
        echo "$UV not found; installing with the venv's pip" >&2
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${packages[@]}"
    fi
    installed || { echo "mlflow $MLFLOW_VERSION did not install into $VENV" >&2; exit 1; }
    echo "installed mlflow $MLFLOW_VERSION into $VENV" >&2
fi
echo "$VENV/bin/mlflow"
