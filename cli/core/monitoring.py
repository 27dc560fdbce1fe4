"""The pure parts of ``mlvc monitor``: staleness, non-finite predictions, live metrics and gates.

No files, no git, no pandas at module level: values and arrays in, result records out.
Every check fails closed (``docs/`` convention 16): an unknown training time is stale, a
live metric that cannot be computed fails its gate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cli.core.models import REGRESSION
from cli.core.registry.gates import MetricGate, check_metric_gates
from cli.results.monitor import LiveMetrics, MetricCheck, NonFinite, Staleness

if TYPE_CHECKING:
    import numpy as np

SECONDS_PER_DAY = 86_400.0
MAX_ROWS_SHOWN = 5  # rows named per non-finite column (and the count of all)


def age_in_days(then: datetime | None, now: datetime) -> float | None:
    """Days from ``then`` to ``now`` (both timezone-aware), or None when ``then`` is unknown."""
    if then is None:
        return None
    return (now - then).total_seconds() / SECONDS_PER_DAY


def staleness(
    what: str, since: datetime | None, now: datetime, max_days: float | None
) -> Staleness:
    """Is ``what`` (the model, its data) older than ``max_days``?

    ``max_days`` None switches the check off (never stale). An unknown time with a
    threshold is stale: a check that cannot read its input fails, it never passes.
    """
    days = age_in_days(since, now)
    stale = False if max_days is None else days is None or days > max_days
    return Staleness(
        what=what,
        since=since.isoformat() if since is not None else None,
        days=None if days is None else round(days, 2),
        max_days=max_days,
        stale=stale,
    )


def non_finite(columns: Mapping[str, np.ndarray]) -> list[NonFinite]:
    """The columns holding NaN or infinite values, with how many and the first 1-based rows.

    Only numeric columns are inspected (a predicted label is text); a missing value
    (None) in a numeric column counts as non-finite too.
    """
    import numpy as np

    found = []
    for column, values in columns.items():
        try:
            numbers = np.asarray(values, dtype="float64")
        except (TypeError, ValueError):
            continue  # text: labels are not numbers
        bad = ~np.isfinite(numbers)
        if bad.any():
            rows = np.flatnonzero(bad)
            found.append(
                NonFinite(
                    column=column,
                    count=int(bad.sum()),
                    rows=tuple(int(r) + 1 for r in rows[:MAX_ROWS_SHOWN]),
                )
            )
    return found


def live_scores(
    task: str,
    truth: Sequence[Any],
    *,
    predicted: np.ndarray,
    proba: np.ndarray | None,
    classes: Sequence[str],
    train_truth: Sequence[Any] = (),
) -> dict[str, Any]:
    """The headline metrics on the labelled rows, computed as the evaluate stage does.

    ``baseline``: the same dummy the evaluate stage fits (on the version's training
    targets, ``train_truth``), scored on the same labelled rows, for beats-baseline gates;
    absent without training targets (such a gate then fails closed).
    """
    from cli.core.metrics import baseline_metrics, classification_metrics, regression_metrics
    from cli.core.modeling import label_strings

    scores: dict[str, Any]
    if task == REGRESSION:
        values = [float(v) for v in truth]
        scores = dict(regression_metrics(values, [float(v) for v in predicted]))
        if len(train_truth):
            scores["baseline"] = baseline_metrics(task, [float(v) for v in train_truth], values)
        return scores
    assert proba is not None  # a classifier's log holds one probability per class
    labels = label_strings(truth)
    scores = dict(classification_metrics(labels, proba, classes))
    scores.pop("per_class", None)
    if len(train_truth):
        scores["baseline"] = baseline_metrics(task, label_strings(train_truth), labels, classes)
    return scores


def check_live_metrics(
    gates: Sequence[Mapping[str, Any]],
    live: Mapping[str, Any],
    recorded: Mapping[str, Any],
    *,
    rows: int,
    matched: int,
) -> LiveMetrics:
    """The release gates on the live metrics, changes measured from the release's recorded ones.

    A gate's ``threshold`` is an absolute bound; its change limits compare the live
    value with the version's recorded metric. Fails closed: a gated metric missing
    from the live ones (or not finite) fails.
    """
    specs = [MetricGate(**dict(spec)) for spec in gates]
    baseline = {k: v for k, v in recorded.items() if not isinstance(v, Mapping)}
    results = check_metric_gates(
        specs, live, baseline, baseline_label="the release's recorded metrics"
    )
    checks = tuple(MetricCheck(r.gate, r.ok, r.detail) for r in results)
    shown = {k: v for k, v in live.items() if not isinstance(v, Mapping)}
    return LiveMetrics(
        rows=rows,
        matched=matched,
        metrics=shown,
        recorded={k: recorded[k] for k in shown if k in recorded},
        checks=checks,
    )
