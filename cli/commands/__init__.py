"""Thin Typer commands: parse options, call one ``cli.api`` function, render, exit.

``_shared`` is the commands' own (the ``--format`` option, the funnel decorator, ``emit``);
of it, only :class:`Settings`, the process-wide flags that the root app (:mod:`cli.app`)
sets and the commands read, is public, here.
"""

from cli.commands._shared import Settings

__all__ = ["Settings"]
