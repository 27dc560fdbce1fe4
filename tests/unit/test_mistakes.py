"""A user's mistake, in any command: one line on stderr, exit 2, no traceback, nothing written.

Each case is a mistake a user makes on the command line (a bad option value, an
unreadable file, Ctrl-C); the command runs through typer's CliRunner.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.app import app
from tests.conftest import TINY_CSV

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def one_line(result: Any) -> str:
    """The one stderr line of a failed command (and nothing on stdout)."""
    assert "Traceback" not in result.output
    assert result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    return str(line)


@pytest.mark.parametrize(
    ("argv", "says", "command"),
    [
        (["serve", "-m", "m@v1.0.0", "--port", "99999"], "'--port': 99999 is not in", "serve"),
        (["serve", "-m", "m@v1.0.0", "--port", "abc"], "'--port': 'abc' is not a valid", "serve"),
        (["serve", "-m", "m@v1.0.0", "--workers", "-3"], "'--workers': -3 is not in", "serve"),
        (["schema", "check", "d.csv", "-s", "s.json", "-f", "xml"], "'xml'", "schema check"),
        (["release", "--bump", "huge"], "'huge' is not one of", "release"),
        (["init", "--data", "t.csv", "--target", "y", "--task", "xyz"], "'xyz'", "init"),
        (["schema", "check"], "Missing argument 'DATA'", "schema check"),
        (["schema", "check", "--bogus", "x"], "No such option: --bogus", "schema check"),
        (["schema"], "Missing command", "schema"),
        (["regstry"], "No such command 'regstry'", ""),
    ],
)
def test_a_command_line_mistake_is_one_line_naming_the_usage(
    argv: list[str], says: str, command: str
) -> None:
    result = invoke(*argv)
    assert result.exit_code == 2
    line = one_line(result)
    assert line.startswith("error: ") and says in line
    assert line.endswith(f"; next: see '{f'mlvc {command}'.strip()} -h' for the usage")


def test_no_arguments_still_print_the_help() -> None:
    result = invoke()
    assert result.exit_code == 2
    assert result.output.startswith("Usage: mlvc [OPTIONS] COMMAND")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_input_is_one_line(tmp_path: Path) -> None:
    data = tmp_path / "locked.csv"
    data.write_text("a,b\n1,2\n")
    data.chmod(0)
    result = invoke("schema", "check", str(data), "-s", str(ROOT / "data" / "schema.json"))
    assert result.exit_code == 2
    assert "is not readable" in one_line(result)


def test_ctrl_c_is_one_line_exit_130_and_no_output_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(**_: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("cli.api.infer_schema", interrupted)
    out = tmp_path / "schema.json"
    result = invoke("schema", "infer", str(TINY_CSV), "-o", str(out))
    assert result.exit_code == 130
    line = one_line(result)
    assert line.startswith("error: interrupted by SIGINT") and "run the command again" in line
    assert not out.exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_a_card_without_read_permission_is_one_line(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\n---\n")
    card.chmod(0)
    result = invoke("card", "check", str(card))
    assert result.exit_code == 2
    assert one_line(result) == (
        f"error: {card}: cannot read the model card: permission denied; "
        f"next: check its permissions with 'ls -l {card}' (or run as its owner)"
    )


def test_pipeline_verify_outside_a_repository_is_one_line(tmp_path: Path) -> None:
    result = invoke("pipeline", "verify", "--repo", str(tmp_path))
    assert result.exit_code == 2
    assert one_line(result) == (
        f"error: {tmp_path}: not a git repository; next: run it inside your project"
    )


def test_pipeline_verify_without_a_committed_lock_is_one_line(
    tmp_path: Path, git_env: dict[str, str]
) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "dvc.yaml").write_text("stages: {}\n")
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "commit", "-qm", "pipeline"], check=True)
    result = invoke("pipeline", "verify", "--repo", str(tmp_path))
    assert result.exit_code == 2
    assert one_line(result) == (
        f"error: {tmp_path / 'dvc.lock'}: not in the last commit, so there are no recorded "
        "hashes to verify; next: run 'dvc repro', then commit dvc.lock and the outputs' "
        ".gitignore"
    )


@pytest.mark.parametrize(
    "command", [["registry"], ["release", "--dry-run"], ["report", "--base", "HEAD"]]
)
def test_a_repo_option_naming_a_file_says_so(tmp_path: Path, command: list[str]) -> None:
    not_a_folder = tmp_path / "params.yaml"
    not_a_folder.write_text("train: {}\n")
    result = invoke(*command, "--repo", str(not_a_folder))
    assert result.exit_code == 2
    assert one_line(result).startswith(f"error: {not_a_folder}: a file, not a directory; next: ")


def test_release_refuses_bump_and_version_together(tmp_path: Path) -> None:
    result = invoke("release", "--bump", "minor", "--version", "2.0.0", "--repo", str(tmp_path))
    assert result.exit_code == 2
    assert one_line(result) == (
        "error: --bump minor and --version 2.0.0 both set the version; one would be ignored; "
        "next: pass only one of --bump and --version"
    )


@pytest.mark.parametrize(
    ("argv", "offered"),
    [
        (["schema", "infer", "d.csv", "-o", "s.json"], "'text', 'json'"),
        (["monitor", "-m", "m@v1.0.0"], "'text', 'json', 'markdown', 'md'"),
        (["params", "check"], "'text', 'json', 'markdown', 'md', 'github'"),
    ],
)
def test_a_format_not_offered_names_only_the_formats_offered(argv: list[str], offered: str) -> None:
    result = invoke(*argv, "--format", "xml")
    assert result.exit_code == 2
    assert f"'xml' is not one of {offered}; next: see" in one_line(result)


def test_the_shell_completes_only_the_formats_a_command_offers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("_MLVC_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_WORDS", "mlvc schema infer --format ")
    monkeypatch.setenv("COMP_CWORD", "4")
    result = runner.invoke(app, [], prog_name="mlvc")
    assert result.stdout.split() == ["text", "json"]


FOLDER = "names a folder; name the file to write in it, e.g."


@pytest.mark.parametrize(
    ("argv", "says", "command"),
    [
        (
            ["schema", "infer", TINY_CSV, "-o", "out/"],
            f"'out/' {FOLDER} out/schema.json",
            "schema infer",
        ),
        (
            ["schema", "infer", TINY_CSV, "--output", "."],
            f"'.' {FOLDER} ./schema.json",
            "schema infer",
        ),
        (
            ["predict", TINY_CSV, "-m", "m.skops", "-o", "out/"],
            f"{FOLDER} out/predictions.csv",
            "predict",
        ),
        (
            ["predict", TINY_CSV, "-m", "m.skops", "--skip-invalid", "bad/"],
            f"{FOLDER} bad/rejects.csv",
            "predict",
        ),
        (["card", "build", "-o", "models/"], f"'models/' {FOLDER} models/README.md", "card build"),
    ],
)
def test_an_output_ending_in_a_slash_names_a_folder_and_nothing_is_written(
    argv: list[str], says: str, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trailing slash is lost once the value is a Path: it would write a file 'out'."""
    monkeypatch.chdir(tmp_path)
    result = invoke(*map(str, argv))
    assert result.exit_code == 2
    line = one_line(result)
    assert line.startswith("error: Invalid value for '--") and says in line
    assert line.endswith(f"; next: see 'mlvc {command} -h' for the usage")
    assert list(tmp_path.iterdir()) == []


