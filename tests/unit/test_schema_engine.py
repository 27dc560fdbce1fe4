"""The vectorised schema engine gives exactly jsonschema's verdict, row by row."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from cli.core.schema.cells import NULL_TOKENS, cell_to_json
from cli.core.schema.checker import SchemaChecker
from cli.core.schema.text import from_text

CELLS = [
    "", "NA", "null", "0", "1", "-3", "2.5", "1e2", "-0.0", "0.1", "007", "+1", ".5",
    "abc", "Ab", "true", "2024-01-31", "2024-02-30", "2024-01-31T10:00:00Z",
    "2024-01-31 10:00", "12345678901234567890", "3.0", "ü", "a b",
]  # fmt: skip
JSON_VALUES = [cell_to_json(c) for c in CELLS if cell_to_json(c) is not None]

VECTORISED_KEYWORDS = {
    "type": st.one_of(
        st.sampled_from(["integer", "number", "string", "null", "boolean"]),
        st.lists(
            st.sampled_from(["integer", "number", "string", "null", "boolean"]),
            min_size=1,
            max_size=3,
            unique=True,
        ),
    ),
    "enum": st.lists(st.sampled_from([*JSON_VALUES, None, True, 1.0]), min_size=1, max_size=4),
    "const": st.sampled_from([*JSON_VALUES, None, False]),
    "minimum": st.sampled_from([0, 1, -1.5, 2.5, 100]),
    "maximum": st.sampled_from([0, 1, -1.5, 2.5, 100]),
    "exclusiveMinimum": st.sampled_from([0, 1, 2.5]),
    "exclusiveMaximum": st.sampled_from([0, 1, 2.5]),
    "multipleOf": st.sampled_from([2, 3, 0.5, 0.1, 1e-300]),
    "minLength": st.integers(0, 4),
    "maxLength": st.integers(0, 4),
    "pattern": st.sampled_from(["^a", "[0-9]", "b$", r"^\d+$", "^.$"]),
    "format": st.sampled_from(["date", "date-time", "email"]),
}
FALLBACK_KEYWORDS = {
    "not": st.sampled_from([{"const": 1}, {"type": "string"}]),
    "anyOf": st.just([{"type": "string", "minLength": 3}, {"minimum": 0}]),
    "oneOf": st.just([{"type": "number"}, {"multipleOf": 2}]),
}


@st.composite
def column_schemas(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 15)) == 0:
        return draw(st.booleans())
    keywords = draw(st.lists(st.sampled_from(sorted(VECTORISED_KEYWORDS)), max_size=3, unique=True))
    schema = {k: draw(VECTORISED_KEYWORDS[k]) for k in keywords}
    if draw(st.integers(0, 3)) == 0:
        name = draw(st.sampled_from(sorted(FALLBACK_KEYWORDS)))
        schema[name] = draw(FALLBACK_KEYWORDS[name])
    return schema


@st.composite
def cases(draw: st.DrawFn) -> tuple[dict[str, Any], list[str], list[list[str]]]:
    n_cols = draw(st.integers(1, 3))
    columns = [f"c{i}" for i in range(n_cols)]
    described = draw(st.lists(st.sampled_from(columns), unique=True))
    schema: dict[str, Any] = {"type": "object"}
    schema["properties"] = {c: draw(column_schemas()) for c in described}
    schema["required"] = draw(st.lists(st.sampled_from([*columns, "zz"]), unique=True, max_size=2))
    extra = draw(st.sampled_from([None, False, {"type": "string"}]))
    if extra is not None:
        schema["additionalProperties"] = extra
    if draw(st.integers(0, 4)) == 0:
        schema["not"] = {"required": ["c0"], "properties": {"c0": {"const": "abc"}}}
    rows = draw(
        st.lists(
            st.lists(st.sampled_from(CELLS), min_size=n_cols, max_size=n_cols),
            min_size=1,
            max_size=12,
        )
    )
    return schema, columns, rows


def reference_verdicts(
    schema: dict[str, Any], columns: list[str], rows: list[list[str]]
) -> list[bool]:
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [
        not validator.is_valid({c: cell_to_json(v) for c, v in zip(columns, row, strict=True)})
        for row in rows
    ]


def text_table(columns: list[str], rows: list[list[str]]) -> pa.Table:
    data = {
        c: pa.array([row[i] for row in rows], pa.string())  # as the CSV reader: "" stays text
        for i, c in enumerate(columns)
    }
    return pa.table(data)


@pytest.fixture(params=["per cell", "per distinct value"])
def engine_path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test with text columns checked per cell, and once per distinct value."""
    if request.param == "per distinct value":
        monkeypatch.setattr("cli.core.schema.checker.DICTIONARY_SAMPLE", 0)
    return request.param


