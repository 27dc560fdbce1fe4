"""``verify_reproduction``: the Python API of ``mlvc pipeline verify``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from cli import paths

if TYPE_CHECKING:
    from cli.core.lock import LockedOutput
    from cli.results.pipeline import ReproReport


def verify_reproduction(
    *, repo: Path = Path(), keep: bool = False, started: Callable[[], None] | None = None
) -> ReproReport:
    """Rerun the committed pipeline in a clean clone and compare output hashes with ``dvc.lock``.

    The clone has no workspace outputs and its own empty DVC cache and site
    cache (neither the repository's ``.dvc/cache`` nor a ``cache.dir`` in its
    config is read), and every stage is forced without the run-cache, so each
    runs from raw inputs. With ``keep`` the clone is left on disk for inspection.
    ``started`` is called once the rerun begins: after the checks that can refuse the
    run (not a repository, no committed ``dvc.lock``), so a refusal is all a caller shows.
    """
    import shutil
    import tempfile

    from cli.adapters import git, pipeline
    from cli.core.lock import locked_outputs
    from cli.errors import LockNotCommitted
    from cli.results.pipeline import OutputCheck, ReproReport

    git.ensure_repo(repo)
    scratch = Path(tempfile.mkdtemp(prefix="mlvc-repro-"))
    clone = scratch / "clone"
    try:
        pipeline.clean_clone(repo, clone)
        if not (clone / paths.DVC_LOCK).is_file():
            raise LockNotCommitted(str(repo / paths.DVC_LOCK))
        committed = locked_outputs(pipeline.read_lock(clone))
        if started is not None:
            started()
        pipeline.repro_from_scratch(
            clone, cache=scratch / "dvc-cache", site_cache=scratch / "site-cache"
        )
        actual = locked_outputs(pipeline.read_lock(clone))
    finally:
        if not keep:
            shutil.rmtree(scratch, ignore_errors=True)
    checks = tuple(
        OutputCheck(
            stage=stage, path=path, expected=out.md5, actual=_md5(actual.get((stage, path)))
        )
        for (stage, path), out in sorted(committed.items())
    )
    return ReproReport(outputs=checks, workdir=str(clone) if keep else None)


def _md5(output: LockedOutput | None) -> str | None:
    """The md5 a rerun recorded for an output; None when the rerun did not record it."""
    return output.md5 if output is not None else None
