"""Metrics per task, per-slice metrics, the baseline and plot tables, from predictions.

Classification: labels and probabilities; binary problems get ``roc_auc`` (the second
class of ``classes`` is the positive one), multiclass ones ``roc_auc_ovr``. Regression:
``rmse``, ``mae``, ``r2``. The baseline is a scikit-learn dummy fitted on the training
target and scored like the model, so the two can be compared key by key.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict, cast

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MISSING_SLICE = "(missing)"
DIGITS = 6


class ClassScores(TypedDict):
    """One class's entry under ``per_class``."""

    precision: float | None
    recall: float | None
    support: int


class ClassificationMetrics(TypedDict):
    """``metrics/metrics.json``, and each slice value's entry in ``metrics/slices.json``."""

    n: int
    accuracy: float | None
    balanced_accuracy: float | None
    f1_macro: float | None
    roc_auc: NotRequired[float | None]  # binary only; None unless both classes occur
    roc_auc_ovr: NotRequired[float | None]  # multiclass only; None unless every class occurs
    log_loss: float | None
    per_class: dict[str, ClassScores]
    small: NotRequired[bool]  # slices only: fewer rows than evaluate.min_slice_size


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), DIGITS)


def classification_metrics(
    y_true: Sequence[str],
    proba: np.ndarray,
    classes: Sequence[str],
    *,
    only_observed: bool = False,
) -> ClassificationMetrics:
    """Accuracy, balanced accuracy, macro F1, ROC AUC, log loss, per-class P/R.

    ``proba`` has one column per entry of ``classes``. Two classes give ``roc_auc``
    (``classes[1]`` positive), more give one-vs-rest ``roc_auc_ovr``; either is ``None``
    unless every class occurs in ``y_true``. With ``only_observed`` (used for slices),
    macro F1 and the per-class entries cover only classes that occur in the
    truth or the predictions, so a slice without Chinstraps is not scored on them.
    """
    import numpy as np
    from sklearn import metrics as skm

    labels = list(classes)
    truth = np.asarray(y_true, dtype=object)
    predicted = np.asarray(labels, dtype=object)[np.argmax(proba, axis=1)]
    present = sorted(set(truth))
    scored = [c for c in labels if c in set(truth) | set(predicted)] if only_observed else labels
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # slices may lack classes; the zero_division policy below holds
        precision, recall, _, support = skm.precision_recall_fscore_support(
            truth, predicted, labels=scored, zero_division=0
        )
        scores: dict[str, Any] = {
            "n": len(truth),
            "accuracy": _round(skm.accuracy_score(truth, predicted)),
            "balanced_accuracy": _round(skm.balanced_accuracy_score(truth, predicted)),
            "f1_macro": _round(
                skm.f1_score(truth, predicted, labels=scored, average="macro", zero_division=0)
            ),
            auc_key(len(labels)): _round(_auc(truth, proba, labels, len(present))),
            "log_loss": _round(skm.log_loss(truth, proba, labels=labels)),
            "per_class": {
                label: {
                    "precision": _round(precision[i]),
                    "recall": _round(recall[i]),
                    "support": int(support[i]),
                }
                for i, label in enumerate(scored)
            },
        }
    result = cast("ClassificationMetrics", scores)
    return result


def auc_key(n_classes: int) -> str:
    """``roc_auc`` for two classes, ``roc_auc_ovr`` for more."""
    return "roc_auc" if n_classes == 2 else "roc_auc_ovr"


def _auc(truth: np.ndarray, proba: np.ndarray, labels: list[str], n_present: int) -> float | None:
    """Binary ROC AUC of ``labels[1]``, or one-vs-rest macro AUC; None unless all classes occur."""
    from sklearn import metrics as skm

    if n_present != len(labels) or len(labels) < 2:
        return None
    if len(labels) == 2:
        return float(skm.roc_auc_score(truth == labels[1], proba[:, 1]))
    return float(skm.roc_auc_score(truth, proba, multi_class="ovr", labels=labels))


class RegressionMetrics(TypedDict):
    """``metrics/metrics.json`` of a regression model."""

    n: int
    rmse: float | None
    mae: float | None
    r2: float | None  # None with fewer than two rows or a constant truth


class RegressionSlice(TypedDict):
    """One slice value's entry in ``metrics/slices.json`` of a regression model."""

    n: int
    rmse: float | None
    mae: float | None
    small: bool


def regression_metrics(y_true: Sequence[float], y_pred: Sequence[float]) -> RegressionMetrics:
    """Root mean squared error, mean absolute error and R² (``None`` where undefined)."""
    import numpy as np
    from sklearn import metrics as skm

    truth = np.asarray(y_true, dtype="float64")
    predicted = np.asarray(y_pred, dtype="float64")
    if len(truth) == 0:
        return {"n": 0, "rmse": None, "mae": None, "r2": None}
    r2 = None
    if len(truth) >= 2 and np.ptp(truth) > 0:
        r2 = _round(skm.r2_score(truth, predicted))
    return {
        "n": len(truth),
        "rmse": _round(np.sqrt(skm.mean_squared_error(truth, predicted))),
        "mae": _round(skm.mean_absolute_error(truth, predicted)),
        "r2": r2,
    }


