#!/usr/bin/env bash
# GTO in its own virtual environment, for tests/integration/test_gto_interop.py and
# benchmarks/bench_registry.py. Idempotent; prints the path of the gto executable on its
# last line (.ci/tool-venv.sh).
#
#   .ci/gto-env.sh                        # -> $HOME/.cache/mlvc/gto-venv
#   MLVC_GTO_VENV=/opt/gto .ci/gto-env.sh # -> /opt/gto
set -euo pipefail

GTO_VERSION=1.10.1
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
exec "$ROOT/.ci/tool-venv.sh" "${MLVC_GTO_VENV:-$HOME/.cache/mlvc/gto-venv}" gto "gto==$GTO_VERSION"
