"""The CLI reference (docs/cli.md) is generated from the app and must be current; the
README's quick start and its links into docs/ must hold."""

from __future__ import annotations

import os
import re
from pathlib import Path

from cli.docs import REFERENCE, updated_reference

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_is_current() -> None:
    text = (ROOT / REFERENCE).read_text()
    assert updated_reference(text) == text, (
        f"run `python -m cli.docs` (make docs) and commit {REFERENCE}"
    )


def test_quick_start_commands_exist_in_makefile() -> None:
    text = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "make run" in text and "make test" in text
    assert "\nrun:" in makefile and "\ntest:" in makefile
    ci = (ROOT / ".ci" / "run").read_text()
    assert "make test" in ci
    assert os.access(ROOT / ".ci" / "run", os.X_OK)


def anchors(text: str) -> set[str]:
    """GitHub's anchors of a Markdown file's headings (outside fenced code)."""
    found, fenced = set(), False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            found.add(re.sub(r"[^\w\- ]", "", title).replace(" ", "-"))
    return found


def test_readme_links_every_document_and_every_link_resolves() -> None:
    """Each file of docs/ is reachable from the README; no relative link or anchor points
    nowhere."""
    readme = (ROOT / "README.md").read_text()
    linked = set(re.findall(r"\]\((docs/[^)#]+)", readme))
    assert linked == {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    for document in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        text = document.read_text()
        for target, anchor in re.findall(r"\]\(([^)#:]*)(?:#([^)]*))?\)", text):
            path = (document.parent / target) if target else document
            assert path.exists(), f"{document.name}: broken link {target}"
            if anchor:
                assert anchor in anchors(path.read_text()), (
                    f"{document.name}: no #{anchor} in {target}"
                )


def test_readme_stays_short() -> None:
    """Internals live in docs/; the README is what a newcomer reads first."""
    assert len((ROOT / "README.md").read_text().splitlines()) <= 300
