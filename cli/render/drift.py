"""Text and Markdown renderings of a :class:`cli.results.drift.DriftReport`.

JSON needs no renderer of its own (the generic converter in :mod:`cli.render`).
"""

from __future__ import annotations

from cli.results.drift import DRIFT, LARGE, MISSING, WARNING, ColumnDrift, DriftReport, Statistic


def _num(value: float) -> str:
    return f"{value:.4g}"


def _rate(rate: float | None) -> str:
    return "-" if rate is None else f"{100 * rate:.1f}%"


def _missing(row: ColumnDrift) -> str:
    if row.reference_missing_rate is None and row.current_missing_rate is None:
        return ""
    return f"{_rate(row.reference_missing_rate)} -> {_rate(row.current_missing_rate)}"


def _find(row: ColumnDrift, test: str) -> Statistic | None:
    return next((s for s in row.statistics if s.test == test), None)


def _psi(row: ColumnDrift) -> str:
    found = _find(row, "psi")
    return _num(found.value) if found else "-"


def _test(row: ColumnDrift) -> str:
    """The sample-size test of a column: KS or chi-squared (p-values), or a distance."""
    for s in row.statistics:
        if s.test in ("psi", "missing_rate_change"):
            continue
        if s.p_value is not None:
            return f"{s.test} {_num(s.value)} p={_num(s.p_value)}"
        return f"{s.test} {_num(s.value)}"
    return "-"


def _status(row: ColumnDrift) -> str:
    if row.status == MISSING:
        return "MISSING"
    if row.status == DRIFT:
        return f"DRIFT ({', '.join(row.triggers)})"
    return row.status


def _method(report: DriftReport) -> str:
    limit = report.policy.small_sample_rows
    if report.method == LARGE:
        return f"distances (the reference has more than {limit} rows)"
    return f"p-value tests (the reference has at most {limit} rows)"


ORDER = ("psi", "ks", "chi_squared", "wasserstein_normed", "jensen_shannon", "missing_rate_change")


def _rules(report: DriftReport) -> list[str]:
    rules: dict[str, str] = {}
    rows = [*report.columns, *([report.prediction] if report.prediction else [])]
    for row in rows:
        for s in row.statistics:
            rules.setdefault(s.test, s.rule)
    if "psi" in rules:
        rules["psi"] += (
            f" ({report.policy.psi_bins} bins at reference quantiles for numeric columns, one "
            f"bin per value otherwise; an empty bin counts as {report.policy.psi_epsilon:g})"
        )
    known = [t for t in ORDER if t in rules] + sorted(set(rules) - set(ORDER))
    return [f"{test}: {rules[test]}" for test in known]


def _notes(report: DriftReport) -> list[tuple[str, str]]:
    rows = [*report.columns, *([report.prediction] if report.prediction else [])]
    return [(row.column, note) for row in rows for note in row.notes]


def _unlabelled(target: str) -> str:
    return (
        f"target column {target!r} is not in the current file (an unlabelled batch): not compared"
    )


def _summary(report: DriftReport) -> str:
    return (
        f"{report.drifted_columns} of {report.compared_columns} columns drifted "
        f"({100 * report.share_drifted:.1f}%); the dataset drifts at >= "
        f"{100 * report.policy.drift_share:g}%"
    )


def _verdict(report: DriftReport) -> str:
    parts = ["the dataset drifted" if report.dataset_drift else "no dataset drift"]
    if report.prediction is not None:
        state = "drifted" if report.prediction.drifted else report.prediction.status
        parts.append(f"predicted classes {state} (psi {_psi(report.prediction)})")
    return f"{'OK' if report.ok else 'DRIFT'} ({'; '.join(parts)})"


def drift_report_text(report: DriftReport) -> str:
    rows = [*report.columns, *([report.prediction] if report.prediction else [])]
    table = [("column", "kind", "status", "psi", "test", "missing")]
    table += [(r.column, r.kind, _status(r), _psi(r), _test(r), _missing(r)) for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    lines = [
        f"drift of {report.current} ({report.current_rows} rows) against {report.reference} "
        f"({report.reference_rows} rows)",
        f"method: {_method(report)}",
        "",
    ]
    lines += [
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in table
    ]
    rules = _rules(report)
    if rules:
        lines += ["", "tests:"] + [f"  {rule}" for rule in rules]
    notes = _notes(report)
    if notes:
        lines += ["notes:"] + [f"  {column}: {note}" for column, note in notes]
    if report.extra_columns:
        lines.append(f"only in the current file (not compared): {', '.join(report.extra_columns)}")
    if report.unlabelled_target is not None:
        lines.append(_unlabelled(report.unlabelled_target))
    lines += [_summary(report), f"verdict: {_verdict(report)}"]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _icon(row: ColumnDrift) -> str:
    return {DRIFT: "❌ ", MISSING: "❌ ", WARNING: "⚠️ "}.get(row.status, "")


def drift_report_markdown(report: DriftReport) -> str:
    icon = "✅" if report.ok else "❌"
    lines = [
        f"### {icon} Data drift: `{report.current}` against `{report.reference}`",
        "",
        f"**{_verdict(report)}**. {_summary(report)}. "
        f"Rows: {report.reference_rows} reference, {report.current_rows} current. "
        f"Method: {_method(report)}.",
        "",
        "| column | kind | status | psi | test | missing |",
        "|---|---|---|---|---|---|",
    ]
    rows = [*report.columns, *([report.prediction] if report.prediction else [])]
    lines += [
        f"| `{_cell(r.column)}` | {r.kind} | {_icon(r)}{_cell(_status(r))} | {_psi(r)} | "
        f"{_test(r)} | {_missing(r)} |"
        for r in rows
    ]
    rules = [rule.split(": ", 1) for rule in _rules(report)]
    if rules:
        lines += ["", "Tests:", *[f"- `{test}`: {rule}" for test, rule in rules]]
    notes = _notes(report)
    if notes:
        lines += ["", "Notes:", *[f"- `{_cell(column)}`: {_cell(note)}" for column, note in notes]]
    if report.extra_columns:
        extra = ", ".join(f"`{c}`" for c in report.extra_columns)
        lines += ["", f"Only in the current file (not compared): {extra}"]
    if report.unlabelled_target is not None:
        lines += ["", _cell(_unlabelled(report.unlabelled_target))]
    return "\n".join(lines)
