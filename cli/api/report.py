"""``build_report``: the Python API of ``mlvc report``.

Never prints and never exits; failures raise :class:`cli.errors.ToolkitError`
subclasses (not a repository, an unknown revision, no metrics at head, a file
that does not parse, a malformed ``report:`` section in ``params.yaml``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import paths

if TYPE_CHECKING:
    from cli.adapters.revisions import Revision
    from cli.core.report import RegressionPolicy, Snapshot
    from cli.results.report import MetricReport

METRIC_FILES = (paths.METRICS, paths.SLICE_METRICS)


def build_report(
    *,
    base: str = "HEAD",
    head: str | None = None,
    policy: RegressionPolicy | None = None,
    repo: Path = Path(),
    card: Path | None = None,
) -> MetricReport:
    """Compare metrics, parameters, DVC-tracked data, the schema check and plots of two revisions.

    ``base`` and ``head`` are git revisions; ``head=None`` means the files on
    disk. Git-tracked files are read with ``git show``; row counts of DVC-cached
    CSV outputs come from the local cache (None when not there). A base without
    metrics yields "new" everywhere. ``policy`` (default: the ``report:`` section
    of ``params.yaml`` at head, else :class:`RegressionPolicy`'s defaults) decides
    which changes of ``metrics/metrics.json`` are regressions. With ``card`` (a
    model card in the workspace) the report starts with its name and description.
    """
    from cli.adapters import revisions
    from cli.adapters.files import read_text
    from cli.core import report as core
    from cli.errors import FileMissing, NotAFile

    base_rev = revisions.resolve(repo, base)
    head_rev = revisions.workspace(repo) if head is None else revisions.resolve(repo, head)
    base_snap = _snapshot(base_rev)
    head_snap = _snapshot(head_rev)
    if head_snap.metrics.get(paths.METRICS.as_posix()) is None:
        where = "in the workspace" if head is None else f"at {head}"
        raise FileMissing(
            f"{paths.METRICS.as_posix()} ({where})",
            what="metrics file",
            hint="run 'dvc repro' first" if head is None else "pick a revision that has metrics",
        )
    if policy is None:
        policy = _policy_from_params(head_snap.params)
    rows = {
        path: (
            revisions.csv_rows(base_rev, path, b.md5) if b is not None else None,
            revisions.csv_rows(head_rev, path, h.md5) if h is not None else None,
        )
        for path, b, h in core.changed_outputs(base_snap.outputs, head_snap.outputs)
        if path.endswith(".csv")
    }
    summary = None
    if card is not None:
        target = card if card.is_absolute() else repo / card
        if target.is_dir():
            raise NotAFile(str(card), what="model card")
        if not target.is_file():
            raise FileMissing(str(card), what="model card", hint="run 'dvc repro' or drop --card")
        summary = core.card_summary(str(card), read_text(target, what="model card"))
    return core.compare(
        base_snap,
        head_snap,
        policy=policy,
        gated_path=paths.METRICS.as_posix(),
        rows=rows,
        card=summary,
    )


def _where(revision: Revision, path: str) -> str:
    return path if revision.is_workspace else f"{revision.rev}:{path}"


def _json(revision: Revision, path: str) -> Any:
    from cli.adapters import revisions
    from cli.adapters.files import parse_json

    text = revisions.read_text(revision, path)
    if text is None:
        return None
    return parse_json(text, source=_where(revision, path))


def _yaml(revision: Revision, path: str) -> Any:
    from cli.adapters import revisions
    from cli.adapters.files import parse_yaml

    text = revisions.read_text(revision, path)
    if text is None:
        return None
    # a committed file cannot be fixed in place: the next step is another revision
    hint = None if revision.is_workspace else f"compare another revision than {revision.rev}"
    return parse_yaml(text, source=_where(revision, path), hint=hint)


def _csv(revision: Revision, path: str, columns: tuple[str, str]) -> list[tuple[str, str]] | None:
    import csv
    import io

    from cli.adapters import revisions
    from cli.errors import DataFileUnreadable

    text = revisions.read_text(revision, path)
    if text is None:
        return None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in columns if c not in (reader.fieldnames or [])]
    if missing:
        raise DataFileUnreadable(
            _where(revision, path), f"expected columns {', '.join(columns)}; missing {missing}"
        )
    return [(row[columns[0]], row[columns[1]]) for row in reader]


def _curve(revision: Revision, path: str, columns: tuple[str, str]) -> list[tuple[float, float]]:
    from cli.errors import DataFileUnreadable

    pairs = _csv(revision, path, columns) or []
    try:
        return [(float(x), float(y)) for x, y in pairs]
    except ValueError as exc:
        raise DataFileUnreadable(_where(revision, path), f"not a number: {exc}") from None


def _snapshot(revision: Revision) -> Snapshot:
    from cli.adapters import revisions
    from cli.core.lock import outputs_by_path
    from cli.core.report import CURVE_AXES, Snapshot
    from cli.results.report import Side

    metrics = {p.as_posix(): _json(revision, p.as_posix()) for p in METRIC_FILES}
    curves: dict[tuple[str, str], list[tuple[float, float]]] = {}
    for kind, folder in (("roc", paths.ROC_DIR), ("pr", paths.PR_DIR)):
        for path in revisions.list_files(revision, folder.as_posix(), ".csv"):
            label = path.rsplit("/", 1)[-1].removesuffix(".csv")
            curves[(kind, label)] = _curve(revision, path, CURVE_AXES[kind])
    return Snapshot(
        side=Side(rev=revision.rev, commit=revision.commit),
        metrics=metrics,
        params=_yaml(revision, paths.PARAMS.as_posix()),
        outputs=outputs_by_path(_yaml(revision, paths.DVC_LOCK.as_posix())),
        validation=_json(revision, paths.VALIDATION_REPORT.as_posix()),
        confusion=_csv(revision, paths.CONFUSION_PLOT.as_posix(), ("actual", "predicted")),
        curves=curves,
    )


def _policy_from_params(params: Any) -> RegressionPolicy:
    from cli.core.report import RegressionPolicy
    from cli.errors import DocumentInvalid

    section = params.get("report") if isinstance(params, dict) else None
    try:
        return RegressionPolicy.from_document(section)
    except ValueError as exc:
        raise DocumentInvalid(
            paths.PARAMS.as_posix(), str(exc), hint="fix the 'report:' section of params.yaml"
        ) from None
