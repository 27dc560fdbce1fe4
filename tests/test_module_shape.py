"""Module shape rules (CONVENTIONS.md 13, issue 15): no module of cli/ or stages/ over 400
lines without its reason at its top, and comments that state invariants, not timings
(figures go stale; benchmarks print them)."""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400
REASON = "Over 400 lines for a reason:"  # at the top of a longer module, then the reason
# a duration (1.9 ms, ~6 ns, 0.17 s) or a percentage (~20%, 10-15 %)
TIMING = re.compile(r"(?<![\w.])\d(?:[\d.,]*\d)?\s?(?:ns|µs|us|ms|s)\b|\d\s?%")


def _modules(*folders: str) -> list[Path]:
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py"))


def _name(path: Path) -> str:
    return str(path.relative_to(ROOT))


def _prose(source: str) -> list[tuple[int, str]]:
    """(line, text) of every comment and docstring of a module."""
    found = [
        (token.start[0], token.string)
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            doc = ast.get_docstring(node, clean=False)
            if doc is not None:
                start = node.body[0].lineno
                found += [(start + i, line) for i, line in enumerate(doc.splitlines())]
    return found


@pytest.mark.parametrize("path", _modules("cli", "stages"), ids=_name)
def test_a_module_over_400_lines_says_why_at_its_top(path: Path) -> None:
    source = path.read_text()
    lines = len(source.splitlines())
    if lines <= MAX_LINES:
        return
    doc = ast.get_docstring(ast.parse(source)) or ""
    assert REASON in doc, f"{_name(path)}: {lines} lines; split it, or give {REASON!r} at its top"


@pytest.mark.parametrize("path", _modules("cli", "stages"), ids=_name)
def test_comments_and_docstrings_quote_no_timing(path: Path) -> None:
    quoted = [
        f"{path.relative_to(ROOT)}:{line}: {text.strip()}"
        for line, text in _prose(path.read_text())
        if TIMING.search(text)
    ]
    assert not quoted, "figures belong in the benchmarks' output:\n" + "\n".join(quoted)
