"""check_drift on real files: the new-batch scenario, bad input, chunking, and properties."""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np
import palmerpenguins
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cli.adapters.model_store import save_model
from cli.api import check_drift
from cli.core.drift import DriftPolicy
from cli.core.modeling import build_pipeline
from cli.errors import (
    ColumnTypeMismatch,
    DataFileUnreadable,
    DocumentInvalid,
    DriftDataEmpty,
    FileMissing,
    ModelColumnsMissing,
    SchemaColumnsMissing,
    SchemaInvalid,
    SchemaRefRefused,
    SchemaTooDeep,
)
from cli.params import Params
from cli.results.drift import DRIFT, MISSING, OK, WARNING, DriftReport
from stages.train import hyperparameters

NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]


@pytest.fixture(scope="module")
def penguins() -> pd.DataFrame:
    return palmerpenguins.load_penguins()


@pytest.fixture
def batches(penguins: pd.DataFrame, tmp_path: Path) -> tuple[Path, Path]:
    """Reference: the 2007 and 2008 surveys; current: the 2009 survey, as it would arrive."""
    reference, current = tmp_path / "reference.csv", tmp_path / "current.csv"
    penguins[penguins.year <= 2008].to_csv(reference, index=False)
    penguins[penguins.year == 2009].to_csv(current, index=False)
    return reference, current


@pytest.fixture
def model(penguins: pd.DataFrame, params: Params, tmp_path: Path) -> Path:
    """A small forest trained on the reference years only."""
    train = penguins[penguins.year <= 2008]
    features = [*params.data.numeric_features, *params.data.categorical_features]
    fitted = build_pipeline(
        numeric=params.data.numeric_features,
        categorical=params.data.categorical_features,
        estimator=params.train.estimator,
        hyperparameters=hyperparameters(params),
        seed=params.train.seed,
    ).fit(train[features], train["species"])
    path = tmp_path / "model.skops"
    save_model(fitted, path)
    return path


def by_name(report: DriftReport) -> dict[str, Any]:
    return {row.column: row for row in report.columns}


def stat(report: DriftReport, column: str, test: str) -> Any:
    return next(s for s in by_name(report)[column].statistics if s.test == test)


# --- the new batch arrives ---------------------------------------------------------------------


def test_new_batch_2009_against_2007_2008(batches: tuple[Path, Path]) -> None:
    report = check_drift(reference=batches[0], current=batches[1])
    assert (report.reference_rows, report.current_rows) == (224, 120)
    assert report.method == "p_values"  # 224 reference rows <= 1000: KS and chi-squared
    rows = by_name(report)
    assert {name: row.status for name, row in rows.items()} == {
        "species": OK,
        "island": OK,
        "bill_length_mm": DRIFT,
        "bill_depth_mm": WARNING,
        "flipper_length_mm": WARNING,
        "body_mass_g": WARNING,
        "sex": OK,
        "year": DRIFT,
    }
    # the survey year drifts by construction: 2009 is a value the reference never had
    assert rows["year"].triggers == ("psi", "ks")
    assert stat(report, "year", "ks").value == 1.0
    assert (
        "100.0% of current values lie outside the reference range [2007, 2008]"
        in (rows["year"].notes[0])
    )
    # bill length: PSI says drift (0.313) but KS does not (p = 0.064): one test suffices
    assert rows["bill_length_mm"].triggers == ("psi",)
    assert stat(report, "bill_length_mm", "psi").value == pytest.approx(0.3128, abs=1e-4)
    assert stat(report, "bill_length_mm", "ks").p_value == pytest.approx(0.0641, abs=1e-4)
    # the species mix is stable: chi-squared p = 0.97
    assert stat(report, "species", "chi_squared").p_value == pytest.approx(0.9729, abs=1e-4)
    # sex: 8 of 224 missing in the reference, 3 of 120 in 2009
    assert rows["sex"].reference_missing_rate == pytest.approx(8 / 224)
    assert rows["sex"].current_missing_rate == pytest.approx(3 / 120)
    assert (report.drifted_columns, report.compared_columns) == (2, 8)
    assert report.share_drifted == 0.25 and not report.dataset_drift and report.ok


def test_the_target_is_compared_when_the_batch_has_it_and_left_out_when_it_does_not(
    batches: tuple[Path, Path],
) -> None:
    labelled = check_drift(reference=batches[0], current=batches[1], target="species")
    assert labelled == check_drift(reference=batches[0], current=batches[1])
    assert by_name(labelled)["species"].status == OK and labelled.unlabelled_target is None
    pd.read_csv(batches[1]).drop(columns="species").to_csv(batches[1], index=False)
    unlabelled = check_drift(reference=batches[0], current=batches[1], target="species")
    assert "species" not in by_name(unlabelled) and unlabelled.unlabelled_target == "species"
    assert (unlabelled.drifted_columns, unlabelled.compared_columns) == (2, 7)


