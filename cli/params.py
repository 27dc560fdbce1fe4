"""The one loader of ``params.yaml``: validated, typed, and guarded per stage.

``load_params()`` returns the whole document as frozen dataclasses.
``load_stage_params(stage)`` returns the same tree, but reading any key that
``dvc.yaml`` does not declare for that stage raises
:class:`~cli.errors.UndeclaredParameter`. DVC reruns a stage only when a
declared parameter changes (treeverse/dvc#9500); the guard makes an undeclared
read fail loudly instead of leaving a stale output.
"""

from __future__ import annotations

import json
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import Any, TypeVar, get_type_hints

from cli import paths
from cli.adapters.dvcfile import declared_params
from cli.adapters.files import read_yaml
from cli.core.params_check import ParamProblem, check_params_document
from cli.errors import ParamsInvalid, UndeclaredParameter


@dataclass(frozen=True)
class _Guard:
    stage: str
    declared: frozenset[str]
    dvc_yaml: str

    def allows(self, key: str) -> bool:
        """A key is readable if it, or a section above it, is declared."""
        parts = key.split(".")
        return any(".".join(parts[:n]) in self.declared for n in range(1, len(parts) + 1))

    def may_descend(self, key: str) -> bool:
        """A section is reachable if some declared key lies inside it."""
        return self.allows(key) or any(k.startswith(key + ".") for k in self.declared)


@dataclass(frozen=True)
class Section:
    """Base of every typed params section; enforces the stage's declared keys."""

    _prefix: str = field(default="", repr=False, compare=False, kw_only=True)
    _guard: _Guard | None = field(default=None, repr=False, compare=False, kw_only=True)

    def __getattribute__(self, name: str) -> Any:
        if name.startswith("_") or name not in type(self).__dataclass_fields__:
            return object.__getattribute__(self, name)
        guard = object.__getattribute__(self, "_guard")
        value = object.__getattribute__(self, name)
        if guard is not None:
            key = f"{object.__getattribute__(self, '_prefix')}{name}"
            ok = guard.may_descend(key) if isinstance(value, Section) else guard.allows(key)
            if not ok:
                raise UndeclaredParameter(key, guard.stage, guard.dvc_yaml)
        return value


@dataclass(frozen=True)
class DataParams(Section):
    """Columns shared by every stage: what to predict and from what."""

    name: str
    target: str
    task: str  # classification | regression (cli.core.modeling.TASKS)
    numeric_features: tuple[str, ...]
    categorical_features: tuple[str, ...]
    # columns expanded into calendar parts inside the model pipeline (absent: none)
    datetime_features: tuple[str, ...] = ()


@dataclass(frozen=True)
class IngestParams(Section):
    """Where the raw data comes from and which survey years to keep."""

    source: str
    years: tuple[int, ...] | None


@dataclass(frozen=True)
class SplitParams(Section):
    """Stratified train/test split."""

    test_size: float
    seed: int


@dataclass(frozen=True)
class LogisticRegressionParams(Section):
    C: float
    max_iter: int


@dataclass(frozen=True)
class RandomForestParams(Section):
    n_estimators: int
    max_depth: int | None
    min_samples_leaf: int


@dataclass(frozen=True)
class RidgeParams(Section):
    alpha: float


@dataclass(frozen=True)
class TrainParams(Section):
    """Which estimator to fit, with its hyperparameters."""

    estimator: str
    seed: int
    logistic_regression: LogisticRegressionParams
    random_forest: RandomForestParams
    ridge: RidgeParams


@dataclass(frozen=True)
class EvaluateParams(Section):
    """Slices to report metrics for, and the size below which a slice is 'small'."""

    slices: tuple[str, ...]
    min_slice_size: int


@dataclass(frozen=True)
class CardParams(Section):
    """Model-card settings: the slice-gap threshold and the interval confidence level."""

    max_slice_gap: float
    confidence: float


@dataclass(frozen=True)
class ReleaseParams(Section):
    """Release and promotion policy: stage order, metric gates (read by the CLI, not stages)."""

    stages: tuple[str, ...]
    gates: tuple[dict[str, Any], ...]
    promotion: dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class DriftParams(Section):
    """Thresholds of ``mlvc drift`` (read by the CLI, not by stages)."""

    psi_bins: int
    psi_warning: float
    psi_drift: float
    psi_epsilon: float
    p_value: float
    small_sample_rows: int
    wasserstein: float
    jensen_shannon: float
    missing_rate_change: float
    drift_share: float


