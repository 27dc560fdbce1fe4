"""Benchmark `mlvc registry` against `gto show` and the bare `git for-each-ref`, in one run.

Repository (SYNTHETIC): one model with --versions versions, one empty commit per version
(GTO's rule: one version per commit), written with a single `git fast-import`. Every tag
is annotated, in GTO's grammar, with mlvc's release message (metrics lines included):
`NAME@vX.Y.Z` per version, `NAME#dev#N` every 10th version, `#staging#N` every 50th,
`#prod#N` every 100th, and a prod rollback (re-assignment of the previous prod version)
every 200th. Tagger times are one second apart, so GTO's time order and mlvc's counter
order agree; both outputs are checked against the expected registry before timing.

Figures (median of --repeats, min-max, after one warm-up run each):
- floor: `git for-each-ref refs/tags` reading name, target, peeled target, tagger date and
  subject (whole process)
- `mlvc registry --format json` (whole process)
- `gto show` from GTO's own venv (.ci/gto-env.sh; skipped with a message when missing)
- `python -c pass`, `python -c "import typer"` and `python -c "import cli.app"` (whole
  process): interpreter start-up, the CLI framework's import and all of mlvc's start-up
  imports, which every `mlvc` command pays before it does any work
- in-process: `cli.api.registry()` timed after its imports, alone and with the
  one-line JSON that `--format json` prints into a pipe

Budgets (issue 15), printed as BUDGET lines with both figures and the ratio:
- whole process: `mlvc registry --format json` <= 1.3x the floor of any Typer CLI, i.e.
  `python -c "import typer"` and `git for-each-ref` run one after the other (timed as a pair)
- in-process: `cli.api.registry()` <= 2.5x `git for-each-ref` (whole process)

Usage: python benchmarks/bench_registry.py [--versions 1000] [--repeats 5] [--json FILE] [--no-gto]
"""

from __future__ import annotations

import argparse
import json
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
GTO_VENV = Path(os.environ.get("MLVC_GTO_VENV") or Path.home() / ".cache" / "mlvc" / "gto-venv")
NAME = "penguins-classifier"
T0 = 1_767_225_600  # 2026-01-01T00:00:00Z
WHOLE_PROCESS_BUDGET = 1.3  # x (python -c "import typer" + git for-each-ref)
IN_PROCESS_BUDGET = 2.5  # x git for-each-ref
FLOOR_FORMAT = "%(refname:strip=2) %(objectname) %(*objectname) %(taggerdate:unix) %(subject)"
IDENT = "Bench <bench@mlvc.invalid>"
DVC_YAML = f"""stages:
  train:
    cmd: python train.py
    outs: [models/model.skops]
artifacts:
  {NAME}: {{path: models/model.skops, type: model}}
"""


def env() -> dict[str, str]:
    values = dict(os.environ)
    values["PATH"] = f"{BIN}{os.pathsep}{values.get('PATH', '')}"
    values["DVC_NO_ANALYTICS"] = "1"
    values["GIT_CONFIG_NOSYSTEM"] = "1"
    return values


def data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def release_message(version: str, i: int) -> str:
    accuracy = 0.9 + (i % 97) / 1000
    return "\n".join(
        [
            f"Registering artifact {NAME} version {version}",
            "",
            "model: models/model.skops",
            f"model_md5: {i:032x}",
            f"params_digest: {i * 7:032x}",
            f"metric.accuracy: {accuracy:.4f}",
            f"metric.balanced_accuracy: {accuracy - 0.01:.4f}",
            f"metric.log_loss: {0.1 + (i % 13) / 100:.4f}",
        ]
    )


