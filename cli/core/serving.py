"""Serving a model over HTTP, the pure parts: request bodies to rows, rows checked against
the data contract with the schema engine, predictions shaped into a response.

Data in, data out: the HTTP adapter (``cli/adapters/http_server.py``) reads the request,
calls these, and writes the response.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cli.core.schema.findings import Violation

if TYPE_CHECKING:
    from cli.core.schema.keywords import PatternSearch

# Keys of a JSON Schema document that describe the document, not a row: left out of the
# request schema that the OpenAPI document shows.
_DOCUMENT_KEYS = ("$schema", "$id", "x-mlvc")


class RequestShapeInvalid(ValueError):
    """A request body that is not a row, a list of rows or an MLflow ``dataframe_*`` object."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


def _json_kind(value: Any) -> str:
    kinds = ((bool, "boolean"), (dict, "object"), (list, "array"), (str, "string"))
    found = next((name for kind, name in kinds if isinstance(value, kind)), None)
    if found:
        return found
    return "number" if isinstance(value, int | float) else "null"


def _objects(items: Any, where: str) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        raise RequestShapeInvalid(f"{where} must be an array of objects, not {_json_kind(items)}")
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise RequestShapeInvalid(
                f"{where}: item {number} is a JSON {_json_kind(item)}, not an object (a row)"
            )
    return items


def _split_rows(split: Any) -> list[dict[str, Any]]:
    """MLflow's ``dataframe_split``: ``{"columns": [...], "data": [[...], ...]}``."""
    if not isinstance(split, dict):
        raise RequestShapeInvalid("dataframe_split must be an object with 'columns' and 'data'")
    columns, data = split.get("columns"), split.get("data")
    if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
        raise RequestShapeInvalid("dataframe_split.columns must be an array of column names")
    if not isinstance(data, list):
        raise RequestShapeInvalid("dataframe_split.data must be an array of rows (arrays)")
    rows = []
    for number, values in enumerate(data, start=1):
        if not isinstance(values, list) or len(values) != len(columns):
            raise RequestShapeInvalid(
                f"dataframe_split.data: row {number} must be an array of {len(columns)} values"
            )
        rows.append(dict(zip(columns, values, strict=True)))
    return rows


def request_rows(body: Any) -> list[dict[str, Any]]:
    """The rows of a request body: an object (one row), an array of objects, or MLflow's
    ``{"dataframe_records": [...]}`` / ``{"dataframe_split": {...}}``."""
    if isinstance(body, list):
        rows = _objects(body, "the request body")
    elif isinstance(body, dict) and "dataframe_records" in body:
        rows = _objects(body["dataframe_records"], "dataframe_records")
    elif isinstance(body, dict) and "dataframe_split" in body:
        rows = _split_rows(body["dataframe_split"])
    elif isinstance(body, dict):
        rows = [body]
    else:
        raise RequestShapeInvalid(
            f"the request body is a JSON {_json_kind(body)}; send an object (one row), "
            'an array of objects, or {"dataframe_records": [...]}'
        )
    if not rows:
        raise RequestShapeInvalid("the request holds no rows")
    return rows


def request_schema(contract: Mapping[str, Any] | bool) -> dict[str, Any]:
    """The OpenAPI request-body schema: a row (the contract), an array of rows, or
    MLflow's ``dataframe_records`` / ``dataframe_split`` objects."""
    if isinstance(contract, Mapping):
        row = {k: v for k, v in contract.items() if k not in _DOCUMENT_KEYS}
    else:
        row = {"type": "object"}
    row.setdefault("title", "Row")
    rows = {"type": "array", "items": row, "minItems": 1}
    return {
        "anyOf": [
            row,
            rows,
            {
                "type": "object",
                "title": "MLflow dataframe_records",
                "required": ["dataframe_records"],
                "properties": {"dataframe_records": rows},
            },
            {
                "type": "object",
                "title": "MLflow dataframe_split",
                "required": ["dataframe_split"],
                "properties": {
                    "dataframe_split": {
                        "type": "object",
                        "required": ["columns", "data"],
                        "properties": {
                            "columns": {"type": "array", "items": {"type": "string"}},
                            "data": {"type": "array", "items": {"type": "array"}},
                        },
                    }
                },
            },
        ]
    }


@dataclass(frozen=True)
class RowsChecked:
    """The outcome of checking a request's rows against the contract (a schema report's parts)."""

    rows: int
    failing_rows: int
    missing_columns: tuple[str, ...]
    unexpected_columns: tuple[str, ...]
    violations: tuple[Violation, ...]

    @property
    def ok(self) -> bool:
        return self.failing_rows == 0


QUICK_ROWS = 8
"""Up to this many rows, jsonschema's own ``is_valid`` screens a request first (cheaper
than building columns for so few rows); any invalid row goes to the schema engine."""


def quick_validator(contract: Mapping[str, Any] | bool) -> Callable[[Any], bool] | None:
    """jsonschema's ``is_valid`` for ``contract``, or None when the contract has a pattern
    (which ``is_valid`` would run with ``re``, unbounded, on untrusted values)."""
    from jsonschema import Draft202012Validator

    from cli.core.schema.document import contained_registry, patterns_in

    if patterns_in(contract):
        return None
    validator = Draft202012Validator(
        contract,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
        registry=contained_registry(),  # retrieves nothing: no network, no other file
    )
    return validator.is_valid


