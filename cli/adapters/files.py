"""Reading inputs with clear errors, and writing outputs atomically."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any

from cli.errors import (
    DataFileEmpty,
    DataFileUnreadable,
    FileMissing,
    ParamsMalformed,
    PathOutsideRepository,
)

if TYPE_CHECKING:
    import pandas as pd


@contextmanager
def atomic_writer(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Open a temporary file beside ``path``; rename it over ``path`` only on success.

    Parent folders are created. On any exception the temporary file is removed
    and an existing ``path`` is left as it was.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # on use: keeps every command's start-up short

    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o644)
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def contained(root: Path, relpath: str, *, source: str) -> Path:
    """The file ``relpath`` names under ``root``, refused unless it stays inside ``root``.

    ``relpath`` is untrusted (read from ``dvc.lock`` or git history; ``source`` says
    where, for the message). Refused: an absolute path, an empty one, one whose last
    part is ``.`` or ``..``, and one whose parent folder resolves outside ``root``
    through ``..`` or a symlinked folder. The last part itself is not resolved: a
    write replaces it atomically, so a symlink there is replaced, never written through.
    """
    pure = PurePosixPath(relpath)
    root_resolved = root.resolve()
    if (
        not relpath
        or "\x00" in relpath
        or pure.is_absolute()
        or Path(relpath).is_absolute()
        or pure.name in ("", ".", "..")
    ):
        raise PathOutsideRepository(relpath, source, str(root_resolved))
    parent = (root_resolved / pure.parent).resolve()
    if not parent.is_relative_to(root_resolved):
        raise PathOutsideRepository(relpath, source, str(root_resolved))
    return parent / pure.name


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically with Unix newlines."""
    with atomic_writer(path) as handle:
        handle.write(text)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically."""
    with atomic_writer(path, "wb") as handle:
        handle.write(data)


def to_json_text(document: Any) -> str:
    """Stable JSON: sorted keys, two-space indent, trailing newline."""
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_json(path: Path, document: Any) -> None:
    """Write ``document`` as stable JSON, atomically."""
    write_text(path, to_json_text(document))


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """Write ``frame`` as byte-stable CSV (no index, ``\\n`` line ends, empty cell for missing)."""
    with atomic_writer(path) as handle:
        frame.to_csv(handle, index=False, lineterminator="\n")


def read_yaml(path: Path, *, what: str = "YAML file") -> Any:
    """Parse a YAML file with ``yaml.safe_load``; missing or malformed files raise ToolkitErrors."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileMissing(str(path), what=what) from None
    except UnicodeDecodeError as exc:
        raise ParamsMalformed(
            str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    return parse_yaml(text, source=str(path))


def parse_yaml(text: str, *, source: str, hint: str | None = None) -> Any:
    """``yaml.safe_load`` of ``text``; a syntax error names ``source``, line and column.

    ``hint`` is the next step the error suggests (for a file at a past revision, which
    cannot be fixed in place).
    """
    import yaml  # on use: the registry listing never parses YAML

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ParamsMalformed(source, f"{where}{problem}", hint=hint) from None


def read_json(path: Path, *, what: str = "JSON file") -> Any:
    """Parse a JSON file; missing or malformed files raise ToolkitErrors."""
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise FileMissing(str(path), what=what) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataFileUnreadable(str(path), str(exc)) from None


def read_table(path: Path, *, what: str = "data file", hint: str | None = None) -> pd.DataFrame:
    """Read a CSV or Parquet file into a DataFrame, with one clear error per failure."""
    import pandas as pd

    if not path.is_file():
        raise FileMissing(str(path), what=what, hint=hint)
    if path.stat().st_size == 0:
        raise DataFileEmpty(str(path))
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix == ".csv":
            frame = pd.read_csv(path, encoding="utf-8")
        else:
            raise DataFileUnreadable(
                str(path), f"unsupported format '{suffix}'; use .csv or .parquet"
            )
    except pd.errors.EmptyDataError:
        raise DataFileEmpty(str(path)) from None
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError, OSError) as exc:
        raise DataFileUnreadable(str(path), str(exc).splitlines()[0]) from None
    if frame.empty:
        raise DataFileEmpty(str(path))
    return frame


def md5_file(path: Path) -> str:
    """MD5 of a file's bytes, as DVC records it in ``dvc.lock``."""
    import hashlib  # on use: loading OpenSSL costs every command ~2 ms of start-up

    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def md5_bytes(data: bytes) -> str:
    """MD5 of ``data``, as DVC records it in ``dvc.lock``."""
    import hashlib

    return hashlib.md5(data, usedforsecurity=False).hexdigest()
