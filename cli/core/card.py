"""Model cards: assemble a Hugging Face-format card from pipeline facts, and check one.

Pure functions. The card is Markdown with YAML front matter (license, tags,
datasets, library, ``model-index``) and a body with the nine sections of
Mitchell et al. (2019), "Model Cards for Model Reporting", plus "How to use". It
holds no timestamps, so the same facts always give the same bytes. Every sentence
is a pipeline fact or text from models/card.yaml: nothing names a dataset.

Over 400 lines for a reason: writing the card and checking it share one format (the
front matter's keys, the section names); kept together, they cannot drift apart.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from cli.core.documents import load_yaml

SECTIONS: tuple[str, ...] = (
    "Model details",
    "How to use",
    "Intended use",
    "Factors",
    "Metrics",
    "Evaluation data",
    "Training data",
    "Quantitative analyses",
    "Ethical considerations",
    "Caveats and recommendations",
)

CLASSIFICATION = "classification"
REGRESSION = "regression"

# Per task: the headline metrics of metrics/metrics.json (and of its ``baseline``), labelled.
HEADLINE_METRICS: dict[str, tuple[tuple[str, str], ...]] = {
    CLASSIFICATION: (
        ("accuracy", "Accuracy"),
        ("balanced_accuracy", "Balanced accuracy"),
        ("f1_macro", "Macro F1"),
        ("roc_auc", "ROC AUC"),
        ("roc_auc_ovr", "ROC AUC (one-vs-rest)"),
        ("log_loss", "Log loss"),
    ),
    REGRESSION: (
        ("rmse", "RMSE"),
        ("mae", "MAE"),
        ("r2", "R²"),
    ),
}
# Per task: the per-group metrics of metrics/slices.json, labelled.
SLICE_METRICS: dict[str, tuple[tuple[str, str], ...]] = {
    CLASSIFICATION: (
        ("accuracy", "accuracy"),
        ("balanced_accuracy", "balanced acc."),
        ("f1_macro", "macro F1"),
    ),
    REGRESSION: (("rmse", "RMSE"), ("mae", "MAE"), ("r2", "R²")),
}
# Metrics in the target's units: their gaps across groups are shown, never flagged against
# card.max_slice_gap, which is a share (accuracy, R²), not an amount of the target.
UNIT_METRICS = frozenset({"rmse", "mae"})
# The baseline of interface 3: fitted on the same training split as the model.
BASELINE_MODELS = {
    CLASSIFICATION: 'a `DummyClassifier(strategy="prior")`',
    REGRESSION: 'a `DummyRegressor(strategy="mean")`',
}


@dataclass(frozen=True)
class CardFacts:
    """Everything a card says, each fact read from a pipeline output or the human-written YAML."""

    name: str
    human: Mapping[str, Any]  # models/card.yaml, validated
    meta: Mapping[str, Any]  # models/model.meta.json
    metrics: Mapping[str, Any]  # metrics/metrics.json
    slices: Mapping[str, Mapping[str, Mapping[str, Any]]]  # metrics/slices.json
    data: Mapping[str, Any]  # summaries of the raw, train and test data
    lineage: Mapping[str, str]  # name -> md5
    max_slice_gap: float
    confidence: float
    ingest: Mapping[str, Any] | None = None  # data/validation.json's ``ingest``, when recorded
    version: str | None = None  # the registry version the card describes, when known

    @property
    def task(self) -> str:
        """``classification`` or ``regression``, as the train stage recorded it."""
        return str(self.meta.get("task", CLASSIFICATION))


@dataclass(frozen=True)
class Disparity:
    """Spread of one metric across the values of one slice column."""

    factor: str
    metric: str
    group_min: float
    group_max: float
    difference: float
    ratio: float | None
    flagged: bool


def z_score(confidence: float) -> float:
    """Two-sided standard-normal quantile for ``confidence`` (e.g. 0.95 → 1.96)."""
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(successes: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for a binomial proportion."""
    if n <= 0:
        return (0.0, 1.0)
    z = z_score(confidence)
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def disparities(
    slices: Mapping[str, Mapping[str, Mapping[str, Any]]],
    max_gap: float,
    task: str = CLASSIFICATION,
) -> list[Disparity]:
    """Per slice column and metric: group min, max, difference, ratio; flag gaps over ``max_gap``.

    Small slices take part (they are marked in the tables), the "(missing)" group does not.
    """
    rows: list[Disparity] = []
    for factor, groups in slices.items():
        for metric, _ in SLICE_METRICS.get(task, ()):
            values = [
                float(g[metric])
                for value, g in groups.items()
                if value != "(missing)" and g.get(metric) is not None
            ]
            if len(values) < 2:
                continue
            low, high = min(values), max(values)
            rows.append(
                Disparity(
                    factor=factor,
                    metric=metric,
                    group_min=round(low, 6),
                    group_max=round(high, 6),
                    difference=round(high - low, 6),
                    ratio=round(low / high, 6) if high else None,
                    flagged=high - low > max_gap and metric not in UNIT_METRICS,
                )
            )
    return rows