@dataclass(frozen=True)
class ReportParams(Section):
    """Regression tolerances of ``mlvc report --fail-on-regression`` (read by the CLI)."""

    tolerances: dict[str, float]


@dataclass(frozen=True)
class MonitoringParams(Section):
    """The prediction log of ``mlvc predict`` and ``mlvc serve`` (read by the CLI, not stages).

    The section is optional: every key has a default.
    """

    log: bool = True
    sample_rate: float = 1.0
    seed: int | None = None
    exclude_columns: tuple[str, ...] = ()
    max_file_mb: float = 64.0
    max_model_age_days: float | None = 90.0  # mlvc monitor: a model older is stale
    max_data_age_days: float | None = 180.0  # mlvc monitor: training data ingested longer ago


@dataclass(frozen=True)
class Params(Section):
    """The whole of ``params.yaml``."""

    data: DataParams
    ingest: IngestParams
    split: SplitParams
    train: TrainParams
    evaluate: EvaluateParams
    card: CardParams
    release: ReleaseParams
    drift: DriftParams
    report: ReportParams
    monitoring: MonitoringParams = field(default_factory=MonitoringParams)


S = TypeVar("S", bound=Section)


def _build(cls: type[S], raw: dict[str, Any], prefix: str, guard: _Guard | None) -> S:
    hints = get_type_hints(cls)
    values: dict[str, Any] = {}
    for spec in fields(cls):
        if spec.name.startswith("_"):
            continue
        kind = hints[spec.name]
        if spec.name not in raw and spec.default_factory is not MISSING:
            continue  # an optional section left out: its defaults
        if spec.name not in raw and spec.default is not MISSING:  # an optional key
            continue
        value = raw[spec.name]
        if isinstance(kind, type) and is_dataclass(kind):
            # is_dataclass narrows to any dataclass; a nested field's class is a Section.
            value = _build(kind, value, f"{prefix}{spec.name}.", guard)  # type: ignore[type-var]
        elif isinstance(value, list):
            value = tuple(value)
        values[spec.name] = value
    return cls(**values, _prefix=prefix, _guard=guard)


def to_document(section: Section) -> dict[str, Any]:
    """The section as a plain mapping (lists for tuples).

    Under a stage guard, only the keys the stage declares are included.
    """
    out: dict[str, Any] = {}
    for spec in fields(section):
        if spec.name.startswith("_"):
            continue
        try:
            value = getattr(section, spec.name)
        except UndeclaredParameter:
            continue
        if isinstance(value, Section):
            value = to_document(value)
        elif isinstance(value, tuple):
            value = list(value)
        out[spec.name] = value
    return out


def load_schema() -> dict[str, Any]:
    """The JSON Schema of ``params.yaml``."""
    return json.loads(paths.PARAMS_SCHEMA.read_text(encoding="utf-8"))


def check_params_file(path: Path = paths.PARAMS) -> list[ParamProblem]:
    """Every schema problem of a params file (empty when valid)."""
    return check_params_document(read_yaml(path, what="parameters file"), load_schema())


def _load_validated(path: Path) -> dict[str, Any]:
    document = read_yaml(path, what="parameters file")
    problems = check_params_document(document, load_schema())
    if problems:
        raise ParamsInvalid(str(path), [p.message for p in problems])
    return document


def load_params(path: Path = paths.PARAMS) -> Params:
    """Load and validate ``params.yaml`` into typed, unguarded sections."""
    return _build(Params, _load_validated(path), "", None)


def load_stage_params(
    stage: str, *, path: Path = paths.PARAMS, dvc_yaml: Path = paths.DVC_YAML
) -> Params:
    """Load ``params.yaml`` for one stage: reading an undeclared key raises."""
    guard = _Guard(stage, declared_params(stage, dvc_yaml), str(dvc_yaml))
    return _build(Params, _load_validated(path), "", guard)


def params_from_dict(document: dict[str, Any]) -> Params:
    """Typed params from an in-memory document (validated), for tests and the API."""
    problems = check_params_document(document, load_schema())
    if problems:
        raise ParamsInvalid("<params>", [p.message for p in problems])
    return _build(Params, document, "", None)
