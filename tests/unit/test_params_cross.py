"""``mlvc params check`` across files: params.yaml against the data contract and the task."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from cli import api
from cli.app import app
from cli.core.params_cross import check_params_columns
from cli.errors import MissingColumns
from cli.params import Params
from stages import evaluate, ingest, split, train

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT / "data" / "schema.json"
COLUMNS = list(json.loads(CONTRACT.read_text())["properties"])


def write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "params.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return path


def messages(tmp_path: Path, document: dict[str, Any]) -> list[str]:
    report = api.check_params(params=write(tmp_path, document), schema=CONTRACT)
    return [p.message for p in report.problems]


def test_the_shipped_params_fit_the_shipped_contract() -> None:
    report = api.check_params(params=ROOT / "params.yaml", schema=CONTRACT)
    assert report.ok, report.problems


def test_a_slice_that_is_not_a_column_names_its_key_not_data(
    tmp_path: Path, params_doc: dict[str, Any]
) -> None:
    params_doc["evaluate"]["slices"] = ["sex", "colony"]
    (message,) = messages(tmp_path, params_doc)
    assert message.startswith('evaluate.slices[1]: got "colony"; allowed: a column of ')
    assert "data/schema.json: species, island" in message
    assert "data.*" not in message


def test_target_and_each_feature_list_name_their_index(
    tmp_path: Path, params_doc: dict[str, Any]
) -> None:
    params_doc["data"]["target"] = "kind"
    params_doc["data"]["numeric_features"][2] = "wing_mm"
    params_doc["data"]["categorical_features"] = ["island", "colour"]
    params_doc["data"]["datetime_features"] = ["seen_at"]
    keys = [p.key for p in check_params_columns(params_doc, COLUMNS, "schema.json")]
    assert keys == [
        "data.target",
        "data.numeric_features[2]",
        "data.categorical_features[1]",
        "data.datetime_features[0]",
    ]


def test_a_slice_on_the_target_is_refused(tmp_path: Path, params_doc: dict[str, Any]) -> None:
    params_doc["evaluate"]["slices"] = ["species"]
    assert messages(tmp_path, params_doc) == [
        'evaluate.slices[0]: got "species"; allowed: a column other than the target (data.target)'
    ]


def test_an_estimator_the_task_lacks_names_train_estimator(
    tmp_path: Path, params_doc: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.core.params_cross import check_task_estimator

    params_doc["data"]["task"] = "regression"
    params_doc["train"]["estimator"] = "logistic_regression"
    (problem,) = check_task_estimator(params_doc)
    assert problem.message == (
        'train.estimator: got "logistic_regression"; allowed: an estimator for regression '
        "(data.task): ridge, random_forest"
    )
    params_doc["train"]["estimator"] = "random_forest"
    assert check_task_estimator(params_doc) == []


def test_gates_and_tolerances_must_name_metrics_the_task_writes(
    params_doc: dict[str, Any],
) -> None:
    from cli.core.params_cross import check_metric_names

    assert check_metric_names(params_doc) == []
    params_doc["release"]["gates"].append({"metric": "rmse", "higher_is_better": False})
    rmse = len(params_doc["release"]["gates"]) - 1
    params_doc["release"]["promotion"]["prod"][0]["metric"] = "balanced_acuracy"
    params_doc["report"]["tolerances"]["per_class.Adelie.recall"] = 0.1
    params_doc["report"]["tolerances"]["r2"] = 0.1
    keys = [p.key for p in check_metric_names(params_doc)]
    assert keys == [
        f"release.gates[{rmse}].metric",
        "release.promotion.prod[0].metric",
        "report.tolerances.r2",
    ]
    params_doc["data"]["task"] = "regression"
    keys = [p.key for p in check_metric_names(params_doc)]
    assert f"release.gates[{rmse}].metric" not in keys and "report.tolerances.accuracy" in keys


def test_cli_exit_1_text_and_json_exit_2_without_a_contract(
    tmp_path: Path, params_doc: dict[str, Any]
) -> None:
    params_doc["evaluate"]["slices"] = ["sex", "colony"]
    path = write(tmp_path, params_doc)
    runner = CliRunner()
    text = runner.invoke(app, ["params", "check", "-p", str(path), "--schema", str(CONTRACT)])
    assert text.exit_code == 1
    assert f'{path}::evaluate.slices[1]: got "colony"' in text.stdout
    as_json = runner.invoke(
        app, ["params", "check", "-p", str(path), "-s", str(CONTRACT), "--format", "json"]
    )
    assert as_json.exit_code == 1
    (problem,) = json.loads(as_json.stdout)["problems"]
    assert problem["key"] == "evaluate.slices[1]"
    missing = runner.invoke(
        app, ["params", "check", "-p", str(path), "--schema", str(tmp_path / "none.json")]
    )
    assert missing.exit_code == 2
    assert "none.json" in missing.stderr and "Traceback" not in missing.output


def test_evaluate_names_the_slice_key_of_a_missing_column(
    params: Params, tiny_csv: Path, tmp_path: Path
) -> None:
    raw, train_csv, test_csv = (tmp_path / n for n in ("raw.csv", "train.csv", "test.csv"))
    model, meta = tmp_path / "model.skops", tmp_path / "meta.json"
    ingest.run(params, source=tiny_csv, output=raw, report=tmp_path / "ingest.json")
    split.run(params, raw=raw, train=train_csv, test=test_csv)
    train.run(params, train_data=train_csv, model=model, meta=meta)
    sliced = dataclasses.replace(
        params, evaluate=dataclasses.replace(params.evaluate, slices=("sex", "colony"))
    )
    with pytest.raises(MissingColumns) as caught:
        evaluate.run(
            sliced,
            model=model,
            test_data=test_csv,
            train_data=train_csv,
            metrics=tmp_path / "m.json",
            slices=tmp_path / "s.json",
            plots=evaluate.Plots(
                confusion=tmp_path / "c.csv",
                roc=tmp_path / "roc",
                pr=tmp_path / "pr",
                predictions=tmp_path / "p.csv",
                residuals=tmp_path / "r.csv",
            ),
        )
    assert "change evaluate.slices[1] in params.yaml" in caught.value.hint
    assert "data.*" not in caught.value.hint


def test_an_unknown_estimator_is_reported_once_by_the_schema(
    tmp_path: Path, params_doc: dict[str, Any]
) -> None:
    params_doc["train"]["estimator"] = "svm"
    (message,) = messages(tmp_path, params_doc)
    assert message.startswith('train.estimator: got "svm"; allowed: one of')


def test_the_roc_auc_key_must_fit_the_number_of_classes(
    tmp_path: Path, params_doc: dict[str, Any]
) -> None:
    contract = json.loads(CONTRACT.read_text())
    assert messages(tmp_path, params_doc) == []  # three species: roc_auc_ovr is written
    contract["properties"]["species"]["enum"] = ["Adelie", "Gentoo"]
    binary = tmp_path / "schema.json"
    binary.write_text(json.dumps(contract))
    report = api.check_params(params=write(tmp_path, params_doc), schema=binary)
    assert [p.message for p in report.problems] == [
        'report.tolerances.roc_auc_ovr: got "roc_auc_ovr"; allowed: a metric that '
        "classification (data.task) writes to metrics/metrics.json"
    ]
