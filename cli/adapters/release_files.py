"""The files a release recorded: which ones (``dvc.yaml`` and ``dvc.lock`` at its tag), and
their bytes, fetched from the DVC cache or remote and checked against the recorded md5.

``mlvc checkout``, ``resolve_model`` (``mlvc predict``, ``mlvc serve``) and ``mlvc monitor``
read a release through these two functions; none touches the work tree. Paths come from
committed files, so they are untrusted: callers contain them before writing anywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from cli import paths
from cli.adapters import dvc_cli, git
from cli.adapters.files import md5_bytes, parse_yaml
from cli.adapters.revisions import cached_file
from cli.core.lock import locked_outputs
from cli.core.registry import Version, version_tag
from cli.errors import ReleaseFileCorrupt, ReleaseFilesMissing, ReleaseTagMissing


class ReleaseFiles(NamedTuple):
    """A release tag, its model's path, and every ``(path, md5)`` the model's stage outputs."""

    tag: str
    model_path: str
    files: list[tuple[str, str]]


def recorded_files(repo: Path, name: str, version: str) -> ReleaseFiles:
    """The files release ``name@version`` recorded, read at its tag.

    ``dvc.yaml`` gives the artifact's path, ``dvc.lock`` the outputs of the stage that
    writes it (every one of them: the model and the files beside it, such as its metadata).
    """
    tag = version_tag(name, Version.parse(version))
    if not git.tag_exists(repo, tag):
        raise ReleaseTagMissing(tag)
    committed = f"{tag} cannot be restored as committed; pick another version ('mlvc registry')"
    dvc_yaml = parse_yaml(
        git.show(repo, tag, str(paths.DVC_YAML)) or "{}", source=f"{tag}:dvc.yaml", hint=committed
    )
    artifact = (dvc_yaml.get("artifacts") or {}).get(name) if isinstance(dvc_yaml, dict) else None
    model_path = artifact.get("path") if isinstance(artifact, dict) else None
    outputs = locked_outputs(committed_lock(repo, tag, hint=committed))
    producer = next((stage for (stage, p) in outputs if p == model_path), None)
    if model_path is None or producer is None:
        raise ReleaseFilesMissing(
            tag, "dvc.yaml/dvc.lock at that tag do not record the model's path"
        )
    files = sorted((out.path, out.md5) for out in outputs.values() if out.stage == producer)
    return ReleaseFiles(tag, str(model_path), files)


def committed_lock(repo: Path, revision: str, *, hint: str | None = None) -> Any:
    """``dvc.lock`` as committed at ``revision`` (a tag or commit), parsed; ``{}`` when absent."""
    text = git.show(repo, revision, str(paths.DVC_LOCK)) or "{}"
    return parse_yaml(text, source=f"{revision}:{paths.DVC_LOCK}", hint=hint)


def outputs_committed_since(repo: Path, tag: str, prefix: str, *, limit: int) -> str | None:
    """When the ``dvc.lock`` outputs under ``prefix`` at ``tag`` were committed: the oldest
    commit, walking ``dvc.lock``'s history back from ``tag`` (at most ``limit`` commits),
    whose outputs there are still the tag's. None when ``tag`` records none."""

    def under_prefix(lock: Any) -> dict[str, str]:
        return {p: o.md5 for (_, p), o in locked_outputs(lock).items() if p.startswith(prefix)}

    wanted = under_prefix(committed_lock(repo, tag))
    if not wanted:
        return None
    when = None
    for commit, committed in git.path_history(repo, tag, str(paths.DVC_LOCK), limit=limit):
        if under_prefix(committed_lock(repo, commit)) != wanted:
            break
        when = committed
    return when


def fetch_verified(repo: Path, path: str, md5: str, tag: str) -> bytes:
    """The bytes of the DVC output ``path`` at ``tag``, whose md5 must be ``md5`` (dvc.lock's).

    The local DVC cache first (by content address, no DVC process), else ``dvc get``
    (the cache or the remote); either way the bytes are hashed before they are used.
    ReleaseFileCorrupt when they do not match.
    """
    cached = cached_file(repo, md5)
    data = cached.read_bytes() if cached is not None else dvc_cli.fetch_file(repo, path, tag)
    actual = md5_bytes(data)
    if actual != md5 and cached is not None:  # a damaged cache file: ask DVC instead
        data = dvc_cli.fetch_file(repo, path, tag)
        actual = md5_bytes(data)
    if actual != md5:
        raise ReleaseFileCorrupt(f"{path}@{tag}", actual, md5)
    return data
