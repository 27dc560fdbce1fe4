"""The ``mlvc`` console script: process set-up at the edge, then the app.

It runs before Typer and the app are imported, so what it starts overlaps their import:

- the cyclic garbage collector is off while the app's modules load (imports build
  long-lived objects, which a collection would only walk); those objects are then
  frozen (moved to the permanent generation, which collections never walk) and the
  collector is on again before the command runs;
- ``mlvc registry``'s one git call (``git for-each-ref``) starts at once in the folder
  the listing reads; the command takes its output (``cli.api.registry(started=...)``).
  Any other command line starts nothing.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cli.adapters.startup import TagListing

_VALUED = ("--repo", "--format", "-f")


def listing_folder(argv: Sequence[str]) -> Path | None:
    """The folder ``mlvc registry [--repo PATH] [--format F]`` lists; None for other lines.

    Help, a subcommand (``registry history``) or any other option: None, so the app
    parses the line as usual.
    """
    if not argv or argv[0] != "registry":
        return None
    folder, rest = ".", list(argv[1:])
    while rest:
        arg = rest.pop(0)
        name, has_value, value = arg.partition("=")
        if name not in _VALUED or (not has_value and not rest):
            return None
        if not has_value:
            value = rest.pop(0)
        if name == "--repo":
            folder = value
    try:
        return Path(folder).absolute()
    except OSError:  # the working folder is gone: the command reports it
        return None


def start_listing(argv: Sequence[str]) -> TagListing | None:
    """The registry's tag listing, started now when ``argv`` is a listing (else None)."""
    folder = listing_folder(argv)
    if folder is None or not folder.is_dir():
        return None
    from cli.adapters.startup import start_tag_listing

    try:
        return start_tag_listing(folder)
    except Exception:  # the command itself then runs git and reports any failure
        return None


def main() -> None:
    """Console entry point (``mlvc``)."""
    gc.disable()
    listing = start_listing(sys.argv[1:])
    from cli.app import main as run_app

    gc.freeze()  # what the imports built lives as long as the process
    gc.enable()
    run_app(tag_listing=listing)
