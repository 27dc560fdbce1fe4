"""GTO reads mlvc's registry tags: `gto show` lists the same versions and stages as mlvc.

GTO 1.10.1 runs from its own virtual environment, made by `.ci/gto-env.sh` at
``$MLVC_GTO_VENV`` (default ``~/.cache/mlvc/gto-venv``). Without it these tests fail with
that instruction; ``MLVC_SKIP_GTO=1`` skips them instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli import registry_api as reg

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Resolved at import (collection), before any fixture points HOME at a temporary directory.
GTO_VENV = Path(os.environ.get("MLVC_GTO_VENV") or Path.home() / ".cache" / "mlvc" / "gto-venv")
GTO = GTO_VENV / "bin" / "gto"
NAME = "penguins-classifier"
T0 = 1_767_225_600  # 2026-01-01T00:00:00Z; each registry action gets its own minute after it
STAGE_SCRIPT = """
import json, pathlib, yaml
p = yaml.safe_load(open("params.yaml"))
pathlib.Path("models").mkdir(exist_ok=True)
pathlib.Path("metrics").mkdir(exist_ok=True)
pathlib.Path("models/model.skops").write_bytes(b"model-" + str(p["train"]["seed"]).encode())
metrics = {"accuracy": 0.97, "balanced_accuracy": 0.97, "log_loss": 0.1}
json.dump(metrics, open("metrics/metrics.json", "w"))
"""
PIPELINE = {
    "stages": {
        "train": {
            "cmd": "python train.py",
            "deps": ["train.py"],
            "params": ["train.seed"],
            "outs": ["models/model.skops"],
            "metrics": [{"metrics/metrics.json": {"cache": False}}],
        }
    },
    "artifacts": {NAME: {"path": "models/model.skops", "type": "model"}},
}


def run(argv: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"{argv}: {done.stdout}{done.stderr}")
    return done


@pytest.fixture(scope="module")
def gto() -> Path:
    """GTO's executable; a failure that says how to install it (a skip with MLVC_SKIP_GTO=1)."""
    if os.environ.get("MLVC_SKIP_GTO") == "1":
        pytest.skip("MLVC_SKIP_GTO=1: GTO interoperability not checked")
    if not os.access(GTO, os.X_OK):
        pytest.fail(
            f"GTO is not installed at {GTO}: run .ci/gto-env.sh (it creates the venv at "
            "$MLVC_GTO_VENV, default ~/.cache/mlvc/gto-venv), or set MLVC_SKIP_GTO=1 to skip",
            pytrace=False,
        )
    return GTO


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A committed one-stage git + DVC repository with a model artifact (built once)."""
    with pytest.MonkeyPatch.context() as mp:
        for key, value in {
            "HOME": str(tmp_path_factory.mktemp("home")),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": "mlvc test",
            "GIT_AUTHOR_EMAIL": "test@mlvc.invalid",
            "GIT_COMMITTER_NAME": "mlvc test",
            "GIT_COMMITTER_EMAIL": "test@mlvc.invalid",
            "DVC_NO_ANALYTICS": "1",
            "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        }.items():
            mp.setenv(key, value)
        repo = tmp_path_factory.mktemp("template") / "repo"
        repo.mkdir()
        (repo / "train.py").write_text(STAGE_SCRIPT)
        (repo / "dvc.yaml").write_text(yaml.safe_dump(PIPELINE, sort_keys=False))
        shutil.copy(ROOT / "params.yaml", repo / "params.yaml")
        run(["git", "init", "-q", "-b", "main"], repo)
        run(["dvc", "init", "-q"], repo)
        run(["dvc", "config", "core.analytics", "false"], repo)
        run(["dvc", "repro", "-q"], repo)
        run(["git", "add", "-A"], repo)
        run(["git", "commit", "-q", "-m", "pipeline"], repo)
        yield repo


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(template, copy, symlinks=True)
    run(["dvc", "config", "--local", "core.site_cache_dir", str(tmp_path / "site")], copy)
    return copy


def at(monkeypatch: pytest.MonkeyPatch, minute: int) -> None:
    """Pin the committer/tagger date of what comes next.

    GTO orders registry events by tagger time (1-second resolution); mlvc by the tag's
    counter. Distinct times make both orders agree (see the same-second test below).
    """
    monkeypatch.setenv("GIT_COMMITTER_DATE", f"{T0 + 60 * minute} +0000")


def new_commit(repo: Path, seed: int) -> None:
    params = yaml.safe_load((repo / "params.yaml").read_text())
    params["train"]["seed"] = seed
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    run(["dvc", "repro", "-q"], repo)
    run(["git", "commit", "-q", "-am", f"seed {seed}"], repo)


def mlvc_registry(repo: Path) -> dict[str, Any]:
    """``mlvc registry --format json`` as a user runs it (a separate process)."""
    done = run([str(BIN / "mlvc"), "registry", "--repo", str(repo), "--format", "json"], repo)
    return {m["name"]: m for m in json.loads(done.stdout)["models"]}


def gto_json(gto: Path, repo: Path, *args: str) -> Any:
    return json.loads(run([str(gto), "show", *args, "--json"], repo).stdout)


def assert_gto_agrees(gto: Path, repo: Path) -> dict[str, Any]:
    """Registry level (`gto show`) and version level (`gto show NAME`) against mlvc's view."""
    ours = mlvc_registry(repo)
    # {"NAME": {"version": latest, "stage": {stage: version}, "registered": .., "active": ..}}
    theirs = gto_json(gto, repo)
    assert sorted(theirs) == sorted(ours)
    for name, model in ours.items():
        assert theirs[name]["version"] == model["latest"]
        assert theirs[name]["stage"] == model["stages"]
        assert theirs[name]["registered"] is True and theirs[name]["active"] is True
        # one entry per version: {"version", "commit_hexsha", "stages": [{"stage", ...}], ...}
        versions = gto_json(gto, repo, name)
        assert {v["version"]: v["commit_hexsha"] for v in versions} == {
            v["version"]: v["commit"] for v in model["versions"]
        }
        assert {v["version"]: sorted(s["stage"] for s in v["stages"]) for v in versions} == {
            v["version"]: sorted(v["stages"]) for v in model["versions"]
        }
        assert {v["version"]: v["is_active"] for v in versions} == {
            v["version"]: v["active"] for v in model["versions"]
        }
    return ours


