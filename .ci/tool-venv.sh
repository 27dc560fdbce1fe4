#!/usr/bin/env bash
# A tool in its own virtual environment (GTO, MLflow: never in mlvc's environment).
# Idempotent: a venv whose first package is already at the pinned version is left alone.
# Prints the path of the tool's executable on its last line.
#
#   .ci/tool-venv.sh VENV EXECUTABLE NAME==VERSION [MORE==PINS...]
set -euo pipefail

VENV="$1" EXECUTABLE="$2"
shift 2
NAME="${1%%==*}" VERSION="${1#*==}"
UV="${MLVC_UV:-$HOME/.cache/mlvc/uv-0.13.9/bin/uv}"

installed() {
    [ -x "$VENV/bin/$EXECUTABLE" ] && [ -x "$VENV/bin/python" ] &&
        "$VENV/bin/python" -c "import importlib.metadata as m, sys
sys.exit(m.version('$NAME') != '$VERSION')" 2>/dev/null
}

if installed; then
    echo "$NAME $VERSION already installed in $VENV" >&2
else
    if [ ! -x "$VENV/bin/python" ]; then
        mkdir -p "$(dirname "$VENV")"
        python3 -m venv "$VENV"
    fi
    if [ -x "$UV" ]; then
        "$UV" pip install --quiet --python "$VENV/bin/python" "$@"
    else
        echo "$UV not found; installing with the venv's pip" >&2
        "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "$@"
    fi
    installed || { echo "$NAME $VERSION did not install into $VENV" >&2; exit 1; }
    echo "installed $NAME $VERSION into $VENV" >&2
fi
echo "$VENV/bin/$EXECUTABLE"
