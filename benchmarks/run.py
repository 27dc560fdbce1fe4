"""Benchmarks for mlvc: every figure beside a baseline measured in the same run.

1. CLI start-up: `mlvc --help` against `python -c "import typer"` (budget <= 1.5x),
   whole processes, interleaved, median of --repeats; printed as a BUDGET line.
2. `dvc repro` end to end on the bundled penguins (344 rows) and on synthetic
   data made by resampling the penguins with Gaussian noise on the numeric
   columns (SYNTHETIC: for scaling only, not for model quality), with peak
   memory. Target: linear growth, i.e. no step above 2x time or memory per 2x rows
   (scaling exponent <= 1 between consecutive sizes).

Usage: python benchmarks/run.py [--sizes 100000 1000000] [--repeats 7]
Results are printed and written to benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from budget import Budget, machine

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
RESULTS = ROOT / "benchmarks" / "results"

# Runs argv as a child and reports its wall time and the peak RSS of it and its descendants.
MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(
    sys.argv[2:], cwd=sys.argv[1], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
)
wall = time.perf_counter() - start
peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
err = done.stderr[-2000:]
print(json.dumps({"rc": done.returncode, "wall": wall, "peak_mib": peak_mib, "err": err}))
"""


def env() -> dict[str, str]:
    values = dict(os.environ)
    values["PATH"] = f"{BIN}{os.pathsep}{values.get('PATH', '')}"
    values["DVC_NO_ANALYTICS"] = "1"
    return values


def measure(argv: list[str], cwd: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, str(cwd), *argv],
        capture_output=True,
        text=True,
        env=env(),
        check=True,
    )
    result = json.loads(out.stdout)
    if result["rc"] != 0:
        raise SystemExit(f"{' '.join(argv)} failed in {cwd}:\n{result['err']}")
    return result


def summarize(runs: list[dict[str, float]]) -> dict[str, float]:
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "min": min(r["wall"] for r in runs),
        "max": max(r["wall"] for r in runs),
        "peak_mib": max(r["peak_mib"] for r in runs),
    }


def bench_startup(repeats: int) -> dict[str, Any]:
    """``mlvc --help`` against ``python -c "import typer"``, interleaved run by run."""
    measure([str(BIN / "mlvc"), "--help"], ROOT)  # warm the page cache
    argvs = {"typer": [sys.executable, "-c", "import typer"], "help": [str(BIN / "mlvc"), "--help"]}
    runs: dict[str, list[dict[str, float]]] = {name: [] for name in argvs}
    for _ in range(repeats):  # interleaved: a burst of load hits both sides alike
        for name, argv in argvs.items():
            runs[name].append(measure(argv, ROOT))
    typer, help_ = (summarize(runs[name]) for name in argvs)
    print(f"\n== CLI start-up (median of {repeats}, interleaved) ==")
    for label, figure in (("baseline  python -c 'import typer'", typer), ("mlvc --help", help_)):
        print(
            f"  {label:<36}{figure['wall']:.3f} s  (min {figure['min']:.3f}, "
            f"{figure['peak_mib']:.0f} MiB)"
        )
    budget = Budget(
        "mlvc --help <= 1.5x python -c 'import typer' (whole process)",
        "mlvc --help",
        help_["wall"],
        "import typer",
        typer["wall"],
        "<=",
        1.5,
    )
    print(budget.line())
    return {
        "baseline_import_typer": typer,
        "mlvc_help": help_,
        "ratio": budget.ratio,
        "budget": 1.5,
        "met": budget.met,
    }


def tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in out.stdout.splitlines() if (ROOT / name).is_file()]


def scratch_repo(dest: Path) -> Path:
    for name in tracked_files():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    for argv in (
        ["git", "init", "-q"],
        ["dvc", "config", "--local", "core.site_cache_dir", str(dest / ".site")],
    ):
        subprocess.run(argv, cwd=dest, env=env(), check=True, capture_output=True)
    return dest


def synthetic_penguins(rows: int, seed: int = 0):
    """SYNTHETIC data: penguins resampled with replacement, numeric columns jittered."""
    import numpy as np
    import palmerpenguins

    base = palmerpenguins.load_penguins()
    rng = np.random.default_rng(seed)
    sample = base.iloc[rng.integers(0, len(base), rows)].reset_index(drop=True)
    for column in ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"):
        noise = rng.normal(0, 0.05 * base[column].std(), rows)
        sample[column] = (sample[column] + noise).round(1)
    return sample


