"""skops archives: byte-identical across saves, and refused when they hold untrusted types."""

from __future__ import annotations

import math
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import FunctionTransformer

from cli.adapters.model_store import (
    MAX_ARCHIVE_BYTES,
    MAX_ARCHIVE_MEMBERS,
    load_model,
    save_model,
    untrusted_types,
)
from cli.errors import FileMissing, ModelArchiveInvalid, ModelArchiveTooLarge, UntrustedModel


def fitted_model() -> LogisticRegression:
    x = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.7], [0.9, 0.1]])
    return LogisticRegression(random_state=0).fit(x, ["a", "b", "a", "b"])


def test_two_saves_are_byte_identical(tmp_path: Path) -> None:
    model = fitted_model()
    save_model(model, tmp_path / "one.skops")
    save_model(model, tmp_path / "two.skops")
    assert (tmp_path / "one.skops").read_bytes() == (tmp_path / "two.skops").read_bytes()


def test_saves_in_separate_processes_are_byte_identical(tmp_path: Path) -> None:
    script = (
        "import sys, numpy as np\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "from cli.adapters.model_store import save_model\n"
        "x = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.7], [0.9, 0.1]])\n"
        "model = LogisticRegression(random_state=0).fit(x, ['a', 'b', 'a', 'b'])\n"
        "save_model(model, __import__('pathlib').Path(sys.argv[1]))\n"
    )
    for name in ("p1.skops", "p2.skops"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / name)], check=True)
    assert (tmp_path / "p1.skops").read_bytes() == (tmp_path / "p2.skops").read_bytes()


def test_archive_has_fixed_timestamps_and_round_trips(tmp_path: Path) -> None:
    model = fitted_model()
    path = tmp_path / "m.skops"
    save_model(model, path)
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    loaded = load_model(path)
    x = np.array([[0.2, 0.8], [0.8, 0.3]])
    assert np.array_equal(loaded.predict_proba(x), model.predict_proba(x))


def test_untrusted_types_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.skops"
    save_model(FunctionTransformer(func=math.sqrt), path)
    with pytest.raises(UntrustedModel, match=r"untrusted types: math\.sqrt"):
        load_model(path)


def test_missing_model(tmp_path: Path) -> None:
    with pytest.raises(FileMissing, match="run 'dvc repro'"):
        load_model(tmp_path / "absent.skops")


# --- archive caps and damaged archives -----------------------------------------


def declare_size(archive: bytes, member_suffix: bytes, size: int) -> bytes:
    """``archive`` with the central-directory uncompressed size of one member set to ``size``.

    Only the central directory is patched (zipfile reads sizes from there), so
    nothing of that size is ever written.
    """
    data = bytearray(archive)
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) != -1:
        name_length = int.from_bytes(data[at + 28 : at + 30], "little")
        name = bytes(data[at + 46 : at + 46 + name_length])
        if name.endswith(member_suffix):
            data[at + 24 : at + 28] = size.to_bytes(4, "little")
            return bytes(data)
        at += 46
    raise AssertionError(f"no member ending in {member_suffix!r}")


def test_a_member_declaring_4_gib_is_refused_before_loading(tmp_path: Path) -> None:
    path = tmp_path / "model.skops"
    save_model(fitted_model(), path)
    path.write_bytes(declare_size(path.read_bytes(), b".npy", 0xFFFF_FFFE))
    with zipfile.ZipFile(path) as archive:  # the crafted declaration: ~4 GiB of one member
        assert max(info.file_size for info in archive.infolist()) == 0xFFFF_FFFE
    with pytest.raises(ModelArchiveTooLarge, match=r"archive too large: members declare 4,29"):
        load_model(path)
    with pytest.raises(ModelArchiveTooLarge, match=f"limit {MAX_ARCHIVE_BYTES:,}"):
        untrusted_types(path)


def test_too_many_members_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "many.skops"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("schema.json", "{}")
        for n in range(MAX_ARCHIVE_MEMBERS):
            archive.writestr(f"{n}.npy", b"")
    with pytest.raises(ModelArchiveTooLarge, match=r"10,001 members \(limit 10,000\)"):
        load_model(path)


