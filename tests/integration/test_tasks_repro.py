"""Two tasks through the real ``dvc repro`` (ingest to evaluate) in a temporary repository.

``tests/integration/test_init_e2e.py`` takes every task (binary 0/1 and string labels,
multiclass, regression) from ``mlvc init`` to a release; these two cover what it does
not: rows without a target, punctuated column names and slices, and a ridge regression
with a categorical slice.

Each test writes a table scikit-learn ships to ``data/external/``, points ``params.yaml``
at it (as ``mlvc init`` will), infers the data contract, puts the task's plots into
``dvc.yaml`` with :func:`cli.core.plots.plots_section`, runs ``dvc repro evaluate`` and
checks the metric keys, the baseline, the plot files and that ``dvc plots show`` renders.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from cli import api
from cli.core.plots import plots_section
from tests.e2e.test_pipeline_e2e import isolated_env, make_repo, sh

pytestmark = pytest.mark.slow

CLASSIFICATION_KEYS = {"accuracy", "balanced_accuracy", "f1_macro", "log_loss"}


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return isolated_env(tmp_path_factory.mktemp("home"))


def breast_cancer(labels: str) -> pd.DataFrame:
    """scikit-learn's breast cancer table: 0/1 labels or their names (column names with spaces)."""
    from sklearn.datasets import load_breast_cancer

    bunch = load_breast_cancer(as_frame=True)
    frame = bunch.frame.copy()
    if labels == "names":
        frame["target"] = [str(bunch.target_names[i]) for i in frame["target"]]
    return frame


def diabetes() -> pd.DataFrame:
    from sklearn.datasets import load_diabetes

    return load_diabetes(as_frame=True, scaled=False).frame


def retarget(
    repo: Path,
    frame: pd.DataFrame,
    *,
    name: str,
    task: str,
    estimator: str,
    categorical: list[str],
    slices: list[str],
) -> None:
    """Write ``frame`` to data/external/; point params.yaml, dvc.yaml and the contract at it."""
    source = repo / "data" / "external" / f"{name}.csv"
    frame.to_csv(source, index=False)
    target = "target"
    features = [c for c in frame.columns if c != target]
    params = yaml.safe_load((repo / "params.yaml").read_text())
    params["data"].update(
        {
            "target": target,
            "task": task,
            "numeric_features": [c for c in features if c not in categorical],
            "categorical_features": categorical,
            "datetime_features": [],
        }
    )
    params["ingest"] = {"source": f"data/external/{name}.csv", "years": None}
    params["train"]["estimator"] = estimator
    params["train"]["random_forest"]["n_estimators"] = 20
    params["evaluate"]["slices"] = slices
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    pipeline = yaml.safe_load((repo / "dvc.yaml").read_text())
    pipeline["stages"]["evaluate"]["plots"] = plots_section(task)
    (repo / "dvc.yaml").write_text(yaml.safe_dump(pipeline, sort_keys=False))
    api.infer_schema(data=source, output=repo / "data" / "schema.json")


def reproduce(repo: Path, env: dict[str, str]) -> dict[str, Any]:
    """``dvc repro evaluate``; the metrics, slices, ingest counts and rendered plot names."""
    sh(["dvc", "repro", "evaluate"], repo, env)
    shown = json.loads(sh(["dvc", "plots", "show", "--json"], repo, env).stdout)
    assert not shown.get("errors"), f"dvc plots show: {shown['errors']}"
    for path, entries in shown["data"].items():
        for entry in entries:  # a rendered Vega-Lite plot with the file's rows
            assert entry["type"] == "vega" and entry["content"]["data"]["values"], path
    return {
        "metrics": json.loads((repo / "metrics/metrics.json").read_text()),
        "slices": json.loads((repo / "metrics/slices.json").read_text()),
        "ingest": json.loads((repo / "data/ingest.json").read_text()),
        "validation": json.loads((repo / "data/validation.json").read_text()),
        "meta": json.loads((repo / "models/model.meta.json").read_text()),
        "plots": set(shown["data"]),
    }


def test_binary_with_string_labels_missing_targets_and_punctuated_columns(
    tmp_path: Path, env: dict[str, str]
) -> None:
    repo = make_repo(tmp_path / "repo", env)
    frame = breast_cancer("names").rename(columns={"mean radius": "radius (mean), mm"})
    frame["size-band"] = pd.cut(frame["mean area"], 3, labels=["small.", "mid", "large"]).astype(
        str
    )
    frame.loc[[3, 50, 400], "target"] = None
    retarget(
        repo,
        frame,
        name="cancer_names",
        task="classification",
        estimator="random_forest",
        categorical=["size-band"],
        slices=["size-band"],
    )
    out = reproduce(repo, env)
    assert out["ingest"] == {
        "source": "data/external/cancer_names.csv",
        "rows_read": 569,
        "rows_dropped_missing_target": 3,
        "rows_written": 566,
    }
    assert out["validation"]["ingest"] == out["ingest"]
    metrics = out["metrics"]
    assert set(metrics["per_class"]) == {"benign", "malignant"}
    assert metrics["n"] == 142  # ceil(0.25 * 566) test rows
    assert "roc_auc" in metrics and "roc_auc_ovr" not in metrics
    assert set(out["slices"]["size-band"]) == {"small.", "mid", "large"}
    assert set(metrics["baseline"]) == CLASSIFICATION_KEYS | {"roc_auc"}


def test_regression_diabetes(tmp_path: Path, env: dict[str, str]) -> None:
    repo = make_repo(tmp_path / "repo", env)
    frame = diabetes()
    frame["sex"] = frame["sex"].map({1.0: "one", 2.0: "two"})
    retarget(
        repo,
        frame,
        name="diabetes",
        task="regression",
        estimator="ridge",
        categorical=["sex"],
        slices=["sex"],
    )
    out = reproduce(repo, env)
    metrics = out["metrics"]
    assert set(metrics) == {"n", "rmse", "mae", "r2", "baseline"}
    assert set(metrics["baseline"]) == {"rmse", "mae", "r2"}
    assert metrics["rmse"] < metrics["baseline"]["rmse"] and metrics["r2"] > 0.2
    assert set(out["slices"]["sex"]) == {"one", "two"}
    assert out["meta"]["task"] == "regression" and out["meta"]["classes"] == []
    # only the regression plots are declared and rendered (a classification plot file left
    # in the work tree from the penguins is no output of this pipeline any more)
    assert out["plots"] == {"plots/predictions.csv", "plots/residuals.csv"}
