"""Infer a readable row schema (JSON Schema Draft 2020-12) from a table, chunk by chunk."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cli.core.schema.cells import BOOLEAN, NULL, NUMBER, OTHER, STRING
from cli.core.schema.columns import to_cells

MAX_ENUM = 20  # strings with at most this many distinct values become an enum
DRAFT = "https://json-schema.org/draft/2020-12/schema"


@dataclass
class _ColumnStats:
    rows: int = 0
    nulls: int = 0
    numbers: int = 0
    integers: int = 0
    strings: int = 0
    booleans: int = 0
    others: int = 0
    minimum: float = math.inf
    maximum: float = -math.inf
    distinct: set[str] = field(default_factory=set)
    too_many: bool = False
    formats: dict[str, bool] = field(default_factory=lambda: {"date": True, "date-time": True})


class SchemaInferrer:
    """Feed chunks with :meth:`feed`; :meth:`schema` returns the inferred schema."""

    def __init__(self, columns: list[str], *, as_text: bool) -> None:
        from jsonschema import Draft202012Validator

        self.columns = columns
        self.as_text = as_text
        self.stats = {c: _ColumnStats() for c in columns}
        self.rows = 0
        self._checker = Draft202012Validator.FORMAT_CHECKER

    def feed(self, table: Any) -> None:
        """Add one chunk (an Arrow table, or a mapping of column to JSON values)."""
        import numpy as np
        import pyarrow.compute as pc

        if isinstance(table, Mapping):
            columns, n = table, len(next(iter(table.values()), []))
        else:
            columns, n = {c: table.column(c) for c in self.columns}, table.num_rows
        for name in self.columns:
            cells, stats = to_cells(columns[name], as_text=self.as_text), self.stats[name]
            present = np.ones(n, bool) if cells.absent is None else ~cells.absent
            kind = cells.kind[present]
            stats.rows += int(present.sum())
            stats.nulls += int((kind == NULL).sum())
            numbers = present & (cells.kind == NUMBER)
            stats.numbers += int(numbers.sum())
            stats.integers += int((numbers & cells.is_int).sum())
            stats.booleans += int((kind == BOOLEAN).sum())
            stats.others += int((kind == OTHER).sum())
            stats.strings += int((kind == STRING).sum())
            if numbers.any():
                stats.minimum = min(stats.minimum, float(np.nanmin(cells.num[numbers])))
                stats.maximum = max(stats.maximum, float(np.nanmax(cells.num[numbers])))
            if (kind == STRING).any():
                distinct = [v for v in pc.unique(cells.text).to_pylist() if v is not None]
                for fmt, ok in stats.formats.items():
                    if ok:
                        stats.formats[fmt] = all(self._checker.conforms(v, fmt) for v in distinct)
                if not stats.too_many:
                    stats.distinct.update(distinct)
                    if len(stats.distinct) > MAX_ENUM:
                        stats.too_many, stats.distinct = True, set()
        self.rows += n

    def _property(self, stats: _ColumnStats) -> dict[str, Any]:
        types: list[str] = []
        if stats.numbers:
            types.append("integer" if stats.integers == stats.numbers else "number")
        if stats.strings:
            types.append("string")
        if stats.booleans:
            types.append("boolean")
        if stats.nulls:
            types.append("null")
        prop: dict[str, Any] = {"type": types[0] if len(types) == 1 else types}
        if not types:
            prop = {}
        if stats.numbers:
            prop["minimum"] = _number(stats.minimum)
            prop["maximum"] = _number(stats.maximum)
        # an enum lists every allowed value, so it fits only a column of strings (and nulls):
        # the strings of a column that also holds numbers or booleans are not all its values
        enumerable = (
            not stats.numbers
            and not stats.booleans
            and not stats.too_many
            and 2 * len(stats.distinct) <= stats.rows
        )
        if stats.strings:
            fmt = next((f for f in ("date", "date-time") if stats.formats[f]), None)
            if fmt is not None:
                prop["format"] = fmt
            elif enumerable:
                values: list[Any] = sorted(stats.distinct)
                prop["enum"] = [*values, None] if stats.nulls else values
        return prop

    def schema(self, *, title: str) -> dict[str, Any]:
        """The inferred schema: one property per column, all required, no others allowed."""
        properties = {c: self._property(s) for c, s in self.stats.items()}
        null_share = {
            c: math.ceil(min(1.0, max(2 * s.nulls / s.rows, s.nulls / s.rows + 0.05)) * 100) / 100
            for c, s in self.stats.items()
            if s.nulls and s.rows
        }
        return {
            "$schema": DRAFT,
            "title": title,
            "description": (
                "One row of the table. Inferred by `mlvc schema infer`; edit freely. "
                "x-mlvc holds table-level rules (min_rows, unique, max_null_share: "
                "inferred as twice the observed share, at least 5 points above it)."
            ),
            "type": "object",
            "properties": properties,
            "required": list(self.columns),
            "additionalProperties": False,
            "x-mlvc": {"min_rows": 1, "unique": [], "max_null_share": null_share},
        }


def pretty_json(document: Any) -> str:
    """Indented JSON with short lists of scalars on one line, for a file people edit."""
    import json
    import re

    text = json.dumps(document, indent=2, ensure_ascii=False)

    def collapse(match: re.Match[str]) -> str:
        items = [item.strip() for item in match.group(1).split(",\n")]
        one_line = "[" + ", ".join(items) + "]"
        return one_line if len(one_line) <= 80 else match.group(0)

    return re.sub(r"\[\n((?:\s+[^\[\]{}\n]+,\n)*\s+[^\[\]{}\n]+)\n\s*\]", collapse, text) + "\n"


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() and abs(value) < 2**53 else value
