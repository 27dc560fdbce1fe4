"""A release refuses a template card: each TODO left in models/card.yaml fails its card gate."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import api
from cli.app import app
from tests.registry_repo import copy_repo, run, template_repo

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests/fixtures/card"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with template_repo(tmp_path_factory) as repo:
        yield repo


def with_card(template: Path, tmp_path: Path, card_text: str) -> Path:
    repo = copy_repo(template, tmp_path)
    shutil.copy(ROOT / "tests/golden/model_card.md", repo / "models/README.md")
    shutil.copy(FIXTURES / card_text, repo / "models/card.yaml")
    run(["git", "add", "-A"], repo)
    run(["git", "commit", "-q", "-m", "card"], repo)
    return repo


def test_release_refuses_while_the_card_text_has_todos(template: Path, tmp_path: Path) -> None:
    repo = with_card(template, tmp_path, "template.yaml")
    result = api.release(repo=repo)
    assert not result.ok and not result.created
    failed = {g.gate: g.detail for g in result.gates if not g.ok}
    assert list(failed) == ["model card"]
    assert "models/card.yaml: owners[0].name: still a TODO" in failed["model card"]
    assert run(["git", "tag", "--list"], repo).stdout == ""
    cli = CliRunner().invoke(app, ["release", "--repo", str(repo)])
    assert cli.exit_code == 1


def test_release_passes_the_card_gate_once_the_todos_are_written(
    template: Path, tmp_path: Path
) -> None:
    repo = with_card(template, tmp_path, "diabetes.yaml")
    result = api.release(repo=repo, dry_run=True)
    gates = {g.gate: g.ok for g in result.gates}
    assert gates["model card"] and gates["metric balanced_accuracy beats baseline"]
    assert result.ok
