"""The ``TODO`` markers left in models/card.yaml: each one a finding of ``mlvc card check``.

Pure. ``mlvc init`` writes a card text whose person-only parts (owners, intended use,
out-of-scope use, ethical considerations, caveats) start with ``TODO``; a release must
not ship such a card, so every remaining marker is reported with its key.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from cli.core.card import CardProblem

MARKER = "TODO"
_SHOWN = 60  # characters of a TODO value quoted in its finding


def _leaves(node: Any, key: str = "") -> Iterator[tuple[str, Any]]:
    """``(key, value)`` of every scalar, keys dotted and list items indexed: ``owners[0].name``."""
    if isinstance(node, Mapping):
        for name, value in node.items():
            yield from _leaves(value, f"{key}.{name}" if key else str(name))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, f"{key}[{index}]")
    else:
        yield key, node


def todo_findings(document: Any, path: str) -> list[CardProblem]:
    """One finding per string value of ``document`` that starts with ``TODO``, in file order."""
    findings = []
    for key, value in _leaves(document):
        if isinstance(value, str) and value.strip().startswith(MARKER):
            text = " ".join(value.split())
            quoted = text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."
            findings.append(
                CardProblem(
                    f"{path}: {key or '(top level)'}",
                    f"still a TODO ({quoted!r}): write it, then rebuild the card with 'dvc repro'",
                )
            )
    return findings
