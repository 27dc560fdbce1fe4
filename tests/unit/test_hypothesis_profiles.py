"""The Hypothesis profiles registered in tests/conftest.py and how one is chosen."""

from __future__ import annotations

import pytest
from hypothesis import settings
from hypothesis.database import InMemoryExampleDatabase

from tests.conftest import hypothesis_profile


def test_ci_profile_is_derandomized_bounded_without_deadline_or_database() -> None:
    ci = settings.get_profile("ci")
    assert ci.derandomize is True
    assert 0 < ci.max_examples <= 100
    assert ci.deadline is None
    assert ci.database is None or isinstance(ci.database, InMemoryExampleDatabase)


def test_dev_profile_draws_new_examples() -> None:
    assert settings.get_profile("dev").derandomize is False


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "dev"),
        ({"CI": "true"}, "ci"),
        ({"CI": "false"}, "dev"),
        ({"CI": "true", "HYPOTHESIS_PROFILE": "dev"}, "dev"),
        ({"HYPOTHESIS_PROFILE": "ci"}, "ci"),
    ],
)
def test_the_profile_follows_hypothesis_profile_then_ci(
    environ: dict[str, str], expected: str
) -> None:
    assert hypothesis_profile(environ) == expected


def test_an_unknown_profile_is_a_usage_error() -> None:
    with pytest.raises(pytest.UsageError, match="HYPOTHESIS_PROFILE='fast'"):
        hypothesis_profile({"HYPOTHESIS_PROFILE": "fast"})


def test_the_loaded_profile_is_one_of_ours() -> None:
    assert settings.get_current_profile_name() in ("ci", "dev")
