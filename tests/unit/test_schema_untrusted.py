"""A schema file is untrusted input: contained references, bounded nesting, checked x-mlvc."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli import api
from cli.app import app
from cli.errors import (
    PatternTooSlow,
    SchemaInvalid,
    SchemaRefLoop,
    SchemaRefRefused,
    SchemaRefUnresolvable,
    SchemaTooDeep,
    TableRulesInvalid,
)

runner = CliRunner()
CRASH = re.compile(r"unexpected \w+(Error|Exception)")  # the funnel's line for a crash


class _Server:
    """A loopback HTTP server that serves a schema and counts the requests it received."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append(self.path)
                body = json.dumps({"const": "served"}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join()


@pytest.fixture
def server() -> Iterator[_Server]:
    started = _Server()
    yield started
    started.close()


def _files(tmp_path: Path, schema: Any, csv: str = "a\n1\n2\n3\n") -> tuple[Path, Path]:
    data, path = tmp_path / "data.csv", tmp_path / "schema.json"
    data.write_text(csv, encoding="utf-8")
    path.write_text(json.dumps(schema) if not isinstance(schema, str) else schema, "utf-8")
    return data, path


def _cli(data: Path, schema: Path) -> Any:
    return runner.invoke(app, ["schema", "check", str(data), "--schema", str(schema)])


def test_remote_ref_is_refused_and_no_request_leaves(tmp_path: Path, server: _Server) -> None:
    url = f"{server.url}/x.json"
    data, schema = _files(tmp_path, {"properties": {"a": {"$ref": url}}})
    with pytest.raises(SchemaRefRefused) as caught:
        api.check_schema(data=data, schema=schema)
    assert str(caught.value).startswith(
        f"remote $ref '{url}' is not allowed in {schema} at /properties/a/$ref; "
    )
    result = _cli(data, schema)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert f"remote $ref '{url}' is not allowed" in line and "#/$defs/NAME" in line
    assert server.requests == []


def test_a_ref_reached_through_another_is_not_retrieved(tmp_path: Path, server: _Server) -> None:
    """A "$ref" under a key no keyword reads is seen only while checking: still no request."""
    hidden = {"properties": {"a": {"$ref": "#/x-hidden"}}, "x-hidden": {"$ref": server.url}}
    data, schema = _files(tmp_path, hidden)
    with pytest.raises(SchemaRefUnresolvable, match="does not resolve inside the schema"):
        api.check_schema(data=data, schema=schema)
    assert _cli(data, schema).exit_code == 2
    assert server.requests == []


def test_file_ref_is_refused_and_its_content_never_shown(tmp_path: Path) -> None:
    secret = tmp_path / "secret.json"
    secret.write_text(json.dumps({"const": "TOP-SECRET-4711"}), encoding="utf-8")
    data, schema = _files(tmp_path, {"properties": {"a": {"$ref": secret.as_uri()}}})
    with pytest.raises(SchemaRefRefused, match=r"^file \$ref 'file://"):
        api.check_schema(data=data, schema=schema)
    for fmt in ("text", "json", "markdown"):
        result = runner.invoke(
            app, ["schema", "check", str(data), "--schema", str(schema), "-f", fmt]
        )
        assert result.exit_code == 2
        assert "TOP-SECRET" not in result.output + result.stderr


@pytest.mark.parametrize(
    ("schema", "kind", "ref", "pointer"),
    [
        ({"properties": {"a": {"$ref": "other.json"}}}, "external", "other.json", "/properties/a"),
        (
            {"$id": "file:///etc/", "properties": {"a": {"$ref": "passwd"}}},
            "external",
            "passwd",
            "/properties/a",
        ),
        (
            {"properties": {"a": {"anyOf": [{"$dynamicRef": "https://x.test/s#n"}]}}},
            "remote",
            "https://x.test/s#n",
            "/properties/a/anyOf/0",
        ),
        (
            {"$defs": {"m": {"$ref": "https://json-schema.org/draft/2020-12/schema"}}},
            "remote",
            "https://json-schema.org/draft/2020-12/schema",
            "/$defs/m",
        ),
    ],
)
def test_every_ref_outside_the_document_is_refused(
    tmp_path: Path, schema: Any, kind: str, ref: str, pointer: str
) -> None:
    data, path = _files(tmp_path, schema)
    keyword = "$dynamicRef" if "dynamicRef" in json.dumps(schema) else "$ref"
    with pytest.raises(SchemaRefRefused) as caught:
        api.check_schema(data=data, schema=path)
    assert str(caught.value).startswith(
        f"{kind} $ref '{ref}' is not allowed in {path} at {pointer}/{keyword}; "
    )


def test_refs_inside_the_document_still_resolve(tmp_path: Path) -> None:
    schema = {
        "$id": "https://example.com/row.json",
        "$defs": {"small": {"maximum": 2}},
        "properties": {
            "a": {"$ref": "#/$defs/small"},
            "b": {"$ref": "https://example.com/row.json#/$defs/small"},
        },
    }
    data, path = _files(tmp_path, schema, "a,b\n1,1\n3,1\n")
    report = api.check_schema(data=data, schema=path)
    assert report.failing_rows == 1 and [v.column for v in report.violations] == ["a"]


def test_a_ref_to_nothing_and_a_ref_cycle_are_one_line(tmp_path: Path) -> None:
    data, schema = _files(tmp_path, {"properties": {"a": {"$ref": "#/$defs/missing"}}})
    with pytest.raises(SchemaRefUnresolvable, match=r"'#/\$defs/missing' at /properties/a/"):
        api.check_schema(data=data, schema=schema)
    data, schema = _files(tmp_path, {"properties": {"a": {"$ref": "#/properties/a"}}})
    with pytest.raises(SchemaRefLoop):
        api.check_schema(data=data, schema=schema)
    result = _cli(data, schema)
    assert result.exit_code == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "$ref cycle" in result.stderr


@pytest.mark.parametrize(
    ("schema", "pointer"),
    [
        ({"type": "object", "properties": {"a": {"$ref": "http://[::1"}}}, "/properties/a/$ref"),
        (
            {"properties": {"a": {"anyOf": [{"$dynamicRef": "https://[::1/s#n"}]}}},
            "/properties/a/anyOf/0/$dynamicRef",
        ),
        ({"properties": {"a": {"$id": "http://[::1", "type": "integer"}}}, "/properties/a/$id"),
        ({"$id": "http://[::1", "properties": {"a": {"$ref": "#/$defs/d"}}}, "/$id"),
    ],
)
def test_a_ref_or_id_that_is_not_a_uri_is_one_line(
    tmp_path: Path, schema: Any, pointer: str
) -> None:
    data, path = _files(tmp_path, schema)
    with pytest.raises(SchemaInvalid, match=re.escape(f"at {pointer}: '")):
        api.check_schema(data=data, schema=path)
    for args in (
        ["schema", "check", str(data), "--schema", str(path)],
        ["drift", "-r", str(data), "-c", str(data), "-s", str(path)],
    ):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, result.output
        (line,) = result.stderr.strip().splitlines()
        assert "is not a valid URI reference" in line and not CRASH.search(line)


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_a_deeply_nested_schema_is_one_line(tmp_path: Path, opening: str) -> None:
    closing = "]" if opening == "[" else "}"
    text = opening * 100_000 + "1" + closing * 100_000
    data, schema = _files(tmp_path, text)
    with pytest.raises(SchemaTooDeep, match="nested too deeply"):
        api.check_schema(data=data, schema=schema)
    result = _cli(data, schema)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "nested too deeply" in line and not CRASH.search(line)


WRAP = {
    "allOf": lambda node: {"allOf": [node]},
    "not": lambda node: {"not": {"not": node}},
    "items": lambda node: {"items": node},
    "properties": lambda node: {"properties": {"x": node}},
}


@pytest.mark.parametrize("keyword", sorted(WRAP))
def test_a_schema_may_nest_as_deep_as_any_document(tmp_path: Path, keyword: str) -> None:
    """One depth limit for every document (README: MAX_DEPTH), schemas included: a schema
    at the limit is checked (jsonschema's own recursion copes); one level more is refused."""
    from cli.core.documents import MAX_DEPTH

    def depth(value: Any) -> int:
        """Levels of objects and arrays, as the JSON text nests its brackets."""
        if isinstance(value, dict):
            return 1 + max(map(depth, value.values()), default=0)
        if isinstance(value, list):
            return 1 + max(map(depth, value), default=0)
        return 0

    node: Any = {"type": "integer"}
    while depth({"properties": {"a": WRAP[keyword](node)}}) <= MAX_DEPTH:
        node = WRAP[keyword](node)
    if depth({"properties": {"a": {"items": node}}}) <= MAX_DEPTH:  # the odd last level
        node = {"items": node}
    schema = {"properties": {"a": node}}
    assert depth(schema) == MAX_DEPTH
    data, path = _files(tmp_path, schema, "a\n1\n")
    assert api.check_schema(data=data, schema=path).rows == 1
    path.write_text(json.dumps({"allOf": [schema]}), encoding="utf-8")
    with pytest.raises(SchemaTooDeep, match=f"more than {MAX_DEPTH} levels"):
        api.check_schema(data=data, schema=path)


def test_brackets_inside_strings_do_not_count(tmp_path: Path) -> None:
    deep_text = "[[[[" * 40 + '\\"{'
    schema = {"description": deep_text, "properties": {"a": {"type": "integer"}}}
    data, path = _files(tmp_path, schema)
    assert api.check_schema(data=data, schema=path).ok


COLUMNS = {"a": {"type": "integer"}, "b": {"type": "integer"}}


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ([], "x-mlvc: [] is not of type 'object'"),
        ({"min_rows": -1}, "x-mlvc.min_rows: -1 is less than the minimum of 0"),
        ({"min_rows": "3"}, "x-mlvc.min_rows: '3' is not of type 'integer'"),
        ({"min_rows": 2.5}, "x-mlvc.min_rows: 2.5 is not of type 'integer'"),
        ({"unique": "a"}, "x-mlvc.unique: 'a' is not of type 'array'"),
        ({"unique": [1]}, "x-mlvc.unique[0]: 1 is not of type 'string'"),
        ({"unique": ["a", "zz"]}, "x-mlvc.unique[1]: 'zz' is not in properties; "),
        ({"max_null_share": {"a": 2}}, "x-mlvc.max_null_share.a: 2 is greater than the maximum"),
        ({"max_null_share": {"zz": 0.1}}, "x-mlvc.max_null_share: 'zz' is not in properties"),
        ({"colour": 1}, "Additional properties are not allowed ('colour' was unexpected)"),
    ],
)
def test_malformed_table_rules_are_one_named_line(tmp_path: Path, rules: Any, message: str) -> None:
    data, schema = _files(tmp_path, {"properties": COLUMNS, "x-mlvc": rules}, "a,b\n1,2\n")
    with pytest.raises(TableRulesInvalid) as caught:
        api.check_schema(data=data, schema=schema)
    assert message in str(caught.value) and "x-mlvc.schema.json" in str(caught.value)
    result = _cli(data, schema)
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert message in line and not CRASH.search(line)


