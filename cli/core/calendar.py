"""Date and datetime columns as calendar parts, a transformer that lives inside the model.

The model predicts from raw columns: a date column arrives as text (``2020-01-31``) or as
a datetime, and :class:`CalendarParts` turns it into numbers (year, month, day, day of
week, and hour for columns that carry a time of day). Its state is plain lists, so a
skops archive holds it as ``cli.core.calendar.CalendarParts`` (a trusted type of
``cli.adapters.model_store``). Imported on use: it needs scikit-learn at class definition.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

DATE_PARTS = ("year", "month", "day", "day_of_week")
TIME_PARTS = ("hour",)


def parse_datetimes(values: pd.Series) -> pd.Series:
    """ISO 8601 text or datetimes as UTC timestamps; anything unparsable is ``NaT``."""
    return pd.to_datetime(values, errors="coerce", utc=True, format="ISO8601")


def has_time_of_day(parsed: pd.Series) -> bool:
    """Whether any timestamp is not at midnight (the column is a datetime, not a date)."""
    present = parsed.dropna()
    if present.empty:
        return False
    clock = present.dt.hour * 3600 + present.dt.minute * 60 + present.dt.second
    return bool((clock != 0).any())


def calendar_columns(parsed: pd.Series, *, with_hour: bool) -> list[np.ndarray]:
    """The calendar parts of ``parsed`` as float columns (``NaN`` where the value is missing)."""
    parts = (*DATE_PARTS, *TIME_PARTS) if with_hour else DATE_PARTS
    return [getattr(parsed.dt, part).to_numpy(dtype="float64", na_value=np.nan) for part in parts]


# scikit-learn ships no type hints: its base classes are Any, which mypy won't subclass
class CalendarParts(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Expand each input column into year, month, day, day of week (and hour).

    ``fit`` records the column names and, per column, whether it carries a time of day
    in the training data; ``transform`` always returns the same number of columns.
    """

    def fit(self, X: Any, y: Any = None) -> CalendarParts:
        """Record the columns and which of them hold times of day."""
        frame = pd.DataFrame(X)
        self.columns_ = [str(c) for c in frame.columns]
        self.with_hour_ = [has_time_of_day(parse_datetimes(frame[c])) for c in frame.columns]
        self.n_features_in_ = len(self.columns_)
        return self

    def transform(self, X: Any) -> np.ndarray:
        """Calendar parts of every column, side by side, as float64."""
        frame = pd.DataFrame(X)
        columns: list[np.ndarray] = []
        for position, with_hour in enumerate(self.with_hour_):
            parsed = parse_datetimes(frame.iloc[:, position])
            columns.extend(calendar_columns(parsed, with_hour=with_hour))
        return np.column_stack(columns) if columns else np.empty((len(frame), 0))

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """``<column>_<part>`` for every part this transformer outputs."""
        names = [
            f"{column}_{part}"
            for column, with_hour in zip(self.columns_, self.with_hour_, strict=True)
            for part in ((*DATE_PARTS, *TIME_PARTS) if with_hour else DATE_PARTS)
        ]
        return np.asarray(names, dtype=object)
