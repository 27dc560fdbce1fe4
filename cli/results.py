"""Frozen result objects returned by ``cli.api`` and rendered by ``cli.render``.

One module on purpose, longer than most: every result type is defined here and only
here, grouped by feature (schema, params, card, pipeline, registry, drift, report). A
leaf: it imports nothing from ``cli`` at run time (core types only for annotations).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cli.core.card import CardProblem
    from cli.core.drift import DriftPolicy
    from cli.core.params_check import ParamProblem
    from cli.core.report import RegressionPolicy
    from cli.core.schema.findings import TableRule, Violation


@dataclass(frozen=True)
class ParamsReport:
    """Outcome of checking a params file against its JSON Schema."""

    path: str
    problems: tuple[ParamProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class OutputCheck:
    """One pipeline output: the md5 ``dvc.lock`` records and the md5 a clean rerun produced."""

    stage: str
    path: str
    expected: str
    actual: str | None

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


@dataclass(frozen=True)
class ReproReport:
    """Outcome of rerunning the pipeline in a clean clone and comparing output hashes."""

    outputs: tuple[OutputCheck, ...]
    workdir: str | None  # kept clone, when asked for

    @property
    def ok(self) -> bool:
        return bool(self.outputs) and all(o.ok for o in self.outputs)


@dataclass(frozen=True)
class CardBuild:
    """A model card written to disk."""

    path: str
    model: str
    flagged_gaps: tuple[str, ...]  # "f1_macro by island (0.123)" for gaps over the threshold
    small_slices: tuple[str, ...]  # "island=Torgersen (n=11)"

    @property
    def ok(self) -> bool:
        return True


@dataclass(frozen=True)
class CardReport:
    """Outcome of checking a model card: front matter against the schema, required sections."""

    path: str
    problems: tuple[CardProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class SchemaReport:
    """Outcome of checking a data file against a row schema."""

    data: str
    schema: str
    rows: int
    failing_rows: int
    missing_columns: tuple[str, ...]  # required by the schema, absent from the file
    unexpected_columns: tuple[str, ...]  # present in the file, refused by additionalProperties
    violations: tuple[Violation, ...]
    table_rules: tuple[TableRule, ...]

    @property
    def ok(self) -> bool:
        return self.failing_rows == 0 and all(rule.ok for rule in self.table_rules)


@dataclass(frozen=True)
class SchemaInferred:
    """A schema inferred from a data file and written to disk."""

    data: str
    schema: str
    rows: int
    columns: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return True


@dataclass(frozen=True)
class Gate:
    """One release or promotion gate and its outcome."""

    gate: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Release:
    """Outcome of ``mlvc release``: the tag (created, pushed, or only planned) and its gates."""

    model: str
    version: str
    tag: str
    commit: str
    gates: tuple[Gate, ...]
    created: bool
    pushed: bool
    dry_run: bool
    remote: str | None

    @property
    def ok(self) -> bool:
        return all(g.ok for g in self.gates)


@dataclass(frozen=True)
class Promotion:
    """Outcome of ``mlvc promote`` / ``mlvc rollback``: a stage assignment tag."""

    model: str
    version: str
    stage: str
    tag: str
    previous: str | None  # version the stage pointed at before
    gates: tuple[Gate, ...]
    created: bool
    pushed: bool
    dry_run: bool
    unchanged: bool = False  # the stage already held the version: nothing to do

    @property
    def ok(self) -> bool:
        return all(g.ok for g in self.gates)


@dataclass(frozen=True)
class RegistryVersion:
    """One version row of the registry view."""

    version: str
    commit: str
    created: int
    stages: tuple[str, ...]
    active: bool
    metrics: dict[str, float]


@dataclass(frozen=True)
class RegistryModel:
    """One model of the registry view."""

    name: str
    latest: str | None
    stages: dict[str, str]
    versions: tuple[RegistryVersion, ...]


@dataclass(frozen=True)
class RegistryView:
    """Every model, its versions, stages and key metrics."""

    models: tuple[RegistryModel, ...]

    @property
    def ok(self) -> bool:
        return True


@dataclass(frozen=True)
class HistoryEvent:
    """One registry event (``gto history``'s fields): ISO 8601 time, event, version, stage."""

    timestamp: str
    event: str
    version: str | None
    stage: str | None
    commit: str
    tag: str


@dataclass(frozen=True)
class RegistryHistory:
    """Every registration, assignment and unassignment of a model, newest first."""

    model: str
    stage: str | None  # the stage the events were filtered to, if any
    events: tuple[HistoryEvent, ...]

    @property
    def ok(self) -> bool:
        return True


@dataclass(frozen=True)
class CheckoutResult:
    """Files restored into the workspace for a model version, with verified hashes."""

    model: str
    version: str
    files: tuple[tuple[str, str], ...]  # (path, md5)

    @property
    def ok(self) -> bool:
        return True


# --- mlvc drift ----------------------------------------------------------------------------

# A column's or a statistic's status.
OK = "ok"
WARNING = "warning"
DRIFT = "drift"
MISSING = "missing"  # a reference column absent from the current file
# A report's method.
SMALL = "p_values"  # the method for small samples
LARGE = "distances"  # the method for large samples


@dataclass(frozen=True)
class Statistic:
    """One test on one column: its value, its threshold and what it concluded."""

    test: str  # psi | ks | chi_squared | wasserstein_normed | jensen_shannon | missing_rate_change
    value: float  # the statistic (PSI, KS D, chi-squared, distance, change in missing share)
    threshold: float
    rule: str  # how value or p_value is compared with the threshold, e.g. "drift if p_value < 0.05"
    status: str  # ok | warning | drift
    p_value: float | None = None
    warning_threshold: float | None = None
    detail: str = ""  # how it was computed (bins, exactness)


@dataclass(frozen=True)
class ColumnDrift:
    """The drift verdict for one column (or for the model's predictions)."""

    column: str
    kind: str  # numeric | categorical | prediction
    status: str  # ok | warning | drift | missing (absent from the current file)
    drifted: bool
    reference_missing_rate: float | None
    current_missing_rate: float | None
    statistics: tuple[Statistic, ...]
    notes: tuple[str, ...] = ()

    @property
    def triggers(self) -> tuple[str, ...]:
        """The tests that said drift."""
        return tuple(s.test for s in self.statistics if s.status == DRIFT)


@dataclass(frozen=True)
class DriftReport:
    """Drift of a current table against a reference: per column, shares and the verdict."""

    reference: str
    current: str
    reference_rows: int
    current_rows: int
    method: str  # p_values (small reference) | distances (large reference)
    columns: tuple[ColumnDrift, ...]  # every reference column, in file order
    extra_columns: tuple[str, ...]  # in the current file only: reported, not compared
    drifted_columns: int
    compared_columns: int
    share_drifted: float
    dataset_drift: bool
    prediction: ColumnDrift | None
    model: str | None
    policy: DriftPolicy

    @property
    def ok(self) -> bool:
        """No dataset drift and no drift of the predicted classes."""
        return not self.dataset_drift and not (self.prediction and self.prediction.drifted)


# --- mlvc report ---------------------------------------------------------------------------

# A metric's, a parameter's or an output's status from base to head.
NEW = "new"
REMOVED = "removed"
SAME = "same"
CHANGED = "changed"
BETTER = "better"
WORSE = "worse"
INVALID = "invalid"  # a gated metric that is missing, non-numeric or non-finite at head


@dataclass(frozen=True)
class Side:
    """One side of the comparison: a revision (with its commit) or the workspace."""

    rev: str | None  # None: the files on disk
    commit: str | None

    @property
    def label(self) -> str:
        if self.rev is None:
            return "workspace"
        short = (self.commit or "")[:7]
        return f"{self.rev} ({short})" if short and short != self.rev else self.rev


@dataclass(frozen=True)
class MetricDiff:
    """One metric at base and head."""

    path: str  # the metrics file
    key: str  # dotted key inside it
    base: float | None
    head: float | None
    change: float | None  # head - base, when both are numbers
    direction: str | None  # "higher" / "lower" is better; None for counts
    status: str  # new, removed, same, changed, better, worse, invalid
    tolerance: float | None  # None: not gated
    regression: bool  # worse by more than the tolerance
    problem: str | None = None  # why a gated head value cannot be compared (status "invalid")

    @property
    def failed(self) -> bool:
        """The gate fails on this metric: a regression, or a gated value that is unusable."""
        return self.regression or self.problem is not None

    @property
    def arrow(self) -> str:
        """↑ when the value went up, ↓ when down, = when unchanged, blank otherwise."""
        if self.change is None:
            return "=" if self.status == SAME else ""
        return "↑" if self.change > 0 else "↓" if self.change < 0 else "="


@dataclass(frozen=True)
class ParamDiff:
    """One ``params.yaml`` key whose value differs."""

    key: str
    base: Any
    head: Any
    status: str  # new, removed, changed


@dataclass(frozen=True)
class DataDiff:
    """A DVC-tracked output whose md5 differs between base and head."""

    path: str
    stage: str
    base_md5: str | None
    head_md5: str | None
    base_rows: int | None  # CSV files only; None when the content could not be found
    head_rows: int | None
    status: str  # new, removed, changed

    @property
    def is_table(self) -> bool:
        return self.path.endswith(".csv")


@dataclass(frozen=True)
class SchemaSummary:
    """The data-contract check at head (``data/validation.json``)."""

    data: str
    schema: str
    rows: int
    failing_rows: int
    ok: bool
    violations: tuple[str, ...]  # "island: enum (3 rows)"
    failed_rules: tuple[str, ...]  # "min_rows: expected >= 30, found 12"


@dataclass(frozen=True)
class ConfusionDiff:
    """Confusion matrices at base and head over the same labels (rows actual, columns predicted)."""

    labels: tuple[str, ...]
    base: tuple[tuple[int, ...], ...] | None
    head: tuple[tuple[int, ...], ...] | None

    @property
    def changed(self) -> bool:
        return self.base != self.head


@dataclass(frozen=True)
class CurveDiff:
    """One curve (ROC or PR of one class) at base and head, on a common grid."""

    kind: str  # "roc" or "pr"
    label: str
    x: str  # column names: fpr/tpr or recall/precision
    y: str
    grid: tuple[float, ...]
    base: tuple[float, ...] | None
    head: tuple[float, ...] | None

    @property
    def changed(self) -> bool:
        return self.base != self.head


@dataclass(frozen=True)
class CardSummary:
    """The model card's name and description, for release notes."""

    path: str
    model: str
    description: str


@dataclass(frozen=True)
class MetricReport:
    """Everything ``mlvc report`` shows: what changed from base to head, and the verdict."""

    base: Side
    head: Side
    metrics_file: str  # the headline metrics, the only file the policy gates
    metrics: tuple[MetricDiff, ...]
    params: tuple[ParamDiff, ...]
    data: tuple[DataDiff, ...]
    data_unchanged: int  # outputs of dvc.lock with the same md5 on both sides
    schema: SchemaSummary | None
    confusion: ConfusionDiff | None
    curves: tuple[CurveDiff, ...]
    policy: RegressionPolicy
    card: CardSummary | None = None

    @property
    def regressions(self) -> tuple[MetricDiff, ...]:
        return tuple(m for m in self.metrics if m.regression)

    @property
    def invalid(self) -> tuple[MetricDiff, ...]:
        """Gated metrics whose head value is missing, not a number or not finite."""
        return tuple(m for m in self.metrics if m.problem is not None)

    @property
    def ok(self) -> bool:
        return not any(m.failed for m in self.metrics)
