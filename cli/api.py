"""The public Python API: typed keyword arguments in, frozen results out.

Commands, stages and tests call these functions. They never print and never
exit; failures raise :class:`cli.errors.ToolkitError` subclasses.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from cli import paths
from cli.results import OutputCheck, ParamsReport, ReproReport


def check_params(*, params: Path = paths.PARAMS) -> ParamsReport:
    """Validate a params file against the JSON Schema; every problem is reported."""
    from cli.params import check_params_file

    return ParamsReport(path=str(params), problems=tuple(check_params_file(params)))


def verify_reproduction(*, repo: Path = Path(), keep: bool = False) -> ReproReport:
    """Rerun the committed pipeline in a clean clone and compare output hashes with ``dvc.lock``.

    The clone has no DVC cache and no workspace outputs, so every stage runs
    from raw inputs. With ``keep`` the clone is left on disk for inspection.
    """
    from cli.adapters import pipeline

    pipeline.head_commit(repo)
    scratch = Path(tempfile.mkdtemp(prefix="mlvc-repro-"))
    clone = scratch / "clone"
    try:
        pipeline.clean_clone(repo, clone)
        committed = pipeline.locked_outputs(pipeline.read_lock(clone))
        pipeline.repro(clone, site_cache=scratch / "site-cache")
        actual = pipeline.locked_outputs(pipeline.read_lock(clone))
    finally:
        if not keep:
            shutil.rmtree(scratch, ignore_errors=True)
    checks = tuple(
        OutputCheck(stage=stage, path=path, expected=md5, actual=actual.get((stage, path)))
        for (stage, path), md5 in sorted(committed.items())
    )
    return ReproReport(outputs=checks, workdir=str(clone) if keep else None)
