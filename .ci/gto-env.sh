#!/usr/bin/env bash
# GTO in its own virtual environment, for tests/integration/test_gto_interop.py and
# benchmarks/bench_registry.py. Idempotent: a venv that already has the pinned
# GTO is left alone. Prints the path of the gto executable on its last line.
#
#   .ci/gto-env.sh                        # -> $HOME/.cache/mlvc/gto-venv
#   MLVC_GTO_VENV=/opt/gto .ci/gto-env.sh # -> /opt/gto
set -euo pipefail

GTO_VERSION=1.10.1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${MLVC_GTO_VENV:-$HOME/.cache/mlvc/gto-venv}"
UV="${MLVC_UV:-$HOME/.cache/mlvc/uv-0.13.9/bin/uv}"

installed() {
    [ -x "$VENV/bin/gto" ] && [ -x "$VENV/bin/python" ] &&
        "$VENV/bin/python" -c "import importlib.metadata as m, sys
sys.exit(m.version('gto') != '$GTO_VERSION')" 2>/dev/null
}

if installed; then
    echo "gto $GTO_VERSION already installed in $VENV" >&2
else
    if [ ! -x "$VENV/bin/python" ]; then
        mkdir -p "$(dirname "$VENV")"
        python3 -m venv "$VENV"
    fi
    if [ -x "$UV" ]; then
        "$UV" pip install --quiet --python "$VENV/bin/python" "gto==$GTO_VERSION"
    else
        echo "$UV not found; installing with the venv's pip" >&2
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "gto==$GTO_VERSION"
    fi
    installed || { echo "gto $GTO_VERSION did not install into $VENV" >&2; exit 1; }
    echo "installed gto $GTO_VERSION into $VENV" >&2
fi
echo "$VENV/bin/gto"