@pytest.mark.parametrize("damage", ["empty", "truncated", "not a zip", "no schema", "cut member"])
def test_damaged_archives_are_one_named_error(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "model.skops"
    save_model(fitted_model(), path)
    whole = path.read_bytes()
    if damage == "empty":
        path.write_bytes(b"")
    elif damage == "truncated":
        path.write_bytes(whole[: len(whole) // 2])
    elif damage == "not a zip":
        path.write_text("version https://git-lfs.github.com/spec/v1\n")
    elif damage == "no schema":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("model.npy", b"")
    else:  # the central directory intact, one member's compressed bytes zeroed
        with zipfile.ZipFile(path) as archive:
            info = next(i for i in archive.infolist() if i.filename.endswith(".npy"))
        start = info.header_offset + 30 + len(info.filename.encode())
        damaged = bytearray(whole)
        damaged[start : start + info.compress_size] = bytes(info.compress_size)
        path.write_bytes(bytes(damaged))
    with pytest.raises(ModelArchiveInvalid, match=r"model\.skops: not a model archive: .+"):
        load_model(path)


def test_cli_drift_with_an_empty_model_is_one_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from cli.app import app

    data = tmp_path / "data.csv"
    data.write_text("x\n1\n2\n3\n")
    (tmp_path / "model.skops").write_bytes(b"")
    result = CliRunner().invoke(
        app, ["drift", "-r", str(data), "-c", str(data), "-m", str(tmp_path / "model.skops")]
    )
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "not a model archive: the file is empty" in line and "unexpected" not in line
    assert "dvc repro" in line


def rewrite_schema(path: Path, schema: bytes) -> None:
    """Replace the ``schema.json`` member of the archive at ``path``, keeping the others."""
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist() if n != "schema.json"}
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("schema.json", schema)
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.mark.parametrize(
    "schema, detail",
    [
        (b"[]", r"schema\.json is a JSON array, not an object"),
        (b"3", r"schema\.json is a JSON number, not an object"),
        (b"null", r"schema\.json is a JSON null, not an object"),
        (b"{}", r"schema\.json has no integer 'protocol' \(found None\)"),
        (b'{"protocol": "2"}', r"has no integer 'protocol' \(found '2'\)"),
        (b'{"protocol": true}', r"has no integer 'protocol' \(found True\)"),
        (b'{"protocol": 999}', r"skops cannot read it: "),
        (b'{"protocol": 2}', r"skops cannot read it: "),
        (b'{"protocol": 2, "__class__": [], "__module__": 3}', r"skops cannot read it: "),
        (b'{"protocol": 2, "__class__": "X", "__module__": "m", "__loader__": 1}', r"skops"),
    ],
)
def test_a_malformed_schema_json_is_one_named_error(
    tmp_path: Path, schema: bytes, detail: str
) -> None:
    path = tmp_path / "m0.skops"
    save_model(fitted_model(), path)
    rewrite_schema(path, schema)
    with pytest.raises(ModelArchiveInvalid, match=r"m0\.skops: not a model archive: .*" + detail):
        untrusted_types(path)
    with pytest.raises(ModelArchiveInvalid, match=r"m0\.skops: not a model archive: .*" + detail):
        load_model(path)


@pytest.mark.parametrize("schema", [b"[]", b"{}"])
def test_cli_drift_with_a_malformed_schema_json_is_one_line(tmp_path: Path, schema: bytes) -> None:
    from typer.testing import CliRunner

    from cli.app import app

    data = tmp_path / "r.csv"
    data.write_text("x\n1\n2\n3\n")
    model = tmp_path / "m0.skops"
    save_model(fitted_model(), model)
    rewrite_schema(model, schema)
    result = CliRunner().invoke(app, ["drift", "-r", str(data), "-c", str(data), "-m", str(model)])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()
    assert "m0.skops: not a model archive: schema.json" in line and "unexpected" not in line
