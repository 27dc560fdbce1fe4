"""JSON rendering: the generic converter matches ``dataclasses.asdict``; compact vs indented."""

from __future__ import annotations

import json
from dataclasses import asdict

from hypothesis import given
from hypothesis import strategies as st

from cli.core.params_check import ParamProblem
from cli.render import render
from cli.results.params import ParamsReport
from cli.results.registry import RegistryModel, RegistryVersion, RegistryView

names = st.text(min_size=1, max_size=8)
versions = st.builds(
    RegistryVersion,
    version=names,
    commit=names,
    created=names,
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


FRESH_RENDER = r'''
import dataclasses, sys, types, typing
from pathlib import Path

import importlib, pkgutil

import cli.api
import cli.core.card, cli.core.drift, cli.core.params_check, cli.core.report
import cli.core.schema.findings, cli.results

# names results annotate under TYPE_CHECKING (policies, problems, violations), and every
# result type, from each feature's results module
families = [importlib.import_module(f"cli.results.{m.name}")
            for m in pkgutil.iter_modules(cli.results.__path__)]
NAMES = {}
for module in (cli.core.card, cli.core.drift, cli.core.params_check, cli.core.report,
               cli.core.schema.findings, *families):
    NAMES.update(vars(module))


def build(kind):
    """An instance of ``kind`` with every field filled from its annotation."""
    origin, args = typing.get_origin(kind), typing.get_args(kind)
    if origin in (typing.Union, types.UnionType):
        return None if type(None) in args else build(args[0])
    if origin is typing.Literal:
        return args[0]
    if origin in (tuple, list, dict, set, frozenset) or kind in (tuple, list, dict):
        return (origin or kind)()
    if origin is not None and hasattr(origin, "__mro__"):
        return origin()
    if dataclasses.is_dataclass(kind):
        hints = typing.get_type_hints(kind, localns=NAMES)
        values = {}
        for f in dataclasses.fields(kind):
            if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
                continue
            values[f.name] = build(hints[f.name])
        return kind(**values)
    return {str: "x", int: 1, float: 0.5, bool: True, Path: Path("x")}.get(kind, None)


features = [getattr(cli.api, n) for n in cli.api.__all__]
returned = {eval(f.__annotations__["return"], NAMES, {}) for f in features
            if f.__module__.startswith("cli.api.") and f.__module__ != "cli.api.stage_io"
            and isinstance(f, types.FunctionType)}
results = sorted((t for t in returned if getattr(t, "__module__", "").startswith("cli.results.")),
                 key=lambda t: t.__name__)
assert not [m for m in sys.modules if m.startswith("cli.render")], "rendered before render()"
from cli.render import formats, render

for kind in results:
    for fmt in formats(kind):
        text = render(build(kind), fmt)
        assert isinstance(text, str) and text, (kind.__name__, fmt)
        print(kind.__name__, fmt.value)
'''


def test_render_works_on_every_result_in_a_fresh_interpreter() -> None:
    """No renderer registers itself by being imported: the table alone finds each one."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", FRESH_RENDER], capture_output=True, text=True, check=False
    )
    assert out.returncode == 0, out.stderr
    rendered = set(out.stdout.split("\n"))
    for kind, fmts in {
        "DriftReport": ("text", "json", "markdown", "md"),
        "MetricReport": ("text", "json", "markdown", "md"),
        "SchemaReport": ("text", "json", "markdown", "md", "github"),
        "ParamsReport": ("text", "json", "markdown", "md", "github"),
        "RegistryView": ("text", "json"),
        "Release": ("text", "json"),
        "CardReport": ("text", "json"),
    }.items():
        assert {f"{kind} {fmt}" for fmt in fmts} <= rendered
    assert len(rendered - {""}) >= 35  # every result type in every format it renders in
