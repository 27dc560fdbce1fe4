"""``resolve_model`` and ``mlvc predict`` on released versions in a temporary git + DVC project.

Two versions of a real (small) classifier are released; v0.0.1 is promoted to prod and
v0.0.2 is the latest. A local DVC remote holds both, so a model missing from the cache
comes from the remote.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from cli import api
from cli.adapters.files import md5_file
from cli.adapters.prediction_log import read_prediction_log
from cli.app import app
from cli.errors import (
    ModelNotInRegistry,
    ReleaseFileCorrupt,
    StageUnassigned,
    UnknownModelVersion,
)
from tests import model_files
from tests.isolation import isolated_git_environment
from tests.registry_repo import copy_repo, new_commit, run, write_dvc_local_config

NAME = "penguins-classifier"
STAGE_SCRIPT = """
import json, pathlib, shutil, yaml
seed = yaml.safe_load(open("params.yaml"))["train"]["seed"]
pathlib.Path("models").mkdir(exist_ok=True)
pathlib.Path("metrics").mkdir(exist_ok=True)
shutil.copy(f"src/model-{seed}.skops", "models/model.skops")
shutil.copy(f"src/model-{seed}.meta.json", "models/model.meta.json")
metrics = {"accuracy": 0.97, "balanced_accuracy": 0.97, "log_loss": 0.1}
metrics["baseline"] = {"accuracy": 0.4, "balanced_accuracy": 0.33, "log_loss": 1.1}
json.dump(metrics, open("metrics/metrics.json", "w"))
"""
PIPELINE = {
    "stages": {
        "train": {
            "cmd": "python train.py",
            "deps": ["train.py", "src"],
            "params": ["train.seed"],
            "outs": ["models/model.skops", "models/model.meta.json"],
            "metrics": [{"metrics/metrics.json": {"cache": False}}],
        }
    },
    "artifacts": {NAME: {"path": "models/model.skops", "type": "model"}},
}


def released_project(repo: Path) -> Path:
    """The project at ``repo`` with v0.0.1 (seed 0, in prod) and v0.0.2 (seed 1, latest),
    every commit's outputs pushed to the DVC remote beside it."""
    model_files.project(repo)
    frame = model_files.penguins()
    (repo / "src").mkdir()
    for seed in (0, 1):
        pipeline = model_files.classifier(frame, seed=seed)
        model_files.save(repo / "build", pipeline, model_files.classifier_meta(pipeline, frame))
        (repo / "build" / "model.skops").replace(repo / "src" / f"model-{seed}.skops")
        (repo / "build" / "model.meta.json").replace(repo / "src" / f"model-{seed}.meta.json")
    shutil.rmtree(repo / "build")
    (repo / "train.py").write_text(STAGE_SCRIPT)
    (repo / "dvc.yaml").write_text(yaml.safe_dump(PIPELINE, sort_keys=False))
    (repo / ".gitignore").write_text("/monitoring/\n")
    params = yaml.safe_load((repo / "params.yaml").read_text())
    params["train"]["seed"] = 0
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    run(["git", "init", "-q", "-b", "main"], repo)
    run(["dvc", "init", "-q"], repo)
    run(["dvc", "config", "core.analytics", "false"], repo)
    run(["dvc", "remote", "add", "-d", "store", str(repo.parent / "remote")], repo)
    run(["dvc", "repro", "-q"], repo)
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-q", "-m", "pipeline"], repo)
    assert api.release(repo=repo).created
    new_commit(repo, 1)
    assert api.release(repo=repo).created
    for stage in ("dev", "staging", "prod"):
        assert api.promote(model=NAME, version="v0.0.1", stage=stage, repo=repo).created
    run(["dvc", "push", "-q", "--all-commits"], repo)
    return repo


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with isolated_git_environment(tmp_path_factory.mktemp("home")):
        yield released_project(tmp_path_factory.mktemp("template") / "repo")


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> Path:
    copy = copy_repo(template, tmp_path)
    # the copy keeps the template's remote (read only here)
    write_dvc_local_config(copy, {"core": {"site_cache_dir": str(tmp_path / "site")}})
    return copy


