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
from pathlib import Path
from typing import Any

from cli.adapters.files import require_file, write_bytes
from cli.errors import UntrustedModel

# Types a model archive may hold beyond skops' defaults. Extend only after review.
TRUSTED_TYPES: tuple[str, ...] = (
    "builtins.NoneType",
    "numpy.dtype",
    "numpy.float64",
    "numpy.int64",
    "numpy.ndarray",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.ensemble._forest.RandomForestClassifier",
    "sklearn.impute._base.SimpleImputer",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.preprocessing._encoders.OneHotEncoder",
    "sklearn.tree._classes.DecisionTreeClassifier",
    "sklearn.tree._tree.Tree",
)

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


def untrusted_types(path: Path) -> list[str]:
    """Types in the archive at ``path`` that neither skops nor TRUSTED_TYPES trust."""
    import skops.io as sio

    return sorted(set(sio.get_untrusted_types(file=path)) - set(TRUSTED_TYPES))


def load_model(path: Path) -> Any:
    """Load a skops model, refusing any type outside the trusted list."""
    import skops.io as sio

    require_file(path, what="model file", hint="run 'dvc repro' to build it")
    unknown = untrusted_types(path)
    if unknown:
        raise UntrustedModel(str(path), unknown)
    return sio.load(path, trusted=list(TRUSTED_TYPES))
