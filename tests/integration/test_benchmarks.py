"""The benchmarks print their issue-15 budgets as BUDGET lines, beside the machine's load.

Small, bounded runs: the figures are meaningless at this size; what is checked is that
each script runs and says, for every budget, both figures, the ratio and a verdict.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VERDICT = (
    r"= [\d.]+x \((figure / baseline|baseline / figure); budget (<=|>=|>) [\d.]+x\): (MET|MISSES)"
)


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / script), *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _budgets(out: str) -> list[str]:
    lines = [line for line in out.splitlines() if line.startswith("BUDGET ")]
    assert all(re.search(VERDICT, line) for line in lines), lines
    assert re.search(r"^machine: \d+ cores, load average ", out, re.MULTILINE)
    return lines


def test_startup_prints_the_help_budget(tmp_path: Path) -> None:
    out = _run("run.py", "--skip-pipeline", "--repeats", "1", "--results", str(tmp_path / "r.json"))
    (line,) = _budgets(out)
    assert "mlvc --help" in line and "import typer" in line and "budget <= 1.5x" in line


def test_registry_prints_both_registry_budgets() -> None:
    out = _run("bench_registry.py", "--versions", "20", "--repeats", "1", "--no-gto")
    whole, in_process = _budgets(out)
    assert "import typer + git for-each-ref" in whole and "budget <= 1.3x" in whole
    assert "registry()" in in_process and "budget <= 2.5x" in in_process
    assert "target <= 5x" not in out  # the old whole-process target is gone


def test_predict_prints_the_predict_budget_and_memory() -> None:
    out = _run("bench_predict.py", "--rows", "2000")
    (line,) = _budgets(out)
    assert "mlvc predict" in line and "read_csv + predict_proba" in line
    assert "budget <= 1.5x" in line
    assert re.search(r"^peak memory \(RSS\)\s+\d+ MiB\s+\d+ MiB", out, re.MULTILINE)
    assert re.search(r"^mlvc memory, 1000 vs 2000 rows: ", out, re.MULTILINE)
