"""Benchmark `mlvc schema check` against row-by-row and dataframe validators, in one run.

Data (SYNTHETIC, seeded): N rows x 10 columns (ints, floats, a nullable float,
a nullable integer, categoricals with nulls, dates), 1% of rows made invalid,
written as CSV and Parquet. Every figure is a whole child process (import,
read, validate), median of --repeats runs, with its peak RSS:

- floor: pyarrow's bare CSV read (no validation)
- mlvc schema check (CSV and Parquet)
- pandera DataFrameSchema.validate(lazy=True) on pandas.read_csv(engine="pyarrow")
- jsonschema Draft202012Validator per row, on a sample, extrapolated to N rows
- fastjsonschema per row, on a sample, extrapolated to N rows

Also in one process, imports and two warm-up rounds excluded: the bare read and
`cli.api.check_schema` alternately, median of max(--repeats, 5).

Budgets (issue 15), printed as BUDGET lines with both figures and the ratio: mlvc
>= 100x faster than jsonschema per row, faster than pandera, within 2x of the bare
read (whole process; the in-process ratios are printed beside them). --big-gb G also checks a G-GiB CSV (the 1M-row
file repeated) and reports mlvc's peak memory (target < 1 GiB at 10 GiB).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from budget import Budget, machine

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["id", "age", "score", "income", "rating", "segment", "region", "plan",
                 "signup", "amount"],
    "additionalProperties": False,
    "properties": {
        "id": {"type": "integer", "minimum": 0},
        "age": {"type": "integer", "minimum": 18, "maximum": 100},
        "score": {"type": "number", "minimum": 0, "maximum": 1},
        "income": {"type": ["number", "null"], "minimum": 0},
        "rating": {"type": ["integer", "null"], "minimum": 1, "maximum": 5},
        "segment": {"enum": ["a", "b", "c", "d", "e", None]},
        "region": {"type": "string", "enum": [f"r{i}" for i in range(10)]},
        "plan": {"type": "string", "enum": ["free", "pro", "team"]},
        "signup": {"type": "string", "format": "date"},
        "amount": {"type": "number", "exclusiveMinimum": 0},
    },
}  # fmt: skip

MAKE_DATA = """
import numpy as np, pandas as pd, sys
n = int(sys.argv[1]); rng = np.random.default_rng(7)
df = pd.DataFrame({
    "id": np.arange(n),
    "age": rng.integers(18, 90, n),
    "score": rng.random(n).round(4),
    "income": np.where(rng.random(n) < 0.05, np.nan, rng.normal(50000, 15000, n).round(2).clip(0)),
    "rating": pd.array(np.where(rng.random(n) < 0.02, None, rng.integers(1, 6, n)), dtype="Int64"),
    "segment": np.where(rng.random(n) < 0.05, None, rng.choice(list("abcde"), n)),
    "region": rng.choice([f"r{i}" for i in range(10)], n),
    "plan": rng.choice(["free", "pro", "team"], n),
    "signup": (pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1500, n), "D")).strftime("%Y-%m-%d"),
    "amount": (rng.random(n) * 100 + 0.01).round(2),
})
bad = rng.choice(n, n // 100, replace=False)
df.loc[bad[0::4], "age"] = 150
df.loc[bad[1::4], "segment"] = "zz"
df.loc[bad[2::4], "score"] = 2.5
df.loc[bad[3::4], "amount"] = -1.0
df.to_csv(sys.argv[2], index=False)
df.to_parquet(sys.argv[3])
"""

MEASURE = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
wall = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"rc": done.returncode, "wall": wall, "peak_mib": peak,
                  "out": done.stdout[-3000:], "err": done.stderr[-3000:]}))
"""

BARE_READ = "import pyarrow.csv as c, sys; t = c.read_csv(sys.argv[1]); print(t.num_rows)"

IN_PROCESS = """
import json, sys, time
from pathlib import Path
import pyarrow.csv as c
from cli import api
from cli.adapters.runtime import configure
pools = configure()  # what `mlvc schema check` passes in: the CLI's malloc settings and pools
import pyarrow.compute, numpy, jsonschema  # imports are start-up, not work
import pandas  # pyarrow imports it on its first conversion of a Python value: start-up too
times = {"read": [], "check": []}
for i in range(int(sys.argv[3]) + 2):  # two warm-up rounds: memory pools and page faults settle
    t = time.perf_counter(); c.read_csv(sys.argv[1]); read = time.perf_counter() - t
    t = time.perf_counter(); api.check_schema(data=Path(sys.argv[1]), schema=Path(sys.argv[2]), pools=pools)
    check = time.perf_counter() - t
    if i >= 2:
        times["read"].append(read); times["check"].append(check)
print(json.dumps({k: sorted(v)[len(v) // 2] for k, v in times.items()}))
"""

PANDERA = """
import sys, pandas as pd, pandera.pandas as pa
schema = pa.DataFrameSchema({
    "id": pa.Column(int, pa.Check.ge(0)),
    "age": pa.Column(int, pa.Check.in_range(18, 100)),
    "score": pa.Column(float, pa.Check.in_range(0, 1)),
    "income": pa.Column(float, pa.Check.ge(0), nullable=True),
    "rating": pa.Column(float, pa.Check.in_range(1, 5), nullable=True),
    "segment": pa.Column(str, pa.Check.isin(list("abcde")), nullable=True),
    "region": pa.Column(str, pa.Check.isin([f"r{i}" for i in range(10)])),
    "plan": pa.Column(str, pa.Check.isin(["free", "pro", "team"])),
    "signup": pa.Column(str, pa.Check.str_matches(r"^\\d{4}-\\d{2}-\\d{2}$")),
    "amount": pa.Column(float, pa.Check.gt(0)),
}, strict=True, coerce=False)
df = pd.read_csv(sys.argv[1], engine="pyarrow")
try:
    schema.validate(df, lazy=True)
    print(0)
except pa.errors.SchemaErrors as e:
    print(len(e.failure_cases))
"""

PER_ROW = r"""
import json, sys, time
import pyarrow.csv as c
import pyarrow as pa
import re
NULL_TOKENS = ("", "NA", "N/A", "NaN", "nan", "null", "NULL", "None")
NUMBER_RE = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")
def cell_to_json(text):  # the README's cell mapping: null tokens, JSON numbers, else text
    if text is None or text in NULL_TOKENS:
        return None
    return json.loads(text) if NUMBER_RE.fullmatch(text) else text
schema = json.loads(sys.argv[2]); sample = int(sys.argv[3]); kind = sys.argv[4]
header = open(sys.argv[1]).readline().strip().split(",")
table = c.read_csv(sys.argv[1], convert_options=c.ConvertOptions(
    column_types={h: pa.string() for h in header}, strings_can_be_null=False,
    quoted_strings_can_be_null=False)).slice(0, sample)
start = time.perf_counter()
rows = [{k: cell_to_json(v) for k, v in r.items()} for r in table.to_pylist()]
if kind == "jsonschema":
    from jsonschema import Draft202012Validator as V
    validator = V(schema, format_checker=V.FORMAT_CHECKER)
    bad = sum(not validator.is_valid(r) for r in rows)
else:
    import fastjsonschema
    check = fastjsonschema.compile(schema)
    bad = 0
    for r in rows:
        try:
            check(r)
        except fastjsonschema.JsonSchemaValueException:
            bad += 1
print(json.dumps({"seconds": time.perf_counter() - start, "rows": len(rows), "bad": bad}))
"""


def measure(argv: list[str], repeats: int) -> dict[str, float]:
    runs = []
    for _ in range(repeats):
        out = subprocess.run(
            [sys.executable, "-c", MEASURE, *argv], capture_output=True, text=True, check=True
        )
        result = json.loads(out.stdout)
        if result["rc"] not in (0, 1):
            raise SystemExit(f"{argv} failed: {result['err']}")
        runs.append(result)
    return {
        "wall": statistics.median(r["wall"] for r in runs),
        "peak_mib": max(r["peak_mib"] for r in runs),
        "out": runs[-1]["out"],
    }


def mlvc(data: Path, schema: Path) -> list[str]:
    mlvc_bin = str(Path(sys.executable).parent / "mlvc")
    return [mlvc_bin, "schema", "check", str(data), "--schema", str(schema), "-f", "json"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--sample", type=int, default=20_000, help="rows for the per-row validators"
    )
    parser.add_argument(
        "--big-gb", type=float, default=0.0, help="also check a CSV of this many GiB"
    )
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(prefix="mlvc-bench-schema-") as tmp:
        work = Path(tmp)
        csv, parquet, schema = work / "data.csv", work / "data.parquet", work / "schema.json"
        subprocess.run(
            [sys.executable, "-c", MAKE_DATA, str(args.rows), str(csv), str(parquet)], check=True
        )
        schema.write_text(json.dumps(SCHEMA))
        size_mib = csv.stat().st_size / (1 << 20)
        print(
            f"\n== schema check: {args.rows:,} rows x 10 columns (synthetic), CSV {size_mib:.0f} MiB =="
        )
        floor = measure([sys.executable, "-c", BARE_READ, str(csv)], args.repeats)
        ours_csv = measure(mlvc(csv, schema), args.repeats)
        ours_parquet = measure(mlvc(parquet, schema), args.repeats)
        pandera = measure([sys.executable, "-c", PANDERA, str(csv)], args.repeats)
        per_row = {}
        for kind in ("jsonschema", "fastjsonschema"):
            out = subprocess.run(
                [
                    sys.executable,
                    "-c",
                    PER_ROW,
                    str(csv),
                    json.dumps(SCHEMA),
                    str(args.sample),
                    kind,
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            sample = json.loads(out.stdout)
            per_row[kind] = sample["seconds"] * args.rows / sample["rows"]
        warm = subprocess.run(
            [sys.executable, "-c", IN_PROCESS, str(csv), str(schema), str(max(args.repeats, 5))],
            capture_output=True,
            text=True,
            check=True,
        )
        in_process = json.loads(warm.stdout)
        report = json.loads(ours_csv["out"])
        print(f"  mlvc found {report['failing_rows']:,} failing rows of {report['rows']:,}")
        rows = [
            ("pyarrow bare CSV read (floor)", floor["wall"], floor["peak_mib"]),
            ("mlvc schema check, CSV", ours_csv["wall"], ours_csv["peak_mib"]),
            ("mlvc schema check, Parquet", ours_parquet["wall"], ours_parquet["peak_mib"]),
            ("pandera (read + validate)", pandera["wall"], pandera["peak_mib"]),
            (
                f"jsonschema per row (x{args.rows // args.sample} from {args.sample:,})",
                per_row["jsonschema"],
                None,
            ),
            (
                f"fastjsonschema per row (x{args.rows // args.sample})",
                per_row["fastjsonschema"],
                None,
            ),
        ]
        ours = ours_csv["wall"]
        print(f"  {'method':<44} {'time':>9} {'vs mlvc':>10} {'peak':>9}")
        for label, wall, peak in rows:
            ratio = wall / ours
            peak_text = f"{peak:.0f}MiB" if peak else "-"
            print(f"  {label:<44} {wall:>8.2f}s {ratio:>8.1f}x {peak_text:>9}")
        print(
            f"  in-process, imports and two warm-up rounds excluded, median of {max(args.repeats, 5)}: bare read {in_process['read']:.2f}s, "
            f"mlvc check {in_process['check']:.2f}s ({in_process['check'] / in_process['read']:.1f}x); "
            f"jsonschema per row is {per_row['jsonschema'] / in_process['check']:.0f}x slower"
        )
        whole = "whole process"
        for budget in (
            Budget(
                f"mlvc schema check >= 100x faster than jsonschema per row ({whole})",
                "mlvc",
                ours,
                "jsonschema per row",
                per_row["jsonschema"],
                ">=",
                100,
            ),
            Budget(
                "mlvc schema check >= 100x faster than jsonschema per row (in-process)",
                "mlvc",
                in_process["check"],
                "jsonschema per row",
                per_row["jsonschema"],
                ">=",
                100,
            ),
            Budget(
                f"mlvc schema check faster than pandera ({whole})",
                "mlvc",
                ours,
                "pandera",
                pandera["wall"],
                ">",
                1,
            ),
            Budget(
                f"mlvc schema check <= 2x pyarrow's bare CSV read ({whole})",
                "mlvc",
                ours,
                "bare read",
                floor["wall"],
                "<=",
                2,
            ),
            Budget(
                "mlvc schema check <= 2x pyarrow's bare CSV read (in-process)",
                "mlvc",
                in_process["check"],
                "bare read",
                in_process["read"],
                "<=",
                2,
            ),
        ):
            print(budget.line())
        print(machine())
        if args.big_gb:
            big = work / "big.csv"
            body = csv.read_bytes().split(b"\n", 1)[1]
            with big.open("wb") as handle:
                handle.write(csv.read_bytes().split(b"\n", 1)[0] + b"\n")
                while handle.tell() < args.big_gb * (1 << 30):
                    handle.write(body)
            csv.unlink()
            gib = big.stat().st_size / (1 << 30)
            result = measure(mlvc(big, schema), 1)
            print(
                f"  big file: {gib:.1f} GiB CSV checked in {result['wall']:.0f}s "
                f"({gib * 1024 / result['wall']:.0f} MiB/s), peak {result['peak_mib']:.0f} MiB "
                f"(target < 1024 MiB: {'meets' if result['peak_mib'] < 1024 else 'MISSES'})"
            )


if __name__ == "__main__":
    main()
