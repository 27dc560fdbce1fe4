"""What changed between two revisions of the project: metrics, parameters, data, schema, plots.

Pure: parsed documents in, a frozen :class:`MetricReport` out (no git, no files).
Each metric's direction is known (``log_loss``, ``rmse``, ``mae`` lower is better, counts as
``n`` and ``support`` have none, everything else higher is better), so every
change is marked better or worse; :class:`RegressionPolicy` holds the
tolerances that ``mlvc report --fail-on-regression`` enforces. The gate fails
closed: a gated metric that is missing, not a number or not finite at head is
a failure ("invalid"), never a pass.

Modules: ``metrics`` (the policy, metric diffs), ``plots`` (confusion and curve diffs),
``sections`` (the other sections and the whole report); their public names are re-exported
here, with the directions of :mod:`cli.core.metric_names`.
"""

from cli.core.lock import LockedOutput
from cli.core.metric_names import HIGHER, LOWER, LOWER_IS_BETTER, UNDIRECTED, direction
from cli.core.report.metrics import (
    DEFAULT_TOLERANCES,
    RegressionPolicy,
    flatten,
    head_problem,
    metric_diffs,
)
from cli.core.report.plots import (
    CURVE_AXES,
    CURVE_POINTS,
    confusion_diff,
    curve_diffs,
    grid,
    resample,
)
from cli.core.report.sections import (
    Snapshot,
    card_summary,
    changed_outputs,
    compare,
    data_diffs,
    param_diffs,
    schema_summary,
)

__all__ = [
    "CURVE_AXES",
    "CURVE_POINTS",
    "DEFAULT_TOLERANCES",
    "HIGHER",
    "LOWER",
    "LOWER_IS_BETTER",
    "UNDIRECTED",
    "LockedOutput",
    "RegressionPolicy",
    "Snapshot",
    "card_summary",
    "changed_outputs",
    "compare",
    "confusion_diff",
    "curve_diffs",
    "data_diffs",
    "direction",
    "flatten",
    "grid",
    "head_problem",
    "metric_diffs",
    "param_diffs",
    "resample",
    "schema_summary",
]
