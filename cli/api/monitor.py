"""``monitor``: one released model version in service against what it was trained on.

Reads the version's training and test splits at its release tag (from the DVC cache or
remote, md5-checked against that tag's ``dvc.lock``, as ``resolve_model`` fetches the
model; the work tree is untouched), the prediction log's rows of that version, and
compares them with the drift engine of ``mlvc drift``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import paths
from cli.errors import (
    LabelsColumnMissing,
    LabelsIdNotAKey,
    LabelsInvalid,
    LabelsUnmatched,
    LabelsWithoutId,
    MonitorNeedsRelease,
    NotADate,
    PredictionLogMissing,
    TrainingDataUnavailable,
)

if TYPE_CHECKING:
    import pandas as pd

    from cli.core.drift import DriftPolicy
    from cli.results.drift import DriftReport
    from cli.results.models import ResolvedModel
    from cli.results.monitor import LiveMetrics, MonitorReport, Staleness

PREDICTION = "prediction"
PROBABILITY_PREFIX = "proba_"
RAW_DATA_DIR = "data/raw/"  # the ingest stage's outputs: their commit dates the data
HISTORY_LIMIT = 200  # dvc.lock commits walked back to find when the data last changed


def monitor(
    *,
    model: str,
    since: str | date | None = None,
    labels: Path | None = None,
    id_column: str | None = None,
    repo: Path | None = None,
    now: datetime | None = None,
) -> MonitorReport:
    """Compare the version ``model`` names with what its prediction log recorded.

    - skew: the version's training split (features) against the logged inputs;
    - predictions: the version's test split scored by its pipeline against the logged
      predictions (omitted when the tag records no test split);
    - staleness: days since the version was trained (its commit) and since its data
      were ingested (the commit that last changed ``data/raw/`` outputs in ``dvc.lock``),
      against ``monitoring.max_model_age_days`` / ``max_data_age_days``;
    - non-finite values among the logged outputs;
    - with ``labels`` and ``id_column``: the labels joined to the logged rows by that
      column, the live metrics, and the release gates (``release.gates``) on them.

    ``since`` (a day, ``YYYY-MM-DD``) keeps the log's rows from that UTC day on. Raises
    :class:`PredictionLogMissing` when the log holds no row of the version.
    """
    from cli.api.models import resolve_model
    from cli.core import monitoring
    from cli.results.monitor import MonitorReport

    root = repo if repo is not None else Path()
    first_day = _day(since)
    if (labels is None) != (id_column is None):
        raise LabelsWithoutId(
            *(("--labels", "--id") if id_column is None else ("--id", "--labels"))
        )
    resolved = resolve_model(model, repo=root)
    if resolved.version is None or resolved.commit is None:
        raise MonitorNeedsRelease(model)
    log = _logged_rows(root, resolved, first_day)
    settings = _settings(root)
    tag = _tag(resolved)
    features = list(resolved.features)
    logged = [f for f in features if f in log.columns]
    kinds = _kinds(resolved)
    policy = settings["drift"]
    train = _tracked_frame(root, tag, str(paths.TRAIN_DATA), resolved)
    if train is None:
        raise TrainingDataUnavailable(tag, str(paths.TRAIN_DATA))
    skew = _compare(train[logged], log[logged], {f: kinds[f] for f in logged}, policy)
    test = _tracked_frame(root, tag, str(paths.TEST_DATA), resolved)
    predictions = None
    if test is not None:
        expected = _score(resolved, test[features])
        predictions = _compare(
            expected.to_frame(), log[[PREDICTION]], {PREDICTION: _prediction_kind(resolved)}, policy
        )
    staleness = _staleness(root, tag, resolved, settings, now or datetime.now(UTC))
    outputs = [c for c in log.columns if c == PREDICTION or c.startswith(PROBABILITY_PREFIX)]
    found = monitoring.non_finite({c: log[c].to_numpy() for c in outputs if _is_numeric(log[c])})
    live = None
    if labels is not None:
        live = _live(resolved, log, labels, id_column, settings["gates"], train[resolved.target])
    return MonitorReport(
        model=resolved.name,
        version=resolved.version,
        stage=resolved.stage,
        commit=resolved.commit,
        task=resolved.task,
        since=first_day.isoformat() if first_day else None,
        logged_rows=len(log),
        skew=skew,
        predictions=predictions,
        staleness=staleness,
        non_finite=tuple(found),
        live=live,
        unlogged=tuple(f for f in features if f not in logged),
    )


def _day(since: str | date | None) -> date | None:
    if since is None or isinstance(since, date):
        return since
    try:
        return date.fromisoformat(since)
    except ValueError:
        raise NotADate("--since", since) from None


def _when(text: str | None) -> datetime | None:
    """An ISO 8601 time as an aware datetime (UTC when it names no zone); None stays None."""
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _tag(resolved: ResolvedModel) -> str:
    from cli.core.registry import Version, version_tag

    assert resolved.version is not None
    return version_tag(resolved.name, Version.parse(resolved.version))


def _logged_rows(root: Path, resolved: ResolvedModel, first_day: date | None) -> pd.DataFrame:
    """The log's rows scored by this version (from ``first_day`` on); at least one."""
    from cli.adapters.prediction_log import LOG_DIR, read_prediction_log

    log = read_prediction_log(root, resolved.name, first_day)
    if "model_version" in log.columns:
        log = log.loc[log["model_version"] == resolved.version].reset_index(drop=True)
    else:
        log = log.iloc[:0]
    if log.empty:
        folder = f"{LOG_DIR}/{resolved.name}"
        raise PredictionLogMissing(
            folder, resolved.label, first_day.isoformat() if first_day else None
        )
    # a feature may be left out of the log (monitoring.exclude_columns): the skew check
    # compares the others; with no feature or no prediction logged there is nothing to compare
    logged = [f for f in resolved.features if f in log.columns]
    if not logged or PREDICTION not in log.columns:
        from cli.errors import ModelColumnsMissing

        missing = [f for f in [*resolved.features, PREDICTION] if f not in log.columns]
        raise ModelColumnsMissing(
            f"{LOG_DIR}/{resolved.name}",
            resolved.label,
            missing,
            hint=ModelColumnsMissing.LOG_HINT,
        )
    return log


