"""Categorical values as text, a transformer that lives inside the model.

A categorical column arrives as text from ``mlvc predict`` and ``mlvc serve`` (``True``,
``3``) but as booleans or numbers when pandas reads a CSV of ``True``/``False``
(training, evaluation, ``api.resolve_model(...).pipeline``). The imputer refuses booleans
and the encoder refuses a mix of text and booleans, and a value must be the same
category whichever way it arrived, so :class:`CategoriesAsText` writes every present
value as text first. Its state is plain (a count and a list of flags), so a skops
archive holds it as ``cli.core.categories.CategoriesAsText`` (a trusted type of
``cli.adapters.model_store``). The pipeline holds it only when the training data has a
categorical column that is not text, so models of text categories keep their bytes.
Imported on use: it needs scikit-learn at class definition.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

BOOLEAN_TEXT = {"true": "True", "false": "False"}  # pandas reads True/true/TRUE as a boolean


def is_boolean(values: pd.Series) -> bool:
    """Whether every present value is a boolean (and at least one is present)."""
    return pd.api.types.infer_dtype(values, skipna=True) == "boolean"


def as_text(value: Any, *, boolean: bool = False) -> Any:
    """``value`` as the text a CSV holds (``True``, ``3``), or NaN when it is missing.

    In a ``boolean`` column the text forms pandas reads as booleans (``true``, ``TRUE``)
    are written as a boolean is (``True``), so each is the same category.
    """
    if value is None or (not isinstance(value, str) and bool(pd.isna(value))):
        return np.nan
    if isinstance(value, bool | np.bool_):
        return "True" if value else "False"
    if boolean and isinstance(value, str):
        return BOOLEAN_TEXT.get(value.lower(), value)
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def all_text(frame: pd.DataFrame) -> bool:
    """Whether every present value of every column is already text."""
    return all(
        pd.api.types.infer_dtype(frame[c], skipna=True) in ("string", "empty")
        for c in frame.columns
    )


# scikit-learn ships no type hints: its base classes are Any, which mypy won't subclass
class CategoriesAsText(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Every present value as text (:func:`as_text`); missing values stay NaN."""

    def fit(self, X: Any, y: Any = None) -> CategoriesAsText:
        """Record the number of columns and which of them hold booleans."""
        frame = pd.DataFrame(X)
        self.n_features_in_ = frame.shape[1]
        self.boolean_ = [is_boolean(frame.iloc[:, i]) for i in range(frame.shape[1])]
        return self

    def transform(self, X: Any) -> np.ndarray:
        """An object array of text and NaN, one column per input column."""
        frame = pd.DataFrame(X)
        out = np.empty(frame.shape, dtype=object)
        for position, boolean in enumerate(self.boolean_):
            values = frame.iloc[:, position].tolist()
            out[:, position] = [as_text(v, boolean=boolean) for v in values]
        return out

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        """The input names, unchanged."""
        return np.asarray(input_features if input_features is not None else [], dtype=object)
