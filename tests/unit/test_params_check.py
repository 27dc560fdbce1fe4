"""The params schema: every problem collected, each naming key, value and what is allowed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cli import paths
from cli.core.params_check import check_params_document

SCHEMA = json.loads(paths.PARAMS_SCHEMA.read_text())


def test_repository_params_are_valid(params_doc: dict[str, Any]) -> None:
    assert check_params_document(params_doc, SCHEMA) == []


@pytest.mark.parametrize(
    ("section", "key", "value", "key_path", "got", "allowed"),
    [
        ("train", "estimator", "xgboost", "train.estimator", '"xgboost"', '"random_forest"'),
        ("split", "test_size", 1.5, "split.test_size", "1.5", "number < 1"),
        ("split", "seed", -1, "split.seed", "-1", "integer >= 0"),
        ("evaluate", "min_slice_size", "ten", "evaluate.min_slice_size", '"ten"', "integer"),
        ("ingest", "source", "/etc/passwd", "ingest.source", '"/etc/passwd"', "data/external/"),
        ("ingest", "years", [], "ingest.years", "[]", "minItems 1"),
    ],
)
def test_bad_values_name_key_value_and_allowed(
    params_doc: dict[str, Any],
    section: str,
    key: str,
    value: Any,
    key_path: str,
    got: str,
    allowed: str,
) -> None:
    params_doc[section][key] = value
    (problem,) = check_params_document(params_doc, SCHEMA)
    assert problem.key == key_path
    assert problem.got == got
    assert allowed in problem.allowed
    assert key_path in problem.message and got in problem.message


def test_negative_hyperparameter(params_doc: dict[str, Any]) -> None:
    params_doc["train"]["random_forest"]["n_estimators"] = -5
    (problem,) = check_params_document(params_doc, SCHEMA)
    assert problem.message == "train.random_forest.n_estimators: got -5; allowed: integer >= 1"


def test_every_problem_is_collected(params_doc: dict[str, Any]) -> None:
    params_doc["train"]["seed"] = -1
    params_doc["split"]["test_size"] = 0
    del params_doc["evaluate"]["slices"]
    params_doc["surprise"] = True
    keys = [p.key for p in check_params_document(params_doc, SCHEMA)]
    assert keys == ["evaluate.slices", "split.test_size", "surprise", "train.seed"]


def test_missing_key_and_unknown_key_messages(params_doc: dict[str, Any]) -> None:
    del params_doc["train"]["seed"]
    params_doc["train"]["sed"] = 1
    messages = sorted(p.message for p in check_params_document(params_doc, SCHEMA))
    assert messages == [
        "train.sed: got an unknown key; allowed: one of estimator, logistic_regression, "
        "random_forest, ridge, seed",
        "train.seed: missing; it is required",
    ]


def test_not_a_mapping() -> None:
    (problem,) = check_params_document(["a"], SCHEMA)
    assert problem.key == "" and problem.allowed == "object"
    assert problem.message.startswith("(top level)")


def _set(document: dict[str, Any], dotted: str, value: Any) -> None:
    *parents, leaf = dotted.split(".")
    node: Any = document
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    node[int(leaf) if isinstance(node, list) else leaf] = value


NUMBER_KEYS = [
    "split.test_size",
    "train.logistic_regression.C",
    "card.max_slice_gap",
    "card.confidence",
    "drift.psi_warning",
    "drift.psi_drift",
    "drift.psi_epsilon",
    "drift.p_value",
    "drift.wasserstein",
    "drift.jensen_shannon",
    "drift.missing_rate_change",
    "drift.drift_share",
    "release.gates.0.threshold",
    "release.gates.0.min_absolute_change",
    "release.gates.1.min_relative_change",
    "release.promotion.prod.0.threshold",
    "report.tolerances.accuracy",
    "report.tolerances.log_loss",
]


@pytest.mark.parametrize("value", [float("nan"), float("inf"), float("-inf")], ids=str)
@pytest.mark.parametrize("key_path", NUMBER_KEYS)
def test_non_finite_numbers_are_refused_with_the_key_path(
    params_doc: dict[str, Any], key_path: str, value: float
) -> None:
    _set(params_doc, key_path, value)
    problems = check_params_document(params_doc, SCHEMA)
    assert {p.key for p in problems} == {key_path}
    finite = [p for p in problems if p.allowed == "finite number"]
    assert [p.message for p in finite] == [
        f"{key_path}: got {json.dumps(value)}; allowed: finite number"
    ]


@pytest.mark.parametrize("key_path", ["drift.p_value", "release.gates.0.threshold"])
def test_an_integer_too_large_for_a_float_is_not_a_finite_number(
    params_doc: dict[str, Any], key_path: str
) -> None:
    _set(params_doc, key_path, 10**400)
    problems = check_params_document(params_doc, SCHEMA)
    assert [(p.key, p.allowed) for p in problems if p.allowed == "finite number"] == [
        (key_path, "finite number")
    ]


def test_yaml_nan_and_inf_are_refused_by_params_check(
    tmp_path: Any, params_doc: dict[str, Any]
) -> None:
    import yaml

    from cli import api

    path = tmp_path / "params.yaml"
    text = yaml.safe_dump(params_doc, sort_keys=False)
    text = text.replace("p_value: 0.05", "p_value: .nan").replace(
        "drift_share: 0.5", "drift_share: .inf"
    )
    text = text.replace("test_size: 0.25", "test_size: -.inf")
    path.write_text(text)
    report = api.check_params(params=path)
    assert not report.ok
    assert {p.key for p in report.problems if p.allowed == "finite number"} == {
        "drift.p_value",
        "drift.drift_share",
        "split.test_size",
    }


def test_a_huge_value_is_quoted_cut_with_its_length(params_doc: dict[str, Any]) -> None:
    params_doc["train"]["estimator"] = "x" * 1_000_000
    (problem,) = check_params_document(params_doc, SCHEMA)
    assert problem.key == "train.estimator"
    assert problem.got == '"' + "x" * 199 + "... (1,000,002 characters)"
    assert len(problem.message) < 400
