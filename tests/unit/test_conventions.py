"""CLI conventions users expect of a Click/Typer tool: summaries, completion, usage lines."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer
import yaml
from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()
MLVC = str(Path(sys.executable).with_name("mlvc"))
SENTENCE = re.compile(r"^[A-Z][^\n]*\.$")


def _groups(command: object, path: list[str]) -> list[list[str]]:
    """Every command path that lists sub-commands: the root and each group."""
    found = [path]
    for name, sub in sorted(getattr(command, "commands", {}).items()):
        if getattr(sub, "commands", None):
            found += _groups(sub, [*path, name])
    return found


def _listed(help_text: str) -> dict[str, str]:
    """The Commands section of a help page: name -> summary (wrapped lines joined)."""
    section = help_text.split("\nCommands:\n", 1)[1]
    entries: dict[str, str] = {}
    name = ""
    for line in section.splitlines():
        if not line.strip():
            break
        if line.startswith("  ") and not line.startswith("   "):
            name, _, text = line.strip().partition(" ")
            entries[name] = text.strip()
        else:
            entries[name] += " " + line.strip()
    return entries


GROUPS = _groups(typer.main.get_command(app), [])


@pytest.mark.parametrize("path", GROUPS, ids=lambda p: " ".join(["mlvc", *p]))
def test_every_listed_summary_is_one_whole_sentence(path: list[str]) -> None:
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    listed = _listed(result.stdout)
    assert listed
    for name, text in listed.items():
        assert "..." not in text, f"{name}: summary cut short: {text!r}"
        assert SENTENCE.match(text), f"{name}: summary is not a whole sentence: {text!r}"
        page = runner.invoke(app, [*path, name, "--help"]).stdout
        first = " ".join(page.split("\n\n", 2)[1].split())
        assert first.startswith(text), f"{name}: summary is not its help's first sentence"


def _run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [MLVC, *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **env},
        timeout=60,
    )


def test_root_help_offers_completion() -> None:
    shown = runner.invoke(app, ["--help"]).stdout
    assert "--install-completion" in shown and "--show-completion" in shown


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_show_completion_prints_the_script_for_a_shell(shell: str) -> None:
    done = _run(
        "--show-completion", shell, env={"_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"}
    )
    assert done.returncode == 0, done.stderr
    assert "_MLVC_COMPLETE" in done.stdout and "mlvc" in done.stdout


def test_install_completion_writes_the_script_under_home(tmp_path: Path) -> None:
    done = _run(
        "--install-completion",
        "bash",
        env={"HOME": str(tmp_path), "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION": "1"},
    )
    assert done.returncode == 0, done.stderr
    assert "_MLVC_COMPLETE" in (tmp_path / ".bash_completions" / "mlvc.sh").read_text()


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [
        ("mlvc reg", "1", "registry"),
        ("mlvc registry hi", "2", "history"),
        ("mlvc schema ", "2", "check"),
        ("mlvc promote --dr", "2", "--dry-run"),
    ],
)
def test_the_console_script_completes_commands_and_options(
    words: str, cword: str, expected: str
) -> None:
    env = {"_MLVC_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": cword}
    done = _run(env=env)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout.split(), done.stdout


ROOT = Path(__file__).resolve().parents[2]


def _recipe(target: str) -> list[str]:
    """The command lines of a Makefile target's recipe (comments and echo lines dropped)."""
    makefile = (ROOT / "Makefile").read_text()
    body = makefile.partition(f"\n{target}:")[2].partition("\n")[2].split("\n\n", 1)[0]
    lines = [line.strip().lstrip("@") for line in body.splitlines()]
    return [line for line in lines if line and not line.startswith(("#", "echo"))]


def test_make_run_prints_the_metrics_within_100_columns() -> None:
    """``make run``'s metrics step, run on this checkout's committed metrics."""
    steps = _recipe("run")
    assert steps[0] == "dvc repro" and not any("dvc metrics show" in s for s in steps)
    (shown,) = [s for s in steps if s.startswith("mlvc ")]
    done = subprocess.run(
        [MLVC, *shown.split()[1:]], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "accuracy" in done.stdout and "log_loss" in done.stdout
    assert max(len(line) for line in lines) <= 100, max(lines, key=len)


def test_slice_metrics_are_a_plain_output_not_a_metric() -> None:
    """``dvc exp show``/``dvc metrics show`` list metrics files' keys as columns: the
    per-slice file (one column per slice, metric and class) is an output, so the
    headline metrics lead and are not buried."""
    stages = yaml.safe_load((ROOT / "dvc.yaml").read_text())["stages"]
    metrics = {next(iter(e)) for s in stages.values() for e in s.get("metrics", [])}
    assert metrics == {"metrics/metrics.json"}
    outs = [e for e in stages["evaluate"].get("outs", []) if isinstance(e, dict)]
    assert {"metrics/slices.json": {"cache": False}} in outs
