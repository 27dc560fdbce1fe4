"""The IO of ``mlvc init``: read the user's table, then replace several files all at once.

:func:`publish` writes every file to a temporary beside its target first and renames
them over their targets only when all are written: a failure or an interrupt before
the renames leaves every target as it was.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from cli.adapters.files import output_target, require_file
from cli.errors import DataFileEmpty, DataFileUnreadable

if TYPE_CHECKING:
    import pandas as pd

FORMATS = (".csv", ".parquet", ".jsonl")


def read_any_table(path: Path) -> pd.DataFrame:
    """A CSV, Parquet or JSON Lines file as a DataFrame, with one clear error per failure."""
    import pandas as pd

    require_file(path, what="data file", hint="pass --data a CSV, Parquet or JSON Lines file")
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise DataFileUnreadable(
            str(path), f"unsupported format '{suffix}'; use .csv, .parquet or .jsonl"
        )
    if path.stat().st_size == 0:
        raise DataFileEmpty(str(path))
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix == ".jsonl":
            frame = pd.read_json(path, lines=True, dtype=False)
        else:
            frame = pd.read_csv(path, encoding="utf-8")
    except pd.errors.EmptyDataError:
        raise DataFileEmpty(str(path)) from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise DataFileUnreadable(str(path), str(exc).splitlines()[0]) from None
    if frame.empty:
        raise DataFileEmpty(str(path))
    return frame


def publish(files: dict[Path, bytes], *, remove: tuple[Path, ...] = ()) -> None:
    """Replace every file of ``files`` with its bytes: all written first, then all renamed.

    Then ``remove`` the outputs the new project no longer declares (files or folders);
    they are regenerated data, so a failure there loses nothing.
    """
    import shutil
    import tempfile

    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            target = output_target(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((Path(name), target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            Path(name).chmod(0o644)
        for temporary, target in staged:
            temporary.replace(target)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for path in remove:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
