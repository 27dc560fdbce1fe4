"""Read a reference and a current table in chunks and summarise every column for the drift core.

One streaming pass per file, through :func:`cli.adapters.frames.iter_frames` over
:func:`cli.adapters.arrow_tables.open_stream`, the reader of ``mlvc schema check``:
both commands accept and refuse the same files with the same errors. Memory is
bounded by one chunk plus the per-column summaries of
:mod:`cli.core.drift` (whose size depends on a column's dynamic range and
number of categories, not on its rows):

0. headers of both files, and the ``--schema`` (its ``properties`` and
   ``required`` only) checked before any data is read;
1. the first INFER_ROWS rows of the reference: column kinds (when the schema
   does not give them) and each numeric column's histogram offset (the median);
2. the reference, whole; then the current, whole (only the columns it shares
   with the reference, plus the model's inputs).

Column kinds: the schema's ``type`` when it names one (number and integer are
numeric; string and boolean are categorical), otherwise the reference's dtype in
its first INFER_ROWS rows (numbers are numeric, anything else categorical; a
column with no value there is categorical). Categorical values are compared as
text, with integral floats written as integers (so ``1`` and ``1.0`` agree).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.adapters.arrow_tables import read_columns
from cli.adapters.files import require_file
from cli.adapters.frames import iter_frames
from cli.adapters.schema_file import read_schema
from cli.adapters.tables import DEFAULT_CHUNK_ROWS
from cli.core.drift import (
    CATEGORICAL,
    KS_EXACT_ROWS,
    NUMERIC,
    CategorySummary,
    DriftPolicy,
    NumericSummary,
    Summary,
)
from cli.errors import (
    ColumnTypeMismatch,
    DataFileEmpty,
    DocumentInvalid,
    DriftDataEmpty,
    ModelColumnsMissing,
    PredictionFailed,
    SchemaColumnsMissing,
)

if TYPE_CHECKING:
    import pandas as pd

INFER_ROWS = 10_000  # reference rows that decide column kinds and histogram offsets
SCHEMA_KINDS = {
    "number": NUMERIC,
    "integer": NUMERIC,
    "string": CATEGORICAL,
    "boolean": CATEGORICAL,
}


@dataclass(frozen=True)
class ComparisonPlan:
    """What to compare: the reference's columns, their kinds, and how the files differ."""

    columns: tuple[str, ...]  # the reference's columns, in file order
    kinds: dict[str, str]
    sources: dict[str, str]  # where each kind came from: "schema" or "inferred"
    notes: dict[str, tuple[str, ...]]
    offsets: dict[str, float]  # histogram offset of each numeric column
    missing_in_current: tuple[str, ...]
    extra_in_current: tuple[str, ...]


@dataclass
class TableSummary:
    """One file, summarised: row count, one summary per column, and predicted classes."""

    rows: int
    columns: dict[str, Summary]
    predictions: CategorySummary | None


def _columns(path: Path, role: str) -> list[str]:
    require_file(path, what=f"{role} data file")
    try:
        return read_columns(path)
    except DataFileEmpty:
        raise DriftDataEmpty(str(path), role) from None


def _head(path: Path, rows: int, role: str) -> pd.DataFrame:
    """The first ``rows`` rows of the file."""
    import pandas as pd

    frames, found = [], 0
    chunks = iter_frames(path, chunk_rows=rows)
    try:
        for frame in chunks:
            frames.append(frame)
            found += len(frame)
            if found >= rows:
                break
    finally:
        chunks.close()
    if not found:
        raise DriftDataEmpty(str(path), role)
    return pd.concat(frames, ignore_index=True).iloc[:rows] if len(frames) > 1 else frames[0]