def test_new_batch_psi_matches_numpy_on_the_raw_values(
    batches: tuple[Path, Path], penguins: pd.DataFrame
) -> None:
    """Penguin measurements have one decimal: histogram buckets separate every value."""
    report = check_drift(reference=batches[0], current=batches[1])
    for column in NUMERIC:
        ref = np.sort(penguins.loc[penguins.year <= 2008, column].dropna().to_numpy())
        cur = penguins.loc[penguins.year == 2009, column].dropna().to_numpy()
        edges = np.unique(ref[[i * len(ref) // 10 for i in range(1, 10)]])
        edges = edges[edges > ref[0]]
        r = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=len(edges) + 1)
        c = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=len(edges) + 1)
        r, c = np.maximum(r / r.sum(), 1e-4), np.maximum(c / c.sum(), 1e-4)
        expected = float(np.sum((c - r) * np.log(c / r)))
        assert stat(report, column, "psi").value == pytest.approx(expected, rel=1e-12)


def test_new_batch_with_the_model(batches: tuple[Path, Path], model: Path) -> None:
    report = check_drift(reference=batches[0], current=batches[1], model=model)
    assert report.prediction is not None and report.model == str(model)
    assert report.prediction.status == OK
    assert report.prediction.statistics[0].value < 0.01
    assert report.prediction.notes[0].startswith(
        "predicted class shares (reference -> current): Adelie 44.6% -> "
    )
    assert report.ok


def test_model_without_its_columns(batches: tuple[Path, Path], model: Path) -> None:
    frame = pd.read_csv(batches[1]).drop(columns=["island"])
    frame.to_csv(batches[1], index=False)
    with pytest.raises(ModelColumnsMissing, match=r"current.csv: missing column\(s\) island"):
        check_drift(reference=batches[0], current=batches[1], model=model)


# --- chunking ----------------------------------------------------------------------------------


def comparable(report: DriftReport) -> dict[str, Any]:
    """The report as a document, Wasserstein distances rounded (float sums depend on chunks)."""
    document = asdict(report)
    del document["reference"], document["current"]  # the paths
    for row in document["columns"]:
        for s in row["statistics"]:
            if s["test"] == "wasserstein_normed":
                s["value"] = round(s["value"], 9)
                s["detail"] = s["detail"].split("(")[0]
    return document


def test_tiny_chunks_give_the_same_report(batches: tuple[Path, Path]) -> None:
    big = check_drift(reference=batches[0], current=batches[1], chunk_rows=100_000)
    tiny = check_drift(reference=batches[0], current=batches[1], chunk_rows=7)
    assert asdict(tiny) == asdict(big)


def test_tiny_chunks_give_the_same_report_on_large_samples(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    n = 1500
    reference = tmp_path / "reference.csv"
    current = tmp_path / "current.csv"
    shares = {0.0: [0.3, 0.3, 0.4], 0.3: [0.6, 0.3, 0.1]}
    for path, shift in ((reference, 0.0), (current, 0.3)):
        pd.DataFrame(
            {
                "x": rng.normal(shift, 1, n),
                "k": rng.integers(0, 20, n),
                "c": rng.choice(["a", "b", "c"], n, p=shares[shift]),
                "z": np.where(rng.random(n) < 0.1 + shift, np.nan, rng.lognormal(0, 1, n)),
            }
        ).to_csv(path, index=False)
    big = check_drift(reference=reference, current=current)
    tiny = check_drift(reference=reference, current=current, chunk_rows=7)
    assert big.method == "distances"
    assert comparable(tiny) == comparable(big)
    rows = by_name(big)
    assert stat(big, "x", "wasserstein_normed").status == DRIFT
    assert rows["z"].triggers == ("missing_rate_change",)
    assert [rows[c].status for c in "kc"] == [OK, DRIFT]


def test_parquet_and_jsonl_read_like_csv(batches: tuple[Path, Path], tmp_path: Path) -> None:
    frame = pd.read_csv(batches[1])
    parquet, jsonl = tmp_path / "current.parquet", tmp_path / "current.jsonl"
    frame.to_parquet(parquet)
    frame.to_json(jsonl, orient="records", lines=True)
    expected = check_drift(reference=batches[0], current=batches[1])
    for path in (parquet, jsonl):
        report = check_drift(reference=batches[0], current=path)
        assert asdict(report)["columns"] == asdict(expected)["columns"]


# --- bad input: an error for what cannot run, a reported row for the rest ----------------------


def test_missing_and_empty_files(batches: tuple[Path, Path], tmp_path: Path) -> None:
    with pytest.raises(FileMissing, match=r"nope\.csv: reference data file not found"):
        check_drift(reference=tmp_path / "nope.csv", current=batches[1])
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DriftDataEmpty, match=r"empty\.csv: the current data file is empty"):
        check_drift(reference=batches[0], current=empty)
    header_only = tmp_path / "header.csv"
    header_only.write_text(batches[1].read_text().splitlines()[0] + "\n")
    with pytest.raises(DriftDataEmpty, match=r"header\.csv: the current data file is empty"):
        check_drift(reference=batches[0], current=header_only)
    text = batches[1].with_suffix(".txt")
    text.write_text(batches[1].read_text())
    with pytest.raises(DataFileUnreadable, match=r"unsupported format '\.txt'; use \.csv"):
        check_drift(reference=batches[0], current=text)


def test_column_differences_are_reported(batches: tuple[Path, Path]) -> None:
    frame = pd.read_csv(batches[1]).drop(columns=["sex"])
    frame["tag"] = "x"
    frame.to_csv(batches[1], index=False)
    report = check_drift(reference=batches[0], current=batches[1])
    sex = by_name(report)["sex"]
    assert sex.status == MISSING and sex.drifted and sex.statistics == ()
    assert sex.notes == ("absent from the current file: counted as drifted",)
    assert report.extra_columns == ("tag",)
    assert (report.drifted_columns, report.compared_columns) == (3, 8)


def test_all_null_column_and_unseen_category(batches: tuple[Path, Path]) -> None:
    frame = pd.read_csv(batches[1])
    frame["body_mass_g"] = np.nan
    frame.loc[:4, "island"] = "Anvers"
    frame.to_csv(batches[1], index=False)
    report = check_drift(reference=batches[0], current=batches[1])
    mass = by_name(report)["body_mass_g"]
    assert mass.status == DRIFT and mass.triggers == ("missing_rate_change",)
    assert mass.notes == ("every value is missing in the current file: distributions not compared",)
    island = by_name(report)["island"]
    assert island.notes == (
        "1 value(s) not in the reference, each its own bin (5 rows): 'Anvers' (5)",
    )
    assert stat(report, "island", "psi").detail.startswith("4 bins, one per value")


def test_all_null_reference_column(batches: tuple[Path, Path]) -> None:
    frame = pd.read_csv(batches[0])
    frame["bill_depth_mm"] = np.nan
    frame.to_csv(batches[0], index=False)
    row = by_name(check_drift(reference=batches[0], current=batches[1]))["bill_depth_mm"]
    assert row.kind == "categorical"  # nothing to infer a kind from
    assert row.notes[0].startswith("no value in the first 10000 reference rows")
    assert (
        row.notes[1] == "every value is missing in the reference file: distributions not compared"
    )
    assert row.status == DRIFT and row.triggers == ("missing_rate_change",)


def write_schema(path: Path, properties: dict[str, Any], required: list[str]) -> Path:
    path.write_text(
        json.dumps(
            {
                "$schema": "https://json-schema.org/draft/2020-12/schema",
                "type": "object",
                "properties": properties,
                "required": required,
            }
        )
    )
    return path


def test_schema_sets_kinds_and_requires_columns(batches: tuple[Path, Path], tmp_path: Path) -> None:
    schema = write_schema(
        tmp_path / "schema.json",
        {"year": {"type": "string"}, "body_mass_g": {"type": ["number", "null"]}},
        ["year", "body_mass_g"],
    )
    report = check_drift(reference=batches[0], current=batches[1], schema=schema)
    year = by_name(report)["year"]
    assert year.kind == "categorical"
    assert [s.test for s in year.statistics] == ["psi", "chi_squared", "missing_rate_change"]
    assert year.notes[0].startswith("1 value(s) not in the reference, each its own bin (120 rows)")
    missing = write_schema(tmp_path / "strict.json", {}, ["year", "tag", "owner"])
    with pytest.raises(
        SchemaColumnsMissing,
        match=r"reference.csv: missing column\(s\) tag, owner required by .*strict.json",
    ):
        check_drift(reference=batches[0], current=batches[1], schema=missing)


@pytest.mark.parametrize(
    ("text", "error", "message"),
    [
        ("{not json", SchemaInvalid, "not a valid JSON Schema: not JSON: Expecting property name"),
        ('{"type": "object"}', DocumentInvalid, "has no 'properties' object"),
        ('{"properties": {}, "required": "year"}', SchemaInvalid, "at required: 'year' is not"),
        # what only the one schema loader refused before: metaschema, references, depth
        ('{"properties": {"year": {"minimum": "3"}}}', SchemaInvalid, "properties/year/minimum"),
        (
            '{"properties": {"year": {"$ref": "https://example.com/s.json"}}}',
            SchemaRefRefused,
            "https://example.com/s.json",
        ),
        ('{"properties": {"year": ' * 300 + "{}" + "}}" * 300, SchemaTooDeep, "nested"),
    ],
)
def test_unusable_schema(
    batches: tuple[Path, Path], tmp_path: Path, text: str, error: type, message: str
) -> None:
    """``drift --schema`` loads the schema as ``schema check`` does: same refusals, same errors."""
    schema = tmp_path / "schema.json"
    schema.write_text(text)
    with pytest.raises(error, match=message):
        check_drift(reference=batches[0], current=batches[1], schema=schema)


def test_text_in_a_numeric_column(batches: tuple[Path, Path], tmp_path: Path) -> None:
    frame = pd.read_csv(batches[1])
    frame["body_mass_g"] = frame["body_mass_g"].astype(object)
    frame.loc[57, "body_mass_g"] = "heavy"
    frame.to_csv(batches[1], index=False)
    with pytest.raises(ColumnTypeMismatch) as caught:
        check_drift(reference=batches[0], current=batches[1])
    assert str(caught.value).startswith(
        f"{batches[1]}: column 'body_mass_g' is numeric (inferred) but data row 58 holds 'heavy'"
    )
    schema = write_schema(tmp_path / "s.json", {"body_mass_g": {"type": "string"}}, [])
    report = check_drift(reference=batches[0], current=batches[1], schema=schema)
    assert by_name(report)["body_mass_g"].kind == "categorical"


# --- properties --------------------------------------------------------------------------------

cells = {
    "num": st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False)),
    "count": st.one_of(st.none(), st.integers(-50, 50)),
    "cat": st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d"])),
}


