"""Every failure the toolkit reports to a user, and the exit codes.

A leaf module: it imports nothing from the rest of ``cli``. Each subclass of
:class:`ToolkitError` is named for its failure and owns its message, which says
what went wrong, where (file, key, column, row) and what to do next.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes shared by every command."""

    OK = 0
    FINDINGS = 1  # the command ran and found violations, drift or a failed gate
    COULD_NOT_RUN = 2  # bad input, missing file, not a repository


class ToolkitError(Exception):
    """A failure caused by the user's input or environment, reported in one line."""

    exit_code: ExitCode = ExitCode.COULD_NOT_RUN

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message} ({self.hint})"


class FileMissing(ToolkitError):
    """An input file does not exist."""

    def __init__(self, path: str, *, what: str, hint: str | None = None) -> None:
        super().__init__(f"{path}: {what} not found", hint=hint)
        self.path = path


class ParamsMalformed(ToolkitError):
    """``params.yaml`` (or another YAML file) cannot be parsed."""

    def __init__(self, path: str, detail: str, *, hint: str | None = None) -> None:
        if hint is None and path.endswith("params.yaml"):
            hint = "fix the syntax, then run 'mlvc params check'"
        super().__init__(f"{path}: not valid YAML: {detail}", hint=hint or "fix the YAML syntax")


class ParamsInvalid(ToolkitError):
    """``params.yaml`` parses but breaks its JSON Schema."""

    def __init__(self, path: str, problems: list[str]) -> None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"{path}: {first}{more}",
            hint="run 'mlvc params check' for the full list",
        )
        self.problems = problems


class UndeclaredParameter(ToolkitError):
    """A stage read a parameter that ``dvc.yaml`` does not list for it.

    DVC reruns a stage only when a parameter it declares changes
    (treeverse/dvc#9500), so reading an undeclared one would let a stale
    output survive a change.
    """

    def __init__(self, key: str, stage: str, dvc_yaml: str) -> None:
        super().__init__(
            f"{dvc_yaml}: stage '{stage}' read parameter '{key}', which its 'params:' list does "
            "not declare, so DVC would not rerun it when that parameter changes",
            hint=f"add '{key}' to stages.{stage}.params in {dvc_yaml}",
        )
        self.key = key
        self.stage = stage


class UnknownStage(ToolkitError):
    """A stage name that ``dvc.yaml`` does not define."""

    def __init__(self, stage: str, dvc_yaml: str, known: list[str]) -> None:
        super().__init__(
            f"{dvc_yaml}: no stage named '{stage}'; stages are: {', '.join(known)}",
        )


class DataFileEmpty(ToolkitError):
    """A data file exists but holds no rows."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"{path}: the data file is empty (no header or no rows)",
            hint="point ingest.source in params.yaml at a file with a header and rows",
        )


class DataFileUnreadable(ToolkitError):
    """A data file cannot be parsed as its format."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"{path}: cannot read the data file: {detail}")


class MissingColumns(ToolkitError):
    """A data file lacks columns the pipeline needs."""

    def __init__(self, path: str, missing: list[str], found: list[str]) -> None:
        super().__init__(
            f"{path}: missing column(s) {', '.join(missing)}; found: {', '.join(found)}",
            hint="rename the columns, or change data.* in params.yaml to match",
        )
        self.missing = missing


class NoRowsSelected(ToolkitError):
    """A filter (such as the survey years) selected no rows."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(f"{path}: {detail}", hint="change ingest.years in params.yaml")


class UntrustedModel(ToolkitError):
    """A model archive holds types outside the trusted list."""

    def __init__(self, path: str, types: list[str]) -> None:
        super().__init__(
            f"{path}: refusing to load a model with untrusted types: {', '.join(types)}",
            hint="rebuild the model with 'dvc repro', or review and extend TRUSTED_TYPES",
        )


class PathOutsideRepository(ToolkitError):
    """A path read from git history or ``dvc.lock`` would be written outside the repository."""

    def __init__(self, path: str, source: str, root: str) -> None:
        super().__init__(
            f"{source}: refusing to write '{path}': it is absolute or resolves outside the "
            f"repository {root}; nothing was written",
            hint=f"do not restore it; review who created it with 'git show {source}'",
        )
        self.path = path


class NotAVersion(ToolkitError):
    """A registry version argument that is not SemVer."""

    def __init__(self, text: str) -> None:
        super().__init__(
            f"'{text}' is not a version; use vX.Y.Z or X.Y.Z",
            hint="e.g. v0.1.0; list the versions with 'mlvc registry'",
        )


class NotARegistryRef(ToolkitError):
    """A checkout reference outside GTO's shortcut grammar."""

    def __init__(self, text: str) -> None:
        super().__init__(
            f"'{text}' is not NAME@vX.Y.Z, NAME@latest or NAME#STAGE",
            hint="e.g. penguins-classifier@v0.1.0 or penguins-classifier#prod",
        )


