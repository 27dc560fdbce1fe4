"""DataFrames over the one reader: bounded chunks in order, CSV cells typed, clear errors."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from cli.adapters.arrow_tables import read_columns
from cli.adapters.frames import iter_frames
from cli.errors import DataFileEmpty, DataFileUnreadable, FileMissing
from tests.conftest import TINY_CSV


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_chunks_cover_the_file_in_order(tmp_path: Path, suffix: str) -> None:
    frame = pd.read_csv(TINY_CSV)
    path = tmp_path / f"data{suffix}"
    {
        ".csv": lambda: frame.to_csv(path, index=False),
        ".parquet": lambda: frame.to_parquet(path),
        ".jsonl": lambda: frame.to_json(path, orient="records", lines=True),
    }[suffix]()
    chunks = list(iter_frames(path, chunk_rows=5))
    assert [len(c) for c in chunks] == [5, 5, 2]
    joined = pd.concat(chunks, ignore_index=True)
    assert joined["species"].tolist() == frame["species"].tolist()
    assert joined["bill_length_mm"].astype(float).tolist()[:2] == [39.1, 39.5]
    assert read_columns(path) == list(frame.columns)


def test_csv_cells_numbers_and_null_tokens() -> None:
    (chunk,) = list(iter_frames(TINY_CSV, columns=["flipper_length_mm", "sex"]))
    assert list(chunk.columns) == ["flipper_length_mm", "sex"]
    assert chunk["flipper_length_mm"].dtype == "float64"
    assert chunk.loc[0, "flipper_length_mm"] == 181.0
    assert math.isnan(chunk.loc[2, "flipper_length_mm"])  # NA
    assert chunk.loc[0, "sex"] == "male" and math.isnan(chunk.loc[2, "sex"])


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("absent.csv", None, FileMissing),
        ("empty.csv", b"", DataFileEmpty),
        ("dupes.csv", b"a,a\n1,2\n", DataFileUnreadable),
        ("latin1.csv", b"a,b\n\xe9,1\n", DataFileUnreadable),
        ("data.xlsx", b"PK", DataFileUnreadable),
    ],
)
def test_bad_files(tmp_path: Path, name: str, content: bytes | None, error: type) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(error):
        list(iter_frames(path))
