"""Every Markdown output of every command renders as GitHub does: tables parse as tables.

Each command whose ``--format`` takes ``markdown`` (``schema check``, ``params check``,
``drift``, ``report``) runs through the CLI on inputs that fill every section of its
report, with a ``|`` in the values; the output goes through markdown-it-py with GFM's
table extension. A table glued to the line before it (a bullet, a paragraph) parses as
text showing raw pipes, and an unescaped ``|`` in a cell shifts the cells after it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import palmerpenguins
import pytest
import yaml
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from cli.app import app

ROOT = Path(__file__).resolve().parent.parent
REPORT_FIXTURES = ROOT / "tests/fixtures/report"
runner = CliRunner()

# A table's delimiter row: cells of dashes (with optional colons) between pipes.
DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)+\|?\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


def unescaped_pipes(line: str) -> int:
    """The cell separators of a table row (GFM splits on every ``|`` not escaped as ``\\|``)."""
    return len(re.findall(r"(?<!\\)\|", line.strip().strip("|"))) + 1


def delimiter_lines(text: str) -> list[int]:
    """Indices of the lines outside fenced code that are table delimiter rows."""
    found, fenced = [], False
    for number, line in enumerate(text.splitlines()):
        if FENCE.match(line):
            fenced = not fenced
        elif not fenced and DELIMITER.match(line):
            found.append(number)
    return found


def assert_tables_render(text: str) -> int:
    """Every block of pipe lines is a GFM table whose rows have the header's cell count.

    Returns the number of tables.
    """
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    lines = text.splitlines()
    tables = [t for t in tokens if t.type == "table_open"]
    starts = sorted(t.map[0] + 1 for t in tables if t.map)  # the delimiter follows the header
    assert starts == delimiter_lines(text), f"pipe lines that are not a table:\n{text}"
    for token in tokens:
        if token.type in ("inline", "html_block"):
            stray = [line for line in token.content.splitlines() if DELIMITER.match(line)]
            assert not stray, f"a table parsed as {token.type}: {stray}\n{text}"
    for table in tables:
        assert table.map is not None
        rows = lines[table.map[0] : table.map[1]]
        width = unescaped_pipes(rows[0])
        assert [unescaped_pipes(row) for row in rows] == [width] * len(rows), "\n".join(rows)
    return len(tables)


def markdown(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code in (0, 1), result.output
    return result.stdout


def test_the_checker_catches_a_table_glued_to_a_bullet() -> None:
    glued = "- unexpected column(s): x\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    with pytest.raises(AssertionError, match="not a table"):
        assert_tables_render(glued)
    with pytest.raises(AssertionError):
        assert_tables_render("| a | b |\n|---|---|\n| `x|y` | 2 |\n")
    assert assert_tables_render("text\n\n| a | b |\n|---|---|\n| `x\\|y` | 2 |\n") == 1


@pytest.mark.parametrize("structural", [True, False])
def test_schema_check(tmp_path: Path, structural: bool) -> None:
    schema = {
        "type": "object",
        "properties": {
            "a": {"type": "integer", "maximum": 5},
            "b": {"type": "string", "pattern": "^[a-z]+$"},
            "gone": {"type": "string"},
        },
        "required": ["a", "b"] + (["gone"] if structural else []),
        "additionalProperties": not structural,
        "x-mlvc": {"min_rows": 10, "unique": ["a"], "max_null_share": {"b": 0.1}},
    }
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    data = tmp_path / "data.csv"
    data.write_text('a,b,extra\n1,x|y,1\n9,ok,2\n9,"p|q",3\n')
    text = markdown(
        "schema", "check", str(data), "-s", str(tmp_path / "schema.json"), "-f", "markdown"
    )
    assert ("unexpected column(s): extra" in text) is structural
    assert assert_tables_render(text) == 2


def test_schema_check_valid(tmp_path: Path) -> None:
    (tmp_path / "schema.json").write_text('{"properties": {"a": {"type": "integer"}}}')
    (tmp_path / "data.csv").write_text("a\n1\n")
    text = markdown(
        "schema", "check", str(tmp_path / "data.csv"), "-s", str(tmp_path / "schema.json"),
        "-f", "markdown",
    )  # fmt: skip
    assert assert_tables_render(text) == 0


def test_params_check(tmp_path: Path) -> None:
    doc = yaml.safe_load((ROOT / "params.yaml").read_text())
    doc["train"]["estimator"] = "svm|linear"
    doc["split"]["test_size"] = "a|b"
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(doc))
    text = markdown("params", "check", "-p", str(tmp_path / "params.yaml"), "-f", "markdown")
    assert "svm" in text
    assert assert_tables_render(text) == 1


def test_drift(tmp_path: Path) -> None:
    penguins = palmerpenguins.load_penguins()
    penguins["island"] = penguins["island"].str.replace("Biscoe", "Bis|coe")
    reference, current = tmp_path / "reference.csv", tmp_path / "current.csv"
    penguins[penguins.year <= 2008].to_csv(reference, index=False)
    later = penguins[penguins.year == 2009].drop(columns=["sex"])
    later.assign(**{"new|col": 1}).to_csv(current, index=False)
    text = markdown("drift", "-r", str(reference), "-c", str(current), "-f", "markdown")
    assert "Notes:" in text or "Only in the current file" in text
    assert assert_tables_render(text) == 1


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)


def put_side(repo: Path, side: str) -> None:
    for name in ("metrics", "plots", "data/validation.json", "params.yaml", "dvc.lock"):
        target = repo / name
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
    shutil.copytree(REPORT_FIXTURES / side, repo, dirs_exist_ok=True)


@pytest.mark.parametrize("fmt", ["md", "markdown"])
def test_report(tmp_path: Path, git_env: dict[str, Any], fmt: str) -> None:
    """Base committed, head in the workspace: every section of the report is filled."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    put_side(repo, "base")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    put_side(repo, "head")
    text = markdown("report", "--repo", str(repo), "-f", fmt)
    assert "### Metrics" in text and "### Parameters" in text
    assert assert_tables_render(text) >= 4


def test_the_golden_report() -> None:
    assert assert_tables_render((ROOT / "tests/golden/report.md").read_text()) >= 4


@pytest.mark.parametrize(
    "document", ["README.md", *sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md"))]
)
def test_the_documentation(document: str) -> None:
    """The README and docs/ render on GitHub as written: every pipe block is a table."""
    assert_tables_render((ROOT / document).read_text(encoding="utf-8"))
