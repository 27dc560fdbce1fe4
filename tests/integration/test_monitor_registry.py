"""``mlvc monitor`` on a released version in a temporary git + DVC project.

One version of a real (small) classifier is released and promoted to prod. Its pipeline
writes the raw data and the train/test split (DVC outputs), so ``monitor`` reads them at
the release tag from the DVC cache. Batches are scored with ``mlvc predict`` (the
prediction log), then monitored.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from cli import api
from cli.app import app
from tests import model_files
from tests.isolation import isolated_git_environment
from tests.registry_repo import copy_repo, run
from tests.test_markdown import assert_tables_render

NAME = "penguins-classifier"
PREPARE_SCRIPT = """
import pathlib, shutil
import pandas as pd
pathlib.Path("data/raw").mkdir(parents=True, exist_ok=True)
pathlib.Path("data/prepared").mkdir(parents=True, exist_ok=True)
shutil.copy("src/penguins.csv", "data/raw/penguins.csv")
frame = pd.read_csv("data/raw/penguins.csv")
test = frame.sample(frac=0.25, random_state=0)
frame.drop(test.index).to_csv("data/prepared/train.csv", index=False)
test.to_csv("data/prepared/test.csv", index=False)
"""
TRAIN_SCRIPT = """
import pathlib, shutil
pathlib.Path("models").mkdir(exist_ok=True)
pathlib.Path("metrics").mkdir(exist_ok=True)
shutil.copy("src/model.skops", "models/model.skops")
shutil.copy("src/model.meta.json", "models/model.meta.json")
shutil.copy("src/metrics.json", "metrics/metrics.json")
"""
PREPARED = ["data/raw/penguins.csv", "data/prepared/train.csv", "data/prepared/test.csv"]
PIPELINE = {
    "stages": {
        "prepare": {"cmd": "python prepare.py", "deps": ["prepare.py", "src/penguins.csv"],
                    "outs": PREPARED},
        "train": {
            "cmd": "python train.py",
            "deps": ["train.py", "src/model.skops", "data/prepared/train.csv"],
            "outs": ["models/model.skops", "models/model.meta.json"],
            "metrics": [{"metrics/metrics.json": {"cache": False}}],
        },
    },
    "artifacts": {NAME: {"path": "models/model.skops", "type": "model"}},
}  # fmt: skip


def build_project(
    repo: Path,
    pipeline: Any,
    meta: dict[str, Any],
    metrics: dict[str, float],
    release: dict[str, Any] | None = None,
) -> Path:
    """A committed project whose pipeline writes the split and this model; v0.0.1 in prod."""
    model_files.project(repo)
    model_files.save(repo / "src", pipeline, meta)
    (repo / "src" / "metrics.json").write_text(json.dumps(metrics))
    model_files.penguins().to_csv(repo / "src" / "penguins.csv", index=False)
    if release is not None:
        params = yaml.safe_load((repo / "params.yaml").read_text())
        params["release"].update(release)
        (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    (repo / "prepare.py").write_text(PREPARE_SCRIPT)
    (repo / "train.py").write_text(TRAIN_SCRIPT)
    (repo / "dvc.yaml").write_text(yaml.safe_dump(PIPELINE, sort_keys=False))
    (repo / ".gitignore").write_text("/monitoring/\n/*.csv\n/*.parquet\n")
    run(["git", "init", "-q", "-b", "main"], repo)
    run(["dvc", "init", "-q"], repo)
    run(["dvc", "config", "core.analytics", "false"], repo)
    run(["dvc", "repro", "-q"], repo)
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-q", "-m", "pipeline"], repo)
    assert api.release(repo=repo).created
    for stage in ("dev", "staging", "prod"):
        assert api.promote(model=NAME, version="v0.0.1", stage=stage, repo=repo).created
    return repo


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A classifier project with v0.0.1 released and promoted to prod."""
    with isolated_git_environment(tmp_path_factory.mktemp("home")):
        frame = model_files.penguins()
        pipeline = model_files.classifier(frame, seed=0)
        meta = model_files.classifier_meta(pipeline, frame)
        metrics = {"accuracy": 0.97, "balanced_accuracy": 0.97, "log_loss": 0.1}
        metrics["baseline"] = {"accuracy": 0.4, "balanced_accuracy": 0.33, "log_loss": 1.1}
        yield build_project(tmp_path_factory.mktemp("template") / "repo", pipeline, meta, metrics)


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> Path:
    return copy_repo(template, tmp_path)


