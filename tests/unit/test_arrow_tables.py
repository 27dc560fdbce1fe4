"""CSV files read in line-aligned byte ranges give the same cells as one whole read."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli.adapters import arrow_tables
from cli.errors import DataFileUnreadable, RowWidthMismatch, UnclosedQuote

HEADER = ["a", "b", "c"]
cells = st.text(alphabet='xyz019.,-" é', max_size=6)


def csv_text(rows: list[list[str]], newline: str) -> str:
    def field(value: str) -> str:
        quote = any(c in value for c in ',"\n\r') or value.startswith(" ")
        return '"' + value.replace('"', '""') + '"' if quote else value

    lines = [",".join(HEADER)] + [",".join(field(v) for v in row) for row in rows]
    return newline.join(lines) + newline


def read_whole(path: Path) -> pa.Table:
    return pcsv.read_csv(
        path,
        parse_options=pcsv.ParseOptions(newlines_in_values=True),
        convert_options=pcsv.ConvertOptions(
            column_types=dict.fromkeys(HEADER, pa.string()),
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        ),
    )


def read_in_ranges(path: Path) -> pa.Table:
    stream = arrow_tables.open_stream(path)
    assert stream.columns == HEADER and stream.as_text
    return pa.concat_tables(list(stream.chunks))


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=40),
    newline=st.sampled_from(["\n", "\r\n"]),
    range_bytes=st.integers(64, 400),
)
def test_ranges_equal_one_whole_read(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rows: list[list[str]],
    newline: str,
    range_bytes: int,
) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(csv_text(rows, newline).encode())
    monkeypatch.setattr(arrow_tables, "RANGE_BYTES", range_bytes)
    assert read_in_ranges(path).to_pydict() == read_whole(path).to_pydict()


def test_last_row_without_line_end_and_progress(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b,c\n" + b"1,2,3\n" * 50 + b"4,5,6")
    monkeypatch.setattr(arrow_tables, "RANGE_BYTES", 64)
    seen: list[tuple[int, int]] = []
    stream = arrow_tables.open_stream(path, progress=lambda done, total: seen.append((done, total)))
    table = pa.concat_tables(list(stream.chunks))
    assert table.num_rows == 51 and table.column("c")[-1].as_py() == "6"
    assert len(seen) > 1 and seen[-1] == (path.stat().st_size, path.stat().st_size)
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)


def test_a_row_longer_than_a_range_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b,c\n1,2,3\n" + b"x" * 200 + b",2,3\n" + b"1,2,3\n" * 40)
    monkeypatch.setattr(arrow_tables, "RANGE_BYTES", 128)
    with pytest.raises(DataFileUnreadable, match="line 3: a row larger than 0 MiB starts here"):
        list(arrow_tables.open_stream(path).chunks)


def test_a_range_never_ends_inside_a_quoted_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The last line end of a range may sit inside a quoted cell: the cut goes before that row."""
    path = tmp_path / "data.csv"
    rows = [["1", "a\nb" * 5, "c"], ["2", "x", 'say ""hi""\r\nbye']] * 30
    text = "a,b,c\n" + "".join(
        ",".join(f'"{v}"' if any(ch in v for ch in '\n"') else v for v in row) + "\n"
        for row in rows
    )
    path.write_text(text, encoding="utf-8")
    monkeypatch.setattr(arrow_tables, "RANGE_BYTES", 64)
    table = read_in_ranges(path)
    assert table.num_rows == 60
    assert table.column("b").to_pylist()[:2] == ["a\nb" * 5, "x"]
    assert table.column("c").to_pylist()[1] == 'say "hi"\r\nbye'
    assert table.to_pydict() == read_whole(path).to_pydict()


def test_a_byte_order_mark_is_not_part_of_the_first_name(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes("\ufeffa,b,c\n1,2,3\n".encode())
    stream = arrow_tables.open_stream(path)
    assert stream.columns == HEADER
    assert pa.concat_tables(list(stream.chunks)).column("a").to_pylist() == ["1"]


@pytest.mark.parametrize(
    ("tail", "valid"), [("café,crème,ü\n".encode(), True), (b"ok,\xff\xfe,x\n", False)]
)
def test_utf8_is_checked_in_every_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tail: bytes, valid: bool
) -> None:
    """ASCII ranges skip Arrow's UTF-8 check; a later range with other bytes still gets it."""
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b,c\n" + b"1,2,3\n" * 40 + tail)
    monkeypatch.setattr(arrow_tables, "RANGE_BYTES", 64)
    if valid:
        assert read_in_ranges(path).column("b").to_pylist()[-1] == "crème"
    else:
        with pytest.raises(DataFileUnreadable, match="not UTF-8"):
            read_in_ranges(path)


