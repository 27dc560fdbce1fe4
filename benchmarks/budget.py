"""The budget lines every benchmark prints: a figure beside its baseline from the same run.

A line reads ``BUDGET <name>: <figure> vs <baseline> = <ratio> (budget <op> <limit>): MET``
(or ``MISSES``), so ``make bench | grep BUDGET`` lists the issue's budgets side by side.
:func:`machine` is printed beside them: the figures only compare within one run, on one
machine, under its load.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from dataclasses import dataclass
from typing import Any

# op -> (how the ratio compares with the limit, what the ratio is)
OPS = {
    "<=": (lambda ratio, limit: ratio <= limit, "figure / baseline"),
    ">=": (lambda ratio, limit: ratio >= limit, "baseline / figure"),
    ">": (lambda ratio, limit: ratio > limit, "baseline / figure"),
}


@dataclass(frozen=True)
class Budget:
    """One budget: ``figure`` (ours) against ``baseline`` (measured in the same run).

    ``op`` "<=" bounds the slowdown ``figure / baseline`` from above (e.g. <= 1.5x the
    bare import); ">=" and ">" bound the speed-up ``baseline / figure`` from below
    (e.g. >= 100x faster than jsonschema per row).
    """

    name: str
    figure_label: str
    figure: float
    baseline_label: str
    baseline: float
    op: str
    limit: float
    unit: str = "s"

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise ValueError(f"op must be one of {', '.join(OPS)}; got {self.op!r}")
        if not (self.figure > 0 and self.baseline > 0):
            raise ValueError(f"{self.name}: figures must be > 0 (a timing that ran)")

    @property
    def ratio(self) -> float:
        if self.op == "<=":
            return self.figure / self.baseline
        return self.baseline / self.figure

    @property
    def met(self) -> bool:
        return bool(OPS[self.op][0](self.ratio, self.limit))

    def line(self) -> str:
        """The one-line verdict, with both figures, the ratio and the budget."""
        verdict = "MET" if self.met else "MISSES"
        return (
            f"BUDGET {self.name}: {self.figure_label} {self.figure:.3f} {self.unit}"
            f" vs {self.baseline_label} {self.baseline:.3f} {self.unit}"
            f" = {self.ratio:.2f}x ({OPS[self.op][1]}; budget {self.op} {self.limit:g}x): {verdict}"
        )


def machine() -> str:
    """Core count and load averages (1, 5, 15 min) as measured now, and the Python version."""
    one, five, fifteen = os.getloadavg()
    return (
        f"machine: {os.cpu_count()} cores, load average {one:.2f} {five:.2f} {fifteen:.2f},"
        f" Python {platform.python_version()}"
    )


# Runs argv as its only child and reports wall time, the child's own report (its last
# line of stdout) and its peak RSS.
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
lines = done.stdout.strip().splitlines()
print(json.dumps({"rc": done.returncode, "wall": wall, "peak_mib": peak,
                  "report": lines[-1] if lines else "", "err": done.stderr[-3000:]}))
"""


def measure(argv: list[str], env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``argv`` under :data:`MEASURE`: ``wall``, ``peak_mib`` and its JSON ``report``."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *argv], capture_output=True, text=True, check=True, env=env
    )
    result = json.loads(out.stdout)
    if result["rc"] != 0:
        raise RuntimeError(f"{argv[0]} exited {result['rc']}:\n{result['err']}")
    result["report"] = json.loads(result["report"])
    return result
