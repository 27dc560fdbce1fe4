"""CLI behaviour through typer's CliRunner: exit codes, formats, errors, help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml
from typer.testing import CliRunner

from cli import __version__
from cli.app import COMMANDS as TABLE
from cli.app import app, invoked_command

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def invoke(*args: str) -> Any:
    return runner.invoke(app, list(args))


def test_version() -> None:
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.stdout.strip() == f"mlvc {__version__}"


def test_no_arguments_shows_help() -> None:
    result = invoke()
    assert "params" in result.output and "pipeline" in result.output


def test_traceback_option_is_hidden() -> None:
    assert "--traceback" not in invoke("--help").output


def test_params_check_ok() -> None:
    result = invoke("params", "check", "--params", str(ROOT / "params.yaml"))
    assert result.exit_code == 0
    assert result.stdout.strip().endswith("params.yaml: ok")


def test_params_check_problems_exit_1_text_and_json(
    tmp_path: Path, params_doc: dict[str, Any]
) -> None:
    params_doc["train"]["estimator"] = "svm"
    params_doc["train"]["random_forest"]["max_depth"] = 0
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params_doc))
    text = invoke("params", "check", "-p", str(path))
    assert text.exit_code == 1
    assert f'{path}::train.estimator: got "svm"; allowed: one of' in text.stdout
    assert "train.random_forest.max_depth: got 0; allowed: integer or null >= 1" in text.stdout
    assert "2 problem(s)" in text.stdout
    as_json = invoke("params", "check", "-p", str(path), "--format", "json")
    assert as_json.exit_code == 1
    document = json.loads(as_json.stdout)
    assert document["ok"] is False
    assert [p["key"] for p in document["problems"]] == [
        "train.estimator",
        "train.random_forest.max_depth",
    ]


def test_missing_params_file_is_one_line_exit_2(tmp_path: Path) -> None:
    result = invoke("params", "check", "-p", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"error: {tmp_path / 'nope.yaml'}: parameters file not found; next: run mlvc inside "
        "the project (the folder that holds params.yaml and dvc.yaml)"
    ]


def test_malformed_yaml_is_one_line_with_next_step(tmp_path: Path) -> None:
    path = tmp_path / "params.yaml"
    path.write_text("train: {estimator: [\n")
    result = invoke("params", "check", "-p", str(path))
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "not valid YAML: line 2" in line and "next: fix the syntax" in line
    assert "Traceback" not in result.output


def test_unexpected_error_hints_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(**_: Any) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr("cli.api.check_params", explode)
    result = invoke("params", "check")
    assert result.exit_code == 2
    assert "unexpected RuntimeError: kaput" in result.stderr and "--traceback" in result.stderr
    with_trace = invoke("--traceback", "params", "check")
    assert isinstance(with_trace.exception, RuntimeError)


def test_pipeline_verify_outside_a_repo(tmp_path: Path) -> None:
    result = invoke("pipeline", "verify", "--repo", str(tmp_path))
    assert result.exit_code == 2
    assert "not a git repository" in result.stderr


def walk(group: typer.Typer, prefix: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], Any]]:
    found = []
    for command in group.registered_commands:
        found.append(((*prefix, command.name or command.callback.__name__), command.callback))
    for sub in group.registered_groups:
        found.extend(walk(sub.typer_instance, (*prefix, sub.name)))
    return found


COMMANDS = walk(app)


def test_there_are_commands() -> None:
    assert {" ".join(name) for name, _ in COMMANDS} >= {"params check", "pipeline verify"}


@pytest.mark.parametrize(
    ("name", "callback"), COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, tuple) else ""
)
def test_every_command_has_help_and_is_documented(name: tuple[str, ...], callback: Any) -> None:
    result = invoke(*name, "--help")
    assert result.exit_code == 0
    assert callback.__doc__ and callback.__doc__.strip().splitlines()[0] in " ".join(
        result.output.split()
    )
    command = typer.main.get_command(app)
    for part in name:
        command = command.commands[part]
    for param in command.params:
        if param.param_type_name == "option" and not param.hidden:
            assert param.help, f"{' '.join(name)}: option {param.opts} has no help text"
    assert f"mlvc {' '.join(name)}" in (ROOT / "docs/cli.md").read_text()


HEAVY = ("pandas", "sklearn", "dvc", "numpy", "scipy", "pyarrow", "jsonschema", "yaml")


@pytest.mark.parametrize(
    "run",
    [
        "from typer.testing import CliRunner\nfrom cli.app import app\n"
        "CliRunner().invoke(app, ['--help'])",
        "import cli.api",
    ],
    ids=["mlvc --help", "import cli.api"],
)
def test_help_imports_no_heavy_libraries(run: str) -> None:
    code = (
        "import sys\n"
        f"{run}\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["registry", "--format", "json"], "registry"),
        (["--traceback", "schema", "check"], "schema"),
        (["--help"], None),
        (["--help", "registry"], None),
        (["--traceback", "-h", "schema"], None),
        (["schema", "--help"], "schema"),
        (["regstry"], None),
        ([], None),
    ],
)
def test_invoked_command(argv: list[str], expected: str | None) -> None:
    assert invoked_command(argv) == expected


def _console_script(argv: list[str]) -> subprocess.CompletedProcess[str]:
    """``mlvc ARGV`` through the console entry point, reporting which command modules loaded."""
    code = (
        "import sys\n"
        f"sys.argv = ['mlvc', *{argv!r}]\n"
        "from cli.app import main\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    loaded = sorted(m for m in sys.modules if m.startswith('cli.commands.'))\n"
        "    print('LOADED', ','.join(loaded))\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def test_console_script_builds_only_the_invoked_command() -> None:
    done = _console_script(["registry", "--help"])
    assert done.returncode == 0, done.stderr
    assert "Usage: mlvc registry [OPTIONS]" in done.stdout
    assert "LOADED cli.commands._shared,cli.commands.registry" in done.stdout


def test_console_script_without_a_known_command_gets_the_full_app() -> None:
    typo = _console_script(["regstry"])
    assert typo.returncode == 2
    assert "No such command 'regstry'" in typo.stderr and "registry" in typo.stderr
    listing = _console_script(["--help"])
    for name in TABLE:
        assert name in listing.stdout
    assert "cli.commands.schema" in listing.stdout.splitlines()[-1]


@pytest.mark.parametrize("argv", [["--version"], ["regstry"]])
def test_console_script_freezes_survivors_for_a_fast_exit(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After the command, ok or not, live objects are frozen (the exit's collections skip them)."""
    import gc

    import cli.app

    frozen: list[bool] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(True))
    monkeypatch.setattr(sys, "argv", ["mlvc", *argv])
    with pytest.raises(SystemExit):
        cli.app.main()
    assert frozen == [True]


