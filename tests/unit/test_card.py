"""Model card assembly and checking: golden file, intervals, disparities, section checks."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from cli import paths
from cli.core.card import (
    SECTIONS,
    CardFacts,
    check_card,
    disparities,
    render_card,
    split_card,
    wilson_interval,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "card"
GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "model_card.md"
SCHEMA = json.loads(paths.MODEL_CARD_SCHEMA.read_text())


def fixture_facts() -> CardFacts:
    facts = json.loads((FIXTURES / "facts.json").read_text())
    human = yaml.safe_load((FIXTURES / "card.yaml").read_text())
    return CardFacts(human=human, **facts)


def test_card_matches_golden_file() -> None:
    text = render_card(fixture_facts())
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text(), "rerun with UPDATE_GOLDEN=1 after an intended change"


def test_rendering_is_deterministic_and_timestamp_free() -> None:
    first, second = render_card(fixture_facts()), render_card(fixture_facts())
    assert first == second
    assert "2026" not in first and "date" not in split_card(first)[0]


def test_generated_card_passes_its_own_check() -> None:
    assert check_card(render_card(fixture_facts()), SCHEMA) == []


def test_front_matter_carries_the_metrics() -> None:
    meta, _ = split_card(render_card(fixture_facts()))
    (result,) = meta["model-index"][0]["results"]
    values = {m["type"]: m["value"] for m in result["metrics"]}
    assert values == {
        "accuracy": 0.9,
        "balanced_accuracy": 0.88,
        "f1_macro": 0.87,
        "roc_auc_ovr": 0.97,
        "log_loss": 0.31,
    }
    assert meta["license"] == "mit" and meta["library_name"] == "sklearn"


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        (11, 11, 0.741167, 1.0),  # by hand: centre 0.870584, half-width 0.129418
        (0, 10, 0.0, 0.277533),
        (5, 10, 0.236593, 0.763407),
    ],
)
def test_wilson_interval(successes: int, n: int, low: float, high: float) -> None:
    got = wilson_interval(successes, n, 0.95)
    assert got == pytest.approx((low, high), abs=1e-6)


def test_disparities_flag_gaps_and_skip_missing_group() -> None:
    rows = {(d.factor, d.metric): d for d in disparities(fixture_facts().slices, 0.1)}
    island = rows[("island", "accuracy")]
    assert (island.group_min, island.group_max, island.difference) == (0.8, 1.0, 0.2)
    assert island.ratio == 0.8 and island.flagged
    sex = rows[("sex", "accuracy")]  # "(missing)" at 0.5 is left out of the spread
    assert sex.difference == pytest.approx(0.011111) and not sex.flagged


def test_small_slices_are_marked_not_hidden() -> None:
    text = render_card(fixture_facts())
    assert "| Torgersen | 2 | 1.0000 |" in text and text.split("| Torgersen |")[1].split("\n")[
        0
    ].endswith("small |")


def test_check_lists_missing_sections_and_schema_problems() -> None:
    text = render_card(fixture_facts())
    meta, body = split_card(text)
    del meta["license"]
    meta["model-index"][0]["results"][0]["metrics"][0].pop("value")
    body = body.replace("## Factors", "## Things").replace("## Metrics", "## Numbers")
    broken = "---\n" + yaml.safe_dump(meta) + "---\n" + body
    problems = [(p.where, p.message) for p in check_card(broken, SCHEMA)]
    assert ("front matter: (top level)", "'license' is a required property") in problems
    assert (
        "front matter: model-index.0.results.0.metrics.0",
        "'value' is a required property",
    ) in problems
    assert ("section: Factors", "missing '## Factors' heading") in problems
    assert ("section: Metrics", "missing '## Metrics' heading") in problems
    assert len(problems) == 4


def test_card_without_front_matter() -> None:
    (problem,) = check_card("# just a title\n" + "".join(f"## {s}\n" for s in SECTIONS), SCHEMA)
    assert problem.where == "front matter"


def test_malformed_front_matter_raises_yaml_error() -> None:
    with pytest.raises(yaml.YAMLError):
        check_card("---\nlicense: [mit\n---\nbody\n", SCHEMA)
