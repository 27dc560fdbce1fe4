"""Releases, promotions and the registry in temporary git + DVC repositories."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from cli import api as reg
from cli import errors
from cli.app import app
from cli.errors import (
    AlreadyReleasedHere,
    DetachedHead,
    NotASemVer,
    NothingToRollBack,
    ReleaseTagMissing,
    ToolkitError,
    VersionExists,
)
from tests.registry_repo import NAME, STAGE_SCRIPT, copy_repo, new_commit, run, template_repo


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    with template_repo(tmp_path_factory) as repo:
        yield repo


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> Path:
    return copy_repo(template, tmp_path)


def tags(repo: Path) -> list[str]:
    return run(["git", "tag", "--list"], repo).stdout.split()


def test_release_creates_annotated_gto_tag(repo: Path) -> None:
    result = reg.release(repo=repo)
    assert result.ok and result.created and result.tag == f"{NAME}@v0.0.1"
    assert run(["git", "cat-file", "-t", result.tag], repo).stdout.strip() == "tag"
    message = run(["git", "tag", "-l", "--format=%(contents)", result.tag], repo).stdout
    assert message.startswith(f"Registering artifact {NAME} version v0.0.1")
    assert "metric.accuracy: 0.97" in message and "model_md5: " in message
    assert "params_digest: " in message
    view = reg.registry(repo=repo)
    (model,) = view.models
    assert model.latest == "v0.0.1" and model.versions[0].metrics["accuracy"] == 0.97


def test_versions_bump_from_tags(repo: Path) -> None:
    reg.release(repo=repo)
    new_commit(repo, 1)
    assert reg.release(repo=repo, bump="minor").version == "v0.1.0"
    new_commit(repo, 2)
    assert reg.release(repo=repo, version="2.0.0").version == "v2.0.0"
    new_commit(repo, 3)
    assert reg.release(repo=repo).version == "v2.0.1"


@pytest.mark.parametrize(
    ("prepare", "gate"),
    [
        (lambda r: (r / "notes.txt").write_text("x"), "clean work tree"),
        (lambda r: (r / "train.py").write_text(STAGE_SCRIPT + "\n# changed\n"), "clean work tree"),
    ],
)
def test_dirty_tree_fails_gate_and_creates_nothing(repo: Path, prepare, gate: str) -> None:
    prepare(repo)
    result = reg.release(repo=repo)
    assert not result.ok and not result.created
    assert next(g.gate for g in result.gates if not g.ok) == gate
    assert tags(repo) == []


def test_dirty_tree_gate_counts_the_files_it_does_not_list(repo: Path) -> None:
    for index in range(12):
        (repo / f"new-{index:02d}.txt").write_text("x")
    gate = reg.release(repo=repo, dry_run=True).gates[0]
    assert gate.gate == "clean work tree" and not gate.ok
    listed = ", ".join(f"new-{index:02d}.txt" for index in range(5))
    assert gate.detail == f"uncommitted: {listed} and 7 more"
    (repo / "new-00.txt").unlink()
    for index in range(6, 12):
        (repo / f"new-{index:02d}.txt").unlink()
    five = reg.release(repo=repo, dry_run=True).gates[0]
    assert five.detail == "uncommitted: " + ", ".join(f"new-{i:02d}.txt" for i in range(1, 6))


def test_stale_pipeline_fails_gate(repo: Path) -> None:
    params = yaml.safe_load((repo / "params.yaml").read_text())
    params["train"]["seed"] = 99
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    run(["git", "commit", "-q", "-am", "params only"], repo)
    result = reg.release(repo=repo)
    failed = {g.gate: g.detail for g in result.gates if not g.ok}
    assert "pipeline up to date" in failed and "train" in failed["pipeline up to date"]
    assert tags(repo) == []


def test_metric_gates_absolute_and_against_latest_release(repo: Path) -> None:
    reg.release(repo=repo)
    new_commit(repo, 13)  # accuracy drops to 0.5
    result = reg.release(repo=repo)
    failed = {g.gate: g.detail for g in result.gates if not g.ok}
    assert "metric balanced_accuracy threshold" in failed
    assert failed["metric balanced_accuracy change"].startswith("0.97 -> 0.5 vs v0.0.1: -0.47")
    assert tags(repo) == [f"{NAME}@v0.0.1"]


def test_dry_run_reports_and_creates_nothing(repo: Path) -> None:
    result = reg.release(repo=repo, dry_run=True)
    assert result.ok and not result.created and result.dry_run
    assert tags(repo) == []


@pytest.mark.parametrize(
    ("setup", "error", "message"),
    [
        (lambda r: None, AlreadyReleasedHere, "already released at this commit"),
        (lambda r: run(["git", "checkout", "-q", "--detach"], r), DetachedHead, "HEAD is detached"),
    ],
)
def test_refusals(repo: Path, setup, error: type[ToolkitError], message: str) -> None:
    if "already" in message:
        reg.release(repo=repo)
    setup(repo)
    with pytest.raises(error, match=message):
        reg.release(repo=repo)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ("train: {seed: [\n", r"params.yaml: not valid YAML: line 2"),
        (None, r"params.yaml: parameters file not found"),
    ],
)
def test_a_broken_params_file_is_named_before_dvc_reads_it(
    repo: Path, params: str | None, message: str
) -> None:
    if params is None:
        (repo / "params.yaml").unlink()
    else:
        (repo / "params.yaml").write_text(params)
    with pytest.raises(ToolkitError, match=f"^{re.escape(str(repo))}/{message}"):
        reg.release(repo=repo, dry_run=True)


def test_invalid_and_existing_versions(repo: Path) -> None:
    with pytest.raises(NotASemVer, match=r"'1\.0' is not a SemVer version"):
        reg.release(repo=repo, version="1.0")
    reg.release(repo=repo, version="1.0.0")
    new_commit(repo, 5)
    with pytest.raises(VersionExists, match="already exists"):
        reg.release(repo=repo, version="1.0.0")


def test_not_a_repo_and_no_commits(tmp_path: Path) -> None:
    with pytest.raises(ToolkitError, match="not a git repository"):
        reg.release(repo=tmp_path)
    with pytest.raises(ToolkitError, match="not a git repository"):
        reg.registry(repo=tmp_path)  # git fails: the clear error, not git's
    with pytest.raises(ToolkitError, match="no such directory"):
        reg.registry(repo=tmp_path / "missing")
    run(["git", "init", "-q"], tmp_path)
    with pytest.raises(ToolkitError, match="no commits yet"):
        reg.registry(repo=tmp_path)


_HOLD = """
import sys, time
from pathlib import Path
from cli.adapters import git
from cli.errors import RegistryBusy
while True:
    try:
        with git.registry_lock(Path(sys.argv[1])):
            print("held", flush=True)
            time.sleep(120)
    except RegistryBusy:
        time.sleep(0.001)
