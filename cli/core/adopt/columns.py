"""Column roles, the task, the slices and the default names for ``mlvc init`` (pure).

The input is a pandas DataFrame already read; nothing here reads files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

CLASSIFICATION = "classification"
REGRESSION = "regression"
TASKS = (CLASSIFICATION, REGRESSION)
MAX_CLASSES_AUTO = 20  # an integer target with at most this many values is classification
SLICE_VALUES = (2, 20)  # a slice column has between these many distinct values
MAX_SLICES = 3
MIN_CLASS_ROWS = 2  # the split is stratified: a class needs a training row and a test row
HIGH_CARDINALITY = 100  # a text column with more values than this (and than half the rows)
ESTIMATOR = {CLASSIFICATION: "random_forest", REGRESSION: "random_forest"}
MODEL_SUFFIX = {CLASSIFICATION: "classifier", REGRESSION: "regressor"}
MODEL_NAME_RE = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")  # DVC artifact names

TARGET = "target"
NUMERIC = "numeric"
CATEGORICAL = "categorical"
DATETIME = "datetime"
EXCLUDED = "excluded"


@dataclass(frozen=True)
class ColumnRole:
    """What ``mlvc init`` does with one column, and why."""

    column: str
    role: str  # target | numeric | categorical | datetime | excluded
    reason: str


@dataclass(frozen=True)
class Decisions:
    """Everything ``mlvc init`` decided about a table."""

    target: str
    task: str
    task_reason: str
    estimator: str
    roles: tuple[ColumnRole, ...]
    slices: tuple[str, ...]
    classes: int  # distinct target values (0 for regression)

    def columns(self, role: str) -> list[str]:
        """The columns with ``role``, in table order."""
        return [r.column for r in self.roles if r.role == role]


def is_integral(values: pd.Series) -> bool:
    """Whether a numeric series holds whole numbers only (missing values aside)."""
    import pandas as pd

    present = values.dropna()
    if pd.api.types.is_integer_dtype(values):
        return True
    return bool(pd.api.types.is_float_dtype(values) and (present == present.round()).all())


def is_numeric(values: pd.Series) -> bool:
    """Numbers, not booleans."""
    import pandas as pd

    return bool(pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values))


# an ISO 8601 date, optionally with a time of day (and anything after the minutes: seconds,
# fractions, a zone): what the model's calendar parts parse, however the batch writes it
ISO_DATE_RE = r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}.*)?$"


def is_datetime(values: pd.Series) -> bool:
    """A datetime column, or text whose every present value is an ISO date or date-time."""
    import pandas as pd

    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    if is_numeric(values) or pd.api.types.is_bool_dtype(values):
        return False
    present = values.dropna().astype(str)
    if present.empty or not present.str.match(ISO_DATE_RE).all():
        return False
    parsed = pd.to_datetime(present, errors="coerce", format="ISO8601")
    return bool(parsed.notna().all())


def rare_classes(values: pd.Series) -> dict[str, int]:
    """Target values on fewer than ``MIN_CLASS_ROWS`` rows, with their row counts."""
    counts = values.dropna().value_counts(sort=False)
    return {str(k): int(v) for k, v in counts.items() if v < MIN_CLASS_ROWS}


# day, month and year in some order, with / . or - (03/10/2024, 3.10.24, 2024/03/10),
# optionally a time of day: dates, but not in the ISO 8601 form the model expands
OTHER_DATE_RE = (
    r"^(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}[/.]\d{1,2}[/.]\d{1,2})"
    r"([ T]\d{1,2}:\d{2}(:\d{2})?)?$"
)


def non_iso_date_example(values: pd.Series) -> str | None:
    """A value of a text column whose every present value is a non-ISO date, else None."""
    import pandas as pd

    if is_numeric(values) or pd.api.types.is_bool_dtype(values):
        return None
    present = values.dropna().astype(str)
    if present.empty or not present.str.match(OTHER_DATE_RE).all():
        return None
    return str(present.iloc[0])


def boolean_property(*, nullable: bool) -> dict[str, Any]:
    """The contract of a True/False column: JSON booleans, and the text forms pandas reads
    as booleans (a CSV batch may spell them ``true`` where the training file had ``True``)."""
    values: list[Any] = [False, True, "False", "True", "false", "true", "FALSE", "TRUE"]
    types = ["boolean", "string", *(["null"] if nullable else [])]
    return {"type": types, "enum": [*values, *([None] if nullable else [])]}


def datetime_property(*, nullable: bool) -> dict[str, Any]:
    """The contract of a date feature: ISO 8601 text, a date or a date-time (the raw CSV
    holds ``2024-01-05``, a Parquet or JSON Lines batch ``2024-01-05T00:00:00.000``)."""
    return {"type": ["string", "null"] if nullable else "string", "pattern": ISO_DATE_RE}


def choose_task(values: pd.Series, requested: str) -> tuple[str, str]:
    """The task and why: ``requested`` unless it is ``auto``.

    Auto: a non-numeric or boolean target is classification; so is a whole-number one
    with at most ``MAX_CLASSES_AUTO`` values unless some value sits on a single row (a
    count or a measurement, like a pulse, rather than a code: a class of one row cannot
    be split); any other numeric one is regression.
    """
    distinct = int(values.nunique(dropna=True))
    if requested != "auto":
        return requested, f"--task {requested}"
    if not is_numeric(values):
        return CLASSIFICATION, f"the target is not numeric: {distinct} classes"
    if is_integral(values) and distinct <= MAX_CLASSES_AUTO:
        single = len(rare_classes(values))
        if distinct == 2:
            return CLASSIFICATION, "the target holds 2 whole-number values: two classes"
        if not single:
            return CLASSIFICATION, (
                f"the target holds {distinct} whole-number values, at most {MAX_CLASSES_AUTO}; "
                "--task regression treats them as numbers"
            )
        return REGRESSION, (
            f"the target holds {distinct} whole-number values, {single} of them on a single "
            f"row: numbers rather than classes, as a class needs {MIN_CLASS_ROWS} rows or more"
        )
    return REGRESSION, f"the target is numeric with {distinct} distinct values"


MOSTLY_NUMBERS = 0.9  # a text column whose present values are at least this share numbers


def text_among_numbers(values: pd.Series) -> tuple[int, str] | None:
    """(how many, one of them) for the values of a text column that are not numbers when
    at least ``MOSTLY_NUMBERS`` of its present values are; else None."""
    import pandas as pd

    present = values.dropna()
    if present.empty or is_numeric(values) or pd.api.types.is_bool_dtype(values):
        return None
    numbers = pd.to_numeric(present.astype(str), errors="coerce")
    text = present[numbers.isna()]
    if text.empty or len(text) > (1 - MOSTLY_NUMBERS) * len(present):
        return None
    return len(text), str(text.iloc[0])


def row_number_start(values: pd.Series, rows: int) -> int | None:
    """0 or 1 when ``values`` number the rows (each of 0..rows-1 or 1..rows once, as a
    DataFrame index written with the table, ``Unnamed: 0``), else None."""
    if rows < 2 or int(values.notna().sum()) != rows or not is_integral(values):
        return None
    ordered = values.sort_values().to_numpy()
    first = int(ordered[0])
    if first not in (0, 1) or int(ordered[-1]) != first + rows - 1:
        return None
    return first if int(values.nunique()) == rows else None


def column_role(name: str, values: pd.Series, rows: int) -> ColumnRole:
    """The role of one feature column (not the target) and the reason for it."""
    distinct = int(values.nunique(dropna=True))
    if distinct == 0:
        return ColumnRole(name, EXCLUDED, "empty: every value is missing")
    if distinct == 1:
        return ColumnRole(name, EXCLUDED, "constant (1 distinct value)")
    if is_datetime(values):
        return ColumnRole(name, DATETIME, "dates: expanded into calendar parts in the model")
    if is_numeric(values):
        first = row_number_start(values, rows)
        if first is not None:
            reason = f"row numbers ({first} to {first + rows - 1}, one per row), not a measurement"
            return ColumnRole(name, EXCLUDED, reason)
        return ColumnRole(name, NUMERIC, "numbers")
    text = text_among_numbers(values)
    if text is not None and distinct > SLICE_VALUES[1]:
        count, sample = text
        reason = (
            f"numbers with {count} text value(s) (e.g. '{sample}'): empty those cells "
            "to use it as a number"
        )
        return ColumnRole(name, EXCLUDED, reason)
    example = non_iso_date_example(values)
    if example is not None:
        reason = f"dates not in ISO 8601 (e.g. '{example}'): write them as YYYY-MM-DD to use them"
        return ColumnRole(name, EXCLUDED, reason)
    if rows > 1 and distinct == rows:
        return ColumnRole(name, EXCLUDED, "ID-like: a different text value on every row")
    if distinct > HIGH_CARDINALITY and distinct > rows // 2:
        return ColumnRole(name, EXCLUDED, f"free text: {distinct} distinct values in {rows} rows")
    return ColumnRole(name, CATEGORICAL, f"categories ({distinct} distinct values)")


def choose_slices(frame: pd.DataFrame, roles: list[ColumnRole]) -> tuple[str, ...]:
    """Up to ``MAX_SLICES`` categorical features with 2-20 values, in table order."""
    low, high = SLICE_VALUES
    chosen = [
        r.column
        for r in roles
        if r.role == CATEGORICAL and low <= frame[r.column].nunique(dropna=True) <= high
    ]
    return tuple(chosen[:MAX_SLICES])


def decide(frame: pd.DataFrame, *, target: str, task: str = "auto") -> Decisions:
    """Every decision for ``frame`` with ``target`` (which must be one of its columns)."""
    values = frame[target]
    chosen, why = choose_task(values, task)
    rows = len(frame)
    roles = [
        ColumnRole(str(name), TARGET, f"the target ({chosen})")
        if name == target
        else column_role(str(name), frame[name], rows)
        for name in frame.columns
    ]
    classes = int(values.nunique(dropna=True)) if chosen == CLASSIFICATION else 0
    return Decisions(
        target=target,
        task=chosen,
        task_reason=why,
        estimator=ESTIMATOR[chosen],
        roles=tuple(roles),
        slices=choose_slices(frame, roles),
        classes=classes,
    )


def slug(text: str, *, keep: str = "") -> str:
    """Lower-case letters, digits and ``-`` (plus ``keep``), runs of others as one ``-``;
    accented letters lose their accents (``Données`` -> ``donnees``)."""
    import unicodedata

    plain = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    cleaned = re.sub(rf"[^a-z0-9{re.escape(keep)}]+", "-", plain.lower()).strip("-_.")
    return cleaned or "data"


def _stem(file_name: str) -> str:
    """The file name without its extension (``sales.2024.csv`` -> ``sales.2024``)."""
    return file_name.rsplit(".", 1)[0] if "." in file_name.lstrip(".") else file_name


def dataset_name(file_name: str) -> str:
    """``data.name`` from a file name: ``Wine Data.csv`` -> ``wine-data``."""
    return slug(_stem(file_name), keep="_")


def default_model_name(file_name: str, task: str) -> str:
    """The model artifact's name: ``wine.csv`` -> ``wine-classifier``."""
    return f"{slug(_stem(file_name))}-{MODEL_SUFFIX[task]}"


def task_problem(values: pd.Series, task: str) -> str | None:
    """Why ``task`` cannot fit this target, or None when it can."""
    distinct = int(values.nunique(dropna=True))
    if distinct < 2:
        return f"the target has {distinct} distinct value(s); a model needs at least 2"
    if task == REGRESSION and not is_numeric(values):
        return "regression needs a numeric target, and this one is not numeric"
    return None


def describe(summary: dict[str, Any]) -> str:
    """One sentence describing a table: rows, columns and where it came from."""
    return (
        f"{summary['rows']} rows and {summary['columns']} columns read from "
        f"{summary['source']} (copied from {summary['origin']})."
        if summary.get("origin") and summary["origin"] != summary["source"]
        else f"{summary['rows']} rows and {summary['columns']} columns read from "
        f"{summary['source']}."
    )