FIXTURE_OK = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]


@settings(max_examples=300, deadline=None, suppress_health_check=FIXTURE_OK)
@given(case=cases())
def test_row_verdicts_equal_jsonschema(
    engine_path: str, case: tuple[dict[str, Any], list[str], list[list[str]]]
) -> None:
    schema, columns, rows = case
    checker = SchemaChecker(schema, columns, as_text=True)
    failing = checker.feed(text_table(columns, rows))
    assert failing.tolist() == reference_verdicts(schema, columns, rows)
    assert checker.failing_rows == sum(failing)


@settings(max_examples=100, deadline=None, suppress_health_check=FIXTURE_OK)
@given(case=cases(), size=st.integers(1, 5))
def test_chunking_does_not_change_counts(
    engine_path: str, case: tuple[dict[str, Any], list[str], list[list[str]]], size: int
) -> None:
    schema, columns, rows = case
    whole = SchemaChecker(schema, columns, as_text=True)
    whole.feed(text_table(columns, rows))
    chunked = SchemaChecker(schema, columns, as_text=True)
    for start in range(0, len(rows), size):
        # later chunks reuse the distinct values (and verdicts) of earlier ones
        part = rows[start : start + size]
        failing = chunked.feed(text_table(columns, part))
        assert failing.tolist() == reference_verdicts(schema, columns, part)
    assert chunked.failing_rows == whole.failing_rows
    assert chunked.violations() == whole.violations()


def test_typed_columns_match_jsonschema() -> None:
    table = pa.table(
        {
            "n": pa.array([1, 2, None, 2**60], pa.int64()),
            "x": pa.array([0.5, float("nan"), 3.0, -1.0]),
            "b": pa.array([True, False, None, True]),
            "s": pa.array(["a", None, "2024-01-01", "zz"]),
        }
    )
    schema = {
        "properties": {
            "n": {"type": "integer", "maximum": 10},
            "x": {"type": ["number", "null"], "minimum": 0},
            "b": {"type": "boolean"},
            "s": {"type": "string", "format": "date"},
        }
    }
    rows = table.to_pylist()
    for row in rows:
        if isinstance(row["x"], float) and np.isnan(row["x"]):
            row["x"] = None
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    checker = SchemaChecker(schema, list(table.column_names), as_text=False)
    assert checker.feed(table).tolist() == [not validator.is_valid(r) for r in rows]


def test_report_counts_rows_and_values() -> None:
    schema = {"properties": {"a": {"type": "integer", "minimum": 0}}, "required": ["a", "b"]}
    checker = SchemaChecker(schema, ["a"], as_text=True)
    checker.feed(text_table(["a"], [["1"], ["-2"], ["x"], ["-5"]]))
    found = {(v.column, v.keyword): v for v in checker.violations()}
    assert found[("a", "minimum")].rows == (2, 4) and found[("a", "minimum")].values == (-2, -5)
    assert found[("a", "type")].rows == (3,) and found[("a", "type")].values == ("x",)
    assert found[("(row)", "required")].count == 4
    assert checker.failing_rows == 4


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("", None),
        ("NA", None),
        ("12", 12),
        ("-0.5", -0.5),
        ("1e2", 100.0),
        ("007", "007"),
        ("+1", "+1"),
        ("true", "true"),
    ],
)
def test_cell_mapping(text: str, value: Any) -> None:
    assert cell_to_json(text) == value and type(cell_to_json(text)) is type(value)