def build_repo(repo: Path, versions: int) -> dict[str, Any]:
    """One `git fast-import` stream: commits, version tags and stage tags; the expected state."""
    stream = bytearray()
    stream += b"blob\nmark :1\n" + data(DVC_YAML)
    stream += f"commit refs/heads/main\nmark :2\ncommitter {IDENT} {T0} +0000\n".encode()
    stream += data("pipeline") + b"M 100644 :1 dvc.yaml\n\n"
    clock, counter, tags = T0 + 1, 0, 0
    stages: dict[str, str] = {}
    prod_history: list[str] = []
    version_of_mark: dict[int, str] = {}

    def tag(name: str, mark: int, message: str) -> None:
        nonlocal clock, tags
        stream.extend(f"tag {name}\nfrom :{mark}\ntagger {IDENT} {clock} +0000\n".encode())
        stream.extend(data(message))
        clock += 1
        tags += 1

    def assign(stage: str, version: str, mark: int) -> None:
        nonlocal counter
        counter += 1
        message = f"Assigning stage {stage} to artifact {NAME} version {version}"
        tag(f"{NAME}#{stage}#{counter}", mark, message)
        stages[stage] = version

    for i in range(1, versions + 1):
        mark = i + 2
        version = f"v1.{i // 100}.{i % 100}"
        version_of_mark[mark] = version
        stream += (
            f"commit refs/heads/main\nmark :{mark}\ncommitter {IDENT} {clock} +0000\n".encode()
        )
        stream += data(f"model {version}") + b"\n"
        tag(f"{NAME}@{version}", mark, release_message(version, i))
        if i % 10 == 0:
            assign("dev", version, mark)
        if i % 50 == 0:
            assign("staging", version, mark)
        if i % 100 == 0:
            assign("prod", version, mark)
            prod_history.append(version)
        if i % 200 == 0 and len(prod_history) > 1:
            previous = prod_history[-2]
            back = next(m for m, v in version_of_mark.items() if v == previous)
            assign("prod", previous, back)
            prod_history.append(previous)
    stream += b"done\n"
    subprocess.run(["git", "init", "-q", "-b", "main", str(repo)], check=True, env=env())
    subprocess.run(
        ["git", "fast-import", "--quiet", "--done"],
        cwd=repo,
        input=bytes(stream),
        check=True,
        env=env(),
    )
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=repo, check=True, env=env())
    latest = f"v1.{versions // 100}.{versions % 100}"
    return {"tags": tags, "assignments": counter, "latest": latest, "stages": stages}


def check_outputs(repo: Path, expected: dict[str, Any], versions: int, gto: Path | None) -> None:
    """Refuse to time anything whose answer is wrong."""
    out = subprocess.run(
        [str(BIN / "mlvc"), "registry", "--format", "json"],
        cwd=repo,
        capture_output=True,
        text=True,
        env=env(),
        check=True,
    )
    (model,) = json.loads(out.stdout)["models"]
    got = (len(model["versions"]), model["latest"], model["stages"])
    want = (versions, expected["latest"], dict(sorted(expected["stages"].items())))
    if got != want:
        raise SystemExit(f"mlvc registry disagrees with the generated registry: {got} != {want}")
    if gto is not None:
        out = subprocess.run(
            [str(gto), "show", "--json"], cwd=repo, capture_output=True, text=True, check=True
        )
        shown = json.loads(out.stdout)[NAME]
        if (shown["version"], shown["stage"]) != (model["latest"], model["stages"]):
            raise SystemExit(f"gto show disagrees with mlvc registry: {shown} vs {model}")


def time_process(argv: list[str], cwd: Path, repeats: int) -> dict[str, float]:
    """Wall time of a whole child process (its stdout read and discarded), after a warm-up."""
    return time_sequence([argv], cwd, repeats)


def time_sequence(argvs: list[list[str]], cwd: Path, repeats: int) -> dict[str, float]:
    """Wall time of child processes run one after the other, after a warm-up."""
    walls = []
    for attempt in range(repeats + 1):
        start = time.perf_counter()
        for argv in argvs:
            done = subprocess.run(argv, cwd=cwd, capture_output=True, env=env())
            if done.returncode != 0:
                raise SystemExit(
                    f"{' '.join(argv)} exited {done.returncode}:\n{done.stderr[-2000:]}"
                )
        wall = time.perf_counter() - start
        if attempt:
            walls.append(wall)
    return summary(walls)


def time_in_process(repo: Path, repeats: int) -> tuple[dict[str, float], dict[str, float]]:
    """``registry()`` alone, and ``registry()`` plus the JSON rendering the CLI prints."""
    os.environ.update(env())  # git via cli.adapters.process inherits this environment
    from cli.api import registry
    from cli.render import render

    render(registry(repo=repo), "json", pretty=False)  # warm-up
    alone, rendered = [], []
    for _ in range(repeats):
        start = time.perf_counter()
        view = registry(repo=repo)
        alone.append(time.perf_counter() - start)
        render(view, "json", pretty=False)  # what --format json prints into a pipe
        rendered.append(time.perf_counter() - start)
        assert len(view.models[0].versions) > 0
    return summary(alone), summary(rendered)


def summary(walls: list[float]) -> dict[str, float]:
    return {"median": statistics.median(walls), "min": min(walls), "max": max(walls)}


def row(label: str, figure: dict[str, float], floor: float) -> str:
    ratio = figure["median"] / floor
    spread = f"({figure['min']:.3f}-{figure['max']:.3f})"
    return f"  {label:<44} {figure['median']:8.3f} s {spread:<15} {ratio:7.1f}x"


