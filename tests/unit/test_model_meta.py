"""A malformed models/model.meta.json is one named error naming the file and the key (exit 2)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.app import app

ROOT = Path(__file__).resolve().parents[2]

GOOD_META: dict[str, Any] = {
    "estimator": "logistic_regression",
    "hyperparameters": {"C": 1.0, "max_iter": 200},
    "target": "species",
    "classes": ["Adelie", "Chinstrap", "Gentoo"],
    "features": [{"name": "bill_length_mm", "dtype": "float64"}],
    "training_rows": 9,
    "training_data_md5": "0" * 32,
    "libraries": {"python": "3.11", "scikit-learn": "1.6.1"},
}


def without(key: str) -> dict[str, Any]:
    return {k: v for k, v in GOOD_META.items() if k != key}


CASES = {
    "not an object": ([GOOD_META], "(top level): [{", "is not of type 'object'"),
    "missing key": (without("classes"), "classes: missing", ""),
    "wrong type": ({**GOOD_META, "classes": "Adelie"}, "classes: 'Adelie'", "type 'array'"),
    "feature without dtype": (
        {**GOOD_META, "features": [{"name": "bill_length_mm"}]},
        "features.0.dtype: missing",
        "",
    ),
    "nested hyperparameter": (
        {**GOOD_META, "hyperparameters": {"C": {"deep": 1}}},
        "hyperparameters.C: {'deep': 1}",
        "is not of type",
    ),
    "libraries not text": ({**GOOD_META, "libraries": {"numpy": 2}}, "libraries.numpy: 2", ""),
}


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """params.yaml, dvc.yaml, models/card.yaml and placeholder outputs, as the working directory."""
    for name in ("params.yaml", "dvc.yaml", "models/card.yaml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / name, tmp_path / name)
    for name in ("metrics/metrics.json", "metrics/slices.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}\n")
    (tmp_path / "models/model.skops").write_bytes(b"")
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_meta_names_file_and_key(workspace: Path, case: str) -> None:
    document, where, words = CASES[case]
    (workspace / "models/model.meta.json").write_text(json.dumps(document))
    result = CliRunner().invoke(app, ["card", "build", "-o", "card.md"])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"error: models/model.meta.json: {where}"), line
    assert words in line and "unexpected" not in line
    assert "dvc repro train" in line
    assert not (workspace / "card.md").exists()


def test_meta_the_train_stage_writes_is_valid(workspace: Path) -> None:
    """The schema accepts the keys train writes (the build then stops at the missing data)."""
    (workspace / "models/model.meta.json").write_text(json.dumps(GOOD_META))
    result = CliRunner().invoke(app, ["card", "build", "-o", "card.md"])
    assert "model.meta.json" not in result.stderr
    assert "data/raw/penguins.csv" in result.stderr
