"""The files ``mlvc init`` writes, as text: params.yaml sections, card.yaml, dvc.yaml edits.

Text in, text out. ``params.yaml`` keeps every section it does not decide (comments
included): only ``data``, ``ingest``, ``evaluate``, ``release`` and ``report`` are
replaced, and ``train.estimator``'s value. ``dvc.yaml`` keeps everything but the model
artifact's entry.
"""

from __future__ import annotations

import json
import re
from typing import Any

from cli.core.adopt.columns import CATEGORICAL, DATETIME, EXCLUDED, NUMERIC, Decisions

REPLACED = ("data", "ingest", "evaluate", "release", "report")
TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*):")


def flow(values: list[str] | tuple[str, ...]) -> str:
    """A YAML flow list whose items are JSON strings (valid YAML, any column name)."""
    return "[" + ", ".join(json.dumps(v) for v in values) + "]"


def yaml_list(key: str, values: list[str] | tuple[str, ...], *, indent: str = "  ") -> str:
    """``key: [...]`` on one line when short, else one item per line."""
    line = f"{indent}{key}: {flow(values)}"
    if len(line) <= 88:
        return line
    return "\n".join([f"{indent}{key}:", *(f"{indent}  - {json.dumps(v)}" for v in values)])


def data_section(d: Decisions, *, name: str) -> str:
    """The ``data`` section, with why each column has its role."""
    lines = [
        "data:",
        "  # the dataset's name: the ingest stage writes data/raw/<name>.csv",
        f"  name: {json.dumps(name)}",
        f"  target: {json.dumps(d.target)}",
        f"  # classification | regression; mlvc init chose: {d.task_reason}",
        f"  task: {d.task}",
        yaml_list("numeric_features", d.columns(NUMERIC)),
        yaml_list("categorical_features", d.columns(CATEGORICAL)),
        "  # date/datetime columns expanded into calendar parts inside the model pipeline",
        yaml_list("datetime_features", d.columns(DATETIME)),
    ]
    excluded = [r for r in d.roles if r.role == EXCLUDED]
    if excluded:
        lines.append("  # excluded by mlvc init (add a column to a list above to use it):")
        lines += [f"  #   {r.column}: {r.reason}" for r in excluded]
    return "\n".join(lines) + "\n"


def ingest_section(source: str, *, years: list[int] | None) -> str:
    """The ``ingest`` section pointing at the adopted file."""
    return (
        "ingest:\n"
        "  # 'palmerpenguins' (bundled, offline) or a file under data/external/\n"
        f"  source: {json.dumps(source)}\n"
        "  # values of the 'year' column to keep; null keeps every row\n"
        f"  years: {'null' if years is None else '[' + ', '.join(map(str, years)) + ']'}\n"
    )


def evaluate_section(d: Decisions, *, min_slice_size: int) -> str:
    """The ``evaluate`` section: the chosen slices (categorical, 2-20 values, never the target)."""
    why = (
        "categorical features with 2-20 values (at most 3), chosen by mlvc init"
        if d.slices
        else "none: no categorical feature has 2-20 values"
    )
    return (
        "evaluate:\n"
        f"  # slices: {why}\n"
        f"  slices: {flow(d.slices)}\n"
        '  # slices with fewer test rows than this are marked "small" in reports\n'
        f"  min_slice_size: {min_slice_size}\n"
    )


def gate(metric: str, *, higher: bool, change: float | None = None) -> str:
    """One gate in flow style."""
    parts = [f"metric: {metric}", f"higher_is_better: {'true' if higher else 'false'}"]
    if change is not None:
        parts.append(f"min_absolute_change: {change}")
    return "{" + ", ".join(parts) + "}"


def headline(d: Decisions) -> tuple[str, str]:
    """The task's main metric (higher is better) and its loss (lower is better)."""
    return ("balanced_accuracy", "log_loss") if d.task == "classification" else ("r2", "rmse")