"""


@contextmanager
def _holder(repo: Path) -> Iterator[subprocess.Popen[str]]:
    """A separate process that takes the registry lock of ``repo`` (retrying while
    another holds it) and holds it until it is killed."""
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(repo)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        yield proc
    finally:
        proc.kill()
        proc.wait()


def test_a_live_lock_refuses_with_one_line(repo: Path) -> None:
    import socket

    with _holder(repo) as holder:
        result = runner.invoke(app, ["release", "--repo", str(repo)])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert "another mlvc release, promotion or rollback is running" in line
    assert f"(pid {holder.pid} on {socket.gethostname()})" in line
    assert tags(repo) == []


def test_a_killed_holder_no_longer_blocks(repo: Path) -> None:
    with _holder(repo) as holder:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
        assert reg.release(repo=repo).created
    assert (repo / ".git" / "mlvc-registry.lock").exists()  # never unlinked


@pytest.mark.parametrize("content", ["", "garbage", "{", "[1]", "12", "own-pid"])
def test_a_lock_file_without_a_holder_never_blocks(repo: Path, content: str) -> None:
    import os

    if content == "own-pid":  # a live pid that holds no lock
        content = json.dumps({"pid": os.getpid(), "host": "localhost"})
    (repo / ".git" / "mlvc-registry.lock").write_text(content)
    assert reg.release(repo=repo).created


def test_worktrees_of_one_repository_share_the_lock(repo: Path, tmp_path: Path) -> None:
    from cli.adapters import git

    reg.release(repo=repo)
    other = tmp_path / "other-worktree"
    run(["git", "worktree", "add", "-q", "-b", "other", str(other)], repo)
    with git.registry_lock(repo), pytest.raises(ToolkitError, match="is running"):
        reg.promote(model=NAME, version="v0.0.1", stage="dev", repo=other)
    with _holder(other), pytest.raises(ToolkitError, match="is running"):
        reg.promote(model=NAME, version="v0.0.1", stage="dev", repo=repo)
    assert reg.promote(model=NAME, version="v0.0.1", stage="dev", repo=other).tag


_RACE = """
import os, sys
from pathlib import Path
from cli.adapters import git
from cli.errors import RegistryBusy
repo, inside = Path(sys.argv[1]), Path(sys.argv[2])
held = overlaps = 0
for _ in range(int(sys.argv[3])):
    try:
        with git.registry_lock(repo):
            held += 1
            try:
                fd = os.open(inside, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
            except FileExistsError:
                overlaps += 1
                continue
            os.close(fd)
            os.unlink(inside)
    except RegistryBusy:
        pass
print(held, overlaps)
"""


def test_racing_commands_never_hold_the_lock_together(repo: Path, tmp_path: Path) -> None:
    """Racers and holders killed while holding: at most one holds the lock at any time."""
    inside = tmp_path / "inside"
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", _RACE, str(repo), str(inside), "300"],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for _ in range(5):  # each leaves the lock file naming a dead process
        with _holder(repo) as holder:
            holder.send_signal(signal.SIGKILL)
    counts = [tuple(map(int, p.communicate(timeout=120)[0].split())) for p in racers]
    assert all(p.returncode == 0 for p in racers), counts
    assert sum(held for held, _ in counts) > 0, counts
    assert [overlaps for _, overlaps in counts] == [0, 0, 0], counts


def test_promotion_order_gates_counter_and_rollback(repo: Path) -> None:
    reg.release(repo=repo)
    skipped = reg.promote(model=NAME, version="v0.0.1", stage="staging", repo=repo)
    assert not skipped.ok and "never been in 'dev'" in skipped.gates[0].detail
    first = reg.promote(model=NAME, version="v0.0.1", stage="dev", repo=repo)
    assert first.ok and first.tag == f"{NAME}#dev#1"
    assert (
        reg.promote(model=NAME, version="v0.0.1", stage="staging", repo=repo).tag
        == f"{NAME}#staging#2"
    )
    assert (
        reg.promote(model=NAME, version="v0.0.1", stage="prod", repo=repo).tag == f"{NAME}#prod#3"
    )
    new_commit(repo, 7)
    reg.release(repo=repo)
    for stage in ("dev", "staging", "prod"):
        reg.promote(model=NAME, version="v0.0.2", stage=stage, repo=repo)
    assert reg.registry(repo=repo).models[0].stages == {
        "dev": "v0.0.2",
        "prod": "v0.0.2",
        "staging": "v0.0.2",
    }
    back = reg.rollback(model=NAME, stage="prod", repo=repo)
    assert (back.version, back.previous, back.tag) == ("v0.0.1", "v0.0.2", f"{NAME}#prod!#7")
    assert reg.registry(repo=repo).models[0].stages["prod"] == "v0.0.1"
    assert reg.promote(model=NAME, version="v0.0.1", stage="prod", repo=repo).unchanged


def to_prod(repo: Path, version: str) -> None:
    for stage in ("dev", "staging", "prod"):
        assert reg.promote(model=NAME, version=version, stage=stage, repo=repo).created


def test_rollback_unassigns_and_steps_back_through_history(repo: Path) -> None:
    reg.release(repo=repo)
    new_commit(repo, 2)
    reg.release(repo=repo)
    new_commit(repo, 3)
    reg.release(repo=repo)
    to_prod(repo, "v0.0.1")
    to_prod(repo, "v0.0.3")
    back = reg.rollback(model=NAME, stage="prod", repo=repo)
    assert (back.version, back.previous, back.tag) == ("v0.0.1", "v0.0.3", f"{NAME}#prod!#7")
    commit = run(["git", "rev-list", "-n1", back.tag], repo).stdout.strip()
    assert commit == reg.registry(repo=repo).models[0].versions[2].commit  # v0.0.3's commit
    assert reg.registry(repo=repo).models[0].stages["prod"] == "v0.0.1"
    before = tags(repo)
    with pytest.raises(NothingToRollBack, match="nothing to roll back to") as info:
        reg.rollback(model=NAME, stage="prod", repo=repo)
    assert info.value.exit_code == 1 and tags(repo) == before
    again = runner.invoke(app, ["rollback", NAME, "--stage", "prod", "--repo", str(repo)])
    assert again.exit_code == 1 and "nothing to roll back to" in again.stderr
    assert reg.registry(repo=repo).models[0].stages["prod"] == "v0.0.1"
    to_prod(repo, "v0.0.2")
    assert reg.rollback(model=NAME, stage="prod", repo=repo).version == "v0.0.1"


def test_registry_history_lists_events_newest_first(repo: Path) -> None:
    reg.release(repo=repo)
    reg.promote(model=NAME, version="v0.0.1", stage="dev", repo=repo)
    new_commit(repo, 2)
    reg.release(repo=repo)
    reg.promote(model=NAME, version="v0.0.2", stage="dev", repo=repo)
    reg.rollback(model=NAME, stage="dev", repo=repo)
    history = reg.registry_history(model=NAME, repo=repo)
    assert [(e.event, e.version, e.stage, e.tag) for e in history.events] == [
        ("unassignment", "v0.0.2", "dev", f"{NAME}#dev!#3"),
        ("assignment", "v0.0.2", "dev", f"{NAME}#dev#2"),
        ("registration", "v0.0.2", None, f"{NAME}@v0.0.2"),
        ("assignment", "v0.0.1", "dev", f"{NAME}#dev#1"),
        ("registration", "v0.0.1", None, f"{NAME}@v0.0.1"),
    ]
    assert history.events[0].timestamp.endswith("+00:00")
    done = runner.invoke(
        app, ["registry", "history", NAME, "--stage", "dev", "--repo", str(repo), "-f", "json"]
    )
    assert done.exit_code == 0, done.output
    document = json.loads(done.stdout)
    assert document["model"] == NAME and document["stage"] == "dev"
    assert [e["tag"] for e in document["events"]] == [
        f"{NAME}#dev!#3",
        f"{NAME}#dev#2",
        f"{NAME}#dev#1",
    ]
    text = runner.invoke(app, ["registry", "history", NAME, "--repo", str(repo)])
    assert text.exit_code == 0 and f"{NAME}#dev!#3" in text.stdout.splitlines()[1]
    unknown = runner.invoke(app, ["registry", "history", "nope", "--repo", str(repo)])
    assert unknown.exit_code == 2 and "no registry tags for model 'nope'" in unknown.stderr


def test_prod_gate_blocks_a_weak_version(repo: Path) -> None:
    new_commit(repo, 13)
    params = yaml.safe_load((repo / "params.yaml").read_text())
    params["release"]["gates"] = []
    (repo / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    run(["git", "commit", "-q", "-am", "no release gates"], repo)
    reg.release(repo=repo)
    reg.promote(model=NAME, version="v0.0.1", stage="dev", repo=repo)
    reg.promote(model=NAME, version="v0.0.1", stage="staging", repo=repo)
    result = reg.promote(model=NAME, version="v0.0.1", stage="prod", repo=repo)
    assert not result.ok and not result.created
    assert "0.5 >= 0.95" in next(g.detail for g in result.gates if not g.ok)


def test_push_publishes_dvc_objects_then_tag(repo: Path, tmp_path: Path) -> None:
    bare = tmp_path / "origin.git"
    run(["git", "init", "-q", "--bare", str(bare)], tmp_path)
    run(["git", "remote", "add", "origin", str(bare)], repo)
    storage = tmp_path / "dvc-remote"
    run(["dvc", "remote", "add", "-d", "--local", "store", str(storage)], repo)
    result = reg.release(repo=repo, push=True)
    assert result.pushed and result.remote == "origin"
    assert run(["git", "tag", "-l"], bare).stdout.split() == [result.tag]
    assert any(p.is_file() for p in storage.rglob("*"))
    assert run(["dvc", "status", "--cloud", "--json"], repo).stdout.strip() in ("{}", "")


def test_failed_dvc_push_removes_the_tag(repo: Path, tmp_path: Path) -> None:
    bare = tmp_path / "origin.git"
    run(["git", "init", "-q", "--bare", str(bare)], tmp_path)
    run(["git", "remote", "add", "origin", str(bare)], repo)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    run(["dvc", "remote", "add", "-d", "--local", "store", str(blocker / "remote")], repo)
    with pytest.raises(
        errors.ReleaseFailed, match=r"local tag 'penguins-classifier@v0\.0\.1' removed"
    ):
        reg.release(repo=repo, push=True)
    assert tags(repo) == [] and run(["git", "tag", "-l"], bare).stdout == ""


def test_push_without_git_remote(repo: Path) -> None:
    with pytest.raises(ToolkitError, match="no git remote configured"):
        reg.release(repo=repo, push=True)
    assert tags(repo) == []


def test_checkout_restores_and_verifies(repo: Path) -> None:
    reg.release(repo=repo)
    original = (repo / "models/model.skops").read_bytes()
    new_commit(repo, 8)
    assert (repo / "models/model.skops").read_bytes() != original
    result = reg.checkout(ref=f"{NAME}@v0.0.1", repo=repo)
    assert (repo / "models/model.skops").read_bytes() == original
    assert "models/model.skops" in [path for path, _ in result.files]
    with pytest.raises(ReleaseTagMissing, match="no release tag"):
        reg.checkout(ref=f"{NAME}@v9.9.9", repo=repo)


def test_registry_reads_a_bare_mirror(repo: Path, tmp_path: Path) -> None:
    reg.release(repo=repo)
    mirror = tmp_path / "mirror.git"
    run(["git", "clone", "-q", "--bare", str(repo), str(mirror)], tmp_path)
    assert reg.registry(repo=mirror) == reg.registry(repo=repo)
    assert reg.registry(repo=mirror).models[0].versions[0].version == "v0.0.1"


def test_checkout_of_a_tag_whose_dvc_lock_does_not_parse(repo: Path) -> None:
    (repo / "dvc.lock").write_text("stages: [unclosed\n")
    run(["git", "commit", "-qam", "broken lock"], repo)
    run(["git", "tag", "-a", f"{NAME}@v0.0.7", "-m", "by hand"], repo)
    with pytest.raises(ToolkitError, match=rf"{NAME}@v0.0.7:dvc.lock: not valid YAML") as info:
        reg.checkout(ref=f"{NAME}@v0.0.7", repo=repo)
    assert "pick another version" in (info.value.hint or "")  # not 'mlvc params check'


runner = CliRunner()


def test_cli_release_registry_json(repo: Path) -> None:
    released = runner.invoke(app, ["release", "--repo", str(repo)])
    assert released.exit_code == 0, released.output
    assert f"released {NAME}@v0.0.1" in released.stdout
    again = runner.invoke(app, ["release", "--repo", str(repo)])
    assert again.exit_code == 2 and "already released" in again.stderr
    view = json.loads(runner.invoke(app, ["registry", "--repo", str(repo), "-f", "json"]).stdout)
    assert view["models"][0]["versions"][0]["version"] == "v0.0.1"
    bad = runner.invoke(app, ["release", "--repo", str(repo), "--version", "x.y"])
    assert bad.exit_code == 2 and "not a SemVer version" in bad.stderr
    gate = runner.invoke(app, ["promote", NAME, "v0.0.1", "prod", "--repo", str(repo)])
    assert gate.exit_code == 1 and "never been in 'staging'" in gate.stdout


def _craft_escaping_tag(repo: Path, out_path: str, version: str = "v0.0.5") -> str:
    """Commit a dvc.yaml/dvc.lock whose model stage also lists ``out_path``, cached by its md5."""
    import hashlib

    payload = b'{"escaped": true}\n'
    md5 = hashlib.md5(payload).hexdigest()
    cached = repo / ".dvc" / "cache" / "files" / "md5" / md5[:2] / md5[2:]
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(payload)
    lock = yaml.safe_load((repo / "dvc.lock").read_text())
    lock["stages"]["train"]["outs"].append(
        {"path": out_path, "hash": "md5", "md5": md5, "size": len(payload)}
    )
    (repo / "dvc.lock").write_text(yaml.safe_dump(lock, sort_keys=False))
    pipeline = yaml.safe_load((repo / "dvc.yaml").read_text())
    pipeline["stages"]["train"]["outs"].append(out_path)
    (repo / "dvc.yaml").write_text(yaml.safe_dump(pipeline, sort_keys=False))
    run(["git", "commit", "-qam", "crafted dvc.yaml and dvc.lock"], repo)
    tag = f"{NAME}@{version}"
    run(["git", "tag", "-a", tag, "-m", "crafted"], repo)
    return tag


@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlinked-parent", "symlinked-leaf"])
def test_checkout_refuses_paths_outside_the_repository(
    repo: Path, tmp_path: Path, kind: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    if kind == "dotdot":
        out_path, target = "../escape.json", repo.parent / "escape.json"
    elif kind == "absolute":
        out_path, target = str(outside / "escape.json"), outside / "escape.json"
    elif kind == "symlinked-parent":
        (repo / "linked").symlink_to(outside, target_is_directory=True)
        out_path, target = "linked/escape.json", outside / "escape.json"
    else:  # a tracked file may be a symlink: the last part is resolved too
        (repo / "models/n.json").symlink_to(os.path.relpath(outside / "new.json", repo / "models"))
        out_path, target = "models/n.json", outside / "new.json"
    tag = _craft_escaping_tag(repo, out_path)
    (repo / "models/model.skops").write_bytes(b"workspace bytes")
    result = runner.invoke(app, ["checkout", tag, "--repo", str(repo)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"refusing to write '{out_path}'" in lines[0]
    assert not target.exists()
    # nothing written, not even the tag's valid model file
    assert (repo / "models/model.skops").read_bytes() == b"workspace bytes"


def test_checkout_replaces_a_symlink_into_the_dvc_cache(repo: Path) -> None:
    """As ``dvc checkout`` does; writing through would corrupt the cache file."""
    reg.release(repo=repo)
    model = repo / "models/model.skops"
    released = model.read_bytes()
    cached = repo / ".dvc" / "cache" / "files" / "md5" / "ab" / ("c" * 30)
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(b"another version")
    cached.chmod(0o444)
    model.unlink()
    model.symlink_to(cached)
    reg.checkout(ref=f"{NAME}@v0.0.1", repo=repo)
    assert not model.is_symlink() and model.read_bytes() == released
    assert cached.read_bytes() == b"another version"


def test_checkout_by_stage_latest_and_version(repo: Path) -> None:
    reg.release(repo=repo)
    v1 = (repo / "models/model.skops").read_bytes()
    reg.promote(model=NAME, version="v0.0.1", stage="dev", repo=repo)
    new_commit(repo, 8)
    reg.release(repo=repo)
    v2 = (repo / "models/model.skops").read_bytes()
    restored = reg.checkout(ref=f"{NAME}#dev", repo=repo)
    assert restored.version == "v0.0.1" and (repo / "models/model.skops").read_bytes() == v1
    assert reg.checkout(ref=f"{NAME}@latest", repo=repo).version == "v0.0.2"
    assert (repo / "models/model.skops").read_bytes() == v2
    assert reg.checkout(ref=f"{NAME}@v0.0.1", repo=repo).version == "v0.0.1"
    assert reg.checkout(ref=f"{NAME}@0.0.2", repo=repo).version == "v0.0.2"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        (f"{NAME}#qa", "unknown stage 'qa'; stages are: dev -> staging -> prod"),
        (f"{NAME}#prod", f"stage 'prod' of {NAME} holds no version"),
        (f"{NAME}", f"'{NAME}' is not NAME@vX.Y.Z, NAME@latest or NAME#STAGE"),
        (f"{NAME}@1.2", f"'{NAME}@1.2' is not NAME@vX.Y.Z"),
    ],
)
def test_checkout_refusals_are_one_line_exit_2(repo: Path, ref: str, message: str) -> None:
    reg.release(repo=repo)
    result = runner.invoke(app, ["checkout", ref, "--repo", str(repo)])
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines


def test_unknown_stage_is_exit_2_in_promote_and_rollback(repo: Path) -> None:
    reg.release(repo=repo)
    for argv in (["promote", NAME, "v0.0.1", "qa"], ["rollback", NAME, "--stage", "qa"]):
        result = runner.invoke(app, [*argv, "--repo", str(repo)])
        assert result.exit_code == 2, (argv, result.output)
        assert "unknown stage 'qa'; stages are: dev -> staging -> prod" in result.stderr
    assert tags(repo) == [f"{NAME}@v0.0.1"]


def test_promoting_to_the_stage_a_version_holds_is_a_no_op(repo: Path) -> None:
    reg.release(repo=repo)
    reg.promote(model=NAME, version="v0.0.1", stage="dev", repo=repo)
    before = tags(repo)
    again = runner.invoke(app, ["promote", NAME, "0.0.1", "dev", "--repo", str(repo)])
    assert again.exit_code == 0, again.output
    assert f"nothing to do: {NAME}@v0.0.1 is already in stage 'dev'" in again.stdout
    assert tags(repo) == before


def test_dry_run_on_a_released_commit_lists_gates_exit_1(repo: Path) -> None:
    reg.release(repo=repo)
    result = runner.invoke(app, ["release", "--dry-run", "--repo", str(repo)])
    assert result.exit_code == 1, result.output
    assert "ok   clean work tree" in result.stdout
    assert "FAIL one version per commit: already released at this commit as v0.0.1" in (
        result.stdout
    )


def test_promote_a_version_that_is_not_semver(repo: Path) -> None:
    reg.release(repo=repo)
    result = runner.invoke(app, ["promote", NAME, "1.2", "dev", "--repo", str(repo)])
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("error: '1.2' is not a version; use vX.Y.Z or X.Y.Z")
    assert len(result.stderr.strip().splitlines()) == 1


def _bare_remote(tmp_path: Path, repo: Path, *, hook: str | None = None) -> Path:
    """A bare ``origin`` for ``repo`` (with a ``pre-receive`` hook when given), and a DVC remote."""
    bare = tmp_path / "origin.git"
    run(["git", "init", "-q", "--bare", str(bare)], tmp_path)
    if hook is not None:
        script = bare / "hooks" / "pre-receive"
        script.write_text(hook)
        script.chmod(0o755)
    run(["git", "remote", "add", "origin", str(bare)], repo)
    run(["dvc", "remote", "add", "-d", "--local", "store", str(tmp_path / "dvc-remote")], repo)
    return bare


def test_push_to_an_unreachable_remote_names_it(repo: Path, tmp_path: Path) -> None:
    reg.release(repo=repo)
    missing = tmp_path / "no-such-remote.git"
    run(["git", "remote", "add", "origin", str(missing)], repo)
    result = runner.invoke(app, ["promote", NAME, "v0.0.1", "dev", "--push", "--repo", str(repo)])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert f"local tag '{NAME}#dev#1' removed: cannot reach remote 'origin' ({missing})" in line
    assert "does not appear to be a git repository" in line
    assert "next: check 'git remote -v' and your network" in line
    assert "the repository exists" not in line
    assert tags(repo) == [f"{NAME}@v0.0.1"]


def test_push_url_credentials_are_not_printed(repo: Path) -> None:
    reg.release(repo=repo)
    url = "https://mlvc:s3cret@127.0.0.1:1/registry.git"  # loopback, nothing listens
    run(["git", "remote", "add", "origin", url], repo)
    result = runner.invoke(app, ["promote", NAME, "v0.0.1", "dev", "--push", "--repo", str(repo)])
    assert result.exit_code == 2, result.output
    assert "cannot reach remote 'origin' (https://127.0.0.1:1/registry.git)" in result.stderr
    assert "s3cret" not in result.stderr


def test_push_of_a_tag_the_remote_already_has(repo: Path, tmp_path: Path) -> None:
    reg.release(repo=repo)
    bare = _bare_remote(tmp_path, repo)
    taken = f"{NAME}#dev#1"
    run(["git", "tag", "-a", taken, "-m", "someone else's"], repo)
    run(["git", "push", "-q", "origin", f"refs/tags/{taken}"], repo)
    run(["git", "tag", "-d", taken], repo)
    result = runner.invoke(app, ["promote", NAME, "v0.0.1", "dev", "--push", "--repo", str(repo)])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert f"local tag '{taken}' removed: tag '{taken}' already exists on remote 'origin'" in line
    assert "next: fetch the remote's registry with 'git fetch origin --tags'" in line
    assert "fix the remote" not in line
    assert tags(repo) == [f"{NAME}@v0.0.1"]
    assert run(["git", "tag", "-l"], bare).stdout.split() == [taken]


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_signal_during_release_push_removes_the_local_tag(
    repo: Path, tmp_path: Path, signum: int
) -> None:
    marker = tmp_path / "hook-started"
    slow_hook = f"#!/bin/sh\ntouch '{marker}'\nsleep 30\n"
    bare = _bare_remote(tmp_path, repo, hook=slow_hook)
    mlvc = str(Path(sys.executable).parent / "mlvc")
    argv = [mlvc, "release", "--push", "--repo", str(repo)]
    code, stderr = _interrupt_when(marker, argv, signum)
    assert code == 128 + signum, stderr
    tag = f"{NAME}@v0.0.1"
    name = signal.Signals(signum).name
    (line,) = stderr.strip().splitlines()
    assert line.startswith(f"error: interrupted by {name}: local tag '{tag}' removed"), line
    assert tags(repo) == []
    time.sleep(0.5)  # receive-pack was stopped with git push, so the tag never arrives
    assert run(["git", "tag", "-l"], bare).stdout == ""
    (bare / "hooks" / "pre-receive").unlink()
    again = run(argv, repo)
    assert f"released {tag}" in again.stdout
    assert run(["git", "tag", "-l"], bare).stdout.split() == [tag]


def _interrupt_when(marker: Path, argv: list[str], signum: int) -> tuple[int, str]:
    """Run ``argv``, send ``signum`` once ``marker`` exists; the exit code and stderr.

    The process must exit within a few seconds of the signal.
    """
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the pre-receive hook never started"
            time.sleep(0.05)
        proc.send_signal(signum)
        signalled = time.monotonic()
        _, stderr = proc.communicate(timeout=20)
        assert time.monotonic() - signalled < 10
    finally:
        proc.kill()
    return proc.returncode, stderr


def test_signal_during_promote_push_removes_the_stage_tag(repo: Path, tmp_path: Path) -> None:
    reg.release(repo=repo)
    marker = tmp_path / "hook-started"
    bare = _bare_remote(tmp_path, repo, hook=f"#!/bin/sh\ntouch '{marker}'\nsleep 30\n")
    mlvc = str(Path(sys.executable).parent / "mlvc")
    argv = [mlvc, "promote", NAME, "v0.0.1", "dev", "--push", "--repo", str(repo)]
    code, stderr = _interrupt_when(marker, argv, signal.SIGTERM)
    assert code == 143, stderr
    (line,) = stderr.strip().splitlines()
    assert f"interrupted by SIGTERM: local tag '{NAME}#dev#1' removed" in line
    assert tags(repo) == [f"{NAME}@v0.0.1"]
    assert run(["git", "tag", "-l"], bare).stdout == ""
    (bare / "hooks" / "pre-receive").unlink()
    assert f"{NAME}#dev#1 (pushed)" in run(argv, repo).stdout


@pytest.mark.slow
def test_concurrent_releases_from_two_worktrees_end_in_one_clean_line(
    repo: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other-worktree"
    run(["git", "worktree", "add", "-q", "-b", "other", str(other)], repo)
    run(["dvc", "config", "--local", "cache.dir", str(repo / ".dvc" / "cache")], other)
    run(["dvc", "checkout", "-q"], other)
    mlvc = str(Path(sys.executable).parent / "mlvc")
    procs = [
        subprocess.Popen(
            [mlvc, "release", "--repo", str(where)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for where in (repo, other)
    ]
    results = [(p.wait(timeout=120), p.communicate()) for p in procs]
    assert sorted(code for code, _ in results) == [0, 2], results
    (failed_stderr,) = [err for code, (_, err) in results if code == 2]
    (line,) = failed_stderr.strip().splitlines()
    assert "is running" in line or "already released at this commit" in line, line
    assert "fatal" not in line
    assert tags(repo) == [f"{NAME}@v0.0.1"]


def _mlvc(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The installed console script (``cli.entry:main``), as users run it."""
    mlvc = Path(sys.executable).parent / "mlvc"
    return subprocess.run([str(mlvc), *args], cwd=cwd, capture_output=True, text=True)


def test_the_console_script_lists_the_folder_it_is_given(repo: Path, tmp_path: Path) -> None:
    reg.release(repo=repo)
    expected = reg.registry(repo=repo)
    here = _mlvc("registry", "--format", "json", cwd=repo)
    assert here.returncode == 0, here.stderr
    assert json.loads(here.stdout)["models"][0]["latest"] == expected.models[0].latest
    # started in the working directory (not a repository), used for --repo's folder
    elsewhere = _mlvc("registry", "--repo", str(repo), "-f", "json", cwd=tmp_path)
    assert elsewhere.returncode == 0, elsewhere.stderr
    assert json.loads(elsewhere.stdout) == json.loads(here.stdout)
    outside = _mlvc("registry", cwd=tmp_path)
    assert outside.returncode == 2
    assert "not a git repository" in outside.stderr
    assert "Traceback" not in outside.stderr
