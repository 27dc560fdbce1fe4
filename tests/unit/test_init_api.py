"""``mlvc init`` / ``api.init_project`` on a copy of the project files (no git, no DVC run)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pandas as pd
import pytest
import yaml
from typer.testing import CliRunner

from cli import api
from cli.app import app
from cli.core.card_todos import todo_findings
from cli.core.plots import plots_section
from cli.errors import (
    CsvNotCommaSeparated,
    DataFileNotUtf8,
    DataFileUnreadable,
    InitClassesTooSmall,
    InitTargetMissing,
    InitTaskUnfit,
    InitWouldOverwrite,
    ProjectAlreadyInitialised,
    ToolkitError,
)
from cli.params import params_from_dict

ROOT = Path(__file__).resolve().parents[2]
PROJECT_FILES = ("params.yaml", "dvc.yaml", "models/card.yaml", "data/schema.json")
runner = CliRunner()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The project's editable files, as shipped (set up for the bundled penguins)."""
    root = tmp_path / "project"
    for name in PROJECT_FILES:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, root / name)
    (root / "data/external").mkdir(parents=True)
    return root


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def mixed_table(path: Path) -> Path:
    """A date column, an ID-like text column, a constant, categories and missing targets."""
    rows = 40
    frame = pd.DataFrame(
        {
            "customer id": [f"C-{i:04d}" for i in range(rows)],
            "signup date": [f"2024-03-{(i % 28) + 1:02d}" for i in range(rows)],
            "plan": ["basic", "pro", "team", "basic"] * (rows // 4),
            "country": ["FR", "DE"] * (rows // 2),
            "source": ["web"] * rows,
            "monthly spend": [10.5 + i for i in range(rows)],
            "churned": [("yes" if i % 3 else "no") if i % 10 else None for i in range(rows)],
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path


def diabetes(path: Path) -> Path:
    from sklearn.datasets import load_diabetes

    path.parent.mkdir(parents=True, exist_ok=True)
    load_diabetes(as_frame=True).frame.to_csv(path, index=False)
    return path


def load(root: Path, name: str) -> Any:
    return yaml.safe_load((root / name).read_text())


def test_init_writes_every_decision_and_keeps_other_sections(project: Path, tmp_path: Path) -> None:
    before = load(project, "params.yaml")
    result = api.init_project(
        data=mixed_table(tmp_path / "in" / "Churn.csv"), target="churned", repo=project
    )
    params = load(project, "params.yaml")
    params_from_dict(params)  # valid against the params schema
    assert params["data"] == {
        "name": "churn",
        "target": "churned",
        "task": "classification",
        "numeric_features": ["monthly spend"],
        "categorical_features": ["plan", "country"],
        "datetime_features": ["signup date"],
    }
    assert params["ingest"] == {"source": "data/external/churn.csv", "years": None}
    assert params["evaluate"]["slices"] == ["plan", "country"]
    for kept in ("split", "card", "drift"):
        assert params[kept] == before[kept]
    assert params["train"] == {**before["train"], "estimator": "random_forest"}
    text = (project / "params.yaml").read_text()
    assert "#   customer id: ID-like" in text and "#   source: constant" in text
    assert (project / "data/external/churn.csv").read_bytes() == (
        tmp_path / "in" / "Churn.csv"
    ).read_bytes()
    assert result.model == "churn-classifier" and result.copied_from
    roles = {c.column: c.role for c in result.columns}
    assert roles["customer id"] == "excluded" and roles["churned"] == "target"


def test_card_yaml_is_the_datasets_with_todos_and_valid(project: Path, tmp_path: Path) -> None:
    result = api.init_project(
        data=mixed_table(tmp_path / "churn.csv"), target="churned", repo=project
    )
    text = (project / "models/card.yaml").read_text()
    card = yaml.safe_load(text)
    schema = json.loads((ROOT / "cli/schemas/card_input.schema.json").read_text())
    jsonschema.validate(card, schema)
    assert "penguin" not in text.lower()
    assert card["dataset"]["id"] == "churn" and "40 rows and 7 columns" in card["description"]
    todos = [
        card["owners"][0]["name"],
        card["intended_use"]["primary_uses"][0],
        card["intended_use"]["out_of_scope"][0],
        card["ethical_considerations"][0]["name"],
        card["caveats"][0],
    ]
    assert all(value.startswith("TODO:") for value in todos)
    # the count init prints is what `mlvc card check` reports (the header comment aside)
    (found,) = [step for step in result.next_steps if "TODO markers" in step]
    assert f"replace the {len(todo_findings(card, ''))} TODO markers" in found
    assert len(todo_findings(card, "")) == text.count("TODO:") - 1


def test_dvc_yaml_gets_the_model_name_and_keeps_everything_else(
    project: Path, tmp_path: Path
) -> None:
    before = (project / "dvc.yaml").read_text()
    api.init_project(data=mixed_table(tmp_path / "churn.csv"), target="churned", repo=project)
    after = (project / "dvc.yaml").read_text()
    assert yaml.safe_load(after)["artifacts"]["churn-classifier"]["path"] == "models/model.skops"
    assert "penguins-classifier" not in after
    head = before.split("\nartifacts:")[0]
    assert after.startswith(head)  # stages and comments unchanged, byte for byte


def test_regression_swaps_the_plots_and_removes_the_classification_ones(
    project: Path, tmp_path: Path
) -> None:
    for stale in ("plots/confusion.csv", "plots/roc/Adelie.csv", "plots/pr/Adelie.csv"):
        (project / stale).parent.mkdir(parents=True, exist_ok=True)
        (project / stale).write_text("x,y\n")
    before = yaml.safe_load((project / "dvc.yaml").read_text())
    api.init_project(
        data=diabetes(tmp_path / "diabetes.csv"), target="target", name="sugar", repo=project
    )
    after = yaml.safe_load((project / "dvc.yaml").read_text())
    assert after["stages"]["evaluate"]["plots"] == plots_section("regression")
    del before["stages"]["evaluate"]["plots"], after["stages"]["evaluate"]["plots"]
    assert after["stages"] == before["stages"]
    assert not (project / "plots/confusion.csv").exists()
    assert not (project / "plots/roc").exists() and not (project / "plots/pr").exists()


def test_regression_gates_and_tolerances_use_its_metric_names(
    project: Path, tmp_path: Path
) -> None:
    result = api.init_project(
        data=diabetes(tmp_path / "diabetes.csv"), target="target", repo=project
    )
    params = load(project, "params.yaml")
    assert result.task == "regression" and result.model == "diabetes-regressor"
    assert params["data"]["task"] == "regression"
    assert {g["metric"] for g in params["release"]["gates"]} == {"r2", "rmse"}
    assert {"metric": "r2", "beats_baseline": True} in params["release"]["gates"]
    assert set(params["report"]["tolerances"]) == {"rmse", "mae", "r2"}
    assert params["report"]["tolerances"]["rmse"] > 0
    assert "sex" in params["data"]["numeric_features"]  # scaled numbers in this table


def test_missing_target_column_is_exit_2_naming_the_columns(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = mixed_table(tmp_path / "churn.csv")
    before = snapshot(project)
    monkeypatch.chdir(project)
    done = runner.invoke(app, ["init", "--data", str(data), "--target", "churn"])
    assert done.exit_code == 2
    assert "no column 'churn'" in done.output and "customer id, signup date" in done.output
    assert "Traceback" not in done.output
    assert snapshot(project) == before
    with pytest.raises(InitTargetMissing):
        api.init_project(data=data, target="nope", repo=project)


def test_other_data_needs_force(project: Path, tmp_path: Path) -> None:
    api.init_project(data=mixed_table(tmp_path / "churn.csv"), target="churned", repo=project)
    before = snapshot(project)
    other = diabetes(tmp_path / "diabetes.csv")
    with pytest.raises(ProjectAlreadyInitialised) as raised:
        api.init_project(data=other, target="target", repo=project)
    assert "--force" in str(raised.value) and "nothing was changed" in str(raised.value)
    assert snapshot(project) == before
    api.init_project(data=mixed_table(tmp_path / "churn.csv"), target="churned", repo=project)
    assert snapshot(project) == before  # the same data again: allowed, same files
    api.init_project(data=other, target="target", force=True, repo=project)
    assert load(project, "params.yaml")["data"]["target"] == "target"


def test_cli_refusal_is_one_line_naming_force(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project)
    first = runner.invoke(
        app, ["init", "--data", str(mixed_table(tmp_path / "c.csv")), "--target", "churned"]
    )
    assert first.exit_code == 0, first.output
    assert "signup date" in first.output and "dvc repro" in first.output
    other = str(diabetes(tmp_path / "diabetes.csv"))
    refused = runner.invoke(app, ["init", "--data", other, "--target", "target"])
    assert refused.exit_code == 2 and "--force" in refused.output
    forced = runner.invoke(
        app, ["init", "--data", other, "--target", "target", "--force", "--format", "json"]
    )
    assert forced.exit_code == 0, forced.output
    assert json.loads(forced.output)["task"] == "regression"


def test_a_failure_changes_nothing(project: Path, tmp_path: Path) -> None:
    before = snapshot(project)
    data = mixed_table(tmp_path / "churn.csv")
    with pytest.raises(InitTaskUnfit):
        api.init_project(data=data, target="plan", task="regression", repo=project)
    (project / "models/card.yaml").unlink()
    (project / "models/card.yaml").mkdir()  # card.yaml's write fails
    before = snapshot(project)
    with pytest.raises(ToolkitError):  # files before card.yaml were staged, then removed
        api.init_project(data=data, target="churned", repo=project)
    assert snapshot(project) == before
    assert not (project / "data/external/churn.csv").exists()


def test_json_lines_tables_are_adopted(project: Path) -> None:
    path = project / "data/external/t.jsonl"
    rows = [{"a": i * 2, "b": "xyz"[i % 3], "y": "yes" if i % 2 else "no"} for i in range(30)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    result = api.init_project(data=path, target="y", repo=project)
    params = load(project, "params.yaml")
    assert result.task == "classification" and params["ingest"]["source"] == "data/external/t.jsonl"
    assert params["data"]["numeric_features"] == ["a"]
    assert params["data"]["categorical_features"] == ["b"]


def test_params_that_break_the_schema_are_never_written(project: Path, tmp_path: Path) -> None:
    params = load(project, "params.yaml")
    params["drift"]["psi_bins"] = "ten"  # a section init keeps as it is
    (project / "params.yaml").write_text(yaml.safe_dump(params))
    before = snapshot(project)
    with pytest.raises(ToolkitError, match="psi_bins"):
        api.init_project(data=mixed_table(tmp_path / "churn.csv"), target="churned", repo=project)
    assert snapshot(project) == before


def test_copying_over_a_different_file_needs_force(project: Path, tmp_path: Path) -> None:
    (project / "data/external/churn.csv").write_text("other,data\n1,2\n")
    before = snapshot(project)
    data = mixed_table(tmp_path / "churn.csv")
    with pytest.raises(InitWouldOverwrite, match="--force"):
        api.init_project(data=data, target="churned", repo=project)
    assert snapshot(project) == before
    api.init_project(data=data, target="churned", force=True, repo=project)
    assert (project / "data/external/churn.csv").read_bytes() == data.read_bytes()


def booleans_and_missing_tokens(path: Path) -> Path:
    """Booleans (typed in Parquet and JSON Lines), ``NA``/``n/a`` for missing, dates, gaps."""
    rows = 40
    frame = pd.DataFrame(
        {
            "x": [float(i) * 0.5 for i in range(rows)],
            "flag": [i % 3 == 0 for i in range(rows)],
            "count": ["NA" if i % 7 == 0 else str(i) for i in range(rows)],
            "note": ["n/a" if i % 5 == 0 else str(i % 4) for i in range(rows)],
            "day": pd.date_range("2024-01-01", periods=rows, freq="D"),
            "y": ["yes" if i % 2 else "no" for i in range(rows)],
        }
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".parquet":
        frame.to_parquet(path, index=False)
    elif path.suffix == ".jsonl":
        frame.to_json(path, orient="records", lines=True, date_format="iso")
    else:
        frame.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_the_raw_data_ingest_writes_meets_the_contract_init_infers(
    project: Path, suffix: str
) -> None:
    """validate checks what ingest writes (pandas' reading of the source), so init infers
    the contract from that: booleans, missing-value tokens and dates included."""
    from stages import ingest

    source = booleans_and_missing_tokens(project / f"data/external/mixed{suffix}")
    api.init_project(data=source, target="y", repo=project)
    params = params_from_dict(load(project, "params.yaml"))
    raw = project / "data/raw/mixed.csv"
    ingest.run(params, source=source, output=raw, report=project / "data/ingest.json")
    report = api.check_schema(data=raw, schema=project / "data/schema.json")
    assert report.ok, (report.violations, report.table_rules)


@pytest.mark.parametrize("task", ["auto", "classification"])
def test_a_class_on_a_single_row_is_refused_by_init_naming_it(
    project: Path, tmp_path: Path, task: str
) -> None:
    """The split needs every class in training and test: init says so, not dvc repro."""
    data = tmp_path / "flowers.csv"
    labels = ["Iris setosa", "Iris versicolor"] * 10 + ["Iris rara é"]
    pd.DataFrame({"x": range(21), "species": labels}).to_csv(data, index=False)
    before = snapshot(project)
    with pytest.raises(InitClassesTooSmall) as raised:
        api.init_project(data=data, target="species", task=task, repo=project)
    assert "'Iris rara é' (1)" in raised.value.message
    assert "remove or relabel" in str(raised.value.hint)
    assert snapshot(project) == before


def test_booleans_and_dates_are_accepted_as_json_parquet_and_csv_batches_spell_them(
    project: Path,
) -> None:
    """The raw CSV holds True/False and dates as text (``2024-01-05``); a batch to score may
    hold JSON or Parquet booleans, the source file's ``true``, or timestamps: the contract
    takes all of them."""
    source = booleans_and_missing_tokens(project / "data/external/mixed.parquet")
    api.init_project(data=source, target="y", repo=project)
    schema = project / "data/schema.json"
    batch = pd.read_parquet(source).head(6)
    batch["count"] = pd.to_numeric(batch["count"], errors="coerce").astype("Int64")  # NA: null
    as_parquet, as_json, as_csv = (project / f"batch.{s}" for s in ("parquet", "jsonl", "csv"))
    batch.to_parquet(as_parquet, index=False)
    batch.to_json(as_json, orient="records", lines=True, date_format="iso")
    assert '"flag":true' in as_json.read_text() and "T00:00:00" in as_json.read_text()
    spelt = batch.assign(flag=batch["flag"].map({True: "true", False: "FALSE"}))
    spelt.assign(day=batch["day"].dt.strftime("%Y-%m-%d")).to_csv(as_csv, index=False)
    for data in (as_parquet, as_json, as_csv):
        report = api.check_schema(data=data, schema=schema)
        assert report.ok, (data.name, report.violations)


def test_a_semicolon_separated_csv_is_named_with_the_way_out(project: Path, tmp_path: Path) -> None:
    """Excel in many locales writes ';' between values and ',' as the decimal mark."""
    data = tmp_path / "iris.csv"
    data.write_text("sepal length;species\n5,1;setosa\n4,9;versicolor\n")
    with pytest.raises(CsvNotCommaSeparated) as raised:
        api.init_project(data=data, target="species", repo=project)
    assert "semicolon-separated" in raised.value.message and "sep=';'" in str(raised.value.hint)


def test_a_csv_not_in_utf8_names_the_line_and_how_to_convert(project: Path, tmp_path: Path) -> None:
    data = tmp_path / "cafe.csv"
    data.write_bytes("x,place\n1,Paris\n2,Zürich\n".encode("latin-1"))
    with pytest.raises(DataFileNotUtf8) as raised:
        api.init_project(data=data, target="place", repo=project)
    assert raised.value.line == 3 and "iconv" in str(raised.value.hint)


def test_a_repeated_column_name_is_refused_naming_it(project: Path, tmp_path: Path) -> None:
    """pandas would read the second 'x' as 'x.1'; a batch to score with that header is
    refused by every other reader, so init refuses it first."""
    data = tmp_path / "twice.csv"
    data.write_text("x,x,y\n" + "".join(f"{i},{i * 2},{'ab'[i % 2]}\n" for i in range(10)))
    with pytest.raises(DataFileUnreadable, match="duplicate column name\\(s\\): x") as raised:
        api.init_project(data=data, target="y", repo=project)
    assert "rename the repeated columns" in str(raised.value.hint)


def test_a_project_without_dvc_yaml_is_one_line_and_changes_nothing(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (project / "dvc.yaml").unlink()
    data = mixed_table(tmp_path / "churn.csv")
    before = snapshot(project)
    monkeypatch.chdir(project)
    done = runner.invoke(app, ["init", "--data", str(data), "--target", "churned"])
    assert done.exit_code == 2, done.output
    assert done.stderr.strip() == (
        f"error: {project / 'dvc.yaml'}: pipeline file not found; "
        "next: run mlvc inside the project (the folder that holds params.yaml and dvc.yaml)"
    )
    assert snapshot(project) == before


def test_a_table_with_a_repeated_column_name_is_refused(project: Path, tmp_path: Path) -> None:
    data = tmp_path / "repeated.csv"
    data.write_text("a,a,y\n1,2,x\n1,4,z\n")
    with pytest.raises(ToolkitError, match=r"repeated.csv: .*duplicate column name\(s\): a"):
        api.init_project(data=data, target="a", repo=project)


def test_a_missing_target_in_a_wide_table_lists_a_few_columns(
    project: Path, tmp_path: Path
) -> None:
    data = tmp_path / "wide.csv"
    names = [f"feature_{i}" for i in range(5000)]
    data.write_text(",".join(names) + "\n" + ",".join("1" for _ in names) + "\n")
    with pytest.raises(InitTargetMissing) as raised:
        api.init_project(data=data, target="label", repo=project)
    assert raised.value.message == (
        f"{data}: no column 'label' to predict; columns: "
        + ", ".join(names[:12])
        + " and 4988 more"
    )
