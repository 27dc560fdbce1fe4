"""``mlvc drift`` through typer's CliRunner: exit codes, formats, one-line errors, help."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import palmerpenguins
import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def batches(tmp_path: Path) -> tuple[Path, Path]:
    penguins = palmerpenguins.load_penguins()
    reference, current = tmp_path / "reference.csv", tmp_path / "current.csv"
    penguins[penguins.year <= 2008].to_csv(reference, index=False)
    penguins[penguins.year == 2009].to_csv(current, index=False)
    return reference, current


def invoke(*args: str | Path) -> typer.testing.Result:
    return runner.invoke(app, ["drift", *(str(a) for a in args)])


def test_new_batch_is_no_drift_exit_0(batches: tuple[Path, Path]) -> None:
    result = invoke("--reference", batches[0], "--current", batches[1])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"drift of {batches[1]} (120 rows) against {batches[0]} (224 rows)"
    assert lines[1] == "method: p-value tests (the reference has at most 1000 rows)"
    assert any(line.startswith("year ") and "DRIFT (psi, ks)" in line for line in lines)
    assert "  ks: drift if p_value < 0.05" in lines
    assert lines[-2] == "2 of 8 columns drifted (25.0%); the dataset drifts at >= 50%"
    assert lines[-1] == "verdict: OK (no dataset drift)"


def test_one_island_only_is_drift_exit_1(batches: tuple[Path, Path]) -> None:
    """A batch from Biscoe only (Adelie and Gentoo): most columns move."""
    frame = pd.read_csv(batches[1])
    frame[frame.island == "Biscoe"].to_csv(batches[1], index=False)
    result = invoke("-r", batches[0], "-c", batches[1], "--format", "json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["ok"] is False and document["dataset_drift"] is True
    rows = {row["column"]: row for row in document["columns"]}
    assert rows["island"]["status"] == "drift"
    assert rows["flipper_length_mm"]["status"] == "drift"
    assert document["share_drifted"] >= 0.5
    assert document["policy"]["drift_share"] == 0.5
    psi = rows["island"]["statistics"][0]
    assert (psi["test"], psi["threshold"], psi["warning_threshold"]) == ("psi", 0.25, 0.1)


def test_markdown(batches: tuple[Path, Path]) -> None:
    result = invoke("-r", batches[0], "-c", batches[1], "-f", "markdown")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == f"### ✅ Data drift: `{batches[1]}` against `{batches[0]}`"
    assert "| column | kind | status | psi | test | missing |" in lines
    assert any(
        line.startswith("| `year` | numeric | ❌ DRIFT (psi, ks) | 17.73 |") for line in lines
    )


def test_github_format_is_refused(batches: tuple[Path, Path]) -> None:
    result = invoke("-r", batches[0], "-c", batches[1], "-f", "github")
    assert result.exit_code == 2
    assert "'github' is not one of 'text', 'json', 'markdown'" in result.stderr


def one_line_error(result: typer.testing.Result) -> str:
    assert result.exit_code == 2, result.output
    assert result.stdout == "" and "Traceback" not in result.output
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("error: ")
    return line


def test_bad_input_is_one_line_exit_2(batches: tuple[Path, Path], tmp_path: Path) -> None:
    reference, current = batches
    line = one_line_error(invoke("-r", tmp_path / "nope.csv", "-c", current))
    assert line == (
        f"error: {tmp_path / 'nope.csv'}: reference data file not found; "
        "next: check the path (is it spelled right?)"
    )

    empty = tmp_path / "empty.csv"
    empty.write_text("")
    line = one_line_error(invoke("-r", reference, "-c", empty))
    assert line == (
        f"error: {empty}: the current data file is empty (no header or no rows); "
        "next: pass a current file with a header and at least one row"
    )

    schema = tmp_path / "schema.json"
    schema.write_text("{not json")
    line = one_line_error(invoke("-r", reference, "-c", current, "--schema", schema))
    assert line.startswith(
        f"error: {schema}: not a valid JSON Schema: not JSON: Expecting property name"
    )  # the one schema loader's message, as 'mlvc schema check' gives it

    schema.write_text(json.dumps({"properties": {"tag": {"type": "string"}}, "required": ["tag"]}))
    line = one_line_error(invoke("-r", reference, "-c", current, "-s", schema))
    assert line.startswith(f"error: {reference}: missing column(s) tag required by {schema}")

    frame = pd.read_csv(current)
    frame["bill_depth_mm"] = frame["bill_depth_mm"].astype(object)
    frame.loc[3, "bill_depth_mm"] = "n.a."
    frame.to_csv(current, index=False)
    line = one_line_error(invoke("-r", reference, "-c", current))
    assert f"{current}: column 'bill_depth_mm' is numeric (inferred) but data row 4" in line
    assert "declare 'bill_depth_mm' as" in line

    line = one_line_error(invoke("-r", reference, "-c", current, "-m", tmp_path / "m.skops"))
    assert (
        line
        == f"error: {tmp_path / 'm.skops'}: model file not found; next: run 'dvc repro' to build it"
    )


def test_missing_and_extra_columns_are_reported_not_errors(batches: tuple[Path, Path]) -> None:
    frame = pd.read_csv(batches[1]).rename(columns={"sex": "gender"})
    frame.to_csv(batches[1], index=False)
    result = invoke("-r", batches[0], "-c", batches[1])
    assert result.exit_code == 0  # 3 of 8 drifted: sex (missing) counts, below one half
    assert any(line.startswith("sex ") and "MISSING" in line for line in result.stdout.splitlines())
    assert "only in the current file (not compared): gender" in result.stdout
    assert "  sex: absent from the current file: counted as drifted" in result.stdout


def test_an_unlabelled_batch_is_not_counted_on_its_target(
    batches: tuple[Path, Path], tmp_path: Path
) -> None:
    """params.yaml's data.target (species) absent from the batch: reported, not compared."""
    params = tmp_path / "params.yaml"
    params.write_text((ROOT / "params.yaml").read_text())
    pd.read_csv(batches[1]).drop(columns="species").to_csv(batches[1], index=False)
    result = invoke("-r", batches[0], "-c", batches[1], "-p", params)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert not any(line.startswith("species ") for line in lines)
    assert (
        "target column 'species' is not in the current file (an unlabelled batch): not compared"
        in lines
    )
    assert lines[-2] == "2 of 7 columns drifted (28.6%); the dataset drifts at >= 50%"
    document = json.loads(
        invoke("-r", batches[0], "-c", batches[1], "-p", params, "-f", "json").stdout
    )
    assert document["unlabelled_target"] == "species" and document["compared_columns"] == 7
    markdown = invoke("-r", batches[0], "-c", batches[1], "-p", params, "-f", "md").stdout
    assert "target column 'species' is not in the current file" in markdown

    pd.read_csv(batches[1]).drop(columns="island").to_csv(batches[1], index=False)
    other = invoke("-r", batches[0], "-c", batches[1], "-p", params, "-f", "json")
    rows = {row["column"]: row for row in json.loads(other.stdout)["columns"]}
    assert rows["island"]["status"] == "missing" and rows["island"]["drifted"]  # still counts


def test_every_option_has_help() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    assert "Compare a new batch of data with the reference" in result.output
    click_command = typer.main.get_command(app).commands["drift"]  # type: ignore[attr-defined]
    options = [p for p in click_command.params if p.param_type_name == "option"]
    assert {o.opts[0] for o in options} >= {
        "--reference",
        "--current",
        "--schema",
        "--model",
        "--format",
    }
    assert all(o.help for o in options if not o.hidden)


def test_importing_the_command_stays_light() -> None:
    code = (
        "import sys\n"
        "import cli.commands.drift\n"
        "heavy = [m for m in ('pandas', 'sklearn', 'numpy', 'scipy') if m in sys.modules]\n"
        "print(','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
