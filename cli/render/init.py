"""Rendering of ``mlvc init``'s result: each decision with its reason, then the next steps."""

from __future__ import annotations

from cli.results.init import InitResult


def init_result_text(result: InitResult) -> str:
    """The decisions column by column, the files written and what is left for a person."""
    copied = f" (copied from {result.copied_from})" if result.copied_from else ""
    width = max((len(c.column) for c in result.columns), default=0)
    lines = [
        f"adopted {result.data}{copied}: {result.rows} rows, {len(result.columns)} columns",
        f"task: {result.task} ({result.task_reason}); estimator: {result.estimator}",
        f"model: {result.model}; raw data: data/raw/{result.dataset}.csv",
        "columns:",
        *(f"  {c.column:<{width}}  {c.role:<11}  {c.reason}" for c in result.columns),
        "slices: " + (", ".join(result.slices) or "none (no categorical column with 2-20 values)"),
        "wrote: " + ", ".join(result.written),
        "left for you:",
        *(f"  {n}. {step}" for n, step in enumerate(result.next_steps, start=1)),
    ]
    return "\n".join(lines)
