"""ingest: bring the raw data into the repository, byte-stable, without unlabelled rows.

Inputs: the bundled Palmer penguins CSV (``ingest.source: palmerpenguins``) or a
CSV/Parquet/JSON Lines file under ``data/external/``.
Outputs: ``data/raw/<data.name>.csv``; ``data/ingest.json`` (rows read, rows dropped for a
missing target, rows written).
Params: ``data.*`` (columns that must exist), ``ingest.source``, ``ingest.years``.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cli import paths
from cli.api.stage_io import load_stage_params, read_table, write_csv, write_json
from cli.core.numbers import integral_floats_to_int
from cli.errors import DataFileEmpty, MissingColumns, NoRowsSelected, TooFewRows
from cli.funnel import stage_errors

if TYPE_CHECKING:
    from cli.api.stage_io import Params

BUNDLED = "palmerpenguins"
YEAR = "year"


def source_path(source: str) -> Path:
    """The file behind ``ingest.source``."""
    if source == BUNDLED:
        return Path(str(resources.files("palmerpenguins") / "data" / "penguins.csv"))
    return Path(source)


def select_years(frame: pd.DataFrame, years: tuple[int, ...] | None, where: str) -> pd.DataFrame:
    """Rows whose ``year`` is in ``years`` (all rows when ``years`` is None)."""
    if years is None:
        return frame
    selected = frame[frame[YEAR].isin(years)]
    if selected.empty:
        found = sorted(int(y) for y in frame[YEAR].dropna().unique())
        raise NoRowsSelected(where, f"no rows for years {list(years)}; the data has years {found}")
    return selected.reset_index(drop=True)


def drop_missing_target(frame: pd.DataFrame, target: str, where: str) -> tuple[pd.DataFrame, int]:
    """Rows whose ``target`` is present, and how many were dropped; none left is an error."""
    present = frame[target].notna()
    if not present.any():
        raise TooFewRows(
            where,
            target,
            f"all {len(frame)} rows lack a value, so there is nothing to learn from",
            hint="fill the target column, or set data.target in params.yaml to another column",
        )
    return frame[present].reset_index(drop=True), int((~present).sum())


def required_columns(params: Params) -> list[str]:
    """Columns the pipeline reads from the raw data."""
    data = params.data
    needed = [
        data.target,
        *data.numeric_features,
        *data.categorical_features,
        *data.datetime_features,
    ]
    if params.ingest.years is not None:
        needed.append(YEAR)
    return list(dict.fromkeys(needed))


def run(params: Params, *, source: Path, output: Path, report: Path) -> None:
    """Read ``source``, drop rows without a target, keep the selected years; write ``output``
    as CSV and the row counts to ``report``."""
    try:
        frame = read_table(source, hint="check ingest.source in params.yaml")
    except DataFileEmpty:
        raise DataFileEmpty(
            str(source), hint="point ingest.source in params.yaml at a file with a header and rows"
        ) from None
    missing = [c for c in required_columns(params) if c not in frame.columns]
    if missing:
        raise MissingColumns(str(source), missing, [str(c) for c in frame.columns])
    rows_read = len(frame)
    labelled, dropped = drop_missing_target(frame, params.data.target, str(source))
    selected = select_years(labelled, params.ingest.years, str(source))
    write_csv(output, integral_floats_to_int(selected))
    write_json(
        report,
        {
            "source": params.ingest.source,
            "rows_read": rows_read,
            "rows_dropped_missing_target": dropped,
            "rows_written": len(selected),
        },
    )


def main() -> None:
    with stage_errors("ingest", os.environ):
        params = load_stage_params("ingest")
        run(
            params,
            source=source_path(params.ingest.source),
            output=paths.raw_data(params.data.name),
            report=paths.INGEST_REPORT,
        )


if __name__ == "__main__":
    main()
