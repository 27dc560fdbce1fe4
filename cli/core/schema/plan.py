"""Plans: which keywords of a row schema are vectorised, which fall back to jsonschema."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass

VECTORISED = frozenset(
    {
        "type",
        "enum",
        "const",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minLength",
        "maxLength",
        "pattern",
        "format",
    }
)
ANNOTATIONS = frozenset(
    {
        "$schema",
        "$id",
        "$anchor",
        "$comment",
        "$defs",
        "definitions",
        "title",
        "description",
        "default",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "contentMediaType",
        "contentEncoding",
        "x-mlvc",
    }
)
ROW_VECTORISED = frozenset({"type", "properties", "required", "additionalProperties"})


@dataclass(frozen=True)
class ColumnPlan:
    """How one property's subschema is checked."""

    vectorised: tuple[tuple[str, Any], ...]
    # checked per cell by jsonschema, descending from the row schema as ``properties`` does
    residual: Mapping[str, Any] | bool | None
    full: Mapping[str, Any] | bool  # the whole subschema (for inexact cells)


@dataclass(frozen=True)
class Plan:
    """A compiled schema: per-column plans, structural rules and the per-row residual."""

    columns: dict[str, ColumnPlan]  # every column of the file, including extra ones
    missing_required: tuple[str, ...]
    unexpected: tuple[str, ...]  # columns rejected by additionalProperties: false
    root_type_fails: bool
    row_residual: Mapping[str, Any] | None
    table_rules: Mapping[str, Any] = field(default_factory=dict)


def _is_vectorisable(keyword: str, value: Any) -> bool:
    if keyword == "type":
        names = value if isinstance(value, list) else [value]
        return all(isinstance(n, str) for n in names)
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if keyword in ("minLength", "maxLength"):
        return isinstance(value, int) and not isinstance(value, bool)
    if keyword in ("pattern", "format"):
        return isinstance(value, str)
    return keyword in ("enum", "const") and (keyword == "const" or isinstance(value, list))


def plan_column(subschema: Any) -> ColumnPlan:
    """Split a property subschema into vectorised keywords and a jsonschema residual."""
    if isinstance(subschema, bool):
        return ColumnPlan((), None if subschema else False, subschema)
    vectorised = tuple(
        (k, v) for k, v in subschema.items() if k in VECTORISED and _is_vectorisable(k, v)
    )
    done = {k for k, _ in vectorised} | ANNOTATIONS
    residual = {k: v for k, v in subschema.items() if k not in done}
    if residual and "$id" in subschema:  # the residual stays in its own resource's scope
        residual["$id"] = subschema["$id"]
    return ColumnPlan(vectorised, residual or None, subschema)


def compile_plan(schema: Mapping[str, Any] | bool, columns: list[str]) -> Plan:
    """Compile ``schema`` (one row) for a file with ``columns``."""
    if isinstance(schema, bool):
        everything = {c: ColumnPlan((), None, True) for c in columns}
        return Plan(everything, (), (), False, None if schema else {"not": {}})
    if "unevaluatedProperties" in schema or "patternProperties" in schema:
        # these interact with properties/additionalProperties: let jsonschema do the lot
        residual = {k: v for k, v in schema.items() if k not in ANNOTATIONS}
        plain = {c: ColumnPlan((), None, True) for c in columns}
        return Plan(plain, (), (), False, residual, schema.get("x-mlvc", {}))
    properties = schema.get("properties", {})
    extra_schema = schema.get("additionalProperties", True)
    plans: dict[str, ColumnPlan] = {}
    unexpected: list[str] = []
    for column in columns:
        if column in properties:
            plans[column] = plan_column(properties[column])
        elif extra_schema is False:
            unexpected.append(column)
            plans[column] = ColumnPlan((), None, True)
        else:
            plans[column] = plan_column(extra_schema)
    required = schema.get("required", [])
    root_type = schema.get("type")
    root_type_fails = root_type is not None and "object" not in (
        root_type if isinstance(root_type, list) else [root_type]
    )
    residual = {k: v for k, v in schema.items() if k not in ROW_VECTORISED and k not in ANNOTATIONS}
    return Plan(
        columns=plans,
        missing_required=tuple(c for c in required if c not in columns),
        unexpected=tuple(unexpected),
        root_type_fails=root_type_fails,
        row_residual=residual or None,
        table_rules=schema.get("x-mlvc", {}),
    )
