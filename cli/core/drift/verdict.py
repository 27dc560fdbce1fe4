"""The verdict: statistics per column against the policy, and the dataset's report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from cli.results.drift import (
    DRIFT,
    LARGE,
    MISSING,
    OK,
    SMALL,
    WARNING,
    ColumnDrift,
    DriftReport,
    Statistic,
)

if TYPE_CHECKING:
    pass
from cli.core.drift.policy import (
    LISTED,
    MANTISSA_BITS,
    OUT_OF_RANGE_SHARE,
    PREDICTION,
    PREDICTION_COLUMN,
    QUOTED_CHARS,
    DriftPolicy,
)
from cli.core.drift.statistics import (
    aligned_categories,
    chi_squared,
    jensen_shannon,
    ks_test,
    numeric_psi,
    psi,
    wasserstein_normed,
)
from cli.core.drift.summaries import CategorySummary, NumericSummary, Summary, bucket_keys


def _fmt(value: float) -> str:
    return f"{value:g}"


def _psi_statistic(value: float, policy: DriftPolicy, detail: str) -> Statistic:
    status = DRIFT if value >= policy.psi_drift else WARNING if value >= policy.psi_warning else OK
    return Statistic(
        test="psi",
        value=value,
        threshold=policy.psi_drift,
        warning_threshold=policy.psi_warning,
        rule=f"drift if value >= {_fmt(policy.psi_drift)}; warning if >= "
        f"{_fmt(policy.psi_warning)}",
        status=status,
        detail=detail,
    )


def _p_statistic(test: str, value: float, p: float, policy: DriftPolicy, detail: str) -> Statistic:
    return Statistic(
        test=test,
        value=value,
        p_value=p,
        threshold=policy.p_value,
        rule=f"drift if p_value < {_fmt(policy.p_value)}",
        status=DRIFT if p < policy.p_value else OK,
        detail=detail,
    )


def _distance_statistic(test: str, value: float, threshold: float, detail: str) -> Statistic:
    return Statistic(
        test=test,
        value=value,
        threshold=threshold,
        rule=f"drift if value >= {_fmt(threshold)}",
        status=DRIFT if value >= threshold else OK,
        detail=detail,
    )


def _quoted(value: object) -> str:
    """``repr(value)`` cut to :data:`QUOTED_CHARS`, its full length named when cut."""
    text = repr(value)
    if len(text) <= QUOTED_CHARS:
        return text
    return f"{text[:QUOTED_CHARS]}... ({len(text):,} characters)"


def _listed(items: list[str]) -> str:
    more = f" and {len(items) - LISTED} more" if len(items) > LISTED else ""
    return ", ".join(items[:LISTED]) + more


def _numeric_tests(
    ref: NumericSummary, cur: NumericSummary, small: bool, policy: DriftPolicy
) -> tuple[list[Statistic], list[str]]:
    value, bins, how = numeric_psi(ref, cur, bins=policy.psi_bins, epsilon=policy.psi_epsilon)
    stats = [
        _psi_statistic(
            value, policy, f"{bins} bins, {how}; empty bins count as {_fmt(policy.psi_epsilon)}"
        )
    ]
    if small:
        d, p, how = ks_test(ref, cur)
        stats.append(_p_statistic("ks", d, p, policy, how))
    else:
        stats.append(
            _distance_statistic(
                "wasserstein_normed",
                wasserstein_normed(ref, cur),
                policy.wasserstein,
                f"Wasserstein-1 / reference std ({_fmt(ref.std)}); binned approximation "
                f"(buckets of <= 2^-{MANTISSA_BITS} relative width)",
            )
        )
    notes = []
    below, above = _outside(ref, cur)
    if below + above >= OUT_OF_RANGE_SHARE * cur.count:
        notes.append(
            f"{100 * (below + above) / cur.count:.1f}% of current values lie outside the "
            f"reference range [{_fmt(ref.minimum)}, {_fmt(ref.maximum)}] ({below} below, "
            f"{above} above)"
        )
    return stats, notes


def _outside(ref: NumericSummary, cur: NumericSummary) -> tuple[int, int]:
    """Current values in buckets wholly below the reference minimum, and wholly above its maximum.

    Values sharing a bucket with the reference's extremes are not counted, so
    these are lower bounds (exact unless a value lies within 2^-12 of an extreme).
    """
    if cur.minimum >= ref.minimum and cur.maximum <= ref.maximum:
        return 0, 0
    keys, counts = cur.histogram()
    low, high = bucket_keys([ref.minimum - ref.offset, ref.maximum - ref.offset])
    return int(counts[keys < low].sum()), int(counts[keys > high].sum())


def _category_tests(
    ref: CategorySummary, cur: CategorySummary, small: bool, policy: DriftPolicy
) -> tuple[list[Statistic], list[str]]:
    values, r, c = aligned_categories(ref.counts, cur.counts)
    stats = [
        _psi_statistic(
            psi(r, c, epsilon=policy.psi_epsilon),
            policy,
            f"{len(values)} bins, one per value; empty bins count as {_fmt(policy.psi_epsilon)}",
        )
    ]
    if small:
        statistic, p = chi_squared(r, c)
        stats.append(
            _p_statistic(
                "chi_squared", statistic, p, policy, "scipy.stats.chi2_contingency, 2 x k table"
            )
        )
    else:
        stats.append(
            _distance_statistic(
                "jensen_shannon",
                jensen_shannon(r, c),
                policy.jensen_shannon,
                "scipy.spatial.distance.jensenshannon, natural log",
            )
        )
    unseen = sorted(
        ((v, n) for v, n in cur.counts.items() if v not in ref.counts),
        key=lambda vn: (-vn[1], vn[0]),
    )
    notes = []
    if unseen:
        rows = sum(n for _, n in unseen)
        notes.append(
            f"{len(unseen)} value(s) not in the reference, each its own bin ({rows} rows): "
            + _listed([f"{_quoted(v)} ({n})" for v, n in unseen])
        )
    return stats, notes


def _missing_statistic(ref_rate: float, cur_rate: float, policy: DriftPolicy) -> Statistic:
    change = cur_rate - ref_rate
    threshold = policy.missing_rate_change
    return Statistic(
        test="missing_rate_change",
        value=change,
        threshold=threshold,
        rule=f"drift if |value| >= {_fmt(threshold)}",
        status=DRIFT if abs(change) >= threshold else OK,
        detail="current missing share minus reference missing share",
    )


def _status(statistics: list[Statistic]) -> str:
    found = {s.status for s in statistics}
    return DRIFT if DRIFT in found else WARNING if WARNING in found else OK


def compare_column(
    name: str,
    kind: str,
    ref: Summary,
    cur: Summary | None,
    *,
    small: bool,
    policy: DriftPolicy,
    notes: tuple[str, ...] = (),
) -> ColumnDrift:
    """Every test for one column, and its status."""
    ref_rate = ref.missing / ref.rows if ref.rows else 0.0
    if cur is None:
        return ColumnDrift(
            column=name,
            kind=kind,
            status=MISSING,
            drifted=True,
            reference_missing_rate=ref_rate,
            current_missing_rate=None,
            statistics=(),
            notes=(*notes, "absent from the current file: counted as drifted"),
        )
    cur_rate = cur.missing / cur.rows if cur.rows else 0.0
    statistics: list[Statistic] = []
    found: list[str] = list(notes)
    if ref.count and cur.count:
        if isinstance(ref, NumericSummary) and isinstance(cur, NumericSummary):
            tests, more = _numeric_tests(ref, cur, small, policy)
        else:
            assert isinstance(ref, CategorySummary) and isinstance(cur, CategorySummary)
            tests, more = _category_tests(ref, cur, small, policy)
        statistics += tests
        found += more
    elif not ref.count and not cur.count:
        found.append("every value is missing in both files: no distribution to compare")
    else:
        empty = "reference" if not ref.count else "current"
        found.append(f"every value is missing in the {empty} file: distributions not compared")
    for summary, role in ((ref, "reference"), (cur, "current")):
        if isinstance(summary, NumericSummary) and summary.infinite:
            found.append(f"{summary.infinite} infinite value(s) in the {role} counted as missing")
    statistics.append(_missing_statistic(ref_rate, cur_rate, policy))
    status = _status(statistics)
    return ColumnDrift(
        column=name,
        kind=kind,
        status=status,
        drifted=status == DRIFT,
        reference_missing_rate=ref_rate,
        current_missing_rate=cur_rate,
        statistics=tuple(statistics),
        notes=tuple(found),
    )


def compare_predictions(
    ref: CategorySummary, cur: CategorySummary, *, policy: DriftPolicy
) -> ColumnDrift:
    """PSI of the predicted class distribution, with the class shares in a note."""
    values, r, c = aligned_categories(ref.counts, cur.counts)
    statistic = _psi_statistic(
        psi(r, c, epsilon=policy.psi_epsilon),
        policy,
        f"{len(values)} bins, one per predicted class; empty bins count as "
        f"{_fmt(policy.psi_epsilon)}",
    )
    shares = [
        f"{v} {100 * a / sum(r):.1f}% -> {100 * b / sum(c):.1f}%"
        for v, a, b in zip(values, r, c, strict=True)
    ]
    return ColumnDrift(
        column=PREDICTION_COLUMN,
        kind=PREDICTION,
        status=statistic.status,
        drifted=statistic.status == DRIFT,
        reference_missing_rate=None,
        current_missing_rate=None,
        statistics=(statistic,),
        notes=(f"predicted class shares (reference -> current): {', '.join(shares)}",),
    )


def build_report(
    *,
    reference: str,
    current: str,
    reference_rows: int,
    current_rows: int,
    columns: list[tuple[str, str, Summary, Summary | None, tuple[str, ...]]],
    extra_columns: tuple[str, ...] = (),
    predictions: tuple[CategorySummary, CategorySummary] | None = None,
    model: str | None = None,
    policy: DriftPolicy,
    target: str | None = None,
) -> DriftReport:
    """The report from per-column summaries ``(name, kind, reference, current or None, notes)``.

    The method follows the reference size: p-value tests up to
    ``policy.small_sample_rows`` reference rows, distances above. A reference
    column absent from the current file counts as drifted, except ``target``:
    a batch without its labels is not compared on them and not counted.
    """
    small = reference_rows <= policy.small_sample_rows
    unlabelled = next(
        (name for name, _, _, cur, _ in columns if name == target and cur is None), None
    )
    rows = tuple(
        compare_column(name, kind, ref, cur, small=small, policy=policy, notes=notes)
        for name, kind, ref, cur, notes in columns
        if name != unlabelled
    )
    drifted = sum(row.drifted for row in rows)
    share = drifted / len(rows) if rows else 0.0
    return DriftReport(
        reference=reference,
        current=current,
        reference_rows=reference_rows,
        current_rows=current_rows,
        method=SMALL if small else LARGE,
        columns=rows,
        extra_columns=tuple(extra_columns),
        drifted_columns=drifted,
        compared_columns=len(rows),
        share_drifted=share,
        dataset_drift=bool(rows) and share >= policy.drift_share,
        prediction=(
            compare_predictions(*predictions, policy=policy) if predictions is not None else None
        ),
        model=model,
        policy=policy,
        unlabelled_target=unlabelled,
    )