def test_a_version_resolves_to_its_commit_model_contract_and_metrics(template: Path) -> None:
    before = md5_file(template / "models" / "model.skops")
    model = api.resolve_model(f"{NAME}@v0.0.1", repo=template)
    assert (model.name, model.version, model.stage) == (NAME, "v0.0.1", "prod")
    tagged = run(["git", "rev-list", "-n1", f"{NAME}@v0.0.1"], template).stdout.strip()
    assert model.commit == tagged
    assert model.model_md5 == md5_file(template / "src" / "model-0.skops")
    assert model.target == "species" and model.features == tuple(model_files.FEATURES)
    assert model.classes == ("Adelie", "Chinstrap", "Gentoo") and model.task == "classification"
    assert model.schema["title"].startswith("One row of the Palmer penguins")
    assert model.metrics["accuracy"] == 0.97
    assert model.trained_at is not None and model.trained_at[:2] == "20"
    frame = model_files.penguins().head(3)[model_files.FEATURES]
    assert len(model.pipeline.predict(frame)) == 3
    # the work tree (which holds v0.0.2) is untouched
    assert md5_file(template / "models" / "model.skops") == before
    assert run(["git", "status", "--porcelain"], template).stdout == ""


def test_a_stage_and_latest_resolve_to_the_versions_they_hold(template: Path) -> None:
    assert api.resolve_model(f"{NAME}#prod", repo=template).version == "v0.0.1"
    latest = api.resolve_model(f"{NAME}@latest", repo=template)
    assert latest.version == "v0.0.2"
    assert latest.model_md5 == md5_file(template / "src" / "model-1.skops")


def test_unknown_versions_names_and_empty_stages_are_named(template: Path) -> None:
    with pytest.raises(UnknownModelVersion, match=r"versions: v0\.0\.1, v0\.0\.2"):
        api.resolve_model(f"{NAME}@v9.9.9", repo=template)
    with pytest.raises(ModelNotInRegistry, match=f"models with tags: {NAME}"):
        api.resolve_model("other-model@latest", repo=template)
    with pytest.raises(StageUnassigned):
        api.resolve_model(f"{NAME}#dev", repo=_unassigned(template))


def _unassigned(template: Path) -> Path:
    """The template's tags minus the dev assignment: a stage that holds no version."""
    copy = template.parent / "unassigned"
    if not copy.exists():
        shutil.copytree(template, copy, symlinks=True)
        run(["git", "tag", "-d", f"{NAME}#dev#1"], copy)
    return copy


def test_a_model_missing_from_the_cache_comes_from_the_remote(repo: Path) -> None:
    shutil.rmtree(repo / ".dvc" / "cache")
    model = api.resolve_model(f"{NAME}@v0.0.1", repo=repo)
    assert model.model_md5 == md5_file(repo / "src" / "model-0.skops")


def test_predict_scores_the_2009_batch_with_the_prod_version(repo: Path) -> None:
    frame = model_files.penguins()
    batch = frame[frame.year == 2009]
    batch.to_csv(repo / "penguins_2009.csv", index=False)
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(repo)
        done = runner.invoke(
            app, ["predict", "--model", f"{NAME}#prod", "penguins_2009.csv", "-o", "out.csv"]
        )
        unknown = runner.invoke(app, ["predict", "-m", f"{NAME}@v9.9.9", "penguins_2009.csv"])
    assert done.exit_code == 0, done.output
    out = pd.read_csv(repo / "out.csv")
    assert len(out) == len(batch) and set(out["model_version"]) == {"v0.0.1"}
    assert (out["prediction"] == batch["species"].to_numpy()).mean() > 0.9
    logged = read_prediction_log(repo, NAME)
    assert len(logged) == len(batch) and set(logged["model_version"]) == {"v0.0.1"}
    assert unknown.exit_code == 2
    assert "is not a registered version; versions: v0.0.1, v0.0.2" in unknown.output
    assert len(unknown.output.strip().splitlines()) == 1


def test_a_model_whose_bytes_differ_everywhere_is_refused_naming_the_md5(repo: Path) -> None:
    """Cache and remote both hold other bytes for the release's model: one line, exit 2."""
    expected = md5_file(repo / "src" / "model-0.skops")
    for store in (repo / ".dvc" / "cache", repo.parent / "remote"):
        for path in store.rglob("*"):
            if path.is_file() and expected[2:] in path.name:
                path.chmod(0o644)
                path.write_bytes(b"not the model")
    with pytest.raises(ReleaseFileCorrupt, match=f"does not match dvc.lock's {expected}"):
        api.resolve_model(f"{NAME}@v0.0.1", repo=repo)