def _batch(shifted: bool = False) -> pd.DataFrame:
    """The 2009 survey with a ``penguin_id`` key; shifted: only its Gentoo rows (Biscoe)."""
    frame = model_files.penguins()
    frame.insert(0, "penguin_id", [f"p{i}" for i in range(len(frame))])
    batch = frame[frame.year == 2009]
    return batch[batch.species == "Gentoo"] if shifted else batch


def _cli(repo: Path, argv: list[str]) -> tuple[int, str]:
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(repo)
        done = CliRunner().invoke(app, argv)
    return done.exit_code, done.output


def _predict(repo: Path, batch: pd.DataFrame) -> None:
    batch.to_csv(repo / "batch.csv", index=False)
    code, output = _cli(repo, ["predict", "--model", f"{NAME}#prod", "batch.csv", "-o", "out.csv"])
    assert code == 0, output


def test_an_unshifted_batch_shows_no_skew(repo: Path) -> None:
    _predict(repo, _batch())
    code, output = _cli(repo, ["monitor", "--model", f"{NAME}#prod"])
    assert code == 0, output
    assert f"{NAME}@v0.0.1 (prod)" in output and "verdict: ok" in output
    assert "model age: ok" in output and "data age: ok" in output
    assert "non-finite outputs: none" in output


def test_a_shifted_batch_is_skew_naming_its_columns(repo: Path) -> None:
    _predict(repo, _batch(shifted=True))
    code, output = _cli(repo, ["monitor", "--model", f"{NAME}#prod", "--format", "json"])
    assert code == 1, output
    report = json.loads(output)
    skewed = {c["column"] for c in report["skew"]["columns"] if c["drifted"]}
    assert {"island", "flipper_length_mm", "body_mass_g"} <= skewed
    assert report["ok"] is False and report["skew"]["dataset_drift"] is True
    assert report["predictions"]["columns"][0]["drifted"] is True  # Gentoo only
    code, text = _cli(repo, ["monitor", "--model", f"{NAME}#prod"])
    assert code == 1 and "training/serving skew in " in text and "flipper_length_mm" in text


def test_labels_joined_by_id_gate_the_live_metrics(repo: Path) -> None:
    batch = _batch()
    _predict(repo, batch)
    labels = batch[["penguin_id", "species"]]
    labels.to_csv(repo / "labels.csv", index=False)
    code, output = _cli(
        repo, ["monitor", "-m", f"{NAME}#prod", "--labels", "labels.csv", "--id", "penguin_id"]
    )
    assert code == 0, output
    assert f"live metrics ({len(batch)} logged rows labelled" in output
    # wrong labels (each species shifted by one): balanced accuracy falls below its gate
    cycle = {"Adelie": "Chinstrap", "Chinstrap": "Gentoo", "Gentoo": "Adelie"}
    labels.assign(species=labels.species.map(cycle)).to_csv(repo / "labels.csv", index=False)
    code, output = _cli(
        repo, ["monitor", "-m", f"{NAME}#prod", "--labels", "labels.csv", "--id", "penguin_id"]
    )
    assert code == 1, output
    assert "FAIL metric balanced_accuracy threshold" in output
    code, text = _cli(
        repo,
        [
            "monitor",
            "-m",
            f"{NAME}#prod",
            "--labels",
            "labels.csv",
            "--id",
            "penguin_id",
            "-f",
            "md",
        ],
    )
    assert code == 1 and assert_tables_render(text) == 3  # skew, ages, live metrics
    assert "**FAIL** metric balanced_accuracy threshold" in text


def test_no_log_cannot_run_and_names_predict_and_serve(repo: Path) -> None:
    code, output = _cli(repo, ["monitor", "--model", f"{NAME}#prod"])
    assert code == 2, output
    assert "monitoring/penguins-classifier: the prediction log holds no row scored by" in output
    assert f"mlvc predict --model {NAME}@v0.0.1 FILE" in output and "mlvc serve" in output


def test_staleness_past_its_threshold_is_a_finding(repo: Path) -> None:
    _predict(repo, _batch())
    params = yaml.safe_load((repo / "params.yaml").read_text())
    params["monitoring"]["max_model_age_days"] = 0.000001  # any model is older than that
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    code, output = _cli(repo, ["monitor", "--model", f"{NAME}#prod"])
    assert code == 1, output
    assert "model age: STALE" in output and "the model is stale" in output


