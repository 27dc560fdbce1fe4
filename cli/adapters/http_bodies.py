"""The bodies of ``mlvc serve``'s ``/predict``: the request it reads, the errors it answers.

The routes (:mod:`cli.adapters.http_server`) call these. A body is read up to a byte
limit, never past it (a declared or a streamed length over it is refused before more
arrives); an error body is ``{"detail": ...}``, as FastAPI's own; a contract's
violations come back as the lines of a :class:`cli.results.schema.SchemaReport`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import Request
    from starlette.responses import Response

    from cli.core.schema.checker import PatternTimedOut
    from cli.core.serving import RowsChecked
    from cli.results.schema import SchemaReport


class BodyTooLarge(Exception):
    """A request body past the limit (answered with 413)."""


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused past ``limit`` bytes before more is read."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def request_report(checked: RowsChecked, contract_name: str) -> SchemaReport:
    """The check of a request's rows as the report ``mlvc schema check`` renders."""
    from cli.results.schema import SchemaReport

    return SchemaReport(
        data="request",
        schema=contract_name,
        rows=checked.rows,
        failing_rows=checked.failing_rows,
        missing_columns=checked.missing_columns,
        unexpected_columns=checked.unexpected_columns,
        violations=checked.violations,
        table_rules=(),
    )


def plain_lines(report: SchemaReport) -> list[str]:
    """Violations as lines, when the caller gave no renderer."""
    return [
        f"{v.column}: {v.keyword} {v.expected}: {v.count} row(s) fail" for v in report.violations
    ]


def pattern_body(exc: PatternTimedOut) -> dict[str, Any]:
    """The 422 body of a value on which a contract's pattern outlived its time budget."""
    from cli.errors import PatternTooSlow

    error = PatternTooSlow("request", exc.pattern, exc.column, exc.seconds)
    return {
        "detail": [error.message, f"hint: {error.hint}"] if error.hint else [error.message],
        "column": exc.column,
        "keyword": "pattern",
        "expected": exc.pattern,
    }


def error_response(status: int, detail: str) -> Response:
    """A JSON error response: ``{"detail": detail}`` with ``status``."""
    from fastapi.responses import JSONResponse

    return JSONResponse({"detail": detail}, status_code=status)
