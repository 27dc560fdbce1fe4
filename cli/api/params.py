"""``check_params``: the Python API of ``mlvc params check``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cli import paths

if TYPE_CHECKING:
    from cli.results.params import ParamsReport


def check_params(*, params: Path = paths.PARAMS, schema: Path = paths.DATA_SCHEMA) -> ParamsReport:
    """Validate a params file against its JSON Schema and against the data contract ``schema``.

    Every problem is reported: schema violations; target, features and slices that are not
    columns of the contract; slices on the target; an estimator the task lacks; gates and
    tolerances on metrics the task does not write. A missing or invalid contract raises
    (could not run), like a missing params file.
    """
    from cli.adapters.files import read_yaml
    from cli.adapters.schema_file import read_schema
    from cli.core.params_check import check_params_document
    from cli.core.params_cross import (
        check_metric_names,
        check_params_columns,
        check_task_estimator,
        target_classes,
    )
    from cli.params import load_schema
    from cli.results.params import ParamsReport

    document = read_yaml(params, what="parameters file")
    problems = check_params_document(document, load_schema())
    properties = read_schema(schema).get("properties", {})
    columns = [str(c) for c in properties] if isinstance(properties, dict) else []
    problems += check_params_columns(document, columns, str(schema))
    problems += check_task_estimator(document)
    data = document.get("data") if isinstance(document, dict) else None
    target = data.get("target") if isinstance(data, dict) else None
    classes = target_classes(properties, target) if isinstance(properties, dict) else None
    problems += check_metric_names(document, classes)
    return ParamsReport(path=str(params), problems=tuple(problems))