def test_full_app_holds_every_command_of_the_table() -> None:
    assert set(typer.main.get_command(app).commands) == set(TABLE)


def test_drift_policy_from_params_and_inconsistent_thresholds(
    tmp_path: Path, params_doc: dict[str, Any]
) -> None:
    from cli import api

    path = tmp_path / "params.yaml"
    params_doc["drift"]["drift_share"] = 0.25
    path.write_text(yaml.safe_dump(params_doc))
    assert api.drift_policy(params=path).drift_share == 0.25
    assert api.drift_policy(params=tmp_path / "absent.yaml").drift_share == 0.5  # defaults
    params_doc["drift"]["psi_drift"] = 0.05  # below psi_warning
    path.write_text(yaml.safe_dump(params_doc))
    data = ROOT / "tests/fixtures/penguins_tiny.csv"
    result = invoke("drift", "-r", str(data), "-c", str(data), "-p", str(path))
    assert result.exit_code == 2
    assert "'psi_drift' parameter of DriftPolicy must be a float in [0.1, inf)" in result.stderr


def test_params_check_shares_the_report_formats(tmp_path: Path, params_doc: dict[str, Any]) -> None:
    params_doc["split"]["seed"] = -1
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(params_doc))
    github = invoke("params", "check", "-p", str(path), "--format", "github")
    assert github.exit_code == 1
    assert github.stdout.strip() == (
        f"::error file={path},title=params: split.seed::split.seed: got -1; allowed: integer >= 0"
    )
    markdown = invoke("params", "check", "-p", str(path), "--format", "markdown")
    assert "| `split.seed` | `-1` | integer >= 0 |" in markdown.stdout


# Modules of cli/api/ that feature modules share (docs/architecture.md): not features, so
# cli.api re-exports none of their functions.
SHARED_API_MODULES = {
    "registry_lookup": "the release policy, a stage's order, a model's state from its tags",
    "schema_engine": "the schema engine's failures as errors, and a fed checker's report",
}


def test_api_reaches_every_public_function_statically() -> None:
    import importlib
    import pkgutil

    from cli import api

    assert not hasattr(api, "__getattr__")  # no forwarders: every name is bound at import
    modules = sorted(m.name for m in pkgutil.iter_modules(api.__path__))
    assert set(SHARED_API_MODULES) <= set(modules)
    features = [m for m in modules if m not in SHARED_API_MODULES]
    assert {"registry", "release", "report", "schema"} <= set(features)
    for feature in modules:
        module = importlib.import_module(f"cli.api.{feature}")
        public = [n for n, v in vars(module).items() if callable(v) and not n.startswith("_")]
        for name in public:
            if getattr(v := getattr(module, name), "__module__", None) == module.__name__:
                if feature in SHARED_API_MODULES:
                    assert name not in api.__all__, f"cli.api.{feature}.{name} is shared glue"
                else:
                    assert getattr(api, name) is v, f"cli.api.{feature}.{name} is not in cli.api"
    assert api.release is importlib.import_module("cli.api.release").release
    assert api.registry is importlib.import_module("cli.api.registry").registry
    assert api.build_report is importlib.import_module("cli.api.report").build_report


@pytest.mark.parametrize(
    ("argv", "usage"),
    [
        ([], "Usage: mlvc [OPTIONS] COMMAND [ARGS]..."),
        (["schema", "check"], "Usage: mlvc schema check [OPTIONS] DATA"),
        (["promote"], "Usage: mlvc promote [OPTIONS] MODEL VERSION STAGE"),
        (["checkout"], "Usage: mlvc checkout [OPTIONS] REF"),
        (["registry", "history"], "Usage: mlvc registry history [OPTIONS] MODEL"),
        (["card", "check"], "Usage: mlvc card check [OPTIONS] [CARD]"),
    ],
)
def test_dash_h_is_help_and_usage_lines_name_arguments_in_capitals(
    argv: list[str], usage: str
) -> None:
    short = runner.invoke(app, [*argv, "-h"])
    long = runner.invoke(app, [*argv, "--help"])
    assert short.exit_code == 0 and short.stdout == long.stdout
    assert short.stdout.splitlines()[0] == usage