def _settings(root: Path) -> dict[str, Any]:
    """Drift policy, staleness thresholds and release gates from ``params.yaml`` (defaults)."""
    from cli.api.drift import drift_policy
    from cli.params import MonitoringParams, load_params

    params_file = root / paths.PARAMS
    monitoring = MonitoringParams()
    gates: tuple[Any, ...] = ()
    if params_file.is_file():
        loaded = load_params(params_file)
        monitoring = loaded.monitoring
        gates = tuple(loaded.release.gates)
    return {
        "drift": drift_policy(params=params_file),
        "max_model_age_days": monitoring.max_model_age_days,
        "max_data_age_days": monitoring.max_data_age_days,
        "gates": gates,
    }


def _tracked_frame(root: Path, tag: str, path: str, resolved: ResolvedModel) -> pd.DataFrame | None:
    """A DVC-tracked CSV as committed at ``tag``, md5-verified, with the model's features
    (None when that tag's ``dvc.lock`` records no such output)."""
    from cli.adapters.monitor_io import csv_frame
    from cli.adapters.release_files import committed_lock, fetch_verified
    from cli.core.lock import locked_outputs
    from cli.errors import ModelColumnsMissing

    outputs = locked_outputs(committed_lock(root, tag))
    md5 = next((out.md5 for (_, p), out in outputs.items() if p == path), "")
    if not md5:
        return None
    frame = csv_frame(fetch_verified(root, path, md5, tag), source=f"{tag}:{path}")
    missing = [f for f in resolved.features if f not in frame.columns]
    if missing:
        raise ModelColumnsMissing(f"{tag}:{path}", resolved.label, missing)
    return frame


def _staleness(
    root: Path, tag: str, resolved: ResolvedModel, settings: dict[str, Any], now: datetime
) -> tuple[Staleness, ...]:
    """The model's age (its release commit) and its data's age, against their thresholds."""
    from cli.adapters.release_files import outputs_committed_since
    from cli.core.monitoring import staleness

    trained = _when(resolved.trained_at)
    # the raw data's age: when the ingest stage's outputs at the tag were last committed
    ingested = _when(outputs_committed_since(root, tag, RAW_DATA_DIR, limit=HISTORY_LIMIT))
    return (
        staleness("model", trained, now, settings["max_model_age_days"]),
        staleness("data", ingested, now, settings["max_data_age_days"]),
    )


def _kinds(resolved: ResolvedModel) -> dict[str, str]:
    """Each feature's JSON Schema type in the version's contract (numbers, else strings)."""
    properties = resolved.schema.get("properties") or {}
    kinds = {}
    for feature in resolved.features:
        spec = properties.get(feature) if isinstance(properties, dict) else None
        types = spec.get("type") if isinstance(spec, dict) else None
        types = [types] if isinstance(types, str) else list(types or [])
        numeric = any(t in ("number", "integer") for t in types)
        if not types:
            numeric = resolved.dtypes.get(feature, "").startswith(("float", "int"))
        kinds[feature] = "number" if numeric else "string"
    return kinds


def _prediction_kind(resolved: ResolvedModel) -> str:
    from cli.core.models import REGRESSION

    return "number" if resolved.task == REGRESSION else "string"


