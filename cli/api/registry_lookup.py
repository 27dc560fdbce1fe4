"""What the registry's reads and writes look up before they act: the release policy
(``params.yaml``'s ``release:`` section), a stage's place in its order, and a model's state
folded from its tags.

Shared by :mod:`cli.api.registry` (the reads), :mod:`cli.api.release` (the writes) and
:mod:`cli.api.models` (``resolve_model``). Not a feature: ``cli.api`` re-exports none of it.
Each feature module imports it inside the functions that use it, so ``mlvc registry``'s
listing, which needs none of it for the default stages, does not load it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cli import paths
from cli.adapters import git
from cli.core.registry import DEFAULT_STAGES, ModelState, build_state
from cli.errors import UnknownRegistryStage

if TYPE_CHECKING:
    from cli.params import ReleaseParams


def release_policy(repo: Path) -> ReleaseParams:
    """The ``release:`` section of ``repo``'s ``params.yaml``: stage order, release and
    promotion gates (validated; ParamsInvalid or a missing-file error when it is not)."""
    from cli.params import load_params

    return load_params(repo / paths.PARAMS).release


def stage_order(policy: ReleaseParams, stage: str) -> tuple[str, ...]:
    """The policy's stage order; UnknownRegistryStage (exit 2) when ``stage`` is not in it."""
    order = tuple(policy.stages) or DEFAULT_STAGES
    if stage not in order:
        raise UnknownRegistryStage(stage, order)
    return order


def model_state(repo: Path, name: str) -> ModelState:
    """``name``'s versions and stages, folded from the repository's annotated tags."""
    return build_state(name, git.annotated_tags(repo))
