"""Colour for text output on a terminal: one helper every command's text goes through.

Status words (``ok``, ``FAIL``, ``DIFF``, ``DRIFT``, ``warning`` ...) are painted after a
text renderer built its plain lines, so renderers stay plain and JSON, Markdown and
GitHub output are never coloured. Whether to colour is decided once, at the edge, from
the stream being a terminal and the environment (https://no-color.org: ``NO_COLOR``
set to anything non-empty turns colour off; ``TERM=dumb`` too).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

RESET = "\x1b[0m"
GREEN = "\x1b[32m"
YELLOW = "\x1b[33m"
RED = "\x1b[31m"

# status word -> its colour; every text renderer spells statuses with these words
COLOURS: dict[str, str] = {
    "ok": GREEN,
    "warning": YELLOW,
    "FAIL": RED,
    "FAILED": RED,
    "DIFF": RED,
    "DRIFT": RED,
    "MISSING": RED,
    "NOT reproducible": RED,
}
# a status word standing alone: not part of a longer word, a path (ok.csv) or a key (ok_rate)
STATUS_RE = re.compile(
    r"(?<![\w.\-/])("
    + "|".join(re.escape(w) for w in sorted(COLOURS, key=len, reverse=True))
    + r")(?![\w\-/]|\.\w)"
)


def wants_colour(is_terminal: bool, environ: Mapping[str, str]) -> bool:
    """Colour only on a terminal, unless ``NO_COLOR`` is set (non-empty) or ``TERM=dumb``."""
    return is_terminal and not environ.get("NO_COLOR") and environ.get("TERM") != "dumb"


def paint(text: str) -> str:
    """``text`` with each status word wrapped in its ANSI colour."""
    return STATUS_RE.sub(lambda m: f"{COLOURS[m.group(1)]}{m.group(1)}{RESET}", text)


def error_label(colour: bool) -> str:
    """The ``error`` label of the error funnel's line, red when ``colour``."""
    return f"{RED}error{RESET}" if colour else "error"
