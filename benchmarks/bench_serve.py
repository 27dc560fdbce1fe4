"""Benchmark `mlvc serve` against `mlflow models serve` on the same fitted pipeline, in one run.

Model: the bundled Palmer penguins (palmerpenguins, offline), the project's pipeline
(cli.core.modeling.build_pipeline, logistic regression), saved with skops in a temporary
work tree beside the repository's data contract. MLflow's side loads those same skops
bytes in MLflow's own venv (.ci/mlflow-env.sh) and saves them with mlflow.sklearn, in
whatever format MLflow chooses, inside that venv only (never in mlvc's environment). Skipped with a message when that venv is
missing (or with --no-mlflow).

Load: --concurrency client threads on loopback, each on one keep-alive connection, send
--requests requests in all (bounded by --seconds per run) per round; both servers run side
by side and take turns within each of --rounds rounds (the order flips each round), so a
change in the machine's load falls on both alike; figures are the rounds' medians. Bodies of 1 row and of 100
rows in MLflow's `{"dataframe_records": [...]}` shape (both servers accept it unchanged);
every answer must be 200. mlvc checks every row against the data contract; MLflow checks
the model signature (none is logged here, so it checks nothing). Figures per server and
body: throughput (requests/s), p50 and p99 latency.

Budgets (issue 17), printed as BUDGET lines when MLflow ran:
- throughput: mlvc serve >= MLflow's (as time per request: MLflow's / mlvc's >= 1x)
- p99 latency: mlvc serve <= MLflow's (<= 1x)

Usage: python benchmarks/bench_serve.py [--requests 400] [--concurrency 8] [--seconds 60]
       [--rounds 3] [--no-mlflow] [--json FILE]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from budget import Budget, machine

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
MLFLOW_VENV = Path(
    os.environ.get("MLVC_MLFLOW_VENV") or Path.home() / ".cache" / "mlvc" / "mlflow-venv"
)
NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
CATEGORICAL = ["island", "sex"]
COLUMNS = ["island", *NUMERIC, "sex", "year"]
START_SECONDS = 180.0  # longest a server may take to answer /health with 200

# Runs in MLflow's venv: the skops archive (trusted types listed, as mlvc loads it) saved as
# an MLflow model (in MLflow's own format: skops too, in MLflow 3), in that venv only.
TO_MLFLOW = r"""
import sys, skops.io as sio, mlflow.sklearn
trusted = sys.argv[3].split(",")
model = sio.load(sys.argv[1], trusted=trusted)
mlflow.sklearn.save_model(model, sys.argv[2], skops_trusted_types=trusted)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def build_worktree(root: Path) -> list[dict[str, Any]]:
    """Fit and save the model in ``root``; the rows of the data set, for the bodies."""
    sys.path.insert(0, str(ROOT))
    from palmerpenguins import load_penguins

    from cli import api
    from cli.core.modeling import build_pipeline

    frame = load_penguins().dropna(subset=["species"])
    pipeline = build_pipeline(
        numeric=NUMERIC,
        categorical=CATEGORICAL,
        estimator="logistic_regression",
        hyperparameters={"C": 1.0, "max_iter": 1000},
        seed=0,
    )
    pipeline.fit(frame[NUMERIC + CATEGORICAL], frame["species"].astype(str))
    (root / "data").mkdir()
    shutil.copy(ROOT / "data" / "schema.json", root / "data" / "schema.json")
    (root / "models").mkdir()
    api.save_model(pipeline, root / "models" / "model.skops")
    meta = {
        "estimator": "logistic_regression",
        "target": "species",
        "classes": [str(c) for c in pipeline.classes_],
        "features": [{"name": n, "dtype": str(frame[n].dtype)} for n in NUMERIC + CATEGORICAL],
    }
    (root / "models" / "model.meta.json").write_text(json.dumps(meta))
    rows = json.loads(frame[COLUMNS].to_json(orient="records"))
    return [r for r in rows if all(v is not None for v in r.values())]


def wait_healthy(port: int, path: str, child: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise SystemExit(f"the server exited with {child.returncode} before it was ready")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the server on port {port} was not ready within {START_SECONDS:.0f} s")


def warm_up(port: int, path: str, body: bytes) -> None:
    """A few requests first (imports, first allocations); each must answer 200."""
    for _ in range(5):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json"})
        answer = connection.getresponse()
        text = answer.read()
        if answer.status != 200:
            raise SystemExit(f"{path} answered {answer.status}: {text[:300]!r}")


def measure(port: int, path: str, body: bytes, args: argparse.Namespace) -> dict[str, float]:
    """Throughput and latency percentiles of one server for one body."""
    warm_up(port, path, body)
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    remaining = [args.requests]
    deadline = time.monotonic() + args.seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Content-Type": "application/json"}
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] == 0:
                    return
                remaining[0] -= 1
            start = time.perf_counter()
            connection.request("POST", path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                if response.status != 200:
                    failures.append(response.status)

    threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - start
    if failures:
        raise SystemExit(f"{len(failures)} requests failed: {failures[:5]}")
    cuts = statistics.quantiles(sorted(latencies), n=100, method="inclusive")
    return {
        "requests": len(latencies),
        "throughput": len(latencies) / wall,
        "p50": cuts[49],
        "p99": cuts[98],
    }


def serve(
    command: list[str], cwd: Path, port: int, health: str, bin_dir: Path
) -> subprocess.Popen[bytes]:
    child = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env(bin_dir)
    )
    try:
        wait_healthy(port, health, child)
    except BaseException:
        stop(child)
        raise
    return child


def stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def env(bin_dir: Path = BIN) -> dict[str, str]:
    """The environment with ``bin_dir`` first on PATH (MLflow runs `uvicorn` from its own)."""
    values = dict(os.environ)
    values["PATH"] = f"{bin_dir}{os.pathsep}{values.get('PATH', '')}"
    return values


def bodies(rows: list[dict[str, Any]]) -> dict[str, bytes]:
    hundred = [rows[i % len(rows)] for i in range(100)]
    return {
        "1 row": json.dumps({"dataframe_records": rows[:1]}).encode(),
        "100 rows": json.dumps({"dataframe_records": hundred}).encode(),
    }


Server = tuple[subprocess.Popen[bytes], int, str]  # the process, its port, its predict path


def start_mlvc(work: Path) -> Server:
    port = free_port()
    command = [str(BIN / "mlvc"), "serve", "--model", "models/model.skops", "--port", str(port)]
    return serve(command, work, port, "/health", BIN), port, "/predict"


def start_mlflow(work: Path, args: argparse.Namespace) -> Server | None:
    """MLflow's server on the same model, or None (a line says why) without its venv."""
    python, mlflow = MLFLOW_VENV / "bin" / "python", MLFLOW_VENV / "bin" / "mlflow"
    if args.no_mlflow or not mlflow.exists():
        why = "--no-mlflow" if args.no_mlflow else f"no MLflow venv at {MLFLOW_VENV}"
        print(f"mlflow models serve: skipped ({why}; create it with .ci/mlflow-env.sh)")
        return None
    from cli.adapters.model_store import TRUSTED_TYPES

    model_dir = work / "mlflow-model"
    saved = subprocess.run(
        [str(python), "-c", TO_MLFLOW, str(work / "models" / "model.skops"), str(model_dir),
         ",".join(TRUSTED_TYPES)],
        check=False, env=env(MLFLOW_VENV / "bin"), capture_output=True, text=True,
    )  # fmt: skip
    if saved.returncode != 0:
        raise SystemExit(f"MLflow could not save the model:\n{saved.stderr[-2000:]}")
    port = free_port()
    command = [
        str(mlflow), "models", "serve", "-m", str(model_dir), "-p", str(port),
        "-h", "127.0.0.1", "--env-manager", "local",
    ]  # fmt: skip
    return serve(command, work, port, "/health", MLFLOW_VENV / "bin"), port, "/invocations"


def median_round(rounds: list[dict[str, float]]) -> dict[str, float]:
    """Per figure, the median over the rounds (requests: the total)."""
    figures = {k: statistics.median(r[k] for r in rounds) for k in ("throughput", "p50", "p99")}
    return {"requests": sum(r["requests"] for r in rounds), **figures}


def run_rounds(
    servers: dict[str, Server], payloads: dict[str, bytes], args: argparse.Namespace
) -> dict[str, dict[str, dict[str, float]]]:
    """Every server on every body, ``--rounds`` times, alternating servers within a round
    (so a change in the machine's load falls on both alike); the median of the rounds."""
    rounds: dict[str, dict[str, list[dict[str, float]]]] = {
        name: {body: [] for body in payloads} for name in servers
    }
    for number in range(args.rounds):
        for body, data in payloads.items():
            order = list(servers) if number % 2 == 0 else list(reversed(servers))
            for name in order:
                _, port, path = servers[name]
                rounds[name][body].append(measure(port, path, data, args))
    return {
        name: {body: median_round(results) for body, results in by_body.items()}
        for name, by_body in rounds.items()
    }


def show(server: str, figures: dict[str, dict[str, float]], concurrency: int) -> None:
    for body, f in figures.items():
        print(
            f"{server:<20} {body:>8}: {f['throughput']:8.1f} requests/s, "
            f"p50 {f['p50'] * 1000:7.1f} ms, p99 {f['p99'] * 1000:7.1f} ms "
            f"({f['requests']:.0f} requests, {concurrency} clients; medians of rounds)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=400, help="requests per run")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--seconds", type=float, default=60.0, help="time bound per run")
    parser.add_argument("--no-mlflow", action="store_true", help="measure mlvc serve only")
    parser.add_argument(
        "--rounds", type=int, default=3, help="rounds per server and body (medians printed)"
    )
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory(prefix="bench-serve-") as folder:
        work = Path(folder)
        payloads = bodies(build_worktree(work))
        servers: dict[str, Server] = {}
        try:
            servers["mlvc serve"] = start_mlvc(work)
            mlflow = start_mlflow(work, args)
            if mlflow is not None:
                servers["mlflow models serve"] = mlflow
            figures = run_rounds(servers, payloads, args)
        finally:
            for child, _, _ in servers.values():
                stop(child)
    ours, theirs = figures["mlvc serve"], figures.get("mlflow models serve")
    show("mlvc serve", ours, args.concurrency)
    if theirs is not None:
        show("mlflow models serve", theirs, args.concurrency)
        for body in payloads:
            mine, other = ours[body], theirs[body]
            print(
                Budget(
                    f"serve throughput, {body}",
                    "mlvc serve time/request", 1 / mine["throughput"],
                    "MLflow", 1 / other["throughput"], ">=", 1.0,
                ).line()
            )  # fmt: skip
            print(
                Budget(
                    f"serve p99, {body}", "mlvc serve p99", mine["p99"],
                    "MLflow p99", other["p99"], "<=", 1.0,
                ).line()
            )  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps({"mlvc": ours, "mlflow": theirs}, indent=2))


if __name__ == "__main__":
    main()