def check_rows(
    contract: Mapping[str, Any] | bool,
    rows: Sequence[Mapping[str, Any]],
    *,
    search: PatternSearch | None = None,
    quick: Callable[[Any], bool] | None = None,
) -> RowsChecked:
    """Check every row with the schema engine, as ``mlvc schema check`` checks JSON Lines.

    Columns are the keys the rows hold (in order of appearance); a key a row lacks is
    absent from that row, as a missing key of a JSON Lines record. Table rules
    (``x-mlvc``) describe a whole data set and are not applied to a request.
    ``search`` evaluates the contract's ``pattern`` keywords (the server passes a
    time-bounded one, so an untrusted value cannot hold a worker); a pattern past its
    budget raises :class:`~cli.core.schema.checker.PatternTimedOut`. ``quick`` (from
    :func:`quick_validator`) passes a request of at most :data:`QUICK_ROWS` valid rows
    without the engine: jsonschema's verdict is the engine's.
    """
    from cli.core.schema.cells import ABSENT
    from cli.core.schema.checker import SchemaChecker

    if quick is not None and len(rows) <= QUICK_ROWS and all(quick(row) for row in rows):
        return RowsChecked(len(rows), 0, (), (), ())

    columns = list(dict.fromkeys(key for row in rows for key in row))
    checker = SchemaChecker(contract, columns, as_text=False, search=search)
    # every row counts, a row holding no key too: it lacks every required column
    checker.feed({c: [row.get(c, ABSENT) for row in rows] for c in columns}, rows=len(rows))
    return RowsChecked(
        rows=len(rows),
        failing_rows=checker.failing_rows,
        missing_columns=tuple(checker.plan.missing_required),
        unexpected_columns=tuple(checker.plan.unexpected),
        violations=tuple(checker.violations()),
    )


def _finite(value: Any) -> Any:
    """A JSON-safe value: non-finite floats become null (JSON has no NaN)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _json_value(value: Any) -> Any:
    """``value`` as a JSON body can hold it: a non-finite float (``1e999``, ``Infinity``
    in a request) as its text, ``"inf"``, ``"-inf"`` or ``"nan"``, at any depth; JSON
    has no such number."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_value(item) for item in value]
    if isinstance(value, dict):
        return {key: _json_value(item) for key, item in value.items()}
    return value


@dataclass(frozen=True)
class Scored:
    """Predictions of one request: one per row, and per-class probabilities for classifiers."""

    predictions: list[Any]
    probabilities: list[dict[str, float | None]] | None


def _split_pipeline(pipeline: Any) -> tuple[Any, Any]:
    """(the preprocessing steps or None, the final estimator) of a scikit-learn Pipeline.

    Pipeline.predict and predict_proba each run every preprocessing step; run apart, the
    steps run once for both, with the same result (the estimator sees the same matrix).
    """
    steps = getattr(pipeline, "steps", None)
    if isinstance(steps, list) and len(steps) > 1:
        return pipeline[:-1], steps[-1][1]
    return None, pipeline


def score_rows(
    pipeline: Any,
    rows: Sequence[Mapping[str, Any]],
    features: Sequence[str],
    classes: Sequence[str],
) -> Scored:
    """Run ``pipeline`` on ``rows`` (feature columns in training order; an absent feature is
    missing, as a null); probabilities when the model has classes and ``predict_proba``."""
    import pandas as pd

    frame = pd.DataFrame({name: [row.get(name) for row in rows] for name in features})
    preprocess, estimator = _split_pipeline(pipeline)
    matrix = frame if preprocess is None else preprocess.transform(frame)
    predictions = [_finite(v) for v in estimator.predict(matrix).tolist()]
    if not classes or not hasattr(estimator, "predict_proba"):
        return Scored(predictions, None)
    labels = [str(c) for c in getattr(estimator, "classes_", classes)]
    probabilities = [
        {label: _finite(float(p)) for label, p in zip(labels, row, strict=True)}
        for row in estimator.predict_proba(matrix).tolist()
    ]
    return Scored(predictions, probabilities)


def prediction_body(scored: Scored, *, model: str, version: str | None) -> dict[str, Any]:
    """The JSON body of a ``/predict`` response (``predictions`` first, as MLflow's)."""
    body: dict[str, Any] = {"predictions": scored.predictions}
    if scored.probabilities is not None:
        body["probabilities"] = scored.probabilities
    body["model"] = model
    body["version"] = version
    return body


def violation_body(checked: RowsChecked, lines: Sequence[str]) -> dict[str, Any]:
    """The JSON body of a 422: the schema report's lines and every failing column and keyword."""
    return {
        "detail": list(lines),
        "rows": checked.rows,
        "failing_rows": checked.failing_rows,
        "missing_columns": list(checked.missing_columns),
        "unexpected_columns": list(checked.unexpected_columns),
        "violations": [
            {
                "column": v.column,
                "keyword": v.keyword,
                "expected": v.expected,
                "count": v.count,
                "rows": list(v.rows),
                "values": [_json_value(value) for value in v.values],
            }
            for v in checked.violations
        ],
    }
