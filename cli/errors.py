"""Every failure the toolkit reports to a user, and the exit codes.

A leaf module: it imports nothing from the rest of ``cli``. Each subclass of
:class:`ToolkitError` is named for its failure and owns its message, which says
what went wrong, where (file, key, column, row) and what to do next.

Over 400 lines for a reason: every failure is defined here and only here, each next to
its relatives (files, params, tables, models, registry, schemas, outputs), so one module
answers which failures the toolkit reports and how each is worded.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from enum import IntEnum
from typing import Any, ClassVar


class ExitCode(IntEnum):
    """Process exit codes shared by every command."""

    OK = 0
    FINDINGS = 1  # the command ran and found violations, drift or a failed gate
    COULD_NOT_RUN = 2  # bad input, missing file, not a repository


class ToolkitError(Exception):
    """A failure caused by the user's input or environment, reported in one line."""

    exit_code: int = ExitCode.COULD_NOT_RUN  # an ExitCode, or 128 + a signal's number

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if self.hint is None else f"{self.message} ({self.hint})"


# The most names a message lists (columns of a wide table, versions of a long history)
# before "and N more": a message stays one readable line.
LISTED_NAMES = 12


def listed(names: list[str] | tuple[str, ...], shown: int = LISTED_NAMES) -> str:
    """``a, b, c and 7 more``: the first ``shown`` names and the count of the rest."""
    rest = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {rest} more" if rest > 0 else "")


# The next step for a missing file of the project, by the ``what`` that names it; any
# other missing file: check the path.
_MISSING_HINTS = {
    "parameters file": "run mlvc inside the project (the folder that holds params.yaml "
    "and dvc.yaml)",
    "pipeline file": "run mlvc inside the project (the folder that holds params.yaml and dvc.yaml)",
    "card text file": "restore it with 'git checkout -- models/card.yaml', or write one with "
    "'mlvc init'",
}


class FileMissing(ToolkitError):
    """An input file does not exist."""

    def __init__(self, path: str, *, what: str, hint: str | None = None) -> None:
        if path == "-":  # meant as standard input, which no input of mlvc is read from
            hint = f"the {what} is read from a file, not standard input: pass its path"
        hint = hint or _MISSING_HINTS.get(what, "check the path (is it spelled right?)")
        super().__init__(f"{path}: {what} not found", hint=hint)
        self.path = path


class NotAFile(ToolkitError):
    """An input path names a directory, or lies below something that is not a directory.

    Reported as such, never as "not found".
    """

    def __init__(self, path: str, *, what: str, below_a_file: bool = False) -> None:
        if below_a_file:
            detail = f"cannot be a {what}: a folder in its path is a file"
            hint = "pass the path of a file"
        else:
            detail = f"is a directory, not a {what}"
            hint = "give the path of a file (one inside that directory?)"
        super().__init__(f"{path}: {detail}", hint=hint)
        self.path = path


class FileNotReadable(ToolkitError):
    """An input file exists but this process may not read it (its permissions)."""

    def __init__(self, path: str, *, what: str) -> None:
        super().__init__(
            f"{path}: cannot read the {what}: permission denied",
            hint=f"check its permissions with 'ls -l {path}' (or run as its owner)",
        )
        self.path = path


class TextNotUtf8(ToolkitError):
    """A text input (a card, a YAML or JSON file) is not UTF-8: binary data, or another encoding."""

    def __init__(self, path: str, *, what: str, reason: str, offset: int) -> None:
        super().__init__(
            f"{path}: the {what} is not UTF-8 text ({reason} at byte {offset})",
            hint=f"pass the {what} itself, saved as UTF-8",
        )
        self.path = path


class ParamsMalformed(ToolkitError):
    """``params.yaml`` (or another YAML file) cannot be parsed."""

    def __init__(self, path: str, detail: str, *, hint: str | None = None) -> None:
        if hint is None and path.endswith("params.yaml"):
            hint = "fix the syntax, then run 'mlvc params check'"
        super().__init__(f"{path}: not valid YAML: {detail}", hint=hint or "fix the YAML syntax")


class DocumentTooDeep(ToolkitError):
    """A YAML or JSON document nests deeper than the parser allows (or an alias contains itself)."""

    def __init__(self, path: str, detail: str, *, hint: str | None = None) -> None:
        super().__init__(
            f"{path}: {detail}", hint=hint or "flatten the document; no input of mlvc nests so deep"
        )


