"""Tag grammar, version bumps, shortcuts, gates and promotion order from tag records alone.

The integration tests check these through git and DVC (tests/integration/test_registry_api.py);
here the same rules run on plain values, in microseconds.
"""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli.core.registry import (
    Event,
    MetricGate,
    TagRecord,
    Version,
    build_state,
    build_states,
    check_metric_gates,
    check_promotion_order,
    parse_release_message,
    parse_shortcut,
    parse_tag,
    resolve_shortcut,
    stage_tag,
    version_order,
    version_tag,
)

NAME = "penguins-classifier"
SHA = "a" * 40


def record(tag: str, *, at: int = 1_000, message: str = "", commit: str = SHA) -> TagRecord:
    return TagRecord(tag, commit, at, message)


def released(*versions: str, metrics: dict[str, float] | None = None) -> list[TagRecord]:
    lines = "\n".join(f"metric.{k}: {v}" for k, v in (metrics or {}).items())
    return [
        record(f"{NAME}@{v}", at=1_000 + i, message=f"Registering {v}\n{lines}", commit=str(i) * 40)
        for i, v in enumerate(versions)
    ]


def promoted(records: list[TagRecord], version: str, *stages: str) -> list[TagRecord]:
    """Assign ``version`` to each stage in turn, with GTO's counter, one second apart."""
    counter = sum(1 for r in records if "#" in r.tag)
    commit = next(r.commit for r in records if r.tag == f"{NAME}@{version}")
    for stage in stages:
        counter += 1
        message = f"Assigning stage {stage} to artifact {NAME} version {version}"
        records = [
            *records,
            record(
                stage_tag(NAME, stage, counter), at=2_000 + counter, message=message, commit=commit
            ),
        ]
    return records


# --- tag grammar ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "event", "version", "stage", "counter"),
    [
        (f"{NAME}@v0.0.1", Event.registration, "v0.0.1", None, None),
        (f"{NAME}@v1.2.3-rc.1", Event.registration, "v1.2.3-rc.1", None, None),
        (f"{NAME}@v0.0.1!#4", Event.deregistration, "v0.0.1", None, 4),
        (f"{NAME}#prod#3", Event.assignment, None, "prod", 3),
        (f"{NAME}#prod!#7", Event.unassignment, None, "prod", 7),
        (f"{NAME}@deprecated#9", Event.deprecation, None, None, 9),
        ("nested/model@v2.0.0", Event.registration, "v2.0.0", None, None),
    ],
)
def test_registry_tags_parse_to_their_event(
    tag: str, event: Event, version: str | None, stage: str | None, counter: int | None
) -> None:
    parsed = parse_tag(record(tag))
    assert parsed is not None
    assert (parsed.event, parsed.version, parsed.stage, parsed.counter) == (
        event,
        version,
        stage,
        counter,
    )


@pytest.mark.parametrize(
    "tag",
    ["v1.0.0", f"{NAME}@1.0.0", f"{NAME}@v1.0", f"{NAME}#prod", f"{NAME}#-prod#1", "-m@v1.0.0"],
)
def test_tags_outside_the_grammar_are_not_registry_events(tag: str) -> None:
    assert parse_tag(record(tag)) is None


def test_tag_builders_write_what_the_parser_reads() -> None:
    assert version_tag(NAME, Version.parse("1.2.3")) == f"{NAME}@v1.2.3"
    assert stage_tag(NAME, "prod", 3) == f"{NAME}#prod#3"
    assert stage_tag(NAME, "prod", 7, unassign=True) == f"{NAME}#prod!#7"
    for tag in (f"{NAME}@v1.2.3", f"{NAME}#prod#3", f"{NAME}#prod!#7"):
        assert parse_tag(record(tag)) is not None


# --- versions -------------------------------------------------------------------------


def test_versions_order_by_semver_precedence() -> None:
    texts = ["1.0.0", "1.0.0-rc.1", "0.9.10", "1.0.0-alpha", "0.10.0", "1.0.0-rc.2"]
    ordered = [str(v) for v in sorted(map(Version.parse, texts))]
    assert ordered == ["v0.9.10", "v0.10.0", "v1.0.0-alpha", "v1.0.0-rc.1", "v1.0.0-rc.2", "v1.0.0"]


