"""Build the scikit-learn model, preprocessing inside the Pipeline: it predicts from raw columns.

Pure: plain values in (column names, the estimator's name, its hyperparameters, the
seed), an unfitted Pipeline out; the caller reads them from its params section.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

ESTIMATORS = ("logistic_regression", "random_forest")


def _estimator(estimator: str, hyperparameters: Mapping[str, Any], seed: int) -> Any:
    if estimator == "logistic_regression":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(
            C=hyperparameters["C"], max_iter=hyperparameters["max_iter"], random_state=seed
        )
    if estimator == "random_forest":
        from sklearn.ensemble import RandomForestClassifier

        return RandomForestClassifier(
            n_estimators=hyperparameters["n_estimators"],
            max_depth=hyperparameters["max_depth"],
            min_samples_leaf=hyperparameters["min_samples_leaf"],
            random_state=seed,
            n_jobs=1,  # one thread: results and bytes do not depend on the machine's cores
        )
    raise ValueError(f"unknown estimator {estimator!r}; expected one of {ESTIMATORS}")


def build_pipeline(
    *,
    numeric: Sequence[str],
    categorical: Sequence[str],
    estimator: str,
    hyperparameters: Mapping[str, Any],
    seed: int,
) -> Pipeline:
    """Impute and scale numeric columns, impute and one-hot encode categorical ones, then fit."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric_steps = Pipeline(
        [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
    )
    categorical_steps = Pipeline(
        [
            ("impute", SimpleImputer(strategy="constant", fill_value="missing")),
            ("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )
    preprocess = ColumnTransformer(
        [
            ("numeric", numeric_steps, list(numeric)),
            ("categorical", categorical_steps, list(categorical)),
        ]
    )
    return Pipeline(
        [("preprocess", preprocess), ("model", _estimator(estimator, hyperparameters, seed))]
    )
