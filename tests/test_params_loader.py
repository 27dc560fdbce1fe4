"""The params loader: typed sections, validation, and the per-stage declared-keys guard."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.errors import (
    FileMissing,
    ParamsInvalid,
    ParamsMalformed,
    UndeclaredParameter,
    UnknownStage,
)
from cli.params import TrainParams, load_params, load_stage_params

PIPELINE = {
    "stages": {
        "train": {
            "cmd": "python -m stages.train",
            "params": ["train.estimator", "train.random_forest", "data.target"],
        },
        "whole": {"cmd": "true", "params": ["split", {"params.yaml": ["train.seed"]}]},
    }
}


def write(tmp_path: Path, doc: dict[str, Any]) -> tuple[Path, Path]:
    params = tmp_path / "params.yaml"
    dvc_yaml = tmp_path / "dvc.yaml"
    params.write_text(yaml.safe_dump(doc))
    dvc_yaml.write_text(yaml.safe_dump(PIPELINE))
    return params, dvc_yaml


def test_typed_sections(tmp_path: Path, params_doc: dict[str, Any]) -> None:
    params, _ = write(tmp_path, params_doc)
    loaded = load_params(params)
    assert isinstance(loaded.train, TrainParams)
    assert loaded.data.numeric_features == tuple(params_doc["data"]["numeric_features"])
    assert (
        loaded.train.random_forest.n_estimators
        == params_doc["train"]["random_forest"]["n_estimators"]
    )


def test_declared_keys_are_readable(tmp_path: Path, params_doc: dict[str, Any]) -> None:
    params, dvc_yaml = write(tmp_path, params_doc)
    loaded = load_stage_params("train", path=params, dvc_yaml=dvc_yaml)
    assert loaded.train.estimator == params_doc["train"]["estimator"]
    assert loaded.train.random_forest.min_samples_leaf == 1  # whole section declared
    assert loaded.data.target == "species"


@pytest.mark.parametrize(
    ("read", "key"),
    [
        (lambda p: p.train.seed, "train.seed"),
        (lambda p: p.train.logistic_regression, "train.logistic_regression"),
        (lambda p: p.data.numeric_features, "data.numeric_features"),
        (lambda p: p.split, "split"),
    ],
)
def test_undeclared_keys_raise(
    tmp_path: Path, params_doc: dict[str, Any], read: Any, key: str
) -> None:
    params, dvc_yaml = write(tmp_path, params_doc)
    loaded = load_stage_params("train", path=params, dvc_yaml=dvc_yaml)
    with pytest.raises(UndeclaredParameter) as caught:
        read(loaded)
    assert caught.value.key == key
    assert f"add '{key}' to stages.train.params" in str(caught.value)


def test_section_and_file_mapping_declarations(tmp_path: Path, params_doc: dict[str, Any]) -> None:
    params, dvc_yaml = write(tmp_path, params_doc)
    loaded = load_stage_params("whole", path=params, dvc_yaml=dvc_yaml)
    assert loaded.split.seed == params_doc["split"]["seed"]
    assert loaded.train.seed == params_doc["train"]["seed"]
    with pytest.raises(UndeclaredParameter):
        _ = loaded.train.estimator


def test_unknown_stage(tmp_path: Path, params_doc: dict[str, Any]) -> None:
    params, dvc_yaml = write(tmp_path, params_doc)
    with pytest.raises(UnknownStage, match="no stage named 'nope'; stages are: train, whole"):
        load_stage_params("nope", path=params, dvc_yaml=dvc_yaml)


def test_invalid_params_refused(tmp_path: Path, params_doc: dict[str, Any]) -> None:
    params_doc["train"]["estimator"] = "xgboost"
    params_doc["train"]["seed"] = -3
    params, _ = write(tmp_path, params_doc)
    with pytest.raises(ParamsInvalid) as caught:
        load_params(params)
    assert len(caught.value.problems) == 2
    assert 'train.estimator: got "xgboost"' in str(caught.value)
    assert "(and 1 more)" in str(caught.value)


def test_missing_and_malformed_files(tmp_path: Path) -> None:
    with pytest.raises(FileMissing, match="parameters file not found"):
        load_params(tmp_path / "params.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("train: [1,\n")
    with pytest.raises(ParamsMalformed, match=r"bad.yaml: not valid YAML: line 2"):
        load_params(bad)
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(ParamsMalformed, match="not UTF-8"):
        load_params(binary)
