"""The request path's column-at-a-time builders give what the value-at-a-time ones give.

``to_cells`` on JSON values builds a column at once when every value is a plain JSON
scalar, and value by value otherwise (a record lacking the key, an array, an object);
``PredictionLog.append_records`` (``mlvc serve``) writes the rows ``append`` (``mlvc
predict``) writes for the same rows.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cli.adapters.prediction_log import LogSettings, PredictionLog, read_prediction_log
from cli.core.schema.cells import ABSENT
from cli.core.schema.columns import to_cells
from tests.conftest import PENGUIN_ROW

COLUMNS: list[list[Any]] = [
    [1, 2.5, -3, 4.0, float("inf"), 2**60, -(2**53) - 1, 0.1],
    ["Dream", "", "ü", None, "Biscoe"],
    [True, False, None, 1, 0, 1.0],
    [None, None],
    [1, "one", True, None, 2.0],
    [],
]


@pytest.mark.parametrize("values", COLUMNS)
def test_json_values_make_the_same_cells_at_once_as_one_by_one(values: list[Any]) -> None:
    at_once = to_cells(list(values), as_text=False)
    # a trailing ABSENT sends the column down the value-by-value path
    one_by_one = to_cells([*values, ABSENT], as_text=False)
    n = len(values)
    for field in ("kind", "num", "is_int", "boolean", "inexact"):
        np.testing.assert_array_equal(getattr(at_once, field), getattr(one_by_one, field)[:n])
    assert at_once.text.to_pylist() == one_by_one.text.to_pylist()[:n]
    assert [at_once.value(i) for i in range(n)] == values
    assert at_once.absent is not None and not at_once.absent.any()
    assert one_by_one.absent is not None and one_by_one.absent.tolist() == [False] * n + [True]


def test_an_integer_past_floats_range_fails_as_value_by_value() -> None:
    with pytest.raises(OverflowError):
        to_cells([1, 10**400], as_text=False)
    with pytest.raises(OverflowError):
        to_cells([1, 10**400, ABSENT], as_text=False)


def test_records_are_logged_as_the_same_frames_are(tmp_path: Path) -> None:
    records = [
        {"island": "Dream", "bill_length_mm": 40.5, "email": "a@example.org", "prediction": 1},
        {"island": "Biscoe", "bill_length_mm": 41, "email": "b@example.org", "prediction": 2},
    ]
    outputs = {"prediction": ["Adelie", "Gentoo"], "proba_Adelie": [0.9, 0.2]}
    settings = LogSettings(exclude_columns=("email",))
    with PredictionLog(settings, tmp_path / "records") as log:
        assert log.append_records(records, outputs, model="clf", version="v1") == 2
    with PredictionLog(settings, tmp_path / "frames") as log:
        log.append(pd.DataFrame(records), pd.DataFrame(outputs), model="clf", version="v1")
    by_records = read_prediction_log(tmp_path / "records", "clf").drop(columns="logged_at")
    by_frames = read_prediction_log(tmp_path / "frames", "clf").drop(columns="logged_at")
    pd.testing.assert_frame_equal(by_records, by_frames)
    assert list(by_records.columns) == [
        "model",
        "model_version",
        "island",
        "bill_length_mm",
        "input.prediction",
        "prediction",
        "proba_Adelie",
    ]


def test_records_are_sampled_and_switched_off_as_frames_are(tmp_path: Path) -> None:
    records = [{"x": i} for i in range(1000)]
    outputs = {"prediction": list(range(1000))}
    with PredictionLog(LogSettings(sample_rate=0.5, seed=7), tmp_path / "a") as log:
        kept = log.append_records(records, outputs, model="m", version="v1")
    with PredictionLog(LogSettings(sample_rate=0.5, seed=7), tmp_path / "b") as log:
        log.append(pd.DataFrame(records), pd.DataFrame(outputs), model="m", version="v1")
    a = read_prediction_log(tmp_path / "a", "m")
    assert 350 < kept < 650 and len(a) == kept
    assert a["x"].tolist() == read_prediction_log(tmp_path / "b", "m")["x"].tolist()
    assert (a["x"] == a["prediction"]).all()
    with PredictionLog(LogSettings(log=False), tmp_path / "off") as log:
        assert log.append_records(records, outputs, model="m", version="v1") == 0
    assert read_prediction_log(tmp_path / "off", "m").empty


ROW = PENGUIN_ROW
REQUESTS = [
    [ROW],
    [ROW] * 8,
    [{**ROW, "species": "Adelie"}],
    [{**ROW, "island": "Atlantis"}],
    [ROW, {**ROW, "bill_length_mm": "long", "wings": 2}],
    [{"island": "Dream"}],
    [{**ROW, "sex": None, "year": 2007.0}],
    [{**ROW, "body_mass_g": True}],
    [ROW] * 9 + [{**ROW, "year": "2007"}],
]


@pytest.mark.parametrize("rows", REQUESTS)
def test_a_screened_request_gets_the_engines_verdict_and_report(rows: list[Any]) -> None:
    import json

    from cli.core.models import prediction_contract
    from cli.core.serving import check_rows, quick_validator
    from tests.conftest import ROOT

    schema = json.loads((ROOT / "data" / "schema.json").read_text())
    features = [c for c in schema["required"] if c not in ("species", "year")]
    contract = prediction_contract(schema, "species", features)
    quick = quick_validator(contract)
    assert quick is not None
    screened = check_rows(contract, rows, quick=quick)
    engine = check_rows(contract, rows)
    assert screened.ok == engine.ok
    if not engine.ok:  # an invalid row always gets the engine's full report
        assert screened == engine


def test_a_contract_with_a_pattern_is_never_screened_in_process() -> None:
    from cli.core.serving import quick_validator

    contract = {"type": "object", "properties": {"note": {"type": "string", "pattern": "^a+$"}}}
    assert quick_validator(contract) is None
    assert quick_validator({"patternProperties": {"^x": {}}}) is None
    assert quick_validator({"type": "object"}) is not None