def budgets(figures: dict[str, dict[str, float]]) -> list[Budget]:
    """The two registry budgets of issue 15, on medians from this run."""
    return [
        Budget(
            "mlvc registry --format json <= 1.3x (import typer + git for-each-ref), whole process",
            "mlvc registry --format json",
            figures["mlvc registry --format json"]["median"],
            "import typer + git for-each-ref",
            figures["import typer + git for-each-ref"]["median"],
            "<=",
            WHOLE_PROCESS_BUDGET,
        ),
        Budget(
            "cli.api.registry() in-process <= 2.5x git for-each-ref",
            "registry()",
            figures["in-process registry()"]["median"],
            "git for-each-ref",
            figures["git for-each-ref"]["median"],
            "<=",
            IN_PROCESS_BUDGET,
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--no-gto", action="store_true", help="leave gto show out")
    args = parser.parse_args()
    print(machine())

    gto = GTO_VENV / "bin" / "gto"
    if args.no_gto:
        gto_path = None
    elif not os.access(gto, os.X_OK):
        print(f"gto show: SKIPPED, no GTO at {gto}; run .ci/gto-env.sh to include it\n")
        gto_path = None
    else:
        gto_path = gto
    tmp = Path(tempfile.mkdtemp(prefix="mlvc-bench-registry-"))
    try:
        repo = tmp / "repo"
        start = time.perf_counter()
        expected = build_repo(repo, args.versions)
        setup = time.perf_counter() - start
        check_outputs(repo, expected, args.versions, gto_path)
        print(
            f"registry: 1 model, {args.versions} versions (one commit each), "
            f"{expected['assignments']} stage assignments, {expected['tags']} annotated tags; "
            f"setup {setup:.2f} s"
        )
        figures: dict[str, dict[str, float]] = {}
        floor_argv = ["git", "for-each-ref", "refs/tags", f"--format={FLOOR_FORMAT}"]
        figures["git for-each-ref"] = time_process(floor_argv, repo, args.repeats)
        figures["mlvc registry --format json"] = time_process(
            [str(BIN / "mlvc"), "registry", "--format", "json"], repo, args.repeats
        )
        if gto_path is not None:
            figures["gto show"] = time_process([str(gto_path), "show"], repo, args.repeats)
        figures["import typer + git for-each-ref"] = time_sequence(
            [[sys.executable, "-c", "import typer"], floor_argv], repo, args.repeats
        )
        figures["python -c pass"] = time_process([sys.executable, "-c", "pass"], repo, args.repeats)
        figures["python -c 'import typer'"] = time_process(
            [sys.executable, "-c", "import typer"], repo, args.repeats
        )
        figures["python -c 'import cli.app'"] = time_process(
            [sys.executable, "-c", "import cli.app"], repo, args.repeats
        )
        alone, rendered = time_in_process(repo, args.repeats)
        figures["in-process registry()"] = alone
        figures["in-process registry() + JSON render"] = rendered
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    floor = figures["git for-each-ref"]["median"]
    print(f"median of {args.repeats} (min-max), ratio to git for-each-ref\n")
    print("whole process:")
    print(row("git for-each-ref refs/tags (floor)", figures["git for-each-ref"], floor))
    print(row("mlvc registry --format json", figures["mlvc registry --format json"], floor))
    print(
        row(
            "import typer + git for-each-ref (Typer floor)",
            figures["import typer + git for-each-ref"],
            floor,
        )
    )
    if "gto show" in figures:
        print(row("gto show (GTO 1.10.1, own venv)", figures["gto show"], floor))
    else:
        print(f"  {'gto show':<44} SKIPPED ({'--no-gto' if args.no_gto else 'run .ci/gto-env.sh'})")
    print(row("python -c pass (interpreter start-up)", figures["python -c pass"], floor))
    print(
        row(
            "python -c 'import typer' (the CLI framework)",
            figures["python -c 'import typer'"],
            floor,
        )
    )
    print(
        row(
            "python -c 'import cli.app' (mlvc's imports)",
            figures["python -c 'import cli.app'"],
            floor,
        )
    )
    print("in-process (after imports):")
    print(row("cli.api.registry()", figures["in-process registry()"], floor))
    print(
        row(
            "registry() + render(view, 'json')",
            figures["in-process registry() + JSON render"],
            floor,
        )
    )
    if "gto show" in figures:
        speedup = figures["gto show"]["median"] / figures["mlvc registry --format json"]["median"]
        print(f"\nmlvc registry is {speedup:.1f}x faster than gto show (whole processes)")
    print()
    for budget in budgets(figures):
        print(budget.line())
    print(machine())
    if args.json:
        args.json.write_text(json.dumps({"versions": args.versions, **figures}, indent=2) + "\n")


if __name__ == "__main__":
    main()
