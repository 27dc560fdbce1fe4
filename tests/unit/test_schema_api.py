"""mlvc schema infer/check through the API and the CLI: formats, exit codes, bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import api
from cli.app import app
from cli.errors import DataFileEmpty, DataFileUnreadable, FileMissing, SchemaInvalid
from tests.conftest import TINY_CSV

runner = CliRunner()


@pytest.fixture
def schema(tmp_path: Path) -> Path:
    path = tmp_path / "schema.json"
    api.infer_schema(data=TINY_CSV, output=path)
    return path


def test_inferred_schema_accepts_its_own_data_and_is_deterministic(
    tmp_path: Path, schema: Path
) -> None:
    again = tmp_path / "again.json"
    api.infer_schema(data=TINY_CSV, output=again)
    assert schema.read_bytes() == again.read_bytes()
    document = json.loads(schema.read_text())
    assert document["$schema"].endswith("2020-12/schema")
    assert document["properties"]["species"] == {
        "type": "string",
        "enum": ["Adelie", "Chinstrap", "Gentoo"],
    }
    assert document["properties"]["flipper_length_mm"]["type"] == ["integer", "null"]
    assert document["required"] == list(pd.read_csv(TINY_CSV).columns)
    report = api.check_schema(data=TINY_CSV, schema=schema)
    assert report.ok and report.rows == 12 and report.failing_rows == 0


def test_same_verdict_for_csv_parquet_and_jsonl(tmp_path: Path, schema: Path) -> None:
    frame = pd.read_csv(TINY_CSV)
    frame.loc[0, "bill_length_mm"] = 99.0  # above the inferred maximum
    frame["flipper_length_mm"] = frame["flipper_length_mm"].astype("Int64")
    frame["body_mass_g"] = frame["body_mass_g"].astype("Int64")
    frame.to_csv(tmp_path / "d.csv", index=False)
    frame.to_parquet(tmp_path / "d.parquet")
    frame.to_json(tmp_path / "d.jsonl", orient="records", lines=True)
    for name in ("d.csv", "d.parquet", "d.jsonl"):
        report = api.check_schema(data=tmp_path / name, schema=schema)
        assert (report.rows, report.failing_rows) == (12, 1), name
        (violation,) = report.violations
        assert (violation.column, violation.keyword, violation.rows) == (
            "bill_length_mm",
            "maximum",
            (1,),
        )
        assert violation.values == (99,) or violation.values == (99.0,)


def test_structural_problems(tmp_path: Path, schema: Path) -> None:
    frame = pd.read_csv(TINY_CSV).drop(columns=["sex"]).assign(extra=1)
    frame.to_csv(tmp_path / "d.csv", index=False)
    report = api.check_schema(data=tmp_path / "d.csv", schema=schema)
    assert report.missing_columns == ("sex",)
    assert report.unexpected_columns == ("extra",)
    assert report.failing_rows == 12 and not report.ok


def test_table_rules(tmp_path: Path) -> None:
    schema = tmp_path / "s.json"
    schema.write_text(
        json.dumps(
            {
                "x-mlvc": {
                    "min_rows": 20,
                    "unique": ["species", "island"],
                    "max_null_share": {"sex": 0.1},
                }
            }
        )
    )
    report = api.check_schema(data=TINY_CSV, schema=schema)
    rules = {r.rule: r for r in report.table_rules}
    assert not rules["min_rows"].ok and rules["min_rows"].found == "12"
    assert not rules["unique"].ok and rules["unique"].found.startswith(
        "7 duplicates (first at rows 2, "
    )
    assert not rules["max_null_share"].ok and rules["max_null_share"].found == "0.1667"
    assert report.failing_rows == 0 and not report.ok


def test_cli_formats_and_exit_codes(tmp_path: Path, schema: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(TINY_CSV.read_text().replace("Torgersen,39.1", "Ross,39.1"))
    ok = runner.invoke(app, ["schema", "check", str(TINY_CSV), "--schema", str(schema)])
    assert ok.exit_code == 0 and ok.stdout.startswith("valid: 12 rows")
    text = runner.invoke(app, ["schema", "check", str(bad), "-s", str(schema)])
    assert text.exit_code == 1
    expected = (
        'island: enum ["Biscoe", "Dream", "Torgersen"]: 1 row(s) fail (rows 1; values "Ross")'
    )
    assert f"{bad}::{expected}" in text.stdout
    github = runner.invoke(app, ["schema", "check", str(bad), "-s", str(schema), "-f", "github"])
    assert f"::error file={bad},line=2,title=schema: island enum::" in github.stdout
    markdown = runner.invoke(
        app, ["schema", "check", str(bad), "-s", str(schema), "-f", "markdown"]
    )
    assert "| `island` | `enum: " in markdown.stdout
    as_json = json.loads(
        runner.invoke(app, ["schema", "check", str(bad), "-s", str(schema), "-f", "json"]).stdout
    )
    assert as_json["ok"] is False and as_json["violations"][0]["rows"] == [1]


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        (None, FileMissing, "data file not found"),
        (b"", DataFileEmpty, "empty"),
        (b"species,island\nAdelie,Dream\nGentoo\n", DataFileUnreadable, "row 2 has 1 cell"),
        (b"species,island\n\xff\xfeAdelie,Dream\n", DataFileUnreadable, "UTF-8"),
        (b"a,a\n1,2\n", DataFileUnreadable, "duplicate column name"),
        (
            b"species,island\na," + b"x" * (3 << 20) + b"\n",
            DataFileUnreadable,
            "row 1, column 'island': a cell of 3.0 MiB",
        ),
        (b"species,island\n" + b"x" * (17 << 20) + b",y\n", DataFileUnreadable, "MiB"),
    ],
    ids=["missing", "empty", "truncated", "non-utf8", "duplicate-columns", "huge-cell", "huge-row"],
)
def test_bad_data_files(
    tmp_path: Path, schema: Path, content: bytes | None, error: type, message: str
) -> None:
    data = tmp_path / "data.csv"
    if content is not None:
        data.write_bytes(content)
    with pytest.raises(error, match=message):
        api.check_schema(data=data, schema=schema)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '{"type": "object", "properties": {"a": {"type": "intger"}}}',
            "at properties/a/type: 'intger' is not valid",
        ),
        ('{"properties": {"a": {"minimum": "3"}}}', "at properties/a/minimum"),
        ('{"properties": {"a": {"pattern": "(["}}}', "at properties/a/pattern"),
        ('{"properties": ', "not JSON"),
    ],
)
def test_invalid_schema_names_the_keyword(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "s.json"
    path.write_text(text)
    with pytest.raises(SchemaInvalid, match=message):
        api.check_schema(data=TINY_CSV, schema=path)
    result = runner.invoke(app, ["schema", "check", str(TINY_CSV), "-s", str(path)])
    assert (
        result.exit_code == 2
        and result.stdout == ""
        and len(result.stderr.strip().splitlines()) == 1
    )


def test_a_broken_schema_is_reported_before_a_missing_data_file(
    tmp_path: Path, schema: Path
) -> None:
    """The data file is opened first (to start reading it early); the schema's error still wins."""
    path = tmp_path / "s.json"
    path.write_text('{"properties": {"a": {"minimum": "3"}}}')
    with pytest.raises(SchemaInvalid, match="properties/a/minimum"):
        api.check_schema(data=tmp_path / "missing.csv", schema=path)
    with pytest.raises(FileMissing):
        api.check_schema(data=tmp_path / "missing.csv", schema=schema)


