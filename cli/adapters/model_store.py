"""Saving and loading models with skops: no pickle, byte-identical archives.

skops writes each zip member with the current time, names arrays after
``id(obj)`` or a random UUID, and records ``id(obj)`` memo keys, so two saves
of the same model differ. We rewrite the archive canonically: members renamed
after the SHA-256 of their content, sorted, with a fixed timestamp; memo keys
renumbered in order of appearance; references in ``schema.json`` updated.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cli.adapters.files import require_file, write_bytes
from cli.errors import (
    ModelArchiveInvalid,
    ModelArchiveTooLarge,
    UntrustedModel,
)

# Types a model archive may hold beyond skops' defaults. Extend only after review.
TRUSTED_TYPES: tuple[str, ...] = (
    "builtins.NoneType",
    "cli.core.calendar.CalendarParts",
    "cli.core.categories.CategoriesAsText",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.ensemble._forest.RandomForestClassifier",
    "sklearn.ensemble._forest.RandomForestRegressor",
    "sklearn.impute._base.SimpleImputer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.linear_model._ridge.Ridge",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.preprocessing._encoders.OneHotEncoder",
    "sklearn.tree._classes.DecisionTreeClassifier",
    "sklearn.tree._classes.DecisionTreeRegressor",
    "sklearn.tree._tree.Tree",
)

# Caps on an archive's declared contents, checked on its central directory before
# skops reads a member: a model of this pipeline is far below both.
MAX_ARCHIVE_BYTES = 2 << 30
"""Most uncompressed bytes (sum of the members' declared sizes) a model archive may hold."""
MAX_ARCHIVE_MEMBERS = 10_000
"""Most members a model archive may hold."""

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
_SCHEMA = "schema.json"


def _canonical_schema(node: Any, names: dict[str, str], ids: dict[int, int]) -> Any:
    """Rename member references and renumber ``__id__`` memo keys in order of appearance.

    skops records ``id(obj)`` so that shared objects are restored once; the
    numbering only has to keep equal ids equal, so first-seen order suffices.
    """
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key == "file" and isinstance(value, str):
                out[key] = names.get(value, value)
            elif key == "__id__" and isinstance(value, int):
                out[key] = ids.setdefault(value, len(ids) + 1)
            else:
                out[key] = _canonical_schema(value, names, ids)
        return out
    if isinstance(node, list):
        return [_canonical_schema(item, names, ids) for item in node]
    return node


def canonicalize_archive(data: bytes) -> bytes:
    """Rewrite a skops archive so that equal models give equal bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        members = {name: source.read(name) for name in source.namelist()}
    schema = json.loads(members.pop(_SCHEMA))
    names = {
        old: hashlib.sha256(content).hexdigest()[:24] + Path(old).suffix
        for old, content in members.items()
    }
    renamed = {names[old]: content for old, content in members.items()}
    renamed[_SCHEMA] = json.dumps(_canonical_schema(schema, names, {}), indent=2).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as target:
        for name in sorted(renamed):
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, renamed[name], compresslevel=6)
    return out.getvalue()


def save_model(model: Any, path: Path) -> None:
    """Save ``model`` with skops as a byte-stable archive, atomically."""
    import skops.io as sio

    write_bytes(path, canonicalize_archive(sio.dumps(model)))


def check_archive(path: Path) -> None:
    """Refuse a model file that is not a skops zip archive, or that declares too much.

    Reads only the zip's central directory and ``schema.json``: the member
    count and the sum of the declared uncompressed sizes are compared with
    MAX_ARCHIVE_MEMBERS and MAX_ARCHIVE_BYTES before any member is inflated.
    (zipfile never returns more bytes than a member declares, so the declared
    sizes bound what loading can allocate.)
    """
    from cli.adapters.files import raise_limit
    from cli.core.documents import ParseLimitExceeded, load_json

    if path.stat().st_size == 0:
        raise ModelArchiveInvalid(str(path), "the file is empty")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ARCHIVE_MEMBERS:
                raise ModelArchiveTooLarge(
                    str(path), f"{len(infos):,} members (limit {MAX_ARCHIVE_MEMBERS:,})"
                )
            total = sum(info.file_size for info in infos)
            if total > MAX_ARCHIVE_BYTES:
                raise ModelArchiveTooLarge(
                    str(path),
                    f"members declare {total:,} bytes uncompressed (limit {MAX_ARCHIVE_BYTES:,})",
                )
            if _SCHEMA not in archive.namelist():
                raise ModelArchiveInvalid(str(path), f"no {_SCHEMA} member (not a skops file)")
            schema = load_json(archive.read(_SCHEMA).decode("utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ModelArchiveInvalid(str(path), f"{_SCHEMA} is not JSON text: {exc}") from None
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ModelArchiveInvalid(str(path), str(exc) or type(exc).__name__) from None
    except ParseLimitExceeded as exc:
        raise_limit(exc, f"{path}:{_SCHEMA}", hint="rebuild it with 'dvc repro'")
    _check_schema_shape(path, schema)


def _check_schema_shape(path: Path, schema: Any) -> None:
    """Refuse a ``schema.json`` that is not an object with an integer ``protocol``.

    skops indexes the top of ``schema.json`` as a mapping and picks its loaders
    by ``protocol`` before any type is checked, so any other shape must stop here.
    """
    if not isinstance(schema, dict):
        raise ModelArchiveInvalid(
            str(path), f"{_SCHEMA} is a JSON {_json_kind(schema)}, not an object"
        )
    protocol = schema.get("protocol")
    if not isinstance(protocol, int) or isinstance(protocol, bool):
        raise ModelArchiveInvalid(
            str(path), f"{_SCHEMA} has no integer 'protocol' (found {protocol!r})"
        )


def _json_kind(value: Any) -> str:
    """The JSON name of a parsed value's type."""
    kinds = ((bool, "boolean"), (list, "array"), (str, "string"), ((int, float), "number"))
    return next((name for kind, name in kinds if isinstance(value, kind)), "null")


@contextmanager
def _damaged_as_invalid(path: Path) -> Iterator[None]:
    """Whatever skops raises on a damaged or malformed archive becomes ModelArchiveInvalid.

    A member whose bytes do not inflate (or end early), and a ``schema.json`` whose
    nodes lack the keys or types skops expects, are the archive's fault, not a bug
    here. (Untrusted types are refused before loading, by ``untrusted_types``.)
    """
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise ModelArchiveInvalid(str(path), str(exc) or type(exc).__name__) from None
    except (TypeError, KeyError, AttributeError, ValueError) as exc:
        detail = f"skops cannot read it: {type(exc).__name__}: {exc}"
        raise ModelArchiveInvalid(str(path), detail.splitlines()[0]) from None


def untrusted_types(path: Path) -> list[str]:
    """Types in the archive at ``path`` that neither skops nor TRUSTED_TYPES trust."""
    import skops.io as sio

    check_archive(path)
    with _damaged_as_invalid(path):
        found = sio.get_untrusted_types(file=path)
    return sorted(set(found) - set(TRUSTED_TYPES))


def load_model(path: Path) -> Any:
    """Load a skops model: archive caps first, then refusing any type outside the trusted list."""
    import skops.io as sio

    require_file(path, what="model file", hint="run 'dvc repro' to build it")
    unknown = untrusted_types(path)
    if unknown:
        raise UntrustedModel(str(path), unknown)
    with _damaged_as_invalid(path):
        return sio.load(path, trusted=list(TRUSTED_TYPES))
