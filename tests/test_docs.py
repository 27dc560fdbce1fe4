"""The README's CLI reference is generated from the app and must be current."""

from __future__ import annotations

import os
from pathlib import Path

from cli.docs import updated_readme

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current() -> None:
    text = (ROOT / "README.md").read_text()
    assert updated_readme(text) == text, "run `python -m cli.docs` (make docs) and commit README.md"


def test_quick_start_commands_exist_in_makefile() -> None:
    text = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "make run" in text and "make test" in text
    assert "\nrun:" in makefile and "\ntest:" in makefile
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