@settings(max_examples=200, deadline=None)
@given(cases(), st.data())
def test_json_records_with_absent_keys_match_jsonschema(case: Any, data: st.DataObject) -> None:
    from cli.core.schema.cells import ABSENT

    schema, columns, rows = case
    records = []
    for row in rows:
        record = {}
        for column, cell in zip(columns, row, strict=True):
            if data.draw(st.integers(0, 4)) != 0:
                record[column] = cell_to_json(cell)
        records.append(record)
    checker = SchemaChecker(schema, columns, as_text=False)
    chunk = {c: [r.get(c, ABSENT) for r in records] for c in columns}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    assert checker.feed(chunk).tolist() == [not validator.is_valid(r) for r in records]


number_texts = st.from_regex(
    r"-?(0|[1-9][0-9]{0,5})(\.[0-9]{1,4})?([eE][+-]?[0-9]{1,2})?", fullmatch=True
)
near_numbers = st.text(alphabet="0123456789.-+eE x\n", min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(
    column=st.lists(
        st.one_of(number_texts, number_texts, near_numbers, st.sampled_from(["", "NA", "null"])),
        min_size=1,
        max_size=40,
    ),
    prefix=st.sampled_from([0, 2, 5000]),
)
def test_text_cells_are_numbers_exactly_when_the_json_mapping_says_so(
    column: list[str], prefix: int
) -> None:
    """Both number paths (one regex scan of all cells; per-cell kernels) match cell_to_json."""
    from cli.core.schema.cells import NULL, NUMBER
    from cli.core.schema.columns import to_cells

    cells = ["1"] * prefix + column  # a long clean prefix takes the whole-column path first
    got = to_cells(pa.array(cells, pa.string()), as_text=True)
    for i, text in enumerate(cells):
        value = cell_to_json(text)
        if value is None:
            assert got.kind[i] == NULL, text
        elif isinstance(value, int | float):
            assert got.kind[i] == NUMBER and got.num[i] == float(value), text
            assert bool(got.is_int[i]) == float(value).is_integer(), text
        else:
            assert got.kind[i] not in (NULL, NUMBER), text


@pytest.mark.parametrize("trap", ["1\n2", "-0\n5e3", "1\r\n2", "1\n\n2"])
def test_a_cell_with_numbers_on_two_lines_is_a_string(trap: str) -> None:
    """The whole-column scan joins cells with newlines; such a cell must not pass as numbers."""
    from cli.core.schema.cells import NUMBER, STRING
    from cli.core.schema.columns import to_cells

    got = to_cells(pa.array(["1", trap, "3"] * 2000, pa.string()), as_text=True)
    assert got.kind.tolist()[:3] == [NUMBER, STRING, NUMBER]
    assert got.value(1) == trap


token_like = st.sampled_from(["", "NA", "N/A", "NaN", "nan", "null", "NULL", "None", "0", "1.5"])
long_cells = st.sampled_from(["12345.5", "abcdef", "2024-01-31", "NULLS", "Nonetheless"])
IS_INTEGER = Draft202012Validator({"type": "integer"}).is_valid


def kinds_by_reference(texts: list[str | None]) -> list[int]:
    """Each cell's kind as the JSON mapping (``cell_to_json``) gives it."""
    from cli.core.schema.cells import NULL, NUMBER, STRING

    values = [cell_to_json(text) for text in texts]
    return [NULL if v is None else NUMBER if isinstance(v, int | float) else STRING for v in values]


def assert_cells_match_reference(texts: list[str | None]) -> None:
    """``from_text`` gives every cell the kind, float value and integer verdict that the
    JSON mapping and jsonschema give it."""
    from cli.core.schema.cells import NUMBER

    cells = from_text(pa.array(texts, pa.string()))
    assert cells.kind.tolist() == kinds_by_reference(texts), texts
    for i, text in enumerate(texts):
        value = cell_to_json(text)
        if cells.kind[i] == NUMBER:
            assert cells.num[i] == float(value), text
            assert bool(cells.is_int[i]) == IS_INTEGER(float(value)), text
        else:
            assert np.isnan(cells.num[i]) and not cells.is_int[i], text


@given(st.lists(token_like | long_cells, max_size=60), st.integers(0, 3))
def test_null_tokens_are_null_cells_as_a_plain_lookup_says(cells: list[str], repeat: int) -> None:
    texts = cells + ["12345.5"] * (repeat * 20)  # few short cells too
    expected = np.asarray(
        pa.compute.is_in(pa.array(texts, pa.string()), pa.array(list(NULL_TOKENS)))
    )
    from cli.core.schema.cells import NULL

    got = from_text(pa.array(texts, pa.string()))
    assert (got.kind == NULL).tolist() == expected.tolist()
    assert_cells_match_reference(texts)


def test_decimal_texts_are_numbers_exactly_when_the_json_number_grammar_says() -> None:
    """Every text of up to four bytes from '-', '.', '/' and digits, each alone (the
    whole-column path) and all together (the per-cell path): a number exactly when the
    JSON number regex matches it."""
    import itertools
    import re

    from cli.core.schema.cells import NUMBER, NUMBER_RE

    alphabet = "-./0123456789"
    texts = ["".join(t) for n in range(1, 5) for t in itertools.product(alphabet, repeat=n)]
    wrong = [
        text
        for text in texts
        if (from_text(pa.array([text], pa.string())).kind[0] == NUMBER)
        != bool(re.fullmatch(NUMBER_RE, text))
    ]
    assert wrong == []
    assert_cells_match_reference(texts)
    numbers = [text for text in texts if re.fullmatch(NUMBER_RE, text)]
    assert len(numbers) > 1000
    assert (from_text(pa.array(numbers, pa.string())).kind == NUMBER).all()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="-.0123456789", max_size=5), min_size=1, max_size=30))
