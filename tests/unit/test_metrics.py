"""Metrics against hand-computed values and scikit-learn's reference implementations."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score, f1_score

from cli.core.metrics import (
    classification_metrics,
    confusion_rows,
    pr_curves,
    roc_curves,
    slice_metrics,
)

CLASSES = ["a", "b", "c"]


def one_hot_proba(labels: list[str], confidence: float = 0.8) -> np.ndarray:
    rest = (1 - confidence) / 2
    return np.array([[confidence if c == label else rest for c in CLASSES] for label in labels])


def test_hand_computed_example() -> None:
    truth = ["a", "a", "b", "c"]
    predicted = ["a", "b", "b", "c"]
    result = classification_metrics(truth, one_hot_proba(predicted), CLASSES)
    assert result["accuracy"] == 0.75
    assert result["balanced_accuracy"] == pytest.approx((0.5 + 1 + 1) / 3, abs=1e-6)
    assert result["per_class"]["a"] == {"precision": 1.0, "recall": 0.5, "support": 2}
    assert result["per_class"]["b"] == {"precision": 0.5, "recall": 1.0, "support": 1}
    # F1: a = 2/3, b = 2/3, c = 1
    assert result["f1_macro"] == pytest.approx((2 / 3 + 2 / 3 + 1) / 3, abs=1e-6)
    assert result["log_loss"] == pytest.approx(-np.mean(np.log([0.8, 0.1, 0.8, 0.8])), abs=1e-6)


def test_auc_is_none_when_a_class_is_absent() -> None:
    result = classification_metrics(["a", "b"], one_hot_proba(["a", "b"]), CLASSES)
    assert result["roc_auc_ovr"] is None


def test_slices_score_only_observed_classes_and_flag_small() -> None:
    frame = pd.DataFrame({"island": ["x", "x", "y", None]})
    truth = ["a", "b", "a", "c"]
    result = slice_metrics(frame, truth, one_hot_proba(truth), CLASSES, ["island"], min_size=2)
    assert set(result["island"]) == {"x", "y", "(missing)"}
    assert result["island"]["x"]["small"] is False
    assert result["island"]["y"]["small"] is True
    assert set(result["island"]["y"]["per_class"]) == {"a"}
    assert result["island"]["y"]["f1_macro"] == 1.0


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(CLASSES), st.sampled_from(CLASSES)), min_size=1, max_size=40)
)
def test_matches_sklearn_reference(pairs: list[tuple[str, str]]) -> None:
    truth = [t for t, _ in pairs]
    predicted = [p for _, p in pairs]
    result = classification_metrics(truth, one_hot_proba(predicted), CLASSES)
    assert result["accuracy"] == pytest.approx(accuracy_score(truth, predicted), abs=1e-6)
    expected_f1 = f1_score(truth, predicted, labels=CLASSES, average="macro", zero_division=0)
    assert result["f1_macro"] == pytest.approx(expected_f1, abs=1e-6)


def test_curves_on_a_common_grid() -> None:
    truth = ["a", "b", "c", "a", "b", "c"]
    proba = one_hot_proba(["a", "b", "c", "a", "c", "b"])
    roc = roc_curves(truth, proba, CLASSES)
    pr = pr_curves(truth, proba, CLASSES)
    assert set(roc) == set(pr) == set(CLASSES)
    assert list(roc["a"].columns) == ["fpr", "tpr"] and len(roc["a"]) == 101
    assert roc["a"]["tpr"].iloc[-1] == 1.0 and roc["a"]["tpr"].is_monotonic_increasing
    assert list(pr["a"].columns) == ["recall", "precision"]
    assert pr["a"]["precision"].iloc[0] == 1.0  # class a is ranked perfectly


def test_confusion_rows() -> None:
    rows = confusion_rows(["a", "b"], ["a", "a"])
    assert rows.to_dict("records") == [
        {"actual": "a", "predicted": "a"},
        {"actual": "b", "predicted": "a"},
    ]
