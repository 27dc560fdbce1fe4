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


class SchemaTooDeep(ToolkitError):
    """A schema file nests arrays and objects deeper than any row schema needs."""

    def __init__(self, path: str, limit: int) -> None:
        super().__init__(
            f"{path}: nested too deeply (more than {limit} levels of arrays and objects)",
            hint="a row schema needs a few levels: flatten it, or share parts through $defs",
        )


class SchemaRefRefused(ToolkitError):
    """A ``$ref`` points outside the schema document (the network or another file)."""

    def __init__(self, path: str, ref: str, pointer: str, *, kind: str) -> None:
        super().__init__(
            f"{kind} $ref '{ref}' is not allowed in {path} at {pointer}; "
            "only references inside the schema document are resolved",
            hint="copy the referenced schema under $defs and refer to it as '#/$defs/NAME'",
        )
        self.ref = ref


class SchemaRefUnresolvable(ToolkitError):
    """A ``$ref`` that checking reached points at nothing inside the schema document."""

    def __init__(self, path: str, ref: str, pointer: str | None = None) -> None:
        where = f" at {pointer}" if pointer else ""
        super().__init__(
            f"{path}: $ref '{ref}'{where} does not resolve inside the schema document",
            hint="point it at a schema of this document, e.g. '#/$defs/NAME'",
        )


class SchemaRefLoop(ToolkitError):
    """Checking a value recursed past Python's limit: a ``$ref`` cycle in the schema, or
    a value nested deeper than the schema's recursion can follow."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"{path}: checking a value recursed without end (a $ref cycle, or a value "
            "nested too deeply for the schema)",
            hint="make every $ref chain reach a schema that constrains the value",
        )


class TableRulesInvalid(ToolkitError):
    """A schema's ``x-mlvc`` table rules break ``cli/schemas/x-mlvc.schema.json``."""

    def __init__(self, path: str, problems: list[str], *, rules_schema: str) -> None:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"{path}: {problems[0]}{more}",
            hint=f"x-mlvc takes min_rows (integer >= 0), unique (list of columns) and "
            f"max_null_share (column -> share from 0 to 1), as {rules_schema} says",
        )
        self.problems = problems


class PatternTooSlow(ToolkitError):
    """A ``pattern`` took longer than its time budget on the data (catastrophic backtracking)."""

    def __init__(self, path: str, pattern: str, column: str, seconds: float) -> None:
        where = "the row schema" if column == "(row)" else f"column '{column}'"
        super().__init__(
            f"{path}: pattern {pattern!r} of {where} took more than {seconds:.3g} s on the "
            "data (catastrophic backtracking); the check stopped",
            hint="rewrite the pattern without nested quantifiers, e.g. '^a+$' for '^(a+)+$'",
        )
        self.pattern = pattern
        self.column = column


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
