"""The registry listing: stages in the policy's order, times in ISO 8601, text and JSON."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli import api
from cli.app import app
from tests.isolation import isolated_git_env

ROOT = Path(__file__).resolve().parents[2]
NAME = "demo-model"
WHEN = "2026-12-01T02:03:04+00:00"


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, **isolated_git_env(repo.parent / "home")}
    env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"] = WHEN
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _registry(tmp_path: Path, stages: list[str]) -> Path:
    """A git repository whose one version was assigned ``stages``, in the order given."""
    repo = tmp_path / "repo"
    repo.mkdir()
    (tmp_path / "home").mkdir()
    _git(repo, "init", "-q")
    _git(repo, "commit", "-q", "--allow-empty", "-m", "first")
    _git(repo, "tag", "-a", f"{NAME}@v0.0.1", "-m", "Registering version v0.0.1")
    for n, stage in enumerate(stages, start=1):
        _git(repo, "tag", "-a", f"{NAME}#{stage}#{n}", "-m", f"Assigning stage {stage}")
    return repo


def test_stages_follow_the_default_policy_not_the_alphabet(tmp_path: Path) -> None:
    repo = _registry(tmp_path, ["prod", "staging", "dev"])
    model = api.registry(repo=repo).models[0]
    assert list(model.stages) == ["dev", "staging", "prod"] == list(model.stage_order)
    assert model.versions[0].stages == ("dev", "staging", "prod")
    text = CliRunner().invoke(app, ["registry", "--repo", str(repo)]).stdout
    assert "stages: dev=v0.0.1, staging=v0.0.1, prod=v0.0.1" in text
    assert "dev,staging,prod" in text
    shown = CliRunner().invoke(app, ["registry", "--repo", str(repo), "-f", "json"]).stdout
    listed = json.loads(shown)["models"][0]
    assert listed["stage_order"] == ["dev", "staging", "prod"]
    assert listed["versions"][0]["stages"] == ["dev", "staging", "prod"]


def test_a_custom_policy_orders_its_own_stages(tmp_path: Path) -> None:
    repo = _registry(tmp_path, ["prod", "qa", "dev"])
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    params["release"]["stages"] = ["dev", "qa", "prod"]
    (repo / "params.yaml").write_text(yaml.safe_dump(params))
    model = api.registry(repo=repo).models[0]
    assert list(model.stages) == ["dev", "qa", "prod"]
    assert model.versions[0].stages == ("dev", "qa", "prod")


def test_a_stage_outside_the_policy_follows_it(tmp_path: Path) -> None:
    repo = _registry(tmp_path, ["zeta", "prod", "alpha", "dev"])  # no params.yaml: the default
    assert list(api.registry(repo=repo).models[0].stages) == ["dev", "prod", "alpha", "zeta"]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_times_are_iso_8601_in_text_and_json(tmp_path: Path, fmt: str) -> None:
    repo = _registry(tmp_path, ["dev"])
    assert api.registry(repo=repo).models[0].versions[0].created == WHEN
    shown = CliRunner().invoke(app, ["registry", "--repo", str(repo), "-f", fmt]).stdout
    if fmt == "json":
        assert json.loads(shown)["models"][0]["versions"][0]["created"] == WHEN
    else:
        assert WHEN in shown
    history = CliRunner().invoke(app, ["registry", "history", NAME, "--repo", str(repo)])
    assert WHEN in history.stdout


def test_history_of_an_unknown_stage_is_one_line_exit_2(tmp_path: Path) -> None:
    """A stage no tag of the model names and the policy does not list is a typo, not 'no
    events'; the known stages are the policy's (the default here: no params.yaml) and the
    tags'."""
    repo = _registry(tmp_path, ["dev", "legacy"])
    result = CliRunner().invoke(app, ["registry", "history", NAME, "--stage", "qa", "--repo", repo])
    assert result.exit_code == 2 and result.stdout == "", result.output
    (line,) = result.stderr.strip().splitlines()
    assert line == (
        "error: unknown stage 'qa'; stages are: dev -> staging -> prod -> legacy; "
        "next: use one of them, or add it to release.stages in params.yaml"
    )
    for stage, count in (("legacy", 1), ("prod", 0)):  # seen in tags; in the policy, no event
        shown = api.registry_history(model=NAME, stage=stage, repo=repo)
        assert len(shown.events) == count
    listed = CliRunner().invoke(
        app, ["registry", "history", NAME, "--stage", "prod", "--repo", repo]
    )
    assert listed.exit_code == 0, listed.output


def test_history_reads_a_custom_policy_for_a_stage_without_events(tmp_path: Path) -> None:
    repo = _registry(tmp_path, ["dev"])
    params = yaml.safe_load((ROOT / "params.yaml").read_text())
    params["release"]["stages"] = ["dev", "qa", "prod"]
    (repo / "params.yaml").write_text(yaml.safe_dump(params))
    assert api.registry_history(model=NAME, stage="qa", repo=repo).events == ()
    (repo / "params.yaml").write_text("release: [unclosed")  # unreadable: the default stages
    result = CliRunner().invoke(app, ["registry", "history", NAME, "--stage", "qa", "--repo", repo])
    assert result.exit_code == 2
    assert "unknown stage 'qa'; stages are: dev -> staging -> prod" in result.stderr
