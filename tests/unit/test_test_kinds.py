"""Tests are marked by kind from their folder: integration and e2e are slow, unit is not."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import pytest_collection_modifyitems

TESTS = Path(__file__).resolve().parents[1]


@dataclass
class FakeItem:
    """Just what the hook reads and writes on a pytest item."""

    path: Path
    marks: list[str] = field(default_factory=list)

    def add_marker(self, mark: pytest.MarkDecorator) -> None:
        self.marks.append(mark.name)


@pytest.mark.parametrize(
    ("relative", "slow"),
    [
        ("integration/test_registry_api.py", True),
        ("e2e/test_pipeline_e2e.py", True),
        ("unit/test_registry.py", False),
        ("test_docs.py", False),
    ],
)
def test_the_folder_decides_the_slow_mark(relative: str, slow: bool) -> None:
    item = FakeItem(TESTS / relative)
    pytest_collection_modifyitems([item])  # type: ignore[list-item]  # a duck-typed item
    assert (item.marks == ["slow"]) is slow


def test_every_kind_folder_exists_and_old_layer_folders_are_gone() -> None:
    for kind in ("unit", "integration", "e2e"):
        assert any((TESTS / kind).glob("test_*.py")), kind
    for old in ("core", "adapters", "api", "cli", "stages"):
        assert not any((TESTS / old).glob("test_*.py")), f"tests/{old} should live in a kind"