def test_infer_writes_nothing_on_failure(tmp_path: Path) -> None:
    out = tmp_path / "schema.json"
    out.write_text("previous")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = runner.invoke(app, ["schema", "infer", str(empty), "-o", str(out)])
    assert result.exit_code == 2 and "empty" in result.stderr
    assert out.read_text() == "previous"


def test_infer_dash_o_dash_prints_the_schema_alone_on_stdout(tmp_path: Path) -> None:
    written = tmp_path / "schema.json"
    api.infer_schema(data=TINY_CSV, output=written)
    inside = tmp_path / "repo" / "sub"  # in a repository's sub-folder: '-' is not a path
    inside.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(tmp_path / "repo")], check=True)
    done = subprocess.run(
        [str(Path(sys.executable).with_name("mlvc")), "schema", "infer", str(TINY_CSV), "-o", "-"],
        cwd=inside,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == written.read_text()  # the schema, byte for byte, and nothing else
    assert "standard output" in done.stderr
    assert not [p for p in tmp_path.rglob("-")]  # no file named '-'


def test_infer_without_output_returns_the_schema_text() -> None:
    result = api.infer_schema(data=TINY_CSV, output=None)
    assert result.schema == "-" and json.loads(result.document or "")["type"] == "object"


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            ["x,mixed", "0,3", "1,n/a", "2,7", "3,11"],
            {"type": ["integer", "string"], "minimum": 3, "maximum": 11},
        ),
        (
            ['{"mixed": "a"}', '{"mixed": "b"}', '{"mixed": "a"}', '{"mixed": true}'],
            {"type": ["string", "boolean"]},
        ),
    ],
    ids=["csv-numbers-and-text", "jsonl-text-and-booleans"],
)
def test_a_column_of_mixed_kinds_accepts_every_row_it_was_inferred_from(
    tmp_path: Path, lines: list[str], expected: dict[str, object]
) -> None:
    """The text values of a mixed column are not its only values: no enum of them alone."""
    data = tmp_path / ("mixed.csv" if lines[0] == "x,mixed" else "mixed.jsonl")
    data.write_text("\n".join(lines) + "\n")
    schema = tmp_path / "schema.json"
    api.infer_schema(data=data, output=schema)
    assert json.loads(schema.read_text())["properties"]["mixed"] == expected
    assert api.check_schema(data=data, schema=schema).ok


def test_infer_refuses_a_header_without_rows(tmp_path: Path) -> None:
    header_only = tmp_path / "header.csv"
    header_only.write_text("species,island\n")
    out = tmp_path / "schema.json"
    result = runner.invoke(app, ["schema", "infer", str(header_only), "-o", str(out)])
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == (
        f"error: {header_only}: the data file is empty (no header or no rows); "
        "next: infer from a file with at least one row of data"
    )
    assert not out.exists()
