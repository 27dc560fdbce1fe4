"""A row schema as a document: bounded parsing, contained references, its ``x-mlvc`` rules.

Pure: text and parsed JSON in, findings out. A schema file is untrusted input, so

- its JSON nesting is bounded by the one JSON reader (:func:`cli.core.documents.load_json`,
  ``MAX_DEPTH``), so no parser or validator recursion can exhaust the stack;
- every ``$ref`` and ``$dynamicRef`` must resolve inside the document itself
  (:func:`foreign_refs`), and the registry jsonschema receives (:func:`contained_registry`)
  retrieves nothing: no request leaves the process and no other file is read;
- its ``x-mlvc`` table rules are checked against ``cli/schemas/x-mlvc.schema.json`` and
  against the schema's own columns (:func:`table_rules_problems`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, NoReturn
from urllib.parse import urldefrag, urljoin, urlsplit

if TYPE_CHECKING:
    from referencing import Registry


# Keywords whose values are schemas in Draft 2020-12, as the ``referencing`` library lists
# them (referencing/jsonschema.py, DRAFT202012): one schema, an array of them, or an
# object of them.
IN_VALUE = frozenset(
    {
        "additionalProperties",
        "contains",
        "contentSchema",
        "else",
        "if",
        "items",
        "not",
        "propertyNames",
        "then",
        "unevaluatedItems",
        "unevaluatedProperties",
    }
)
IN_ARRAY = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
IN_OBJECT = frozenset(
    {"$defs", "definitions", "dependentSchemas", "patternProperties", "properties"}
)
REF_KEYWORDS = ("$ref", "$dynamicRef")


def _pointer_token(key: str | int) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _subschemas(schema: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(JSON pointer suffix, subschema) of every schema directly inside ``schema``."""
    for keyword, value in schema.items():
        token = "/" + _pointer_token(keyword)
        if keyword in IN_VALUE:
            yield token, value
        elif keyword in IN_ARRAY and isinstance(value, list):
            for index, item in enumerate(value):
                yield f"{token}/{index}", item
        elif keyword in IN_OBJECT and isinstance(value, Mapping):
            for name, item in value.items():
                yield f"{token}/{_pointer_token(name)}", item


def _join(scope: str, reference: str) -> str | None:
    """``reference`` resolved against ``scope`` (fragment kept); None when either is not a
    URI that :mod:`urllib.parse` can split (e.g. ``http://[::1``, an unclosed IPv6 host)."""
    try:
        urlsplit(reference)
        joined = urljoin(scope, reference)
        urldefrag(joined)
    except ValueError:
        return None
    return joined