def front_matter(facts: CardFacts) -> dict[str, Any]:
    """The YAML metadata block, in the Hugging Face model-card format."""
    human, dataset = facts.human, facts.human["dataset"]
    metrics = [
        {"type": key, "value": facts.metrics[key], "name": label} for key, label in _headline(facts)
    ]
    kind = f"tabular-{facts.task}"
    return {
        "license": human["license"],
        "library_name": "sklearn",
        "tags": sorted({kind, "sklearn", "mlvc", *human.get("tags", [])}),
        "datasets": [dataset["id"]],
        "metrics": [m["type"] for m in metrics],
        "pipeline_tag": kind,
        "model-index": [
            {
                "name": facts.name,
                "results": [
                    {
                        "task": {"type": kind, "name": f"Tabular {facts.task}"},
                        "dataset": {
                            "type": dataset["id"],
                            "name": dataset["name"],
                            "split": "test",
                        },
                        "metrics": metrics,
                    }
                ],
            }
        ],
    }


def _headline(facts: CardFacts) -> list[tuple[str, str]]:
    """``(key, label)`` of the task's headline metrics that metrics/metrics.json holds."""
    return [
        (key, label)
        for key, label in HEADLINE_METRICS.get(facts.task, ())
        if facts.metrics.get(key) is not None
    ]


def _fmt(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_fmt(c) for c in row) + " |" for row in rows]
    return lines


def _bullets(items: Sequence[str]) -> list[str]:
    return [f"- {item}" for item in items] or ["- (none stated)"]


def _details(facts: CardFacts) -> list[str]:
    human, meta = facts.human, facts.meta
    owners = ", ".join(f"{o['name']} ({o['contact']})" for o in human["owners"])
    if facts.task == REGRESSION:
        target = f"- **Target:** column `{meta['target']}` (regression: a number per row)"
    else:
        target = f"- **Classes:** {', '.join(meta['classes'])} (target column `{meta['target']}`)"
    tag = f"{facts.name}@{facts.version}"
    version = [f"- **Version:** `{facts.version}` in the registry (git tag `{tag}`)"]
    lines = [
        human["description"].strip(),
        "",
        f"- **Model:** `{facts.name}`, a scikit-learn Pipeline (imputation and encoding inside, "
        f"so it predicts from raw columns) ending in `{meta['estimator']}`.",
        *(version if facts.version else []),
        f"- **Owners:** {owners}",
        f"- **License:** {human['license']}",
        target,
        "- **Features:** " + ", ".join(f"`{f['name']}` ({f['dtype']})" for f in meta["features"]),
        "- **Format:** skops archive (no pickle), loaded with an allowlist of trusted types.",
        "",
        "Hyperparameters (from `params.yaml`, as recorded when the model was trained):",
        "",
        *_table(["parameter", "value"], sorted(meta["hyperparameters"].items())),
        "",
        "Libraries: " + ", ".join(f"{k} {v}" for k, v in sorted(meta["libraries"].items())) + ".",
        "",
        "Lineage (md5, as DVC records them):",
        "",
        *_table(["artifact", "md5"], [(k, f"`{v}`") for k, v in facts.lineage.items()]),
    ]
    if human.get("citation"):
        lines += ["", f"Citation: {human['citation'].strip()}"]
    return lines


