"""split: seeded train/test split, stratified by the label for classification.

Inputs: ``data/raw/<data.name>.csv``.
Outputs: ``data/prepared/train.csv``, ``data/prepared/test.csv``.
Params: ``data.target``, ``data.task``, ``split.test_size``, ``split.seed``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cli import paths
from cli.api.stage_io import load_stage_params, read_table, write_csv
from cli.core.modeling import CLASSIFICATION
from cli.errors import MissingColumns, TargetNotNumeric, TooFewRows
from cli.funnel import stage_errors

if TYPE_CHECKING:
    from cli.api.stage_io import Params


def check_numeric_target(values: pd.Series, where: str) -> None:
    """A TargetNotNumeric naming the first data row whose target is not a number."""
    numbers = pd.to_numeric(values, errors="coerce")
    bad = numbers.isna() & values.notna()
    if bad.any():
        position = int(bad.to_numpy().argmax())
        raise TargetNotNumeric(
            where, str(values.name), int(values.index[position]) + 1, values.iloc[position]
        )


def _refuse_splits_smaller_than_classes(
    rows: int, classes: int, test_size: float, target: str, where: str
) -> None:
    """Raise when the stratified test or training split has fewer rows than there are
    classes (scikit-learn rounds the test split up: ``ceil(test_size * rows)``)."""
    import math

    test_rows = math.ceil(test_size * rows)
    if min(test_rows, rows - test_rows) >= classes:
        return
    # two decimals, rounded inwards: any value printed between them works
    low, high = math.ceil(100 * classes / rows) / 100, math.floor(100 * (1 - classes / rows)) / 100
    raise TooFewRows(
        where,
        target,
        f"{classes} classes in {rows} rows: split.test_size {test_size} gives {test_rows} test "
        f"and {rows - test_rows} training rows, and each split needs a row of every class",
        hint=f"set split.test_size in params.yaml between {low:.2f} and {high:.2f}, or add rows"
        if low <= high
        else "add rows: there are fewer than two rows per class",
    )


def split_frame(
    frame: pd.DataFrame,
    *,
    target: str,
    test_size: float,
    seed: int,
    task: str = CLASSIFICATION,
    where: str = "data",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop rows without a label, then split (stratified by ``target`` for classification)."""
    from sklearn.model_selection import train_test_split

    labelled = frame[frame[target].notna()]
    stratify = None
    if task == CLASSIFICATION:
        counts = labelled[target].value_counts()
        if (counts < 2).any():
            rare = ", ".join(f"{k} ({v})" for k, v in counts[counts < 2].items())
            raise TooFewRows(
                where,
                target,
                f"classes with fewer than 2 rows cannot be stratified: {rare}",
                hint="add rows for those classes or drop them from the data",
            )
        stratify = labelled[target]
        _refuse_splits_smaller_than_classes(len(labelled), len(counts), test_size, target, where)
    else:
        check_numeric_target(labelled[target], where)
        if len(labelled) < 4:
            raise TooFewRows(
                where,
                target,
                f"{len(labelled)} labelled rows; a regression split needs at least 4",
                hint="add rows to the data",
            )
    train, test = train_test_split(
        labelled, test_size=test_size, random_state=seed, stratify=stratify
    )
    return train.sort_index(), test.sort_index()


def run(params: Params, *, raw: Path, train: Path, test: Path) -> None:
    """Split ``raw`` into ``train`` and ``test``."""
    frame = read_table(raw, hint="run 'dvc repro ingest' first")
    target = params.data.target
    if target not in frame.columns:
        raise MissingColumns(str(raw), [target], [str(c) for c in frame.columns])
    train_rows, test_rows = split_frame(
        frame,
        target=target,
        test_size=params.split.test_size,
        seed=params.split.seed,
        task=params.data.task,
        where=str(raw),
    )
    write_csv(train, train_rows)
    write_csv(test, test_rows)


def main() -> None:
    with stage_errors("split", os.environ):
        params = load_stage_params("split")
        run(
            params,
            raw=paths.raw_data(params.data.name),
            train=paths.TRAIN_DATA,
            test=paths.TEST_DATA,
        )


if __name__ == "__main__":
    main()
