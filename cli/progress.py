"""A progress line on stderr for long work: shown only on a terminal, and only after a second."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Call with ``(done, total)``; prints ``label [#####.....] NN%`` to stderr when useful."""

    def __init__(self, label: str, *, stream: TextIO | None = None, delay: float = 1.0) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.start = time.monotonic()
        self.delay = delay
        self.shown = False
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.start < self.delay or total <= 0:
            return
        percent = min(100, int(100 * done / total))
        if percent == self._last:
            return
        self._last, self.shown = percent, True
        filled = percent // 4
        bar = "#" * filled + "." * (25 - filled)
        self.stream.write(f"\r{self.label} [{bar}] {percent:3d}%")
        self.stream.flush()

    def close(self) -> None:
        """End the progress line, if one was drawn."""
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