def use_source(repo: Path, source: str) -> None:
    import yaml

    params_path = repo / "params.yaml"
    params = yaml.safe_load(params_path.read_text())
    params["ingest"]["source"] = source
    params_path.write_text(yaml.safe_dump(params, sort_keys=False))


def exponent(now: float, before: float, growth: float) -> float:
    """Scaling exponent k in cost ~ rows^k between two sizes (1 = linear)."""
    return math.log(now / before) / math.log(growth)


def bench_pipeline(sizes: list[int], workdir: Path) -> list[dict[str, Any]]:
    print("\n== dvc repro end to end (one cold run each, fresh repo and cache) ==")
    runs: list[dict[str, Any]] = []
    for rows in [344, *sizes]:
        repo = scratch_repo(workdir / f"repo-{rows}")
        if rows != 344:
            path = repo / "data/external" / f"synthetic-{rows}.csv"
            synthetic_penguins(rows).to_csv(path, index=False)
            use_source(repo, f"data/external/{path.name}")
            # bring-your-own data brings its own contract (README): infer it, as a user would
            infer = [str(BIN / "mlvc"), "schema", "infer", str(path), "-o", "data/schema.json"]
            subprocess.run(infer, cwd=repo, env=env(), check=True, capture_output=True)
        result = measure(["dvc", "repro"], repo)
        entry = {
            "rows": rows,
            "data": "bundled penguins" if rows == 344 else "synthetic",
            "wall": result["wall"],
            "peak_mib": result["peak_mib"],
        }
        if runs:
            growth = rows / runs[-1]["rows"]
            entry["time_exponent"] = exponent(entry["wall"], runs[-1]["wall"], growth)
            entry["memory_exponent"] = exponent(entry["peak_mib"], runs[-1]["peak_mib"], growth)
        runs.append(entry)
        shutil.rmtree(repo, ignore_errors=True)
    print_pipeline_table(runs)
    return runs


def print_pipeline_table(runs: list[dict[str, Any]]) -> None:
    base = runs[0]
    print(
        f"  {'rows':>9} {'data':<17} {'time':>8} {'x base':>7} {'peak':>9} {'x base':>7}"
        f" {'time exp':>9} {'mem exp':>8}"
    )
    for e in runs:
        t_exp = f"{e['time_exponent']:.2f}" if "time_exponent" in e else "-"
        m_exp = f"{e['memory_exponent']:.2f}" if "memory_exponent" in e else "-"
        print(
            f"  {e['rows']:>9,} {e['data']:<17} {e['wall']:>7.1f}s"
            f" {e['wall'] / base['wall']:>6.1f}x"
            f" {e['peak_mib']:>6.0f}MiB {e['peak_mib'] / base['peak_mib']:>6.1f}x"
            f" {t_exp:>9} {m_exp:>8}"
        )
    worst = max((max(e["time_exponent"], e["memory_exponent"]) for e in runs[1:]), default=0.0)
    verdict = "meets" if worst <= 1.0 else "MISSES"
    print(
        f"  worst scaling exponent between sizes {worst:.2f}"
        f" (target <= 1.00, i.e. at most 2x per 2x rows: {verdict})."
        " The bundled run is the baseline; its time is mostly fixed start-up cost."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[100_000, 1_000_000])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--skip-pipeline", action="store_true")
    parser.add_argument("--results", type=Path, default=RESULTS / "latest.json")
    args = parser.parse_args()
    print(machine())
    report: dict[str, Any] = {"python": sys.version.split()[0], "cpus": os.cpu_count()}
    report["startup"] = bench_startup(args.repeats)
    if not args.skip_pipeline:
        with tempfile.TemporaryDirectory(prefix="mlvc-bench-") as tmp:
            started = time.perf_counter()
            report["pipeline"] = bench_pipeline(args.sizes, Path(tmp))
            report["pipeline_total_s"] = time.perf_counter() - started
    report["load_average"] = os.getloadavg()
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(report, indent=2) + "\n")
    print(machine())
    print(f"\nwritten: {args.results}")


if __name__ == "__main__":
    main()
