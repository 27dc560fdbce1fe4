"""validate: check the raw data against its data contract before anything trains on it.

Inputs: ``data/raw/<data.name>.csv``, ``data/schema.json``, ``data/ingest.json``.
Outputs: ``data/validation.json`` (the full report, written even when the data fail), with
ingest's row counts copied in under ``ingest``.
Params: ``data.name`` (which raw file). Violations stop ``dvc repro`` (exit 1) with one
line naming the report.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cli import paths
from cli.api.schema import check_schema
from cli.api.stage_io import load_stage_params, read_json, write_text
from cli.errors import SchemaViolations
from cli.funnel import stage_errors
from cli.render import render


def run(*, data: Path, schema: Path, report: Path, ingest: Path) -> None:
    """Check ``data`` against ``schema``; write ``report`` (with ``ingest``'s counts); raise
    on violations."""
    counts = read_json(ingest, what="ingest report", hint="run 'dvc repro ingest' first")
    result = check_schema(data=data, schema=schema)
    document = {**json.loads(render(result, "json")), "ingest": counts}
    write_text(report, json.dumps(document, indent=2, sort_keys=True) + "\n")
    if not result.ok:
        broken_rules = sum(not rule.ok for rule in result.table_rules)
        raise SchemaViolations(
            f"{data}: {result.failing_rows} of {result.rows} rows break {schema}; "
            f"{broken_rules} table rule(s) fail",
            hint=f"see {report}, or run 'mlvc schema check {data} --schema {schema}'",
        )


def main() -> None:
    with stage_errors("validate", os.environ):
        name = load_stage_params("validate").data.name
        run(
            data=paths.raw_data(name),
            schema=paths.DATA_SCHEMA,
            report=paths.VALIDATION_REPORT,
            ingest=paths.INGEST_REPORT,
        )


if __name__ == "__main__":
    main()
