"""Outputs never clobber: FIFOs, devices, directories and the command's own inputs are refused.

And a symlinked output is written through (the link stays, its target changes);
``-o``/``-p`` paths that are directories, or lie below a file, are one line, exit 2.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.adapters.files import write_text
from cli.app import app
from cli.errors import OutputFolderBlocked, OutputLinkReadOnly, OutputNotRegularFile
from tests.conftest import TINY_CSV

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def make_socket(path: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    here = os.getcwd()
    os.chdir(path.parent)  # bound by its bare name: AF_UNIX paths are capped at 107 bytes
    try:
        server.bind(path.name)
    finally:
        os.chdir(here)
    server.close()  # the socket file stays


def make_char_device(path: Path) -> None:
    try:  # the same device numbers as /dev/null, made in the test's own folder
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("creating a device node needs root")


NODES: dict[str, tuple[Callable[[Path], None], Callable[[int], bool], str]] = {
    "fifo": (make_fifo, stat.S_ISFIFO, "a FIFO"),
    "socket": (make_socket, stat.S_ISSOCK, "a socket"),
    "char device": (make_char_device, stat.S_ISCHR, "a character device"),
    "directory": (Path.mkdir, stat.S_ISDIR, "a directory"),
}


def one_error_line(result: object, *needles: str) -> str:
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    lines = result.stderr.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and "unexpected" not in lines[0], lines
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("kind", sorted(NODES))
def test_writer_refuses_non_regular_targets(tmp_path: Path, kind: str) -> None:
    make, is_kind, words = NODES[kind]
    target = tmp_path / "out.json"
    make(target)
    with pytest.raises(OutputNotRegularFile, match=f"refusing to write output over {words}"):
        write_text(target, "{}\n")
    assert is_kind(target.lstat().st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]  # no temporary left


def test_writer_writes_through_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real" / "schema.json"
    real.parent.mkdir()
    real.write_text("old\n")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    write_text(link, "new\n")
    assert link.is_symlink() and link.readlink() == real
    assert real.read_text() == "new\n"


def test_writer_through_a_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "later.json")
    write_text(link, "x\n")
    assert link.is_symlink() and (tmp_path / "later.json").read_text() == "x\n"


def test_writer_refuses_a_symlink_to_a_fifo(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "link").symlink_to(tmp_path / "pipe")
    with pytest.raises(OutputNotRegularFile, match="FIFO"):
        write_text(tmp_path / "link", "x")
    assert stat.S_ISFIFO((tmp_path / "pipe").stat().st_mode)


def test_writer_below_a_file_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    for target in (tmp_path / "file" / "out.json", tmp_path / "file" / "deeper" / "out.json"):
        with pytest.raises(OutputFolderBlocked, match="a folder in its path is a file"):
            write_text(target, "{}")
    assert (tmp_path / "file").read_text() == "x"


# --- every command with -o ----------------------------------------------------


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data.csv"
    shutil.copy(TINY_CSV, path)
    return path


@pytest.mark.parametrize("kind", ["fifo", "directory", "char device"])
def test_schema_infer_refuses_non_regular_output(tmp_path: Path, data: Path, kind: str) -> None:
    make, is_kind, words = NODES[kind]
    out = tmp_path / "out"
    make(out)
    result = runner.invoke(app, ["schema", "infer", str(data), "-o", str(out)])
    one_error_line(result, str(out), words)
    assert is_kind(out.lstat().st_mode)


@pytest.mark.parametrize("spelling", ["same", "symlink", "hard link", "dot path"])
def test_schema_infer_refuses_its_input_as_output(
    tmp_path: Path, data: Path, spelling: str
) -> None:
    before = data.read_bytes()
    if spelling == "same":
        out = data
    elif spelling == "symlink":
        out = tmp_path / "link.csv"
        out.symlink_to(data)
    elif spelling == "hard link":
        out = tmp_path / "hard.csv"
        out.hardlink_to(data)
    else:
        out = tmp_path / "." / data.name
    result = runner.invoke(app, ["schema", "infer", str(data), "-o", str(out)])
    one_error_line(result, "refusing to write output over the data file")
    assert data.read_bytes() == before


def test_schema_infer_writes_through_a_symlinked_output(tmp_path: Path, data: Path) -> None:
    real = tmp_path / "schemas" / "penguins.json"
    real.parent.mkdir()
    real.write_text("{}\n")
    link = tmp_path / "schema.json"
    link.symlink_to(real)
    result = runner.invoke(app, ["schema", "infer", str(data), "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and '"$schema"' in real.read_text()


def test_schema_infer_output_below_a_file(tmp_path: Path, data: Path) -> None:
    result = runner.invoke(app, ["schema", "infer", str(data), "-o", str(data / "schema.json")])
    one_error_line(result, "a folder in its path is a file")


@pytest.fixture
def pipeline_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with params.yaml and dvc.yaml (no pipeline outputs), as the working directory."""
    for name in ("params.yaml", "dvc.yaml"):
        shutil.copy(ROOT / name, tmp_path / name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_card_build_refuses_non_regular_output(pipeline_dir: Path, kind: str) -> None:
    make, is_kind, words = NODES[kind]
    out = pipeline_dir / "card.md"
    make(out)
    result = runner.invoke(app, ["card", "build", "-o", str(out)])
    one_error_line(result, words)
    assert is_kind(out.lstat().st_mode)


@pytest.mark.parametrize(
    ("output", "what"),
    [("params.yaml", "params file"), ("dvc.yaml", "pipeline file (dvc.yaml)")],
)
def test_card_build_refuses_its_input_as_output(pipeline_dir: Path, output: str, what: str) -> None:
    before = (pipeline_dir / output).read_bytes()
    result = runner.invoke(app, ["card", "build", "-o", output])
    one_error_line(result, f"refusing to write output over the {what}")
    assert (pipeline_dir / output).read_bytes() == before


# --- -p paths that are directories or lie below a file -----------------------


@pytest.mark.parametrize("where", ["directory", "below a file"])
@pytest.mark.parametrize("command", ["params check", "card build", "drift"])
def test_params_path_that_is_not_a_file(
    pipeline_dir: Path, data: Path, where: str, command: str
) -> None:
    if where == "directory":
        path, words = pipeline_dir / "conf", "is a directory, not a"
        path.mkdir()
    else:
        path, words = pipeline_dir / "params.yaml" / "x.yaml", "a folder in its path is a file"
    extra = ["-r", str(data), "-c", str(data)] if command == "drift" else []
    result = runner.invoke(app, [*command.split(), *extra, "-p", str(path)])
    one_error_line(result, str(path), words)


def test_writer_refuses_a_symlink_into_a_read_only_cache(tmp_path: Path) -> None:
    """DVC's ``cache.type: symlink`` links outputs to read-only cache files: never write those."""
    cached = tmp_path / ".dvc" / "cache" / "files" / "md5" / "ab" / "cdef"
    cached.parent.mkdir(parents=True)
    cached.write_text("card\n")
    cached.chmod(0o444)
    link = tmp_path / "README.md"
    link.symlink_to(cached)
    with pytest.raises(OutputLinkReadOnly, match=r"dvc unprotect .*README\.md"):
        write_text(link, "new card\n")
    assert cached.read_text() == "card\n" and link.is_symlink()


def test_card_build_output_below_a_file(pipeline_dir: Path) -> None:
    result = runner.invoke(app, ["card", "build", "-o", "params.yaml/card.md"])
    one_error_line(result, "params.yaml/card.md", "a folder in its path is a file")