class NumberTooLong(ToolkitError):
    """A JSON or YAML document holds an integer with more digits than Python converts."""

    def __init__(self, path: str, detail: str, *, hint: str | None = None) -> None:
        super().__init__(
            f"{path}: {detail}",
            hint=hint or "write the value with fewer digits, or as a string if it is an identifier",
        )


class CellNumberTooLong(ToolkitError):
    """A numeric data cell is an integer with more digits than Python converts to an int."""

    def __init__(self, path: str, column: str, row: int, digits: int) -> None:
        super().__init__(
            f"{path}: column '{column}', row {row}: a number with {digits:,} digits (more than "
            f"{sys.get_int_max_str_digits():,}, Python's limit for an integer); the check stopped",
            hint="fix the cell: a numeric cell is checked as a JSON number, and this one "
            "cannot be converted",
        )
        self.column = column
        self.row = row


class AliasExpansionRefused(ToolkitError):
    """YAML aliases would expand a document past the node budget ('billion laughs')."""

    def __init__(self, path: str, detail: str, *, hint: str | None = None) -> None:
        super().__init__(
            f"{path}: {detail}", hint=hint or "write the values out instead of nesting aliases"
        )


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


class EstimatorTaskMismatch(ToolkitError):
    """``train.estimator`` names an estimator that does not fit ``data.task``."""

    def __init__(self, estimator: str, task: str, allowed: list[str]) -> None:
        super().__init__(
            f"params.yaml: train.estimator '{estimator}' does not fit data.task '{task}'; "
            f"a {task} task takes {' or '.join(allowed)}",
            hint=f"set train.estimator to one of {', '.join(allowed)}, or change data.task",
        )
        self.estimator = estimator
        self.task = task


class NoModelArtifact(ToolkitError):
    """``dvc.yaml`` declares no artifact of type ``model``: the registry has nothing to version."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"{path}: no artifact of type 'model'",
            hint="declare the model under 'artifacts:' with 'type: model' (as 'mlvc init' does)",
        )
        self.path = path


class UnknownModelName(ToolkitError):
    """A model name that ``dvc.yaml``'s ``artifacts:`` block does not declare."""

    def __init__(self, path: str, name: str, known: list[str]) -> None:
        super().__init__(
            f"{path}: no model named '{name}'; models: {', '.join(known)}",
            hint="use one of those names, as dvc.yaml's artifacts: block spells them",
        )
        self.name = name


class UnknownStage(ToolkitError):
    """A stage name that ``dvc.yaml`` does not define."""

    def __init__(self, stage: str, dvc_yaml: str, known: list[str]) -> None:
        super().__init__(
            f"{dvc_yaml}: no stage named '{stage}'; stages are: {', '.join(known)}",
        )


class DataFileEmpty(ToolkitError):
    """A data file exists but holds no rows.

    The default hint names no params key: only the caller that took the path from
    params.yaml (the ingest stage) knows which key to change, and passes that hint.
    """

    def __init__(self, path: str, *, hint: str | None = None) -> None:
        super().__init__(
            f"{path}: the data file is empty (no header or no rows)",
            hint=hint or "give a file with a header and at least one row",
        )


class DriftDataEmpty(DataFileEmpty):
    """A reference or current file with no rows (or no header)."""

    def __init__(self, path: str, role: str) -> None:
        ToolkitError.__init__(
            self,
            f"{path}: the {role} data file is empty (no header or no rows)",
            hint=f"pass a {role} file with a header and at least one row",
        )


class DataFileUnreadable(ToolkitError):
    """A data file cannot be parsed as its format.

    The next step, unless a subclass or the caller knows a better one: make the contents
    match the suffix, which alone decides how the file is read.
    """

    def __init__(self, path: str, detail: str, *, hint: str | None = None) -> None:
        super().__init__(
            f"{path}: cannot read the data file: {detail.rstrip('.')}",
            hint=hint
            or "check that the file is what its suffix says: .csv is UTF-8 text with a "
            "header line, .parquet a Parquet file, .jsonl one JSON object per line",
        )


class DataFileNotUtf8(DataFileUnreadable):
    """A text data file (CSV, JSON Lines) holds bytes that are not UTF-8."""

    def __init__(self, path: str, line: int | None) -> None:
        where = f" (line {line})" if line is not None else ""
        super().__init__(path, f"not UTF-8 text{where}")
        self.hint = (
            "save it as UTF-8, e.g. 'iconv -f latin1 -t utf-8 FILE > NEW.csv' "
            "(latin1: the encoding it was written in)"
        )
        self.line = line


