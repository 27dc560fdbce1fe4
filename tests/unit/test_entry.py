"""The console script's entry: which command lines start the registry's git call early."""

from __future__ import annotations

import fcntl
import subprocess
import sys
from pathlib import Path

import pytest

from cli.adapters.startup import LISTING_PIPE_BYTES, start_tag_listing
from cli.entry import listing_folder

HERE = Path(".").absolute()


@pytest.mark.parametrize(
    ("argv", "folder"),
    [
        (["registry"], HERE),
        (["registry", "--format", "json"], HERE),
        (["registry", "-f", "text", "--repo", "/srv/models"], Path("/srv/models")),
        (["registry", "--repo=sub", "--format=json"], HERE / "sub"),
    ],
)
def test_a_registry_listing_starts_git_in_the_folder_it_lists(
    argv: list[str], folder: Path
) -> None:
    assert listing_folder(argv) == folder


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["release"],
        ["registry", "--help"],
        ["registry", "-h"],
        ["registry", "history", "m"],
        ["registry", "--repo"],  # the app reports the missing value
        ["registry", "--traceback"],
        ["--traceback", "registry"],
    ],
)
def test_any_other_command_line_starts_nothing(argv: list[str]) -> None:
    assert listing_folder(argv) is None


# Runs the console entry with the app replaced by a probe of the collector's state.
PROBE_COLLECTOR = r"""
import gc, sys
import cli.app
cli.app.main = lambda **_: print(gc.isenabled(), gc.get_freeze_count() > 0)
sys.argv = ["mlvc", "--version"]
from cli.entry import main
main()
"""


def test_the_command_runs_collected_with_the_start_up_objects_frozen() -> None:
    """The collections a command triggers never walk the objects its imports built."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE_COLLECTOR], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["True", "True"], done.stderr


@pytest.mark.skipif(not hasattr(fcntl, "F_GETPIPE_SZ"), reason="pipe capacity is Linux's")
def test_the_started_listing_is_not_held_up_by_a_full_pipe(tmp_path: Path) -> None:
    """git writes a large listing while Python imports: its pipe holds a megabyte."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    listing = start_tag_listing(tmp_path)
    try:
        assert listing.child.stdout is not None
        capacity = fcntl.fcntl(listing.child.stdout.fileno(), fcntl.F_GETPIPE_SZ)
        assert capacity >= LISTING_PIPE_BYTES == 1 << 20
    finally:
        listing.discard()
