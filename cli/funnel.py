"""The one error funnel: a ToolkitError becomes one line on stderr and an exit code."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from cli.errors import CommandStopped, ExitCode, ToolkitError


def _stderr_is_tty() -> bool:
    """Whether the error line may be coloured: stderr is a terminal and NO_COLOR is unset."""
    from cli.render.colour import wants_colour

    return wants_colour(sys.stderr.isatty(), os.environ)


def format_error(exc: ToolkitError, *, colour: bool = False) -> str:
    """``error: <what and where>`` plus the next step, on one line."""
    from cli.render.colour import error_label

    label = error_label(colour)
    hint = f"; next: {exc.hint}" if exc.hint else ""
    return f"{label}: {exc.message}{hint}"


def print_error(exc: ToolkitError) -> None:
    """Print ``exc`` as its one line on stderr (coloured on a terminal)."""
    print(format_error(exc, colour=_stderr_is_tty()), file=sys.stderr)


# The environment switch that makes a pipeline stage show the traceback of an error
# (a stage runs as ``python -m stages.X`` under ``dvc repro``: it has no --traceback option).
TRACEBACK_SWITCH = "MLVC_TRACEBACK"
RERUN_COMMAND = "mlvc --traceback ..."


def report_unexpected(exc: BaseException, *, rerun: str = RERUN_COMMAND) -> str:
    """One line for a failure the toolkit did not anticipate; ``rerun`` shows the traceback."""
    return (
        f"error: unexpected {type(exc).__name__}: {exc}; next: rerun with '{rerun}' and report it"
    )


def _closed_pipe() -> int:
    """The exit code of a command whose output pipe closed: 128 + SIGPIPE, and no message.

    As a process that SIGPIPE killed: the reader asked for no more, so nothing is wrong
    to report. Standard output then points at the null device, so that the interpreter's
    last flush of what is still buffered fails no more.
    """
    import signal

    try:
        target = sys.stdout.fileno()
    except (OSError, ValueError):  # not a file (a test runner's buffer): nothing to flush
        target = None
    if target is not None:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, target)
        os.close(devnull)
    return 128 + int(getattr(signal, "SIGPIPE", 13))


def _stopped(exc: KeyboardInterrupt) -> CommandStopped:
    """The one-line error of a command a signal stopped (SIGINT unless ``exc`` names another)."""
    import signal

    signum = int(getattr(exc, "signum", signal.SIGINT))
    return CommandStopped(signal.Signals(signum).name, signum)


@contextmanager
def stage_errors(stage: str, environ: Mapping[str, str]) -> Iterator[None]:
    """The error funnel of a pipeline stage's ``main()``.

    ``MLVC_TRACEBACK=1`` in ``environ`` (the stage's environment, read by its entry
    point) lets exceptions propagate with their traceback; otherwise an unexpected
    error says to rerun the stage with that switch.
    """
    traceback = environ.get(TRACEBACK_SWITCH, "") not in ("", "0")
    rerun = f"{TRACEBACK_SWITCH}=1 dvc repro {stage}"
    with exit_on_error(traceback=traceback, rerun=rerun):
        yield


@contextmanager
def exit_on_error(*, traceback: bool = False, rerun: str = RERUN_COMMAND) -> Iterator[None]:
    """Turn ToolkitErrors (and anything unexpected) into one stderr line and ``SystemExit``.

    With ``traceback=True`` exceptions propagate unchanged, for debugging; ``rerun`` is
    the command line that does that, named in the line of an unexpected error. A
    ``KeyboardInterrupt`` (Ctrl-C) is one line too, with the shell's exit code for the
    signal (130 for SIGINT); the atomic writers have already removed any unfinished file.
    """
    try:
        yield
    except ToolkitError as exc:
        if traceback:
            raise
        print_error(exc)
        raise SystemExit(int(exc.exit_code)) from None
    except KeyboardInterrupt as exc:  # Ctrl-C, or a signal the CLI turned into Interrupted
        if traceback:
            raise
        stopped = _stopped(exc)
        print_error(stopped)
        raise SystemExit(int(stopped.exit_code)) from None
    except SystemExit:
        raise
    except BrokenPipeError:  # the reader of stdout is gone (`mlvc predict ... | head`)
        if traceback:
            raise
        raise SystemExit(_closed_pipe()) from None
    except Exception as exc:
        if traceback:
            raise
        print(report_unexpected(exc, rerun=rerun), file=sys.stderr)
        raise SystemExit(int(ExitCode.COULD_NOT_RUN)) from None
