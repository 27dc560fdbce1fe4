"""Validate a parameters document against its JSON Schema, collecting every problem."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator, validators
from jsonschema.exceptions import ValidationError
from jsonschema.protocols import Validator

from cli.core.numbers import finite_float


def _finite_number(checker: Any, instance: Any) -> bool:
    """JSON has no NaN or infinity; YAML's ``.nan``/``.inf`` are not numbers a parameter takes."""
    number = Draft202012Validator.TYPE_CHECKER.is_type(instance, "number")
    return number and finite_float(instance) is not None


# "number" in the params schema means a finite number: every threshold, share,
# tolerance and gate refuses NaN and infinities (which compare false with every
# bound, so no minimum/maximum keyword can refuse them) and integers too large
# for a float (which no float-valued code can use). "integer" already does.
# types-jsonschema leaves validators.extend unannotated; what it returns is a Validator class.
ParamsValidator: type[Validator] = validators.extend(  # type: ignore[no-untyped-call]
    Draft202012Validator,
    type_checker=Draft202012Validator.TYPE_CHECKER.redefine("number", _finite_number),
)


@dataclass(frozen=True)
class ParamProblem:
    """One way a parameters document breaks its schema."""

    key: str  # dotted path, e.g. "train.random_forest.n_estimators"; "" for the root
    got: str  # the value received, as JSON text ("" when the key is missing)
    allowed: str  # what the schema allows, in words

    @property
    def message(self) -> str:
        where = self.key or "(top level)"
        if self.got:
            return f"{where}: got {self.got}; allowed: {self.allowed}"
        return f"{where}: {self.allowed}"


def _dotted(path: Iterable[Any]) -> str:
    return ".".join(str(part) for part in path)


def _json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


# The most characters of a received value a problem quotes: enough to recognise it, and
# a problem stays one line however large the value (a whole file read as one string).
SHOWN_CHARS = 200


def _shown(value: Any) -> str:
    """``value`` as JSON text, cut to :data:`SHOWN_CHARS` with its full length named."""
    text = _json(value)
    if len(text) <= SHOWN_CHARS:
        return text
    return f"{text[:SHOWN_CHARS]}... ({len(text):,} characters)"


_TYPE_WORDS = {"number": "finite number"}

_BOUNDS = {
    "minimum": ">=",
    "maximum": "<=",
    "exclusiveMinimum": ">",
    "exclusiveMaximum": "<",
}


def _describe(error: ValidationError) -> ParamProblem:
    key = _dotted(error.absolute_path)
    # iter_errors sets all three; the stubs also allow the "unset" sentinel of a hand-built error.
    keyword = str(error.validator)
    value: Any = error.validator_value  # the keyword's argument in the schema: any JSON value
    instance: Any = error.instance
    schema = error.schema if isinstance(error.schema, Mapping) else {}
    if keyword == "required":
        missing = next(name for name in value if name not in instance)
        return ParamProblem(_dotted([*error.absolute_path, missing]), "", "missing; it is required")
    if keyword == "additionalProperties":
        known = sorted(schema.get("properties", {}))
        extra = sorted(set(instance) - set(known))
        return ParamProblem(
            _dotted([*error.absolute_path, extra[0]]) if extra else key,
            "an unknown key",
            f"one of {', '.join(known)}",
        )
    got = _shown(instance)
    if keyword == "type":
        types: list[str] = value if isinstance(value, list) else [value]
        return ParamProblem(key, got, " or ".join(_TYPE_WORDS.get(t, t) for t in types))
    if keyword in _BOUNDS:
        kind = schema.get("type", "number")
        kind = " or ".join(kind) if isinstance(kind, list) else kind
        return ParamProblem(key, got, f"{kind} {_BOUNDS[keyword]} {value}")
    if keyword == "enum":
        return ParamProblem(key, got, "one of " + ", ".join(_json(v) for v in value))
    if keyword in {"minItems", "maxItems", "minLength", "maxLength", "uniqueItems"}:
        return ParamProblem(key, got, f"{keyword} {value}")
    if "description" in schema:
        return ParamProblem(key, got, str(schema["description"]))
    return ParamProblem(key, got, f"{keyword} {_json(value)}")


def check_params_document(document: Any, schema: Mapping[str, Any]) -> list[ParamProblem]:
    """Return every schema violation of ``document``, ordered by key."""
    validator = ParamsValidator(schema)
    problems = [_describe(error) for error in validator.iter_errors(document)]
    return sorted(set(problems), key=lambda p: (p.key, p.allowed))