def test_gto_show_lists_our_versions_and_stages(
    gto: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = [
        lambda: reg.release(repo=repo),
        lambda: new_commit(repo, 5),
        lambda: reg.release(repo=repo),
        lambda: reg.promote(model=NAME, version="v0.0.1", stage="dev", repo=repo),
        lambda: reg.promote(model=NAME, version="v0.0.1", stage="staging", repo=repo),
        lambda: reg.promote(model=NAME, version="v0.0.2", stage="dev", repo=repo),
        lambda: reg.promote(model=NAME, version="v0.0.2", stage="staging", repo=repo),
        lambda: reg.promote(model=NAME, version="v0.0.2", stage="prod", repo=repo),
        lambda: reg.rollback(model=NAME, stage="staging", repo=repo),
    ]
    for minute, step in enumerate(steps):
        at(monkeypatch, minute)
        result = step()
        assert result is None or result.created, result
    ours = assert_gto_agrees(gto, repo)
    model = ours[NAME]
    assert model["latest"] == "v0.0.2"
    assert model["stages"] == {"dev": "v0.0.2", "prod": "v0.0.2", "staging": "v0.0.1"}
    assert [(v["version"], v["stages"]) for v in model["versions"]] == [
        ("v0.0.1", ["staging"]),
        ("v0.0.2", ["dev", "prod"]),
    ]


def test_assignments_in_the_same_second_agree(
    gto: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, 0)
    reg.release(repo=repo)
    new_commit(repo, 5)
    at(monkeypatch, 1)
    reg.release(repo=repo)
    at(monkeypatch, 2)  # every assignment below gets the same tagger second
    reg.promote(model=NAME, version="v0.0.1", stage="dev", repo=repo)
    reg.promote(model=NAME, version="v0.0.2", stage="dev", repo=repo)
    assert mlvc_registry(repo)[NAME]["stages"] == {"dev": "v0.0.2"}
    assert_gto_agrees(gto, repo)
