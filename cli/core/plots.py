"""Plot tables of a regression model, and the evaluate stage's ``plots:`` list per task.

Classification's tables (confusion rows, ROC and PR curves) live beside its metrics in
:mod:`cli.core.metrics`; :func:`plots_section` names the files of both tasks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from cli.core.metrics import DIGITS

if TYPE_CHECKING:
    import pandas as pd


def _round(value: float) -> float:
    return round(float(value), DIGITS)


def prediction_rows(y_true: Sequence[float], y_pred: Sequence[float]) -> pd.DataFrame:
    """Regression: one row per test sample, actual beside predicted (a scatter plot)."""
    import pandas as pd

    return pd.DataFrame(
        {"actual": [_round(v) for v in y_true], "predicted": [_round(v) for v in y_pred]}
    )


def residual_rows(y_true: Sequence[float], y_pred: Sequence[float]) -> pd.DataFrame:
    """Regression: one row per test sample, the prediction and its residual (actual - predicted)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "predicted": [_round(p) for p in y_pred],
            "residual": [_round(float(t) - float(p)) for t, p in zip(y_true, y_pred, strict=True)],
        }
    )


# The evaluate stage's plots per task, as dvc.yaml declares them; the paths are those of
# cli.paths (tests/test_contract.py checks both, and that dvc.yaml holds the shipped task's).
_CLASSIFICATION_PLOTS: list[dict[str, Any]] = [
    {
        "plots/confusion.csv": {
            "cache": False,
            "template": "confusion",
            "x": "actual",
            "y": "predicted",
            "title": "Confusion matrix (test set)",
        }
    },
    {
        "plots/roc": {
            "cache": False,
            "x": "fpr",
            "y": "tpr",
            "x_label": "false positive rate",
            "y_label": "true positive rate",
        }
    },
    {"plots/pr": {"cache": False, "x": "recall", "y": "precision"}},
]
_REGRESSION_PLOTS: list[dict[str, Any]] = [
    {
        "plots/predictions.csv": {
            "cache": False,
            "template": "scatter",
            "x": "actual",
            "y": "predicted",
            "title": "Predicted against actual (test set)",
        }
    },
    {
        "plots/residuals.csv": {
            "cache": False,
            "template": "scatter",
            "x": "predicted",
            "y": "residual",
            "title": "Residuals (actual - predicted) against predicted (test set)",
        }
    },
]


def plots_section(task: str) -> list[dict[str, Any]]:
    """The ``plots:`` list of the evaluate stage in ``dvc.yaml`` for ``task`` (a fresh copy).

    Evaluate writes exactly these files for its task, so ``dvc repro`` finds every
    declared plot and ``dvc plots show`` renders each.
    """
    import copy

    chosen = _REGRESSION_PLOTS if task == "regression" else _CLASSIFICATION_PLOTS
    return copy.deepcopy(chosen)
