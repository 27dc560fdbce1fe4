"""The one error funnel: a ToolkitError becomes one line on stderr and an exit code."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from cli.errors import ExitCode, ToolkitError


def _stderr_is_tty() -> bool:
    return sys.stderr.isatty()


def format_error(exc: ToolkitError, *, colour: bool = False) -> str:
    """``error: <what and where>`` plus the next step, on one line."""
    label = "\x1b[31merror\x1b[0m" if colour else "error"
    hint = f"; next: {exc.hint}" if exc.hint else ""
    return f"{label}: {exc.message}{hint}"


def report_unexpected(exc: BaseException) -> str:
    """One line for a failure the toolkit did not anticipate."""
    return (
        f"error: unexpected {type(exc).__name__}: {exc}; next: rerun with 'mlvc --traceback ...' "
        "and report it"
    )


@contextmanager
def exit_on_error(*, traceback: bool = False) -> Iterator[None]:
    """Turn ToolkitErrors (and anything unexpected) into one stderr line and ``SystemExit``.

    With ``traceback=True`` exceptions propagate unchanged, for debugging.
    """
    try:
        yield
    except ToolkitError as exc:
        if traceback:
            raise
        print(format_error(exc, colour=_stderr_is_tty()), file=sys.stderr)
        raise SystemExit(int(exc.exit_code)) from None
    except (KeyboardInterrupt, SystemExit):
        raise
    except Exception as exc:
        if traceback:
            raise
        print(report_unexpected(exc), file=sys.stderr)
        raise SystemExit(int(ExitCode.COULD_NOT_RUN)) from None
