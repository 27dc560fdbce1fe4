"""The BUDGET lines the benchmarks print: ratio direction, verdict, and the machine line."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

BUDGET_PY = Path(__file__).resolve().parents[2] / "benchmarks" / "budget.py"


def _budget_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_budget", BUDGET_PY)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(module)
    return module


budget = _budget_module()


def test_an_upper_bound_compares_figure_over_baseline() -> None:
    help_ = budget.Budget("help", "mlvc --help", 0.06, "import typer", 0.05, "<=", 1.5)
    assert help_.ratio == pytest.approx(1.2)
    assert help_.met
    line = help_.line()
    assert line.startswith("BUDGET help: mlvc --help 0.060 s vs import typer 0.050 s = 1.20x")
    assert line.endswith("(figure / baseline; budget <= 1.5x): MET")
    slow = budget.Budget("help", "mlvc --help", 0.08, "import typer", 0.05, "<=", 1.5)
    assert not slow.met and slow.line().endswith(": MISSES")


def test_a_speed_up_compares_baseline_over_figure() -> None:
    fast = budget.Budget("rows", "mlvc", 0.5, "jsonschema per row", 60.0, ">=", 100)
    assert fast.ratio == pytest.approx(120.0)
    assert fast.met and "(baseline / figure; budget >= 100x): MET" in fast.line()
    assert not budget.Budget("rows", "mlvc", 1.0, "jsonschema", 60.0, ">=", 100).met
    # "faster than" is strict: a tie is no win
    assert not budget.Budget("pandera", "mlvc", 2.0, "pandera", 2.0, ">", 1).met


@pytest.mark.parametrize(
    ("figure", "baseline", "op"), [(0.0, 1.0, "<="), (1.0, 0.0, "<="), (1.0, 1.0, "<")]
)
def test_a_budget_refuses_an_unmeasured_figure_or_an_unknown_op(
    figure: float, baseline: float, op: str
) -> None:
    with pytest.raises(ValueError, match=r"figures must be > 0|op must be one of"):
        budget.Budget("x", "a", figure, "b", baseline, op, 1.0)


def test_the_machine_line_names_cores_and_load() -> None:
    assert re.fullmatch(
        r"machine: \d+ cores, load average [\d.]+ [\d.]+ [\d.]+, Python 3\.\d+\.\d+",
        budget.machine(),
    )
