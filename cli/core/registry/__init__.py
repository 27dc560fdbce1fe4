"""The model registry on git tags, in GTO's grammar, and the release/promotion gates.

Tags (``gto/tag.py``): ``NAME@vX.Y.Z`` registers a version, ``NAME@vX.Y.Z!``
deregisters it, ``NAME#STAGE#N`` assigns a stage, ``NAME#STAGE!#N`` unassigns
it, ``NAME@deprecated`` deprecates the artifact. ``N`` is one counter per
artifact shared by every stage: the highest existing counter + 1. Only
annotated tags count. Pure functions: tags in, state out.

Modules: ``tags`` (the grammar), ``state`` (the fold), ``gates`` (release and promotion
gates); their public names are re-exported here. Records and states are NamedTuples:
immutable, and built from positional values without a setattr per field (a listing builds
several per tag). :class:`Version` stays a dataclass: its build metadata takes no part in
its order or equality, as SemVer says.
"""

from cli.core.registry.gates import (
    GateResult,
    MetricGate,
    check_metric_gates,
    check_promotion_order,
)
from cli.core.registry.state import (
    PRIORITY,
    HistoryEntry,
    ModelState,
    ModelVersion,
    build_history,
    build_state,
    build_states,
    in_stage_order,
    iso_time,
    version_of_stage_event,
    versions_by_commit,
)
from cli.core.registry.tags import (
    ASSIGNED_VERSION,
    DEFAULT_STAGES,
    METRIC_LINE_RE,
    SEMVER_RE,
    SHORTCUT,
    TAG_RE,
    Event,
    Shortcut,
    TagEvent,
    TagRecord,
    Version,
    parse_release_message,
    parse_shortcut,
    parse_tag,
    resolve_shortcut,
    stage_tag,
    version_order,
    version_tag,
)

__all__ = [
    "ASSIGNED_VERSION",
    "DEFAULT_STAGES",
    "METRIC_LINE_RE",
    "PRIORITY",
    "SEMVER_RE",
    "SHORTCUT",
    "TAG_RE",
    "Event",
    "GateResult",
    "HistoryEntry",
    "MetricGate",
    "ModelState",
    "ModelVersion",
    "Shortcut",
    "TagEvent",
    "TagRecord",
    "Version",
    "build_history",
    "build_state",
    "build_states",
    "check_metric_gates",
    "check_promotion_order",
    "in_stage_order",
    "iso_time",
    "parse_release_message",
    "parse_shortcut",
    "parse_tag",
    "resolve_shortcut",
    "stage_tag",
    "version_of_stage_event",
    "version_order",
    "version_tag",
    "versions_by_commit",
]