class RecordingPool:
    """A parse pool that runs nothing until asked: shows what was submitted, and when."""

    def __init__(self) -> None:
        self.futures: list[Future[object]] = []
        self.jobs: list[tuple[object, ...]] = []

    def submit(self, fn: object, *args: object) -> Future[object]:
        future: Future[object] = Future()
        self.futures.append(future)
        self.jobs.append((fn, *args))
        return future

    def run(self, index: int) -> None:
        fn, *args = self.jobs[index]
        self.futures[index].set_result(fn(*args))  # type: ignore[operator]


def test_ranges_are_parsed_ahead_and_dropped_when_the_reader_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening a stream starts parsing READ_AHEAD ranges; closing it cancels what is left."""
    path = tmp_path / "data.csv"
    path.write_bytes(b"a,b,c\n" + b"1,2,3\n" * 100)
    pool = RecordingPool()
    monkeypatch.setattr(arrow_tables, "RANGE_BYTES", 64)
    monkeypatch.setattr(arrow_tables, "READ_AHEAD", 3)
    stream = arrow_tables.open_stream(path, parse=pool)  # type: ignore[arg-type]
    assert len(pool.futures) == 3  # before any chunk is asked for
    pool.run(0)
    first = next(stream.chunks)
    assert first.column("a").to_pylist()[0] == "1" and len(pool.futures) == 4
    stream.chunks.close()  # type: ignore[attr-defined]
    assert not pool.futures[0].cancelled()
    assert all(future.cancelled() for future in pool.futures[1:])


def test_a_huge_cell_is_named_by_its_row_in_a_later_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.csv"
    rows = [b"1,2,3\n"] * 40
    rows[29] = b"1," + b"y" * 30 + b",3\n"
    path.write_bytes(b"a,b,c\n" + b"".join(rows))
    monkeypatch.setattr(arrow_tables, "RANGE_BYTES", 64)
    monkeypatch.setattr(arrow_tables, "MAX_CELL_BYTES", 20)
    with pytest.raises(DataFileUnreadable, match=r"row 30, column 'b': a cell of 0\.0 MiB"):
        list(arrow_tables.open_stream(path).chunks)


@pytest.mark.parametrize("text", [b"a,b,c", b"\xef\xbb\xbfa,b,c", b"a,b,c\n"])
def test_a_header_alone_gives_no_rows(tmp_path: Path, text: bytes) -> None:
    """With or without its line end (Arrow reads no columns from a header without one)."""
    path = tmp_path / "data.csv"
    path.write_bytes(text)
    table = read_in_ranges(path)
    assert table.num_rows == 0 and table.column_names == HEADER


def test_a_ragged_row_is_named_by_its_row_in_a_later_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.csv"
    rows = [b"1,2,3\n"] * 40
    rows[29] = b"1,2\n"
    path.write_bytes(b"a,b,c\n" + b"".join(rows))
    monkeypatch.setattr(arrow_tables, "RANGE_BYTES", 64)
    with pytest.raises(RowWidthMismatch, match=r"row 30 has 2 cell\(s\) where the header has 3"):
        list(arrow_tables.open_stream(path).chunks)


@pytest.mark.parametrize("quoted", [False, True])
def test_a_quote_open_at_the_end_is_named_by_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, quoted: bool
) -> None:
    """In the last of several ranges, after a quoted cell that holds a line end."""
    path = tmp_path / "data.csv"
    first = b'"x\ny",2,3\n' if quoted else b"1,2,3\n"
    path.write_bytes(b"a,b,c\n" + first + b"1,2,3\n" * 30 + b'1,"2,3\n4,5,6\n')
    monkeypatch.setattr(arrow_tables, "RANGE_BYTES", 64)
    line = 33 + quoted
    with pytest.raises(UnclosedQuote, match=f"line {line}: a quoted cell opens here"):
        list(arrow_tables.open_stream(path).chunks)


@pytest.mark.parametrize(
    "text",
    [
        b'a,b,c\n1,5\'11",3\n2,"x",3\n',  # a quote inside an unquoted cell is a character
        b'a,b,c\n1,"x ""y""",3\n2,"",3',  # closed quotes, no line end at the end
        b'a,b,c\n"1\n2","x",""\n',
    ],
)
def test_closed_quotes_read_as_one_whole_read(tmp_path: Path, text: bytes) -> None:
    path = tmp_path / "data.csv"
    path.write_bytes(text)
    assert read_in_ranges(path).to_pylist() == read_whole(path).to_pylist()
