"""Shared fixtures: a tiny penguins frame, typed params, an isolated git identity.

Also the Hypothesis profiles: ``ci`` (derandomized, bounded, no example database, no
deadline: the same examples on every run and every machine) and ``dev`` (random draws,
failures remembered in ``.hypothesis/``). ``HYPOTHESIS_PROFILE`` picks one; without it,
``CI=true`` picks ``ci`` and anything else ``dev``.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import settings

from cli.params import Params, params_from_dict
from tests.isolation import isolated_git_env

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures"
TINY_CSV = FIXTURES / "penguins_tiny.csv"
# One penguin as a request body or a batch row: the first row of the bundled data
PENGUIN_ROW = {
    "island": "Torgersen",
    "bill_length_mm": 39.1,
    "bill_depth_mm": 18.7,
    "flipper_length_mm": 181,
    "body_mass_g": 3750,
    "sex": "male",
    "year": 2007,
}

HYPOTHESIS_PROFILES = ("ci", "dev")
# A test's own @settings(max_examples=...) still wins over the profile's bound. Both derive
# from "default": under CI=true Hypothesis loads its own "ci" profile at import.
_DEFAULT = settings.get_profile("default")
settings.register_profile(
    "ci", _DEFAULT, derandomize=True, max_examples=50, deadline=None, database=None
)
settings.register_profile("dev", _DEFAULT, derandomize=False, max_examples=100, deadline=None)


def hypothesis_profile(environ: dict[str, str]) -> str:
    """The profile to load: ``HYPOTHESIS_PROFILE`` if set, else ``ci`` when ``CI=true``."""
    chosen = environ.get("HYPOTHESIS_PROFILE") or (
        "ci" if environ.get("CI", "").lower() == "true" else "dev"
    )
    if chosen not in HYPOTHESIS_PROFILES:
        raise pytest.UsageError(
            f"HYPOTHESIS_PROFILE={chosen!r} is not a profile; use one of {HYPOTHESIS_PROFILES}"
        )
    return chosen


settings.load_profile(hypothesis_profile(dict(os.environ)))


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


# The kinds of test, by folder: tests/unit is pure and fast; tests/integration (git, DVC,
# GTO, servers) and tests/e2e (temporary clones, `dvc repro`) are slow. Marking by folder
# means a test's kind is where it lives, and `-m "not slow"` is exactly the fast kind
# plus the top-level contract and docs tests. tryfirst: the marks exist before `-m` selects.
SLOW_KINDS = frozenset({"integration", "e2e"})


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/integration and tests/e2e as slow."""
    tests_dir = Path(__file__).parent
    for item in items:
        relative = item.path.relative_to(tests_dir) if item.path.is_relative_to(tests_dir) else None
        if relative is not None and relative.parts[0] in SLOW_KINDS:
            item.add_marker(pytest.mark.slow)