NUMBER = st.integers(0, 10**6).map(str)
IDENTIFIER = st.one_of(NUMBER, st.from_regex(r"[0-9]*[a-zA-Z-][0-9a-zA-Z-]*", fullmatch=True))
SEMVER_TEXT = st.builds(
    lambda core, pre, build: "v" + ".".join(core) + pre + build,
    st.lists(NUMBER, min_size=3, max_size=3),
    st.one_of(
        st.just(""), st.lists(IDENTIFIER, min_size=1, max_size=3).map(lambda p: "-" + ".".join(p))
    ),
    st.one_of(st.just(""), st.from_regex(r"\+[0-9a-zA-Z-]+", fullmatch=True)),
)


@given(st.lists(SEMVER_TEXT, min_size=1, max_size=8))
def test_version_order_sorts_as_version_does(texts: list[str]) -> None:
    def reference(text: str) -> tuple[object, ...]:
        version = Version.parse(text)
        return (version.major, version.minor, version.patch, version.prerelease)

    for text in texts:
        assert version_order(text) == reference(text)
    assert sorted(texts, key=version_order) == sorted(texts, key=Version.parse)


@pytest.mark.parametrize(
    ("start", "part", "expected"),
    [
        ("0.0.1", "patch", "v0.0.2"),
        ("0.0.1", "minor", "v0.1.0"),
        ("0.1.5", "major", "v1.0.0"),
        ("2.0.0", "patch", "v2.0.1"),
        ("1.0.0-rc.1", "patch", "v1.0.0"),  # a pre-release's patch is its release
    ],
)
def test_bumps(start: str, part: str, expected: str) -> None:
    assert str(Version.parse(start).bump(part)) == expected


def test_the_next_release_bumps_the_highest_registered_version() -> None:
    state = build_state(NAME, released("v0.0.1", "v2.0.0", "v0.1.0"))
    highest = max(Version.parse(v.version) for v in state.versions)
    assert str(highest.bump("patch")) == "v2.0.1"
    assert state.latest is not None and state.latest.version == "v2.0.0"


@pytest.mark.parametrize("text", ["1.0", "v1", "01.0.0", "1.0.0.0", ""])
def test_a_version_that_is_not_semver_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="is not a SemVer version"):
        Version.parse(text)


def test_a_bump_must_be_major_minor_or_patch() -> None:
    with pytest.raises(ValueError, match="bump must be major, minor or patch, not 'micro'"):
        Version.parse("1.0.0").bump("micro")


# --- shortcuts ------------------------------------------------------------------------


def test_shortcuts_parse_and_resolve_against_the_state() -> None:
    records = promoted(released("v0.0.1", "v0.0.2"), "v0.0.1", "dev", "staging", "prod")
    state = build_state(NAME, records)
    assert resolve_shortcut(state, parse_shortcut(f"{NAME}#prod")) == "v0.0.1"
    assert resolve_shortcut(state, parse_shortcut(f"{NAME}#dev")) == "v0.0.1"
    assert resolve_shortcut(state, parse_shortcut(f"{NAME}@latest")) == "v0.0.2"
    assert resolve_shortcut(state, parse_shortcut(f"{NAME}@greatest")) == "v0.0.2"
    assert resolve_shortcut(state, parse_shortcut(f"{NAME}@v0.0.1")) == "v0.0.1"
    assert resolve_shortcut(state, parse_shortcut(f"{NAME}@0.0.2")) == "v0.0.2"
    assert resolve_shortcut(state, parse_shortcut(f"{NAME}#qa")) is None


@pytest.mark.parametrize("text", [NAME, f"{NAME}@", f"{NAME}@v1.0", f"{NAME}#", "@v1.0.0"])
def test_a_shortcut_outside_the_grammar_is_refused(text: str) -> None:
    with pytest.raises(
        ValueError, match=re.escape("is not NAME@vX.Y.Z, NAME@latest or NAME#STAGE")
    ):
        parse_shortcut(text)


# --- the fold -------------------------------------------------------------------------


def test_the_fold_counts_stage_tags_and_tracks_history() -> None:
    records = promoted(released("v0.0.1", "v0.0.2"), "v0.0.1", "dev", "staging", "prod")
    records = promoted(records, "v0.0.2", "dev")
    state = build_state(NAME, records)
    assert state.next_counter == 5
    assert state.stages == {"dev": "v0.0.2", "staging": "v0.0.1", "prod": "v0.0.1"}
    assert state.history["dev"] == ("v0.0.1", "v0.0.2")
    assert state.holders["dev"] == ("v0.0.2", "v0.0.1")  # a rollback of dev goes to v0.0.1


def test_states_are_built_per_model_and_ignore_foreign_tags() -> None:
    records = [*released("v0.0.1"), record("other@v1.0.0"), record("v9.9.9")]
    states = build_states(records)
    assert list(states) == ["other", NAME]
    assert [v.version for v in states[NAME].versions] == ["v0.0.1"]


