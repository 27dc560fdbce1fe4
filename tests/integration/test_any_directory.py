"""Every command from any directory of the repository, as git and DVC work.

Paths of ``params.yaml``, ``dvc.yaml`` and :mod:`cli.paths` resolve from the repository
root; paths typed on the command line from the current directory. A command typed in
``models/`` or ``data/`` gives exactly what it gives at the root (messages name paths
relative to the root).
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cli import api, paths
from cli.api import release
from cli.app import app
from cli.params import params_from_dict
from tests.isolation import isolated_git_environment
from tests.registry_repo import NAME, run
from tests.unit.test_stages import run_all

ROOT = Path(__file__).resolve().parents[2]
TINY_CSV = ROOT / "tests/fixtures/penguins_tiny.csv"
runner = CliRunner()

# The one DVC stage: installs the model and metrics that the tiny pipeline computed.
TRAIN = """
import shutil
shutil.copy("fixture/model.skops", "models/model.skops")
shutil.copy("fixture/metrics.json", "metrics/metrics.json")
"""
PIPELINE = {
    "stages": {
        "train": {
            "cmd": "python train.py",
            "deps": ["train.py", "fixture"],
            "outs": ["models/model.skops"],
            "metrics": [{"metrics/metrics.json": {"cache": False}}],
        }
    },
    "artifacts": {NAME: {"path": "models/model.skops", "type": "model"}},
}


def project_params() -> dict[str, Any]:
    """The repository's params, with a small forest and gates the tiny model passes."""
    document = copy.deepcopy(yaml.safe_load((ROOT / "params.yaml").read_text()))
    document["train"]["random_forest"]["n_estimators"] = 5
    document["evaluate"]["min_slice_size"] = 2
    document["release"]["gates"] = [
        {"metric": "balanced_accuracy", "higher_is_better": True, "threshold": 0.0}
    ]
    document["release"]["promotion"] = {}
    return document


def build_project(repo: Path) -> None:
    """A committed git + DVC project with every file the commands read, released as v0.0.1."""
    document = project_params()
    files = run_all(params_from_dict(document), TINY_CSV, repo)
    (repo / "fixture").mkdir()
    shutil.move(files["model"], repo / "fixture/model.skops")
    shutil.move(files["metrics"], repo / "fixture/metrics.json")
    (repo / "params.yaml").write_text(yaml.safe_dump(document, sort_keys=False))
    (repo / "dvc.yaml").write_text(yaml.safe_dump(PIPELINE, sort_keys=False))
    (repo / "train.py").write_text(TRAIN)
    shutil.copy(ROOT / "models/card.yaml", repo / "models/card.yaml")
    run(["git", "init", "-q", "-b", "main"], repo)
    run(["dvc", "init", "-q"], repo)
    run(["dvc", "repro", "-q"], repo)
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(repo)
        api.infer_schema(data=Path("data/raw/penguins.csv"), output=Path("data/schema.json"))
        api.build_card()
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-q", "-m", "pipeline"], repo)
    assert release(repo=repo).created
    (repo / "NOTES.md").write_text("a commit after the release\n")
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-q", "-m", "notes"], repo)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with isolated_git_environment(tmp_path_factory.mktemp("home")):
        repo = tmp_path_factory.mktemp("project") / "repo"
        repo.mkdir()
        build_project(repo)
        yield repo


