"""Scoring a chunk of rows: cells to a typed frame, the pipeline's outputs to a prediction table.

Pure: frames in, frames out. A chunk is what :func:`cli.adapters.arrow_tables.open_stream`
yields: an Arrow table or batch (CSV cells as text, Parquet typed), or a mapping of
column to values for JSON Lines.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cli.core.models import REGRESSION, probability_columns

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd


def numeric_columns(schema: Mapping[str, Any], dtypes: Mapping[str, str]) -> set[str]:
    """Columns scored as numbers: the contract types them ``number``/``integer``, or, where
    the contract is silent, the training frame held them as a numeric dtype."""
    numeric: set[str] = set()
    described = schema.get("properties")
    for column, spec in (described if isinstance(described, Mapping) else {}).items():
        kinds = spec.get("type") if isinstance(spec, Mapping) else None
        kinds = [kinds] if isinstance(kinds, str) else (kinds or [])
        if "number" in kinds or "integer" in kinds:
            numeric.add(column)
    silent = set(dtypes) - set(described if isinstance(described, Mapping) else ())
    numeric |= {c for c in silent if dtypes[c].startswith(("int", "float", "uint"))}
    return numeric


def chunk_frame(chunk: Any, *, as_text: bool, numeric: Collection[str]) -> pd.DataFrame:
    """A chunk as a DataFrame for the pipeline: null tokens and absent keys are missing
    values, numeric columns are numbers (a cell that is not one becomes missing; such a
    row fails the contract and is never scored)."""
    import pandas as pd

    from cli.core.schema.cells import ABSENT, NULL_TOKENS

    if isinstance(chunk, Mapping):
        frame = pd.DataFrame(
            {c: [None if v is ABSENT else v for v in values] for c, values in chunk.items()}
        )
    else:
        if as_text:
            chunk = _numbers_from_text(chunk, numeric)
        frame = chunk.to_pandas()
    for column in frame.columns:
        series = frame[column]
        if as_text and not pd.api.types.is_float_dtype(series):  # floats: parsed by Arrow
            series = series.where(~series.isin(NULL_TOKENS), None)
        if column in numeric and not pd.api.types.is_float_dtype(series):
            series = pd.to_numeric(series, errors="coerce")
        frame[column] = series
    return frame


def _numbers_from_text(chunk: Any, numeric: Collection[str]) -> Any:
    """The chunk with each numeric text column parsed into float64 by Arrow (null tokens
    become nulls); a column holding any other text is left to ``pandas.to_numeric``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from cli.core.schema.cells import NULL_TOKENS

    tokens = pa.array(NULL_TOKENS)
    for position, name in enumerate(chunk.column_names):
        column = chunk.column(position)
        if name not in numeric or not pa.types.is_string(column.type):
            continue
        blanked = pc.if_else(pc.is_in(column, value_set=tokens), None, column)
        try:
            parsed = pc.cast(blanked, pa.float64())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            continue  # text that is no number: pandas makes it missing, cell by cell
        chunk = chunk.set_column(position, name, parsed)
    return chunk


def score(
    pipeline: Any, features: pd.DataFrame, *, task: str, classes: Sequence[str]
) -> pd.DataFrame:
    """``prediction`` and, for a classifier, one ``proba_<class>`` per class of ``classes``
    (the metadata's order; the pipeline's own ``classes_`` decide which column is which)."""
    import pandas as pd

    if task == REGRESSION:
        values = pipeline.predict(features)
        return pd.DataFrame({"prediction": values}, index=features.index)
    probabilities = pipeline.predict_proba(features)
    labels = [str(c) for c in getattr(pipeline, "classes_", classes)]
    out = pd.DataFrame({"prediction": _argmax_labels(probabilities, labels)}, index=features.index)
    order = [str(c) for c in classes] or labels
    for column, label in zip(probability_columns(order), order, strict=True):
        position = labels.index(label) if label in labels else None
        out[column] = probabilities[:, position] if position is not None else 0.0
    return out


def _argmax_labels(probabilities: np.ndarray, labels: Sequence[str]) -> Any:
    """The label of each row's highest probability (the first on a tie, as scikit-learn)."""
    import numpy as np

    return np.asarray(labels, dtype=object)[probabilities.argmax(axis=1)]


def prediction_table(
    frame: pd.DataFrame, scored: pd.DataFrame, *, keys: Sequence[str], version: str
) -> pd.DataFrame:
    """The output rows: key columns, then the scores, then ``model_version``."""
    out = frame[list(keys)].copy() if keys else scored.iloc[:, :0].copy()
    for column in scored.columns:
        out[column] = scored[column].to_numpy()
    out["model_version"] = version
    return out.reset_index(drop=True)


def json_rows(chunk: Any, positions: Sequence[int], *, as_text: bool) -> list[dict[str, Any]]:
    """Rows of a chunk as the JSON objects the contract is checked on (CSV cells mapped as
    ``schema check`` maps them; keys a JSON Lines record lacks are left out)."""
    from cli.core.schema.cells import ABSENT, cell_to_json

    if isinstance(chunk, Mapping):
        columns = {c: [values[p] for p in positions] for c, values in chunk.items()}
    else:
        taken = chunk.take(list(positions))
        columns = {c: taken.column(c).to_pylist() for c in taken.column_names}
    rows: list[dict[str, Any]] = [{} for _ in positions]
    for column, values in columns.items():
        for row, value in zip(rows, values, strict=True):
            if value is ABSENT:
                continue
            row[column] = cell_to_json(value) if as_text else value
    return rows


def row_reasons(validator: Any, row: Mapping[str, Any]) -> str:
    """Why one row fails its contract: ``column: keyword expected`` per error, as the
    ``schema check`` report words a violation (``(row)`` for the row's own keywords)."""
    from cli.core.schema.findings import expected_text

    reasons = []
    for error in validator.iter_errors(row):
        column = str(error.path[0]) if error.path else "(row)"
        if error.validator == "required" and not error.path:  # one reason per missing column
            missing = [c for c in error.validator_value if c not in row]
            reasons += [f"(row): required {expected_text([c])}" for c in missing]
            continue
        reasons.append(f"{column}: {error.validator} {expected_text(error.validator_value)}")
    return "; ".join(dict.fromkeys(reasons))
