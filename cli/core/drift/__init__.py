"""Data drift between a reference table and a current one: statistics and the verdict.

Pure: no files, no pandas, no typer. ``cli.adapters.drift_io`` reads both tables
in chunks and feeds every column to a summary defined here (``NumericSummary``,
``CategorySummary``); :func:`build_report` turns the two sets of summaries into
a :class:`DriftReport`. numpy and scipy are imported inside the functions that
use them, so importing this module stays cheap.

Statistics (every one names its test, its threshold and its rule in the report):

- ``psi``, population stability index, for every column:
  ``sum((c_i - r_i) * ln(c_i / r_i))`` over bins, where ``r_i`` and ``c_i`` are the
  shares of reference and current values in bin ``i``. Numeric columns use
  ``policy.psi_bins`` bins cut at reference quantiles (ties merge bins; values
  outside the reference range fall into the first or last bin); a numeric column
  with at most ``psi_bins`` distinct reference values, and every categorical
  column, uses one bin per value, and a value the reference never had gets its
  own bin. **Empty bins**: a share of 0 is replaced by ``policy.psi_epsilon``
  (0.0001, as Evidently does) so that the logarithm stays finite; shares are not
  renormalised afterwards. Drift at >= 0.25, warning at >= 0.1.
- Small samples (reference with at most ``policy.small_sample_rows`` rows, 1000,
  as Evidently): p-value tests, drift when p < 0.05. ``ks`` is scipy's
  two-sample Kolmogorov-Smirnov test on the full columns; ``chi_squared`` is
  scipy's ``chi2_contingency`` on the 2 x k table of reference and current
  counts per category (a test of homogeneity; unseen values are categories too).
- Large samples: distances, because p-values flag every trivial difference on
  many rows (evidently#50). ``wasserstein_normed`` is the Wasserstein-1 distance
  divided by the reference standard deviation (floored at 0.001, as Evidently),
  drift at >= 0.1; ``jensen_shannon`` is scipy's Jensen-Shannon distance (natural
  log, range 0 to 0.83) over category shares, drift at >= 0.1.
- ``missing_rate_change``, for every column: current missing share minus
  reference missing share; drift when its absolute value is >= 0.1. Missing
  means null, NaN or an infinite number.

**Binned approximation.** Numeric columns are summarised in one streaming pass
as a log-linear histogram: a value ``x`` is bucketed by the sign, the binary
exponent and the first 12 mantissa bits of ``x - offset``, where ``offset`` is
the median of the first rows of the reference. A bucket therefore spans at most
2^-12 of the distance of its values from the offset, and the number of
buckets is bounded by the data's dynamic range, not by its rows. Quantile
edges for PSI are bucket boundaries (so PSI counts are exact for those edges,
and identical however the file is chunked); the large-sample Wasserstein
distance is computed between the two histograms, each bucket's mass at its
midpoint. The KS test on small samples is exact (see :func:`ks_test`).

A column drifts when any of its tests says drift; a column of the reference
that the current file lacks counts as drifted. The dataset drifts when the
share of drifted columns is at least ``policy.drift_share`` (0.5). With a model,
the predicted class distribution is compared with PSI; the report is ``ok``
when neither the dataset nor the predictions drift.

Modules: ``policy`` (the thresholds), ``summaries`` (streaming histograms and counts),
``statistics`` (the tests and distances), ``verdict`` (statistics against the policy, and
the report). Their public names are re-exported here.
"""

from cli.core.drift.policy import (
    CATEGORICAL,
    KS_EXACT_ROWS,
    NUMERIC,
    PREDICTION,
    DriftPolicy,
)
from cli.core.drift.statistics import (
    aligned_categories,
    chi_squared,
    jensen_shannon,
    ks_test,
    numeric_psi,
    psi,
    quantile_edges,
    wasserstein_normed,
)
from cli.core.drift.summaries import (
    CategorySummary,
    NumericSummary,
    Summary,
    bucket_bounds,
    bucket_keys,
)
from cli.core.drift.verdict import build_report, compare_column, compare_predictions

__all__ = [
    "CATEGORICAL",
    "KS_EXACT_ROWS",
    "NUMERIC",
    "PREDICTION",
    "CategorySummary",
    "DriftPolicy",
    "NumericSummary",
    "Summary",
    "aligned_categories",
    "bucket_bounds",
    "bucket_keys",
    "build_report",
    "chi_squared",
    "compare_column",
    "compare_predictions",
    "jensen_shannon",
    "ks_test",
    "numeric_psi",
    "psi",
    "quantile_edges",
    "wasserstein_normed",
]
