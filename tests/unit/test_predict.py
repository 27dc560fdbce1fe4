"""Model references and ``mlvc predict`` on a model file: contract checks, outputs, rejects."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import api
from cli.app import app
from cli.core.models import key_columns, parse_model_reference, prediction_contract
from cli.errors import ModelColumnsMissing, NotAModelReference, PredictionOutputFormat
from tests import model_files


@pytest.mark.parametrize(
    ("text", "path", "name", "version", "stage", "latest"),
    [
        ("penguins-classifier@v1.2.3", None, "penguins-classifier", "v1.2.3", None, False),
        ("penguins-classifier@1.2.3", None, "penguins-classifier", "v1.2.3", None, False),
        ("penguins-classifier#prod", None, "penguins-classifier", None, "prod", False),
        ("penguins-classifier@latest", None, "penguins-classifier", None, None, True),
        ("models/model.skops", "models/model.skops", None, None, None, False),
        ("/tmp/x/m.skops", "/tmp/x/m.skops", None, None, None, False),
    ],
)
def test_references_parse(
    text: str,
    path: str | None,
    name: str | None,
    version: str | None,
    stage: str | None,
    latest: bool,
) -> None:
    parsed = parse_model_reference(text)
    assert parsed.path == path
    if path is None:
        assert parsed.shortcut is not None
        assert parsed.shortcut.name == name and parsed.shortcut.stage == stage
        assert (str(parsed.shortcut.version) if parsed.shortcut.version else None) == version
        assert parsed.shortcut.latest is latest


@pytest.mark.parametrize("text", ["", "name@", "name@v1", "#prod", "a b@v1.0.0", ".skops", "x@"])
def test_bad_references_are_refused_naming_the_forms(text: str) -> None:
    with pytest.raises(NotAModelReference, match=r"NAME@vX\.Y\.Z, NAME#STAGE, NAME@latest"):
        api.resolve_model(text)


def test_the_prediction_contract_drops_the_target_table_rules_and_closed_columns() -> None:
    schema = {
        "properties": {"a": {}, "b": {}, "y": {}, "year": {}},
        "required": ["a", "b", "y", "year"],
        "additionalProperties": False,
        "x-mlvc": {"min_rows": 30},
    }
    contract = prediction_contract(schema, "y", ["a", "b"])
    assert contract["required"] == ["a", "b"]
    assert "additionalProperties" not in contract and "x-mlvc" not in contract
    assert schema["required"] == ["a", "b", "y", "year"]  # the input is not changed
    assert key_columns(["id", "a", "b", "y", "year", "ref"], schema, "y", ["a", "b"]) == [
        "id",
        "ref",
    ]


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    return model_files.penguins()


@pytest.fixture(scope="module")
def fitted(frame: pd.DataFrame) -> object:
    return model_files.classifier(frame)


@pytest.fixture
def project(tmp_path: Path, frame: pd.DataFrame, fitted: object) -> Path:
    root = model_files.project(tmp_path)
    meta = model_files.classifier_meta(fitted, frame)
    model_files.save(root / "models", fitted, meta)
    batch = frame.head(40).copy()
    batch.insert(0, "penguin_id", [f"p{i}" for i in range(len(batch))])
    batch.to_csv(root / "batch.csv", index=False)
    return root


def bad_batch(project: Path) -> Path:
    rows = pd.read_csv(project / "batch.csv")
    rows.loc[2, "bill_length_mm"] = 999.0
    rows.loc[7, "island"] = "Atlantis"
    rows.to_csv(project / "bad.csv", index=False)
    return project / "bad.csv"


def test_a_valid_batch_is_scored_with_keys_probabilities_and_version(
    project: Path, fitted: object, frame: pd.DataFrame
) -> None:
    result = api.predict_table(
        model="models/model.skops",
        data=project / "batch.csv",
        output=project / "out.csv",
        repo=project,
        log=False,
    )
    assert result.ok and result.written and result.scored == result.rows == 40
    out = pd.read_csv(project / "out.csv")
    classes = list(fitted.classes_)  # type: ignore[attr-defined]
    assert list(out.columns) == [
        "penguin_id",
        "prediction",
        *[f"proba_{c}" for c in classes],
        "model_version",
    ]
    expected = fitted.predict(frame.head(40)[model_files.FEATURES])  # type: ignore[attr-defined]
    assert list(out["prediction"]) == list(expected)
    assert out[[f"proba_{c}" for c in classes]].sum(axis=1).round(6).eq(1).all()
    assert out["penguin_id"].tolist()[:2] == ["p0", "p1"]
    assert out["model_version"].str.startswith("file:").all()


def test_one_invalid_row_fails_the_batch_and_writes_nothing(project: Path) -> None:
    bad = bad_batch(project)
    runner = CliRunner()
    out = project / "out.csv"
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project)
        done = runner.invoke(app, ["predict", "-m", "models/model.skops", str(bad), "-o", str(out)])
        schema = runner.invoke(
            app, ["schema", "check", str(bad), "-s", "data/schema.json"], catch_exceptions=False
        )
    assert done.exit_code == 1, done.output
    assert not out.exists()
    assert not (project / "monitoring").exists()
    assert "rows 3; values 999.0" in done.output and '"Atlantis"' in done.output
    assert "nothing written: 2 of 40 rows" in done.output
    # the same lines as `schema check` for the same violations
    violation_lines = [line for line in schema.output.splitlines() if "::" in line]
    assert violation_lines and all(line in done.output for line in violation_lines)


def test_skip_invalid_scores_the_valid_rows_and_writes_the_rejects(project: Path) -> None:
    bad = bad_batch(project)
    result = api.predict_table(
        model="models/model.skops",
        data=bad,
        output=project / "out.parquet",
        rejects=project / "rejects.csv",
        repo=project,
        log=False,
    )
    assert result.written and not result.ok and result.scored == 38 and result.rejected == 2
    assert len(pd.read_parquet(project / "out.parquet")) == 38
    rejects = pd.read_csv(project / "rejects.csv")
    assert rejects["row"].tolist() == [3, 8]
    assert rejects["penguin_id"].tolist() == ["p2", "p7"]
    assert rejects["reasons"].tolist()[0] == "bill_length_mm: maximum 59.6"
    assert rejects["reasons"].tolist()[1].startswith("island: enum")


def test_the_target_may_be_absent_and_jsonl_goes_to_a_stream(
    project: Path, frame: pd.DataFrame
) -> None:
    rows = frame.head(5).drop(columns=["species", "year"])
    rows.to_json(project / "rows.jsonl", orient="records", lines=True)
    sink = io.BytesIO()
    result = api.predict_table(
        model="models/model.skops",
        data=project / "rows.jsonl",
        output=sink,
        fmt="jsonl",
        repo=project,
        log=False,
    )
    assert result.ok and result.output == "-"
    records = [json.loads(line) for line in sink.getvalue().decode().splitlines()]
    assert len(records) == 5 and set(records[0]) >= {"prediction", "model_version"}


def test_missing_feature_columns_are_named(project: Path, frame: pd.DataFrame) -> None:
    frame.head(3).drop(columns=["island"]).to_csv(project / "few.csv", index=False)
    with pytest.raises(ModelColumnsMissing, match="missing column\\(s\\) island") as raised:
        api.predict_table(
            model="models/model.skops",
            data=project / "few.csv",
            output=project / "o.csv",
            repo=project,
        )
    # predict has no "leave out --model": the next step is to add the columns
    assert "--model" not in str(raised.value.hint) and "add those columns" in str(raised.value.hint)
    assert not (project / "o.csv").exists()


def test_parquet_cannot_go_to_standard_output(project: Path) -> None:
    with pytest.raises(PredictionOutputFormat, match="standard output"):
        api.predict_table(
            model="models/model.skops",
            data=project / "batch.csv",
            output=io.BytesIO(),
            fmt="parquet",
            repo=project,
            log=False,
        )


def test_a_regression_model_gets_predictions_and_no_probabilities(
    tmp_path: Path, frame: pd.DataFrame
) -> None:
    root = model_files.project(tmp_path)
    pipeline = model_files.regressor(frame)
    meta = {
        "estimator": "random_forest",
        "hyperparameters": {},
        "task": "regression",
        "target": "body_mass_g",
        "classes": [],
        "features": [
            {"name": n, "dtype": "float64"}
            for n in ["bill_length_mm", "bill_depth_mm", "flipper_length_mm"]
        ],
        "libraries": {},
    }
    model_files.save(root / "models", pipeline, meta)
    frame.head(10).drop(columns=["body_mass_g"]).to_csv(root / "batch.csv", index=False)
    result = api.predict_table(
        model=str(root / "models" / "model.skops"),
        data=root / "batch.csv",
        output=root / "out.csv",
        repo=root,
        log=False,
    )
    assert result.ok
    out = pd.read_csv(root / "out.csv")
    assert list(out.columns) == ["prediction", "model_version"]
    assert out["prediction"].between(2700, 6300).all()
    resolved = api.resolve_model(str(root / "models" / "model.skops"), repo=root)
    assert resolved.task == "regression" and resolved.classes == ()
    assert resolved.version is None and resolved.commit is None


def test_predict_logs_the_scored_rows_unless_told_not_to(project: Path) -> None:
    from cli.adapters.prediction_log import read_prediction_log

    runner = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project)
        done = runner.invoke(app, ["predict", "-m", "models/model.skops", "batch.csv", "--no-log"])
        assert done.exit_code == 0, done.output
        assert not (project / "monitoring").exists()
        done = runner.invoke(app, ["predict", "-m", "models/model.skops", "batch.csv"])
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[0].startswith('"penguin_id","prediction","proba_')
    logged = read_prediction_log(project, "model")
    assert len(logged) == 40 and {"logged_at", "model_version", "island", "prediction"} <= set(
        logged.columns
    )


def test_jsonl_rejects_name_missing_keys_and_wrong_types(
    project: Path, frame: pd.DataFrame
) -> None:
    records = frame.head(4).drop(columns=["species"]).to_dict(orient="records")
    del records[1]["island"]
    records[2]["sex"] = 5
    lines = [json.dumps({k: (None if v != v else v) for k, v in r.items()}) for r in records]
    (project / "rows.jsonl").write_text("\n".join(lines) + "\n")
    result = api.predict_table(
        model="models/model.skops",
        data=project / "rows.jsonl",
        output=project / "out.csv",
        rejects=project / "rejects.jsonl",
        repo=project,
        log=False,
    )
    assert (result.scored, result.rejected) == (2, 2)
    rejects = [json.loads(line) for line in (project / "rejects.jsonl").read_text().splitlines()]
    assert [r["row"] for r in rejects] == [2, 3]
    assert rejects[0]["reasons"] == '(row): required ["island"]'
    assert rejects[1]["reasons"].startswith("sex: ")
    assert rejects[1]["sex"] == "5"


def test_numeric_text_cells_become_numbers_and_tokens_missing() -> None:
    import math

    import pyarrow as pa

    from cli.core.scoring import chunk_frame

    chunk = pa.table(
        {
            "clean": ["1.5", "NA", "", "-2e3"],  # parsed by Arrow in one cast
            "dirty": ["7", "x", "null", "8"],  # a cell that is no number: cell by cell
            "text": ["a", "NA", "b", ""],
        }
    )
    frame = chunk_frame(chunk, as_text=True, numeric={"clean", "dirty"})
    assert frame["clean"].tolist()[0] == 1.5 and frame["clean"].tolist()[3] == -2000.0
    assert all(math.isnan(v) for v in frame["clean"].tolist()[1:3])
    dirty = frame["dirty"].tolist()
    assert dirty[0] == 7 and dirty[3] == 8 and math.isnan(dirty[1]) and math.isnan(dirty[2])
    assert [None if pd.isna(v) else v for v in frame["text"]] == ["a", None, "b", None]


def test_an_interrupted_batch_writes_no_output_and_logs_nothing(project: Path) -> None:
    """Ctrl-C in the second chunk: the log file the first chunk rotated out is removed too."""
    params = (project / "params.yaml").read_text()
    (project / "params.yaml").write_text(params.replace("max_file_mb: 64", "max_file_mb: 0.001"))
    batch = pd.read_csv(project / "batch.csv")
    rows = batch.sample(200_010, replace=True, random_state=0)  # a Parquet chunk is 200k rows
    rows.to_parquet(project / "big.parquet", index=False)
    calls = []

    def interrupt_on_the_second_chunk(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            assert list((project / "monitoring").rglob("*.parquet"))  # the first chunk's
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        api.predict_table(
            model="models/model.skops",
            data=project / "big.parquet",
            output=project / "out.csv",
            repo=project,
            progress=interrupt_on_the_second_chunk,
        )
    assert calls == [200_000, 200_010]
    assert not (project / "out.csv").exists()
    assert list((project / "monitoring").rglob("*.parquet")) == []


def test_rejects_over_the_output_are_refused_before_any_work(project: Path) -> None:
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project)
        bad = bad_batch(project)
        done = runner.invoke(
            app,
            ["predict", "-m", "models/model.skops", str(bad), "-o", "same.csv",
             "--skip-invalid", "./same.csv"],
        )  # fmt: skip
    assert done.exit_code == 2, done.output
    assert "--skip-invalid" in done.stderr and "same file" in done.stderr
    assert not (project / "same.csv").exists()


def test_an_output_directory_is_refused_as_a_directory(project: Path) -> None:
    (project / "out").mkdir()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project)
        done = CliRunner().invoke(
            app, ["predict", "-m", "models/model.skops", "batch.csv", "-o", "out"]
        )
    assert done.exit_code == 2, done.output
    assert done.stderr.strip() == (
        "error: out: refusing to write output over a directory; next: choose a regular file path"
    )


@pytest.mark.parametrize("name", ["scores.xlsx", "scores"])
def test_an_output_suffix_that_names_no_format_is_refused(project: Path, name: str) -> None:
    runner = CliRunner()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project)
        done = runner.invoke(app, ["predict", "-m", "models/model.skops", "batch.csv", "-o", name])
    assert done.exit_code == 2, done.output
    assert "names no table format" in done.stderr and not (project / name).exists()
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(project)
        forced = runner.invoke(
            app, ["predict", "-m", "models/model.skops", "batch.csv", "-o", name, "-f", "csv"]
        )
    assert forced.exit_code == 0, forced.output  # --format says what the file holds
