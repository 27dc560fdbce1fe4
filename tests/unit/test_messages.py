"""Messages that must not mislead: each names what happened and a next step that applies."""

from __future__ import annotations

import importlib
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.adapters import dvc_cli, process
from cli.app import app
from cli.errors import CommandFailed, ToolkitError, reason_line
from tests.conftest import TINY_CSV

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def invoke(*args: str | Path) -> Any:
    return runner.invoke(app, [str(a) for a in args])


# --- DVC's support banner is never the reason ---------------------------------------------

BANNER = "Having any troubles? Hit us up at https://dvc.org/support, we are always happy to help!"
COLOURED = (
    "\x1b[33mHaving any troubles?\x1b[0m Hit us up at \x1b[34mhttps://dvc.org/support\x1b[0m, "
    "we are always happy to help!"
)
OUTPUTS = [
    # an unexpected error: the ERROR line, a second line of its message, then the banner
    (
        "ERROR: unexpected error - boom: something\nsecond line of the reason\n\n" + BANNER,
        "ERROR: unexpected error - boom: something",
    ),
    # coloured, as DVC writes it when it thinks stderr is a terminal
    (
        "\x1b[31mERROR\x1b[39m: failed to push - disk full\n\n" + COLOURED,
        "ERROR: failed to push - disk full",
    ),
    # no ERROR line at all: the banner alone, or wrapped over two lines
    ("fatal: something broke\n" + COLOURED, "fatal: something broke"),
    (BANNER[:80] + "\n" + BANNER[80:] + "\n", "no output"),
    ("first line\n" + BANNER[:60] + "\n" + BANNER[60:], "first line"),
]


@pytest.mark.parametrize(("output", "reason"), OUTPUTS)
def test_the_dvc_support_banner_is_never_the_reason(output: str, reason: str) -> None:
    assert reason_line(output) == reason
    message = str(CommandFailed(["dvc", "push"], 255, output))
    assert "troubles" not in message and "dvc.org/support" not in message
    assert "help!" not in message and "\x1b" not in message


def test_dvc_get_failure_does_not_quote_the_banner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_get(argv: list[str], **_: Any) -> subprocess.CompletedProcess[str]:
        stderr = "ERROR: unexpected error - remote unreachable\n\n" + COLOURED + "\n"
        return subprocess.CompletedProcess(argv, 255, "", stderr)

    monkeypatch.setattr(process, "run", failing_get)
    with pytest.raises(ToolkitError) as caught:
        dvc_cli.fetch_file(tmp_path, "models/model.skops", "v1")
    assert "remote unreachable" in caught.value.message
    assert "troubles" not in caught.value.message and "help!" not in caught.value.message


# --- hints that name params keys only when the path came from params.yaml --------------------


def test_an_empty_file_outside_the_pipeline_names_no_params_key(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    schema = tmp_path / "s.json"
    assert invoke("schema", "infer", TINY_CSV, "-o", schema).exit_code == 0
    for args in (
        ("schema", "check", empty, "-s", schema),
        ("schema", "infer", empty, "-o", tmp_path / "o.json"),
    ):
        result = invoke(*args)
        assert result.exit_code == 2
        assert f"{empty}: the data file is empty" in result.stderr
        assert "ingest.source" not in result.stderr and "params.yaml" not in result.stderr
        assert "next: give a file with a header and at least one row" in result.stderr


# --- a directory where a file is expected --------------------------------------------------


def directory_cases(folder: Path, schema: Path) -> list[tuple[str | Path, ...]]:
    data = TINY_CSV
    return [
        ("schema", "check", folder, "-s", schema),
        ("schema", "check", data, "-s", folder),
        ("schema", "infer", folder, "-o", folder.parent / "o.json"),
        ("card", "check", folder),
        ("card", "build", "-p", folder),
        ("params", "check", "-p", folder),
        ("drift", "-r", folder, "-c", data),
        ("drift", "-r", data, "-c", folder),
        ("drift", "-r", data, "-c", data, "-s", folder),
        ("drift", "-r", data, "-c", data, "-m", folder),
        ("drift", "-r", data, "-c", data, "-p", folder),
    ]


def test_a_directory_is_reported_as_a_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "folder"
    folder.mkdir()
    schema = tmp_path / "s.json"
    assert invoke("schema", "infer", TINY_CSV, "-o", schema).exit_code == 0
    monkeypatch.chdir(tmp_path)
    for args in directory_cases(folder, schema):
        result = invoke(*args)
        line = result.stderr.strip()
        assert result.exit_code == 2, (args, result.output)
        assert line.startswith(f"error: {folder}: is a directory, not a "), (args, line)
        assert "not found" not in line and "unexpected" not in line, (args, line)
        assert len(line.splitlines()) == 1


# --- a pipeline stage names its own traceback switch ---------------------------------------

STAGES = ["ingest", "validate", "split", "train", "evaluate", "card"]


@pytest.mark.parametrize("name", STAGES)
def test_a_stage_error_names_the_stage_traceback_switch(
    name: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    stage = importlib.import_module(f"stages.{name}")

    def explode(*_: Any, **__: Any) -> None:
        raise RuntimeError("kaput")

    monkeypatch.chdir(ROOT)  # where dvc repro runs a stage: params.yaml and dvc.yaml are here
    monkeypatch.setattr(stage, "run", explode)
    monkeypatch.delenv("MLVC_TRACEBACK", raising=False)
    with pytest.raises(SystemExit) as exited:
        stage.main()
    assert exited.value.code == 2
    line = capsys.readouterr().err.strip()
    assert line == (
        "error: unexpected RuntimeError: kaput; "
        f"next: rerun with 'MLVC_TRACEBACK=1 dvc repro {name}' and report it"
    )
    monkeypatch.setenv("MLVC_TRACEBACK", "1")
    with pytest.raises(RuntimeError, match="kaput"):
        stage.main()


def test_a_model_reference_before_any_release_says_to_release() -> None:
    """`mlvc predict --model NAME@latest` right after `dvc repro`: no tag exists yet, so
    listing the registry (empty) is not the next step; releasing is."""
    from cli.errors import ModelNotInRegistry

    assert "mlvc release" in str(ModelNotInRegistry("wine-classifier", []).hint)
    assert "wine-classifier@v0.0.1" in str(ModelNotInRegistry("wine-classifier", []).hint)
    assert "mlvc registry" in str(ModelNotInRegistry("wine", ["wine-classifier"]).hint)
