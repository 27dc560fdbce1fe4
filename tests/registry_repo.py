"""A tiny committed git + DVC project with a model artifact, shared by the registry tests.

One stage writes ``models/model.skops`` (bytes depend on ``train.seed``) and
``metrics/metrics.json`` (accuracy 0.97, or 0.5 when the seed is 13, for gate tests; a
baseline below both, for the default beats-baseline gate).
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml

from tests.isolation import isolated_git_env

ROOT = Path(__file__).resolve().parents[1]
NAME = "penguins-classifier"
MODEL = "models/model.skops"
STAGE_SCRIPT = """
import json, pathlib, yaml
p = yaml.safe_load(open("params.yaml"))
pathlib.Path("models").mkdir(exist_ok=True)
pathlib.Path("metrics").mkdir(exist_ok=True)
pathlib.Path("models/model.skops").write_bytes(b"model-" + str(p["train"]["seed"]).encode())
acc = 0.97 if p["train"]["seed"] != 13 else 0.5
metrics = {"accuracy": acc, "balanced_accuracy": acc, "log_loss": 0.1}
metrics["baseline"] = {"accuracy": 0.4, "balanced_accuracy": 0.33, "log_loss": 1.1}
json.dump(metrics, open("metrics/metrics.json", "w"))
"""
PIPELINE = {
    "stages": {
        "train": {
            "cmd": "python train.py",
            "deps": ["train.py"],
            "params": ["train.seed"],
            "outs": [MODEL],
            "metrics": [{"metrics/metrics.json": {"cache": False}}],
        }
    },
    "artifacts": {NAME: {"path": MODEL, "type": "model"}},
}


def run(argv: list[str], cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure, an AssertionError with its output."""
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"{argv}: {done.stdout}{done.stderr}")
    return done


@contextmanager
def template_repo(
    factory: pytest.TempPathFactory,
    *,
    extra_env: Mapping[str, str] | None = None,
    unset: Iterable[str] = (),
) -> Iterator[Path]:
    """Build the project once, with an isolated HOME and git identity for as long as it is used."""
    with pytest.MonkeyPatch.context() as mp:
        env = {**isolated_git_env(factory.mktemp("home")), **(extra_env or {})}
        for key, value in env.items():
            mp.setenv(key, value)
        for key in unset:
            mp.delenv(key, raising=False)
        repo = factory.mktemp("template") / "repo"
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


def write_dvc_local_config(repo: Path, sections: Mapping[str, Mapping[str, str]]) -> None:
    """Write ``.dvc/config.local`` as ``dvc config --local`` does, without starting DVC.

    ``sections`` maps a section (``core``, ``'remote "NAME"'``) to its options; values
    must not need quoting (no leading/trailing spaces, no ``#`` or ``=``).
    """
    lines = []
    for section, options in sections.items():
        lines.append(f"[{section}]")
        lines += [f"    {key} = {value}" for key, value in options.items()]
    (repo / ".dvc" / "config.local").write_text("\n".join(lines) + "\n")


def copy_repo(template: Path, tmp_path: Path) -> Path:
    """A private copy of the template, with its own DVC site cache."""
    copy = tmp_path / "repo"
    shutil.copytree(template, copy, symlinks=True)
    write_dvc_local_config(copy, {"core": {"site_cache_dir": str(tmp_path / "site")}})
    return copy


def new_commit(repo: Path, seed: int) -> None:
    """Change ``train.seed``, reproduce, and commit: a new model version to release."""
    params = yaml.safe_load((repo / "params.yaml").read_text())
    params["train"]["seed"] = seed
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    run(["dvc", "repro", "-q"], repo)
    run(["git", "commit", "-q", "-am", f"seed {seed}"], repo)