def release_section(d: Decisions, *, stages: list[str]) -> str:
    """Release gates on the task's metric names, measured against the latest release."""
    main, loss = headline(d)
    return (
        "# Read by `mlvc release` and `mlvc promote`, not by any stage (MLflow-style thresholds).\n"
        "release:\n"
        "  # a version reaches a stage only after the one before it\n"
        f"  stages: {flow(stages)}\n"
        "  # gates before tagging a release; changes are measured against the latest release.\n"
        "  # Add 'threshold: <value>' once you know what is good enough for this data.\n"
        "  gates:\n"
        f"    - {gate(main, higher=True, change=-0.02)}\n"
        f"    - {gate(loss, higher=False)}\n"
        "    # the model must beat a dummy one on the same split (metrics.json's baseline)\n"
        f"    - {{metric: {main}, beats_baseline: true}}\n"
        "  # extra gates per stage, checked on the version's recorded metrics when promoting\n"
        "  promotion:\n"
        "    prod:\n"
        f"      - {gate(main, higher=True)}\n"
    )


def tolerances(d: Decisions, *, target_std: float) -> dict[str, float]:
    """``report.tolerances`` for the task's metrics (error metrics scaled to the target)."""
    if d.task == "classification":
        auc = "roc_auc" if d.classes == 2 else "roc_auc_ovr"
        return {
            "accuracy": 0.01,
            "balanced_accuracy": 0.01,
            "f1_macro": 0.01,
            auc: 0.01,
            "log_loss": 0.05,
        }
    scale = float(f"{0.05 * target_std:.2g}") if target_std > 0 else 0.0
    return {"rmse": scale, "mae": scale, "r2": 0.01}


def report_section(d: Decisions, *, target_std: float) -> str:
    """The ``report`` section: regression tolerances per metric of the task."""
    lines = [
        "# Read by `mlvc report --fail-on-regression`, not by any stage: the largest change in",
        "# the worse direction each metric of metrics/metrics.json may take.",
        "report:",
        "  tolerances:",
    ]
    if d.task == "regression":
        lines.append("    # rmse and mae in the target's units: 5% of its standard deviation")
    lines += [f"    {k}: {v}" for k, v in tolerances(d, target_std=target_std).items()]
    return "\n".join(lines) + "\n"


