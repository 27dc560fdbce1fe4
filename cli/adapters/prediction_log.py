"""The prediction log: scored rows appended to ``monitoring/`` as Parquet files.

Layout: ``monitoring/<model>/<yyyy-mm-dd>/part-<time>-<pid>-<n>.parquet`` (UTC day).
Rows are buffered and flushed as one complete Parquet file once the buffer reaches
``max_file_mb`` (rotation by size), and on :meth:`PredictionLog.close`. Each file is
written beside its final name under a dot-name and renamed into place, so a reader
never sees half a file; nothing is ever appended into an existing file. Columns:
``logged_at`` (UTC, ISO 8601), ``model``, ``model_version``, the input columns
(minus ``exclude_columns``: never written), then the outputs (``prediction``,
``proba_<class>``). Rows are kept with probability ``sample_rate`` (a seeded draw
when ``seed`` is set, so tests are deterministic).
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

LOG_DIR = "monitoring"
# A long-running writer (``mlvc serve``) flushes on the first append this long after the
# buffer's first row, so buffered rows reach disk even when traffic is far below the
# rotation size. (Rows appended after the last one stay buffered until close or flush.)
FLUSH_SECONDS = 60.0
META_COLUMNS = ("logged_at", "model", "model_version")
_PART_GLOB = "part-*.parquet"


@dataclass(frozen=True)
class LogSettings:
    """The ``monitoring:`` section of ``params.yaml`` (its defaults when the section is absent)."""

    log: bool = True
    sample_rate: float = 1.0
    seed: int | None = None
    exclude_columns: tuple[str, ...] = ()
    max_file_mb: float = 64.0


class PredictionLog:
    """Append scored rows; call :meth:`close` (or use ``with``) to flush what is buffered.

    Safe to share between threads (one lock around the buffer and its files).
    """

    def __init__(self, settings: Any, root: Path) -> None:
        import numpy as np

        self.settings = settings
        self.root = root / LOG_DIR
        self.enabled = bool(settings.log) and float(settings.sample_rate) > 0
        self._rng = np.random.default_rng(settings.seed)
        self._buffer: list[Any] = []  # Arrow tables of one model, in order
        self._buffered = 0
        self._since: float | None = None  # monotonic time of the buffer's first row
        self._key: tuple[str, date] | None = None
        self._counter = itertools.count(1)
        self._lock = threading.RLock()
        self.logged = 0
        self.files: list[Path] = []

    def __enter__(self) -> PredictionLog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def append(
        self, inputs: pd.DataFrame, outputs: pd.DataFrame, *, model: str, version: str
    ) -> int:
        """Log the sampled rows of ``inputs`` beside ``outputs`` (same length); rows kept."""
        if not self.enabled or len(inputs) == 0:
            return 0
        with self._lock:
            return self._append(inputs, outputs, model=model, version=version)

    def append_records(
        self,
        records: Sequence[Mapping[str, Any]],
        outputs: Mapping[str, Sequence[Any]],
        *,
        model: str,
        version: str,
    ) -> int:
        """:meth:`append` for JSON rows (``mlvc serve``'s requests) and output columns.

        The same log rows as :meth:`append` on the frames of these rows, built straight
        as Arrow columns (no data frame on the request path). A key a record lacks is null.
        """
        if not self.enabled or len(records) == 0:
            return 0
        with self._lock:
            keep = self._sample(len(records))
            if not keep.any():
                return 0
            now = datetime.now(UTC)
            columns = _record_columns(records, outputs, self.settings.exclude_columns, keep)
            return self._buffer_table(_with_meta(columns, now, model, version), now, model)

    def _append(
        self, inputs: pd.DataFrame, outputs: pd.DataFrame, *, model: str, version: str
    ) -> int:
        import pyarrow as pa

        keep = self._sample(len(inputs))
        if not keep.any():
            return 0
        now = datetime.now(UTC)
        rows = _log_rows(inputs, outputs, self.settings.exclude_columns, keep)
        rows.insert(0, "model_version", version)
        rows.insert(0, "model", model)
        rows.insert(0, "logged_at", now.isoformat(timespec="microseconds"))
        table = pa.Table.from_pandas(rows, preserve_index=False)
        return self._buffer_table(table, now, model)

    def _buffer_table(self, table: Any, now: datetime, model: str) -> int:
        """Buffer ``table`` (log rows of ``model`` at ``now``); flush when full or due."""
        key = (model, now.date())
        if self._key is not None and key != self._key:
            self._flush()
        self._key = key
        self._since = self._since if self._since is not None else time.monotonic()
        self._buffer.append(table)
        self._buffered += table.nbytes
        self.logged += table.num_rows
        full = self._buffered >= float(self.settings.max_file_mb) * (1 << 20)
        if full or time.monotonic() - self._since >= FLUSH_SECONDS:
            self._flush()
        return int(table.num_rows)

    def _sample(self, n: int) -> Any:
        import numpy as np

        rate = float(self.settings.sample_rate)
        return np.ones(n, bool) if rate >= 1 else self._rng.random(n) < rate

    def flush(self) -> Path | None:
        """Write what is buffered as one new Parquet file (atomically); its path, or None."""
        with self._lock:
            return self._flush()

    def _flush(self) -> Path | None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not self._buffer or self._key is None:
            return None
        model, day = self._key
        table = pa.concat_tables(self._buffer, promote_options="permissive")
        folder = self.root / model / day.isoformat()
        folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%H%M%S%f")
        name = f"part-{stamp}-{os.getpid()}-{next(self._counter):04d}.parquet"
        final = folder / name
        temporary = folder / f".{name}.tmp"
        try:
            pq.write_table(table, temporary)
            temporary.replace(final)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
        self._buffer, self._buffered, self._since = [], 0, None
        self.files.append(final)
        return final

    def discard(self) -> None:
        """Drop what is buffered and remove the files this log wrote (a batch that failed)."""
        with self._lock:
            self._discard()

    def _discard(self) -> None:
        for written in self.files:
            written.unlink(missing_ok=True)
        self._buffer, self._buffered, self.files, self.logged = [], 0, [], 0
        self._since = None

    def close(self) -> None:
        """Flush the buffer; the log stays usable (a later append starts a new file)."""
        self.flush()


def open_prediction_log(root: Path) -> PredictionLog | None:
    """The prediction log under ``root``, set by its ``params.yaml``'s ``monitoring:`` section
    (the defaults without a ``params.yaml``); None when that section turns logging off."""
    from cli import paths

    params_file = root / paths.PARAMS
    settings: Any = LogSettings()
    if params_file.is_file():
        from cli.params import load_params

        settings = load_params(params_file).monitoring
    log = PredictionLog(settings, root)
    return log if log.enabled else None


def _log_rows(
    inputs: pd.DataFrame, outputs: pd.DataFrame, exclude: tuple[str, ...], keep: Any
) -> pd.DataFrame:
    """Inputs (excluded columns dropped; a name the log reserves gets ``input.``) and outputs."""
    kept_inputs = inputs.loc[:, [c for c in inputs.columns if c not in set(exclude)]]
    kept_inputs = kept_inputs.iloc[keep].reset_index(drop=True)
    reserved = {*META_COLUMNS, *outputs.columns}
    kept_inputs.columns = [f"input.{c}" if c in reserved else str(c) for c in kept_inputs.columns]
    scores = outputs.drop(columns=[c for c in ("model_version",) if c in outputs.columns])
    scores = scores.iloc[keep].reset_index(drop=True)
    return kept_inputs.join(scores.drop(columns=list(set(kept_inputs.columns) & set(scores))))


def _record_columns(
    records: Sequence[Mapping[str, Any]],
    outputs: Mapping[str, Sequence[Any]],
    exclude: tuple[str, ...],
    keep: Any,
) -> dict[str, list[Any]]:
    """The kept rows as columns: inputs (as :func:`_log_rows` names them), then outputs."""
    rows = range(len(records)) if keep.all() else [int(i) for i in keep.nonzero()[0]]
    excluded = set(exclude)
    names = [c for c in dict.fromkeys(k for r in records for k in r) if c not in excluded]
    reserved = {*META_COLUMNS, *outputs}
    columns = {
        f"input.{c}" if c in reserved else str(c): [records[i].get(c) for i in rows] for c in names
    }
    for name, values in outputs.items():
        if name != "model_version" and name not in columns:
            columns[name] = [values[i] for i in rows]
    return columns


def _with_meta(columns: dict[str, list[Any]], now: datetime, model: str, version: str) -> Any:
    """An Arrow table: ``logged_at``, ``model``, ``model_version``, then ``columns``."""
    import pyarrow as pa

    n = len(next(iter(columns.values()))) if columns else 0
    meta = {
        "logged_at": pa.repeat(now.isoformat(timespec="microseconds"), n),
        "model": pa.repeat(model, n),
        "model_version": pa.repeat(version, n),
    }
    return pa.table({**meta, **columns})


def read_prediction_log(root: Path, model: str, since: date | str | None = None) -> pd.DataFrame:
    """Every logged row of ``model`` under ``root/monitoring`` (days from ``since`` on, UTC).

    Empty (no columns) when nothing is logged. Files are read in name order: days,
    then the time each file was written.
    """
    import pandas as pd
    import pyarrow.parquet as pq

    first = date.fromisoformat(since) if isinstance(since, str) else since
    folder = root / LOG_DIR / model
    frames = []
    for day in sorted(p for p in folder.glob("*") if p.is_dir()):
        try:
            when = date.fromisoformat(day.name)
        except ValueError:
            continue  # not a day folder of the log
        if first is not None and when < first:
            continue
        frames += [pq.read_table(part).to_pandas() for part in sorted(day.glob(_PART_GLOB))]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
