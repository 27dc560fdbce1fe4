"""``init_project``: the Python API of ``mlvc init`` (adopt a user's table in one call)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import paths

if TYPE_CHECKING:
    import pandas as pd

    from cli.core.adopt.columns import Decisions
    from cli.results.init import InitResult

BUNDLED_SOURCE = "palmerpenguins"  # the shipped default: not "initialised for other data"
YEAR = "year"


def init_project(
    *,
    data: Path,
    target: str,
    task: str = "auto",
    name: str | None = None,
    force: bool = False,
    repo: Path | None = None,
) -> InitResult:
    """Retarget the project in ``repo`` (default: the working directory) to ``data``.

    Decides each column's role, the task, the estimator and the slices; writes
    ``data/schema.json``, ``params.yaml``, ``models/card.yaml`` and the model artifact
    of ``dvc.yaml`` (and copies ``data`` under ``data/external/`` when it is
    elsewhere). Everything is checked and prepared before any file is replaced:
    on a failure nothing is changed. Refuses (``ProjectAlreadyInitialised``) a
    project set up for other data unless ``force``.
    """
    from cli.adapters.adopt import publish
    from cli.adapters.files import read_table, read_yaml
    from cli.core.adopt.columns import (
        MODEL_NAME_RE,
        dataset_name,
        decide,
        default_model_name,
        task_problem,
    )
    from cli.errors import InitModelNameInvalid, InitTargetMissing, InitTaskUnfit

    root = repo or Path.cwd()
    if name is not None and not MODEL_NAME_RE.match(name):
        raise InitModelNameInvalid(name)
    frame = read_table(data, hint="pass --data a CSV, Parquet or JSON Lines file")
    _refuse_odd_header(data)
    columns = [str(c) for c in frame.columns]
    if target not in columns:
        raise InitTargetMissing(str(data), target, columns)
    dataset = dataset_name(data.name)
    source, copy_to = _placement(data, root, dataset)
    current = read_yaml(root / paths.PARAMS, what="parameters file")
    _refuse_other_data(current, target=target, source=source, force=force, root=root)
    if copy_to is not None:
        _refuse_other_file(data, copy_to, force=force)
    decisions = decide(frame, target=target, task=task)
    problem = task_problem(frame[target], decisions.task)
    if problem:
        raise InitTaskUnfit(str(data), target, problem)
    _refuse_rare_classes(data, frame[target], decisions.task)
    model = name or default_model_name(data.name, decisions.task)
    summary: dict[str, Any] = {"rows": len(frame), "columns": len(columns), "source": source}
    if copy_to is not None:
        summary["origin"] = str(data)
    files = _files(
        root, data, frame, decisions, current, dataset=dataset, model=model, summary=summary
    )
    if copy_to is not None:
        files[copy_to] = data.read_bytes()
    publish(files, remove=_undeclared_plots(root, decisions.task))
    return _result(data, root, decisions, files, source, dataset, model, len(frame), copy_to)


def _refuse_odd_header(data: Path) -> None:
    """Raise for a CSV header that is one name holding ``;``, a tab or ``|`` (another
    separator), or that repeats a name (pandas would rename it, a batch reader refuses it)."""
    from cli.adapters.tables import check_unique_columns, csv_header
    from cli.errors import CsvNotCommaSeparated

    if data.suffix.lower() != ".csv":
        return
    header = csv_header(data)
    if len(header) == 1:
        separator = next((s for s in CsvNotCommaSeparated.NAMES if s in header[0]), None)
        if separator is not None:
            raise CsvNotCommaSeparated(str(data), separator, header[0])
    check_unique_columns(data, header)


def _refuse_rare_classes(data: Path, values: pd.Series, task: str) -> None:
    """Raise when a class has too few rows for the stratified split (``dvc repro`` would stop
    at split)."""
    from cli.core.adopt.columns import CLASSIFICATION, MIN_CLASS_ROWS, is_numeric, rare_classes
    from cli.errors import InitClassesTooSmall

    rare = rare_classes(values) if task == CLASSIFICATION else {}
    if rare:
        raise InitClassesTooSmall(
            str(data),
            str(values.name),
            rare,
            numeric=is_numeric(values),
            minimum=MIN_CLASS_ROWS,
        )


def _undeclared_plots(root: Path, task: str) -> tuple[Path, ...]:
    """Plot outputs of the other task that exist under ``root`` (``dvc.yaml`` drops them)."""
    from cli.core.plots import plots_section

    def declared(of: str) -> set[str]:
        return {path for plot in plots_section(of) for path in plot}

    other = "regression" if task != "regression" else "classification"
    stale = sorted(declared(other) - declared(task))
    return tuple(root / path for path in stale if (root / path).exists())


def _placement(data: Path, root: Path, dataset: str) -> tuple[str, Path | None]:
    """``ingest.source`` for ``data``, and where to copy it (None when already in place)."""
    external = (root / paths.EXTERNAL_DIR).resolve()
    resolved = data.resolve()
    if resolved.parent == external:
        return (paths.EXTERNAL_DIR / resolved.name).as_posix(), None
    copy_name = f"{dataset}{data.suffix.lower()}"
    return (paths.EXTERNAL_DIR / copy_name).as_posix(), root / paths.EXTERNAL_DIR / copy_name


def _refuse_other_data(
    current: dict[str, Any], *, target: str, source: str, force: bool, root: Path
) -> None:
    """Raise unless the project is the bundled default or already set up for this data."""
    from cli.errors import ProjectAlreadyInitialised

    data = current.get("data") or {}
    ingest = current.get("ingest") or {}
    old_source, old_target = ingest.get("source"), data.get("target")
    if force or old_source in (None, BUNDLED_SOURCE):
        return
    if (old_source, old_target) != (source, target):
        raise ProjectAlreadyInitialised(
            paths.shown(root / paths.PARAMS),
            f"target '{old_target}' of {old_source}",
            f"target '{target}' of {source}",
        )


def _refuse_other_file(data: Path, copy_to: Path, *, force: bool) -> None:
    """Raise when the copy would replace a different file of the same name."""
    from cli.errors import InitWouldOverwrite

    if not force and copy_to.exists() and copy_to.read_bytes() != data.read_bytes():
        raise InitWouldOverwrite(paths.shown(copy_to), str(data))


def _files(
    root: Path,
    data: Path,
    frame: pd.DataFrame,
    decisions: Decisions,
    current: dict[str, Any],
    *,
    dataset: str,
    model: str,
    summary: dict[str, Any],
) -> dict[Path, bytes]:
    """Every file init writes, as bytes, keyed by its path."""
    import yaml

    from cli.adapters.files import read_text
    from cli.core.adopt import texts
    from cli.core.adopt.columns import describe
    from cli.core.plots import plots_section

    description = describe(summary)
    params = _params_text(root, frame, decisions, current, dataset=dataset, source=summary)
    card = texts.card_document(
        dataset=dataset,
        description=description,
        source=summary["source"],
        origin=summary.get("origin"),
        task=decisions.task,
    )
    card_text = texts.CARD_HEADER + yaml.safe_dump(
        card, sort_keys=False, allow_unicode=True, width=88
    )
    pipeline = texts.artifact_text(
        read_text(root / paths.DVC_YAML, what="pipeline file"),
        name=model,
        description=f"{dataset} {decisions.task} model (scikit-learn Pipeline, skops format)",
        task=decisions.task,
    )
    pipeline = texts.plots_text(pipeline, plots_section(decisions.task))
    return {
        root / paths.DATA_SCHEMA: _schema_bytes(frame, dataset, decisions),
        root / paths.PARAMS: params.encode(),
        root / paths.CARD_INPUT: card_text.encode(),
        root / paths.DVC_YAML: pipeline.encode(),
    }


def _params_text(
    root: Path,
    frame: pd.DataFrame,
    decisions: Decisions,
    current: dict[str, Any],
    *,
    dataset: str,
    source: dict[str, Any],
) -> str:
    """``params.yaml`` with the decided sections, every other section kept."""
    from cli.core.adopt import texts

    evaluate = current.get("evaluate") or {}
    release = current.get("release") or {}
    target_values = frame[decisions.target]
    std = float(target_values.std()) if decisions.task == "regression" else 0.0
    sections = {
        "data": texts.data_section(decisions, name=dataset),
        "ingest": texts.ingest_section(source["source"], years=_years(frame)),
        "evaluate": texts.evaluate_section(
            decisions, min_slice_size=int(evaluate.get("min_slice_size", 20))
        ),
        "release": texts.release_section(
            decisions, stages=list(release.get("stages", ["dev", "staging", "prod"]))
        ),
        "report": texts.report_section(decisions, target_std=std),
    }
    current_text = (root / paths.PARAMS).read_text(encoding="utf-8")
    text = texts.params_text(current_text, sections, estimator=decisions.estimator)
    _refuse_invalid_params(text, root / paths.PARAMS)
    return text


def _refuse_invalid_params(text: str, where: Path) -> None:
    """Raise ParamsInvalid when the params init would write break the params schema."""
    from cli.adapters.files import parse_yaml
    from cli.core.params_check import check_params_document
    from cli.errors import ParamsInvalid
    from cli.params import load_schema

    problems = check_params_document(parse_yaml(text, source=str(where)), load_schema())
    if problems:
        raise ParamsInvalid(paths.shown(where), [p.message for p in problems])


def _years(frame: pd.DataFrame) -> list[int] | None:
    """The survey years to keep: every year present when there is a ``year`` column of years."""
    from cli.core.adopt.columns import is_integral, is_numeric

    if YEAR not in frame.columns or not is_numeric(frame[YEAR]) or not is_integral(frame[YEAR]):
        return None
    years = sorted(int(y) for y in frame[YEAR].dropna().unique())
    return years if years and years[0] >= 1900 and years[-1] <= 2100 else None


def _schema_bytes(frame: pd.DataFrame, dataset: str, decisions: Decisions) -> bytes:
    """The data contract of ``frame`` as the ingest stage writes it (through ``mlvc schema
    infer``'s API).

    The validate stage checks ``data/raw/<name>.csv``, which ingest writes from the table
    read with pandas: missing-value tokens (``NA``, ``n/a``) become empty cells, Parquet
    and JSON Lines booleans become ``True``/``False`` text, dates become ISO text. So the
    contract is inferred from those bytes, not from the source file.
    """
    import tempfile

    from cli.adapters.files import write_csv
    from cli.api.schema import infer_schema
    from cli.core.numbers import integral_floats_to_int

    with tempfile.TemporaryDirectory(prefix="mlvc-init-") as folder:
        raw, output = Path(folder) / f"{dataset}.csv", Path(folder) / "schema.json"
        write_csv(raw, integral_floats_to_int(frame))
        infer_schema(data=raw, output=output, title=f"One row of the {dataset} data")
        text = output.read_text(encoding="utf-8")
        return _widened(text, frame, dates=decisions.columns("datetime")).encode()


def _widened(schema_text: str, frame: pd.DataFrame, *, dates: list[str]) -> str:
    """The contract with values a batch may spell otherwise than the raw CSV does: each
    True/False column takes booleans (JSON, Parquet) and ``true``/``TRUE``; each date
    feature takes an ISO date or date-time (Parquet and JSON Lines write timestamps)."""
    import json

    from cli.core.adopt.columns import boolean_property, datetime_property
    from cli.core.categories import is_boolean
    from cli.core.schema.infer import pretty_json

    document = json.loads(schema_text)
    properties = document["properties"]
    for column in frame.columns:
        nullable = bool(frame[column].isna().any())
        if is_boolean(frame[column]):
            properties[str(column)] = boolean_property(nullable=nullable)
        elif str(column) in dates:
            properties[str(column)] = datetime_property(nullable=nullable)
    return pretty_json(document)


def _result(
    data: Path,
    root: Path,
    decisions: Decisions,
    files: dict[Path, bytes],
    source: str,
    dataset: str,
    model: str,
    rows: int,
    copy_to: Path | None,
) -> InitResult:
    from cli.core.card_todos import todo_findings
    from cli.core.documents import load_yaml
    from cli.results.init import ColumnDecision, InitResult

    card_input = files[root / paths.CARD_INPUT].decode()
    todos = len(todo_findings(load_yaml(card_input), ""))  # as `mlvc card check` counts
    return InitResult(
        data=source,
        copied_from=str(data) if copy_to is not None else None,
        dataset=dataset,
        model=model,
        target=decisions.target,
        task=decisions.task,
        task_reason=decisions.task_reason,
        estimator=decisions.estimator,
        rows=rows,
        columns=tuple(ColumnDecision(r.column, r.role, r.reason) for r in decisions.roles),
        slices=decisions.slices,
        written=tuple(sorted(p.relative_to(root).as_posix() for p in files)),
        next_steps=(
            f"replace the {todos} TODO markers in {paths.CARD_INPUT} (mlvc card check)",
            f"review {paths.PARAMS}: excluded columns, slices and release gates",
            "dvc repro",
            f"git add -A && git commit -m 'Adopt the {dataset} data'",
            f"mlvc release  (registers {model})",
        ),
    )
