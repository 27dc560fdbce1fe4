"""Outcomes of ``mlvc schema check`` and ``mlvc schema infer``.

A leaf: imports nothing from ``cli`` at run time (core types only for annotations).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cli.core.schema.findings import TableRule, Violation


@dataclass(frozen=True)
class SchemaReport:
    """Outcome of checking a data file against a row schema."""

    data: str
    schema: str
    rows: int
    failing_rows: int
    missing_columns: tuple[str, ...]  # required by the schema, absent from the file
    unexpected_columns: tuple[str, ...]  # present in the file, refused by additionalProperties
    violations: tuple[Violation, ...]
    table_rules: tuple[TableRule, ...]

    @property
    def ok(self) -> bool:
        return self.failing_rows == 0 and all(rule.ok for rule in self.table_rules)


@dataclass(frozen=True)
class SchemaInferred:
    """A schema inferred from a data file: written to disk, or held as text (``-o -``)."""

    data: str
    schema: str  # the file written, or "-" when nothing was written
    rows: int
    columns: tuple[str, ...]
    # the schema's JSON text when it was not written to a file (the caller prints it)
    document: str | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return True