def _walk(schema: Any, pointer: str, base: str) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(pointer, base URI in scope, schema object) for ``schema`` and every subschema.

    An ``$id`` that is not a URI leaves the scope unchanged (:func:`invalid_uris` names it).
    """
    stack = [(schema, pointer, base)]
    while stack:
        node, where, scope = stack.pop()
        if not isinstance(node, Mapping):
            continue
        if isinstance(node.get("$id"), str):
            scope = _join(scope, node["$id"]) or scope
        yield where, scope, node
        stack.extend((sub, where + suffix, scope) for suffix, sub in _subschemas(node))


def invalid_uris(document: Any) -> list[tuple[str, str]]:
    """(JSON pointer, value) of every ``$id``, ``$ref`` and ``$dynamicRef`` that is not a
    URI reference (or does not resolve to one against the base URI in scope)."""
    found = []
    for where, scope, node in _walk(document, "", ""):
        # scope already holds this node's own $id when that one is valid; an invalid
        # one left scope unchanged, so joining it again fails again
        if isinstance(node.get("$id"), str) and _join(scope, node["$id"]) is None:
            found.append((f"{where}/$id", node["$id"]))
        for keyword in REF_KEYWORDS:
            ref = node.get(keyword)
            if isinstance(ref, str) and _join(scope, ref) is None:
                found.append((f"{where}/{keyword}", ref))
    return sorted(found)


def foreign_refs(document: Any) -> list[tuple[str, str]]:
    """(JSON pointer, reference) of every ``$ref``/``$dynamicRef`` whose target is not a
    resource of ``document`` itself (its root, or a subschema with an ``$id``)."""
    nodes = list(_walk(document, "", ""))
    resources = {""} | {urldefrag(scope).url for _, scope, _ in nodes}
    found = []
    for where, scope, node in nodes:
        for keyword in REF_KEYWORDS:
            ref = node.get(keyword)
            target = _join(scope, ref) if isinstance(ref, str) else None
            if isinstance(ref, str) and (target is None or urldefrag(target).url not in resources):
                found.append((f"{where}/{keyword}", ref))
    return found


def dangling_refs(document: Any) -> list[tuple[str, str]]:
    """(JSON pointer, reference) of every ``$ref``/``$dynamicRef`` into the document that
    points at nothing there (a missing ``$defs`` entry, an unknown anchor)."""
    from referencing.exceptions import Unresolvable
    from referencing.jsonschema import DRAFT202012

    nodes = list(_walk(document, "", ""))
    root = DRAFT202012.create_resource(document)
    registry = contained_registry().with_resource(root.id() or "", root).crawl()
    resources = {""} | {urldefrag(scope).url for _, scope, _ in nodes}
    found = []
    for where, scope, node in nodes:
        for keyword in REF_KEYWORDS:
            ref = node.get(keyword)
            if not isinstance(ref, str):
                continue
            target = _join(scope, ref)
            if target is None or urldefrag(target).url not in resources:
                continue
            try:
                registry.resolver(base_uri=scope).lookup(ref)
            except Unresolvable:
                found.append((f"{where}/{keyword}", ref))
    return found


def _objects(document: Any) -> Iterator[Mapping[str, Any]]:
    """Every JSON object anywhere in ``document`` (iterative: any depth)."""
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, Mapping):
            yield node
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def patterns_in(schema: Any) -> set[str]:
    """Every regular expression ``schema`` may evaluate: ``pattern`` values and
    ``patternProperties`` keys anywhere in it (a superset: non-schema positions count too)."""
    found: set[str] = set()
    for node in _objects(schema):
        if isinstance(node.get("pattern"), str):
            found.add(node["pattern"])
        if isinstance(node.get("patternProperties"), Mapping):
            found.update(node["patternProperties"])
    return found


def has_refs(schema: Any) -> bool:
    """Whether ``schema`` holds a ``$ref`` or ``$dynamicRef`` anywhere."""
    return any(keyword in node for node in _objects(schema) for keyword in REF_KEYWORDS)


def strings_in(value: Any) -> Iterator[str]:
    """Every string a pattern could be searched in: string values and object keys, nested."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            yield node
        elif isinstance(node, Mapping):
            yield from (key for key in node if isinstance(key, str))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def ref_kind(ref: str) -> str:
    """How a user would name what a reference points at: remote, file or external."""
    try:
        scheme = urlsplit(ref).scheme.lower()
    except ValueError:  # not a URI at all (invalid_uris names it first)
        return "external"
    if scheme in ("http", "https", "ftp", "ws", "wss"):
        return "remote"
    return "file" if scheme == "file" else "external"


def _refuse(uri: str) -> NoReturn:
    from referencing.exceptions import NoSuchResource

    raise NoSuchResource(uri)  # its one attrs field, ``ref``


def contained_registry() -> Registry:
    """A registry that retrieves nothing (jsonschema adds the bundled metaschemas to it)."""
    from referencing import Registry

    # referencing builds Registry with attrs behind a dataclass-transform spelling that mypy does
    # not read, so mypy sees object's __init__ and not the ``retrieve`` field.
    return Registry(retrieve=_refuse)  # type: ignore[call-arg]


def table_rules_problems(document: Any, rules_schema: Mapping[str, Any]) -> list[str]:
    """What is wrong with ``document``'s ``x-mlvc`` rules, each as ``where: what``.

    The columns the rules name must be keys of the schema's ``properties``; a schema
    without ``properties`` (rules alone) names the data's columns, checked with the data.
    """
    from jsonschema import Draft202012Validator

    if not isinstance(document, Mapping) or "x-mlvc" not in document:
        return []
    rules = document["x-mlvc"]
    validator = Draft202012Validator(rules_schema, registry=contained_registry())
    problems = [
        f"x-mlvc{''.join(f'.{p}' if isinstance(p, str) else f'[{p}]' for p in e.absolute_path)}"
        f": {e.message}"
        for e in sorted(validator.iter_errors(rules), key=lambda e: list(map(str, e.path)))
    ]
    properties = document.get("properties")
    if problems or not isinstance(properties, Mapping):
        return problems  # a schema without properties: the rules name the data's columns
    columns = list(properties)
    known = f"the schema's columns are: {', '.join(columns)}" if columns else "it has none"
    for index, column in enumerate(rules.get("unique", [])):
        if column not in columns:
            problems.append(f"x-mlvc.unique[{index}]: {column!r} is not in properties; {known}")
    for column in rules.get("max_null_share", {}):
        if column not in columns:
            problems.append(f"x-mlvc.max_null_share: {column!r} is not in properties; {known}")
    return problems