def test_well_formed_table_rules_still_apply(tmp_path: Path) -> None:
    rules = {"min_rows": 3, "unique": ["a"], "max_null_share": {"b": 0.0}}
    data, schema = _files(tmp_path, {"properties": COLUMNS, "x-mlvc": rules}, "a,b\n1,2\n1,\n")
    report = api.check_schema(data=data, schema=schema)
    assert {rule.rule: rule.ok for rule in report.table_rules} == {
        "min_rows": False,
        "unique": False,
        "max_null_share": False,
    }


def test_rules_on_columns_the_data_lacks_fail(tmp_path: Path) -> None:
    """A schema without properties names the data's columns: one the data lacks fails."""
    rules = {"unique": ["a", "zz"], "max_null_share": {"yy": 0.5}}
    data, schema = _files(tmp_path, {"x-mlvc": rules}, "a,b\n1,2\n2,3\n")
    report = api.check_schema(data=data, schema=schema)
    assert [(r.rule, r.ok, r.found) for r in report.table_rules] == [
        ("unique", False, "no column zz in the data"),
        ("max_null_share", False, "no column yy in the data"),
    ]
    assert not report.ok


CATASTROPHIC = "^(a+)+$"  # backtracks 2^n times on "aaa...!"


@pytest.mark.parametrize(
    ("column_schema", "column"),
    [
        ({"pattern": CATASTROPHIC}, "name"),  # vectorised, once per distinct value
        ({"anyOf": [{"type": "integer"}, {"pattern": CATASTROPHIC}]}, "name"),  # jsonschema
        ({"$ref": "#/$defs/p"}, "name"),  # jsonschema, through a $ref
    ],
)
def test_a_catastrophic_pattern_stops_within_seconds(
    tmp_path: Path, column_schema: Any, column: str
) -> None:
    schema = {"$defs": {"p": {"pattern": CATASTROPHIC}}, "properties": {"name": column_schema}}
    data, path = _files(tmp_path, schema, f"name\nok\n{'a' * 34}!\n")
    start = time.monotonic()
    with pytest.raises(PatternTooSlow) as caught:
        api.check_schema(data=data, schema=path)
    assert time.monotonic() - start < 10
    assert (caught.value.pattern, caught.value.column) == (CATASTROPHIC, column)
    start = time.monotonic()
    result = _cli(data, path)
    assert time.monotonic() - start < 10
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert f"pattern '{CATASTROPHIC}' of column '{column}' took more than" in line


def test_a_catastrophic_property_name_pattern_stops(tmp_path: Path) -> None:
    schema = {"patternProperties": {CATASTROPHIC: {"type": "integer"}}}
    data, path = _files(tmp_path, schema, f"{'a' * 34}!\n1\n")
    start = time.monotonic()
    with pytest.raises(PatternTooSlow, match="of the row schema"):
        api.check_schema(data=data, schema=path)
    assert time.monotonic() - start < 10


def test_patterns_keep_their_verdicts(tmp_path: Path) -> None:
    schema = {"properties": {"a": {"pattern": "^x[0-9]+$"}, "b": {"not": {"pattern": "z"}}}}
    data, path = _files(tmp_path, schema, "a,b\nx1,q\ny2,z\nx3,zz\n")
    report = api.check_schema(data=data, schema=path)
    assert [(v.column, v.keyword, v.rows) for v in report.violations] == [
        ("a", "pattern", (2,)),
        ("b", "not", (2, 3)),
    ]