def _compare(
    reference: pd.DataFrame, current: pd.DataFrame, kinds: dict[str, str], policy: DriftPolicy
) -> DriftReport:
    """The drift engine on two frames with the same columns, typed by ``kinds``."""
    from dataclasses import replace

    from cli.adapters.monitor_io import scratch_tables
    from cli.api.drift import check_drift

    schema = {"type": "object", "properties": {c: {"type": k} for c, k in kinds.items()}}
    with scratch_tables({"reference": reference, "current": current}, schema) as files:
        report = check_drift(
            reference=files["reference"],
            current=files["current"],
            schema=files["schema"],
            policy=policy,
        )
    return replace(report, reference="training data", current="prediction log")


def _score(resolved: ResolvedModel, features: pd.DataFrame) -> pd.Series:
    from cli.core.scoring import score

    scored = score(resolved.pipeline, features, task=resolved.task, classes=resolved.classes)
    return scored[PREDICTION]


def _is_numeric(series: pd.Series) -> bool:
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(series))


def _id_text(ids: pd.Series) -> pd.Series:
    """ID values as text, integral floats without their ``.0`` (pandas reads 7 as 7.0 beside a
    missing value)."""

    def text(value: Any) -> str:
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)

    return ids.map(text)


def _check_labels(resolved: ResolvedModel, truth: pd.Series, source: str) -> None:
    """Labels a classifier never predicts, or non-numeric regression targets, are errors."""
    import pandas as pd

    column = resolved.target
    if resolved.classes:
        unknown = sorted({str(v) for v in truth} - set(resolved.classes))
        if unknown:
            shown = ", ".join(repr(v) for v in unknown[:5])
            more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
            raise LabelsInvalid(
                source, column, f"holds values the model does not know: {shown}{more}",
                f"classes: {', '.join(resolved.classes)}",
            )  # fmt: skip
        return
    numbers = pd.to_numeric(truth, errors="coerce")
    if numbers.isna().any():
        first = truth[numbers.isna()].iloc[0]
        raise LabelsInvalid(source, column, f"holds a non-number: {first!r}", "numbers")


def _refuse_repeated_ids(ids: pd.Series, where: str, column: str) -> None:
    """LabelsIdNotAKey when an ID labels more than one row (the join would guess)."""
    repeated = _id_text(ids)
    repeated = repeated[repeated.duplicated(keep=False)]
    if len(repeated):
        examples = ", ".join(sorted(set(repeated))[:3])
        count = repeated.nunique()
        raise LabelsIdNotAKey(
            where, column, f"repeats: {count} value(s) label several rows (e.g. {examples})"
        )


def _live(
    resolved: ResolvedModel,
    log: pd.DataFrame,
    labels: Path,
    id_column: str | None,
    gates: tuple[Any, ...],
    train_truth: pd.Series,
) -> LiveMetrics:
    """The labels joined to the logged rows by ``id_column``; live metrics and their gates
    (a beats-baseline gate against the dummy fitted on ``train_truth``, the training targets)."""
    from cli.adapters.files import read_table
    from cli.core import monitoring
    from cli.core.models import probability_columns

    assert id_column is not None  # monitor() checks that --labels and --id come together
    if id_column == resolved.target:
        raise LabelsIdNotAKey(str(labels), id_column, "is the target; it cannot key the rows")
    truth = read_table(labels, what="labels file")
    for column, role in ((id_column, "the --id column"), (resolved.target, "the target")):
        if column not in truth.columns:
            raise LabelsColumnMissing(str(labels), column, role)
    if id_column not in log.columns:
        raise LabelsColumnMissing("the prediction log", id_column, "the --id column")
    answers = truth.loc[truth[id_column].notna() & truth[resolved.target].notna()]
    answers = answers[[id_column, resolved.target]]
    _refuse_repeated_ids(answers[id_column], str(labels), id_column)
    logged = log.loc[log[id_column].notna()].drop(columns=[resolved.target], errors="ignore")
    # IDs are compared as text: a CSV's 7 and a logged "7" (or 7.0 read as text) are one row
    answers = answers.assign(**{id_column: _id_text(answers[id_column])})
    joined = logged.assign(**{id_column: _id_text(logged[id_column])}).merge(
        answers, on=id_column, how="inner"
    )
    if joined.empty:
        raise LabelsUnmatched(str(labels), id_column, len(truth), len(log))
    _check_labels(resolved, joined[resolved.target], str(labels))
    proba = None
    if resolved.classes:
        proba = joined[probability_columns(resolved.classes)].to_numpy(dtype="float64")
    live = monitoring.live_scores(
        resolved.task,
        joined[resolved.target].tolist(),
        predicted=joined[PREDICTION].to_numpy(),
        proba=proba,
        classes=resolved.classes,
        train_truth=train_truth.dropna().tolist(),
    )
    return monitoring.check_live_metrics(
        gates, live, resolved.metrics, rows=len(truth), matched=len(joined)
    )