def regression_slice_metrics(
    frame: pd.DataFrame,
    y_true: Sequence[float],
    y_pred: Sequence[float],
    slices: Sequence[str],
    min_size: int,
) -> dict[str, dict[str, RegressionSlice]]:
    """RMSE and MAE for each value of each slice column; small slices are flagged."""
    import numpy as np

    truth = np.asarray(y_true, dtype="float64")
    predicted = np.asarray(y_pred, dtype="float64")
    out: dict[str, dict[str, RegressionSlice]] = {}
    for column in slices:
        values = slice_values(frame[column])
        groups: dict[str, RegressionSlice] = {}
        for value in sorted(set(values)):
            mask = (values == value).to_numpy()
            scores = regression_metrics(truth[mask], predicted[mask])
            groups[str(value)] = {
                "n": scores["n"],
                "rmse": scores["rmse"],
                "mae": scores["mae"],
                "small": bool(mask.sum() < min_size),
            }
        out[column] = groups
    return out


def slice_values(column: pd.Series) -> pd.Series:
    """A slice column's values as text keys; missing values become ``(missing)``."""
    keys = column.astype(object).where(column.notna(), MISSING_SLICE)
    return keys.map(str)


HEADLINE: dict[str, tuple[str, ...]] = {
    "binary": ("accuracy", "balanced_accuracy", "f1_macro", "log_loss", "roc_auc"),
    "multiclass": ("accuracy", "balanced_accuracy", "f1_macro", "log_loss", "roc_auc_ovr"),
    "regression": ("rmse", "mae", "r2"),
}


def headline(metrics: dict[str, Any]) -> dict[str, Any]:
    """The headline keys of a metrics object (no counts, no per-class entries)."""
    kind = "regression" if "rmse" in metrics else "binary" if "roc_auc" in metrics else "multiclass"
    return {key: metrics[key] for key in HEADLINE[kind]}


def baseline_metrics(
    task: str,
    train_target: Sequence[Any],
    test_target: Sequence[Any],
    classes: Sequence[str] = (),
) -> dict[str, Any]:
    """Headline metrics of a dummy fitted on ``train_target`` and scored on ``test_target``.

    Classification: ``DummyClassifier(strategy="prior")``, its probabilities laid out in
    the model's ``classes`` order; regression: ``DummyRegressor(strategy="mean")``.
    """
    import numpy as np

    features = np.zeros((len(train_target), 1))
    test_features = np.zeros((len(test_target), 1))
    if task == "regression":
        from sklearn.dummy import DummyRegressor

        regressor = DummyRegressor(strategy="mean").fit(features, np.asarray(train_target))
        return headline(dict(regression_metrics(test_target, regressor.predict(test_features))))
    from sklearn.dummy import DummyClassifier

    dummy = DummyClassifier(strategy="prior").fit(features, np.asarray(train_target, dtype=object))
    seen = [str(c) for c in dummy.classes_]
    raw = dummy.predict_proba(test_features)
    proba = np.zeros((len(test_target), len(classes)))
    for i, label in enumerate(classes):
        if label in seen:
            proba[:, i] = raw[:, seen.index(label)]
    return headline(dict(classification_metrics(test_target, proba, classes)))


def slice_metrics(
    frame: pd.DataFrame,
    y_true: Sequence[str],
    proba: np.ndarray,
    classes: Sequence[str],
    slices: Sequence[str],
    min_size: int,
) -> dict[str, dict[str, ClassificationMetrics]]:
    """Metrics for each value of each slice column; small slices are flagged, not hidden."""
    import numpy as np

    truth = np.asarray(y_true, dtype=object)
    out: dict[str, dict[str, ClassificationMetrics]] = {}
    for column in slices:
        values = slice_values(frame[column])
        groups: dict[str, ClassificationMetrics] = {}
        for value in sorted(set(values)):
            mask = (values == value).to_numpy()
            entry = classification_metrics(truth[mask], proba[mask], classes, only_observed=True)
            entry["small"] = bool(mask.sum() < min_size)
            groups[str(value)] = entry
        out[column] = groups
    return out


GRID = [i / 100 for i in range(101)]


def roc_curves(
    y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str]
) -> dict[str, pd.DataFrame]:
    """One-vs-rest ROC curve per class: true-positive rate on a common false-positive-rate grid.

    Classes that are absent from ``y_true`` (or the only class present) have no curve.
    """
    import numpy as np
    import pandas as pd
    from sklearn.metrics import roc_curve

    truth = np.asarray(y_true, dtype=object)
    curves: dict[str, pd.DataFrame] = {}
    for i, label in enumerate(classes):
        positive = truth == label
        if positive.all() or not positive.any():
            continue
        fpr, tpr, _ = roc_curve(positive, proba[:, i])
        interpolated = [round(float(v), DIGITS) for v in np.interp(GRID, fpr, tpr)]
        curves[label] = pd.DataFrame({"fpr": GRID, "tpr": interpolated})
    return curves


def pr_curves(
    y_true: Sequence[str], proba: np.ndarray, classes: Sequence[str]
) -> dict[str, pd.DataFrame]:
    """One-vs-rest precision-recall curve per class: interpolated precision on a recall grid."""
    import numpy as np
    import pandas as pd
    from sklearn.metrics import precision_recall_curve

    truth = np.asarray(y_true, dtype=object)
    curves: dict[str, pd.DataFrame] = {}
    for i, label in enumerate(classes):
        positive = truth == label
        if not positive.any():
            continue
        precision, recall, _ = precision_recall_curve(positive, proba[:, i])
        best = [round(float(precision[recall >= r].max()), DIGITS) for r in GRID]
        curves[label] = pd.DataFrame({"recall": GRID, "precision": best})
    return curves


def confusion_rows(y_true: Sequence[str], y_pred: Sequence[str]) -> pd.DataFrame:
    """One row per test sample, as DVC's confusion-matrix template expects."""
    import pandas as pd

    return pd.DataFrame({"actual": list(y_true), "predicted": list(y_pred)})