def split_sections(text: str) -> list[tuple[str | None, str]]:
    """``text`` cut into (top-level key, block) pairs; comments above a key belong to it."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if TOP_KEY.match(line)]
    cuts = []
    for start in starts:
        cut = start
        while cut > 0 and (lines[cut - 1].startswith("#") or not lines[cut - 1].strip()):
            cut -= 1
        while cut < start and not lines[cut].strip():  # blank lines stay with the block above
            cut += 1
        cuts.append(cut)
    blocks: list[tuple[str | None, str]] = []
    bounds = [0, *cuts, len(lines)]
    keys: list[str | None] = [None]
    for start in starts:
        match = TOP_KEY.match(lines[start])
        keys.append(match.group(1) if match else None)
    for key, low, high in zip(keys, bounds, bounds[1:], strict=False):
        blocks.append((key, "".join(lines[low:high])))
    return blocks


def set_estimator(block: str, estimator: str) -> str:
    """The ``train`` block with ``estimator:`` set (its other lines kept)."""
    return re.sub(r"(?m)^(  estimator:) *\S.*$", rf"\g<1> {estimator}", block, count=1)


def params_text(current: str, sections: dict[str, str], *, estimator: str) -> str:
    """``current`` params.yaml with ``sections`` replaced and ``train.estimator`` set."""
    out = []
    for key, block in split_sections(current):
        if key in sections:
            trailing = block[len(block.rstrip("\n")) :]
            out.append(sections[key].rstrip("\n") + (trailing if trailing != "\n" else "\n"))
        elif key == "train":
            out.append(set_estimator(block, estimator))
        else:
            out.append(block)
    return "".join(out)


def artifact_text(current: str, *, name: str, description: str, task: str) -> str:
    """``dvc.yaml`` with its one model artifact renamed and described (all else kept)."""
    match = re.search(r"(?ms)^artifacts:\n(.*?)(?=^\S|\Z)", current)
    if match is None:
        return current.rstrip("\n") + "\n\n" + artifact_block(name, description, task)
    return (
        current[: match.start()] + artifact_block(name, description, task) + current[match.end() :]
    )


def plots_text(current: str, plots: list[dict[str, Any]]) -> str:
    """``dvc.yaml`` with the evaluate stage's ``plots:`` block replaced by ``plots``.

    The block runs from the evaluate stage's ``    plots:`` line up to the next line that
    is indented four spaces or less and not blank (the stage's next key, the next stage
    or a top-level key); blank lines before that line are kept.
    """
    stage = re.search(r"(?m)^  evaluate:\n", current)
    block = re.compile(r"(?m)^    plots:.*\n(?:      .*\n)*")
    match = block.search(current, stage.end()) if stage else None
    if match is None:
        return current
    return current[: match.start()] + plots_block(plots) + current[match.end() :]


def plots_block(plots: list[dict[str, Any]]) -> str:
    """The evaluate stage's ``plots:`` block, one ``- FILE:`` item per plot with its settings."""
    lines = ["    plots:  # per task: cli.core.plots.plots_section(data.task)"]
    for plot in plots:
        for path, settings in plot.items():
            lines.append(f"      - {path}:")
            lines.extend(f"          {key}: {_scalar(value)}" for key, value in settings.items())
    return "\n".join(lines) + "\n"


_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9 _().,/-]*")


def _scalar(value: Any) -> str:
    """A YAML scalar: plain when it reads back as the same string, else JSON (valid YAML)."""
    if isinstance(value, str) and _PLAIN.fullmatch(value) and value not in ("true", "false"):
        return value
    return json.dumps(value)


def artifact_block(name: str, description: str, task: str) -> str:
    """The ``artifacts:`` block for the model."""
    return (
        "artifacts:\n"
        f"  {name}:\n"
        "    path: models/model.skops\n"
        "    type: model\n"
        f"    desc: {json.dumps(description)}\n"
        f"    labels: [tabular, {task}, scikit-learn]\n"
    )


def todo(text: str) -> str:
    """A value only a person can write, marked for ``mlvc card check``."""
    return f"TODO: {text}"


def card_document(
    *, dataset: str, description: str, source: str, origin: str | None, task: str
) -> dict[str, Any]:
    """``models/card.yaml`` for an adopted dataset: facts from the file, TODOs for a person."""
    return {
        "description": f"A {task} model trained on the {dataset} data. {description}",
        "owners": [{"name": todo("who owns this model"), "contact": todo("how to reach them")}],
        "license": "other",
        "tags": [dataset, task],
        "dataset": {
            "id": dataset,
            "name": dataset,
            "source": source if origin is None else f"{source}, copied by mlvc init from {origin}",
        },
        "intended_use": {
            "primary_uses": [todo("what this model is for")],
            "primary_users": [todo("who uses its predictions")],
            "out_of_scope": [todo("uses this model must not be put to")],
        },
        "ethical_considerations": [
            {
                "name": todo("risks to people affected by its predictions"),
                "mitigation": todo("how those risks are reduced"),
            }
        ],
        "caveats": [todo("known limitations of the data and the model")],
    }


CARD_HEADER = (
    "# Human-written parts of the model card, written by `mlvc init` for this dataset.\n"
    "# Replace every 'TODO:' value (`mlvc card check` lists those left); everything else\n"
    "# in models/README.md is read from the pipeline's outputs by the `card` stage.\n"
    "# Schema: cli/schemas/card_input.schema.json\n"
)
