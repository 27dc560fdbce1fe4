"""Renderings of ``mlvc predict``'s result: a summary line, or the contract report."""

from __future__ import annotations

from cli.render.schema import schema_report_text
from cli.results.models import Prediction


def prediction_text(result: Prediction) -> str:
    """What was scored and written; when the batch failed, the ``schema check`` report."""
    model = f"{result.model}@{result.version}" if result.version else result.model
    if not result.written:
        return "\n".join(
            [
                schema_report_text(result.report),
                f"nothing written: {result.rejected} of {result.rows} rows break the contract "
                f"of {model} (pass --skip-invalid REJECTS to score the valid rows)",
            ]
        )
    lines = [f"{result.scored} of {result.rows} rows scored with {model} -> {result.output}"]
    if result.rejected:
        lines.append(f"{result.rejected} invalid row(s) with their reasons -> {result.rejects}")
        lines.append(schema_report_text(result.report))
    if result.logged:
        lines.append(f"{result.logged} row(s) appended to the prediction log (monitoring/)")
    return "\n".join(lines)
