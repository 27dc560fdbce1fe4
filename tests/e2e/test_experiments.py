"""A parameter sweep with DVC's own experiments, compared and released with mlvc.

The recipe of docs/experiments.md, run in a temporary git repository built from this
working tree: queue two values of ``train.random_forest.n_estimators``, run the queue,
list both, compare one with ``main`` (``mlvc report --head <experiment>``), apply it,
commit and release it.
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import pytest

from tests.e2e.test_pipeline_e2e import isolated_env, make_repo, sh

pytestmark = pytest.mark.slow

SWEEP = {"trees-5": 5, "trees-9": 9}  # experiment name -> n_estimators (small: fast)
QUEUE_TIMEOUT_S = 600


def _wait_for_queue(repo: Path, env: dict[str, str]) -> None:
    """Poll ``dvc queue status`` until no experiment is queued or running (bounded)."""
    deadline = time.monotonic() + QUEUE_TIMEOUT_S
    while time.monotonic() < deadline:
        status = sh(["dvc", "queue", "status"], repo, env).stdout
        if not any(word in status for word in ("Queued", "Running")):
            return
        time.sleep(2)
    sh(["dvc", "queue", "kill", *SWEEP], repo, env, check=False)
    raise AssertionError(f"the queue did not finish in {QUEUE_TIMEOUT_S} s:\n{status}")


def test_a_queued_sweep_is_compared_applied_and_released(tmp_path: Path) -> None:
    env = isolated_env(tmp_path / "home")
    (tmp_path / "home").mkdir()
    repo = make_repo(tmp_path / "repo", env)
    sh(["dvc", "repro"], repo, env)  # main: the pipeline as committed, reproduced
    sh(["git", "add", "-A"], repo, env)
    sh(["git", "commit", "-q", "--allow-empty", "-m", "reproduce"], repo, env)

    for name, trees in SWEEP.items():
        setting = f"train.random_forest.n_estimators={trees}"
        sh(["dvc", "exp", "run", "--queue", "-n", name, "-S", setting], repo, env)
    try:
        sh(["dvc", "queue", "start", "-j", "1"], repo, env)
        _wait_for_queue(repo, env)
    finally:
        sh(["dvc", "queue", "stop"], repo, env, check=False)

    table = sh(["dvc", "exp", "show", "--csv"], repo, env).stdout
    rows = list(csv.DictReader(io.StringIO(table)))
    done = {r["Experiment"]: r for r in rows if r["Experiment"] in SWEEP}
    assert set(done) == set(SWEEP), table
    for name, trees in SWEEP.items():
        assert done[name]["train.random_forest.n_estimators"] == str(trees)
        assert done[name]["balanced_accuracy"], done[name]
    # the headline metrics lead: no per-slice columns (metrics/slices.json is no metric)
    assert not [c for c in rows[0] if c.startswith(("island.", "sex."))], list(rows[0])

    report = sh(["mlvc", "report", "--base", "main", "--head", "trees-9"], repo, env).stdout
    assert "trees-9" in report and "train.random_forest.n_estimators: 100 -> 9" in report

    sh(["dvc", "exp", "apply", "trees-9"], repo, env)
    sh(["git", "add", "-A"], repo, env)
    sh(["git", "commit", "-q", "-m", "Use 9 trees (experiment trees-9)"], repo, env)
    released = sh(["mlvc", "release"], repo, env).stdout
    assert "released penguins-classifier@v0.0.1" in released, released
    listed = sh(["mlvc", "registry", "-f", "json"], repo, env).stdout
    assert '"v0.0.1"' in listed
