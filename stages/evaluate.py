"""evaluate: metrics overall, per slice and for a baseline, and the plots of the task.

Inputs: ``models/model.skops``, ``data/prepared/test.csv``, ``data/prepared/train.csv``
(the baseline is a dummy fitted on the training target).
Outputs: ``metrics/metrics.json`` (with ``baseline``), ``metrics/slices.json``; for
classification ``plots/confusion.csv``, ``plots/roc/<class>.csv``, ``plots/pr/<class>.csv``;
for regression ``plots/predictions.csv`` and ``plots/residuals.csv``
(:func:`cli.core.plots.plots_section` is the ``plots:`` list of each task).
Params: ``data.*``, ``evaluate.slices``, ``evaluate.min_slice_size``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import paths
from cli.api.stage_io import (
    load_model,
    load_stage_params,
    read_table,
    write_csv,
    write_json,
)
from cli.core.metrics import (
    baseline_metrics,
    classification_metrics,
    confusion_rows,
    pr_curves,
    regression_metrics,
    regression_slice_metrics,
    roc_curves,
    slice_metrics,
)
from cli.core.modeling import REGRESSION, label_strings
from cli.core.plots import prediction_rows, residual_rows
from cli.errors import MissingColumns
from cli.funnel import stage_errors

if TYPE_CHECKING:
    import pandas as pd

    from cli.api.stage_io import Params


@dataclass(frozen=True)
class Plots:
    """Where evaluate writes its plots; each task writes its own (the others are untouched)."""

    confusion: Path = paths.CONFUSION_PLOT
    roc: Path = paths.ROC_DIR
    pr: Path = paths.PR_DIR
    predictions: Path = paths.PREDICTIONS_PLOT
    residuals: Path = paths.RESIDUALS_PLOT


def file_stem(label: str) -> str:
    """A class label made safe as a file name (one curve file per class)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", label).strip("._") or "class"


def read_checked(
    path: Path, columns: list[str], hint: str, keys: dict[str, str] | None = None
) -> pd.DataFrame:
    """``path`` as a frame; MissingColumns names any of ``columns`` it lacks (and the
    params.yaml key in ``keys`` that names it)."""
    frame = read_table(path, hint=hint)
    missing = [c for c in dict.fromkeys(columns) if c not in frame.columns]
    if missing:
        raise MissingColumns(str(path), missing, [str(c) for c in frame.columns], keys)
    return frame


def evaluate_classifier(
    pipeline: Any, frame: pd.DataFrame, train_target: list[str], params: Params, plots: Plots
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Metrics (with the baseline) and slices of a classifier; writes its plots."""
    data, settings = params.data, params.evaluate
    features = [*data.numeric_features, *data.categorical_features, *data.datetime_features]
    classes = [str(c) for c in pipeline.classes_]
    truth = label_strings(frame[data.target].tolist())
    proba = pipeline.predict_proba(frame[features])
    predicted = [classes[i] for i in proba.argmax(axis=1)]
    metrics: dict[str, Any] = dict(classification_metrics(truth, proba, classes))
    metrics["baseline"] = baseline_metrics("classification", train_target, truth, classes)
    slices = slice_metrics(frame, truth, proba, classes, settings.slices, settings.min_slice_size)
    write_csv(plots.confusion, confusion_rows(truth, predicted))
    for folder, curves in (
        (plots.roc, roc_curves(truth, proba, classes)),
        (plots.pr, pr_curves(truth, proba, classes)),
    ):
        for label, curve in curves.items():
            write_csv(folder / f"{file_stem(label)}.csv", curve)
    return metrics, dict(slices)


def evaluate_regressor(
    pipeline: Any, frame: pd.DataFrame, train_target: list[float], params: Params, plots: Plots
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Metrics (with the baseline) and slices of a regressor; writes its plots."""
    data, settings = params.data, params.evaluate
    features = [*data.numeric_features, *data.categorical_features, *data.datetime_features]
    truth = frame[data.target].astype("float64").tolist()
    predicted = [float(v) for v in pipeline.predict(frame[features])]
    metrics: dict[str, Any] = dict(regression_metrics(truth, predicted))
    metrics["baseline"] = baseline_metrics(REGRESSION, train_target, truth)
    slices = regression_slice_metrics(
        frame, truth, predicted, settings.slices, settings.min_slice_size
    )
    write_csv(plots.predictions, prediction_rows(truth, predicted))
    write_csv(plots.residuals, residual_rows(truth, predicted))
    return metrics, dict(slices)


def run(
    params: Params,
    *,
    model: Path,
    test_data: Path,
    train_data: Path,
    metrics: Path,
    slices: Path,
    plots: Plots,
) -> None:
    """Score ``model`` on ``test_data`` (and a baseline fitted on ``train_data``); write
    every metric file and the task's plot files."""
    pipeline = load_model(model)
    data, settings = params.data, params.evaluate
    features = [*data.numeric_features, *data.categorical_features, *data.datetime_features]
    slice_keys = {c: f"evaluate.slices[{i}]" for i, c in enumerate(settings.slices)}
    frame = read_checked(
        test_data,
        [data.target, *features, *settings.slices],
        "run 'dvc repro split' first",
        slice_keys,
    )
    train_frame = read_checked(train_data, [data.target], "run 'dvc repro split' first")
    if data.task == REGRESSION:
        train_values = train_frame[data.target].astype("float64").tolist()
        scores, by_slice = evaluate_regressor(pipeline, frame, train_values, params, plots)
    else:
        train_labels = label_strings(train_frame[data.target].tolist())
        scores, by_slice = evaluate_classifier(pipeline, frame, train_labels, params, plots)
    write_json(metrics, scores)
    write_json(slices, by_slice)


def main() -> None:
    with stage_errors("evaluate", os.environ):
        params = load_stage_params("evaluate")
        run(
            params,
            model=paths.MODEL,
            test_data=paths.TEST_DATA,
            train_data=paths.TRAIN_DATA,
            metrics=paths.METRICS,
            slices=paths.SLICE_METRICS,
            plots=Plots(),
        )


if __name__ == "__main__":
    main()