def _how_to_use(facts: CardFacts) -> list[str]:
    """Loading the released version: batch scoring, the HTTP service and the Python API."""
    version = facts.version or "VERSION"
    ref = f"{facts.name}@{version}"
    lines = [
        "Load a released version by its registry reference "
        f"(`{facts.name}@vX.Y.Z`, `{facts.name}#STAGE` or `{facts.name}@latest`):",
        "",
        f"- Score a table (CSV, Parquet or JSON Lines): `mlvc predict --model {ref} FILE`",
        f"- Serve it over HTTP: `mlvc serve --model {facts.name}#prod`",
        "- From Python, where `frame` is a pandas DataFrame with the feature columns above:",
        "",
        "```python",
        "from cli import api",
        "",  # ruff formats the Markdown's code blocks too: a blank line after the import
        f'model = api.resolve_model("{ref}")',
        "model.pipeline.predict(frame)",
        "```",
    ]
    if facts.version is None:
        lines += [
            "",
            "`VERSION` is a released version such as `v1.0.0`; `mlvc registry` lists them.",
        ]
    return lines


def _intended_use(facts: CardFacts) -> list[str]:
    use = facts.human["intended_use"]
    return [
        "Primary uses:",
        *_bullets(use["primary_uses"]),
        "",
        "Primary users:",
        *_bullets(use["primary_users"]),
        "",
        "Out of scope:",
        *_bullets(use["out_of_scope"]),
    ]


def _factors(facts: CardFacts) -> list[str]:
    names = ", ".join(f"`{name}`" for name in facts.slices)
    if names:
        lines = [f"Evaluation is disaggregated by {names} (`evaluate.slices` in `params.yaml`)."]
    else:
        lines = [
            "Evaluation is not disaggregated: `evaluate.slices` in `params.yaml` names no column."
        ]
    if facts.human.get("factors"):
        lines += ["", facts.human["factors"].strip()]
    return lines


def _metrics(facts: CardFacts) -> list[str]:
    level = round(facts.confidence * 100)
    baseline = facts.metrics.get("baseline")
    lines = [f"On the held-out test split ({facts.metrics['n']} rows):", ""]
    if isinstance(baseline, Mapping):
        rows = [(label, facts.metrics[key], baseline.get(key)) for key, label in _headline(facts)]
        lines += [
            *_table(["metric", "value", "baseline"], rows),
            "",
            f"Baseline: {BASELINE_MODELS.get(facts.task, 'a dummy model')} fitted on the same "
            "training split, scored on the same test rows.",
        ]
    else:
        rows = [(label, facts.metrics[key], None) for key, label in _headline(facts)]
        lines += _table(["metric", "value"], [row[:2] for row in rows])
    if facts.task == REGRESSION:
        return [
            *lines,
            "",
            "RMSE and MAE are in the target's units (lower is better); R² is the share of the "
            "target's variance the model explains (higher is better).",
        ]
    lines += [
        "",
        "Predicted class = highest predicted probability (no tuned threshold). "
        f"Uncertainty: {level}% Wilson score intervals for accuracy per slice. "
        "Per-class precision and recall:",
        "",
        *_table(
            ["class", "precision", "recall", "support"],
            [
                (c, v["precision"], v["recall"], v["support"])
                for c, v in facts.metrics.get("per_class", {}).items()
            ],
        ),
    ]
    return lines


def _balance(counts: Mapping[str, int]) -> str:
    total = sum(counts.values()) or 1
    return ", ".join(f"{k} {v} ({v / total:.0%})" for k, v in counts.items())


