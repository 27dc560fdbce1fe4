"""Frozen result objects returned by ``cli.api`` and rendered by ``cli.render``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cli.core.card import CardProblem
    from cli.core.params_check import ParamProblem
    from cli.core.schema_check import TableRule, Violation


@dataclass(frozen=True)
class ParamsReport:
    """Outcome of checking a params file against its JSON Schema."""

    path: str
    problems: tuple[ParamProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class OutputCheck:
    """One pipeline output: the md5 ``dvc.lock`` records and the md5 a clean rerun produced."""

    stage: str
    path: str
    expected: str
    actual: str | None

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


@dataclass(frozen=True)
class ReproReport:
    """Outcome of rerunning the pipeline in a clean clone and comparing output hashes."""

    outputs: tuple[OutputCheck, ...]
    workdir: str | None  # kept clone, when asked for

    @property
    def ok(self) -> bool:
        return bool(self.outputs) and all(o.ok for o in self.outputs)


@dataclass(frozen=True)
class CardBuild:
    """A model card written to disk."""

    path: str
    model: str
    flagged_gaps: tuple[str, ...]  # "f1_macro by island (0.123)" for gaps over the threshold
    small_slices: tuple[str, ...]  # "island=Torgersen (n=11)"

    @property
    def ok(self) -> bool:
        return True


@dataclass(frozen=True)
class CardReport:
    """Outcome of checking a model card: front matter against the schema, required sections."""

    path: str
    problems: tuple[CardProblem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class SchemaReport:
    """Outcome of checking a data file against a row schema."""

    data: str
    schema: str
    rows: int
    failing_rows: int
    missing_columns: tuple[str, ...]  # required by the schema, absent from the file
    unexpected_columns: tuple[str, ...]  # present in the file, refused by additionalProperties
    violations: tuple[Violation, ...]
    table_rules: tuple[TableRule, ...]

    @property
    def ok(self) -> bool:
        return self.failing_rows == 0 and all(rule.ok for rule in self.table_rules)


@dataclass(frozen=True)
class SchemaInferred:
    """A schema inferred from a data file and written to disk."""

    data: str
    schema: str
    rows: int
    columns: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return True


@dataclass(frozen=True)
class Gate:
    """One release or promotion gate and its outcome."""

    gate: str
    ok: bool
    detail: str


@dataclass(frozen=True)
class Release:
    """Outcome of ``mlvc release``: the tag (created, pushed, or only planned) and its gates."""

    model: str
    version: str
    tag: str
    commit: str
    gates: tuple[Gate, ...]
    created: bool
    pushed: bool
    dry_run: bool
    remote: str | None

    @property
    def ok(self) -> bool:
        return all(g.ok for g in self.gates)


@dataclass(frozen=True)
class Promotion:
    """Outcome of ``mlvc promote`` / ``mlvc rollback``: a stage assignment tag."""

    model: str
    version: str
    stage: str
    tag: str
    previous: str | None  # version the stage pointed at before
    gates: tuple[Gate, ...]
    created: bool
    pushed: bool
    dry_run: bool
    unchanged: bool = False  # the stage already held the version: nothing to do

    @property
    def ok(self) -> bool:
        return all(g.ok for g in self.gates)


@dataclass(frozen=True)
class RegistryVersion:
    """One version row of the registry view."""

    version: str
    commit: str
    created: int
    stages: tuple[str, ...]
    active: bool
    metrics: dict[str, float]


@dataclass(frozen=True)
class RegistryModel:
    """One model of the registry view."""

    name: str
    latest: str | None
    stages: dict[str, str]
    versions: tuple[RegistryVersion, ...]


@dataclass(frozen=True)
class RegistryView:
    """Every model, its versions, stages and key metrics."""

    models: tuple[RegistryModel, ...]

    @property
    def ok(self) -> bool:
        return True


@dataclass(frozen=True)
class HistoryEvent:
    """One registry event (``gto history``'s fields): ISO 8601 time, event, version, stage."""

    timestamp: str
    event: str
    version: str | None
    stage: str | None
    commit: str
    tag: str


@dataclass(frozen=True)
class RegistryHistory:
    """Every registration, assignment and unassignment of a model, newest first."""

    model: str
    stage: str | None  # the stage the events were filtered to, if any
    events: tuple[HistoryEvent, ...]

    @property
    def ok(self) -> bool:
        return True


@dataclass(frozen=True)
class CheckoutResult:
    """Files restored into the workspace for a model version, with verified hashes."""

    model: str
    version: str
    files: tuple[tuple[str, str], ...]  # (path, md5)

    @property
    def ok(self) -> bool:
        return True
