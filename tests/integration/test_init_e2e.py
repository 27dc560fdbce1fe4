"""``mlvc init`` end to end, per task, in a temporary git repository built from this tree.

write a table -> ``mlvc init`` -> ``dvc repro`` -> ``mlvc params check`` -> ``mlvc card check``
-> fill the TODOs -> ``dvc repro`` -> commit -> ``mlvc release``; then no output under
``models/``, ``metrics/`` or ``data/`` mentions penguins.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.isolation import isolated_git_env
from tests.registry_repo import write_dvc_local_config

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def sh(argv: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)


def ok(argv: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = sh(argv, cwd, env)
    assert done.returncode == 0, f"{argv} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return {
        **os.environ,
        **isolated_git_env(home),
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
    }


@pytest.fixture
def repo(tmp_path: Path, env: dict[str, str]) -> Path:
    """This working tree's tracked and new files, committed in a fresh repository."""
    dest = tmp_path / "repo"
    listing = ok(["git", "ls-files", "-co", "--exclude-standard"], ROOT, env)
    for name in listing.splitlines():
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    ok(["git", "init", "-q", "-b", "main"], dest, env)
    ok(["git", "add", "-A"], dest, env)
    ok(["git", "commit", "-q", "-m", "snapshot"], dest, env)
    write_dvc_local_config(dest, {"core": {"site_cache_dir": str(tmp_path / "site-cache")}})
    return dest


def breast_cancer() -> pd.DataFrame:
    from sklearn.datasets import load_breast_cancer

    return load_breast_cancer(as_frame=True).frame


def breast_cancer_labels() -> pd.DataFrame:
    frame = breast_cancer()
    frame["diagnosis"] = frame.pop("target").map({0: "malignant", 1: "benign"})
    return frame


def wine() -> pd.DataFrame:
    from sklearn.datasets import load_wine

    return load_wine(as_frame=True).frame


def diabetes() -> pd.DataFrame:
    from sklearn.datasets import load_diabetes

    return load_diabetes(as_frame=True).frame


def fill_todos(card: Path) -> None:
    """What a person does: replace every TODO marker with a sentence."""
    card.write_text(card.read_text().replace("TODO: ", "Reviewed: "))


def mentions_penguins(repo: Path) -> list[str]:
    """Files under models/, metrics/, data/ (not the user's data/external/) naming penguins."""
    found = []
    for folder in ("models", "metrics", "data"):
        for path in (repo / folder).rglob("*"):
            skipped = path.name == ".gitignore" or "external" in path.relative_to(repo).parts
            if path.is_file() and not skipped and b"penguin" in path.read_bytes().lower():
                found.append(path.relative_to(repo).as_posix())
    return found


HEADLINE = {
    "binary": {"accuracy", "balanced_accuracy", "f1_macro", "log_loss", "roc_auc"},
    "multiclass": {"accuracy", "balanced_accuracy", "f1_macro", "log_loss", "roc_auc_ovr"},
    "regression": {"rmse", "mae", "r2"},
}
PLOTS = {
    "binary": {"plots/confusion.csv", "plots/roc", "plots/pr"},
    "multiclass": {"plots/confusion.csv", "plots/roc", "plots/pr"},
    "regression": {"plots/predictions.csv", "plots/residuals.csv"},
}


def assert_task_outputs(case: str, repo: Path) -> None:
    """The task's metric names, a baseline the model beats, and its plots (and no others)."""
    kind = (
        "regression" if case == "regression" else "multiclass" if case == "multiclass" else "binary"
    )
    metrics = json.loads((repo / "metrics/metrics.json").read_text())
    assert set(metrics["baseline"]) == HEADLINE[kind]
    assert HEADLINE[kind] <= set(metrics) and not (
        set(metrics) - HEADLINE[kind] - {"n", "per_class", "baseline"}
    )
    main = "r2" if kind == "regression" else "balanced_accuracy"
    assert metrics[main] > metrics["baseline"][main]
    declared = yaml.safe_load((repo / "dvc.yaml").read_text())["stages"]["evaluate"]["plots"]
    assert {path for plot in declared for path in plot} == PLOTS[kind]
    assert all((repo / path).exists() for path in PLOTS[kind])
    if case == "binary-01":  # 0/1 labels round-trip as the classes "0" and "1"
        assert set(metrics["per_class"]) == {"0", "1"}
        assert {p.name for p in (repo / "plots/roc").iterdir()} == {"0.csv", "1.csv"}


