"""Every task through the stages on small frames: binary, multiclass and regression targets,
label round-trips, calendar parts inside the model, the baseline, missing targets, JSON
Lines sources and column names with spaces or punctuation."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge

from cli import api
from cli.adapters.model_store import TRUSTED_TYPES, load_model, save_model, untrusted_types
from cli.core.metrics import (
    baseline_metrics,
    classification_metrics,
    regression_metrics,
    regression_slice_metrics,
)
from cli.core.modeling import build_pipeline, label_strings, make_estimator
from cli.core.plots import plots_section
from cli.errors import EstimatorTaskMismatch, ParamsInvalid, TargetNotNumeric, TooFewRows
from cli.params import Params, params_from_dict
from stages import evaluate, ingest, split, train, validate

RF = {"n_estimators": 5, "max_depth": None, "min_samples_leaf": 1}


# --- core: estimators -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "estimator", "kind"),
    [
        ("classification", "logistic_regression", LogisticRegression),
        ("classification", "random_forest", RandomForestClassifier),
        ("regression", "ridge", Ridge),
        ("regression", "random_forest", RandomForestRegressor),
    ],
)
def test_estimator_per_task(task: str, estimator: str, kind: type) -> None:
    hyper = {**RF, "C": 1.0, "max_iter": 100, "alpha": 2.0}
    model = make_estimator(task, estimator, hyper, 7)
    assert type(model) is kind
    if hasattr(model, "n_jobs"):
        assert model.n_jobs in (None, 1) and model.random_state == 7  # None: one process


@pytest.mark.parametrize(
    ("task", "estimator"), [("classification", "ridge"), ("regression", "logistic_regression")]
)
def test_estimator_that_does_not_fit_the_task_is_named(task: str, estimator: str) -> None:
    with pytest.raises(EstimatorTaskMismatch, match=f"train.estimator '{estimator}'.*'{task}'"):
        build_pipeline(
            numeric=["x"],
            categorical=[],
            estimator=estimator,
            hyperparameters={"alpha": 1.0, "C": 1.0, "max_iter": 10},
            seed=0,
            task=task,
        )


def test_params_refuse_an_unknown_task(params_doc: dict[str, Any]) -> None:
    params_doc["data"]["task"] = "ranking"
    with pytest.raises(ParamsInvalid, match=r'data\.task: got "ranking"; allowed: one of "classif'):
        params_from_dict(params_doc)


def test_datetime_features_default_to_none_and_ridge_is_an_estimator(
    params_doc: dict[str, Any],
) -> None:
    del params_doc["data"]["datetime_features"]
    params_doc["train"]["estimator"] = "ridge"
    params_doc["train"]["ridge"]["alpha"] = 0.5
    params = params_from_dict(params_doc)
    assert params.data.datetime_features == ()
    assert params.train.ridge.alpha == 0.5


# --- core: labels -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([0, 1, 1], ["0", "1", "1"]),
        ([0.0, 1.0], ["0", "1"]),
        (np.array([1, 0]), ["1", "0"]),
        ([True, False], ["True", "False"]),
        (np.array([True, False]), ["True", "False"]),
        (["yes", "no"], ["yes", "no"]),
    ],
)
def test_labels_are_the_same_strings_however_they_were_typed(
    values: Any, expected: list[str]
) -> None:
    assert label_strings(values) == expected


# --- core: metrics ----------------------------------------------------------------------


def test_binary_metrics_use_roc_auc_of_the_second_class() -> None:
    truth = ["0", "1", "1", "0", "1"]
    p1 = np.array([0.2, 0.7, 0.4, 0.6, 0.9])
    proba = np.column_stack([1 - p1, p1])
    result = classification_metrics(truth, proba, ["0", "1"])
    assert "roc_auc_ovr" not in result
    expected = skm.roc_auc_score([t == "1" for t in truth], p1)
    assert result["roc_auc"] == pytest.approx(expected, abs=1e-6)
    assert result["log_loss"] == pytest.approx(skm.log_loss(truth, proba), abs=1e-6)
    predicted = ["0", "1", "0", "1", "1"]
    assert result["f1_macro"] == pytest.approx(
        skm.f1_score(truth, predicted, average="macro"), abs=1e-6
    )


def test_multiclass_metrics_keep_roc_auc_ovr() -> None:
    truth = ["a", "b", "c", "a"]
    proba = np.array([[0.6, 0.2, 0.2], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.2, 0.5, 0.3]])
    result = classification_metrics(truth, proba, ["a", "b", "c"])
    assert "roc_auc" not in result
    expected = skm.roc_auc_score(truth, proba, multi_class="ovr", labels=["a", "b", "c"])
    assert result["roc_auc_ovr"] == pytest.approx(expected, abs=1e-6)


def test_regression_metrics_match_scikit_learn() -> None:
    truth, predicted = [3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0]
    result = regression_metrics(truth, predicted)
    assert result["n"] == 4
    assert result["rmse"] == pytest.approx(
        np.sqrt(skm.mean_squared_error(truth, predicted)), abs=1e-6
    )
    assert result["mae"] == pytest.approx(skm.mean_absolute_error(truth, predicted), abs=1e-6)
    assert result["r2"] == pytest.approx(skm.r2_score(truth, predicted), abs=1e-6)


def test_regression_slices_score_rmse_and_mae_per_value() -> None:
    frame = pd.DataFrame({"x-y": ["u", "u", "v", None]})
    result = regression_slice_metrics(frame, [1.0, 2.0, 3.0, 4.0], [1.0, 4.0, 3.0, 5.0], ["x-y"], 2)
    assert result["x-y"]["u"] == {
        "n": 2,
        "rmse": pytest.approx(np.sqrt(2)),
        "mae": 1.0,
        "small": False,
    }
    assert result["x-y"]["v"]["small"] is True
    assert result["x-y"]["(missing)"]["mae"] == 1.0


def test_classification_baseline_is_the_prior_dummy() -> None:
    train_y = ["a", "a", "a", "b"]
    test_y = ["a", "b", "b"]
    result = baseline_metrics("classification", train_y, test_y, ["a", "b"])
    dummy = DummyClassifier(strategy="prior").fit(np.zeros((4, 1)), train_y)
    proba = dummy.predict_proba(np.zeros((3, 1)))
    assert set(result) == {"accuracy", "balanced_accuracy", "f1_macro", "log_loss", "roc_auc"}
    assert result["accuracy"] == pytest.approx(1 / 3, abs=1e-6)
    assert result["log_loss"] == pytest.approx(
        skm.log_loss(test_y, proba, labels=["a", "b"]), abs=1e-6
    )


def test_regression_baseline_is_the_mean_dummy() -> None:
    train_y, test_y = [1.0, 2.0, 3.0], [2.0, 4.0]
    result = baseline_metrics("regression", train_y, test_y)
    predicted = DummyRegressor(strategy="mean").fit(np.zeros((3, 1)), train_y).predict([[0], [0]])
    assert set(result) == {"rmse", "mae", "r2"}
    assert result["mae"] == pytest.approx(skm.mean_absolute_error(test_y, predicted))


def test_plots_section_per_task() -> None:
    assert [next(iter(e)) for e in plots_section("classification")] == [
        "plots/confusion.csv",
        "plots/roc",
        "plots/pr",
    ]
    regression = plots_section("regression")
    assert [next(iter(e)) for e in regression] == ["plots/predictions.csv", "plots/residuals.csv"]
    assert regression[1]["plots/residuals.csv"]["y"] == "residual"


# --- core: calendar parts inside the model ----------------------------------------------


def dated_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "day": ["2021-01-04", "2021-06-15", "2022-03-01", None, "2023-12-31", "2021-02-28"],
            "at": [
                "2021-01-04T08:30:00",
                "2021-06-15T17:00:00",
                "2022-03-01T00:00:00",
                "2022-03-02T23:15:00",
                "not a date",
                "2021-02-28T12:00:00",
            ],
            "size": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        }
    )


def test_calendar_parts_expand_dates_and_datetimes(tmp_path: Path) -> None:
    frame = dated_frame()
    pipeline = build_pipeline(
        numeric=["size"],
        categorical=[],
        datetime=["day", "at"],
        estimator="ridge",
        hyperparameters={"alpha": 1.0},
        seed=0,
        task="regression",
    )
    pipeline.fit(frame, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    calendar = pipeline.named_steps["preprocess"].named_transformers_["datetime"]["calendar"]
    parts = calendar.transform(frame[["day", "at"]])
    # day: year, month, day, day of week; at (has times of day): the same plus hour
    assert parts.shape == (6, 9)
    assert parts[0].tolist() == [2021, 1, 4, 0, 2021, 1, 4, 0, 8]
    assert np.isnan(parts[3, :4]).all() and np.isnan(parts[4, 4:]).all()
    assert list(calendar.get_feature_names_out())[-1] == "at_hour"
    # skops saves and loads it with the trusted list; the model predicts from raw columns
    model = tmp_path / "m.skops"
    save_model(pipeline, model)
    assert untrusted_types(model) == []
    assert "cli.core.calendar.CalendarParts" in TRUSTED_TYPES
    loaded = load_model(model)
    assert np.allclose(loaded.predict(frame), pipeline.predict(frame))


# --- stages: every task ------------------------------------------------------------------


def params_for(params_doc: dict[str, Any], **data: Any) -> Params:
    doc = copy.deepcopy(params_doc)
    doc["data"].update(data)
    doc["ingest"]["years"] = None
    doc["train"]["random_forest"]["n_estimators"] = 5
    doc["evaluate"]["min_slice_size"] = 2
    doc["split"]["test_size"] = 0.4
    if doc["data"]["task"] == "regression":
        doc["train"]["estimator"] = "ridge"
    return params_from_dict(doc)


def run_stages(params: Params, source: Path, out: Path) -> dict[str, Any]:
    """ingest, validate (schema inferred from the raw data), split, train, evaluate."""
    raw, report = out / "raw.csv", out / "ingest.json"
    ingest.run(params, source=source, output=raw, report=report)
    api.infer_schema(data=raw, output=out / "schema.json")
    validate.run(
        data=raw, schema=out / "schema.json", report=out / "validation.json", ingest=report
    )
    split.run(params, raw=raw, train=out / "train.csv", test=out / "test.csv")
    train.run(params, train_data=out / "train.csv", model=out / "m.skops", meta=out / "m.json")
    plots = evaluate.Plots(
        confusion=out / "plots/confusion.csv",
        roc=out / "plots/roc",
        pr=out / "plots/pr",
        predictions=out / "plots/predictions.csv",
        residuals=out / "plots/residuals.csv",
    )
    evaluate.run(
        params,
        model=out / "m.skops",
        test_data=out / "test.csv",
        train_data=out / "train.csv",
        metrics=out / "metrics.json",
        slices=out / "slices.json",
        plots=plots,
    )
    return {
        name: json.loads((out / f"{name}.json").read_text())
        for name in ("metrics", "slices", "m", "ingest", "validation")
    }


def binary_frame(labels: list[Any]) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 24
    target = [labels[i % 2] for i in range(n)]
    return pd.DataFrame(
        {
            "body mass (g)": rng.normal(size=n) + [i % 2 for i in range(n)],
            "a.b": rng.normal(size=n),
            "x-y": ["p" if i % 3 else "q" for i in range(n)],
            "label": target,
        }
    )


@pytest.mark.parametrize(
    ("labels", "expected"),
    [([0, 1], ["0", "1"]), ([False, True], ["False", "True"]), (["no", "yes"], ["no", "yes"])],
)
def test_binary_labels_round_trip_through_every_stage(
    params_doc: dict[str, Any], tmp_path: Path, labels: list[Any], expected: list[str]
) -> None:
    source = tmp_path / "external" / "binary.csv"
    source.parent.mkdir()
    binary_frame(labels).to_csv(source, index=False)
    doc = copy.deepcopy(params_doc)
    doc["evaluate"]["slices"] = ["x-y"]
    params = params_for(
        doc,
        target="label",
        task="classification",
        numeric_features=["body mass (g)", "a.b"],
        categorical_features=["x-y"],
    )
    out = run_stages(params, source, tmp_path / "out")
    assert out["m"]["classes"] == expected and out["m"]["task"] == "classification"
    metrics = out["metrics"]
    assert {"accuracy", "balanced_accuracy", "f1_macro", "log_loss", "roc_auc"} <= set(metrics)
    assert "roc_auc_ovr" not in metrics
    assert set(metrics["per_class"]) == set(expected)
    assert set(metrics["baseline"]) == {
        "accuracy",
        "balanced_accuracy",
        "f1_macro",
        "log_loss",
        "roc_auc",
    }
    assert set(out["slices"]["x-y"]) == {"p", "q"}
    confusion = pd.read_csv(tmp_path / "out/plots/confusion.csv", dtype=str)
    assert set(confusion["actual"]) <= set(expected)
    assert set(confusion["predicted"]) <= set(expected)
    assert sorted(p.name for p in (tmp_path / "out/plots/roc").iterdir()) == [
        f"{c}.csv" for c in expected
    ]


def test_regression_through_every_stage_with_dates(
    params_doc: dict[str, Any], tmp_path: Path
) -> None:
    rng = np.random.default_rng(1)
    n = 30
    frame = pd.DataFrame(
        {
            "area (m²)": rng.uniform(20, 200, size=n),
            "kind": ["flat" if i % 2 else "house" for i in range(n)],
            "sold on": pd.date_range("2020-01-01", periods=n, freq="17D").strftime("%Y-%m-%d"),
        }
    )
    frame["price"] = frame["area (m²)"] * 3 + rng.normal(size=n)
    source = tmp_path / "external" / "homes.jsonl"
    source.parent.mkdir()
    source.write_text(
        "".join(json.dumps(row) + "\n" for row in frame.to_dict(orient="records")),
        encoding="utf-8",
    )
    doc = copy.deepcopy(params_doc)
    doc["evaluate"]["slices"] = ["kind"]
    params = params_for(
        doc,
        target="price",
        task="regression",
        numeric_features=["area (m²)"],
        categorical_features=["kind"],
        datetime_features=["sold on"],
    )
    out = run_stages(params, source, tmp_path / "out")
    assert set(out["metrics"]) == {"n", "rmse", "mae", "r2", "baseline"}
    assert set(out["metrics"]["baseline"]) == {"rmse", "mae", "r2"}
    assert out["metrics"]["rmse"] < out["metrics"]["baseline"]["rmse"]
    assert set(out["slices"]["kind"]["flat"]) == {"n", "rmse", "mae", "small"}
    assert out["m"]["classes"] == [] and out["m"]["task"] == "regression"
    plots = tmp_path / "out/plots"
    assert sorted(p.name for p in plots.iterdir()) == ["predictions.csv", "residuals.csv"]
    assert pd.read_csv(plots / "predictions.csv").columns.tolist() == ["actual", "predicted"]
    residuals = pd.read_csv(plots / "residuals.csv")
    assert residuals.columns.tolist() == ["predicted", "residual"]
    assert len(residuals) == out["metrics"]["n"]


def test_rows_without_a_target_are_dropped_counted_and_reported(
    params_doc: dict[str, Any], tmp_path: Path
) -> None:
    frame = pd.DataFrame(
        {
            "f": [float(i) for i in range(12)],
            "y": ["a", "b", None, "a", "b", "a", None, "b", "a", "b", "a", "b"],
        }
    )
    source = tmp_path / "external" / "gaps.csv"
    source.parent.mkdir()
    frame.to_csv(source, index=False)
    doc = copy.deepcopy(params_doc)
    doc["evaluate"]["slices"] = []
    params = params_for(
        doc, target="y", task="classification", numeric_features=["f"], categorical_features=[]
    )
    out = run_stages(params, source, tmp_path / "out")
    expected = {
        "source": "palmerpenguins",
        "rows_read": 12,
        "rows_dropped_missing_target": 2,
        "rows_written": 10,
    }
    assert out["ingest"] == expected
    assert out["validation"]["ingest"] == expected
    assert len(pd.read_csv(tmp_path / "out/raw.csv")) == 10


def test_a_table_of_only_unlabelled_rows_is_a_named_error(
    params_doc: dict[str, Any], tmp_path: Path
) -> None:
    source = tmp_path / "empty_target.csv"
    pd.DataFrame({"f": [1.0, 2.0], "y": [None, None]}).to_csv(source, index=False)
    params = params_for(
        params_doc,
        target="y",
        task="classification",
        numeric_features=["f"],
        categorical_features=[],
    )
    with pytest.raises(TooFewRows, match=r"column 'y': all 2 rows lack a value"):
        ingest.run(params, source=source, output=tmp_path / "raw.csv", report=tmp_path / "i.json")


def test_a_regression_target_that_is_not_a_number_is_named(tmp_path: Path) -> None:
    frame = pd.DataFrame({"f": [1.0, 2.0, 3.0, 4.0, 5.0], "y": ["1.5", "2", "n/a?", "4", "5"]})
    with pytest.raises(TargetNotNumeric, match=r"raw\.csv: column 'y' .* data row 3 holds 'n/a\?'"):
        split.split_frame(
            frame, target="y", test_size=0.4, seed=0, task="regression", where="raw.csv"
        )


def test_a_regression_split_is_not_stratified(tmp_path: Path) -> None:
    frame = pd.DataFrame({"f": range(10), "y": [float(i) for i in range(10)]})
    train_rows, test_rows = split.split_frame(
        frame, target="y", test_size=0.3, seed=0, task="regression"
    )
    assert len(test_rows) == 3 and len(train_rows) == 7  # unique values: no stratification


def test_a_boolean_feature_trains_and_scores_the_same_as_text_or_booleans(
    params_doc: dict[str, Any], tmp_path: Path
) -> None:
    """pandas reads True/False as booleans (training), predict and serve pass text: the
    model takes both, as the same categories, and models of text categories are unchanged."""
    from cli.adapters.model_store import load_model

    rows = 40
    frame = pd.DataFrame(
        {
            "x": [float(i % 7) for i in range(rows)],
            "member": [None if i == 5 else i % 3 == 0 for i in range(rows)],
            "y": ["yes" if i % 3 == 0 else "no" for i in range(rows)],
        }
    )
    source = tmp_path / "external" / "members.csv"
    source.parent.mkdir()
    frame.to_csv(source, index=False)
    doc = copy.deepcopy(params_doc)
    doc["evaluate"]["slices"] = ["member"]
    features = {"numeric_features": ["x"], "categorical_features": ["member"]}
    params = params_for(doc, target="y", task="classification", **features)
    out = run_stages(params, source, tmp_path / "out")
    assert out["metrics"]["accuracy"] == 1.0  # member decides y: the encoder saw its values
    pipeline = load_model(tmp_path / "out/m.skops")
    as_read = pd.read_csv(tmp_path / "out/test.csv")[["x", "member"]]
    as_text = as_read.astype(object).where(as_read.isna(), as_read.astype(str))
    assert as_read["member"].dtype == bool and as_text["member"].tolist()[0] in ("True", "False")
    assert pipeline.predict(as_read).tolist() == pipeline.predict(as_text).tolist()
    lower = as_text.assign(member=as_text["member"].str.lower())  # a CSV may spell it "true"
    assert pipeline.predict(lower).tolist() == pipeline.predict(as_read).tolist()
    truth = pd.read_csv(tmp_path / "out/test.csv")["y"].tolist()
    assert pipeline.predict(as_read).tolist() == truth
