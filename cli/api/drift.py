"""``check_drift``, ``drift_policy`` and ``drift_settings``: the Python API of ``mlvc drift``.

Never prints and never exits; bad input raises :class:`cli.errors.ToolkitError`
subclasses (missing or empty files, an unreadable schema, a reference without
the schema's required columns, a non-numeric value in a numeric column, a
model that cannot predict on the files).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cli import paths
from cli.adapters.tables import DEFAULT_CHUNK_ROWS

if TYPE_CHECKING:
    from cli.core.drift import DriftPolicy
    from cli.results.drift import DriftReport


def check_drift(
    *,
    reference: Path,
    current: Path,
    schema: Path | None = None,
    model: Path | None = None,
    policy: DriftPolicy | None = None,
    target: str | None = None,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> DriftReport:
    """Compare ``current`` with ``reference`` column by column, and decide whether it drifted.

    Both files are read in chunks of ``chunk_rows`` rows (one pass each). With
    ``schema`` (a JSON Schema of one row), its ``required`` columns must be in
    the reference and its ``type`` decides each column's kind; with ``model`` (a
    skops file) the predicted class distributions are compared too. The
    thresholds are ``policy`` (defaults: :class:`cli.core.drift.DriftPolicy`).
    A reference column absent from ``current`` counts as drifted, except
    ``target`` (the label column): a batch without labels is not compared on it
    (the report's ``unlabelled_target`` names it).
    """
    from cli.adapters.drift_io import read_tables
    from cli.core.drift import DriftPolicy, build_report

    policy = policy or DriftPolicy()
    plan, ref, cur = read_tables(
        reference=reference,
        current=current,
        schema=schema,
        model=model,
        policy=policy,
        chunk_rows=chunk_rows,
    )
    columns = [
        (
            name,
            plan.kinds[name],
            ref.columns[name],
            cur.columns.get(name),
            plan.notes.get(name, ()),
        )
        for name in plan.columns
    ]
    predictions = None
    if ref.predictions is not None and cur.predictions is not None:
        predictions = (ref.predictions, cur.predictions)
    return build_report(
        reference=str(reference),
        current=str(current),
        reference_rows=ref.rows,
        current_rows=cur.rows,
        columns=columns,
        extra_columns=plan.extra_in_current,
        predictions=predictions,
        model=str(model) if model is not None else None,
        policy=policy,
        target=target,
    )


def drift_policy(*, params: Path = paths.PARAMS) -> DriftPolicy:
    """The ``drift:`` thresholds of a params file (the defaults when the file does not exist).

    A directory, or a path below a file, is an error (one line), not a missing file.
    """
    return drift_settings(params=params)[0]


def drift_settings(*, params: Path = paths.PARAMS) -> tuple[DriftPolicy, str | None]:
    """The ``drift:`` thresholds and the ``data.target`` column of a params file, read once.

    The defaults and no target when the file does not exist; a directory, or a
    path below a file, is an error (one line), not a missing file.
    """
    from cli.core.drift import DriftPolicy
    from cli.errors import ParamsInvalid
    from cli.params import load_params, to_document

    try:
        params.stat()
    except FileNotFoundError:
        return DriftPolicy(), None
    except OSError:
        pass  # read by load_params, which names the failure
    loaded = load_params(params)
    try:
        policy = DriftPolicy(**to_document(loaded.drift))
    except ValueError as exc:  # a rule JSON Schema cannot express, e.g. psi_drift >= psi_warning
        raise ParamsInvalid(str(params), [f"drift: {exc}"]) from None
    return policy, loaded.data.target
