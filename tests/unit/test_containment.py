"""Paths read from git history or ``dvc.lock`` stay inside the repository, symlinks included.

A symlink in the last part of the path is resolved like any other: one that leads
outside the repository is refused for a write (``contained``) and never read
(``revisions.read_text``), except a read through a link into the DVC cache.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.adapters import revisions
from cli.adapters.files import contained
from cli.errors import PathOutsideRepository

MD5 = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def layout(tmp_path: Path) -> tuple[Path, Path]:
    """A repository folder with ``models/`` and a sibling folder outside it."""
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / "models").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.json").write_text("secret\n")
    return repo, outside


@pytest.mark.parametrize("exists", [True, False], ids=["existing", "dangling"])
def test_contained_refuses_a_leaf_symlink_leading_outside(
    layout: tuple[Path, Path], exists: bool
) -> None:
    repo, outside = layout
    name = "secret.json" if exists else "new.json"
    (repo / "models" / "n.json").symlink_to(Path("../../outside") / name)
    with pytest.raises(PathOutsideRepository, match=r"refusing to write 'models/n\.json'"):
        contained(repo, "models/n.json", source="v1:dvc.lock")
    assert not (outside / "new.json").exists()


def test_contained_accepts_a_leaf_symlink_inside_and_returns_the_link(
    layout: tuple[Path, Path],
) -> None:
    repo, _ = layout
    (repo / "data.json").write_text("{}")
    (repo / "models" / "n.json").symlink_to("../data.json")
    entry = contained(repo, "models/n.json", source="v1:dvc.lock")
    assert entry == repo.resolve() / "models" / "n.json" and entry.is_symlink()
    assert contained(repo, "models/plain.json", source="x") == repo.resolve() / "models/plain.json"


def test_contained_link_ok_admits_a_chosen_target(layout: tuple[Path, Path]) -> None:
    repo, outside = layout
    (repo / "models" / "n.json").symlink_to(outside / "secret.json")
    accepted = contained(repo, "models/n.json", source="x", link_ok=lambda p: p.parent == outside)
    assert accepted.is_symlink()


def test_workspace_read_refuses_a_leaf_symlink_leading_outside(layout: tuple[Path, Path]) -> None:
    repo, _ = layout
    (repo / "models" / "m.json").symlink_to("../../outside/secret.json")
    workspace = revisions.Revision(repo, None, None)
    assert revisions.read_text(workspace, "models/m.json") is None
    assert revisions.csv_rows(workspace, "models/m.json", MD5) is None


def _cache_file(cache: Path, content: str) -> Path:
    cached = cache / "files" / "md5" / MD5[:2] / MD5[2:]
    cached.parent.mkdir(parents=True)
    cached.write_text(content)
    cached.chmod(0o444)
    return cached


@pytest.mark.parametrize("where", ["default", "cache.dir outside"])
def test_workspace_read_follows_a_link_into_the_dvc_cache(
    layout: tuple[Path, Path], where: str
) -> None:
    repo, outside = layout
    (repo / ".dvc").mkdir()
    if where == "default":
        cache = repo / ".dvc" / "cache"
    else:
        cache = outside / "cache"
        (repo / ".dvc" / "config").write_text(f"[cache]\n    dir = {cache}\n")
    (repo / "models" / "m.json").symlink_to(_cache_file(cache, '{"a": 1}\n'))
    workspace = revisions.Revision(repo, None, None)
    assert revisions.read_text(workspace, "models/m.json") == '{"a": 1}\n'


def test_a_cache_dir_does_not_open_other_files_to_reads(layout: tuple[Path, Path]) -> None:
    repo, outside = layout
    (repo / ".dvc").mkdir()
    (repo / ".dvc" / "config").write_text(f"[cache]\n    dir = {outside}\n")
    (repo / "models" / "m.json").symlink_to(outside / "secret.json")
    assert revisions.read_text(revisions.Revision(repo, None, None), "models/m.json") is None
