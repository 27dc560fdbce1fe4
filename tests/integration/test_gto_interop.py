"""GTO reads mlvc's registry tags: `gto show` lists the same versions and stages as mlvc.

GTO 1.10.1 runs from its own virtual environment, made by `.ci/gto-env.sh` at
``$MLVC_GTO_VENV`` (default ``~/.cache/mlvc/gto-venv``). Without it these tests fail with
that instruction; ``MLVC_SKIP_GTO=1`` skips them instead.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from cli import api as reg
from tests.registry_repo import NAME, copy_repo, new_commit, run, template_repo

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Resolved at import (collection), before any fixture points HOME at a temporary directory.
GTO_VENV = Path(os.environ.get("MLVC_GTO_VENV") or Path.home() / ".cache" / "mlvc" / "gto-venv")
GTO = GTO_VENV / "bin" / "gto"
T0 = 1_767_225_600  # 2026-01-01T00:00:00Z; each registry action gets its own minute after it


@pytest.fixture(scope="module")
def gto() -> Path:
    """GTO's executable; a failure that says how to install it (a skip with MLVC_SKIP_GTO=1)."""
    if os.environ.get("MLVC_SKIP_GTO") == "1":
        pytest.skip("MLVC_SKIP_GTO=1: GTO interoperability not checked")
    if not os.access(GTO, os.X_OK):
        pytest.fail(
            f"GTO is not installed at {GTO}: run .ci/gto-env.sh (it creates the venv at "
            "$MLVC_GTO_VENV, default ~/.cache/mlvc/gto-venv), or set MLVC_SKIP_GTO=1 to skip",
            pytrace=False,
        )
    return GTO


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A committed one-stage git + DVC repository with a model artifact (built once)."""
    with template_repo(tmp_path_factory) as repo:
        yield repo


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> Path:
    return copy_repo(template, tmp_path)


def at(monkeypatch: pytest.MonkeyPatch, minute: int) -> None:
    """Pin the committer/tagger date of what comes next.

    GTO orders registry events by tagger time (1-second resolution); mlvc by the tag's
    counter. Distinct times make both orders agree (see the same-second test below).
    """
    monkeypatch.setenv("GIT_COMMITTER_DATE", f"{T0 + 60 * minute} +0000")


def mlvc_registry(repo: Path) -> dict[str, Any]:
    """``mlvc registry --format json`` as a user runs it (a separate process)."""
    done = run([str(BIN / "mlvc"), "registry", "--repo", str(repo), "--format", "json"], repo)
    return {m["name"]: m for m in json.loads(done.stdout)["models"]}


def gto_json(gto: Path, repo: Path, *args: str) -> Any:
    return json.loads(run([str(gto), "show", *args, "--json"], repo).stdout)


def assert_gto_agrees(gto: Path, repo: Path) -> dict[str, Any]:
    """Registry level (`gto show`) and version level (`gto show NAME`) against mlvc's view."""
    ours = mlvc_registry(repo)
    # {"NAME": {"version": latest, "stage": {stage: version}, "registered": .., "active": ..}}
    theirs = gto_json(gto, repo)
    assert sorted(theirs) == sorted(ours)
    for name, model in ours.items():
        assert theirs[name]["version"] == model["latest"]
        assert theirs[name]["stage"] == model["stages"]
        assert theirs[name]["registered"] is True and theirs[name]["active"] is True
        # one entry per version: {"version", "commit_hexsha", "stages": [{"stage", ...}], ...}
        versions = gto_json(gto, repo, name)
        assert {v["version"]: v["commit_hexsha"] for v in versions} == {
            v["version"]: v["commit"] for v in model["versions"]
        }
        assert {v["version"]: sorted(s["stage"] for s in v["stages"]) for v in versions} == {
            v["version"]: sorted(v["stages"]) for v in model["versions"]
        }
        assert {v["version"]: v["is_active"] for v in versions} == {
            v["version"]: v["active"] for v in model["versions"]
        }
    return ours