def test_every_output_option_refuses_a_folder() -> None:
    """Every -o/--output option (and --skip-invalid) goes through the one shared parser."""
    import typer

    def options(command: Any, path: str) -> list[tuple[str, Any]]:
        found = [(path, p) for p in command.params if {"-o", "--skip-invalid"} & set(p.opts)]
        for name, sub in sorted(getattr(command, "commands", {}).items()):
            found += options(sub, f"{path} {name}".strip())
        return found

    seen = []
    for path, option in options(typer.main.get_command(app), ""):
        with pytest.raises(typer.BadParameter, match="names a folder"):
            option.type.convert("out/", option, None)
        seen.append((path, option.opts[0]))
    assert seen == [
        ("card build", "--output"),
        ("predict", "--output"),
        ("predict", "--skip-invalid"),
        ("schema infer", "--output"),
    ]


def test_the_shell_completes_file_names_for_an_output_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "old.json").write_text("{}")
    (tmp_path / "other.csv").write_text("")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("_MLVC_COMPLETE", "complete_bash")
    monkeypatch.setenv("COMP_CWORD", "5")
    for typed, offered in (("o", ["other.csv", "out/"]), ("out/", ["out/old.json"])):
        monkeypatch.setenv("COMP_WORDS", f"mlvc schema infer d.csv -o {typed}")
        assert runner.invoke(app, [], prog_name="mlvc").stdout.split() == offered


@pytest.mark.parametrize(
    ("argv", "missing", "hint"),
    [
        (["schema", "infer", "nope.csv", "-o", "s.json"], "nope.csv: data file", "check the path"),
        (["params", "check", "-p", "nope.yaml"], "nope.yaml: parameters file", "run mlvc inside"),
        (["schema", "infer", "-", "-o", "s.json"], "-: data file", "the data file is read from a"),
    ],
)
def test_a_missing_file_names_the_next_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], missing: str, hint: str
) -> None:
    monkeypatch.chdir(tmp_path)
    result = invoke(*argv)
    assert result.exit_code == 2
    line = one_line(result)
    assert line.startswith(f"error: {missing} not found; next: {hint}")


