"""Status words coloured on a terminal only: never piped, never with NO_COLOR, never in JSON."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.render import render
from cli.render.colour import GREEN, RED, RESET, YELLOW, paint, wants_colour
from cli.results.params import ParamsReport
from cli.results.release import Gate, Release

ROOT = Path(__file__).resolve().parents[2]
MLVC = str(Path(sys.executable).with_name("mlvc"))
GATES = (Gate("clean work tree", True, "nothing to commit"), Gate("accuracy", False, "0.5 < 0.9"))
RELEASE = Release("m", "v0.0.1", "m@v0.0.1", "a" * 40, GATES, False, False, False, None)


def test_text_paints_ok_green_and_fail_red() -> None:
    text = render(RELEASE, "text", colour=True)
    assert f"{GREEN}ok{RESET}" in text and f"{RED}FAIL{RESET}" in text
    assert render(RELEASE, "text") == render(RELEASE, "text", colour=False)
    assert "\x1b[" not in render(RELEASE, "text")


@pytest.mark.parametrize("fmt", ["json", "markdown"])
def test_json_and_markdown_are_never_coloured(fmt: str) -> None:
    report = ParamsReport("params.yaml", ())
    assert "\x1b[" not in render(report, fmt, colour=True)
    assert "\x1b[" not in render(RELEASE, "json", colour=True)
    assert json.loads(render(RELEASE, "json", colour=True))["ok"] is False


@pytest.mark.parametrize(
    ("line", "painted"),
    [
        ("  ok   stage: fine", f"  {GREEN}ok{RESET}   stage: fine"),
        ("DIFF train models/model.skops", f"{RED}DIFF{RESET} train models/model.skops"),
        ("island  warning  0.12", f"island  {YELLOW}warning{RESET}  0.12"),
        ("sex  DRIFT (psi)", f"sex  {RED}DRIFT{RESET} (psi)"),
        ("NOT reproducible: 1 of 9", f"{RED}NOT reproducible{RESET}: 1 of 9"),
        ("data/ok.csv book ok_rate okay", "data/ok.csv book ok_rate okay"),  # not statuses
    ],
)
def test_only_status_words_are_painted(line: str, painted: str) -> None:
    assert paint(line) == painted


@pytest.mark.parametrize(
    ("terminal", "environ", "expected"),
    [
        (True, {}, True),
        (True, {"NO_COLOR": "1"}, False),
        (True, {"NO_COLOR": ""}, True),  # no-color.org: set and non-empty
        (True, {"TERM": "dumb"}, False),
        (False, {}, False),
    ],
)
def test_colour_needs_a_terminal_and_no_no_color(
    terminal: bool, environ: dict[str, str], expected: bool
) -> None:
    assert wants_colour(terminal, environ) is expected


def _params_check(*, tty: bool, no_color: bool) -> str:
    """``mlvc params check`` on the repository's params.yaml, stdout a pty or a pipe."""
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
    env["TERM"] = "xterm"
    if no_color:
        env["NO_COLOR"] = "1"
    argv = [MLVC, "params", "check"]
    if not tty:
        done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, timeout=60)
        return done.stdout.decode()
    leader, follower = os.openpty()
    try:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=follower, stderr=follower)
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the pty closed: the command exited
                break
            if not chunk:
                break
            chunks.append(chunk)
        process.wait(timeout=60)
    finally:
        os.close(leader)
    return b"".join(chunks).decode()


def test_a_terminal_gets_colour_a_pipe_and_no_color_do_not() -> None:
    assert f"{GREEN}ok{RESET}" in _params_check(tty=True, no_color=False)
    assert "\x1b[" not in _params_check(tty=True, no_color=True)
    piped = _params_check(tty=False, no_color=False)
    assert "ok" in piped and "\x1b[" not in piped
