"""What the pipeline's stages read and write: their params section, inputs and declared outputs.

Stages reach files, models and ``params.yaml`` only through this module (the stage rule
in ``docs/architecture.md``), so a stage and a command read and write files the same
way (atomic writes, one error per failure). The params loader and the model store are
imported on use: the loader loads YAML and jsonschema, which ``import cli.api`` must not,
and a stage that touches no model does not depend on the model store's code.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import paths
from cli.adapters import files
from cli.adapters.files import md5_file, read_table, write_csv, write_json, write_text

if TYPE_CHECKING:
    from cli.params import Params as Params

__all__ = [
    "load_model",
    "load_stage_params",
    "md5_file",
    "read_json",
    "read_table",
    "save_model",
    "write_csv",
    "write_json",
    "write_text",
]


def load_stage_params(
    stage: str, *, path: Path = paths.PARAMS, dvc_yaml: Path = paths.DVC_YAML
) -> Params:
    """The params ``stage`` declares in ``dvc.yaml``, validated (``cli.params``' loader)."""
    from cli.params import load_stage_params as load

    return load(stage, path=path, dvc_yaml=dvc_yaml)


def read_json(path: Path, *, what: str, hint: str | None = None) -> Any:
    """A JSON file another stage wrote; missing, it is named with ``hint`` (the stage to run)."""
    files.require_file(path, what=what, hint=hint)
    return files.read_json(path, what=what)


def load_model(path: Path) -> Any:
    """A skops model, refusing untrusted types (:func:`cli.adapters.model_store.load_model`)."""
    from cli.adapters.model_store import load_model as load

    return load(path)


def save_model(model: Any, path: Path) -> None:
    """Save ``model`` as a byte-stable skops archive, atomically."""
    from cli.adapters.model_store import save_model as save

    save(model, path)
