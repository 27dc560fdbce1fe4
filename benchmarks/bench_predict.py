"""Benchmark `mlvc predict` (cli.api.predict_table) against a bare `pipeline.predict_proba`.

One fitted pipeline of the project's shape (the estimator and hyperparameters of
params.yaml's train section, fitted on the bundled penguins) scores the same CSV file of
--rows SYNTHETIC penguins-shaped rows (a seeded numpy generator; values inside the data
contract's bounds; an id column) twice, each in a child process: `predict_table` reads
the file in chunks, checks every row against data/schema.json, scores it and writes a
CSV of predictions (the prediction log off); the baseline reads the whole file with
pandas and calls `predict_proba`, writing nothing. The figures are each child's own
timing of that work (after imports and the model load) and its peak resident memory
(ru_maxrss of RUSAGE_CHILDREN, read by a wrapper process that runs nothing else).
mlvc also scores half the rows, to show that its memory follows the chunk, not the file.

Budget (issue 17), printed as a BUDGET line with both figures and the ratio: mlvc
predict, validation and writing included, at most 1.5x the bare predict_proba.

Usage: python benchmarks/bench_predict.py [--rows 1000000] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from budget import Budget, machine, measure

ROOT = Path(__file__).resolve().parent.parent

MLVC = """
import json, sys, time
from pathlib import Path
from cli.api import predict_table, resolve_model
import pandas, pyarrow, sklearn, jsonschema  # what predict_table imports lazily
root = Path(sys.argv[1])
model = resolve_model(sys.argv[2], repo=root)
start = time.perf_counter()
result = predict_table(model=model, data=Path(sys.argv[3]), output=Path(sys.argv[4]),
                       repo=root, log=False)
done = time.perf_counter()
print(json.dumps({"compute": done - start, "rows": result.scored, "ok": result.ok}))
"""

BARE = """
import json, sys, time
from pathlib import Path
import pandas as pd
from cli.api import load_model
pipeline = load_model(Path(sys.argv[1]))
features = json.loads(sys.argv[3])
start = time.perf_counter()
frame = pd.read_csv(sys.argv[2])
read = time.perf_counter()
probabilities = pipeline.predict_proba(frame[features])
done = time.perf_counter()
print(json.dumps({"compute": done - start, "read": read - start, "predict": done - read,
                  "rows": len(probabilities)}))
"""


def make_model(folder: Path) -> tuple[Path, list[str]]:
    """The project's pipeline (params.yaml's train section) fitted on the bundled penguins."""
    sys.path.insert(0, str(ROOT))
    from palmerpenguins import load_penguins

    from cli.api import save_model
    from cli.core.modeling import build_pipeline
    from cli.params import load_params

    params = load_params(ROOT / "params.yaml")
    data, train = params.data, params.train
    section = getattr(train, train.estimator)
    hyper = {k: getattr(section, k) for k in section.__dataclass_fields__ if not k.startswith("_")}
    features = [*data.numeric_features, *data.categorical_features]
    frame = load_penguins().dropna(subset=[data.target])
    pipeline = build_pipeline(
        numeric=data.numeric_features,
        categorical=data.categorical_features,
        estimator=train.estimator,
        hyperparameters=hyper,
        seed=train.seed,
    ).fit(frame[features], frame[data.target].astype(str))
    (folder / "models").mkdir(parents=True)
    (folder / "data").mkdir()
    shutil.copy(ROOT / "data" / "schema.json", folder / "data" / "schema.json")
    model = folder / "models" / "model.skops"
    save_model(pipeline, model)
    meta = {
        "estimator": train.estimator,
        "hyperparameters": hyper,
        "target": data.target,
        "classes": [str(c) for c in pipeline.classes_],
        "features": [{"name": n, "dtype": str(frame[n].dtype)} for n in features],
        "libraries": {},
    }
    (folder / "models" / "model.meta.json").write_text(json.dumps(meta))
    return model, features


def make_rows(rows: int, path: Path) -> None:
    """Penguins-shaped rows inside the contract's bounds, with a few missing values."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(17)
    bill = np.round(rng.uniform(32.1, 59.6, rows), 1)
    bill[rng.random(rows) < 0.01] = np.nan
    pd.DataFrame(
        {
            "penguin_id": np.arange(rows),
            "island": rng.choice(["Biscoe", "Dream", "Torgersen"], rows),
            "bill_length_mm": bill,
            "bill_depth_mm": np.round(rng.uniform(13.1, 21.5, rows), 1),
            "flipper_length_mm": rng.integers(172, 232, rows),
            "body_mass_g": rng.integers(2700, 6301, rows),
            "sex": rng.choice(["female", "male"], rows),
            "year": rng.integers(2007, 2010, rows),
        }
    ).to_csv(path, index=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows to score")
    parser.add_argument("--keep", action="store_true", help="keep the generated files")
    args = parser.parse_args()
    print(machine())
    folder = Path(tempfile.mkdtemp(prefix="mlvc-bench-predict-"))
    try:
        model, features = make_model(folder / "project")
        print(f"generating {args.rows} rows (synthetic, seeded) in {folder} ...", flush=True)
        full, half = folder / "rows.csv", folder / "half.csv"
        make_rows(args.rows, full)
        make_rows(max(args.rows // 2, 1), half)
        print(f"file: {full.stat().st_size / 2**20:.0f} MiB of CSV\n", flush=True)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        project, ref = str(folder / "project"), str(model)
        ours = measure(
            [sys.executable, "-c", MLVC, project, ref, str(full), str(folder / "out.csv")], env
        )
        ours_half = measure(
            [sys.executable, "-c", MLVC, project, ref, str(half), str(folder / "half_out.csv")],
            env,
        )
        bare = measure([sys.executable, "-c", BARE, ref, str(full), json.dumps(features)], env)
        report(args.rows, ours, ours_half, bare)
    finally:
        if args.keep:
            print(f"files kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


def report(rows: int, ours: dict[str, Any], half: dict[str, Any], bare: dict[str, Any]) -> None:
    o, b = ours["report"], bare["report"]
    assert o["rows"] == b["rows"] == rows and o["ok"], (o, b)
    print(f"{'':44}{'mlvc predict':>14}{'bare':>12}")
    print(f"{'read + validate + score + write (bare: read + predict_proba)':44}")
    print(
        f"{'  seconds, after imports and model load':44}{o['compute']:>12.2f} s{b['compute']:>10.2f} s"
    )
    print(
        f"{'  bare phases: read_csv / predict_proba':44}{'':>14}{b['read']:>5.2f}/{b['predict']:.2f} s"
    )
    print(f"{'wall time, whole process':44}{ours['wall']:>12.2f} s{bare['wall']:>10.2f} s")
    print(f"{'peak memory (RSS)':44}{ours['peak_mib']:>10.0f} MiB{bare['peak_mib']:>8.0f} MiB")
    print(
        f"\nmlvc memory, {rows // 2} vs {rows} rows: {half['peak_mib']:.0f} MiB vs "
        f"{ours['peak_mib']:.0f} MiB ({ours['peak_mib'] / half['peak_mib']:.2f}x for 2x rows)"
    )
    budget = Budget(
        f"mlvc predict <= 1.5x a bare predict_proba, {rows:,} rows (validation and writing included)",
        "predict_table",
        o["compute"],
        "read_csv + predict_proba",
        b["compute"],
        "<=",
        1.5,
    )
    print(budget.line())


if __name__ == "__main__":
    main()
