"""YAML and JSON a user or a commit controls: alias bombs and nesting bombs end in one line, exit 2.

Each command runs in a subprocess with a timeout and an address-space cap, so
a regression (unbounded alias expansion) fails the test instead of the machine.
"""

from __future__ import annotations

import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cli.adapters.files import read_json, read_yaml
from cli.core.documents import MAX_DEPTH, load_yaml
from cli.errors import AliasExpansionRefused, DocumentTooDeep

ROOT = Path(__file__).resolve().parents[2]
MLVC = str(Path(sys.executable).parent / "mlvc")
MEMORY_CAP = 3 << 30  # bytes of address space: far below what expanding a bomb takes


def alias_bomb(levels: int = 9) -> str:
    """Nine levels of nine-fold aliases (9^9 leaves), reached from a key the toolkit reads."""
    lines = ["lol: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"l{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, levels + 1)]
    return "\n".join(lines) + f"\nsplit: {{test_size: *a{levels}}}\n"


DEPTH_BOMB = "[" * 100_000 + "]" * 100_000


def _cap_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))


def mlvc(cwd: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the installed ``mlvc`` in ``cwd``; return the result and the wall time."""
    start = time.monotonic()
    result = subprocess.run(
        [MLVC, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_cap_memory,
        check=False,
    )
    return result, time.monotonic() - start


def assert_one_line(result: subprocess.CompletedProcess[str], *needles: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "unexpected" not in lines[0] and "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


def card_build_workspace(root: Path, card_yaml: str) -> Path:
    """Just enough of a pipeline for ``mlvc card build`` to reach ``models/card.yaml``."""
    for name in ("params.yaml", "dvc.yaml"):
        shutil.copy(ROOT / name, root / name)
    for name in ("metrics/metrics.json", "metrics/slices.json", "models/model.meta.json"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("{}\n")
    (root / "models/model.skops").write_bytes(b"")
    (root / "models/card.yaml").write_text(card_yaml)
    return root


def card_with_front_matter(front_matter: str) -> str:
    return f"---\n{front_matter}\n---\n\n# card\n"


@pytest.mark.parametrize("kind", ["alias", "depth"])
def test_params_check(tmp_path: Path, kind: str) -> None:
    (tmp_path / "params.yaml").write_text(alias_bomb() if kind == "alias" else DEPTH_BOMB)
    result, seconds = mlvc(tmp_path, "params", "check", "-p", "params.yaml")
    needle = "YAML aliases expand" if kind == "alias" else "nested too deeply"
    assert_one_line(result, "params.yaml: ", needle)
    assert seconds < 5  # the process's start-up included


@pytest.mark.parametrize("kind", ["alias", "depth"])
def test_card_check_front_matter(tmp_path: Path, kind: str) -> None:
    body = alias_bomb() if kind == "alias" else DEPTH_BOMB
    (tmp_path / "README.md").write_text(card_with_front_matter(body))
    result, seconds = mlvc(tmp_path, "card", "check", "README.md")
    needle = "YAML aliases expand" if kind == "alias" else "nested too deeply"
    assert_one_line(result, "README.md (front matter): ", needle)
    assert seconds < 5  # the process's start-up included


@pytest.mark.parametrize("kind", ["alias", "depth"])
def test_card_build_card_yaml(tmp_path: Path, kind: str) -> None:
    card_build_workspace(tmp_path, alias_bomb() if kind == "alias" else DEPTH_BOMB)
    target = tmp_path / "models/README.md"
    result, seconds = mlvc(tmp_path, "card", "build", "-o", str(target))
    needle = "YAML aliases expand" if kind == "alias" else "nested too deeply"
    assert_one_line(result, "card.yaml: ", needle)
    assert not target.exists()
    assert seconds < 5  # the process's start-up included


@pytest.mark.parametrize("kind", ["alias", "depth"])
def test_drift_params(tmp_path: Path, kind: str) -> None:
    data = tmp_path / "data.csv"
    data.write_text("x\n1\n2\n")
    (tmp_path / "bomb.yaml").write_text(alias_bomb() if kind == "alias" else DEPTH_BOMB)
    result, seconds = mlvc(tmp_path, "drift", "-r", "data.csv", "-c", "data.csv", "-p", "bomb.yaml")
    needle = "YAML aliases expand" if kind == "alias" else "nested too deeply"
    assert_one_line(result, "bomb.yaml: ", needle)
    assert seconds < 5  # the process's start-up included


def test_bombs_are_refused_within_a_second(tmp_path: Path) -> None:
    """The loader refuses both bombs in well under a second each (nothing is expanded)."""
    bomb, deep = tmp_path / "bomb.yaml", tmp_path / "deep.yaml"
    bomb.write_text(alias_bomb())
    deep.write_text(DEPTH_BOMB)
    for path, error in ((bomb, AliasExpansionRefused), (deep, DocumentTooDeep)):
        start = time.monotonic()
        with pytest.raises(error):
            read_yaml(path)
        assert time.monotonic() - start < 1.0


def test_aliases_within_the_budget_still_load() -> None:
    text = "base: &b {C: 1.0, max_iter: 100}\nlr: *b\nrf: {<<: *b, max_iter: 5}\n"
    assert load_yaml(text) == {
        "base": {"C": 1.0, "max_iter": 100},
        "lr": {"C": 1.0, "max_iter": 100},
        "rf": {"C": 1.0, "max_iter": 5},
    }


def test_nesting_at_the_limit_loads_and_one_more_level_is_refused(tmp_path: Path) -> None:
    ok, too_deep = tmp_path / "ok.yaml", tmp_path / "deep.yaml"
    ok.write_text("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    too_deep.write_text("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
    assert read_yaml(ok) is not None
    with pytest.raises(DocumentTooDeep, match="nested too deeply"):
        read_yaml(too_deep)


def test_an_alias_inside_its_own_node_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "loop.yaml"
    path.write_text("split: &s {test_size: *s}\n")
    with pytest.raises(DocumentTooDeep, match="alias inside the node it refers to"):
        read_yaml(path)


def test_aliases_that_nest_too_deeply_are_refused(tmp_path: Path) -> None:
    """Each alias adds a level: a chain of anchors is deep although its text is flat."""
    lines = ["a0: &a0 [x]"] + [f"a{i}: &a{i} [*a{i - 1}]" for i in range(1, MAX_DEPTH + 2)]
    path = tmp_path / "chain.yaml"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(DocumentTooDeep, match="nested too deeply"):
        read_yaml(path)


@pytest.mark.parametrize("name", ["metrics.json", "model.meta.json"])
def test_deep_json_is_one_error(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(DEPTH_BOMB)
    with pytest.raises(DocumentTooDeep, match=rf"{name}: nested too deeply"):
        read_json(path)
    path.write_text("[" * 500 + "]" * 500)  # within the decoder's own limit, beyond ours
    with pytest.raises(DocumentTooDeep, match="more than 100 levels"):
        read_json(path)
