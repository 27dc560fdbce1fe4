"""Render result objects in one place: an explicit table of renderers per result type and format.

:data:`RENDERERS` maps ``(result type's qualified name, format)`` to the function
that renders it (check-jsonschema's ``REPORTER_BY_NAME``): nothing registers itself
by being imported, so :func:`render` works on every result type in a fresh
interpreter. The table names types rather than importing them, so rendering one
result builds no other feature's result types, and a renderer's module is imported
when a result is first rendered (commands render only after they ran, and
``mlvc --help`` renders nothing). JSON is one generic converter for every result:
a dataclass as the dict of its fields, plus ``ok``.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable, Mapping
from dataclasses import fields, is_dataclass
from functools import cache
from typing import Any

from cli.formats import Format

# (result type's module.qualname, format) -> (module, function). JSON is not listed: every
# result has it.
RENDERERS: dict[tuple[str, Format], tuple[str, str]] = {
    ("cli.results.params.ParamsReport", Format.text): ("cli.render.params", "params_report_text"),
    ("cli.results.params.ParamsReport", Format.markdown): (
        "cli.render.params",
        "params_report_markdown",
    ),
    ("cli.results.params.ParamsReport", Format.github): (
        "cli.render.params",
        "params_report_github",
    ),
    ("cli.results.models.Prediction", Format.text): ("cli.render.models", "prediction_text"),
    ("cli.results.pipeline.ReproReport", Format.text): ("cli.render.pipeline", "repro_report_text"),
    ("cli.results.card.CardBuild", Format.text): ("cli.render.card", "card_build_text"),
    ("cli.results.card.CardReport", Format.text): ("cli.render.card", "card_report_text"),
    ("cli.results.schema.SchemaReport", Format.text): ("cli.render.schema", "schema_report_text"),
    ("cli.results.schema.SchemaReport", Format.markdown): (
        "cli.render.schema",
        "schema_report_markdown",
    ),
    ("cli.results.schema.SchemaReport", Format.github): (
        "cli.render.schema",
        "schema_report_github",
    ),
    ("cli.results.schema.SchemaInferred", Format.text): (
        "cli.render.schema",
        "schema_inferred_text",
    ),
    ("cli.results.init.InitResult", Format.text): ("cli.render.init", "init_result_text"),
    ("cli.results.drift.DriftReport", Format.text): ("cli.render.drift", "drift_report_text"),
    ("cli.results.drift.DriftReport", Format.markdown): (
        "cli.render.drift",
        "drift_report_markdown",
    ),
    ("cli.results.monitor.MonitorReport", Format.text): (
        "cli.render.monitor",
        "monitor_report_text",
    ),
    ("cli.results.monitor.MonitorReport", Format.markdown): (
        "cli.render.monitor",
        "monitor_report_markdown",
    ),
    ("cli.results.report.MetricReport", Format.text): (
        "cli.render.report_text",
        "metric_report_text",
    ),
    ("cli.results.report.MetricReport", Format.markdown): (
        "cli.render.report",
        "metric_report_markdown",
    ),
    ("cli.results.release.Release", Format.text): ("cli.render.registry", "release_text"),
    ("cli.results.release.Promotion", Format.text): ("cli.render.registry", "promotion_text"),
    ("cli.results.registry.RegistryView", Format.text): (
        "cli.render.registry",
        "registry_view_text",
    ),
    ("cli.results.registry.RegistryHistory", Format.text): (
        "cli.render.registry",
        "registry_history_text",
    ),
    ("cli.results.release.CheckoutResult", Format.text): (
        "cli.render.registry",
        "checkout_result_text",
    ),
}


def type_name(result_type: type) -> str:
    """The key :data:`RENDERERS` knows a result type by: ``module.qualname``."""
    return f"{result_type.__module__}.{result_type.__qualname__}"


def formats(result_type: type) -> tuple[Format, ...]:
    """The formats a result type renders in (``md`` whenever ``markdown``)."""
    name = type_name(result_type)
    listed = {fmt for kind, fmt in RENDERERS if kind == name}
    if Format.markdown in listed:
        listed.add(Format.md)
    return tuple(f for f in Format if f in listed or f is Format.json)


def render(result: Any, fmt: str, *, pretty: bool = True, colour: bool = False) -> str:
    """The result in format ``fmt`` (text, json, markdown or md, github), no trailing newline.

    JSON is indented when ``pretty`` and on one line otherwise (the CLI indents it on a
    terminal only, as DVC does: one-line JSON is several times faster to write).
    ``colour`` paints the status words of text (:mod:`cli.render.colour`); every other
    format is never coloured. A format the result type does not render in is a
    TypeError (a bug: commands offer only the formats of their result).
    """
    chosen = Format(fmt).canonical
    if chosen is Format.json:
        document = _jsonable(result)
        return json.dumps(document, indent=2 if pretty else None, sort_keys=True, default=_fields)
    text = _renderer(type(result), chosen)(result)
    if colour and chosen is Format.text:
        from cli.render.colour import paint

        return paint(text)
    return text


def _renderer(result_type: type, fmt: Format) -> Callable[[Any], str]:
    try:
        module, function = RENDERERS[(type_name(result_type), fmt)]
    except KeyError:
        raise TypeError(f"no {fmt.value} renderer for {result_type.__name__}") from None
    renderer: Callable[[Any], str] = getattr(importlib.import_module(module), function)
    return renderer


@cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def _fields(value: Any) -> Any:
    """JSON's hook for what it cannot encode: a dataclass as a dict of its fields.

    The encoder (C) walks lists, tuples and dicts itself and calls this once per
    dataclass: ``asdict`` without its deep copies, and several times faster.
    """
    if is_dataclass(value) and not isinstance(value, type):
        return {name: getattr(value, name) for name in _field_names(type(value))}
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _jsonable(result: Any) -> Any:
    document = _fields(result)
    if hasattr(result, "ok"):
        document["ok"] = result.ok
    return document
