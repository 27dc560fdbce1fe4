"""The pure parts of ``mlvc serve`` (``cli.core.serving``): request shapes, the contract as
requests meet it, every row checked by the schema engine, the response's shape."""

from __future__ import annotations

import json
from typing import Any

import pytest

from cli.core.models import prediction_contract
from cli.core.serving import (
    RequestShapeInvalid,
    Scored,
    check_rows,
    prediction_body,
    request_rows,
    request_schema,
)
from tests.conftest import ROOT

CONTRACT = json.loads((ROOT / "data" / "schema.json").read_text())
FEATURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "island", "sex"]
REQUESTS = prediction_contract(CONTRACT, "species", FEATURES)  # as `mlvc serve` checks rows
ROW = {
    "island": "Dream",
    "bill_length_mm": 40.0,
    "bill_depth_mm": 18.0,
    "flipper_length_mm": 190,
    "body_mass_g": 3800,
    "sex": None,
    "year": 2008,
}


@pytest.mark.parametrize(
    "body",
    [
        ROW,
        [ROW],
        {"dataframe_records": [ROW]},
        {"dataframe_split": {"columns": list(ROW), "data": [list(ROW.values())]}},
    ],
    ids=["object", "list", "dataframe_records", "dataframe_split"],
)
def test_every_request_shape_gives_the_same_rows(body: Any) -> None:
    assert request_rows(body) == [ROW]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        (3, "the request body is a JSON number"),
        ([], "the request holds no rows"),
        ([ROW, "x"], "item 2 is a JSON string, not an object"),
        ({"dataframe_records": {"a": 1}}, "dataframe_records must be an array of objects"),
        ({"dataframe_split": {"columns": ["a"], "data": [[1, 2]]}}, "row 1 must be an array of 1"),
        ({"dataframe_split": {"columns": [1], "data": []}}, "columns must be an array of column"),
    ],
)
def test_a_body_of_another_shape_is_refused_saying_why(body: Any, says: str) -> None:
    with pytest.raises(RequestShapeInvalid, match=says):
        request_rows(body)


def test_the_features_are_required_and_the_target_and_other_columns_optional() -> None:
    assert REQUESTS["required"] == [c for c in CONTRACT["required"] if c in FEATURES]
    assert CONTRACT["required"][0] == "species"  # the contract itself is not changed
    assert check_rows(REQUESTS, [ROW]).ok
    assert check_rows(REQUESTS, [{**ROW, "species": "Adelie"}]).ok
    year_less = {k: v for k, v in ROW.items() if k != "year"}
    assert check_rows(REQUESTS, [year_less, {**ROW, "penguin_id": "p1"}]).ok
    assert not check_rows(REQUESTS, [{**ROW, "year": "2008"}]).ok  # present: still checked


def test_every_failing_column_and_keyword_is_collected() -> None:
    contract = REQUESTS
    rows = [
        {**ROW, "island": "Atlantis"},
        {**ROW, "bill_length_mm": 500.0, "island": "Atlantis"},
        {**ROW, "wings": 2},  # a column the contract does not describe: a key, as in predict
    ]
    checked = check_rows(contract, rows)
    assert not checked.ok and checked.rows == 3 and checked.failing_rows == 2
    found = {(v.column, v.keyword): (v.count, v.rows) for v in checked.violations}
    assert found[("island", "enum")] == (2, (1, 2))
    assert found[("bill_length_mm", "maximum")] == (1, (2,))
    assert checked.unexpected_columns == ()


def test_a_missing_required_column_is_named() -> None:
    checked = check_rows(REQUESTS, [{"island": "Dream"}])
    assert set(checked.missing_columns) == set(FEATURES) - {"island"}


def test_the_openapi_request_schema_offers_each_shape_with_the_contract_row() -> None:
    schema = request_schema(REQUESTS)
    row, rows, records, split = schema["anyOf"]
    assert row["properties"] == CONTRACT["properties"]
    assert "$schema" not in row and "x-mlvc" not in row
    assert rows["items"] is row and records["properties"]["dataframe_records"] is rows
    assert split["required"] == ["dataframe_split"]


def test_the_response_puts_predictions_first_and_names_the_version() -> None:
    body = prediction_body(
        Scored(["Adelie"], [{"Adelie": 0.9, "Gentoo": 0.1}]), model="penguins", version="v1.0.0"
    )
    assert list(body) == ["predictions", "probabilities", "model", "version"]
    regression = prediction_body(Scored([1.5, None], None), model="m", version="v2.0.0")
    assert "probabilities" not in regression and regression["predictions"] == [1.5, None]


class _Stub:
    """A fitted-model stand-in: records the frame it was given."""

    classes_ = ("Adelie", "Gentoo")

    def __init__(self) -> None:
        self.seen: Any = None

    def predict(self, frame: Any) -> Any:
        import numpy as np

        self.seen = frame
        return np.array([float("nan"), 2.0])

    def predict_proba(self, frame: Any) -> Any:
        import numpy as np

        return np.array([[0.25, 0.75], [1.0, 0.0]])


def test_scoring_orders_features_fills_absent_ones_and_keeps_json_finite() -> None:
    from cli.core.serving import score_rows

    stub = _Stub()
    scored = score_rows(stub, [{"b": 1, "a": "x", "extra": 5}, {"a": "y"}], ["a", "b"], ["Adelie"])
    assert list(stub.seen.columns) == ["a", "b"]
    assert stub.seen["b"].isna().tolist() == [False, True]
    assert scored.predictions == [None, 2.0]  # NaN is not JSON: null
    assert scored.probabilities == [
        {"Adelie": 0.25, "Gentoo": 0.75},
        {"Adelie": 1.0, "Gentoo": 0.0},
    ]
    assert score_rows(stub, [{"a": 1}], ["a"], []).probabilities is None  # regression


def test_scoring_a_pipeline_equals_its_own_predict_and_predict_proba() -> None:
    import pandas as pd

    from cli.core.modeling import build_pipeline
    from cli.core.serving import score_rows
    from tests.conftest import TINY_CSV

    numeric = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    features = [*numeric, "island", "sex"]
    frame = pd.read_csv(TINY_CSV)
    pipeline = build_pipeline(
        numeric=numeric,
        categorical=["island", "sex"],
        estimator="logistic_regression",
        hyperparameters={"C": 1.0, "max_iter": 200},
        seed=0,
    )
    pipeline.fit(frame[features], frame["species"].astype(str))
    rows = [{**ROW, "sex": "female"}, ROW, {"island": "Biscoe"}]
    scored = score_rows(pipeline, rows, features, [str(c) for c in pipeline.classes_])
    same = pd.DataFrame.from_records([{f: r.get(f) for f in features} for r in rows])
    assert scored.predictions == pipeline.predict(same).tolist()
    expected = pipeline.predict_proba(same).tolist()
    got = [[p[str(c)] for c in pipeline.classes_] for p in scored.probabilities or []]
    assert got == expected


@pytest.mark.parametrize(
    "body", [{}, [{}], {"dataframe_records": [{}]}, [{}, {}]], ids=["{}", "[{}]", "records", "two"]
)
def test_a_row_with_no_key_fails_every_required_column(body: Any) -> None:
    rows = request_rows(body)
    checked = check_rows(REQUESTS, rows)
    assert not checked.ok
    assert checked.rows == len(rows) and checked.failing_rows == len(rows)
    assert set(checked.missing_columns) == set(FEATURES)
    (required,) = [v for v in checked.violations if v.keyword == "required"]
    assert required.count == len(rows) and required.rows == tuple(range(1, len(rows) + 1))