class DuplicateColumns(DataFileUnreadable):
    """A table's header names a column more than once."""

    def __init__(self, path: str, names: list[str]) -> None:
        super().__init__(path, f"duplicate column name(s): {', '.join(names)}")
        self.hint = "rename the repeated columns in the file's header so each name is unique"
        self.names = names


class CsvNotCommaSeparated(DataFileUnreadable):
    """A CSV file whose header is one name holding another separator (``;``, tab, ``|``)."""

    NAMES: ClassVar[dict[str, str]] = {";": "semicolon", "\t": "tab", "|": "pipe"}

    def __init__(self, path: str, separator: str, header: str) -> None:
        shown = header if len(header) <= 60 else header[:57] + "..."
        super().__init__(
            path,
            f"one column, named {shown!r}: the values look {self.NAMES[separator]}-separated",
        )
        self.hint = (
            "write the file with commas between values and '.' as the decimal mark, e.g. "
            f"python -c \"import pandas as pd; pd.read_csv('FILE', sep={separator!r}, "
            "decimal=',').to_csv('NEW.csv', index=False)\""
        )


class RowWidthMismatch(DataFileUnreadable):
    """A CSV row with more or fewer cells than the header has names."""

    def __init__(self, path: str, row: int | None, cells: int, expected: int) -> None:
        where = f"row {row}" if row is not None else "a row"
        super().__init__(path, f"{where} has {cells} cell(s) where the header has {expected}")
        self.hint = "fix that row: a missing or extra comma, or a comma in an unquoted cell"
        self.row = row


class UnclosedQuote(DataFileUnreadable):
    """A quoted CSV cell that is still open at the end of the file."""

    def __init__(self, path: str, line: int) -> None:
        super().__init__(
            path, f"line {line}: a quoted cell opens here and is not closed by the end of the file"
        )
        self.hint = 'close the quote; a quote inside a quoted cell is written twice ("")'
        self.line = line


class RowTooLarge(DataFileUnreadable):
    """A CSV row longer than the reader's range: almost surely a broken quote or a binary blob."""

    def __init__(self, path: str, line: int, limit_mib: int) -> None:
        super().__init__(
            path,
            f"line {line}: a row larger than {limit_mib} MiB starts here (a huge cell or an "
            "unclosed quote?)",
        )
        self.hint = f"rows may be up to {limit_mib} MiB: check the quotes on that line"
        self.line = line


class CellTooLarge(DataFileUnreadable):
    """A cell over the size limit: almost surely a broken quote or a binary blob."""

    def __init__(self, path: str, row: int, column: str, size: int, limit_mib: int) -> None:
        super().__init__(
            path,
            f"row {row}, column '{column}': a cell of {size / (1 << 20):.1f} MiB, over the "
            f"{limit_mib} MiB limit (an unclosed quote?)",
        )
        self.hint = f"cells may be up to {limit_mib} MiB: check the quotes before that cell"
        self.row = row


class RecordNotObject(DataFileUnreadable):
    """A JSON Lines line that is valid JSON but not an object (one row is one object)."""

    def __init__(self, path: str, line: int, kind: str) -> None:
        super().__init__(path, f"line {line}: a JSON {kind}, not a JSON object")
        self.hint = 'each line must be one row as an object, e.g. {"a": 1, "b": "x"}'
        self.line = line


class MissingColumns(ToolkitError):
    """A data file lacks columns the pipeline needs.

    ``keys`` maps a column to the params.yaml key that names it (``evaluate.slices[1]``);
    a column without one is named by a feature list or the target, ``data.*``.
    """

    def __init__(
        self,
        path: str,
        missing: list[str],
        found: list[str],
        keys: Mapping[str, str] | None = None,
    ) -> None:
        named = sorted({(keys or {}).get(column, "data.*") for column in missing})
        super().__init__(
            f"{path}: missing column(s) {listed(missing)}; found: {listed(found)}",
            hint=f"change {', '.join(named)} in params.yaml to name existing columns, or "
            "rename the columns ('mlvc params check' names each key)",
        )
        self.missing = missing


class InitTargetMissing(ToolkitError):
    """``mlvc init --target`` names a column the data file does not have."""

    def __init__(self, path: str, target: str, found: list[str]) -> None:
        super().__init__(
            f"{path}: no column '{target}' to predict; columns: {listed(found)}",
            hint="pass one of those columns as --target",
        )