class UnknownRegistryStage(ToolkitError):
    """A stage that ``release.stages`` in ``params.yaml`` does not list."""

    def __init__(self, stage: str, order: tuple[str, ...] | list[str]) -> None:
        super().__init__(
            f"unknown stage '{stage}'; stages are: {' -> '.join(order)}",
            hint="use one of them, or add it to release.stages in params.yaml",
        )


class StageUnassigned(ToolkitError):
    """A known stage that holds no version of the model."""

    def __init__(self, name: str, stage: str) -> None:
        super().__init__(
            f"stage '{stage}' of {name} holds no version",
            hint=f"promote one with 'mlvc promote {name} VERSION {stage}', or see 'mlvc registry'",
        )


class TagExists(ToolkitError):
    """A registry tag already exists locally (another command created it first)."""

    def __init__(self, tag: str) -> None:
        super().__init__(
            f"tag '{tag}' already exists in this repository",
            hint="another mlvc command created it; run 'mlvc registry' and try again",
        )


class TagOnRemote(ToolkitError):
    """The remote already holds a tag of that name."""

    def __init__(self, tag: str, remote: str) -> None:
        super().__init__(
            f"tag '{tag}' already exists on remote '{remote}'",
            hint=f"fetch the remote's registry with 'git fetch {remote} --tags', then run the "
            "command again (the next version or counter follows the remote's tags)",
        )


class RemoteUnreachable(ToolkitError):
    """``git push`` could not reach the remote, or the remote refused the push."""

    def __init__(self, remote: str, url: str, reason: str) -> None:
        super().__init__(
            f"cannot reach remote '{remote}' ({url}): {reason}",
            hint="check 'git remote -v' and your network, then run the command again",
        )


class PushRejected(ToolkitError):
    """The remote received the push and refused the tag (a hook or a protection rule)."""

    def __init__(self, tag: str, remote: str, reason: str) -> None:
        super().__init__(
            f"remote '{remote}' rejected tag '{tag}': {reason}",
            hint="ask the remote's owner about its hooks or tag protection rules",
        )


class PublishInterrupted(ToolkitError):
    """A signal stopped ``--push``; the local tag was removed so a rerun starts clean.

    The exit code is the shell's for that signal: 128 + its number (130 for SIGINT,
    143 for SIGTERM, 129 for SIGHUP).
    """

    def __init__(self, tag: str, signal_name: str, signum: int, *, pushing: bool) -> None:
        tail = (
            f"the git push was stopped; check 'git ls-remote --tags' for '{tag}'"
            if pushing
            else "no tag was published"
        )
        super().__init__(f"interrupted by {signal_name}: local tag '{tag}' removed; {tail}")
        self.exit_code = 128 + signum  # type: ignore[assignment]


class CommandInterrupted(ToolkitError):
    """A signal stopped a registry command before it changed anything it could not undo."""

    def __init__(self, signal_name: str, signum: int) -> None:
        super().__init__(
            f"interrupted by {signal_name}",
            hint="run 'mlvc registry' to see what was recorded, then run the command again",
        )
        self.exit_code = 128 + signum  # type: ignore[assignment]


class Interrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP, raised in the main thread by the CLI's signal handlers."""

    def __init__(self, signum: int, name: str) -> None:
        super().__init__(name)
        self.signum = signum
        self.name = name


class NotReproducible(ToolkitError):
    """A pipeline rerun in a clean clone produced different output hashes."""

    exit_code = ExitCode.FINDINGS


class StaleMetrics(ToolkitError):
    """Metrics were computed from a different model than the one in the workspace."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"metrics are out of date: {detail}",
            hint="run 'dvc repro evaluate' (or 'dvc repro'), then build the card again",
        )


class DocumentInvalid(ToolkitError):
    """A YAML or JSON document parses but breaks its schema."""

    def __init__(self, path: str, problem: str, *, hint: str | None = None) -> None:
        super().__init__(f"{path}: {problem}", hint=hint)


class SchemaInvalid(ToolkitError):
    """A file meant to be a JSON Schema is not valid JSON, or breaks the metaschema."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(
            f"{path}: not a valid JSON Schema: {detail}",
            hint="fix it, or regenerate one with 'mlvc schema infer DATA -o SCHEMA'",
        )


class SchemaViolations(ToolkitError):
    """Data broke its schema (a finding, exit 1)."""

    exit_code = ExitCode.FINDINGS


class CommandFailed(ToolkitError):
    """An external command (git, dvc) exited non-zero."""

    def __init__(self, argv: list[str], returncode: int, stderr: str) -> None:
        super().__init__(f"'{' '.join(argv)}' exited {returncode}: {_reason(stderr)}")


def _reason(stderr: str) -> str:
    """The line that says why: DVC's last ``ERROR`` line, never its closing support banner."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    useful = [line for line in lines if not line.startswith("Having any troubles?")]
    return (errors or useful or ["no output"])[-1]
