"""JSON rendering: the generic converter matches ``dataclasses.asdict``; compact vs indented."""

from __future__ import annotations

import json
from dataclasses import asdict

from hypothesis import given
from hypothesis import strategies as st

from cli.core.params_check import ParamProblem
from cli.render import render
from cli.results import ParamsReport, RegistryModel, RegistryVersion, RegistryView

names = st.text(min_size=1, max_size=8)
versions = st.builds(
    RegistryVersion,
    version=names,
    commit=names,
    created=st.integers(0, 2**40),
    stages=st.tuples(names) | st.just(()),
    active=st.booleans(),
    metrics=st.dictionaries(names, st.floats(allow_nan=False), max_size=3),
)
views = st.builds(
    RegistryView,
    models=st.lists(
        st.builds(
            RegistryModel,
            name=names,
            latest=st.none() | names,
            stages=st.dictionaries(names, names, max_size=3),
            versions=st.lists(versions, max_size=4).map(tuple),
        ),
        max_size=3,
    ).map(tuple),
)


@given(views)
def test_json_matches_asdict_and_both_layouts_agree(view: RegistryView) -> None:
    expected = {**json.loads(json.dumps(asdict(view))), "ok": True}
    pretty, compact = render(view, "json"), render(view, "json", pretty=False)
    assert json.loads(pretty) == expected
    assert json.loads(compact) == expected


def test_compact_json_is_one_line_and_pretty_is_indented() -> None:
    report = ParamsReport("params.yaml", (ParamProblem("train.seed", "-1", "an integer >= 0"),))
    pretty, compact = render(report, "json"), render(report, "json", pretty=False)
    assert "\n" not in compact and '"ok": false' in compact
    assert pretty.splitlines()[1].startswith('  "ok"')
    assert json.loads(compact)["problems"] == [
        {"key": "train.seed", "got": "-1", "allowed": "an integer >= 0"}
    ]
