"""Reading inputs with clear errors, and writing outputs atomically."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any, NoReturn

from cli.errors import (
    AliasExpansionRefused,
    DataFileEmpty,
    DataFileNotUtf8,
    DataFileUnreadable,
    DocumentTooDeep,
    FileMissing,
    FileNotReadable,
    NotAFile,
    NumberTooLong,
    OutputFolderBlocked,
    OutputIsInput,
    OutputLinkReadOnly,
    OutputNotRegularFile,
    ParamsMalformed,
    PathOutsideRepository,
    TextNotUtf8,
)

if TYPE_CHECKING:
    import pandas as pd


_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def output_target(path: Path, *, through_links: bool = True) -> Path:
    """The regular file that writing ``path`` replaces, or a ToolkitError saying why not.

    A symlink is written through: the result is the file it finally points to
    (which may not exist yet), so the link itself stays; but a symlink to a
    read-only file is refused, since DVC links outputs into its cache that way
    (``cache.type: symlink``) and writing through would corrupt the cache.
    With ``through_links`` False a symlink is the target itself: the write
    replaces the link by a regular file and its target stays as it was.
    Directories, FIFOs, devices and sockets are refused: an atomic rename
    would replace them with a regular file.
    """
    linked = path.is_symlink()
    if linked and not through_links:
        return path
    target = Path(os.path.realpath(path)) if linked else path
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        return target
    except NotADirectoryError:
        raise OutputFolderBlocked(str(path), "a folder in its path is a file") from None
    except OSError as exc:  # e.g. a symlink loop, or no permission to look
        raise OutputFolderBlocked(str(path), exc.strerror or str(exc)) from None
    for test, kind in _KINDS:
        if test(mode):
            raise OutputNotRegularFile(str(path), kind)
    if linked and not mode & 0o222:
        raise OutputLinkReadOnly(str(path), str(target))
    return target


def _folder_blocked(path: Path, exc: OSError) -> NoReturn:
    if isinstance(exc, FileExistsError | NotADirectoryError):
        raise OutputFolderBlocked(str(path), "a folder in its path is a file") from None
    raise OutputFolderBlocked(str(path), exc.strerror or str(exc)) from None


@contextmanager
def atomic_writer(path: Path, mode: str = "w", *, through_links: bool = True) -> Iterator[IO[Any]]:
    """Open a temporary file beside the target; rename it over the target only on success.

    The target is :func:`output_target` of ``path``: a symlink's final file is
    replaced and the link kept (or, with ``through_links`` False, the link is
    replaced by the file); a directory, FIFO, device or socket is refused
    before anything is written. Parent folders are created. On any exception
    the temporary file is removed and an existing target is left as it was.
    """
    target = output_target(path, through_links=through_links)
    import tempfile  # on use: keeps every command's start-up short

    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        _folder_blocked(path, exc)
    tmp = Path(tmp_name)
    try:
        kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        tmp.chmod(0o644)
        tmp.replace(target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def refuse_input_as_output(output: Path, inputs: Iterable[tuple[Path, str]]) -> None:
    """Raise OutputIsInput when ``output`` is the same file as one of ``inputs``.

    ``inputs`` pairs each input path with what it is ("data file"). Sameness is
    by device and inode (``Path.samefile``), so symlinks and other spellings
    of a path are caught; paths that do not exist cannot be the same file.
    """
    for source, what in inputs:
        try:
            same = output.samefile(source)
        except OSError:
            continue
        if same:
            raise OutputIsInput(str(output), what)


def contained(
    root: Path,
    relpath: str,
    *,
    source: str,
    link_ok: Callable[[Path], bool] | None = None,
) -> Path:
    """The file ``relpath`` names under ``root``, refused unless it stays inside ``root``.

    ``relpath`` is untrusted (read from ``dvc.lock`` or git history; ``source`` says
    where, for the message). Refused with PathOutsideRepository: an absolute path, an
    empty one, one whose last part is ``.`` or ``..``, and one that resolves outside
    ``root`` through ``..`` or a symlink anywhere in it, the last part included (a
    dangling link counts where it points). ``link_ok`` may accept a last part that is a
    symlink resolving outside ``root`` (given the resolved path: a read through a link
    into the DVC cache). The result is the entry itself (parent folders resolved, the
    last part not): whether a symlink there is read through or replaced is the caller's.
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
    entry = parent / pure.name
    if not parent.is_relative_to(root_resolved):
        raise PathOutsideRepository(relpath, source, str(root_resolved))
    if entry.is_symlink():
        final = Path(os.path.realpath(entry))
        if not final.is_relative_to(root_resolved) and not (link_ok and link_ok(final)):
            raise PathOutsideRepository(relpath, source, str(root_resolved))
    return entry


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically with Unix newlines."""
    with atomic_writer(path) as handle:
        handle.write(text)


def write_bytes(path: Path, data: bytes, *, through_links: bool = True) -> None:
    """Write ``data`` to ``path`` atomically (``through_links``: see :func:`output_target`)."""
    with atomic_writer(path, "wb", through_links=through_links) as handle:
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


def require_file(path: Path, *, what: str, hint: str | None = None) -> None:
    """Nothing when ``path`` is a file; else NotAFile for a directory, FileMissing otherwise."""
    if path.is_file():
        return
    if path.is_dir():
        raise NotAFile(str(path), what=what)
    raise FileMissing(str(path), what=what, hint=hint)


def _read_text(path: Path, *, what: str, hint: str | None = None) -> str:
    """The UTF-8 text of an input file; a missing, non-file or unreadable path raises a
    ToolkitError (``hint``: the next step when it is missing)."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileMissing(str(path), what=what, hint=hint) from None
    except IsADirectoryError:
        raise NotAFile(str(path), what=what) from None
    except NotADirectoryError:
        raise NotAFile(str(path), what=what, below_a_file=True) from None
    except PermissionError:
        raise FileNotReadable(str(path), what=what) from None


