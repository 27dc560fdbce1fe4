"""``mlvc init``'s pure decisions: column roles, task, slices and default names."""

from __future__ import annotations

import pandas as pd
import pytest

from cli.core.adopt.columns import dataset_name, decide, default_model_name, task_problem


def roles(frame: pd.DataFrame, target: str, task: str = "auto") -> dict[str, tuple[str, str]]:
    decided = decide(frame, target=target, task=task)
    return {r.column: (r.role, r.reason) for r in decided.roles}


def base(rows: int = 8) -> dict[str, list[object]]:
    return {
        "size": [float(i) * 1.5 for i in range(rows)],
        "colour": ["red", "blue"] * (rows // 2),
        "label": ["a", "b"] * (rows // 2),
    }


def test_id_like_text_is_excluded_with_its_reason() -> None:
    frame = pd.DataFrame({**base(), "name": [f"n{i}" for i in range(8)]})
    role, reason = roles(frame, "label")["name"]
    assert role == "excluded" and "ID-like" in reason


def test_constant_column_is_excluded() -> None:
    frame = pd.DataFrame({**base(), "site": ["x"] * 8, "empty": [None] * 8})
    decided = roles(frame, "label")
    assert decided["site"][0] == "excluded" and "constant" in decided["site"][1]
    assert decided["empty"] == ("excluded", "empty: every value is missing")


def test_date_and_datetime_text_columns_are_datetime_features() -> None:
    frame = pd.DataFrame(
        {
            **base(),
            "day": [f"2024-01-0{i + 1}" for i in range(8)],
            "at": [f"2024-02-01T10:0{i}:00" for i in range(8)],
            "code": [f"2024-01-0{i + 1}x" for i in range(8)],
        }
    )
    decided = roles(frame, "label")
    assert decided["day"][0] == decided["at"][0] == "datetime"
    assert decided["code"][0] != "datetime"


@pytest.mark.parametrize(
    "dates",
    [
        ["01/02/2024", "01/02/2024", "03/10/2024", "12/31/2023"] * 2,  # few values: not categories
        [f"{i + 1:02d}.03.2024 10:{i:02d}" for i in range(8)],  # all different: not an ID
        [f"2024/01/{i + 1:02d}" if i % 2 else None for i in range(8)],
    ],
    ids=["us-dates", "dotted-date-times", "slashed-year-first"],
)
def test_dates_in_another_format_are_excluded_saying_how_to_use_them(
    dates: list[str | None],
) -> None:
    """The model expands ISO dates only; other forms are dates, not categories or IDs."""
    role, reason = roles(pd.DataFrame({**base(), "when": dates}), "label")["when"]
    assert role == "excluded"
    example = next(d for d in dates if d is not None)
    assert "not in ISO 8601" in reason and "YYYY-MM-DD" in reason and example in reason


def test_target_has_its_own_role_and_is_never_a_feature_or_slice() -> None:
    frame = pd.DataFrame(base())
    decided = decide(frame, target="label")
    assert roles(frame, "label")["label"][0] == "target"
    assert "label" not in decided.columns("categorical") and "label" not in decided.slices
    assert decided.columns("numeric") == ["size"] and decided.columns("categorical") == ["colour"]


@pytest.mark.parametrize(
    ("values", "task"),
    [
        (["yes", "no"] * 10, "classification"),  # text
        ([True, False] * 10, "classification"),  # boolean
        ([0, 1] * 10, "classification"),  # 0/1
        ([0.0, 1.0, None, 2.0] * 5, "classification"),  # whole numbers read as floats
        (list(range(20)) * 2, "classification"),  # 20 whole-number values, 2 rows each
        (list(range(21)) * 2, "regression"),  # 21: too many classes
        ([60, 62, 64, 66, 68, 70, 72, 74, 50, 52, 60, 62], "regression"),  # pulses: 1 row each
        ([0] + [1, 2, 3] * 10, "regression"),  # a rating whose 0 sits on a single row
        ([1] + [0] * 99, "classification"),  # two values: 0/1 labels, however rare the 1
        ([i * 0.37 for i in range(20)], "regression"),  # real numbers
    ],
)
def test_auto_task_follows_the_target(values: list[object], task: str) -> None:
    frame = pd.DataFrame({"x": range(len(values)), "y": values})
    decided = decide(frame, target="y")
    assert decided.task == task
    assert "(" not in decided.task_reason  # printed in parentheses: "task: regression (...)"


def test_explicit_task_wins_and_an_unfit_one_is_named() -> None:
    frame = pd.DataFrame({"x": range(20), "y": list(range(20))})
    assert decide(frame, target="y", task="regression").task == "regression"
    assert task_problem(pd.Series(["a", "b"]), "regression") is not None
    assert task_problem(pd.Series(["a", "a"]), "classification") is not None
    assert task_problem(pd.Series([1.5, 2.5]), "regression") is None


def test_slices_are_categorical_with_2_to_20_values_at_most_3() -> None:
    rows = 42
    frame = pd.DataFrame(
        {
            "y": ["p", "q"] * (rows // 2),
            "wide": [f"v{i % 21}" for i in range(rows)],  # 21 values: too many
            "a": ["x", "y"] * (rows // 2),
            "b": ["x", "y", "z"] * (rows // 3),
            "c": ["u", "v"] * (rows // 2),
            "d": ["k", "l"] * (rows // 2),
            "n": [float(i % 3) + 0.5 for i in range(rows)],  # numeric: never a slice
        }
    )
    assert decide(frame, target="y").slices == ("a", "b", "c")


def test_no_slice_when_no_categorical_column_fits() -> None:
    frame = pd.DataFrame({"x": [0.5 * i for i in range(10)], "y": ["a", "b"] * 5})
    assert decide(frame, target="y").slices == ()


@pytest.mark.parametrize(
    ("file", "task", "model", "dataset"),
    [
        ("wine.csv", "classification", "wine-classifier", "wine"),
        ("diabetes.parquet", "regression", "diabetes-regressor", "diabetes"),
        ("Breast_Cancer.csv", "classification", "breast-cancer-classifier", "breast_cancer"),
        ("My Data v2.jsonl", "regression", "my-data-v2-regressor", "my-data-v2"),
        ("Données clients.csv", "classification", "donnees-clients-classifier", "donnees-clients"),
        ("sales.2024.csv", "regression", "sales-2024-regressor", "sales-2024"),
    ],
)
def test_default_names_come_from_the_file_name(
    file: str, task: str, model: str, dataset: str
) -> None:
    assert default_model_name(file, task) == model
    assert dataset_name(file) == dataset


def test_the_task_reason_names_the_other_choice() -> None:
    """A whole-number target is ambiguous: the reason says why and how to choose otherwise."""
    classes = decide(pd.DataFrame({"x": range(30), "y": [1, 2, 3] * 10}), target="y")
    assert "--task regression" in classes.task_reason
    pulses = decide(pd.DataFrame({"x": range(6), "y": [60, 62, 64, 60, 70, 72]}), target="y")
    assert pulses.task == "regression"
    assert "4 of them on a single row" in pulses.task_reason
    binary = decide(pd.DataFrame({"x": range(20), "y": [0, 1] * 10}), target="y")
    assert binary.task_reason == "the target holds 2 whole-number values: two classes"


@pytest.mark.parametrize(
    ("name", "values", "first"),
    [
        ("Unnamed: 0", [3, 0, 2, 1, 4, 5, 7, 6], 0),  # a DataFrame index written with the table
        ("row", [float(i + 1) for i in range(8)], 1),
    ],
)
def test_row_numbers_are_excluded_not_learnt_from(
    name: str, values: list[float], first: int
) -> None:
    """A column numbering the rows says where a row sits in the file, not what it is."""
    role, reason = roles(pd.DataFrame({**base(), name: values}), "label")[name]
    assert role == "excluded" and f"row numbers ({first} to {first + 7}" in reason


def test_whole_numbers_that_do_not_number_the_rows_stay_features() -> None:
    frame = pd.DataFrame({**base(), "age": [30, 41, 25, 52, 33, 47, 38, 29], "n": [0, 1, 2, 3] * 2})
    decided = roles(frame, "label")
    assert decided["age"][0] == decided["n"][0] == "numeric"


def test_numbers_with_a_few_text_values_are_excluded_saying_which() -> None:
    """Not free text nor an ID: a number column with a stray 'unknown'."""
    rows = 40
    prices = [f"{10 + i * 0.5}" for i in range(rows)]
    prices[7] = "unknown"
    frame = pd.DataFrame({**base(rows), "price": prices})
    role, reason = roles(frame, "label")["price"]
    assert role == "excluded"
    assert "1 text value(s) (e.g. 'unknown')" in reason and "empty those cells" in reason


def test_few_numbers_and_text_stay_categories() -> None:
    frame = pd.DataFrame({**base(), "grade": ["1", "2", "3", "n/a", "1", "2", "3", "2"]})
    assert roles(frame, "label")["grade"][0] == "categorical"
