"""One reader contract: ``mlvc schema check`` and ``mlvc drift`` refuse the same files alike.

Both read through :func:`cli.adapters.arrow_tables.open_stream`; each bad input below
must exit 2 in both commands (drift with it as the reference and as the current file)
with the same one-line error naming the file and the row or line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()
GOOD_CSV = "a,b\n1,x\n2,y\n3,z\n4,w\n"
GOOD_JSONL = "".join(json.dumps({"a": i, "b": c}) + "\n" for i, c in enumerate("xyzw", 1))
CELL = "y" * (900 << 10)  # under the 1 MiB cell limit; ten of them make a 9 MiB row

BAD: dict[str, tuple[str, str, str]] = {
    # name: (suffix, content, what the error says)
    "ragged-more": (".csv", "a,b\n1,x\n2,y,9\n3,z\n", "row 2 has 3 cell(s) where the header has 2"),
    "ragged-fewer": (".csv", "a,b\n1,x\n2\n3,z\n", "row 2 has 1 cell(s) where the header has 2"),
    "cell-2-mib": (
        ".csv",
        "a,b\n1,x\n2," + "y" * (2 << 20) + "\n3,z\n",
        "row 2, column 'b': a cell of 2.0 MiB, over the 1 MiB limit",
    ),
    "row-9-mib": (
        ".csv",
        "a,b\n1,x\n" + ",".join([CELL] * 5) + "," + ",".join([CELL] * 5) + "\n3,z\n",
        "line 3: a row larger than 8 MiB starts here",
    ),
    "quote-open-at-end": (
        ".csv",
        'a,b\n1,"x"\n2,5\'11"\n3,"z\n',
        "line 4: a quoted cell opens here and is not closed by the end of the file",
    ),
    "jsonl-array": (".jsonl", '{"a": 1, "b": "x"}\n[1, 2]\n', "line 2: a JSON array, not"),
    "jsonl-number": (".jsonl", '{"a": 1, "b": "x"}\n\n3\n', "line 3: a JSON number, not"),
    "jsonl-string": (".jsonl", '{"a": 1, "b": "x"}\n"x"\n', "line 2: a JSON string, not"),
    "jsonl-deep": (
        ".jsonl",
        '{"a": 1, "b": "x"}\n{"a": 2, "b": ' + "[" * 5000 + "]" * 5000 + "}\n",
        "line 2: nested too deeply",
    ),
}
COMMANDS = ["schema check", "drift --reference", "drift --current"]


def run(command: str, bad: Path, tmp_path: Path) -> tuple[int, str]:
    good = tmp_path / f"good{bad.suffix}"
    good.write_text(GOOD_JSONL if bad.suffix == ".jsonl" else GOOD_CSV)
    schema = tmp_path / "schema.json"
    schema.write_text('{"type": "object", "properties": {"a": {"type": "integer"}}}')
    args = {
        "schema check": ["schema", "check", str(bad), "--schema", str(schema)],
        "drift --reference": ["drift", "--reference", str(bad), "--current", str(good)],
        "drift --current": ["drift", "--reference", str(good), "--current", str(bad)],
    }[command]
    result = runner.invoke(app, args)
    return result.exit_code, result.stderr


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", list(BAD))
def test_bad_input_is_refused_alike(tmp_path: Path, name: str, command: str) -> None:
    suffix, content, message = BAD[name]
    bad = tmp_path / f"bad{suffix}"
    bad.write_text(content)
    code, stderr = run(command, bad, tmp_path)
    assert code == 2, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    assert lines[0].startswith(f"error: {bad}: cannot read the data file: {message}"), lines[0]


@pytest.mark.parametrize("name", list(BAD))
def test_both_commands_give_the_same_line(tmp_path: Path, name: str) -> None:
    suffix, content, _ = BAD[name]
    bad = tmp_path / f"bad{suffix}"
    bad.write_text(content)
    errors = {run(command, bad, tmp_path)[1] for command in COMMANDS}
    assert len(errors) == 1, errors