class InitTaskUnfit(ToolkitError):
    """The target column cannot serve the task ``mlvc init`` was asked for (or any task)."""

    def __init__(self, path: str, target: str, problem: str) -> None:
        super().__init__(
            f"{path}: column '{target}' cannot be the target: {problem}",
            hint="choose another --target, or --task classification",
        )


class InitClassesTooSmall(ToolkitError):
    """A classification target has classes on too few rows to appear in both splits."""

    def __init__(
        self, path: str, target: str, rare: Mapping[str, int], *, numeric: bool, minimum: int
    ) -> None:
        shown = ", ".join(f"'{label}' ({rows})" for label, rows in list(rare.items())[:5])
        more = f" and {len(rare) - 5} more" if len(rare) > 5 else ""
        super().__init__(
            f"{path}: column '{target}': {len(rare)} class(es) on fewer than {minimum} rows: "
            f"{shown}{more}; each class needs a row in the training and the test split",
            hint="remove or relabel those rows, then run mlvc init again"
            + (", or pass --task regression" if numeric else ""),
        )


class InitModelNameInvalid(ToolkitError):
    """``mlvc init --name`` is not a valid DVC artifact (and registry) name."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"--name '{name}' is not a valid model name: use lower-case letters, digits and '-', "
            "starting and ending with a letter or digit",
            hint="e.g. --name wine-classifier",
        )


class ProjectAlreadyInitialised(ToolkitError):
    """``mlvc init`` would replace a project set up for other data."""

    def __init__(self, params: str, current: str, requested: str) -> None:
        super().__init__(
            f"{params}: the project is already set up for {current}, not {requested}; "
            "nothing was changed",
            hint="rerun with --force to replace it",
        )


class InitWouldOverwrite(ToolkitError):
    """``mlvc init`` would copy the data over a different file of the same name."""

    def __init__(self, path: str, data: str) -> None:
        super().__init__(
            f"{path} already exists and differs from {data}; nothing was changed",
            hint="rerun with --force to replace it, or rename the data file",
        )


class SchemaColumnsMissing(ToolkitError):
    """The reference lacks columns that the schema requires: it cannot serve as a reference."""

    def __init__(self, path: str, schema: str, missing: list[str], found: list[str]) -> None:
        super().__init__(
            f"{path}: missing column(s) {listed(missing)} required by {schema}; "
            f"found: {listed(found)}",
            hint="pass the reference the schema describes, or fix 'required' in the schema",
        )
        self.missing = missing


class ColumnTypeMismatch(ToolkitError):
    """A numeric column holds a value that is not a number."""

    def __init__(self, path: str, column: str, row: int, value: Any, source: str) -> None:
        super().__init__(
            f"{path}: column '{column}' is numeric ({source}) but data row {row} holds "
            f"{str(value)!r}",
            hint=f'fix the value, or declare \'{column}\' as {{"type": "string"}} in --schema',
        )
        self.column = column
        self.row = row


class ModelColumnsMissing(ToolkitError):
    """A data file lacks columns the model predicts from."""

    # the next step depends on the command: drift can run without the model, predict cannot
    DRIFT_HINT = "pass files with the model's input columns, or leave out --model"
    PREDICT_HINT = "add those columns to the file: the model reads every feature it was trained on"
    LOG_HINT = "log them (monitoring in params.yaml), then score rows with mlvc predict or serve"

    def __init__(
        self, path: str, model: str, missing: list[str], *, hint: str = DRIFT_HINT
    ) -> None:
        super().__init__(
            f"{path}: missing column(s) {listed(missing)} that the model {model} predicts from",
            hint=hint,
        )


class PredictionOutputFormat(ToolkitError):
    """An output format ``mlvc predict`` cannot write, or cannot write to standard output."""

    def __init__(self, fmt: str, detail: str) -> None:
        super().__init__(
            f"--format {fmt}: {detail}" if fmt else detail,
            hint="use --format csv, parquet or jsonl, or -o FILE.csv, FILE.parquet or FILE.jsonl",
        )


class PredictionFailed(ToolkitError):
    """The model raised an error while predicting on a chunk of rows."""

    def __init__(self, path: str, model: str, first: int, last: int, detail: str) -> None:
        super().__init__(
            f"{path}: the model {model} could not predict data rows {first}-{last}: {detail}",
            hint="check that the file has the columns and types the model was trained on",
        )


class TooFewRows(ToolkitError):
    """A data file has too few labelled rows to split, train or score."""

    def __init__(self, path: str, column: str, detail: str, *, hint: str) -> None:
        super().__init__(f"{path}: column '{column}': {detail}", hint=hint)
        self.column = column


class TargetNotNumeric(ToolkitError):
    """A regression target holds a value that is not a number."""

    def __init__(self, path: str, column: str, row: int, value: Any) -> None:
        super().__init__(
            f"{path}: column '{column}' is the target of a regression (data.task) but data "
            f"row {row} holds {str(value)!r}, not a number",
            hint="fix the value, or set data.task: classification in params.yaml",
        )
        self.column = column
        self.row = row


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


class ModelArchiveInvalid(ToolkitError):
    """A model file is not a readable zip archive (empty, truncated, or another format)."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(
            f"{path}: not a model archive: {detail}", hint="rebuild it with 'dvc repro'"
        )


