"""The one parameters digest of the model card and the release tag (no DVC run)."""

from __future__ import annotations

from pathlib import Path

import yaml

from cli import paths
from cli.adapters.card_sources import card_params_digest, params_digest
from cli.params import load_params, load_stage_params, to_document

ROOT = Path(__file__).resolve().parents[2]


def test_the_whole_file_and_the_card_stage_view_give_the_stage_digest() -> None:
    whole = load_params(ROOT / paths.PARAMS)
    stage = load_stage_params("card", path=ROOT / paths.PARAMS, dvc_yaml=ROOT / paths.DVC_YAML)
    expected = params_digest(to_document(stage))  # what the card stage has always recorded
    assert card_params_digest(whole, ROOT / paths.DVC_YAML) == expected
    assert card_params_digest(stage, ROOT / paths.DVC_YAML) == expected
    assert expected != params_digest(to_document(whole))  # release/drift policies do not count


def test_declared_keys_below_a_section_and_a_pipeline_without_a_card_stage(
    tmp_path: Path,
) -> None:
    whole = load_params(ROOT / paths.PARAMS)
    document = to_document(whole)
    dvc_yaml = tmp_path / "dvc.yaml"
    stages = {"card": {"cmd": "true", "params": ["train.seed", {"params.yaml": ["card"]}]}}
    dvc_yaml.write_text(yaml.safe_dump({"stages": stages}))
    part = {"train": {"seed": document["train"]["seed"]}, "card": document["card"]}
    assert card_params_digest(whole, dvc_yaml) == params_digest(part)
    guarded = load_stage_params("card", path=ROOT / paths.PARAMS, dvc_yaml=dvc_yaml)
    assert card_params_digest(guarded, dvc_yaml) == params_digest(part)
    dvc_yaml.write_text(yaml.safe_dump({"stages": {"train": {"cmd": "true"}}}))
    assert card_params_digest(whole, dvc_yaml) == params_digest(document)