def _target_line(part: Mapping[str, Any]) -> str:
    """Class balance of a classification split, or the spread of a regression target."""
    if "class_counts" in part:
        return f"Class balance: {_balance(part['class_counts'])}."
    t = part["target"]
    return (
        f"Target: mean {_fmt(t['mean'])}, standard deviation {_fmt(t['std'])}, "
        f"from {_fmt(t['min'])} to {_fmt(t['max'])}."
    )


def _ingest_line(facts: CardFacts) -> list[str]:
    """The rows ingest dropped for a missing target, as data/validation.json records them."""
    ingest = facts.ingest
    if not ingest or "rows_dropped_missing_target" not in ingest:
        return []
    dropped, target = ingest["rows_dropped_missing_target"], facts.meta["target"]
    read = f"Ingest read {ingest.get('rows_read', 'n/a')} rows of `{ingest.get('source', 'n/a')}`"
    if not dropped:
        return ["", f"{read}; none lacked a value of the target `{target}`."]
    return [
        "",
        f"{read} and dropped {dropped} whose target `{target}` was missing; "
        f"{ingest.get('rows_written', 'n/a')} rows remain.",
    ]


def _data_section(facts: CardFacts, split: str) -> list[str]:
    data = facts.data
    part = data[split]
    lines = [
        f"{part['rows']} rows of `{data['raw']['path']}` "
        f"({data['raw']['rows']} rows, {data['raw']['columns']} columns), "
        f"split {data['split_note']}.",
        "",
        _target_line(part),
    ]
    if split == "train":
        missing = data["raw"]["missing"]
        described = ", ".join(f"`{k}` {v}" for k, v in missing.items() if v) or "none"
        dataset = facts.human["dataset"]
        lines += [
            "",
            f"Dataset: {dataset['name']}. {dataset['source'].strip()}",
            "",
            f"Missing values in the raw data: {described}; the model imputes them "
            "(median for numbers, a 'missing' category for text).",
            *_ingest_line(facts),
        ]
    return lines


def _group_row(facts: CardFacts, value: str, g: Mapping[str, Any]) -> tuple[Any, ...]:
    """One group of a slice table: n, (accuracy's interval), the task's metrics, a note."""
    metrics = [g.get(key) for key, _ in SLICE_METRICS.get(facts.task, ())]
    note = "small" if g.get("small") else ""
    if facts.task != CLASSIFICATION:
        return (value, g["n"], *metrics, note)
    low, high = wilson_interval(round(g["accuracy"] * g["n"]), g["n"], facts.confidence)
    return (value, g["n"], metrics[0], f"[{low:.3f}, {high:.3f}]", *metrics[1:], note)


def _slice_header(facts: CardFacts) -> list[str]:
    labels = [label for _, label in SLICE_METRICS.get(facts.task, ())]
    if facts.task == CLASSIFICATION:
        labels.insert(1, f"{round(facts.confidence * 100)}% CI")
    return ["value", "n", *labels, "note"]


def _quantitative(facts: CardFacts) -> list[str]:
    if not facts.slices:
        return [
            "No per-group figures: `evaluate.slices` in `params.yaml` names no column, "
            "so there are no slices to compare and no disparities to flag."
        ]
    lines: list[str] = []
    for factor, groups in facts.slices.items():
        rows = [_group_row(facts, value, g) for value, g in groups.items()]
        lines += [f"### By `{factor}`", "", *_table(_slice_header(facts), rows), ""]
    gaps = disparities(facts.slices, facts.max_slice_gap, facts.task)
    lines += [
        "### Disparities",
        "",
        f"Per factor and metric: group minimum, maximum, difference and ratio (min/max). "
        f"Differences above {facts.max_slice_gap} (`card.max_slice_gap`) are flagged"
        + (
            "; RMSE and MAE are in the target's units, so their differences are not."
            if facts.task == REGRESSION
            else "."
        ),
        "",
        *_table(
            ["factor", "metric", "min", "max", "difference", "ratio", "flag"],
            [
                (
                    d.factor,
                    d.metric,
                    d.group_min,
                    d.group_max,
                    d.difference,
                    d.ratio,
                    "**over threshold**" if d.flagged else "",
                )
                for d in gaps
            ],
        ),
        "",
        "Slices marked *small* have fewer test rows than `evaluate.min_slice_size`; "
        + (
            "read their figures with their wide intervals in mind."
            if facts.task == CLASSIFICATION
            else "read their figures with their few rows in mind."
        ),
    ]
    return lines


