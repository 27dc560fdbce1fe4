"""Checks of params.yaml across files: against the data contract's columns and the task.

Pure: plain values in (the params document, the contract's column names), problems out,
each naming the exact params.yaml key to change (``evaluate.slices[1]``). Kept apart from
:mod:`cli.core.params_check`, which every stage imports, so the stages do not depend on
the metric names of :mod:`cli.core.report.metrics`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from cli.core.metric_names import task_produces
from cli.core.params_check import ParamProblem

TASK_ESTIMATORS: Mapping[str, tuple[str, ...]] = {
    "classification": ("logistic_regression", "random_forest"),
    "regression": ("ridge", "random_forest"),
}
_SHOWN_COLUMNS = 12  # a contract with more columns is listed by its first ones and a count


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _columns_text(columns: Sequence[str]) -> str:
    shown = ", ".join(columns[:_SHOWN_COLUMNS])
    rest = len(columns) - _SHOWN_COLUMNS
    return shown + (f" and {rest} more" if rest > 0 else "")


def _named_columns(data: Mapping[str, Any]) -> list[tuple[str, str]]:
    """``(params key, column)`` for the target and every feature list of ``data``."""
    named: list[tuple[str, str]] = []
    if isinstance(data.get("target"), str):
        named.append(("data.target", data["target"]))
    for section in ("numeric_features", "categorical_features", "datetime_features"):
        values = data.get(section)
        if isinstance(values, list):
            named += [
                (f"data.{section}[{i}]", v) for i, v in enumerate(values) if isinstance(v, str)
            ]
    return named


def _slice_columns(document: Mapping[str, Any]) -> list[tuple[str, str]]:
    evaluate = document.get("evaluate")
    slices = evaluate.get("slices") if isinstance(evaluate, Mapping) else None
    if not isinstance(slices, list):
        return []
    return [(f"evaluate.slices[{i}]", v) for i, v in enumerate(slices) if isinstance(v, str)]


def check_params_columns(
    document: Any, columns: Sequence[str], contract: str
) -> list[ParamProblem]:
    """Target, features and slices that are not columns of the data contract; slices on the target.

    ``columns`` are the contract's properties, ``contract`` its path as shown in messages.
    Each problem names the exact key to change, e.g. ``evaluate.slices[1]``.
    """
    if not isinstance(document, Mapping):
        return []
    data = document.get("data")
    data = data if isinstance(data, Mapping) else {}
    known = set(columns)
    allowed = f"a column of {contract}: {_columns_text(list(columns))}"
    problems = [
        ParamProblem(key, _json(column), allowed)
        for key, column in [*_named_columns(data), *_slice_columns(document)]
        if column not in known
    ]
    target = data.get("target")
    problems += [
        ParamProblem(key, _json(column), "a column other than the target (data.target)")
        for key, column in _slice_columns(document)
        if column == target
    ]
    return problems


def check_task_estimator(document: Any) -> list[ParamProblem]:
    """``train.estimator`` must be one the task (``data.task``, default classification) has."""
    if not isinstance(document, Mapping):
        return []
    data, train = document.get("data"), document.get("train")
    task = data.get("task", "classification") if isinstance(data, Mapping) else "classification"
    estimator = train.get("estimator") if isinstance(train, Mapping) else None
    choices = TASK_ESTIMATORS.get(task) if isinstance(task, str) else None
    known = {name for names in TASK_ESTIMATORS.values() for name in names}
    if choices is None or estimator not in known or estimator in choices:
        return []  # an unknown task or estimator is the schema's finding, reported once
    return [
        ParamProblem(
            "train.estimator",
            _json(estimator),
            f"an estimator for {task} (data.task): {', '.join(choices)}",
        )
    ]


def target_classes(properties: Mapping[str, Any], target: Any) -> int | None:
    """How many classes the contract allows the target (an ``enum``, or 2 for a boolean).

    None when the contract does not bound them: then either ROC AUC key may be written.
    """
    column = properties.get(target) if isinstance(target, str) else None
    if not isinstance(column, Mapping):
        return None
    enum = column.get("enum")
    if isinstance(enum, list):
        return len([v for v in enum if v is not None])
    kinds = column.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds if isinstance(kinds, list) else []
    return 2 if [k for k in kinds if k != "null"] == ["boolean"] else None


# The ROC AUC key a classifier does not write: roc_auc_ovr when binary, roc_auc otherwise.
_OTHER_AUC = {True: "roc_auc_ovr", False: "roc_auc"}


def check_metric_names(document: Any, classes: int | None = None) -> list[ParamProblem]:
    """Release gates, promotion gates and report tolerances naming metrics the task lacks.

    What each task writes is :func:`cli.core.metric_names.task_produces`; with ``classes``
    (from :func:`target_classes`) a binary classifier has no ``roc_auc_ovr`` and a
    multiclass one no ``roc_auc``. Findings, not warnings: a gate on an absent metric
    fails every release (gates fail closed) and a gated tolerance on one fails every
    ``mlvc report --fail-on-regression`` as invalid, so both are caught here, first.
    """
    if not isinstance(document, Mapping):
        return []
    data = document.get("data")
    task = data.get("task", "classification") if isinstance(data, Mapping) else "classification"
    if not isinstance(task, str) or task not in TASK_ESTIMATORS:
        return []
    allowed = f"a metric that {task} (data.task) writes to metrics/metrics.json"
    absent = _OTHER_AUC[classes == 2] if task == "classification" and classes else None
    named: list[tuple[str, Any]] = []
    release = document.get("release")
    if isinstance(release, Mapping):
        named += _gate_metrics("release.gates", release.get("gates"))
        promotion = release.get("promotion")
        if isinstance(promotion, Mapping):
            for stage, gates in promotion.items():
                named += _gate_metrics(f"release.promotion.{stage}", gates)
    report = document.get("report")
    tolerances = report.get("tolerances") if isinstance(report, Mapping) else None
    if isinstance(tolerances, Mapping):
        named += [(f"report.tolerances.{name}", name) for name in tolerances]
    return [
        ParamProblem(key, _json(metric), allowed)
        for key, metric in named
        if isinstance(metric, str)
        and (not task_produces(task, metric) or metric.split(".")[-1] == absent)
    ]


def _gate_metrics(key: str, gates: Any) -> list[tuple[str, Any]]:
    if not isinstance(gates, list):
        return []
    return [
        (f"{key}[{i}].metric", gate.get("metric"))
        for i, gate in enumerate(gates)
        if isinstance(gate, Mapping)
    ]
