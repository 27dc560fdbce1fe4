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
        "random_forest, seed",
        "train.seed: missing; it is required",
    ]


def test_not_a_mapping() -> None:
    (problem,) = check_params_document(["a"], SCHEMA)
    assert problem.key == "" and problem.allowed == "object"
    assert problem.message.startswith("(top level)")