def read_text(path: Path, *, what: str, hint: str | None = None) -> str:
    """The UTF-8 text of the input file ``path`` (a card, a document).

    Missing (``hint``: the next step), a directory, unreadable or not UTF-8 (binary
    data, another encoding): a ToolkitError naming ``path`` as the ``what``.
    """
    try:
        return _read_text(path, what=what, hint=hint)
    except UnicodeDecodeError as exc:
        raise TextNotUtf8(str(path), what=what, reason=exc.reason, offset=exc.start) from None


def read_yaml(path: Path, *, what: str = "YAML file") -> Any:
    """Parse a YAML file with :func:`parse_yaml`; missing or malformed files raise ToolkitErrors."""
    try:
        text = _read_text(path, what=what)
    except UnicodeDecodeError as exc:
        raise ParamsMalformed(
            str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        ) from None
    return parse_yaml(text, source=str(path))


def raise_limit(exc: Exception, source: str, *, hint: str | None = None) -> NoReturn:
    """Re-raise a parse-limit exception of :mod:`cli.core.documents` as a ToolkitError."""
    from cli.core.documents import AliasLimitExceeded, IntegerTooLong

    if isinstance(exc, AliasLimitExceeded):
        raise AliasExpansionRefused(source, exc.args[0], hint=hint) from None
    if isinstance(exc, IntegerTooLong):
        raise NumberTooLong(source, exc.args[0], hint=hint) from None
    raise DocumentTooDeep(source, exc.args[0], hint=hint) from None


