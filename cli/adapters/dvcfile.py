"""Reading the pipeline definition (``dvc.yaml``) without importing DVC."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cli import paths
from cli.adapters.files import read_yaml
from cli.errors import ParamsMalformed, UnknownStage


def read_stages(dvc_yaml: Path = paths.DVC_YAML) -> dict[str, dict[str, Any]]:
    """The ``stages:`` mapping of ``dvc.yaml``."""
    document = read_yaml(dvc_yaml, what="pipeline file")
    stages = document.get("stages") if isinstance(document, dict) else None
    if not isinstance(stages, dict):
        raise ParamsMalformed(str(dvc_yaml), "no 'stages:' mapping")
    return stages


def declared_params(stage: str, dvc_yaml: Path = paths.DVC_YAML) -> frozenset[str]:
    """The ``params.yaml`` keys that ``dvc.yaml`` declares for ``stage``.

    Entries may be plain keys (``train.seed``), whole sections (``train``) or
    ``{file: [keys]}`` mappings; only keys of the default ``params.yaml`` count.
    """
    stages = read_stages(dvc_yaml)
    if stage not in stages:
        raise UnknownStage(stage, str(dvc_yaml), sorted(stages))
    keys: set[str] = set()
    for entry in stages[stage].get("params", []) or []:
        if isinstance(entry, str):
            keys.add(entry)
        elif isinstance(entry, dict):
            for file, file_keys in entry.items():
                if Path(file).name == paths.PARAMS.name:
                    keys.update(file_keys or [])
    return frozenset(keys)


def artifacts(dvc_yaml: Path = paths.DVC_YAML) -> dict[str, dict[str, Any]]:
    """The ``artifacts:`` block of ``dvc.yaml`` (model name → path and type)."""
    document = read_yaml(dvc_yaml, what="pipeline file")
    block = document.get("artifacts") if isinstance(document, dict) else None
    return block if isinstance(block, dict) else {}
