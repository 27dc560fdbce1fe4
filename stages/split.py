"""split: stratified, seeded train/test split.

Inputs: ``data/raw/<data.name>.csv``.
Outputs: ``data/prepared/train.csv``, ``data/prepared/test.csv``.
Params: ``data.target``, ``split.test_size``, ``split.seed``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cli import paths
from cli.api.stage_io import load_stage_params, read_table, write_csv
from cli.errors import MissingColumns, ToolkitError
from cli.funnel import stage_errors

if TYPE_CHECKING:
    from cli.api.stage_io import Params


def split_frame(
    frame: pd.DataFrame, *, target: str, test_size: float, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Drop rows without a label, then split stratified by ``target``."""
    from sklearn.model_selection import train_test_split

    labelled = frame[frame[target].notna()]
    counts = labelled[target].value_counts()
    if (counts < 2).any():
        rare = ", ".join(f"{k} ({v})" for k, v in counts[counts < 2].items())
        raise ToolkitError(
            f"column '{target}': classes with fewer than 2 rows cannot be stratified: {rare}",
            hint="add rows for those classes or drop them from the data",
        )
    train, test = train_test_split(
        labelled, test_size=test_size, random_state=seed, stratify=labelled[target]
    )
    return train.sort_index(), test.sort_index()


def run(params: Params, *, raw: Path, train: Path, test: Path) -> None:
    """Split ``raw`` into ``train`` and ``test``."""
    frame = read_table(raw, hint="run 'dvc repro ingest' first")
    target = params.data.target
    if target not in frame.columns:
        raise MissingColumns(str(raw), [target], [str(c) for c in frame.columns])
    train_rows, test_rows = split_frame(
        frame, target=target, test_size=params.split.test_size, seed=params.split.seed
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
