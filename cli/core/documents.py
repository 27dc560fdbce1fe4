"""The one parser of YAML and JSON text the toolkit reads: bounded depth, bounded aliases.

Every YAML and JSON document that a user, a commit or a pipeline output can
change is untrusted input. Parsing is pure (text in, data out), so it lives in
``core``; ``cli.adapters.files.parse_yaml`` / ``parse_json`` turn the
exceptions below into one-line ``ToolkitError`` messages naming the file.

Two limits hold for every document:

* nesting: at most :data:`MAX_DEPTH` levels of mappings and sequences, counted
  after alias expansion. Deeper documents would make the recursive code that
  reads them (``jsonschema``, ``json.dumps``, the composer itself) raise
  ``RecursionError``. YAML flow collections are also counted while scanning,
  before PyYAML's scanner turns deep ``[[[...`` text into quadratic work.
* integers: an integer literal longer than Python's int conversion limit
  (``sys.get_int_max_str_digits()``, 4,300 digits by default) raises a plain
  ValueError inside the parser; it is refused as :class:`IntegerTooLong`,
  naming where it is.
* YAML aliases: the document may reuse anchored nodes, but the nodes that
  aliases add when expanded may number at most :data:`MAX_ALIAS_NODES`
  (a "billion laughs" document adds ~10^9). The node graph is measured before
  any Python object is constructed, so a refused document costs memory in
  proportion to its text, never to its expansion. An alias inside the node
  it names (a cycle) is infinite nesting and refused too.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import yaml

MAX_DEPTH = 100
"""Most levels of nested mappings/sequences a document may have (after alias expansion)."""

MAX_ALIAS_NODES = 10_000
"""Most YAML nodes that alias expansion may add to a document."""


class ParseLimitExceeded(Exception):
    """A document breaks one of the parse limits; ``detail`` says which and how."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class DepthLimitExceeded(ParseLimitExceeded):
    """A document nests deeper than :data:`MAX_DEPTH` levels."""

    def __init__(self, where: str = "", *, why: str | None = None) -> None:
        super().__init__(f"nested too deeply{where}: {why or f'more than {MAX_DEPTH} levels'}")


class AliasLimitExceeded(ParseLimitExceeded):
    """YAML aliases expand to more than :data:`MAX_ALIAS_NODES` extra nodes."""

    def __init__(self, added: int) -> None:
        shown = f"{added:,}" if added < 10**12 else f"about 10^{len(str(added)) - 1}"
        super().__init__(
            f"YAML aliases expand to {shown} more nodes (limit {MAX_ALIAS_NODES:,}); "
            "refusing a 'billion laughs' document"
        )


class IntegerTooLong(ParseLimitExceeded):
    """An integer literal has more digits than Python converts to an int."""

    def __init__(self, where: str) -> None:
        super().__init__(f"a number with more than {int_digit_limit():,} digits{where}")


def int_digit_limit() -> int:
    """The most digits Python converts to an int (``sys.get_int_max_str_digits``; 0 = none)."""
    return sys.get_int_max_str_digits()


def _long_integer_at(text: str) -> str:
    """Where the first digit run past the limit is: `` at line L, column C``.

    A one-line text (a JSON Lines record) gives `` at column C`` only.
    """
    found = re.search(f"[0-9]{{{int_digit_limit() + 1},}}", text)
    if found is None:
        return ""
    start = found.start()
    column = start - text.rfind("\n", 0, start)
    if "\n" not in text.strip():
        return f" at column {column}"
    return f" at line {text.count(chr(10), 0, start) + 1}, column {column}"


def _line(mark: Any) -> str:
    return f" at line {mark.line + 1}" if mark is not None else ""


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _measure(root: yaml.Node) -> tuple[int, int, int]:
    """``(expanded node count, distinct node count, expanded depth)`` of a node graph.

    Iterative and memoised by node identity, so it runs in time linear in the
    graph even when the expansion is exponential. Raises DepthLimitExceeded on
    a cycle (an alias inside the node it refers to).
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    on_path: set[int] = set()  # invariant: the nodes whose subtree is being measured
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            kids = _children(node)
            size[key] = 1 + sum(size[id(k)] for k in kids)
            depth[key] = 1 + max((depth[id(k)] for k in kids), default=0)
            on_path.discard(key)
            continue
        if key in size:
            continue
        on_path.add(key)
        stack.append((node, True))
        for kid in _children(node):
            if id(kid) in on_path:
                raise DepthLimitExceeded(
                    _line(kid.start_mark), why="an alias inside the node it refers to"
                )
            if id(kid) not in size:
                stack.append((kid, False))
    return size[id(root)], len(size), depth[id(root)]


class _BoundedLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader with the nesting and alias limits checked before construction."""

    def fetch_more_tokens(self) -> None:
        super().fetch_more_tokens()
        # Scanner state: open flow collections plus block indentation levels.
        if self.flow_level + len(self.indents) > MAX_DEPTH:
            raise DepthLimitExceeded(_line(self.get_mark()))

    def compose_document(self) -> yaml.Node | None:
        node = super().compose_document()
        if node is None:  # PyYAML's signature allows it; there is nothing to measure
            return None
        expanded, distinct, depth = _measure(node)
        if expanded - distinct > MAX_ALIAS_NODES:
            raise AliasLimitExceeded(expanded - distinct)
        if depth - 1 > MAX_DEPTH:  # scalars are depth 1; containers add a level each
            raise DepthLimitExceeded()
        return node


def _construct_int(loader: _BoundedLoader, node: yaml.ScalarNode) -> int:
    """PyYAML's int constructor; an integer past the digit limit is IntegerTooLong."""
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:
        mark = node.start_mark
        raise IntegerTooLong(f" at line {mark.line + 1}, column {mark.column + 1}") from None


_BoundedLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def load_yaml(text: str) -> Any:
    """The single YAML document in ``text`` (``yaml.safe_load`` semantics), within the limits.

    Raises ``yaml.YAMLError`` for text that is not YAML and ParseLimitExceeded
    for a document that breaks a limit.
    """
    loader = _BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def check_depth(document: Any) -> None:
    """Raise DepthLimitExceeded when ``document`` nests lists/dicts deeper than MAX_DEPTH."""
    stack: list[tuple[Any, int]] = [(document, 0)]
    while stack:
        value, level = stack.pop()
        if isinstance(value, dict):
            children: Any = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if level + 1 > MAX_DEPTH:
            raise DepthLimitExceeded()
        stack.extend((child, level + 1) for child in children)


def load_json(text: str) -> Any:
    """``json.loads(text)`` within the depth limit.

    Raises ``json.JSONDecodeError`` for text that is not JSON,
    DepthLimitExceeded for a document nested too deeply and IntegerTooLong for
    an integer past Python's digit limit.
    """
    try:
        document = json.loads(text)
    except RecursionError:  # the decoder's own guard, far past MAX_DEPTH
        raise DepthLimitExceeded() from None
    except json.JSONDecodeError:
        raise
    except ValueError:  # int() past the digit limit; JSONDecodeError is handled above
        where = _long_integer_at(text)
        if not where:
            raise
        raise IntegerTooLong(where) from None
    check_depth(document)
    return document