def test_gto_show_lists_our_versions_and_stages(
    gto: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = [
        lambda: reg.release(repo=repo),
        lambda: new_commit(repo, 5),
        lambda: reg.release(repo=repo),
        lambda: reg.promote(model=NAME, version="v0.0.1", stage="dev", repo=repo),
        lambda: reg.promote(model=NAME, version="v0.0.1", stage="staging", repo=repo),
        lambda: reg.promote(model=NAME, version="v0.0.2", stage="dev", repo=repo),
        lambda: reg.promote(model=NAME, version="v0.0.2", stage="staging", repo=repo),
        lambda: reg.promote(model=NAME, version="v0.0.2", stage="prod", repo=repo),
        lambda: reg.rollback(model=NAME, stage="staging", repo=repo),
    ]
    for minute, step in enumerate(steps):
        at(monkeypatch, minute)
        result = step()
        assert result is None or result.created, result
    ours = assert_gto_agrees(gto, repo)
    model = ours[NAME]
    assert model["latest"] == "v0.0.2"
    assert model["stages"] == {"dev": "v0.0.2", "prod": "v0.0.2", "staging": "v0.0.1"}
    assert [(v["version"], v["stages"]) for v in model["versions"]] == [
        ("v0.0.1", ["staging"]),
        ("v0.0.2", ["dev", "prod"]),
    ]


def test_assignments_in_the_same_second_agree(
    gto: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at(monkeypatch, 0)
    reg.release(repo=repo)
    new_commit(repo, 5)
    at(monkeypatch, 1)
    reg.release(repo=repo)
    at(monkeypatch, 2)  # every assignment below gets the same tagger second
    reg.promote(model=NAME, version="v0.0.1", stage="dev", repo=repo)
    reg.promote(model=NAME, version="v0.0.2", stage="dev", repo=repo)
    assert mlvc_registry(repo)[NAME]["stages"] == {"dev": "v0.0.2"}
    assert_gto_agrees(gto, repo)


def release_three(repo: Path, monkeypatch: pytest.MonkeyPatch) -> int:
    """v0.0.1, v0.0.2 and v0.0.3 on three commits; the next free minute."""
    for minute, seed in enumerate((None, 2, 3)):
        at(monkeypatch, minute)
        if seed is not None:
            new_commit(repo, seed)
        assert reg.release(repo=repo).created
    return 3


def to_prod(repo: Path, monkeypatch: pytest.MonkeyPatch, minute: int, version: str) -> int:
    """Promote through dev and staging to prod, one minute each; the next free minute."""
    for stage in ("dev", "staging", "prod"):
        at(monkeypatch, minute)
        assert reg.promote(model=NAME, version=version, stage=stage, repo=repo).created
        minute += 1
    return minute


def gto_prod(gto: Path, repo: Path) -> str | None:
    return gto_json(gto, repo)[NAME]["stage"]["prod"]


def test_rollback_unassigns_and_gto_falls_back_too(
    gto: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    minute = release_three(repo, monkeypatch)
    minute = to_prod(repo, monkeypatch, minute, "v0.0.1")
    minute = to_prod(repo, monkeypatch, minute, "v0.0.3")
    assert gto_prod(gto, repo) == "v0.0.3"
    at(monkeypatch, minute)
    back = reg.rollback(model=NAME, stage="prod", repo=repo)
    assert back.tag.startswith(f"{NAME}#prod!#") and back.version == "v0.0.1"
    check = run([str(gto), "check-ref", back.tag, "--json"], repo).stdout
    assert json.loads(check)["event"] == "unassignment"
    assert json.loads(check)["version"] == "v0.0.3"
    assert assert_gto_agrees(gto, repo)[NAME]["stages"]["prod"] == "v0.0.1"
    assert gto_prod(gto, repo) == "v0.0.1"
    at(monkeypatch, minute + 1)
    done = run([str(BIN / "mlvc"), "rollback", NAME, "--stage", "prod"], repo, check=False)
    assert done.returncode == 1 and "nothing to roll back to" in done.stderr
    assert assert_gto_agrees(gto, repo)[NAME]["stages"]["prod"] == "v0.0.1"


KEYS = ("event", "version", "stage", "commit")


def mlvc_history(repo: Path) -> list[tuple[Any, ...]]:
    argv = [str(BIN / "mlvc"), "registry", "history", NAME, "--repo", str(repo), "-f", "json"]
    events = json.loads(run(argv, repo).stdout)["events"]
    return [
        (datetime.fromisoformat(e["timestamp"]), *(e[k] for k in KEYS), e["tag"]) for e in events
    ]


def gto_history(gto: Path, repo: Path) -> list[tuple[Any, ...]]:
    events = json.loads(run([str(gto), "history", NAME, "--json"], repo).stdout)
    return [
        (datetime.fromisoformat(e["timestamp"]), *(e[k] for k in KEYS), e["ref"]) for e in events
    ]


def test_rollbacks_step_back_one_version_each_and_history_matches_gto(
    gto: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    minute = release_three(repo, monkeypatch)
    for version in ("v0.0.1", "v0.0.2", "v0.0.3"):
        minute = to_prod(repo, monkeypatch, minute, version)
    for expected in ("v0.0.2", "v0.0.1"):
        at(monkeypatch, minute)
        minute += 1
        assert reg.rollback(model=NAME, stage="prod", repo=repo).version == expected
        assert assert_gto_agrees(gto, repo)[NAME]["stages"]["prod"] == expected
        assert gto_prod(gto, repo) == expected
    ours, theirs = mlvc_history(repo), gto_history(gto, repo)
    assert len(ours) == 3 + 9 + 2
    assert ours == theirs
    assert [e[1] for e in ours[:2]] == ["unassignment", "unassignment"]


def test_checkout_resolves_shortcuts_as_gto_show(
    gto: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    steps = [
        lambda: reg.release(repo=repo),
        lambda: new_commit(repo, 5),
        lambda: reg.release(repo=repo),
        lambda: reg.promote(model=NAME, version="v0.0.1", stage="dev", repo=repo),
        lambda: reg.promote(model=NAME, version="v0.0.1", stage="staging", repo=repo),
        lambda: reg.promote(model=NAME, version="v0.0.2", stage="dev", repo=repo),
    ]
    for minute, step in enumerate(steps):
        at(monkeypatch, minute)
        step()
    for ref in (f"{NAME}#dev", f"{NAME}#staging", f"{NAME}@latest", f"{NAME}@greatest"):
        theirs = run([str(gto), "show", ref, "--ref"], repo).stdout.strip()
        ours = reg.checkout(ref=ref, repo=repo)
        assert theirs == f"{NAME}@{ours.version}", ref
