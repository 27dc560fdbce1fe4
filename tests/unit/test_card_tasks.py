"""The card is the dataset's: regression and binary cards, no slices, TODOs, how to use."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli import api, paths
from cli.app import app
from cli.core.card import CardFacts, check_card, render_card
from cli.params import Params
from tests.unit.test_card_api import sources_for
from tests.unit.test_stages import run_all

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "card"
GOLDEN = Path(__file__).resolve().parents[1] / "golden"
SCHEMA = json.loads(paths.MODEL_CARD_SCHEMA.read_text())


def facts(name: str, human: str) -> CardFacts:
    found = json.loads((FIXTURES / f"{name}_facts.json").read_text())
    return CardFacts(human=yaml.safe_load((FIXTURES / human).read_text()), **found)


CASES = {
    "regression": ("regression", "diabetes.yaml"),
    "binary": ("binary", "diabetes.yaml"),
    "template": ("binary", "template.yaml"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_card_matches_its_golden_file(case: str) -> None:
    text = render_card(facts(*CASES[case]))
    golden = GOLDEN / f"model_card_{case}.md"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text)
    assert text == golden.read_text(), "rerun with UPDATE_GOLDEN=1 after an intended change"
    assert check_card(text, SCHEMA) == []
    assert "penguin" not in text.lower() and "n/a" not in text


def test_regression_card_states_regression_metrics_baseline_and_dropped_rows() -> None:
    text = render_card(facts("regression", "diabetes.yaml"))
    assert "pipeline_tag: tabular-regression" in text
    assert "| RMSE | 53.1000 | 73.0000 |" in text
    assert "| R² | 0.4700 | -0.0100 |" in text
    assert 'a `DummyRegressor(strategy="mean")`' in text
    assert "| female | 52 | 50.2000 | 40.1000 | 0.5000 |  |" in text
    assert "dropped 3 whose target `progression` was missing; 442 rows remain." in text
    assert "Class balance" not in text and "Predicted class" not in text


def test_a_known_version_is_stated_and_used_in_how_to_use() -> None:
    text = render_card(facts("regression", "diabetes.yaml"))
    assert "- **Version:** `v1.2.0` in the registry (git tag `diabetes-regressor@v1.2.0`)" in text
    assert "`mlvc predict --model diabetes-regressor@v1.2.0 FILE`" in text
    assert "`mlvc serve --model diabetes-regressor#prod`" in text
    assert 'model = api.resolve_model("diabetes-regressor@v1.2.0")' in text
    assert "model.pipeline.predict(frame)" in text


def test_empty_slices_read_as_sentences_and_null_reads_none() -> None:
    text = render_card(facts("binary", "diabetes.yaml"))
    assert "disaggregated by  (" not in text
    assert "`evaluate.slices` in `params.yaml` names no column" in text
    assert "### Disparities" not in text
    assert "| max_depth | none |" in text
    assert "| ROC AUC | 0.9910 | 0.5000 |" in text


def test_card_check_lists_each_todo_by_key(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text(render_card(facts("binary", "template.yaml")))
    text_file = tmp_path / "card.yaml"
    shutil.copy(FIXTURES / "template.yaml", text_file)
    report = api.check_card(card=card, card_input=text_file)
    assert [p.where.split(": ")[1] for p in report.problems] == [
        "owners[0].name",
        "owners[0].contact",
        "intended_use.primary_uses[0]",
        "intended_use.primary_users[0]",
        "intended_use.out_of_scope[0]",
        "ethical_considerations[0].name",
        "ethical_considerations[0].mitigation",
        "caveats[0]",
    ]
    assert "still a TODO ('TODO: who owns this model')" in report.problems[0].message
    assert api.check_card(card=card, card_input=None).ok


def test_cli_card_check_exits_1_on_todos_and_0_once_filled(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text(render_card(facts("binary", "diabetes.yaml")))
    text_file = tmp_path / "card.yaml"
    shutil.copy(FIXTURES / "template.yaml", text_file)
    runner = CliRunner()
    todo = runner.invoke(app, ["card", "check", str(card), "--input", str(text_file)])
    assert todo.exit_code == 1
    assert "card.yaml: caveats[0]: still a TODO" in todo.stdout
    assert "8 problem(s)" in todo.stdout
    shutil.copy(FIXTURES / "diabetes.yaml", text_file)
    done = runner.invoke(app, ["card", "check", str(card), "-i", str(text_file)])
    assert done.exit_code == 0, done.output


@pytest.fixture
def outputs(params: Params, tiny_csv: Path, tmp_path: Path) -> dict[str, Path]:
    return run_all(params, tiny_csv, tmp_path / "run")


def test_build_states_the_rows_ingest_dropped_and_a_given_version(
    params: Params, outputs: dict[str, Path], tmp_path: Path
) -> None:
    validation = tmp_path / "validation.json"
    validation.write_text(
        json.dumps(
            {
                "ok": True,
                "ingest": {
                    "source": "data/external/mine.csv",
                    "rows_read": 15,
                    "rows_dropped_missing_target": 3,
                    "rows_written": 12,
                },
            }
        )
    )
    card = tmp_path / "README.md"
    sources = sources_for(outputs, validation=validation)
    api.build_card(output=card, params=params, sources=sources, version="1.2.0")
    text = card.read_text()
    assert (
        "Ingest read 15 rows of `data/external/mine.csv` and dropped 3 whose target "
        "`species` was missing; 12 rows remain." in text
    )
    assert "- **Version:** `v1.2.0` in the registry (git tag `penguins-classifier@v1.2.0`)" in text
    api.build_card(output=card, params=params, sources=sources_for(outputs))
    assert "**Version:**" not in card.read_text()  # the stage's card never depends on tags


def test_cli_card_build_refuses_a_version_that_is_not_semver(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["card", "build", "--version", "latest", "-o", str(tmp_path / "c.md")]
    )
    assert result.exit_code == 2
    assert "'latest' is not a version" in result.stderr
    assert not (tmp_path / "c.md").exists()
