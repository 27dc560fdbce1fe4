"""Build the scikit-learn model, preprocessing inside the Pipeline: it predicts from raw columns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sklearn.pipeline import Pipeline

    from cli.params import DataParams, TrainParams

ESTIMATORS = ("logistic_regression", "random_forest")


def _estimator(train: TrainParams) -> Any:
    if train.estimator == "logistic_regression":
        from sklearn.linear_model import LogisticRegression

        lr = train.logistic_regression
        return LogisticRegression(C=lr.C, max_iter=lr.max_iter, random_state=train.seed)
    if train.estimator == "random_forest":
        from sklearn.ensemble import RandomForestClassifier

        rf = train.random_forest
        return RandomForestClassifier(
            n_estimators=rf.n_estimators,
            max_depth=rf.max_depth,
            min_samples_leaf=rf.min_samples_leaf,
            random_state=train.seed,
            n_jobs=1,  # one thread: results and bytes do not depend on the machine's cores
        )
    raise ValueError(f"unknown estimator {train.estimator!r}; expected one of {ESTIMATORS}")


def build_pipeline(data: DataParams, train: TrainParams) -> Pipeline:
    """Impute and scale numeric columns, impute and one-hot encode categorical ones, then fit."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    numeric = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    categorical = Pipeline(
        [
            ("impute", SimpleImputer(strategy="constant", fill_value="missing")),
            ("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )
    preprocess = ColumnTransformer(
        [
            ("numeric", numeric, list(data.numeric_features)),
            ("categorical", categorical, list(data.categorical_features)),
        ]
    )
    return Pipeline([("preprocess", preprocess), ("model", _estimator(train))])
