"""The official JSON Schema Test Suite (draft 2020-12) through ``mlvc schema check``.

Every suite test whose schema is usable as a column schema becomes a schema of one row,
``{"type": "object", "properties": {"v": <schema>}, "required": ["v"]}``, and a JSON Lines
file of one row ``{"v": <instance>}``. mlvc's verdict must equal jsonschema's on the same
wrapped schema (with its format checker, as mlvc documents), and mlvc must never fail to
run (exit 2) where jsonschema gives a verdict. Cases whose schema refers outside the
document are skipped by name: mlvc refuses such references by design (no network, no
foreign files).
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry

from cli import api
from cli.errors import ToolkitError
from tests.conftest import FIXTURES

SUITE = FIXTURES / "json-schema-test-suite" / "draft2020-12"
METASCHEMA = "refers to the metaschema by URL (outside the document: refused)"
REMOTE = "refers to a remote document (refused)"
ECMA_RE = "ECMA-262 regular expressions: some are not Python's (jsonschema raises)"
NOT_PYTHON_RE = "\\p{...} is ECMA-262, not a Python regular expression (jsonschema raises)"
SKIPPED: dict[tuple[str, str], str] = {
    ("refRemote.json", "*"): REMOTE,
    ("ref.json", "remote ref, containing refs itself"): METASCHEMA,
    ("defs.json", "validate definition against metaschema"): METASCHEMA,
    ("dynamicRef.json", "strict-tree schema, guards against misspelled properties"): REMOTE,
    ("dynamicRef.json", "tests for implementation dynamic anchor and reference link"): REMOTE,
    ("dynamicRef.json", "$ref and $dynamicAnchor are independent of order - $defs first"): REMOTE,
    ("dynamicRef.json", "$ref and $dynamicAnchor are independent of order - $ref first"): REMOTE,
    ("dynamicRef.json", "$ref to $dynamicRef finds detached $dynamicAnchor"): REMOTE,
    ("pattern.json", "pattern with Unicode property escape requires unicode mode"): NOT_PYTHON_RE,
    ("patternProperties.json", "patternProperties with Unicode property escape"): NOT_PYTHON_RE,
    ("optional/cross-draft.json", "*"): REMOTE,
    ("optional/ecmascript-regex.json", "*"): ECMA_RE,
}


def _column_schema(schema: Any) -> Any:
    """``schema`` as it reads under ``properties/v``: pointers into its own root re-rooted.

    A schema without a top-level ``$id`` shares its base URI with the wrapper, so its
    ``#/...`` references would point into the wrapper; one with an ``$id`` is its own resource.
    """
    if not isinstance(schema, dict) or "$id" in schema:
        return schema

    def rewrite(node: Any) -> Any:
        if isinstance(node, list):
            return [rewrite(item) for item in node]
        if not isinstance(node, dict):
            return node
        if "$id" in node:  # an embedded resource: its "#/..." point into itself
            return node
        out = {key: rewrite(value) for key, value in node.items()}
        for key in ("$ref", "$dynamicRef"):
            ref = node.get(key)
            if isinstance(ref, str) and (ref == "#" or ref.startswith("#/")):
                out[key] = "#/properties/v" + ref[1:]
        return out

    return rewrite(schema)


def _wrapped(schema: Any) -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"v": _column_schema(schema)},
        "required": ["v"],
    }


def _skip_key(file: str, description: str) -> tuple[str, str] | None:
    for key in ((file, description), (file, "*")):
        if key in SKIPPED:
            return key
    return None


def test_every_usable_suite_case_gets_jsonschemas_verdict(tmp_path: Path) -> None:
    checked = skipped = 0
    used: set[tuple[str, str]] = set()
    opposite: list[str] = []
    crashes: list[str] = []
    start = time.perf_counter()
    for path in sorted([*SUITE.glob("*.json"), *SUITE.glob("optional/*.json")]):
        name = path.relative_to(SUITE).as_posix()
        for number, case in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            key = _skip_key(name, case["description"])
            if key is not None:
                used.add(key)
                skipped += len(case["tests"])
                continue
            wrapped = _wrapped(case["schema"])
            schema = tmp_path / f"{name.replace('/', '-')}-{number}.json"
            schema.write_text(json.dumps(wrapped), encoding="utf-8")
            reference = Draft202012Validator(
                wrapped, format_checker=Draft202012Validator.FORMAT_CHECKER, registry=Registry()
            )
            for index, test in enumerate(case["tests"]):
                where = f"{name}: {case['description']}: {test['description']}"
                row = {"v": test["data"]}
                expected_valid = reference.is_valid(row)  # raises where it would need a remote
                data = tmp_path / f"{name.replace('/', '-')}-{number}-{index}.jsonl"
                data.write_text(json.dumps(row) + "\n", encoding="utf-8")
                checked += 1
                try:
                    report = api.check_schema(data=data, schema=schema)
                except ToolkitError as exc:
                    crashes.append(f"{where}: {exc}")
                    continue
                except Exception as exc:
                    crashes.append(f"{where}: unexpected {type(exc).__name__}: {exc}")
                    continue
                if (report.failing_rows == 0) != expected_valid:
                    opposite.append(where)
    seconds = time.perf_counter() - start
    print(
        f"JSON-Schema-Test-Suite draft2020-12: {checked} checked, {skipped} skipped by name, "
        f"{len(opposite)} opposite verdicts, {len(crashes)} crashes, {seconds:.1f} s"
    )
    assert used == set(SKIPPED), f"skips that match no case: {set(SKIPPED) - used}"
    assert not crashes, "\n".join(crashes)
    assert not opposite, "\n".join(opposite)
    assert checked > 1000
    assert seconds < 20
