"""``predict_table``: batch scoring of a table with a resolved model version, in chunks."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from cli.adapters.arrow_tables import Progress
    from cli.adapters.table_writer import TableWriter
    from cli.core.schema.checker import SchemaChecker
    from cli.results.models import Prediction, ResolvedModel


class _Discard(Exception):
    """Raised inside the output writers to drop what they wrote (an invalid batch)."""


def predict_table(
    *,
    model: str | ResolvedModel,
    data: Path,
    output: Path | IO[bytes],
    fmt: str | None = None,
    rejects: Path | None = None,
    log: bool = True,
    repo: Path | None = None,
    progress: Progress | None = None,
) -> Prediction:
    """Score every row of ``data`` (CSV, Parquet or JSON Lines) with ``model``, in chunks.

    Each chunk is checked against the version's data contract first (its features
    required, the target optional, other columns carried through as keys; see
    :func:`cli.core.models.prediction_contract`). Without ``rejects``, one invalid row
    fails the batch: nothing is written and the result's ``report`` says why. With
    ``rejects``, the valid rows are scored and written, and the invalid ones go to
    ``rejects`` with their row number and reasons. ``output`` is a file (written
    atomically) or a binary stream (written once every chunk succeeded). Scored rows
    are appended to the prediction log under ``repo`` (``params.yaml``'s ``monitoring:``
    section) unless ``log`` is False.
    """
    from cli.adapters.arrow_tables import open_stream
    from cli.adapters.files import refuse_input_as_output
    from cli.adapters.prediction_log import open_prediction_log
    from cli.adapters.table_writer import format_for, open_table
    from cli.api.models import resolve_model
    from cli.core.models import key_columns, prediction_contract
    from cli.core.scoring import numeric_columns
    from cli.errors import ModelColumnsMissing, OutputsCollide
    from cli.results.models import Prediction

    root = repo if repo is not None else Path()
    resolved = model if not isinstance(model, str) else resolve_model(model, repo=root)
    out_format = format_for(output if isinstance(output, Path) else None, fmt)
    for target in (output, rejects):
        if isinstance(target, Path):
            refuse_input_as_output(target, [(data, "data file")])
    if isinstance(output, Path) and rejects is not None and _same_path(output, rejects):
        raise OutputsCollide(str(rejects), "-o/--output", "--skip-invalid")
    stream = open_stream(data, progress=progress)
    missing = [f for f in resolved.features if f not in stream.columns]
    if missing:
        stream.chunks.close()
        raise ModelColumnsMissing(
            str(data), resolved.label, missing, hint=ModelColumnsMissing.PREDICT_HINT
        )
    contract = prediction_contract(resolved.schema, resolved.target, resolved.features)
    job = _Job(
        resolved,
        keys=key_columns(stream.columns, resolved.schema, resolved.target, resolved.features),
        numeric=numeric_columns(resolved.schema, resolved.dtypes),
        as_text=stream.as_text,
        columns=stream.columns,
        contract=contract,
        data=str(data),
    )
    prediction_log = open_prediction_log(root) if log else None
    written = True
    try:
        with open_table(output, out_format) as writer, _rejects_writer(rejects) as rejected:
            checker = job.checker()
            for chunk in stream.chunks:
                job.feed(checker, chunk, writer, rejected, prediction_log)
            if checker.failing_rows and rejected is None:
                raise _Discard
    except _Discard:
        written = False
        if prediction_log is not None:
            prediction_log.discard()  # nothing of a failed batch is logged
    except BaseException:  # Ctrl-C, a scoring or writing failure: no output, so no log
        if prediction_log is not None:
            prediction_log.discard()
        raise
    else:
        if prediction_log is not None:
            prediction_log.close()
    finally:
        stream.chunks.close()
    from cli.api.schema_engine import schema_report

    report = schema_report(checker, data=str(data), schema=job.contract_source)
    return Prediction(
        model=resolved.name,
        version=resolved.version,
        data=str(data),
        output=str(output) if isinstance(output, Path) else "-",
        rejects=str(rejects) if rejects is not None else None,
        rows=checker.rows,
        scored=job.scored if written else 0,
        rejected=checker.failing_rows,
        logged=prediction_log.logged if prediction_log is not None and written else 0,
        written=written,
        report=report,
    )


def _same_path(first: Path, second: Path) -> bool:
    """Whether two paths name one file, existing or not (symlinks and ``..`` resolved)."""
    return first.resolve() == second.resolve()


def _rejects_writer(rejects: Path | None) -> Any:
    import contextlib

    from cli.adapters.table_writer import format_for, open_table

    if rejects is None:
        return contextlib.nullcontext(None)
    return open_table(rejects, format_for(rejects, None))


class _Job:
    """What every chunk of one batch shares: the model, its contract, the columns."""

    def __init__(
        self,
        model: ResolvedModel,
        *,
        keys: list[str],
        numeric: set[str],
        as_text: bool,
        columns: list[str],
        contract: dict[str, Any],
        data: str,
    ) -> None:
        self.model = model
        self.keys = keys
        self.numeric = numeric
        self.as_text = as_text
        self.columns = columns
        self.contract = contract
        self.data = data
        self.scored = 0
        self._validator: Any = None
        self.contract_source = (
            f"{model.label}:data/schema.json" if model.version else "data/schema.json"
        )

    def checker(self) -> SchemaChecker:
        from cli.core.schema.checker import SchemaChecker

        return SchemaChecker(self.contract, self.columns, as_text=self.as_text)

    def feed(
        self,
        checker: SchemaChecker,
        chunk: Any,
        writer: TableWriter,
        rejected: TableWriter | None,
        log: Any,
    ) -> None:
        """Check one chunk; score and write its valid rows (unless the batch already failed)."""
        from cli.api.schema_engine import engine_errors

        first_row = checker.rows + 1
        with engine_errors(self.data, self.contract_source):
            failing = checker.feed(chunk)
        if checker.failing_rows and rejected is None:
            return  # the batch fails: only the check goes on, for the full report
        from cli.core.scoring import chunk_frame, prediction_table

        frame = chunk_frame(chunk, as_text=self.as_text, numeric=self.numeric)
        valid = frame.loc[~failing]
        if len(valid):
            out = prediction_table(
                valid, self._score(valid, first_row), keys=self.keys, version=self._version()
            )
            writer.write(out)
            self.scored += len(out)
            if log is not None:
                log.append(valid, out, model=self.model.name, version=self._version())
        if rejected is not None and failing.any():
            rejected.write(self._rejects(chunk, failing, first_row))

    def _version(self) -> str:
        return self.model.version or f"file:{self.model.model_md5[:12]}"

    def _score(self, valid: pd.DataFrame, first_row: int) -> pd.DataFrame:
        from cli.core.scoring import score
        from cli.errors import PredictionFailed

        try:
            return score(
                self.model.pipeline,
                valid[list(self.model.features)],
                task=self.model.task,
                classes=self.model.classes,
            )
        except (ValueError, TypeError) as exc:
            last = first_row + len(valid) - 1
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise PredictionFailed(self.data, self.model.label, first_row, last, detail) from None

    def _rejects(self, chunk: Any, failing: Any, first_row: int) -> pd.DataFrame:
        """The failing rows as read (cells as text), with their 1-based row number and reasons."""
        import numpy as np
        import pandas as pd

        from cli.core.scoring import json_rows, row_reasons

        positions = np.flatnonzero(failing)
        if isinstance(chunk, Mapping):
            cells = {c: [v[int(p)] for p in positions] for c, v in chunk.items()}
            out = pd.DataFrame({c: [_text(v) for v in values] for c, values in cells.items()})
        else:
            taken = chunk.take(positions).to_pandas()
            out = pd.DataFrame({c: [_text(v) for v in taken[c]] for c in taken.columns})
        out = out.astype("string")
        out.insert(0, "row", (positions + first_row).astype("int64"))
        validator = self.validator()
        rows = json_rows(chunk, [int(p) for p in positions], as_text=self.as_text)
        out["reasons"] = [row_reasons(validator, row) for row in rows]
        return out.reset_index(drop=True)

    def validator(self) -> Any:
        """A jsonschema validator of the contract that retrieves nothing (built once)."""
        if self._validator is None:
            from jsonschema import Draft202012Validator

            from cli.core.schema.document import contained_registry

            self._validator = Draft202012Validator(
                self.contract,
                format_checker=Draft202012Validator.FORMAT_CHECKER,
                registry=contained_registry(),
            )
        return self._validator


def _text(value: Any) -> str | None:
    """A cell as text for the rejects file (JSON for lists and objects); None stays None."""
    import json
    import math

    from cli.core.schema.cells import ABSENT

    if value is None or value is ABSENT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)