def test_decimal_columns_with_empty_cells(texts: list[str]) -> None:
    """Columns of such texts with empty cells (null tokens) against the JSON mapping."""
    assert_cells_match_reference(texts)


INTEGER_EDGES = [0, -1, 2**53, 2**53 + 1, 2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 10**30]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.integers(-(2**70), 2**70), st.sampled_from(INTEGER_EDGES), st.none()),
        min_size=1,
        max_size=20,
    ),
    st.booleans(),
)
def test_integer_texts_cast_to_the_nearest_float(values: list[int | None], minus0: bool) -> None:
    """Cells of digits (the int64 path, and the float cast past int64) get Python's float of
    the text: the correctly rounded value, nulls NaN ("-0" may give 0.0: jsonschema sees 0)."""
    texts = [None if v is None else str(v) for v in values] + (["-0"] if minus0 else [])
    cells = from_text(pa.array(texts, pa.string()))
    expected = [np.nan if t is None else float(t) for t in texts]
    assert cells.num.tolist() == pytest.approx(expected, rel=0, abs=0, nan_ok=True)
    assert cells.is_int.tolist() == [t is not None for t in texts]
    assert_cells_match_reference(texts)


@pytest.mark.parametrize(
    "texts",
    [["1", "2.0"], ["1", "-2.5"], ["1", "1e5"], [""], ["1", "-25"], ["1", "2.5e-1", "x"]],
)
def test_integer_cells_are_what_jsonschema_calls_integers(texts: list[str]) -> None:
    """Texts with a point or an exponent are numbers that jsonschema may still call integers
    (2.0, 1e5); texts of digits alone are integers."""
    assert_cells_match_reference(texts)


