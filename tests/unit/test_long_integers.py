"""Integers past Python's int conversion limit (4,300 digits) are one named error, exit 2.

``json.loads``, PyYAML and ``int()`` raise a plain ValueError for them; every
document reader and the schema engine turn it into one line that says where.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli import api
from cli.adapters.files import read_json, read_yaml
from cli.app import app
from cli.errors import CellNumberTooLong, NumberTooLong, SchemaInvalid

runner = CliRunner()
LIMIT = sys.get_int_max_str_digits()
LONG = "1" * (LIMIT + 700)  # an integer literal Python refuses to convert
TOO_LONG = f"a number with more than {LIMIT:,} digits"


def column_schema(tmp_path: Path, column: object) -> Path:
    path = tmp_path / "s.json"
    path.write_text(json.dumps({"type": "object", "properties": {"v": column}}))
    return path


def test_the_limit_holds_in_this_interpreter() -> None:
    """The premise: jsonschema cannot be given the JSON value, Python cannot build it."""
    with pytest.raises(ValueError, match="Exceeds the limit"):
        json.loads(LONG)


@pytest.mark.parametrize("name", ["metrics.json", "model.meta.json"])
def test_a_json_document_names_the_line_and_column(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text('{\n  "f1": ' + LONG + "\n}\n")
    with pytest.raises(NumberTooLong, match=rf"{name}: {TOO_LONG} at line 2, column 9"):
        read_json(path)


def test_a_yaml_document_names_the_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "params.yaml"
    path.write_text(f"report:\n  tolerances:\n    f1: {LONG}\n")
    with pytest.raises(NumberTooLong, match=rf"params.yaml: {TOO_LONG} at line 3, column 9"):
        read_yaml(path)


def test_a_jsonl_row_names_its_line(tmp_path: Path) -> None:
    data = tmp_path / "big.jsonl"
    data.write_text('{"v": 1}\n{"v": ' + LONG + "}\n")
    result = runner.invoke(
        app, ["schema", "check", str(data), "--schema", str(column_schema(tmp_path, {}))]
    )
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {data}: line 2: {TOO_LONG} at column 7; next: write the value with fewer "
        "digits, or as a string if it is an identifier"
    ]


@pytest.mark.parametrize(
    "column",
    [{"type": "integer"}, {"enum": [1, 2]}, {"type": "string"}, {"minimum": 0}, {}],
    ids=["type-integer", "enum", "type-string", "minimum", "empty"],
)
def test_a_csv_cell_is_refused_naming_column_and_row(tmp_path: Path, column: object) -> None:
    data = tmp_path / "big.csv"
    data.write_text(f"v\n2\n{LONG}\n3\n")
    schema = column_schema(tmp_path, column)
    with pytest.raises(CellNumberTooLong) as caught:
        api.check_schema(data=data, schema=schema)
    assert (caught.value.column, caught.value.row) == ("v", 2)
    result = runner.invoke(app, ["schema", "check", str(data), "--schema", str(schema)])
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(
        f"error: {data}: column 'v', row 2: a number with {len(LONG):,} digits (more than "
        f"{LIMIT:,}, Python's limit for an integer); the check stopped"
    )


def test_a_repeated_cell_is_named_by_its_own_row(tmp_path: Path) -> None:
    """Columns with few distinct values are checked per value: the row is still the cell's."""
    data = tmp_path / "many.csv"
    data.write_text("v\n" + "2\n3\n" * 5000 + LONG + "\n2\n")
    with pytest.raises(CellNumberTooLong) as caught:
        api.check_schema(data=data, schema=column_schema(tmp_path, {"type": "integer"}))
    assert (caught.value.column, caught.value.row) == ("v", 10_001)


def test_a_schema_with_such_a_number_is_invalid(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text("v\n1\n")
    schema = tmp_path / "s.json"
    schema.write_text('{"properties": {"v": {"maximum": ' + LONG + "}}}")
    with pytest.raises(SchemaInvalid, match=rf"{TOO_LONG} at column 34"):
        api.check_schema(data=data, schema=schema)


def test_a_cell_of_an_unexpected_column_is_refused_by_its_name(tmp_path: Path) -> None:
    data = tmp_path / "extra.csv"
    data.write_text(f"v,w\n1,{LONG}\n")
    schema = tmp_path / "s.json"
    schema.write_text('{"properties": {"v": {}}, "additionalProperties": false}')
    with pytest.raises(CellNumberTooLong) as caught:
        api.check_schema(data=data, schema=schema)
    assert (caught.value.column, caught.value.row) == ("w", 1)
