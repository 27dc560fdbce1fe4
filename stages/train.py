"""train: fit the scikit-learn Pipeline and save it safely (skops), with metadata.

Inputs: ``data/prepared/train.csv``.
Outputs: ``models/model.skops``, ``models/model.meta.json``.
Params: ``data.*`` (target, task, features), ``train.estimator``, ``train.seed`` and the
chosen estimator's section.
"""

from __future__ import annotations

import os
import platform
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from cli import paths
from cli.api.stage_io import load_stage_params, md5_file, read_table, save_model, write_json
from cli.core.categories import all_text
from cli.core.modeling import CLASSIFICATION, build_pipeline, target_values
from cli.errors import MissingColumns
from cli.funnel import stage_errors

if TYPE_CHECKING:
    from cli.api.stage_io import Params

LIBRARIES = ("scikit-learn", "numpy", "pandas", "skops")


def hyperparameters(params: Params) -> dict[str, Any]:
    """The chosen estimator's hyperparameters, as recorded in the metadata."""
    train = params.train
    section = getattr(train, train.estimator)
    return {name: getattr(section, name) for name in section.__dataclass_fields__ if name[0] != "_"}


def model_metadata(
    params: Params, frame: pd.DataFrame, classes: list[str], train_md5: str
) -> dict[str, Any]:
    """Task, feature names and dtypes, classes (``[]`` for regression), library versions and
    the training data's md5."""
    data = params.data
    return {
        "task": data.task,
        "estimator": params.train.estimator,
        "hyperparameters": hyperparameters(params),
        "target": data.target,
        "classes": classes,
        "features": [
            {"name": name, "dtype": str(frame[name].dtype)} for name in feature_columns(params)
        ],
        "training_rows": len(frame),
        "training_data_md5": train_md5,
        "libraries": {
            "python": ".".join(platform.python_version_tuple()[:2]),
            **{name: version(name) for name in LIBRARIES},
        },
    }


def feature_columns(params: Params) -> list[str]:
    """The columns the model predicts from, in the order the pipeline takes them."""
    data = params.data
    return [*data.numeric_features, *data.categorical_features, *data.datetime_features]


def run(params: Params, *, train_data: Path, model: Path, meta: Path) -> None:
    """Fit on ``train_data``; write ``model`` and ``meta``."""
    frame = read_table(train_data, hint="run 'dvc repro split' first")
    data = params.data
    needed = [data.target, *feature_columns(params)]
    missing = [c for c in dict.fromkeys(needed) if c not in frame.columns]
    if missing:
        raise MissingColumns(str(train_data), missing, [str(c) for c in frame.columns])
    pipeline = build_pipeline(
        numeric=data.numeric_features,
        categorical=data.categorical_features,
        datetime=data.datetime_features,
        task=data.task,
        estimator=params.train.estimator,
        hyperparameters=hyperparameters(params),
        seed=params.train.seed,
        categories_as_text=not all_text(frame[list(data.categorical_features)]),
    )
    pipeline.fit(frame[feature_columns(params)], target_values(frame[data.target], data.task))
    classes = [str(c) for c in pipeline.classes_] if data.task == CLASSIFICATION else []
    save_model(pipeline, model)
    write_json(meta, model_metadata(params, frame, classes, md5_file(train_data)))


def main() -> None:
    with stage_errors("train", os.environ):
        params = load_stage_params("train")
        run(params, train_data=paths.TRAIN_DATA, model=paths.MODEL, meta=paths.MODEL_META)


if __name__ == "__main__":
    main()