def read_schema_kinds(schema: Path) -> tuple[dict[str, str], tuple[str, ...]]:
    """Column kinds from a row schema's ``properties`` types, and its ``required`` columns.

    The file is loaded by the one schema loader (:func:`cli.adapters.schema_file.read_schema`),
    so ``drift --schema`` refuses what ``schema check`` refuses, with the same errors.
    """
    document = read_schema(schema)
    properties = document.get("properties") if isinstance(document, dict) else None
    if not isinstance(properties, dict):
        raise DocumentInvalid(
            str(schema),
            "has no 'properties' object describing the columns of a row",
            hint='give each column a type: {"properties": {"age": {"type": "integer"}}}',
        )
    required = document.get("required", [])  # the metaschema made it a list of strings
    kinds: dict[str, str] = {}
    for column, spec in properties.items():
        types = spec.get("type") if isinstance(spec, dict) else None
        types = [types] if isinstance(types, str) else types if isinstance(types, list) else []
        for name in types:
            if name in SCHEMA_KINDS:
                kinds[column] = SCHEMA_KINDS[name]
                break
    return kinds, tuple(required)


def _is_number_dtype(series: pd.Series) -> bool:
    from pandas.api import types

    return types.is_numeric_dtype(series.dtype) and not types.is_bool_dtype(series.dtype)


def plan_columns(
    reference: Path, current: Path, *, schema: Path | None = None
) -> tuple[ComparisonPlan, list[str]]:
    """Check headers (and the schema's required columns), infer kinds and histogram offsets.

    Returns the plan and the current file's columns.
    """
    import numpy as np

    ref_columns = _columns(reference, "reference")
    cur_columns = _columns(current, "current")
    kinds: dict[str, str] = {}
    sources: dict[str, str] = {}
    if schema is not None:
        declared, required = read_schema_kinds(schema)
        missing = [c for c in required if c not in ref_columns]
        if missing:
            raise SchemaColumnsMissing(str(reference), str(schema), missing, ref_columns)
        for column in ref_columns:
            if column in declared:
                kinds[column] = declared[column]
                sources[column] = "schema"
    head = _head(reference, INFER_ROWS, "reference")
    notes: dict[str, tuple[str, ...]] = {}
    offsets: dict[str, float] = {}
    for column in ref_columns:
        series = head[column]
        if column not in kinds:
            sources[column] = "inferred"
            if series.notna().any():
                kinds[column] = NUMERIC if _is_number_dtype(series) else CATEGORICAL
            else:
                kinds[column] = CATEGORICAL
                notes[column] = (
                    f"no value in the first {INFER_ROWS} reference rows: compared as categorical "
                    "(declare its type in --schema to change that)",
                )
        if kinds[column] == NUMERIC:
            values = _numbers(series, reference, column, 1, sources[column])
            finite = values[np.isfinite(values)]
            offsets[column] = float(np.median(finite)) if len(finite) else 0.0
    present = set(cur_columns)
    plan = ComparisonPlan(
        columns=tuple(ref_columns),
        kinds=kinds,
        sources=sources,
        notes=notes,
        offsets=offsets,
        missing_in_current=tuple(c for c in ref_columns if c not in present),
        extra_in_current=tuple(c for c in cur_columns if c not in set(ref_columns)),
    )
    return plan, cur_columns


def _numbers(series: pd.Series, path: Path, column: str, first_row: int, source: str) -> Any:
    """The column as float64 (NaN for missing); a ColumnTypeMismatch names the first bad cell."""
    import numpy as np
    import pandas as pd

    if _is_number_dtype(series):
        return series.to_numpy(dtype=np.float64, na_value=np.nan)
    if pd.api.types.is_bool_dtype(series.dtype):
        bad = series.notna().to_numpy()
    else:
        coerced = pd.to_numeric(series, errors="coerce")
        bad = (coerced.isna() & series.notna()).to_numpy()
        if not bad.any():
            return coerced.to_numpy(dtype=np.float64, na_value=np.nan)
    at = int(bad.argmax())
    raise ColumnTypeMismatch(str(path), column, first_row + at, series.iloc[at], source)


def category_counts(series: pd.Series) -> tuple[dict[str, int], int]:
    """Counts per value as text (integral floats written as integers) and the missing count."""
    import math

    import pandas as pd

    counts = series.value_counts(dropna=True, sort=False)
    missing = len(series) - int(counts.sum())
    floats = pd.api.types.is_float_dtype(counts.index.dtype)
    found: dict[str, int] = {}
    for value, n in zip(counts.index.tolist(), counts.tolist(), strict=True):
        if floats and math.isfinite(value) and value == int(value) and abs(value) < 2**53:
            value = int(value)
        key = str(value)
        found[key] = found.get(key, 0) + int(n)
    return found, missing


