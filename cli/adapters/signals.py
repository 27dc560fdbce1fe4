"""Signal handlers for every command: SIGINT, SIGTERM and SIGHUP become exceptions.

Process state at the edge: only the CLI installs them (around one command), so a
library caller of ``cli.api`` keeps its own handlers. Inside, each signal raises
:class:`cli.errors.Interrupted` (a ``KeyboardInterrupt``) in the main thread, so
``try``/``except BaseException`` blocks undo half-done work (a local tag) as they
do for Ctrl-C, and the subprocess adapter stops the running child and its children.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

from cli.errors import CommandInterrupted, Interrupted

SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


@contextmanager
def signals_as_interrupts() -> Iterator[None]:
    """Within the block, the first SIGINT/SIGTERM/SIGHUP raises Interrupted; later are ignored.

    Every command runs inside it (the CLI's funnel): a ``kill`` or a closed terminal
    then unwinds the command as Ctrl-C does, so its cleanup runs (an unfinished output's
    temporary file is removed, a child process stopped) and the funnel reports the
    signal in one line with 128 + its number. Later signals are ignored until the block
    ends, so that cleanup cannot itself be cut short. Off the main thread the block runs
    without handlers (they can only be set there). The previous handlers are restored
    on exit.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    raised = False

    def handler(signum: int, _frame: FrameType | None) -> None:
        nonlocal raised
        if raised:
            return
        raised = True
        raise Interrupted(signum, signal.Signals(signum).name)

    previous = {signum: signal.signal(signum, handler) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)


@contextmanager
def interrupts_as_exceptions(*, next_step: str | None = None) -> Iterator[None]:
    """Within the block, the first SIGINT/SIGTERM/SIGHUP raises Interrupted; later are ignored.

    Later signals are ignored until the block ends, so the cleanup that the first one
    started (deleting a local tag, stopping a child) cannot itself be cut short. An
    Interrupted that no one turned into a clearer error leaves the block as
    CommandInterrupted (one line, exit 128 + the signal's number) whose hint is
    ``next_step`` (by default, a registry command's). The previous handlers are
    restored on exit.
    """
    try:
        with signals_as_interrupts():
            yield
    except Interrupted as exc:
        raise CommandInterrupted(exc.name, exc.signum, hint=next_step) from None


@contextmanager
def serving_signals(*, stop: Callable[[], None], reload: Callable[[], None]) -> Iterator[None]:
    """Within the block, SIGINT and SIGTERM call ``stop`` and SIGHUP calls ``reload``.

    For ``mlvc serve``: the server stops after the requests in flight (a second signal
    stops it at once; ``stop`` decides) and reloads its model on SIGHUP. The callbacks
    run in the main thread between two bytecodes, so they must only set a flag or start
    a thread, never wait. Off the main thread the block runs without them (handlers can
    only be set there). The previous handlers are restored on exit.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = {signal.SIGINT: stop, signal.SIGTERM: stop}
    if hasattr(signal, "SIGHUP"):
        wanted[signal.SIGHUP] = reload

    def handler(signum: int, _frame: FrameType | None) -> None:
        wanted[signal.Signals(signum)]()

    previous = {signum: signal.signal(signum, handler) for signum in wanted}
    try:
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old)