def _ethics(facts: CardFacts) -> list[str]:
    items = facts.human["ethical_considerations"]
    return _bullets([f"**{e['name']}.** {e['mitigation']}" for e in items])


def _caveats(facts: CardFacts) -> list[str]:
    flagged = [d for d in disparities(facts.slices, facts.max_slice_gap, facts.task) if d.flagged]
    lines = _bullets(list(facts.human["caveats"]))
    if flagged:
        lines.append(
            "- Metric gaps over the threshold: "
            + "; ".join(f"{d.metric} by `{d.factor}` ({d.difference:.3f})" for d in flagged)
            + "."
        )
    return lines


def render_card(facts: CardFacts) -> str:
    """The whole card: YAML front matter, then the nine sections."""
    meta_block = yaml.safe_dump(front_matter(facts), sort_keys=False, allow_unicode=True)
    builders: tuple[Callable[[CardFacts], list[str]], ...] = (
        _details,
        _how_to_use,
        _intended_use,
        _factors,
        _metrics,
        lambda f: _data_section(f, "test"),
        lambda f: _data_section(f, "train"),
        _quantitative,
        _ethics,
        _caveats,
    )
    body = [f"# Model card: {facts.name}", ""]
    body.append(
        "<!-- Generated by `mlvc card build` (the `card` stage) from the pipeline's outputs "
        "and models/card.yaml. Edit those, not this file. -->"
    )
    for title, build in zip(SECTIONS, builders, strict=True):
        body += ["", f"## {title}", "", *build(facts)]
    return f"---\n{meta_block}---\n\n" + "\n".join(body).rstrip() + "\n"


# --- checking a card ---------------------------------------------------------

BOM = "\ufeff"
_FRONT_MATTER = re.compile(r"\A---\n(.*?\n)---\n", re.S)


@dataclass(frozen=True)
class CardProblem:
    """One way a card falls short: a front-matter violation or a missing section."""

    where: str  # "front matter: model-index.0.name" or "section: Metrics"
    message: str


def split_card(text: str) -> tuple[Any, str] | None:
    """``(front matter, body)``, or None when the card has no front matter block.

    A leading UTF-8 byte-order mark (which some Windows editors write) is not part of
    the card: the front matter starts after it.
    """
    text = text.removeprefix(BOM)
    match = _FRONT_MATTER.match(text)
    if not match:
        return None
    return load_yaml(match.group(1)), text[match.end() :]


def check_card(text: str, schema: Mapping[str, Any]) -> list[CardProblem]:
    """Every problem of a card: front matter against ``schema`` and the required sections.

    Raises ``yaml.YAMLError`` for front matter that is not YAML, and
    ``cli.core.documents.ParseLimitExceeded`` for front matter nested too deeply
    or whose aliases expand too far.
    """
    from jsonschema import Draft202012Validator

    split = split_card(text)
    if split is None:
        return [CardProblem("front matter", "missing: the card must start with a '---' YAML block")]
    document, body = split
    problems = [
        CardProblem(
            "front matter: " + (".".join(str(p) for p in error.absolute_path) or "(top level)"),
            error.message,
        )
        for error in sorted(
            Draft202012Validator(schema).iter_errors(document), key=lambda e: list(e.absolute_path)
        )
    ]
    headings = {m.strip().lower() for m in re.findall(r"^## (.+)$", body, re.M)}
    problems += [
        CardProblem(f"section: {title}", f"missing '## {title}' heading")
        for title in SECTIONS
        if title.lower() not in headings
    ]
    return problems