GATHER_TEXTS = ["1", "2.5", "x", "", "NA", "1e400", "12345678901234567"]


@given(st.lists(st.sampled_from(GATHER_TEXTS), min_size=1), st.data())
def test_gathered_cells_equal_the_cells_of_the_gathered_texts(
    values: list[str], data: st.DataObject
) -> None:
    """Cells checked once per distinct value, gathered to rows, are the rows' own cells."""
    from cli.core.schema.columns import to_cells

    rows = data.draw(st.lists(st.integers(0, len(values) - 1), max_size=20))
    gathered = to_cells(pa.array(values, pa.string()), as_text=True).gather(np.array(rows, int))
    direct = to_cells(pa.array([values[r] for r in rows], pa.string()), as_text=True)
    for name in ("kind", "is_int", "boolean", "inexact"):
        assert np.array_equal(getattr(gathered, name), getattr(direct, name)), name
    assert np.array_equal(gathered.num, direct.num, equal_nan=True)
    assert gathered.text.to_pylist() == direct.text.to_pylist()
    assert [gathered.value(i) for i in range(len(rows))] == [
        direct.value(i) for i in range(len(rows))
    ]


def test_integer_texts_too_long_for_a_float_are_not_integers() -> None:
    """A text of 401 digits casts to inf: not a float64 integer (jsonschema decides it)."""
    from cli.core.schema.columns import to_cells

    cells = to_cells(pa.array(["1" + "0" * 400, "5", "-7"], pa.string()), as_text=True)
    assert cells.is_int.tolist() == [False, True, True]
    assert cells.inexact.tolist() == [True, False, False]


def test_an_inexact_cell_is_left_to_jsonschema_not_the_float_mask() -> None:
    """2**53 + 1 reads as 2**53 in a float64: the vectorised bound would reject it."""
    checker = SchemaChecker({"properties": {"a": {"exclusiveMinimum": 2**53}}}, ["a"], as_text=True)
    assert checker.feed(pa.table({"a": [str(2**53 + 1), str(2**53)]})).tolist() == [False, True]
    assert [(v.keyword, v.count, v.values) for v in checker.violations()] == [
        ("exclusiveMinimum", 1, (2**53,))
    ]


def test_absent_keys_are_neither_failures_nor_nulls() -> None:
    """JSON Lines: a record without the key is not checked by the property, not a null."""
    from cli.core.schema.cells import ABSENT

    schema = {
        "properties": {"a": {"type": "integer"}},
        "x-mlvc": {"max_null_share": {"a": 0.4}},
    }
    checker = SchemaChecker(schema, ["a"], as_text=False)
    failing = checker.feed({"a": [1, ABSENT, ABSENT, None, 2.5]})
    assert failing.tolist() == [False, False, False, True, True]
    assert [(v.keyword, v.count, v.rows) for v in checker.violations()] == [("type", 2, (4, 5))]
    (rule,) = checker.table_rules()
    assert rule.found == "0.2000" and rule.ok  # one null among five rows


def test_cells_failing_a_per_cell_keyword_make_one_finding_per_keyword() -> None:
    """Keywords jsonschema checks per cell: a chunk's failures are tallied in the worker (one
    finding per keyword, five examples), not kept as one object per failing cell."""
    schema = {"properties": {"a": {"not": {"type": "integer"}}}}
    checker = SchemaChecker(schema, ["a"], as_text=True)
    table = pa.table({"a": [str(i) if i % 3 else "x" for i in range(3000)]})
    result = checker._check("a", table.column("a"))
    assert [(f.keyword, f.count, len(f.examples)) for f in result.findings] == [("not", 2000, 5)]
    checker.feed(table)
    (violation,) = checker.violations()
    assert (violation.keyword, violation.count) == ("not", 2000)
    assert violation.rows == (2, 3, 5, 6, 8) and violation.values == (1, 2, 4, 5, 7)
