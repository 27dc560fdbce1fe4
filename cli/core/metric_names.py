"""Metric names: which way each metric is better, and which metrics each task writes.

Pure and a leaf (imports nothing from ``cli``): the one place metric directions are
defined, read by the PR report, the release gates and ``mlvc params check``.
"""

from __future__ import annotations

from collections.abc import Mapping

HIGHER = "higher"
LOWER = "lower"

LOWER_IS_BETTER = frozenset({"log_loss", "rmse", "mae"})
UNDIRECTED = frozenset({"n", "support"})  # counts: a change is neither better nor worse

# The headline metrics each task writes to metrics/metrics.json (and under its ``baseline``
# key); a binary classifier writes roc_auc, a multiclass one roc_auc_ovr.
TASK_METRICS: Mapping[str, tuple[str, ...]] = {
    "classification": (
        "accuracy",
        "balanced_accuracy",
        "f1_macro",
        "roc_auc",
        "roc_auc_ovr",
        "log_loss",
    ),
    "regression": ("rmse", "mae", "r2"),
}
BASELINE = "baseline"  # the key of the baseline's metrics inside metrics/metrics.json


def direction(key: str) -> str | None:
    """``"higher"`` or ``"lower"`` (which way is better) for a metric key; None for counts."""
    leaf = key.rsplit(".", 1)[-1]
    if leaf in UNDIRECTED:
        return None
    return LOWER if leaf in LOWER_IS_BETTER else HIGHER


def task_produces(task: str, key: str) -> bool:
    """Whether ``task`` writes the metric ``key`` (dotted: ``baseline.rmse``)."""
    parts = key.split(".")
    if parts[0] == BASELINE:
        parts = parts[1:]
    if parts == ["n"]:
        return True
    if task == "classification" and len(parts) == 3 and parts[0] == "per_class":
        return parts[2] in {"precision", "recall", "f1", "support"}
    return len(parts) == 1 and parts[0] in TASK_METRICS.get(task, ())
