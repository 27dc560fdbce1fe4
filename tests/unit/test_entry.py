"""The console script's entry: which command lines start the registry's git call early."""

from __future__ import annotations

from pathlib import Path

import pytest

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
