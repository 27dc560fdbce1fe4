"""Benchmark `mlvc drift` (cli.api.check_drift) against Evidently's DataDriftPreset.

Both read the same two CSV files (a reference and a shifted current batch of
--rows rows, 10 columns: floats, integers, categoricals, a boolean and a
nullable float; SYNTHETIC data made with a seeded numpy generator) in a child
process each; the figures are the child's wall time, its phases as it reports
them, and its peak resident memory (ru_maxrss of RUSAGE_CHILDREN, read by a
wrapper process that runs nothing else). mlvc is also run on half the rows
(same 200000-row chunks), to show that its memory does not grow with the file.

Evidently 0.7.23 does not import with pandas 3, so it runs in its own virtual
environment (default ~/.cache/mlvc-bench/evidently-venv, reused when present),
made with `python3 -m venv` and `uv pip install evidently==0.7.23 "pandas<3"`.
If that fails, the benchmark says so and still reports mlvc's figures.

Budget (issue 15), printed as a BUDGET line with both figures and the ratio: mlvc's
whole process at most a fifth of Evidently's; memory bounded (flat in rows).

Usage: python benchmarks/bench_drift.py [--rows 1000000] [--venv PATH] [--keep]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from budget import Budget, machine, measure

ROOT = Path(__file__).resolve().parent.parent
# The installer `make` uses (MLVC_UV); the benchmark venv falls back to pip without it.
UV = Path(os.environ.get("MLVC_UV", Path(sys.executable).parent / "uv"))
EVIDENTLY = "evidently==0.7.23"
DEFAULT_VENV = Path.home() / ".cache" / "mlvc-bench" / "evidently-venv"

MLVC = """
import json, sys, time
start = time.perf_counter()
from pathlib import Path
import numpy, pandas, scipy.spatial.distance, scipy.stats  # what check_drift imports lazily
from cli.api import check_drift
imported = time.perf_counter()
report = check_drift(reference=Path(sys.argv[1]), current=Path(sys.argv[2]))
done = time.perf_counter()
print(json.dumps({
    "import": imported - start, "compute": done - imported,
    "drifted": sorted(c.column for c in report.columns if c.drifted),
    "share": report.share_drifted, "dataset_drift": report.dataset_drift,
}))
"""

EVIDENTLY_RUN = """
import json, sys, time
start = time.perf_counter()
import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset
imported = time.perf_counter()
reference = pd.read_csv(sys.argv[1])
current = pd.read_csv(sys.argv[2])
loaded = time.perf_counter()
result = Report([DataDriftPreset()]).run(current, reference).dict()
done = time.perf_counter()
metrics = result["metrics"]
drifted = sorted(
    m["config"]["column"] for m in metrics[1:] if m["value"] >= m["config"]["threshold"]
)
print(json.dumps({
    "import": imported - start, "load": loaded - imported, "preset": done - loaded,
    "compute": done - imported, "drifted": drifted, "share": metrics[0]["value"]["share"],
}))
"""


def make_data(rows: int, folder: Path) -> tuple[Path, Path]:
    """A reference and a current CSV; the current is shifted in five of the ten columns."""
    import numpy as np
    import pandas as pd

    def table(seed: int, shifted: bool) -> pd.DataFrame:
        rng = np.random.default_rng(seed)
        nullable = rng.normal(50, 10, rows)
        nullable[rng.random(rows) < (0.3 if shifted else 0.1)] = np.nan  # missing rate shift
        colours = np.array(["red", "green", "blue", "black", "white"])
        shares = [0.1, 0.2, 0.3, 0.2, 0.2] if shifted else [0.2] * 5
        return pd.DataFrame(
            {
                "f_normal": rng.normal(0.5 if shifted else 0.0, 1.0, rows),  # mean shift
                "f_lognormal": rng.lognormal(0.0, 1.0, rows),
                "f_uniform": rng.uniform(0, 100, rows),
                "f_price": np.round(rng.gamma(2.0, 10.0, rows) * (1.1 if shifted else 1), 2),
                "i_count": rng.poisson(3, rows),
                "i_age": rng.integers(25 if shifted else 18, 90, rows),  # range shift
                "c_colour": colours[rng.choice(5, rows, p=shares)],  # category shares
                "c_city": np.char.add("city_", rng.integers(0, 50, rows).astype(str)),
                "b_flag": rng.random(rows) < 0.3,
                "f_nullable": nullable,
            }
        )

    reference, current = folder / "reference.csv", folder / "current.csv"
    table(1, False).to_csv(reference, index=False)
    table(2, True).to_csv(current, index=False)
    return reference, current


def evidently_python(venv: Path) -> tuple[Path | None, str]:
    """The venv's python with Evidently importable, installing it if needed; or why not."""
    python = venv / "bin" / "python"
    check = [str(python), "-c", "import evidently, pandas; print(evidently.__version__)"]
    if python.exists():
        done = subprocess.run(check, capture_output=True, text=True)
        if done.returncode == 0 and done.stdout.strip() == EVIDENTLY.split("==")[1]:
            return python, "reused"
    try:
        if not python.exists():
            subprocess.run(
                ["python3", "-m", "venv", str(venv)], check=True, capture_output=True, text=True
            )
        installer = [str(UV), "pip", "install", "--python", str(python)]
        if not UV.exists():
            installer = [str(python), "-m", "pip", "install", "--quiet"]
        subprocess.run(
            [*installer, EVIDENTLY, "pandas<3"], check=True, capture_output=True, text=True
        )
        subprocess.run(check, check=True, capture_output=True, text=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        tail = detail.strip().splitlines()[-1] if detail.strip() else str(exc)
        return None, f"could not install {EVIDENTLY} into {venv}: {tail}"
    return python, "installed"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows per file")
    parser.add_argument("--venv", type=Path, default=DEFAULT_VENV, help="Evidently's venv")
    parser.add_argument("--keep", action="store_true", help="keep the generated CSV files")
    args = parser.parse_args()
    print(machine())

    folder = Path(tempfile.mkdtemp(prefix="mlvc-bench-drift-"))
    try:
        print(f"generating 2 x {args.rows} rows (synthetic, seeded) in {folder} ...", flush=True)
        reference, current = make_data(args.rows, folder)
        small = folder / "small"
        small.mkdir()
        small_ref, small_cur = make_data(max(args.rows // 2, 1), small)
        mb = (reference.stat().st_size + current.stat().st_size) / 2**20
        print(f"files: {mb:.0f} MiB of CSV\n", flush=True)

        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        mlvc = measure([sys.executable, "-c", MLVC, str(reference), str(current)], env)
        mlvc_small = measure([sys.executable, "-c", MLVC, str(small_ref), str(small_cur)], env)

        python, status = evidently_python(args.venv)
        evidently = None
        if python is None:
            print(f"EVIDENTLY NOT RUN: {status}\n")
        else:
            print(f"evidently: {EVIDENTLY} in {args.venv} ({status})", flush=True)
            evidently = measure([str(python), "-c", EVIDENTLY_RUN, str(reference), str(current)])

        report(args.rows, mlvc, mlvc_small, evidently)
    finally:
        if args.keep:
            print(f"files kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def report(
    rows: int,
    mlvc: dict[str, Any],
    small: dict[str, Any],
    evidently: dict[str, Any] | None,
) -> None:
    m, e = mlvc["report"], evidently["report"] if evidently else None
    print(f"{'':32}{'mlvc':>12}{'evidently':>14}{'ratio':>9}")

    def line(label: str, ours: float, theirs: float | None, unit: str) -> None:
        mine = f"{ours:.2f} {unit}"
        if theirs is None:
            print(f"{label:32}{mine:>12}{'-':>14}{'-':>9}")
        else:
            print(f"{label:32}{mine:>12}{f'{theirs:.2f} {unit}':>14}{ours / theirs:>8.2f}x")

    line("wall time, whole process", mlvc["wall"], evidently and evidently["wall"], "s")
    line("  imports (pandas, scipy, ...)", m["import"], e and e["import"], "s")
    line("  read + drift, after imports", m["compute"], e and e["compute"], "s")
    line("peak memory (RSS)", mlvc["peak_mib"], evidently and evidently["peak_mib"], "MiB")
    print()
    print(
        f"mlvc memory, {rows // 2} vs {rows} rows: {small['peak_mib']:.0f} MiB vs "
        f"{mlvc['peak_mib']:.0f} MiB ({mlvc['peak_mib'] / small['peak_mib']:.2f}x for 2x rows)"
    )
    print(f"mlvc drifted columns: {', '.join(m['drifted'])} (share {m['share']:.2f})")
    if e:
        print(f"evidently drifted columns: {', '.join(e['drifted'])} (share {e['share']:.2f})")
        print(f"evidently phases: load {e['load']:.2f} s, DataDriftPreset {e['preset']:.2f} s")
        budget = Budget(
            f"mlvc drift <= 1/5 of Evidently's time, {rows:,} vs {rows:,} rows (whole process)",
            "mlvc drift",
            mlvc["wall"],
            "Evidently DataDriftPreset",
            evidently["wall"],
            "<=",
            0.2,
        )
        print(budget.line())
    else:
        print("BUDGET mlvc drift <= 1/5 of Evidently's time: NOT MEASURED (Evidently not run)")
    print(machine())


if __name__ == "__main__":
    main()
