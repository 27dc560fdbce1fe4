"""Small fitted pipelines saved as a model and its metadata, for the predict and resolver tests."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from cli.api import save_model
from cli.core.modeling import build_pipeline

ROOT = Path(__file__).resolve().parents[1]
NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
CATEGORICAL = ["island", "sex"]
FEATURES = [*NUMERIC, *CATEGORICAL]


def penguins() -> pd.DataFrame:
    """The bundled Palmer penguins rows whose species is known."""
    from palmerpenguins import load_penguins

    return load_penguins().dropna(subset=["species"]).reset_index(drop=True)


def classifier(frame: pd.DataFrame, *, seed: int = 0) -> Any:
    """A logistic regression pipeline of the project's shape, fitted on ``frame``."""
    pipeline = build_pipeline(
        numeric=NUMERIC,
        categorical=CATEGORICAL,
        estimator="logistic_regression",
        hyperparameters={"C": 1.0 + seed, "max_iter": 1000},
        seed=seed,
    )
    return pipeline.fit(frame[FEATURES], frame["species"].astype(str))


def regressor(frame: pd.DataFrame) -> Any:
    """A small RandomForestRegressor pipeline predicting body mass from the other features."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import RandomForestRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline

    numeric = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm"]
    prepare = ColumnTransformer([("num", SimpleImputer(strategy="median"), numeric)])
    pipeline = Pipeline(
        [("prepare", prepare), ("model", RandomForestRegressor(n_estimators=5, random_state=0))]
    )
    rows = frame.dropna(subset=["body_mass_g"])
    return pipeline.fit(rows[numeric], rows["body_mass_g"])


def save(folder: Path, pipeline: Any, meta: dict[str, Any]) -> Path:
    """``folder/model.skops`` and ``folder/model.meta.json``; the model's path."""
    folder.mkdir(parents=True, exist_ok=True)
    save_model(pipeline, folder / "model.skops")
    (folder / "model.meta.json").write_text(json.dumps(meta))
    return folder / "model.skops"


def classifier_meta(pipeline: Any, frame: pd.DataFrame) -> dict[str, Any]:
    return {
        "estimator": "logistic_regression",
        "hyperparameters": {},
        "target": "species",
        "classes": [str(c) for c in pipeline.classes_],
        "features": [{"name": n, "dtype": str(frame[n].dtype)} for n in FEATURES],
        "libraries": {},
    }


def project(folder: Path) -> Path:
    """A folder with the project's data contract (``data/schema.json``) and ``params.yaml``."""
    (folder / "data").mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "data" / "schema.json", folder / "data" / "schema.json")
    shutil.copy(ROOT / "params.yaml", folder / "params.yaml")
    return folder
