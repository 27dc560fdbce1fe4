"""benchmarks/bench_serve.py runs, bounded, and prints its figures (MLflow left out here)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_bench_serve_prints_throughput_and_latency_for_both_bodies() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_serve.py"), "--requests", "20",
         "--concurrency", "2", "--seconds", "30", "--no-mlflow"],
        capture_output=True, text=True, check=False, timeout=240,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert re.search(r"^machine: \d+ cores, load average ", out, re.MULTILINE)
    for body in ("1 row", "100 rows"):
        figure = rf"mlvc serve +{body}: +[\d.]+ requests/s, p50 +[\d.]+ ms, p99 +[\d.]+ ms"
        assert re.search(figure, out), out
    assert "mlflow models serve: skipped (--no-mlflow" in out
