"""Pandas-free Arrow <-> NumPy conversions match pyarrow's; schema check never imports pandas."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from datetime import datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cli import api
from cli.core.arrow_np import from_numpy, scalar, string_array, string_buffers, to_numpy

NUMERIC = [pa.int8(), pa.int32(), pa.int64(), pa.uint16(), pa.float32(), pa.float64()]
cut = st.tuples(st.integers(0, 5), st.integers(0, 5))


@st.composite
def arrays(draw: st.DrawFn) -> pa.Array:
    """Boolean or numeric arrays, with nulls, sliced (a non-zero offset) or not."""
    arrow_type = draw(st.sampled_from([pa.bool_(), *NUMERIC]))
    if arrow_type == pa.bool_():
        values = st.booleans()
    elif pa.types.is_floating(arrow_type):
        values = st.floats(-1e6, 1e6, width=32)
    else:
        values = st.integers(0, 100)
    array = pa.array(draw(st.lists(st.none() | values, max_size=40)), arrow_type)
    start, stop = draw(cut)
    return array.slice(min(start, len(array)), max(len(array) - start - stop, 0))


@given(arrays())
def test_to_numpy_matches_pyarrow(array: pa.Array) -> None:
    got = to_numpy(array)
    if pa.types.is_boolean(array.type):
        expected = np.array([bool(v) for v in array.to_pylist()], bool)  # null -> False
    else:
        expected = array.to_numpy(zero_copy_only=False)
    assert len(got) == len(array)
    np.testing.assert_array_equal(got, expected)


@given(st.lists(st.booleans(), max_size=40))
def test_from_numpy_booleans_match_pa_array(values: list[bool]) -> None:
    assert from_numpy(np.array(values, bool)).equals(pa.array(values, pa.bool_()))


@given(st.lists(st.integers(-(2**40), 2**40), max_size=40))
def test_from_numpy_integers_match_pa_array_and_refuse_overflow(values: list[int]) -> None:
    assert from_numpy(np.array(values, np.int64)).equals(pa.array(values, pa.int64()))
    small = [v for v in values if -(2**31) <= v < 2**31]
    assert from_numpy(np.array(small, np.int64), pa.int32()).equals(pa.array(small, pa.int32()))
    if len(small) < len(values):
        with pytest.raises(OverflowError):
            from_numpy(np.array(values, np.int64), pa.int32())


@given(st.lists(st.none() | st.text(max_size=6), max_size=30))
def test_string_array_matches_pa_array(values: list[str | None]) -> None:
    got = string_array(values)
    got.validate(full=True)
    assert got.equals(pa.array(values, pa.string()))


@given(
    st.lists(st.text(max_size=6), max_size=30),
    st.integers(0, 5),
    st.integers(0, 5),
    st.sampled_from([pa.string(), pa.large_string(), pa.binary()]),
)
def test_string_buffers_give_each_cell(
    values: list[str], start: int, drop: int, arrow_type: pa.DataType
) -> None:
    """Offsets and bytes of a (sliced) string array spell out its cells, without copies."""
    array = pa.array(values, arrow_type).slice(start, max(0, len(values) - start - drop))
    offsets, data = string_buffers(array)
    assert len(offsets) == len(array) + 1 and offsets[0] == 0 and offsets[-1] == len(data)
    cells = [bytes(data[offsets[i] : offsets[i + 1]]) for i in range(len(array))]
    expected = [v if isinstance(v, bytes) else v.encode() for v in array.to_pylist()]
    assert cells == expected


@given(st.none() | st.booleans() | st.integers(-(2**62), 2**62) | st.floats() | st.text(max_size=5))
def test_scalar_matches_pa_scalar(value: object) -> None:
    got, expected = scalar(value), pa.scalar(value)
    assert got.type == expected.type
    assert got.equals(expected) or got.as_py() != got.as_py()  # NaN != NaN
    assert scalar(None, pa.string()).type == pa.string()


CHECK_AND_LIST_PANDAS = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from cli import api

    schema = Path(sys.argv[1])
    counts = [api.check_schema(data=Path(p), schema=schema).failing_rows for p in sys.argv[2:]]
    print(json.dumps({"counts": counts, "pandas": "pandas" in sys.modules}))
    """
)
# pyarrow treats a failing pandas import as "pandas not installed" and carries on, so
# blocking the import would prove nothing: the test looks at what was imported instead.


def _mixed_tables(folder: Path) -> list[Path]:
    """CSV text of every cell shape, Parquet of every typed column, and JSON Lines."""
    n = 5000  # above the sample sizes, so columns of few distinct values are checked by value
    cells = ["", "NA", "0", "1", "-3", "2.5", "1e2", "007", "+1", "abc", "2024-01-31", "2" * 20]
    rows = ["id,word,count,when"]
    rows += [f"{i},{cells[i % len(cells)]},{i % 7},2024-01-{1 + i % 28:02d}" for i in range(n)]
    csv = folder / "mixed.csv"
    csv.write_text("\n".join(rows) + "\n")
    parquet = folder / "mixed.parquet"
    table = pa.table(
        {
            "id": pa.array(range(n), pa.int64()),
            "word": pa.array([None if i % 9 == 0 else f"w{i % 3}" for i in range(n)]),
            "count": pa.array([None if i % 11 == 0 else i % 7 for i in range(n)], pa.int32()),
            "when": pa.array([datetime(2024, 1, 1 + i % 28) for i in range(n)]),
        }
    )
    pq.write_table(table.append_column("flag", pa.array([i % 2 == 0 for i in range(n)])), parquet)
    jsonl = folder / "mixed.jsonl"
    records = [{"id": i, "word": cells[i % len(cells)], "count": i % 7} for i in range(200)]
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in records))
    return [csv, parquet, jsonl]


def test_schema_check_never_imports_pandas(tmp_path: Path) -> None:
    schema = tmp_path / "schema.json"
    schema.write_text(
        json.dumps(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "properties": {
                    "id": {"type": "integer", "minimum": 0},
                    "word": {"type": ["string", "null"], "enum": ["w0", "w1", "abc", None]},
                    "count": {"type": ["integer", "null"], "maximum": 5},
                    "when": {"type": "string", "format": "date"},
                },
            }
        )
    )
    tables = _mixed_tables(tmp_path)
    argv = [sys.executable, "-c", CHECK_AND_LIST_PANDAS, str(schema), *map(str, tables)]
    done = subprocess.run(argv, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout)
    assert result["pandas"] is False
    expected = [api.check_schema(data=t, schema=schema).failing_rows for t in tables]
    assert result["counts"] == expected
    assert all(count > 0 for count in expected)  # every table really has violations


def test_from_numpy_narrows_floats_like_pa_array() -> None:
    values = np.array([0.1, -2.5, 1e30])
    assert from_numpy(values, pa.float32()).equals(pa.array(values.tolist(), pa.float32()))


def test_one_array_keeps_a_single_chunk_and_joins_several() -> None:
    from cli.core.arrow_np import one_array

    chunk = pa.array(["a", "bb", None])
    single = one_array(pa.chunked_array([chunk]))
    assert single.buffers()[2].address == chunk.buffers()[2].address  # not copied
    assert one_array(chunk) is chunk
    joined = one_array(pa.chunked_array([chunk, pa.array(["c"])]))
    assert isinstance(joined, pa.Array) and joined.to_pylist() == ["a", "bb", None, "c"]
    assert one_array(pa.chunked_array([], pa.string())).to_pylist() == []
