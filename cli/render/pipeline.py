"""Renderings of a :class:`cli.results.pipeline.ReproReport` (``mlvc pipeline verify``)."""

from __future__ import annotations

from cli.results.pipeline import ReproReport


def repro_report_text(result: ReproReport) -> str:
    width = max((len(o.path) for o in result.outputs), default=4)
    lines = []
    for out in result.outputs:
        mark = "ok  " if out.ok else "DIFF"
        actual = out.actual or "(missing)"
        detail = "" if out.ok else f"  dvc.lock {out.expected} != rerun {actual}"
        lines.append(f"{mark} {out.stage:<9} {out.path:<{width}}{detail}")
    bad = sum(not o.ok for o in result.outputs)
    verdict = (
        f"reproducible: all {len(result.outputs)} outputs match dvc.lock"
        if result.ok
        else f"NOT reproducible: {bad} of {len(result.outputs)} outputs differ from dvc.lock"
    )
    lines.append(verdict)
    if result.workdir:
        lines.append(f"clean clone kept at {result.workdir}")
    return "\n".join(lines)