class ModelArchiveTooLarge(ToolkitError):
    """A model archive declares more members or uncompressed bytes than the caps allow."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(
            f"{path}: archive too large: {detail}",
            hint="rebuild it with 'dvc repro'; raise the cap in cli/adapters/model_store.py "
            "only after review",
        )


class ModelMetadataInvalid(ToolkitError):
    """``models/model.meta.json`` parses but lacks a key or has a value of the wrong type."""

    def __init__(self, path: str, key: str, problem: str) -> None:
        super().__init__(f"{path}: {key}: {problem}", hint="rebuild it with 'dvc repro train'")
        self.key = key


class ModelReferenceUnsupported(ToolkitError):
    """A model reference that the resolver cannot read."""

    def __init__(self, reference: str) -> None:
        super().__init__(
            f"model reference {reference!r}: not a path to a .skops file",
            hint="pass a model file, e.g. --model models/model.skops",
        )
        self.reference = reference


class ServeAddressUnavailable(ToolkitError):
    """``mlvc serve`` cannot listen on the host and port it was given."""

    def __init__(self, host: str, port: int, detail: str, *, unknown_host: bool = False) -> None:
        hint = (
            "give --host an address of this machine (127.0.0.1, ::1, or 0.0.0.0 for every "
            "interface) or a name that resolves to one"
            if unknown_host
            else "pick another --port, or stop the process that holds it"
        )
        super().__init__(f"cannot listen on {host}:{port}: {detail}", hint=hint)
        self.host, self.port = host, port


class ModelNotServable(ToolkitError):
    """``mlvc serve`` stopped because the model could not be loaded at start-up."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            f"mlvc serve stopped: the model did not load: {detail}",
            hint="fix the reference or the model file, then start the server again",
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


class WorkingFolderGone(ToolkitError):
    """The folder the command was started in no longer exists (deleted or moved)."""

    def __init__(self) -> None:
        super().__init__(
            "the current folder no longer exists (it was deleted or moved)",
            hint="cd into the project again, then rerun the command",
        )


class NotARepository(ToolkitError):
    """The directory is not inside a git work tree."""


class UnknownRevision(ToolkitError):
    """A revision (branch, tag, commit, experiment) that git and DVC do not know."""

    def __init__(self, repo: str, rev: str, *, hint: str) -> None:
        super().__init__(f"{repo}: unknown revision '{rev}'", hint=hint)
        self.rev = rev


class NotARevision(ToolkitError):
    """A value given as a revision that cannot be one (empty, or an option)."""

    def __init__(self, rev: str) -> None:
        super().__init__(f"'{rev}' is not a revision", hint="pass a branch, tag or commit")


class NoGitRemote(ToolkitError):
    """``--push`` in a repository with no git remote."""

    def __init__(self, repo: str) -> None:
        super().__init__(
            f"{repo}: no git remote configured", hint="add one with 'git remote add origin URL'"
        )


class ObjectNotCached(ToolkitError):
    """A DVC-tracked file of a revision that neither the DVC cache nor a remote holds."""

    def __init__(self, path: str, rev: str, reason: str) -> None:
        super().__init__(
            f"{path}@{rev}: not in the DVC cache or remote ({reason})",
            hint="run 'dvc pull' or 'dvc fetch' with the remote that holds it",
        )


class RegistryBusy(ToolkitError):
    """Another mlvc command holds the registry lock."""

    def __init__(self, lock: str, pid: object = None, host: object = None) -> None:
        who = f"pid {pid if isinstance(pid, int) else '?'}"
        named = isinstance(host, str) and 0 < len(host) <= 255 and host.isprintable()
        who += f" on {host}" if named else " on an unknown host"
        super().__init__(
            f"{lock}: another mlvc release, promotion or rollback is running in this "
            f"repository ({who})",
            hint="wait for it to finish and run the command again (the lock is released "
            "when that process exits or is killed)",
        )
        self.pid = pid if isinstance(pid, int) else None


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


