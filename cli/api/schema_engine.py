"""What ``check_schema`` and ``predict_table`` share around the schema engine
(:mod:`cli.core.schema`): its failures as named errors, and the report of a checker fed
every chunk of a table.

Not a feature: ``cli.api`` re-exports none of it. Both import it inside the functions
that check a table, so importing ``cli.api`` does not load it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cli.core.schema.checker import SchemaChecker
    from cli.results.schema import SchemaReport


def schema_report(checker: SchemaChecker, *, data: str, schema: str) -> SchemaReport:
    """The report of a checker that has been fed every chunk of ``data``."""
    from cli.results.schema import SchemaReport

    return SchemaReport(
        data=data,
        schema=schema,
        rows=checker.rows,
        failing_rows=checker.failing_rows,
        missing_columns=checker.plan.missing_required,
        unexpected_columns=checker.plan.unexpected,
        violations=tuple(checker.violations()),
        table_rules=tuple(checker.table_rules()),
    )


@contextlib.contextmanager
def engine_errors(data: str, schema: str) -> Iterator[None]:
    """The schema engine's failures while checking ``data`` as named ToolkitErrors."""
    from referencing.exceptions import PointerToNowhere, Unresolvable

    from cli.core.schema.cells import CellIntegerTooLong
    from cli.core.schema.checker import PatternTimedOut
    from cli.errors import CellNumberTooLong, PatternTooSlow, SchemaRefLoop, SchemaRefUnresolvable

    try:
        yield
    except PatternTimedOut as exc:
        raise PatternTooSlow(data, exc.pattern, exc.column, exc.seconds) from None
    except CellIntegerTooLong as exc:
        raise CellNumberTooLong(data, str(exc.column), exc.row, exc.digits) from None
    except Unresolvable as exc:  # a reference the static check could not see (e.g. via "#/x")
        cause = exc.__cause__ or exc
        ref = str(getattr(cause, "ref", "?"))
        if isinstance(cause, PointerToNowhere):  # it holds the fragment alone
            ref = f"#{ref}"
        raise SchemaRefUnresolvable(schema, ref) from None
    except RecursionError:
        raise SchemaRefLoop(schema) from None
