"""Atomic writes and clear read errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.adapters.files import atomic_writer, md5_file, read_table, to_json_text, write_text
from cli.errors import DataFileUnreadable


def test_failed_write_leaves_old_file_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_text(target, "old\n")
    with pytest.raises(RuntimeError), atomic_writer(target) as handle:
        handle.write("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_write_creates_parents(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "c.txt"
    write_text(target, "x")
    assert target.read_text() == "x"


def test_json_is_stable() -> None:
    assert (
        to_json_text({"b": 1, "a": [1.5, None]})
        == '{\n  "a": [\n    1.5,\n    null\n  ],\n  "b": 1\n}\n'
    )


def test_md5_matches_known_digest(tmp_path: Path) -> None:
    target = tmp_path / "f"
    target.write_bytes(b"hello\n")
    assert md5_file(target) == "b1946ac92492d2347c6235b4d2611184"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.txt", b"a,b\n1,2\n", "unsupported format '.txt'"),
        ("data.csv", b"a,b\n\xff\xfe,2\n", r"not UTF-8 text \(line 2\)"),
        ("data.parquet", b"not parquet at all", "cannot read"),
    ],
)
def test_unreadable_data(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataFileUnreadable, match=message) as raised:
        read_table(path)
    assert raised.value.hint  # the next step
    assert ".;" not in str(raised.value)  # the reader's sentence joins the hint cleanly
