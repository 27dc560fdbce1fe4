"""Categorical values as text, a transformer that lives inside the model.

A categorical column arrives as text from ``mlvc predict`` and ``mlvc serve`` (``True``,
``3``) but as booleans or numbers when pandas reads a CSV of ``True``/``False``
(training, evaluation, ``api.resolve_model(...).pipeline``). The imputer refuses booleans
and the encoder refuses a mix of text and booleans, and a value must be the same
category whichever way it arrived, so :class:`CategoriesAsText` writes every present
value as text first. Its state is one integer, so a skops archive holds it as
``cli.core.categories.CategoriesAsText`` (a trusted type of ``cli.adapters.model_store``).
The pipeline holds it only when the training data has a categorical column that is not
text, so models of text categories keep their bytes. Imported on use: it needs
scikit-learn at class definition.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin


def as_text(value: Any) -> Any:
    """``value`` as the text a CSV holds (``True``, ``3``), or NaN when it is missing."""
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return np.nan
    if isinstance(value, bool | np.bool_):
        return "True" if value else "False"
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def all_text(frame: pd.DataFrame) -> bool:
    """Whether every present value of every column is already text."""
    return all(
        pd.api.types.is_object_dtype(frame[c]) or pd.api.types.is_string_dtype(frame[c])
        for c in frame.columns
    ) and all(isinstance(v, str) for c in frame.columns for v in frame[c].dropna())


# scikit-learn ships no type hints: its base classes are Any, which mypy won't subclass
class CategoriesAsText(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Every present value as text (:func:`as_text`); missing values stay NaN."""

    def fit(self, X: Any, y: Any = None) -> CategoriesAsText:
        """Record the number of columns."""
        self.n_features_in_ = pd.DataFrame(X).shape[1]
        return self

    def transform(self, X: Any) -> np.ndarray:
        """An object array of text and NaN, one column per input column."""
        frame = pd.DataFrame(X)
        out = np.empty(frame.shape, dtype=object)
        for position in range(frame.shape[1]):
            out[:, position] = [as_text(v) for v in frame.iloc[:, position].tolist()]
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The input names, unchanged."""
        return np.asarray(input_features if input_features is not None else [], dtype=object)