CASES: dict[str, tuple[Callable[[], pd.DataFrame], str, str, str]] = {
    # id: (table, file name, target, expected task)
    "binary-01": (breast_cancer, "breast_cancer.csv", "target", "classification"),
    "binary-strings": (breast_cancer_labels, "diagnosis.csv", "diagnosis", "classification"),
    "multiclass": (wine, "wine.csv", "target", "classification"),
    "regression": (diabetes, "diabetes.csv", "target", "regression"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_init_then_the_whole_workflow(case: str, repo: Path, env: dict[str, str]) -> None:
    table, file_name, target, task = CASES[case]
    data = repo / "data/external" / file_name
    table().to_csv(data, index=False)
    dataset = file_name.removesuffix(".csv")
    printed = ok(["mlvc", "init", "--data", str(data), "--target", target], repo, env)
    assert f"task: {task}" in printed and "dvc repro" in printed

    ok(["dvc", "repro"], repo, env)
    assert (repo / f"data/raw/{dataset}.csv").is_file()
    assert not (repo / "data/raw/penguins.csv").exists()
    assert_task_outputs(case, repo)
    ok(["mlvc", "params", "check"], repo, env)
    card = sh(["mlvc", "card", "check"], repo, env)
    assert card.returncode == 1, card.stdout + card.stderr  # a template card is a finding
    todos = [line for line in card.stdout.splitlines() if "TODO" in line]
    assert len(todos) >= 5, card.stdout  # owners, uses, out of scope, ethics, caveats
    refused = sh(["mlvc", "release", "--dry-run"], repo, env)
    assert refused.returncode == 1 and "TODO" in refused.stdout + refused.stderr

    fill_todos(repo / "models/card.yaml")
    ok(["dvc", "repro"], repo, env)
    ok(["git", "add", "-A"], repo, env)
    ok(["git", "commit", "-q", "-m", f"Adopt the {dataset} data"], repo, env)
    model = yaml.safe_load((repo / "dvc.yaml").read_text())["artifacts"]
    suffix = "classifier" if task == "classification" else "regressor"
    assert list(model) == [f"{dataset.replace('_', '-')}-{suffix}"]
    released = ok(["mlvc", "release"], repo, env)
    assert next(iter(model)) in released
    assert mentions_penguins(repo) == []


def test_dates_ids_and_missing_targets_reproduce_without_an_edit(
    repo: Path, env: dict[str, str]
) -> None:
    rows = 120
    frame = pd.DataFrame(
        {
            "order id": [f"ORD-{i:05d}" for i in range(rows)],
            "ordered on": [f"2024-{(i % 12) + 1:02d}-{(i % 28) + 1:02d}" for i in range(rows)],
            "region": ["north", "south", "east"] * (rows // 3),
            "basket": [float(i % 17) * 3.5 + 1 for i in range(rows)],
            "returned": [
                None if i % 15 == 0 else ("yes" if (i % 17) > 8 else "no") for i in range(rows)
            ],
        }
    )
    source = repo.parent / "orders.csv"  # outside the repository: init copies it in
    frame.to_csv(source, index=False)
    printed = ok(["mlvc", "init", "--data", str(source), "--target", "returned"], repo, env)
    assert "order id" in printed and "ID-like" in printed and "datetime" in printed
    assert (repo / "data/external/orders.csv").is_file()
    ok(["dvc", "repro"], repo, env)
    ok(["mlvc", "params", "check"], repo, env)
    params = yaml.safe_load((repo / "params.yaml").read_text())
    assert params["data"]["datetime_features"] == ["ordered on"]
    assert params["evaluate"]["slices"] == ["region"]