def parse_yaml(text: str, *, source: str, hint: str | None = None) -> Any:
    """The one YAML reader: safe types, bounded depth and alias expansion.

    A syntax error names ``source``, line and column; a document nested too
    deeply or whose aliases expand too far (see :mod:`cli.core.documents`)
    raises DocumentTooDeep or AliasExpansionRefused. ``hint`` is the next step
    the error suggests (for a file at a past revision, which cannot be fixed
    in place).
    """
    import yaml  # on use: the registry listing never parses YAML

    from cli.core.documents import ParseLimitExceeded, load_yaml

    try:
        return load_yaml(text)
    except ParseLimitExceeded as exc:
        raise_limit(exc, source, hint=hint)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ParamsMalformed(source, f"{where}{problem}", hint=hint) from None


def parse_json(text: str, *, source: str, hint: str | None = None) -> Any:
    """The one JSON reader of untrusted documents: bounded depth, one-line errors."""
    from cli.core.documents import ParseLimitExceeded, load_json

    try:
        return load_json(text)
    except ParseLimitExceeded as exc:
        raise_limit(exc, source, hint=hint)
    except json.JSONDecodeError as exc:
        raise DataFileUnreadable(source, f"not JSON: {exc}") from None


def read_json(path: Path, *, what: str = "JSON file") -> Any:
    """Parse a JSON file with :func:`parse_json`; missing or malformed files raise ToolkitErrors."""
    try:
        text = _read_text(path, what=what)
    except UnicodeDecodeError as exc:
        raise TextNotUtf8(str(path), what=what, reason=exc.reason, offset=exc.start) from None
    return parse_json(text, source=str(path))


def read_table(path: Path, *, what: str = "data file", hint: str | None = None) -> pd.DataFrame:
    """Read a CSV, Parquet or JSON Lines file into a DataFrame, with one clear error per failure.

    JSON Lines goes through the one streaming reader (:mod:`cli.adapters.frames`), so a
    file ``mlvc schema check`` refuses is refused here with the same error.
    """
    import pandas as pd

    require_file(path, what=what, hint=hint)
    if path.stat().st_size == 0:
        raise DataFileEmpty(str(path))
    suffix = path.suffix.lower()
    try:
        if suffix in (".jsonl", ".ndjson"):
            from cli.adapters.frames import iter_frames  # it reads through this module

            chunks = list(iter_frames(path))
            frame = pd.concat(chunks, ignore_index=True) if chunks else pd.DataFrame()
        elif suffix == ".parquet":
            frame = pd.read_parquet(path)
        elif suffix == ".csv":
            from cli.adapters.tables import check_unique_columns, csv_header

            # pandas renames a repeated name ('a', 'a.1'): refused as the other readers do
            check_unique_columns(path, csv_header(path))
            frame = pd.read_csv(path, encoding="utf-8")
        else:
            raise DataFileUnreadable(
                str(path),
                f"unsupported format '{suffix}'; use .csv, .parquet or .jsonl",
                hint="rename it if it holds one of those formats, or convert it",
            )
    except pd.errors.EmptyDataError:
        raise DataFileEmpty(str(path)) from None
    except UnicodeDecodeError:
        raise DataFileNotUtf8(str(path), first_non_utf8_line(path)) from None
    except (pd.errors.ParserError, ValueError, OSError) as exc:
        raise DataFileUnreadable(str(path), str(exc).splitlines()[0]) from None
    if frame.empty:
        raise DataFileEmpty(str(path))
    return frame


def first_non_utf8_line(path: Path, *, chunk_bytes: int = 1 << 20) -> int | None:
    """The number of the first line of ``path`` that is not UTF-8 text, or None."""
    import codecs

    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 1
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_bytes):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return lines + chunk[: exc.start].count(b"\n")
            lines += chunk.count(b"\n")
    return None


def md5_file(path: Path) -> str:
    """MD5 of a file's bytes, as DVC records it in ``dvc.lock``."""
    import hashlib  # on use: loading OpenSSL would add to every command's start-up

    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def md5_bytes(data: bytes) -> str:
    """MD5 of ``data``, as DVC records it in ``dvc.lock``."""
    import hashlib

    return hashlib.md5(data, usedforsecurity=False).hexdigest()
