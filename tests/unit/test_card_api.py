"""api.build_card / api.check_card on real (tiny) pipeline outputs, and the CLI around them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli import api
from cli.adapters.card_sources import CardSources
from cli.app import app
from cli.errors import DocumentInvalid, FileMissing, StaleMetrics
from cli.params import Params
from stages import card as card_stage
from tests.unit.test_stages import run_all

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def outputs(params: Params, tiny_csv: Path, tmp_path: Path) -> dict[str, Path]:
    return run_all(params, tiny_csv, tmp_path / "run")


def sources_for(files: dict[str, Path], **overrides: Path) -> CardSources:
    values = {
        "metrics": files["metrics"],
        "slices": files["slices"],
        "meta": files["meta"],
        "model": files["model"],
        "raw": files["raw"],
        "train": files["train"],
        "test": files["test"],
        "human": ROOT / "models/card.yaml",
        "dvc_yaml": ROOT / "dvc.yaml",
        "dvc_lock": files["raw"].parents[2] / "dvc.lock",
    }
    values.update(overrides)
    return CardSources(**values)


def test_huggingface_parses_card_and_metrics_match(
    params: Params, outputs: dict[str, Path], tmp_path: Path
) -> None:
    from huggingface_hub import ModelCard

    target = tmp_path / "README.md"
    result = api.build_card(params=params, sources=sources_for(outputs), output=target)
    assert result.model == "penguins-classifier"
    card = ModelCard(target.read_text())
    metrics = json.loads(outputs["metrics"].read_text())
    assert card.data.license == "mit" and card.data.library_name == "sklearn"
    parsed = {r.metric_type: r.metric_value for r in card.data.eval_results}
    expected = {
        k: metrics[k]
        for k in ("accuracy", "balanced_accuracy", "f1_macro", "roc_auc_ovr", "log_loss")
        if metrics[k] is not None
    }
    assert parsed == expected
    assert {r.dataset_split for r in card.data.eval_results} == {"test"}
    assert api.check_card(card=target).ok


def test_card_stage_is_byte_stable(
    params: Params, outputs: dict[str, Path], tmp_path: Path
) -> None:
    first, second = tmp_path / "a.md", tmp_path / "b.md"
    card_stage.run(params, sources=sources_for(outputs), card=first)
    card_stage.run(params, sources=sources_for(outputs), card=second)
    assert first.read_bytes() == second.read_bytes()
    text = first.read_text()
    assert f"`{json.loads(outputs['meta'].read_text())['training_data_md5']}`" in text


def test_missing_metrics_keep_old_card(
    params: Params, outputs: dict[str, Path], tmp_path: Path
) -> None:
    target = tmp_path / "README.md"
    target.write_text("old card\n")
    outputs["metrics"].unlink()
    with pytest.raises(FileMissing, match=r"metrics file not found.*run 'dvc repro'"):
        api.build_card(params=params, sources=sources_for(outputs), output=target)
    assert target.read_text() == "old card\n"


def test_metrics_older_than_model_are_refused(
    params: Params, outputs: dict[str, Path], tmp_path: Path
) -> None:
    lock = {
        "schema": "2.0",
        "stages": {
            "evaluate": {
                "cmd": "python -m stages.evaluate",
                "deps": [{"path": "models/model.skops", "md5": "0" * 32}],
                "outs": [],
            }
        },
    }
    lock_path = tmp_path / "dvc.lock"
    lock_path.write_text(yaml.safe_dump(lock))
    target = tmp_path / "README.md"
    target.write_text("old card\n")
    with pytest.raises(StaleMetrics) as caught:
        api.build_card(
            params=params, sources=sources_for(outputs, dvc_lock=lock_path), output=target
        )
    assert "computed from model md5 000" in str(caught.value)
    assert caught.value.hint and "dvc repro evaluate" in caught.value.hint
    assert target.read_text() == "old card\n"


def test_malformed_card_yaml(params: Params, outputs: dict[str, Path], tmp_path: Path) -> None:
    human = tmp_path / "card.yaml"
    document = yaml.safe_load((ROOT / "models/card.yaml").read_text())
    document["owners"] = [{"name": "x"}]
    human.write_text(yaml.safe_dump(document))
    with pytest.raises(DocumentInvalid, match=r"card.yaml: owners.0.contact: missing; it is req"):
        api.build_card(
            params=params, sources=sources_for(outputs, human=human), output=tmp_path / "c.md"
        )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "(top level): got null; allowed: object"),
        ("- a\n- b\n", '(top level): got ["a", "b"]; allowed: object'),
    ],
)
def test_a_card_yaml_that_is_not_a_mapping_is_named_in_json_words(
    params: Params, outputs: dict[str, Path], tmp_path: Path, text: str, problem: str
) -> None:
    human = tmp_path / "card.yaml"
    human.write_text(text)
    with pytest.raises(DocumentInvalid) as caught:
        api.build_card(
            params=params, sources=sources_for(outputs, human=human), output=tmp_path / "c.md"
        )
    assert caught.value.message == f"{human}: {problem}"
    good = ROOT / "tests/golden/model_card.md"
    with pytest.raises(DocumentInvalid) as checked:  # card check refuses what build refuses
        api.check_card(card=good, card_input=human)
    assert (checked.value.message, checked.value.hint) == (caught.value.message, caught.value.hint)


@pytest.mark.parametrize("where", ["root", "elsewhere"])
def test_malformed_card_yaml_names_the_schema_by_a_path_that_opens(
    params: Params,
    outputs: dict[str, Path],
    tmp_path: Path,
    where: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    human = tmp_path / "card.yaml"
    human.write_text("owners: 3\n")
    monkeypatch.chdir(ROOT if where == "root" else tmp_path)
    with pytest.raises(DocumentInvalid) as caught:
        api.build_card(
            params=params, sources=sources_for(outputs, human=human), output=tmp_path / "c.md"
        )
    hint = caught.value.hint or ""
    assert hint.startswith("fix it against ") and hint.endswith(
        "cli/schemas/card_input.schema.json"
    )
    named = Path(hint.removeprefix("fix it against "))
    assert named.is_file() and (where == "elsewhere") == named.is_absolute()


runner = CliRunner()


def test_cli_card_check_exit_codes(tmp_path: Path) -> None:
    good = ROOT / "tests/golden/model_card.md"
    assert runner.invoke(app, ["card", "check", str(good)]).exit_code == 0
    incomplete = tmp_path / "README.md"
    incomplete.write_text(good.read_text().replace("## Factors", "## Something else"))
    result = runner.invoke(app, ["card", "check", str(incomplete), "--format", "json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"] == [
        {"where": "section: Factors", "message": "missing '## Factors' heading"}
    ]
    broken = tmp_path / "broken.md"
    broken.write_text("---\nlicense: [mit\n---\n")
    result = runner.invoke(app, ["card", "check", str(broken)])
    assert result.exit_code == 2
    assert "front matter is not valid YAML" in result.stderr
    missing = runner.invoke(app, ["card", "check", str(tmp_path / "nope.md")])
    assert missing.exit_code == 2 and "model card not found" in missing.stderr


def test_cli_card_check_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    good = (ROOT / "tests/golden/model_card.md").read_bytes()
    card = tmp_path / "README.md"
    card.write_bytes(b"\xef\xbb\xbf" + good)
    result = runner.invoke(app, ["card", "check", str(card), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["problems"] == []


def test_cli_card_build_outside_a_pipeline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "params.yaml").write_text((ROOT / "params.yaml").read_text())
    result = runner.invoke(app, ["card", "build"])
    assert result.exit_code == 2
    assert "metrics/metrics.json: metrics file not found" in result.stderr


def test_cli_card_check_refuses_a_card_text_file_that_is_not_there(tmp_path: Path) -> None:
    good = str(ROOT / "tests/golden/model_card.md")
    typo = tmp_path / "crad.yaml"
    result = runner.invoke(app, ["card", "check", good, "-i", str(typo)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == (
        f"error: {typo}: card text file not found; "
        "next: check the path given to --input (by default models/card.yaml)"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("- a\n- b\n", '(top level): got ["a", "b"]; allowed: object'),
        ("owners: 3\n", "description: missing; it is required (and 1 more)"),
    ],
)
def test_cli_card_check_refuses_a_card_text_that_card_build_refuses(
    tmp_path: Path, text: str, problem: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(ROOT)  # the hint names the schema relative to the working directory
    good = str(ROOT / "tests/golden/model_card.md")
    human = tmp_path / "card.yaml"
    human.write_text(text)
    result = runner.invoke(app, ["card", "check", good, "-i", str(human)])
    assert result.exit_code == 2 and result.stdout == "", result.output
    (line,) = result.stderr.strip().splitlines()
    assert line == (
        f"error: {human}: {problem}; next: fix it against cli/schemas/card_input.schema.json"
    )


def test_cli_card_check_of_a_binary_card_is_one_line_with_the_next_step(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_bytes(b"---\n\xff\xfe\n---\n")
    result = runner.invoke(app, ["card", "check", str(card)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"error: {card}: the model card is not UTF-8 text (invalid start byte at byte 4); "
        "next: pass the model card itself, saved as UTF-8"
    )
