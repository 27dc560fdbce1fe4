"""Build the scikit-learn model, preprocessing inside the Pipeline: it predicts from raw columns.

Pure: plain values in (the task, column names, the estimator's name, its hyperparameters,
the seed), an unfitted Pipeline out; the caller reads them from its params section.
Classification labels are strings everywhere (:func:`label_strings`), so a 0/1 or
True/False target written to CSV by one stage and read back by another keeps its labels.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from cli.errors import EstimatorTaskMismatch

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.pipeline import Pipeline

CLASSIFICATION = "classification"
REGRESSION = "regression"
TASKS = (CLASSIFICATION, REGRESSION)
ESTIMATORS_BY_TASK: dict[str, tuple[str, ...]] = {
    CLASSIFICATION: ("logistic_regression", "random_forest"),
    REGRESSION: ("ridge", "random_forest"),
}
ESTIMATORS = ("logistic_regression", "random_forest", "ridge")


def check_estimator(task: str, estimator: str) -> None:
    """An EstimatorTaskMismatch unless ``estimator`` fits ``task``."""
    allowed = ESTIMATORS_BY_TASK.get(task)
    if allowed is None:
        raise ValueError(f"unknown task {task!r}; expected one of {TASKS}")
    if estimator not in allowed:
        raise EstimatorTaskMismatch(estimator, task, list(allowed))


def label_strings(values: Iterable[Any]) -> list[str]:
    """Class labels as strings, the same however a CSV reader typed them.

    A whole float (``1.0``, from an integer column with a gap) reads as ``1``; booleans
    read as ``True``/``False``; everything else as ``str``.
    """
    out: list[str] = []
    for value in values:
        if isinstance(value, float) and value.is_integer():
            out.append(str(int(value)))
        elif hasattr(value, "item") and not isinstance(value, str):  # a numpy scalar
            out.extend(label_strings([value.item()]))
        else:
            out.append(str(value))
    return out


def target_values(column: pd.Series, task: str) -> pd.Series:
    """The target as the model sees it: label strings (classification) or floats (regression).

    Labels stay an object Series, so the fitted model's ``classes_`` is an object array.
    """
    import pandas as pd

    if task == CLASSIFICATION:
        return pd.Series(label_strings(column.tolist()), index=column.index, dtype=object)
    return column.astype("float64")


def _classifier(estimator: str, hyperparameters: Mapping[str, Any], seed: int) -> Any:
    if estimator == "logistic_regression":
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression(
            C=hyperparameters["C"], max_iter=hyperparameters["max_iter"], random_state=seed
        )
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(
        n_estimators=hyperparameters["n_estimators"],
        max_depth=hyperparameters["max_depth"],
        min_samples_leaf=hyperparameters["min_samples_leaf"],
        random_state=seed,
        n_jobs=1,  # one thread: results and bytes do not depend on the machine's cores
    )


def _regressor(estimator: str, hyperparameters: Mapping[str, Any], seed: int) -> Any:
    if estimator == "ridge":
        from sklearn.linear_model import Ridge

        return Ridge(alpha=hyperparameters["alpha"], random_state=seed)
    from sklearn.ensemble import RandomForestRegressor

    return RandomForestRegressor(
        n_estimators=hyperparameters["n_estimators"],
        max_depth=hyperparameters["max_depth"],
        min_samples_leaf=hyperparameters["min_samples_leaf"],
        random_state=seed,
        n_jobs=1,  # one thread: results and bytes do not depend on the machine's cores
    )


def make_estimator(task: str, estimator: str, hyperparameters: Mapping[str, Any], seed: int) -> Any:
    """The unfitted estimator ``estimator`` for ``task`` (deterministic, one thread)."""
    check_estimator(task, estimator)
    if task == CLASSIFICATION:
        return _classifier(estimator, hyperparameters, seed)
    return _regressor(estimator, hyperparameters, seed)


def build_pipeline(
    *,
    numeric: Sequence[str],
    categorical: Sequence[str],
    estimator: str,
    hyperparameters: Mapping[str, Any],
    seed: int,
    task: str = CLASSIFICATION,
    datetime: Sequence[str] = (),
    categories_as_text: bool = False,
) -> Pipeline:
    """Impute and scale numeric columns, impute and one-hot encode categorical ones (written
    as text first when ``categories_as_text``), expand date columns into calendar parts
    (then impute and scale them), then fit."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    model = make_estimator(task, estimator, hyperparameters, seed)
    numeric_steps = Pipeline(
        [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
    )
    categorical_steps = Pipeline(
        [
            ("impute", SimpleImputer(strategy="constant", fill_value="missing")),
            ("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
    )
    if categories_as_text:  # only when asked: a pipeline of text categories keeps its bytes
        from cli.core.categories import CategoriesAsText

        categorical_steps.steps.insert(0, ("text", CategoriesAsText()))
    parts = [
        ("numeric", numeric_steps, list(numeric)),
        ("categorical", categorical_steps, list(categorical)),
    ]
    if datetime:  # only when asked: a pipeline without dates keeps its bytes
        from cli.core.calendar import CalendarParts

        calendar_steps = Pipeline(
            [
                ("calendar", CalendarParts()),
                ("impute", SimpleImputer(strategy="median", keep_empty_features=True)),
                ("scale", StandardScaler()),
            ]
        )
        parts.append(("datetime", calendar_steps, list(datetime)))
    return Pipeline([("preprocess", ColumnTransformer(parts)), ("model", model)])