def test_the_work_tree_is_untouched(repo: Path) -> None:
    _predict(repo, _batch())
    shutil.rmtree(repo / "data" / "prepared")
    report = api.monitor(model=f"{NAME}@v0.0.1", repo=repo)
    assert report.skew.reference_rows > 0 and report.version == "v0.0.1"
    assert not (repo / "data" / "prepared").exists()


def test_non_finite_logged_probabilities_are_a_finding(repo: Path) -> None:
    from cli.adapters.prediction_log import LogSettings, PredictionLog

    batch = _batch().reset_index(drop=True)
    model = api.resolve_model(f"{NAME}#prod", repo=repo)
    outputs = model.pipeline.predict_proba(batch[model_files.FEATURES])
    scores = pd.DataFrame(outputs, columns=[f"proba_{c}" for c in model.classes])
    scores.insert(0, "prediction", model.pipeline.predict(batch[model_files.FEATURES]))
    scores.loc[[3, 7], "proba_Gentoo"] = float("nan")
    with PredictionLog(LogSettings(), repo) as log:
        log.append(batch, scores, model=NAME, version="v0.0.1")
    report = api.monitor(model=f"{NAME}#prod", repo=repo)
    assert [(n.column, n.count, n.rows) for n in report.non_finite] == [("proba_Gentoo", 2, (4, 8))]
    assert not report.ok and "non-finite values in proba_Gentoo (2 rows)" in report.findings
    code, output = _cli(repo, ["monitor", "--model", f"{NAME}#prod"])
    assert code == 1 and "non-finite: proba_Gentoo in 2 rows (first: 4, 8)" in output


def test_a_bad_since_and_a_model_file_cannot_run(repo: Path) -> None:
    code, output = _cli(repo, ["monitor", "--model", f"{NAME}#prod", "--since", "last week"])
    assert code == 2 and "--since 'last week': not a date" in output
    code, output = _cli(repo, ["monitor", "--model", "models/model.skops"])
    assert code == 2 and "a model file has no release commit" in output
    code, output = _cli(repo, ["monitor", "--model", f"{NAME}#prod", "--labels", "x.csv"])
    assert code == 2 and "--labels needs --id" in output
    code, output = _cli(repo, ["monitor", "--model", f"{NAME}#prod", "--id", "penguin_id"])
    assert code == 2 and "--id needs --labels" in output


def test_since_keeps_the_rows_logged_from_that_day_on(repo: Path) -> None:
    _predict(repo, _batch())
    report = api.monitor(model=f"{NAME}#prod", since="2000-01-01", repo=repo)
    assert report.logged_rows == len(_batch()) and report.since == "2000-01-01"
    code, output = _cli(repo, ["monitor", "--model", f"{NAME}#prod", "--since", "2999-01-01"])
    assert (
        code == 2 and "holds no row scored by penguins-classifier@v0.0.1 since 2999-01-01" in output
    )


