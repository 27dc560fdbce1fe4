"""Model references and the shape of a prediction table: pure functions.

A reference is ``NAME@vX.Y.Z``, ``NAME#STAGE``, ``NAME@latest`` (GTO's shortcuts, see
:mod:`cli.core.registry.tags`) or a path to a ``.skops`` file. A prediction table holds
the input's key columns, ``prediction``, one ``proba_<class>`` per class for a
classifier, and ``model_version``.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cli.core.registry import Shortcut, parse_shortcut

MODEL_SUFFIX = ".skops"
CLASSIFICATION = "classification"
REGRESSION = "regression"
TASKS = (CLASSIFICATION, REGRESSION)


@dataclass(frozen=True)
class ModelReference:
    """A parsed reference: either ``path`` (a .skops file) or a registry ``shortcut``."""

    text: str
    path: str | None = None
    shortcut: Shortcut | None = None


def parse_model_reference(text: str) -> ModelReference:
    """Parse a model reference; ValueError when it is none of the four forms.

    A text ending in ``.skops`` is a path (a registry name cannot end with a dot
    suffix that GTO's grammar would accept as such and mean a file); anything else
    must be a GTO shortcut.
    """
    if text.endswith(MODEL_SUFFIX) and len(text) > len(MODEL_SUFFIX):
        return ModelReference(text, path=text)
    return ModelReference(text, shortcut=parse_shortcut(text))


def task_of(meta: Mapping[str, Any]) -> str:
    """The task a model's metadata records; ``classification`` when absent (older versions)."""
    task = meta.get("task")
    return task if task in TASKS else CLASSIFICATION


def prediction_contract(
    schema: Mapping[str, Any], target: str, features: Sequence[str]
) -> dict[str, Any]:
    """The row contract a prediction input must meet, derived from the data contract.

    Only the features stay ``required``: the target may be absent (it is what is
    predicted), and so may any other column the model does not read.
    Columns the contract does not describe are allowed (``additionalProperties``
    is dropped): they are carried through as key columns. Table rules (``x-mlvc``:
    minimum rows, null shares) describe a training table, not a batch to score,
    and are dropped too. Every other keyword applies to each row as in ``schema check``.
    """
    contract = copy.deepcopy(dict(schema))
    required = contract.get("required")
    if isinstance(required, list):
        wanted = set(features) - {target}
        contract["required"] = [column for column in required if column in wanted]
    contract.pop("additionalProperties", None)
    contract.pop("unevaluatedProperties", None)
    contract.pop("x-mlvc", None)
    return contract


def key_columns(
    columns: Sequence[str], schema: Mapping[str, Any], target: str, features: Sequence[str]
) -> list[str]:
    """Input columns that are neither described by the data contract, nor the target, nor
    a feature: identifiers the output carries through so its rows can be joined back."""
    described = schema.get("properties")
    known = {*(described if isinstance(described, Mapping) else ()), target, *features}
    return [c for c in columns if c not in known]


def probability_columns(classes: Sequence[str]) -> list[str]:
    """``proba_<class>`` for each class, in the model's class order."""
    return [f"proba_{label}" for label in classes]
