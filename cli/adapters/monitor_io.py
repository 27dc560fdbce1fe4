"""Files of ``mlvc monitor``: a committed CSV as a frame, labels, and scratch tables for drift.

The drift engine reads files in chunks (:mod:`cli.adapters.drift_io`); ``mlvc monitor``
compares frames it assembled (the training split fetched from the DVC cache, the
prediction log), so it hands them over as Parquet files in a private temporary folder
that is removed afterwards.
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.errors import DataFileUnreadable

if TYPE_CHECKING:
    import pandas as pd


def csv_frame(data: bytes, *, source: str) -> pd.DataFrame:
    """CSV bytes (a DVC-tracked file fetched at a commit) as a frame; ``source`` names it."""
    import pandas as pd

    try:
        return pd.read_csv(io.BytesIO(data), encoding="utf-8")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise DataFileUnreadable(source, str(exc).splitlines()[0]) from None


@contextmanager
def scratch_tables(
    frames: Mapping[str, pd.DataFrame], schema: Mapping[str, Any]
) -> Iterator[dict[str, Path]]:
    """Each frame as ``<name>.parquet`` and ``schema`` as ``schema.json`` in a temporary folder.

    Yields ``name -> path`` (``schema`` included); the folder is removed on exit.
    """
    with tempfile.TemporaryDirectory(prefix="mlvc-monitor-") as tmp:
        folder = Path(tmp)
        written = {}
        for name, frame in frames.items():
            written[name] = folder / f"{name}.parquet"
            frame.to_parquet(written[name], index=False)
        written["schema"] = folder / "schema.json"
        written["schema"].write_text(json.dumps(schema), encoding="utf-8")
        yield written
