"""Text and Markdown renderings of a :class:`cli.results.monitor.MonitorReport`.

JSON needs no renderer of its own (the generic converter in :mod:`cli.render`).
"""

from __future__ import annotations

from cli.results.drift import ColumnDrift, DriftReport
from cli.results.monitor import MonitorReport, Staleness


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.4g}"


def _column(row: ColumnDrift) -> str:
    """One column's status and the tests that said drift."""
    if row.drifted:
        return f"DRIFT ({', '.join(row.triggers) or row.status})"
    return row.status


def _drift_rows(report: DriftReport) -> list[tuple[str, str]]:
    return [(row.column, _column(row)) for row in report.columns]


def _age(item: Staleness) -> str:
    limit = "no limit" if item.max_days is None else f"limit {item.max_days:g} days"
    days = "unknown" if item.days is None else f"{item.days:g} days"
    flag = "STALE" if item.stale else "ok"
    since = f" (since {item.since})" if item.since else ""
    return f"{flag}: {days}{since}, {limit}"


def _header(report: MonitorReport) -> list[str]:
    stage = f" ({report.stage})" if report.stage else ""
    since = f" since {report.since}" if report.since else ""
    return [
        f"{report.model}@{report.version}{stage}, commit {(report.commit or '-')[:12]}",
        f"prediction log: {report.logged_rows} rows{since}; task: {report.task}",
    ]


def _verdict(report: MonitorReport) -> list[str]:
    if report.ok:
        return ["verdict: ok"]
    return ["verdict: FINDINGS", *[f"  - {line}" for line in report.findings]]


def monitor_report_text(report: MonitorReport) -> str:
    """Header, skew per column, predictions, staleness, non-finite outputs, live metrics."""
    lines = _header(report)
    skew = report.skew
    lines.append(
        f"training/serving skew ({skew.reference_rows} training rows vs {skew.current_rows} "
        f"logged; {skew.drifted_columns}/{skew.compared_columns} columns drifted):"
    )
    lines += [f"  {column:<24} {status}" for column, status in _drift_rows(skew)]
    lines += [
        f"  {column:<24} not logged (monitoring.exclude_columns)" for column in report.unlogged
    ]
    if report.predictions is not None:
        row = report.predictions.columns[0]
        lines.append(f"predictions (test split vs log): {_column(row)}")
    else:
        lines.append("predictions: no test split recorded at the release tag")
    lines += [f"{s.what} age: {_age(s)}" for s in report.staleness]
    if report.non_finite:
        lines += [
            f"non-finite: {n.column} in {n.count} rows (first: {', '.join(map(str, n.rows))})"
            for n in report.non_finite
        ]
    else:
        lines.append("non-finite outputs: none")
    if report.live is not None:
        live = report.live
        lines.append(f"live metrics ({live.matched} logged rows labelled of {live.rows} labels):")
        lines += [
            f"  {name:<20} {_num(value)} (release: {_num(live.recorded.get(name))})"
            for name, value in live.metrics.items()
            if name != "n"
        ]
        lines += [f"  {'ok  ' if c.ok else 'FAIL'} {c.gate}: {c.detail}" for c in live.checks]
    return "\n".join(lines + _verdict(report))


def monitor_report_markdown(report: MonitorReport) -> str:
    """The same content as tables, for a pull request or a job summary."""
    title = "ok" if report.ok else "findings"
    lines = [f"### Monitoring: {report.model}@{report.version} ({title})", ""]
    lines += [f"- {line}" for line in _header(report)]
    lines += ["", "| column | skew |", "| --- | --- |"]
    lines += [f"| `{c}` | {s} |" for c, s in _drift_rows(report.skew)]
    lines += [f"| `{c}` | not logged (`monitoring.exclude_columns`) |" for c in report.unlogged]
    if report.predictions is not None:
        lines += ["", f"Predictions (test split vs log): {_column(report.predictions.columns[0])}"]
    lines += ["", "| age of | days | limit | status |", "| --- | --- | --- | --- |"]
    lines += [
        f"| {s.what} | {_num(s.days)} | {_num(s.max_days)} | {'STALE' if s.stale else 'ok'} |"
        for s in report.staleness
    ]
    for n in report.non_finite:
        lines += ["", f"Non-finite values in `{n.column}`: {n.count} rows"]
    if report.live is not None:
        lines += ["", "| live metric | value | release |", "| --- | --- | --- |"]
        lines += [
            f"| {k} | {_num(v)} | {_num(report.live.recorded.get(k))} |"
            for k, v in report.live.metrics.items()
            if k != "n"
        ]
        lines += [""] + [
            f"- {'ok' if c.ok else '**FAIL**'} {c.gate}: {c.detail}" for c in report.live.checks
        ]
    if not report.ok:
        lines += ["", "**Findings**", ""] + [f"- {f}" for f in report.findings]
    return "\n".join(lines)
