"""Renderings of the registry's results (release, promote, rollback, registry, checkout)."""

from __future__ import annotations

from typing import Any

from cli.results.registry import RegistryHistory, RegistryView
from cli.results.release import CheckoutResult, Promotion, Release


def _gate_lines(gates: tuple[Any, ...]) -> list[str]:
    return [f"  {'ok  ' if g.ok else 'FAIL'} {g.gate}: {g.detail}" for g in gates]


def release_text(result: Release) -> str:
    lines = _gate_lines(result.gates)
    if not result.ok:
        lines.append(f"not released: {sum(not g.ok for g in result.gates)} gate(s) failed")
    elif result.dry_run:
        lines.append(f"dry run: would create {result.tag} at {result.commit[:12]}")
    else:
        where = f" and pushed to {result.remote}" if result.pushed else ""
        lines.append(f"released {result.tag} at {result.commit[:12]}{where}")
        if not result.pushed:
            lines.append(f"publish with: mlvc release --push (or git push origin '{result.tag}')")
    return "\n".join(lines)


def promotion_text(result: Promotion) -> str:
    lines = _gate_lines(result.gates)
    was = f" (was {result.previous})" if result.previous else ""
    if not result.ok:
        lines.append(f"not promoted: {sum(not g.ok for g in result.gates)} gate(s) failed")
    elif result.unchanged:
        lines.append(
            f"nothing to do: {result.model}@{result.version} is already in stage '{result.stage}'"
        )
    elif result.dry_run:
        lines.append(f"dry run: would create {result.tag}: {result.stage} -> {result.version}{was}")
    else:
        pushed = " (pushed)" if result.pushed else ""
        lines.append(
            f"{result.model} {result.stage} -> {result.version}{was}: {result.tag}{pushed}"
        )
    return "\n".join(lines)


def registry_view_text(result: RegistryView) -> str:
    if not result.models:
        return "no registered models yet: create one with 'mlvc release'"
    lines = []
    for model in result.models:
        stages = ", ".join(f"{s}={v}" for s, v in model.stages.items()) or "none"
        lines.append(f"{model.name}  latest {model.latest or '-'}  stages: {stages}")
        keys = sorted({k for v in model.versions for k in v.metrics})
        header = f"  {'version':<14}{'created':<27}{'commit':<10}{'stages':<18}" + "".join(
            f"{k[:12]:>13}" for k in keys
        )
        lines.append(header)
        for v in reversed(model.versions):
            stages = ",".join(v.stages) + ("" if v.active else " (deregistered)")
            metrics = "".join(f"{v.metrics.get(k, float('nan')):>13.4f}" for k in keys)
            lines.append(f"  {v.version:<14}{v.created:<27}{v.commit[:8]:<10}{stages:<18}{metrics}")
    return "\n".join(lines)


def registry_history_text(result: RegistryHistory) -> str:
    where = f" stage {result.stage}" if result.stage else ""
    if not result.events:
        return f"no registry events for {result.model}{where}"
    rows = [("timestamp", "event", "version", "stage", "commit", "tag")]
    rows += [
        (e.timestamp, e.event, e.version or "-", e.stage or "-", e.commit[:7], e.tag)
        for e in result.events
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in rows
    )


def checkout_result_text(result: CheckoutResult) -> str:
    lines = [f"restored {result.model}@{result.version}:"]
    lines += [f"  {path}  md5 {md5} (verified)" for path, md5 in result.files]
    return "\n".join(lines)