def test_promote_names_the_models_dvc_yaml_declares(
    tmp_path: Path, git_env: dict[str, str]
) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "dvc.yaml").write_text(
        "stages: {}\nartifacts:\n  wine-classifier: {path: models/model.skops, type: model}\n"
    )
    subprocess.run(["git", "-C", str(tmp_path), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "commit", "-qm", "pipeline"], check=True)
    result = invoke("promote", "nomodel", "v1.0.0", "prod", "--repo", str(tmp_path))
    assert result.exit_code == 2
    assert one_line(result) == (
        f"error: {tmp_path / 'dvc.yaml'}: no model named 'nomodel'; models: wine-classifier; "
        "next: use one of those names, as dvc.yaml's artifacts: block spells them"
    )


def test_ctrl_c_during_init_names_init_as_the_next_step(monkeypatch: pytest.MonkeyPatch) -> None:
    import signal

    from cli.errors import Interrupted

    def interrupted(**_: Any) -> None:
        raise Interrupted(signal.SIGINT, "SIGINT")

    monkeypatch.setattr("cli.api.init_project", interrupted)
    result = invoke("init", "--data", str(TINY_CSV), "--target", "species")
    assert result.exit_code == 130
    assert one_line(result) == "error: interrupted by SIGINT; next: run the same 'mlvc init' again"


def test_a_closed_output_pipe_stops_quietly_as_sigpipe_would(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def reader_gone(**_: Any) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("cli.api.infer_schema", reader_gone)
    result = invoke("schema", "infer", str(TINY_CSV), "-o", "-")
    assert result.exit_code == 141  # 128 + SIGPIPE, as `| head` expects
    assert result.stderr == ""


def test_a_huge_cell_is_quoted_cut_in_schema_and_drift_reports(tmp_path: Path) -> None:
    import json

    schema = tmp_path / "schema.json"
    schema.write_text(json.dumps({"type": "object", "properties": {"k": {"enum": ["a", "b"]}}}))
    reference = tmp_path / "reference.csv"
    reference.write_text("k\n" + "a\nb\n" * 20)
    current = tmp_path / "current.csv"
    current.write_text("k\n" + "x" * 1_000_000 + "\n")
    checked = invoke("schema", "check", str(current), "-s", str(schema))
    assert checked.exit_code == 1
    assert '"' + "x" * 79 + "... (1,000,002 characters)" in checked.stdout
    assert len(checked.stdout) < 2_000
    drifted = invoke("drift", "-r", str(reference), "-c", str(current))
    assert drifted.exit_code == 1
    assert "'" + "x" * 79 + "... (1,000,002 characters) (1)" in drifted.stdout
    assert len(drifted.stdout) < 5_000


def test_a_deleted_working_folder_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.entry import listing_folder

    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    assert listing_folder(["registry"]) is None  # the entry starts no git call there
    result = invoke("params", "check")
    assert result.exit_code == 2
    assert one_line(result) == (
        "error: the current folder no longer exists (it was deleted or moved); "
        "next: cd into the project again, then rerun the command"
    )


@pytest.mark.parametrize(
    ("tool", "hint"),
    [("git", "install git with your system's packages"), ("dvc", "run 'make install'")],
)
def test_a_missing_tool_names_how_to_get_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tool: str, hint: str
) -> None:
    from cli.adapters.process import run
    from cli.errors import ToolMissing

    monkeypatch.setenv("PATH", str(tmp_path))  # holds neither git nor dvc
    monkeypatch.setattr("sys.executable", str(tmp_path / "python"))  # nor does its bin
    with pytest.raises(ToolMissing) as raised:
        run([tool, "--version"], cwd=tmp_path)
    assert raised.value.message == f"'{tool}' is not installed or not on PATH"
    assert (raised.value.hint or "").startswith(hint)


@pytest.mark.parametrize(("name", "code"), [("SIGTERM", 143), ("SIGHUP", 129)])
def test_a_kill_unwinds_the_command_like_ctrl_c(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, code: int
) -> None:
    import signal

    from cli.adapters.files import atomic_writer

    out = tmp_path / "schema.json"

    def killed_while_writing(**_: Any) -> None:
        with atomic_writer(out) as handle:
            handle.write("{")
            os.kill(os.getpid(), getattr(signal, name))

    monkeypatch.setattr("cli.api.infer_schema", killed_while_writing)
    result = invoke("schema", "infer", str(TINY_CSV), "-o", str(out))
    assert result.exit_code == code
    assert one_line(result).startswith(f"error: interrupted by {name} before the end")
    assert list(tmp_path.iterdir()) == []  # neither the output nor its temporary file


def test_report_names_an_unknown_revision(tmp_path: Path, git_env: dict[str, str]) -> None:
    import subprocess

    from cli import api
    from cli.errors import UnknownRevision

    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "commit", "-q", "--allow-empty", "-m", "x"])
    with pytest.raises(UnknownRevision, match="unknown revision 'nosuch'"):
        api.build_report(repo=tmp_path, base="nosuch")


def test_every_failure_in_cli_is_a_named_error() -> None:
    """No bare ToolkitError: each failure has its class in cli/errors.py (CONVENTIONS.md 3)."""
    bare = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "cli").rglob("*.py"))
        if path.name != "errors.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if "raise ToolkitError(" in line
    ]
    assert bare == []