def invoke_in(folder: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    """``mlvc ARGS`` typed in ``folder``; ``{d}`` and ``{m}`` are data/ and models/ from there."""
    root = next(p for p in [folder, *folder.parents] if (p / "dvc.yaml").is_file())
    up = "../" * len(folder.relative_to(root).parts)
    expanded = [a.format(d=f"{up}data/", m=f"{up}models/") for a in args]
    monkeypatch.chdir(folder)
    return runner.invoke(app, expanded)


# (arguments, exit code at the root): every command, with paths typed relative to here
COMMANDS = [
    (["card", "check"], 0),
    (["card", "check", "{m}README.md"], 0),
    (["card", "build"], 0),
    (["params", "check"], 0),
    (["params", "check", "-p", "{m}../params.yaml"], 0),
    (["schema", "check", "{d}raw/penguins.csv", "--schema", "{d}schema.json"], 0),
    (["drift", "-r", "{d}prepared/train.csv", "-c", "{d}prepared/test.csv"], 1),
    (["report", "-f", "json"], 0),
    (["report", "--card", "{m}README.md"], 0),
    (["release", "--dry-run"], 0),
    (["registry", "-f", "json"], 0),
    (["promote", NAME, "v0.0.1", "dev", "--dry-run"], 0),
    (["checkout", f"{NAME}@v0.0.1"], 0),
]


@pytest.mark.parametrize(
    ("args", "code"), COMMANDS, ids=lambda v: " ".join(v) if isinstance(v, list) else f"exit{v}"
)
def test_every_command_gives_the_same_result_from_any_directory(
    project: Path, args: list[str], code: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    at_root = invoke_in(project, args, monkeypatch)
    assert at_root.exit_code == code, at_root.output
    for folder in ("models", "data"):
        there = invoke_in(project / folder, args, monkeypatch)
        assert (there.exit_code, there.stdout, there.stderr) == (
            at_root.exit_code,
            at_root.stdout,
            at_root.stderr,
        ), folder
        assert Path.cwd() == project / folder  # the working directory is restored


def test_paths_typed_in_a_subdirectory_are_relative_to_it(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(project, repo, symlinks=True)
    inferred = invoke_in(
        repo / "models",
        ["schema", "infer", "../data/raw/penguins.csv", "-o", "x.json"],
        monkeypatch,
    )
    assert inferred.exit_code == 0, inferred.output
    assert (repo / "models/x.json").is_file() and not (repo / "x.json").exists()
    assert "models/x.json" in inferred.stdout  # named from the root, as dvc.yaml would
    checked = invoke_in(
        repo / "data",
        ["schema", "check", "raw/penguins.csv", "-s", "../models/x.json"],
        monkeypatch,
    )
    assert checked.exit_code == 0, checked.output
    assert "data/raw/penguins.csv" in checked.stdout
    missing = invoke_in(
        repo / "data", ["schema", "check", "nope.csv", "-s", "schema.json"], monkeypatch
    )
    assert missing.exit_code == 2 and "data/nope.csv: data file not found" in missing.stderr


def test_commands_that_need_no_repository_work_outside_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "outside" / "sub"
    work.mkdir(parents=True)
    shutil.copy(TINY_CSV, tmp_path / "outside/tiny.csv")
    inferred = invoke_in_plain(
        work, ["schema", "infer", "../tiny.csv", "-o", "s.json"], monkeypatch
    )
    assert inferred.exit_code == 0, inferred.output
    assert (work / "s.json").is_file()
    checked = invoke_in_plain(work, ["schema", "check", "../tiny.csv", "-s", "s.json"], monkeypatch)
    assert checked.exit_code == 0, checked.output
    assert "../tiny.csv" in checked.stdout  # shown as typed: there is no root to name it from
    drift = invoke_in_plain(work, ["drift", "-r", "../tiny.csv", "-c", "../tiny.csv"], monkeypatch)
    assert drift.exit_code == 0, drift.output


def invoke_in_plain(folder: Path, args: list[str], monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(folder)
    return runner.invoke(app, args)


def test_the_root_is_the_nearest_dvc_project_inside_the_git_top_level(tmp_path: Path) -> None:
    outer = tmp_path / "outer"  # a dvc.yaml above the git repository is not its root
    (outer / "repo/.git").mkdir(parents=True)
    (outer / "dvc.yaml").write_text("stages: {}\n")
    repo = outer / "repo"
    (repo / "models/deep").mkdir(parents=True)
    assert paths.repository_root(repo / "models/deep") == repo  # the git top level
    (repo / "pipeline/.dvc").mkdir(parents=True)
    (repo / "pipeline/data").mkdir()
    assert paths.repository_root(repo / "pipeline/data") == repo / "pipeline"
    (repo / "dvc.yaml").write_text("stages: {}\n")
    assert paths.repository_root(repo / "models/deep") == repo
    assert paths.repository_root(outer) == outer  # no git: the nearest dvc.yaml
    (tmp_path / "plain").mkdir()
    assert paths.repository_root(tmp_path / "plain") is None  # outside any repository