class NotAModelReference(ToolkitError):
    """A model reference that is neither a registry shortcut nor a path to a .skops file."""

    def __init__(self, text: str) -> None:
        super().__init__(
            f"'{text}' is not NAME@vX.Y.Z, NAME#STAGE, NAME@latest or a path to a .skops file",
            hint="e.g. penguins-classifier@v0.1.0, penguins-classifier#prod or models/model.skops",
        )


class UnknownModelVersion(ToolkitError):
    """A version the registry does not hold (never released, or deregistered)."""

    def __init__(
        self, name: str, version: str, known: list[str], *, hint: str | None = None
    ) -> None:
        super().__init__(
            f"{name}@{version} is not a registered version; versions: {', '.join(known) or 'none'}",
            hint=hint or "list them with 'mlvc registry'",
        )


class NoVersionYet(ToolkitError):
    """A model with registry tags but no active version (every one deregistered)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"{name} has no registered version", hint="create one with 'mlvc release'")


class ReleaseTagMissing(ToolkitError):
    """``mlvc checkout NAME@vX.Y.Z`` names a version with no release tag."""

    def __init__(self, tag: str) -> None:
        super().__init__(f"no release tag '{tag}'", hint="list versions with 'mlvc registry'")


class ReleaseFilesMissing(ToolkitError):
    """A release whose committed dvc.yaml/dvc.lock do not record the model's outputs."""

    def __init__(self, tag: str, detail: str) -> None:
        super().__init__(
            f"{tag}: {detail}", hint="pick another version ('mlvc registry') or release again"
        )


