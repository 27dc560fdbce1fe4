"""evaluate: metrics overall and per slice, confusion matrix, ROC and PR curves.

Inputs: ``models/model.skops``, ``data/prepared/test.csv``.
Outputs: ``metrics/metrics.json``, ``metrics/slices.json``, ``plots/confusion.csv``,
``plots/roc/<class>.csv``, ``plots/pr/<class>.csv``.
Params: ``data.*``, ``evaluate.slices``, ``evaluate.min_slice_size``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from cli import paths
from cli.api.stage_io import (
    load_model,
    load_stage_params,
    read_table,
    write_csv,
    write_json,
)
from cli.core.metrics import (
    classification_metrics,
    confusion_rows,
    pr_curves,
    roc_curves,
    slice_metrics,
)
from cli.errors import MissingColumns
from cli.funnel import stage_errors

if TYPE_CHECKING:
    from cli.api.stage_io import Params


def file_stem(label: str) -> str:
    """A class label made safe as a file name (one curve file per class)."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", label).strip("._") or "class"


def run(
    params: Params,
    *,
    model: Path,
    test_data: Path,
    metrics: Path,
    slices: Path,
    confusion: Path,
    roc: Path,
    pr: Path,
) -> None:
    """Score ``model`` on ``test_data`` and write every metric and plot file."""
    pipeline = load_model(model)
    frame = read_table(test_data, hint="run 'dvc repro split' first")
    data, settings = params.data, params.evaluate
    needed = [data.target, *data.numeric_features, *data.categorical_features, *settings.slices]
    missing = [c for c in dict.fromkeys(needed) if c not in frame.columns]
    if missing:
        keys = {c: f"evaluate.slices[{i}]" for i, c in enumerate(settings.slices)}
        raise MissingColumns(str(test_data), missing, [str(c) for c in frame.columns], keys)
    classes = [str(c) for c in pipeline.classes_]
    truth = frame[data.target].astype(str).tolist()
    proba = pipeline.predict_proba(frame[[*data.numeric_features, *data.categorical_features]])
    predicted = [classes[i] for i in proba.argmax(axis=1)]
    write_json(metrics, classification_metrics(truth, proba, classes))
    write_json(
        slices,
        slice_metrics(frame, truth, proba, classes, settings.slices, settings.min_slice_size),
    )
    write_csv(confusion, confusion_rows(truth, predicted))
    for folder, curves in (
        (roc, roc_curves(truth, proba, classes)),
        (pr, pr_curves(truth, proba, classes)),
    ):
        for label, curve in curves.items():
            write_csv(folder / f"{file_stem(label)}.csv", curve)


def main() -> None:
    with stage_errors("evaluate", os.environ):
        params = load_stage_params("evaluate")
        run(
            params,
            model=paths.MODEL,
            test_data=paths.TEST_DATA,
            metrics=paths.METRICS,
            slices=paths.SLICE_METRICS,
            confusion=paths.CONFUSION_PLOT,
            roc=paths.ROC_DIR,
            pr=paths.PR_DIR,
        )


if __name__ == "__main__":
    main()