def test_the_ct_check_monitors_prod_when_a_log_exists_else_compares_the_data(repo: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    make = ["make", "-s", "-f", str(root / "Makefile"), f"VENV={root / '.venv'}", "ct-check"]
    without = run(make, repo, check=False)
    assert "no prediction log of penguins-classifier under monitoring/" in without.stdout
    assert without.returncode == 0 and "verdict: OK (no dataset drift)" in without.stdout
    _predict(repo, _batch())
    done = run(make, repo, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "mlvc monitor --model penguins-classifier#prod" in done.stdout
    assert "verdict: ok" in done.stdout
    # the serving side publishes its log with DVC; CT's checkout has only monitoring.dvc
    run(["dvc", "remote", "add", "-d", "--local", "store", str(repo.parent / "store")], repo)
    run(["dvc", "add", "-q", "monitoring"], repo)
    run(["dvc", "push", "-q"], repo)  # the release's outputs and the log
    shutil.rmtree(repo / "monitoring")
    shutil.rmtree(repo / ".dvc" / "cache")  # a fresh CI checkout: the log is only remote
    pulled = run(make, repo, check=False)
    assert pulled.returncode == 0, pulled.stdout + pulled.stderr
    assert "pulling the prediction log" in pulled.stdout
    assert "mlvc monitor --model penguins-classifier#prod" in pulled.stdout


def test_labels_join_ids_as_text_and_unknown_classes_are_named(repo: Path) -> None:
    batch = _batch().assign(penguin_id=lambda f: range(100, 100 + len(f)))  # integer IDs
    _predict(repo, batch)
    labels = batch[["penguin_id", "species"]].astype({"penguin_id": str})  # text IDs
    labels.to_parquet(repo / "labels.parquet", index=False)
    argv = ["monitor", "-m", f"{NAME}#prod", "--labels", "labels.parquet", "--id", "penguin_id"]
    report = api.monitor(
        model=f"{NAME}#prod", labels=repo / "labels.parquet", id_column="penguin_id", repo=repo
    )
    assert report.live is not None and report.live.matched == len(batch) and report.live.ok
    labels.assign(species="Emperor").to_parquet(repo / "labels.parquet", index=False)
    code, output = _cli(repo, argv)
    assert code == 2
    assert "labels.parquet: column 'species' holds values the model does not know: 'Emperor'" in (
        output
    )
    code, output = _cli(repo, [*argv[:-2], "--id", "tag"])
    assert code == 2 and "labels.parquet: no column 'tag' (the --id column)" in output
    code, output = _cli(repo, [*argv[:-2], "--id", "species"])  # the target: no key
    assert code == 2 and "--id species is the target" in output and "Traceback" not in output
    twice = batch[["penguin_id", "species"]].iloc[[0, 0, 1]]  # one ID labelled twice
    twice.to_parquet(repo / "labels.parquet", index=False)
    code, output = _cli(repo, argv)
    assert code == 2 and "--id penguin_id repeats: 1 value(s) label several rows" in output


REGRESSION_FEATURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm"]


@pytest.fixture(scope="module")
def regression_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A regressor of body mass (gated on rmse) with v0.0.1 released and promoted to prod."""
    with isolated_git_environment(tmp_path_factory.mktemp("home")):
        frame = model_files.penguins()
        pipeline = model_files.regressor(frame)
        meta = {
            "estimator": "random_forest",
            "task": "regression",
            "target": "body_mass_g",
            "classes": [],
            "features": [{"name": n, "dtype": "float64"} for n in REGRESSION_FEATURES],
        }
        metrics = {"rmse": 300.0, "mae": 250.0, "r2": 0.85, "n": 86}
        release = {
            "gates": [{"metric": "rmse", "higher_is_better": False, "threshold": 450}],
            "promotion": {},
        }
        repo = tmp_path_factory.mktemp("regression") / "repo"
        yield build_project(repo, pipeline, meta, metrics, release)


def test_a_regressor_s_live_rmse_is_gated_and_its_predicted_values_compared(
    regression_template: Path, tmp_path: Path
) -> None:
    repo = copy_repo(regression_template, tmp_path)
    batch = _batch()
    _predict(repo, batch)
    labels = batch[["penguin_id", "body_mass_g"]].dropna()
    labels.to_csv(repo / "labels.csv", index=False)
    argv = ["monitor", "-m", f"{NAME}#prod", "--labels", "labels.csv", "--id", "penguin_id"]
    code, output = _cli(repo, [*argv, "--format", "json"])
    assert code == 0, output
    report = json.loads(output)
    assert report["task"] == "regression" and report["non_finite"] == []
    assert report["predictions"]["columns"][0]["kind"] == "numeric"
    assert set(report["live"]["metrics"]) == {"n", "rmse", "mae", "r2"}
    assert report["live"]["metrics"]["rmse"] < 450 and report["live"]["recorded"]["rmse"] == 300
    labels.assign(body_mass_g=labels.body_mass_g + 1500).to_csv(repo / "labels.csv", index=False)
    code, output = _cli(repo, argv)
    assert code == 1 and "FAIL metric rmse threshold" in output


def test_a_feature_left_out_of_the_log_is_named_and_the_others_compared(repo: Path) -> None:
    """monitoring.exclude_columns (privacy) must not stop the monitor: the skew check compares
    the logged features and names the others."""
    params = repo / "params.yaml"
    params.write_text(
        params.read_text().replace("exclude_columns: []", 'exclude_columns: ["island"]')
    )
    _predict(repo, _batch())
    code, output = _cli(repo, ["monitor", "--model", f"{NAME}#prod", "--format", "json"])
    assert code == 0, output
    report = json.loads(output)
    assert report["unlogged"] == ["island"]
    compared = {c["column"] for c in report["skew"]["columns"]}
    assert "island" not in compared and "flipper_length_mm" in compared
    code, text = _cli(repo, ["monitor", "--model", f"{NAME}#prod"])
    assert code == 0 and "island" in text and "not logged (monitoring.exclude_columns)" in text
