"""Plot diffs: the confusion matrix and the ROC / precision-recall curves of both sides."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from cli.results.report import (
    ConfusionDiff,
    CurveDiff,
)

CURVE_POINTS = 21  # points per curve in a chart (0, 0.05, ..., 1)


def confusion_diff(
    base: Sequence[tuple[str, str]] | None, head: Sequence[tuple[str, str]] | None
) -> ConfusionDiff | None:
    """Count (actual, predicted) pairs into matrices over the union of labels."""
    if base is None and head is None:
        return None
    labels = tuple(
        sorted({label for pairs in (base, head) for pair in pairs or () for label in pair})
    )

    def matrix(pairs: Sequence[tuple[str, str]] | None) -> tuple[tuple[int, ...], ...] | None:
        if pairs is None:
            return None
        index = {label: i for i, label in enumerate(labels)}
        counts = [[0] * len(labels) for _ in labels]
        for actual, predicted in pairs:
            counts[index[actual]][index[predicted]] += 1
        return tuple(tuple(row) for row in counts)

    return ConfusionDiff(labels=labels, base=matrix(base), head=matrix(head))


def grid(points: int = CURVE_POINTS) -> tuple[float, ...]:
    """``points`` evenly spaced values from 0 to 1."""
    return tuple(round(i / (points - 1), 6) for i in range(points))


def resample(curve: Iterable[tuple[float, float]], at: Sequence[float]) -> tuple[float, ...]:
    """Linear interpolation of ``y`` at each ``x`` in ``at`` (clamped at the ends).

    Points are sorted by x; for repeated x the last y wins (the upper step of a ROC curve).
    """
    by_x: dict[float, float] = {}
    for x, y in curve:
        by_x[float(x)] = float(y)
    xs = sorted(by_x)
    if not xs:
        return ()
    values = []
    for target in at:
        if target <= xs[0]:
            values.append(by_x[xs[0]])
            continue
        if target >= xs[-1]:
            values.append(by_x[xs[-1]])
            continue
        hi = next(i for i, x in enumerate(xs) if x >= target)
        x0, x1 = xs[hi - 1], xs[hi]
        y0, y1 = by_x[x0], by_x[x1]
        values.append(y0 + (y1 - y0) * (target - x0) / (x1 - x0))
    return tuple(round(v, 4) for v in values)


CURVE_AXES = {"roc": ("fpr", "tpr"), "pr": ("recall", "precision")}


def curve_diffs(
    base: Mapping[tuple[str, str], Sequence[tuple[float, float]]],
    head: Mapping[tuple[str, str], Sequence[tuple[float, float]]],
    points: int = CURVE_POINTS,
) -> list[CurveDiff]:
    """Every (kind, class) curve on either side, resampled on a common grid; ROC first."""
    at = grid(points)
    keys = sorted(set(base) | set(head), key=lambda k: (list(CURVE_AXES).index(k[0]), k[1]))
    diffs = []
    for kind, label in keys:
        x, y = CURVE_AXES[kind]
        b, h = base.get((kind, label)), head.get((kind, label))
        diffs.append(
            CurveDiff(
                kind=kind,
                label=label,
                x=x,
                y=y,
                grid=at,
                base=resample(b, at) if b is not None else None,
                head=resample(h, at) if h is not None else None,
            )
        )
    return diffs