class ReleaseFileCorrupt(ToolkitError):
    """A released file whose bytes (from the DVC cache or remote) do not match its md5."""

    def __init__(self, where: str, actual: str, expected: str) -> None:
        super().__init__(
            f"{where}: md5 {actual} does not match dvc.lock's {expected}",
            hint="the DVC remote holds other bytes for this release: push the release's "
            "outputs again from a clone that has them ('dvc push')",
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


class PredictionLogMissing(ToolkitError):
    """``mlvc monitor``: the prediction log holds no row of the model version."""

    def __init__(self, folder: str, label: str, since: str | None) -> None:
        after = f" since {since}" if since else ""
        super().__init__(
            f"{folder}: the prediction log holds no row scored by {label}{after}",
            hint=f"score rows with 'mlvc predict --model {label} FILE' or serve them with "
            f"'mlvc serve --model {label}' (params.yaml monitoring.log: true), then rerun",
        )


class MonitorNeedsRelease(ToolkitError):
    """``mlvc monitor`` was given a model file: it has no commit to read training data from."""

    def __init__(self, reference: str) -> None:
        super().__init__(
            f"{reference}: a model file has no release commit to read its training data from",
            hint="pass a released version: NAME@vX.Y.Z, NAME#STAGE or NAME@latest",
        )


class TrainingDataUnavailable(ToolkitError):
    """The training split of a version is not recorded in ``dvc.lock`` at its release tag."""

    def __init__(self, tag: str, path: str) -> None:
        super().__init__(
            f"{tag}: dvc.lock at that tag records no {path}",
            hint="monitor a version released from this pipeline (its prepare stage writes it)",
        )


class NotADate(ToolkitError):
    """An option that takes a date got something else."""

    def __init__(self, option: str, value: str) -> None:
        super().__init__(
            f"{option} {value!r}: not a date", hint="give a day as YYYY-MM-DD, e.g. 2026-01-31"
        )


class LabelsWithoutId(ToolkitError):
    """``mlvc monitor``: ``--labels`` and ``--id`` come together."""

    def __init__(self, given: str, missing: str) -> None:
        super().__init__(
            f"{given} needs {missing}",
            hint="pass --labels FILE --id COLUMN (the key column the scored rows carried)",
        )


class LabelsColumnMissing(ToolkitError):
    """``mlvc monitor --labels``: the labels file or the log lacks a column the join needs."""

    def __init__(self, where: str, column: str, role: str) -> None:
        super().__init__(
            f"{where}: no column '{column}' ({role})",
            hint="the labels need the ID column and the target; the ID column must be an input "
            "column of the scored rows (it is logged with them)",
        )


class LabelsInvalid(ToolkitError):
    """``mlvc monitor --labels``: target values the model cannot be scored against."""

    def __init__(self, path: str, column: str, detail: str, allowed: str) -> None:
        super().__init__(
            f"{path}: column '{column}' {detail}",
            hint=f"give the true values the model predicts ({allowed})",
        )


class LabelsIdNotAKey(ToolkitError):
    """``mlvc monitor --id`` names a column that cannot join labels to logged rows one to one."""

    def __init__(self, where: str, column: str, detail: str) -> None:
        super().__init__(
            f"{where}: --id {column} {detail}",
            hint="name a key column that identifies each scored row (kept by 'mlvc predict' "
            "as a key column), not the target",
        )


class LabelsUnmatched(ToolkitError):
    """No labelled row matches a logged row by its ID."""

    def __init__(self, path: str, column: str, labels: int, logged: int) -> None:
        super().__init__(
            f"{path}: none of its {labels} labelled rows matches one of the {logged} logged rows "
            f"by '{column}'",
            hint="check that --id names the key column passed to 'mlvc predict' and --since",
        )


class NotASemVer(ToolkitError):
    """``--version`` is not a SemVer version (``detail``: the parser's sentence)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, hint="use --version 1.2.3")


class VersionExists(ToolkitError):
    """``mlvc release --version`` names a version already released."""

    def __init__(self, name: str, version: str) -> None:
        super().__init__(
            f"{name}@{version} already exists", hint="choose another --version or --bump"
        )


class AlreadyReleasedHere(ToolkitError):
    """The commit being released already carries a version (one version per commit)."""

    def __init__(self, name: str, version: str) -> None:
        super().__init__(
            f"{name} is already released at this commit as {version}",
            hint="commit a change first (one version per commit, as in GTO)",
        )


class DetachedHead(ToolkitError):
    """``mlvc release`` on a detached HEAD: a version must come from a branch."""

    def __init__(self, repo: str) -> None:
        super().__init__(f"{repo}: HEAD is detached", hint="check out a branch before releasing")


class RemoteLacksObjects(ToolkitError):
    """After ``dvc push`` the DVC remote still lacks objects of the release."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(
            f"the DVC remote still lacks {len(missing)} object(s) after 'dvc push': "
            + ", ".join(sorted(missing)[:5]),
            hint="check the DVC remote ('dvc remote list') and run the command again",
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


class ReleaseFailed(ToolkitError):
    """A push failed; the local tag was removed so nothing is half done."""

    def __init__(self, what: str, tag: str, cause: ToolkitError) -> None:
        super().__init__(
            f"{what} not published, local tag '{tag}' removed: {cause.message}",
            hint=cause.hint or "fix the DVC remote ('dvc remote list') and run the command again",
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
        self.exit_code = 128 + signum


class CommandInterrupted(ToolkitError):
    """A signal stopped a command before it changed anything it could not undo.

    ``hint`` is the command's next step; by default a registry command's.
    """

    def __init__(self, signal_name: str, signum: int, *, hint: str | None = None) -> None:
        super().__init__(
            f"interrupted by {signal_name}",
            hint=hint or "run 'mlvc registry' to see what was recorded, then run the command again",
        )
        self.exit_code = 128 + signum


class OptionsExclusive(ToolkitError):
    """Two options that each decide the same thing were both given."""

    def __init__(self, first: str, second: str, *, decide: str) -> None:
        super().__init__(
            f"{first} and {second} both set {decide}; one would be ignored",
            hint=f"pass only one of {first.split()[0]} and {second.split()[0]}",
        )


class CommandStopped(ToolkitError):
    """A signal (Ctrl-C) stopped a command; every output is written whole or not at all."""

    def __init__(self, signal_name: str, signum: int) -> None:
        super().__init__(
            f"interrupted by {signal_name} before the end; no output file was left half-written",
            hint="run the command again",
        )
        self.exit_code = 128 + signum


class CommandLineInvalid(ToolkitError):
    """The command line itself is wrong: an unknown option, a bad option value, a missing argument.

    ``detail`` is the parser's sentence, which names the option and the value received.
    """

    def __init__(self, detail: str, *, command: str) -> None:
        super().__init__(detail.strip().rstrip("."), hint=f"see '{command} -h' for the usage")
        self.command = command


class Interrupted(KeyboardInterrupt):
    """SIGINT, SIGTERM or SIGHUP, raised in the main thread by the CLI's signal handlers."""

    def __init__(self, signum: int, name: str) -> None:
        super().__init__(name)
        self.signum = signum
        self.name = name


class LockNotCommitted(ToolkitError):
    """``mlvc pipeline verify`` found no ``dvc.lock`` in the committed state it reruns."""

    def __init__(self, path: str) -> None:
        super().__init__(
            f"{path}: not in the last commit, so there are no recorded hashes to verify",
            hint="run 'dvc repro', then commit dvc.lock and the outputs' .gitignore",
        )
        self.path = path


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


class NothingToRollBack(ToolkitError):
    """A stage has no earlier version left to fall back to (a finding, exit 1)."""

    exit_code = ExitCode.FINDINGS

    def __init__(self, model: str, stage: str, current: str) -> None:
        super().__init__(
            f"stage '{stage}' of {model} holds {current} and no earlier version is still "
            "assigned to it: nothing to roll back to",
            hint=f"promote another version with 'mlvc promote {model} VERSION {stage}'",
        )


class ModelNotInRegistry(ToolkitError):
    """No registry tag names the model."""

    def __init__(self, model: str, known: list[str]) -> None:
        super().__init__(
            f"no registry tags for model '{model}'; models with tags: {', '.join(known) or 'none'}",
            hint="list them with 'mlvc registry'"
            if known
            else f"release it first: commit the reproduced pipeline, then run 'mlvc release', "
            f"which tags {model}@v0.0.1",
        )


class AmbiguousExperiment(ToolkitError):
    """A DVC experiment name matches experiments of several baselines, none of them HEAD."""

    def __init__(self, repo: str, name: str, refs: list[str]) -> None:
        super().__init__(
            f"{repo}: experiment name '{name}' is ambiguous: {', '.join(refs)}",
            hint=f"pass the full ref, e.g. --head {refs[0]}",
        )


class OutputNotRegularFile(ToolkitError):
    """An output path names a directory, FIFO, device or socket, which a write would replace."""

    def __init__(self, path: str, kind: str) -> None:
        super().__init__(
            f"{path}: refusing to write output over {kind}", hint="choose a regular file path"
        )
        self.path = path


class OutputLinkReadOnly(ToolkitError):
    """An output is a symlink to a read-only file, as DVC links outputs into its cache."""

    def __init__(self, path: str, target: str) -> None:
        super().__init__(
            f"{path}: refusing to write through the symlink to read-only {target} "
            "(a DVC cache file?)",
            hint=f"run 'dvc unprotect {path}' first, or remove the link",
        )
        self.path = path


class OutputFolderBlocked(ToolkitError):
    """An output's folder cannot be created: a file is in the way, or access is denied."""

    def __init__(self, path: str, detail: str) -> None:
        super().__init__(
            f"{path}: cannot write output: {detail}", hint="choose a path in a writable folder"
        )
        self.path = path


class OutputIsInput(ToolkitError):
    """An output path is the same file as one of the command's inputs."""

    def __init__(self, path: str, what: str) -> None:
        super().__init__(
            f"{path}: refusing to write output over the {what} this command reads",
            hint="write the output to another path",
        )
        self.path = path


class OutputsCollide(ToolkitError):
    """Two outputs of one command name the same file (one would replace the other)."""

    def __init__(self, path: str, first: str, second: str) -> None:
        super().__init__(
            f"{path}: {first} and {second} name the same file; one would replace the other",
            hint=f"give {second} another path",
        )
        self.path = path


class ToolMissing(ToolkitError):
    """A program mlvc runs (git, dvc) is not installed or not on PATH."""

    def __init__(self, tool: str) -> None:
        hint = (
            "install git with your system's packages (e.g. 'apt-get install git' or "
            "'brew install git') and make sure it is on PATH"
            if tool == "git"
            else "run 'make install' to set up the environment"
        )
        super().__init__(f"'{tool}' is not installed or not on PATH", hint=hint)
        self.tool = tool


class CommandFailed(ToolkitError):
    """An external command (git, dvc) exited non-zero."""

    def __init__(self, argv: list[str], returncode: int, stderr: str) -> None:
        super().__init__(f"'{' '.join(argv)}' exited {returncode}: {reason_line(stderr)}")


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
# DVC closes an unexpected error with this banner (possibly coloured, possibly wrapped
# over several lines): it is never the reason, and nothing after it is either.
_DVC_BANNER = "Having any troubles?"


def reason_line(output: str) -> str:
    """The line of a tool's output that says why: DVC's last ``ERROR`` line, else the last line.

    Colour codes are dropped; DVC's support banner and anything after it never count.
    """
    text = _ANSI.sub("", output)
    text = text.split(_DVC_BANNER, 1)[0]
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or ["no output"])[-1]
