"""The registry fold and history, built from tag records alone (no git): GTO's reading."""

from __future__ import annotations

from cli.core.registry import TagRecord, build_history, build_state

NAME = "m"
COMMITS = {"v0.0.1": "a" * 40, "v0.0.2": "b" * 40, "v0.0.3": "c" * 40}


class Tags:
    """Registry tags in the order they are made, one per second, with GTO's counter."""

    def __init__(self) -> None:
        self.records: list[TagRecord] = []
        self.counter = 0

    def _add(self, tag: str, version: str, message: str, *, at: int | None = None) -> None:
        created = at if at is not None else 1_000 + len(self.records)
        self.records.append(TagRecord(tag, COMMITS[version], created, message))

    def register(self, version: str) -> Tags:
        self._add(f"{NAME}@{version}", version, f"Registering artifact {NAME} version {version}")
        return self

    def deregister(self, version: str) -> Tags:
        self.counter += 1
        self._add(f"{NAME}@{version}!#{self.counter}", version, "Deregistering")
        return self

    def assign(self, version: str, stage: str = "prod", **kw: int) -> Tags:
        self.counter += 1
        message = f"Assigning stage {stage} to artifact {NAME} version {version}"
        self._add(f"{NAME}#{stage}#{self.counter}", version, message, **kw)
        return self

    def unassign(self, version: str, stage: str = "prod") -> Tags:
        self.counter += 1
        message = f"Unassigning stage '{stage}' to artifact '{NAME}' version '{version}'"
        self._add(f"{NAME}#{stage}!#{self.counter}", version, message)
        return self


def registered(*versions: str) -> Tags:
    tags = Tags()
    for version in versions:
        tags.register(version)
    return tags


def test_unassigning_the_holder_falls_back_to_the_earlier_assignment() -> None:
    tags = registered("v0.0.1", "v0.0.3").assign("v0.0.1").assign("v0.0.3")
    state = build_state(NAME, tags.records)
    assert state.stages == {"prod": "v0.0.3"}
    assert state.holders == {"prod": ("v0.0.3", "v0.0.1")}
    state = build_state(NAME, tags.unassign("v0.0.3").records)
    assert state.stages == {"prod": "v0.0.1"} and state.holders == {"prod": ("v0.0.1",)}
    assert [(v.version, v.stages) for v in state.versions] == [
        ("v0.0.1", ("prod",)),
        ("v0.0.3", ()),
    ]
    state = build_state(NAME, tags.unassign("v0.0.1").records)
    assert state.stages == {} and state.holders == {}


def test_each_unassignment_steps_one_version_back() -> None:
    tags = registered("v0.0.1", "v0.0.2", "v0.0.3")
    for version in ("v0.0.1", "v0.0.2", "v0.0.3"):
        tags.assign(version)
    assert build_state(NAME, tags.unassign("v0.0.3").records).stages == {"prod": "v0.0.2"}
    assert build_state(NAME, tags.unassign("v0.0.2").records).stages == {"prod": "v0.0.1"}


def test_an_unassignment_cancels_only_its_own_version() -> None:
    tags = registered("v0.0.1", "v0.0.3").assign("v0.0.1").assign("v0.0.3").unassign("v0.0.1")
    state = build_state(NAME, tags.records)
    assert state.stages == {"prod": "v0.0.3"} and state.holders == {"prod": ("v0.0.3",)}
    assert build_state(NAME, tags.unassign("v0.0.3").records).stages == {}


def test_reassigning_an_older_version_makes_it_the_holder() -> None:
    tags = registered("v0.0.1", "v0.0.3").assign("v0.0.1").assign("v0.0.3").assign("v0.0.1")
    assert build_state(NAME, tags.records).holders == {"prod": ("v0.0.1", "v0.0.3")}


def test_a_deregistered_version_no_longer_holds_its_stage() -> None:
    tags = registered("v0.0.1", "v0.0.3").assign("v0.0.1").assign("v0.0.3").deregister("v0.0.3")
    state = build_state(NAME, tags.records)
    assert state.stages == {"prod": "v0.0.1"}
    assert [(v.version, v.active) for v in state.versions] == [
        ("v0.0.1", True),
        ("v0.0.3", False),
    ]


def test_stage_events_are_ordered_by_tagger_time_and_name_the_version_at_their_commit() -> None:
    tags = registered("v0.0.1", "v0.0.3").assign("v0.0.3", at=2_000).assign("v0.0.1", at=1_500)
    # the higher counter is older: GTO reads the tagger time
    assert build_state(NAME, tags.records).stages == {"prod": "v0.0.3"}
    lying = TagRecord(f"{NAME}#dev#9", COMMITS["v0.0.1"], 3_000, "version v0.0.3")
    assert build_state(NAME, [*tags.records, lying]).stages["dev"] == "v0.0.1"


def test_history_lists_every_event_newest_first_as_gto_history() -> None:
    tags = registered("v0.0.1", "v0.0.3").assign("v0.0.1").assign("v0.0.3", "dev")
    tags.unassign("v0.0.1")
    history = build_history(NAME, tags.records)
    assert [(e.event, e.version, e.stage, e.tag) for e in history] == [
        ("unassignment", "v0.0.1", "prod", f"{NAME}#prod!#3"),
        ("assignment", "v0.0.3", "dev", f"{NAME}#dev#2"),
        ("assignment", "v0.0.1", "prod", f"{NAME}#prod#1"),
        ("registration", "v0.0.3", None, f"{NAME}@v0.0.3"),
        ("registration", "v0.0.1", None, f"{NAME}@v0.0.1"),
    ]
    assert history[-1].timestamp == "1970-01-01T00:16:40+00:00"
    assert history[-1].commit == COMMITS["v0.0.1"]
    assert [e.tag for e in build_history(NAME, tags.records, stage="prod")] == [
        f"{NAME}#prod!#3",
        f"{NAME}#prod#1",
    ]
    assert build_history("other", tags.records) == ()


def test_history_breaks_ties_within_a_second_by_gto_priority() -> None:
    tags = Tags().assign("v0.0.1", at=5).register("v0.0.1")
    tags.records[-1] = TagRecord(f"{NAME}@v0.0.1", COMMITS["v0.0.1"], 5, "")
    assert [e.event for e in build_history(NAME, tags.records)] == ["assignment", "registration"]


def test_a_release_message_metric_that_is_not_a_number_is_absent() -> None:
    from cli.core.registry import parse_release_message

    message = (
        "Registering artifact m version v0.0.1\n\nmetric.accuracy: 0.9\nmetric.x: e\nmetric.y: 1-2"
    )
    assert parse_release_message(message) == {"accuracy": 0.9}