def test_release_messages_carry_their_metrics() -> None:
    message = "Registering\nmetric.accuracy: 0.97\nmetric.log_loss: 1e-3\nmetric.bad: e\nnote"
    assert parse_release_message(message) == {"accuracy": 0.97, "log_loss": 0.001}
    state = build_state(NAME, released("v0.0.1", metrics={"accuracy": 0.97}))
    assert state.versions[0].metrics["accuracy"] == 0.97


# --- gates ----------------------------------------------------------------------------

BALANCED = MetricGate("balanced_accuracy", threshold=0.9, min_absolute_change=-0.01)


def failed(results: list) -> dict[str, str]:
    return {r.gate: r.detail for r in results if not r.ok}


def test_threshold_and_change_against_the_latest_release() -> None:
    results = check_metric_gates(
        [BALANCED],
        {"balanced_accuracy": 0.5},
        {"balanced_accuracy": 0.97},
        baseline_label="v0.0.1",
    )
    problems = failed(results)
    assert problems["metric balanced_accuracy threshold"] == "0.5 >= 0.9"
    assert problems["metric balanced_accuracy change"].startswith("0.97 -> 0.5 vs v0.0.1: -0.47")


def test_a_good_version_passes_every_gate() -> None:
    results = check_metric_gates(
        [BALANCED], {"balanced_accuracy": 0.97}, {"balanced_accuracy": 0.96}
    )
    assert [r.gate for r in results] == [
        "metric balanced_accuracy threshold",
        "metric balanced_accuracy change",
    ]
    assert all(r.ok for r in results)


def test_without_a_baseline_only_the_threshold_applies() -> None:
    results = check_metric_gates([BALANCED], {"balanced_accuracy": 0.95}, None)
    assert [(r.gate, r.ok) for r in results] == [("metric balanced_accuracy threshold", True)]


def test_lower_is_better_reverses_threshold_and_change() -> None:
    gate = MetricGate("log_loss", higher_is_better=False, threshold=0.3, min_relative_change=0.0)
    worse = failed(check_metric_gates([gate], {"log_loss": 0.4}, {"log_loss": 0.2}))
    assert worse["metric log_loss threshold"] == "0.4 <= 0.3"
    assert worse["metric log_loss relative change"].startswith("-100.00%")
    assert failed(check_metric_gates([gate], {"log_loss": 0.1}, {"log_loss": 0.2})) == {}


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (None, "is not a number: None"),
        ("0.99", "is not a number: '0.99'"),
        (True, "is not a number: True"),
        (math.nan, "is not finite: nan"),
        (math.inf, "is not finite: inf"),
    ],
)
def test_gates_fail_closed_on_unusable_values(value: object, reason: str) -> None:
    problems = failed(check_metric_gates([BALANCED], {"balanced_accuracy": value}, None))
    assert problems == {"metric balanced_accuracy": f"balanced_accuracy {reason}"}


def test_a_missing_metric_fails_its_gate() -> None:
    problems = failed(check_metric_gates([BALANCED], {"accuracy": 0.99}, None))
    assert problems == {"metric balanced_accuracy": "balanced_accuracy is missing from the metrics"}


def test_a_non_finite_baseline_fails_the_change_gate() -> None:
    problems = failed(
        check_metric_gates([BALANCED], {"balanced_accuracy": 0.97}, {"balanced_accuracy": math.nan})
    )
    assert problems == {
        "metric balanced_accuracy change": "the latest release's balanced_accuracy is nan"
    }


# --- promotion order ------------------------------------------------------------------

ORDER = ("dev", "staging", "prod")


def test_promotion_follows_the_stage_order() -> None:
    state = build_state(NAME, released("v0.0.1"))
    assert check_promotion_order(state, "v0.0.1", "dev", ORDER).ok
    skipped = check_promotion_order(state, "v0.0.1", "staging", ORDER)
    assert not skipped.ok and "never been in 'dev'" in skipped.detail
    state = build_state(NAME, promoted(released("v0.0.1"), "v0.0.1", "dev"))
    assert check_promotion_order(state, "v0.0.1", "staging", ORDER).ok


def test_an_unknown_stage_is_refused_and_the_order_named() -> None:
    state = build_state(NAME, released("v0.0.1"))
    result = check_promotion_order(state, "v0.0.1", "qa", ORDER)
    assert (
        not result.ok and result.detail == "unknown stage 'qa'; stages are: dev -> staging -> prod"
    )
