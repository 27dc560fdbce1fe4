"""Shared fixtures: a tiny penguins frame, typed params, an isolated git identity."""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli.params import Params, params_from_dict
from tests.isolation import isolated_git_env

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
TINY_CSV = FIXTURES / "penguins_tiny.csv"


@pytest.fixture
def params_doc() -> dict[str, Any]:
    """The repository's params.yaml as a mutable document."""
    return copy.deepcopy(yaml.safe_load((ROOT / "params.yaml").read_text()))


@pytest.fixture
def params(params_doc: dict[str, Any]) -> Params:
    """Typed params for the tiny fixture: a small forest so tests stay fast."""
    params_doc["train"]["random_forest"]["n_estimators"] = 5
    params_doc["evaluate"]["min_slice_size"] = 2
    return params_from_dict(params_doc)


@pytest.fixture
def tiny_csv(tmp_path: Path) -> Path:
    """A copy of the 12-row fixture (with real-style missing values) in a temp folder."""
    target = tmp_path / "external" / "tiny.csv"
    target.parent.mkdir(parents=True)
    target.write_bytes(TINY_CSV.read_bytes())
    return target


@pytest.fixture
def git_env(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> dict:
    """An isolated HOME and git identity, so tests never read the user's git config."""
    for key, value in isolated_git_env(tmp_path_factory.mktemp("home")).items():
        monkeypatch.setenv(key, value)
    return dict(os.environ)
