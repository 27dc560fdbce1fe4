"""The progress line: only on a terminal, only after the delay, ended with a newline."""

from __future__ import annotations

import io

from cli.progress import ProgressBar


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_after_the_delay() -> None:
    stream = FakeTerminal()
    bar = ProgressBar("checking data.csv", stream=stream, delay=0.0)
    bar(50, 200)
    bar(50, 200)  # same percentage: not redrawn
    bar(200, 200)
    bar.close()
    assert stream.getvalue() == (
        "\rchecking data.csv [######...................]  25%"
        "\rchecking data.csv [#########################] 100%\n"
    )


def test_no_progress_before_the_delay_or_off_a_terminal() -> None:
    quick = FakeTerminal()
    bar = ProgressBar("x", stream=quick, delay=60.0)
    bar(1, 2)
    bar.close()
    assert quick.getvalue() == ""
    piped = io.StringIO()
    bar = ProgressBar("x", stream=piped, delay=0.0)
    bar(1, 2)
    bar.close()
    assert piped.getvalue() == ""
