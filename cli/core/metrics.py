"""Classification metrics, per-slice metrics and curve tables, from labels and probabilities."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, NotRequired, TypedDict

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
    roc_auc_ovr: float | None  # None unless every class occurs in the truth
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
    """Accuracy, balanced accuracy, macro F1, one-vs-rest ROC AUC, log loss, per-class P/R.

    ``proba`` has one column per entry of ``classes``. ROC AUC is ``None`` unless
    every class occurs in ``y_true``. With ``only_observed`` (used for slices),
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
        auc = (
            skm.roc_auc_score(truth, proba, multi_class="ovr", labels=labels)
            if len(present) == len(labels)
            else None
        )
        result: ClassificationMetrics = {
            "n": len(truth),
            "accuracy": _round(skm.accuracy_score(truth, predicted)),
            "balanced_accuracy": _round(skm.balanced_accuracy_score(truth, predicted)),
            "f1_macro": _round(
                skm.f1_score(truth, predicted, labels=scored, average="macro", zero_division=0)
            ),
            "roc_auc_ovr": _round(auc),
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
    return result


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
        values = frame[column].astype(object).where(frame[column].notna(), MISSING_SLICE)
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