def tables(min_rows: int = 1, max_rows: int = 30) -> st.SearchStrategy[pd.DataFrame]:
    return st.integers(min_rows, max_rows).flatmap(
        lambda n: st.fixed_dictionaries(
            {name: st.lists(cell, min_size=n, max_size=n) for name, cell in cells.items()}
        ).map(pd.DataFrame)
    )


POLICIES = st.sampled_from([DriftPolicy(), DriftPolicy(small_sample_rows=0)])  # tests, distances


def drift_of(reference: pd.DataFrame, current: pd.DataFrame, policy: DriftPolicy) -> DriftReport:
    with tempfile.TemporaryDirectory() as folder:
        ref, cur = Path(folder) / "r.csv", Path(folder) / "c.csv"
        reference.to_csv(ref, index=False)
        current.to_csv(cur, index=False)
        return check_drift(reference=ref, current=cur, policy=policy)


@settings(max_examples=40, deadline=None)
@given(frame=tables(), policy=POLICIES)
def test_identical_data_never_drifts(frame: pd.DataFrame, policy: DriftPolicy) -> None:
    report = drift_of(frame, frame, policy)
    assert report.ok and report.drifted_columns == 0
    assert all(row.status == OK for row in report.columns)


@settings(max_examples=40, deadline=None)
@given(
    values=st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=30),
    policy=POLICIES,
)
def test_a_strongly_shifted_column_always_drifts(values: list[float], policy: DriftPolicy) -> None:
    shift = 10 * (max(values) - min(values)) + 1_000
    report = drift_of(
        pd.DataFrame({"x": values}), pd.DataFrame({"x": [v + shift for v in values]}), policy
    )
    assert report.columns[0].status == DRIFT and report.dataset_drift and not report.ok


@settings(max_examples=30, deadline=None)
@given(reference=tables(), current=tables(), policy=POLICIES, data=st.data())
def test_the_verdict_does_not_depend_on_row_order(
    reference: pd.DataFrame, current: pd.DataFrame, policy: DriftPolicy, data: st.DataObject
) -> None:
    def shuffled(frame: pd.DataFrame) -> pd.DataFrame:
        order = data.draw(st.permutations(range(len(frame))))
        return frame.iloc[list(order)].reset_index(drop=True)

    before = drift_of(reference, current, policy)
    after = drift_of(shuffled(reference), shuffled(current), policy)
    assert after.ok == before.ok and after.dataset_drift == before.dataset_drift
    assert [r.status for r in after.columns] == [r.status for r in before.columns]
    assert comparable(after) == comparable(before)
