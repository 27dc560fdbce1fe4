"""Every shell recipe of the README and of docs/ runs as written, in order, in a temporary clone.

The convention (docs/development.md, "Working on mlvc"):

- a ```bash block is a recipe: each line that is not blank or a comment is one command,
  run with ``bash -e -o pipefail -c`` from the clone's root, that must exit 0, or N when
  its trailing comment says ``exits N``;
- a ```bash block right after ``<!-- recipe: skip (why) -->`` is not run (it needs the
  network, GitHub or a fresh install); the test prints each skipped block and its reason;
- ```text, ```yaml and the other blocks are never run.

The documents run in the groups of ``RECIPE_GROUPS``, each group in its own clone, its
documents in order (the registry recipe continues the drift recipe's releases); a
document of docs/ with a recipe that no group lists fails the test. Before the first
recipe the clone gets what ``make run`` would give it offline: its ``dvc repro``.
``/tmp/`` in a recipe is the test's own temporary folder. The clone is made from this
working tree's files, pushed to a local bare git remote (``origin``), with
``.dvc/config``'s ``local`` DVC remote beside it, an isolated HOME and git identity, and
this venv's ``bin`` first on PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.isolation import isolated_git_env

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
# Each group runs in a fresh clone: the README's tutorial retargets the project to the
# wine data, while the documents of docs/ continue one another on the penguins.
RECIPE_GROUPS: dict[str, tuple[str, ...]] = {
    "readme": ("README.md",),
    "docs": (
        "docs/data-contracts.md",
        "docs/drift.md",
        "docs/registry.md",
        "docs/pipeline.md",
        "docs/reports.md",
    ),
}
SKIP = re.compile(r"<!--\s*recipe:\s*skip\s*\((?P<why>[^)]*)\)\s*-->")
EXITS = re.compile(r"#.*\bexits (?P<code>\d+)\b")


@dataclass(frozen=True)
class Block:
    """A ```bash block of the README: its first line number, section, commands, skip reason."""

    line: int
    section: str
    commands: tuple[str, ...]
    skip: str | None


def bash_blocks(text: str) -> list[Block]:
    """The README's ```bash blocks, in order."""
    blocks: list[Block] = []
    lines = text.splitlines()
    section, number = "", 0
    while number < len(lines):
        line = lines[number]
        if line.startswith("#"):
            section = line.lstrip("#").strip()
        if line.startswith("```"):
            fence = line
            end = number + 1
            while not lines[end].startswith("```"):
                end += 1
            if fence.strip() == "```bash":
                before = next((lines[i] for i in range(number - 1, -1, -1) if lines[i].strip()), "")
                skip = SKIP.search(before)
                body = [
                    c
                    for c in lines[number + 1 : end]
                    if c.strip() and not c.lstrip().startswith("#")
                ]
                blocks.append(
                    Block(number + 1, section, tuple(body), skip.group("why") if skip else None)
                )
            number = end
        number += 1
    return blocks


def expected_code(command: str) -> int:
    found = EXITS.search(command)
    return int(found.group("code")) if found else 0


def test_bash_blocks_are_found() -> None:
    """The parser itself: skip markers, comments, expected codes (fast, no clone)."""
    text = (
        "# A\n\n<!-- recipe: skip (needs GitHub) -->\n```bash\ngit push\n```\n"
        "## B\n```bash\n# a comment\nmlvc drift -r a -c b   # exits 1\n\nmlvc registry\n```\n"
        "```text\nmlvc release [--push]\n```\n"
    )
    first, second = bash_blocks(text)
    assert (first.section, first.skip, first.commands) == ("A", "needs GitHub", ("git push",))
    assert second.section == "B" and second.skip is None
    assert [expected_code(c) for c in second.commands] == [1, 0]


def tracked_files() -> list[str]:
    listing = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in listing.stdout.splitlines() if (ROOT / line).is_file()]


def sh(argv: list[str], cwd: Path, env: dict[str, str]) -> None:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    assert done.returncode == 0, f"{argv} exited {done.returncode}\n{done.stdout}\n{done.stderr}"


def make_clone(base: Path, env: dict[str, str]) -> Path:
    """This working tree's files committed as ``main``, pushed to a bare remote, cloned."""
    source = base / "source"
    for name in tracked_files():
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    sh(["git", "init", "-q", "-b", "main"], source, env)
    sh(["git", "add", "-A"], source, env)
    sh(["git", "commit", "-q", "-m", "snapshot"], source, env)
    sh(["git", "clone", "-q", "--bare", str(source), str(base / "origin.git")], base, env)
    sh(["git", "clone", "-q", str(base / "origin.git"), str(base / "clone")], base, env)
    clone = base / "clone"
    # DVC's per-user site cache (repository locks, index) stays inside this test's folder
    sh(["dvc", "config", "--local", "core.site_cache_dir", str(base / "site-cache")], clone, env)
    return clone


def test_every_recipe_is_in_a_group() -> None:
    """A document with a ```bash recipe that no group runs would go stale unseen."""
    grouped = {name for names in RECIPE_GROUPS.values() for name in names}
    documents = ["README.md", *(f"docs/{p.name}" for p in sorted((ROOT / "docs").glob("*.md")))]
    with_recipes = {
        name
        for name in documents
        if any(b.skip is None for b in bash_blocks((ROOT / name).read_text(encoding="utf-8")))
    }
    assert with_recipes == grouped


def run_block(block: Block, where: str, clone: Path, scratch: Path, env: dict[str, str]) -> None:
    """Each command of the block, from the clone's root, with its expected exit code."""
    for command in block.commands:
        runnable = command.replace("/tmp/", f"{scratch}/")
        done = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", runnable],
            cwd=clone,
            env=env,
            capture_output=True,
            text=True,
        )
        assert done.returncode == expected_code(command), (
            f"{where}: `{command}` exited {done.returncode}, "
            f"expected {expected_code(command)}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )


@pytest.mark.parametrize("group", sorted(RECIPE_GROUPS))
def test_recipes_run_as_written(tmp_path: Path, group: str) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, **isolated_git_env(tmp_path / "home"), "TMPDIR": str(scratch)}
    clone = make_clone(tmp_path, env)
    sh(["dvc", "repro"], clone, env)  # what `make run` gives a fresh clone, offline
    ran = skipped = 0
    for name in RECIPE_GROUPS[group]:
        blocks = bash_blocks((ROOT / name).read_text(encoding="utf-8"))
        assert blocks, f"no ```bash block in {name}"
        for block in blocks:
            where = f"{name} line {block.line} ({block.section})"
            if block.skip is not None:
                print(f"skipped {where}: {block.skip}")
                skipped += 1
                continue
            run_block(block, where, clone, scratch, env)
            print(f"ran {where}: {len(block.commands)} command(s)")
            ran += 1
    print(f"{ran} recipe block(s) ran, {skipped} skipped")
    assert ran > 0