def _predict(
    model: Any, frame: pd.DataFrame, features: list[str] | None, where: tuple[Path, str, int]
) -> tuple[dict[str, int], int]:
    path, name, first = where
    try:
        predicted = model.predict(frame[features] if features else frame)
    except Exception as exc:  # whatever the estimator raises, one line with the rows
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise PredictionFailed(str(path), name, first, first + len(frame) - 1, detail) from None
    import pandas as pd

    return category_counts(pd.Series(predicted))


def summarise(
    path: Path,
    plan: ComparisonPlan,
    *,
    role: str,
    columns: list[str],
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    keep_values: int = 0,
    probes: dict[str, Any] | None = None,
    model: tuple[Any, str, list[str] | None] | None = None,
) -> TableSummary:
    """One pass over ``path``: a summary per column of ``columns`` (and of the model's classes).

    ``keep_values`` numbers per numeric column are kept whole (for exact tests);
    ``probes`` (sorted reference values per numeric column) count the current
    file's values below each one, for an exact KS statistic on any number of rows.
    """
    summaries: dict[str, Summary] = {}
    for column in columns:
        if plan.kinds[column] == NUMERIC:
            summaries[column] = NumericSummary(
                offset=plan.offsets[column],
                keep_values=keep_values,
                probes=(probes or {}).get(column),
            )
        else:
            summaries[column] = CategorySummary()
    predictions = CategorySummary() if model is not None else None
    wanted = list(dict.fromkeys([*columns, *((model[2] or []) if model else [])]))
    rows = 0
    subset = wanted if wanted and (model is None or model[2]) else None  # None: every column
    for chunk in iter_frames(path, chunk_rows=chunk_rows, columns=subset):
        first = rows + 1
        rows += len(chunk)
        for column, summary in summaries.items():
            series = chunk[column]
            if isinstance(summary, NumericSummary):
                summary.add(_numbers(series, path, column, first, plan.sources[column]))
            else:
                counts, missing = category_counts(series)
                summary.add(counts, rows=len(series), missing=missing)
        if model is not None and predictions is not None:
            counts, missing = _predict(model[0], chunk, model[2], (path, model[1], first))
            predictions.add(counts, rows=len(chunk), missing=missing)
    if rows == 0:
        raise DriftDataEmpty(str(path), role)
    return TableSummary(rows=rows, columns=summaries, predictions=predictions)


def read_tables(
    *,
    reference: Path,
    current: Path,
    schema: Path | None = None,
    model: Path | None = None,
    policy: DriftPolicy,
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
) -> tuple[ComparisonPlan, TableSummary, TableSummary]:
    """Plan the columns, then summarise the reference and the current file in one pass each."""
    import numpy as np

    plan, cur_columns = plan_columns(reference, current, schema=schema)
    loaded = None
    if model is not None:
        from cli.adapters.model_store import load_model

        estimator = load_model(model)
        names = getattr(estimator, "feature_names_in_", None)
        features = [str(n) for n in names] if names is not None else None
        for path, found in ((reference, plan.columns), (current, cur_columns)):
            missing = [f for f in features or [] if f not in found]
            if missing:
                raise ModelColumnsMissing(str(path), str(model), missing)
        loaded = (estimator, str(model), features)
    ref = summarise(
        reference,
        plan,
        role="reference",
        columns=list(plan.columns),
        chunk_rows=chunk_rows,
        keep_values=policy.small_sample_rows,
        model=loaded,
    )
    shared = [c for c in plan.columns if c not in plan.missing_in_current]
    probes = None
    if ref.rows <= policy.small_sample_rows:  # small sample: exact KS needs the reference values
        probes = {}
        for column in shared:
            summary = ref.columns[column]
            if isinstance(summary, NumericSummary):
                values = summary.values()
                probes[column] = np.unique(values) if values is not None else None
    cur = summarise(
        current,
        plan,
        role="current",
        columns=shared,
        chunk_rows=chunk_rows,
        keep_values=KS_EXACT_ROWS if probes is not None else 0,
        probes=probes,
        model=loaded,
    )
    return plan, ref, cur
