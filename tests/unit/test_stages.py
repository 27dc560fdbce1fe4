"""Stage unit tests on the 12-row fixture: each stage writes only its outputs, deterministically."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest

from cli.errors import DataFileEmpty, FileMissing, MissingColumns, NoRowsSelected, TooFewRows
from cli.params import Params
from stages import evaluate, ingest, split, train


def replace_section(params: Params, section: str, **changes: object) -> Params:
    return dataclasses.replace(
        params, **{section: dataclasses.replace(getattr(params, section), **changes)}
    )


def run_all(params: Params, source: Path, out: Path) -> dict[str, Path]:
    files = {
        "raw": out / "data/raw/penguins.csv",
        "ingest": out / "data/ingest.json",
        "train": out / "data/prepared/train.csv",
        "test": out / "data/prepared/test.csv",
        "model": out / "models/model.skops",
        "meta": out / "models/model.meta.json",
        "metrics": out / "metrics/metrics.json",
        "slices": out / "metrics/slices.json",
        "confusion": out / "plots/confusion.csv",
        "roc": out / "plots/roc",
        "pr": out / "plots/pr",
    }
    ingest.run(params, source=source, output=files["raw"], report=files["ingest"])
    split.run(params, raw=files["raw"], train=files["train"], test=files["test"])
    train.run(params, train_data=files["train"], model=files["model"], meta=files["meta"])
    evaluate.run(
        params,
        model=files["model"],
        test_data=files["test"],
        train_data=files["train"],
        metrics=files["metrics"],
        slices=files["slices"],
        plots=evaluate.Plots(
            confusion=files["confusion"],
            roc=files["roc"],
            pr=files["pr"],
            predictions=out / "plots/predictions.csv",
            residuals=out / "plots/residuals.csv",
        ),
    )
    return files


def tree_bytes(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def test_pipeline_on_tiny_frame_writes_only_declared_outputs(
    params: Params, tiny_csv: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    files = run_all(params, tiny_csv, out)
    written = set(tree_bytes(out))
    assert written == {
        "data/raw/penguins.csv",
        "data/ingest.json",
        "data/prepared/train.csv",
        "data/prepared/test.csv",
        "models/model.skops",
        "models/model.meta.json",
        "metrics/metrics.json",
        "metrics/slices.json",
        "plots/confusion.csv",
        *(
            f"plots/{kind}/{c}.csv"
            for kind in ("roc", "pr")
            for c in ("Adelie", "Chinstrap", "Gentoo")
        ),
    }
    metrics = json.loads(files["metrics"].read_text())
    assert set(metrics) >= {
        "accuracy",
        "balanced_accuracy",
        "f1_macro",
        "roc_auc_ovr",
        "log_loss",
        "per_class",
    }
    assert metrics["n"] == 3
    slices = json.loads(files["slices"].read_text())
    assert set(slices) == {"sex", "island"}
    meta = json.loads(files["meta"].read_text())
    assert meta["classes"] == ["Adelie", "Chinstrap", "Gentoo"]
    assert [f["name"] for f in meta["features"]][:2] == ["bill_length_mm", "bill_depth_mm"]
    assert meta["training_rows"] == 9
    assert set(meta["libraries"]) >= {"scikit-learn", "pandas", "numpy", "skops", "python"}


def test_pipeline_is_byte_identical_across_runs(
    params: Params, tiny_csv: Path, tmp_path: Path
) -> None:
    first = tree_bytes(run_all(params, tiny_csv, tmp_path / "a")["raw"].parents[2])
    second = tree_bytes(run_all(params, tiny_csv, tmp_path / "b")["raw"].parents[2])
    assert first == second


def test_ingest_keeps_selected_years_and_integers(
    params: Params, tiny_csv: Path, tmp_path: Path
) -> None:
    output = tmp_path / "raw.csv"
    ingest.run(
        replace_section(params, "ingest", years=(2007, 2008)),
        source=tiny_csv,
        output=output,
        report=tmp_path / "ingest.json",
    )
    frame = pd.read_csv(output)
    assert sorted(frame["year"].unique()) == [2007, 2008]
    lines = output.read_text().splitlines()
    assert lines[1] == "Adelie,Torgersen,39.1,18.7,181,3750,male,2007"  # 181, not 181.0
    assert lines[3] == "Adelie,Dream,,,,,,2008"  # missing cells stay empty


def test_ingest_bundled_dataset(params: Params, tmp_path: Path) -> None:
    output = tmp_path / "raw.csv"
    ingest.run(
        params,
        source=ingest.source_path("palmerpenguins"),
        output=output,
        report=tmp_path / "ingest.json",
    )
    frame = pd.read_csv(output)
    assert frame.shape == (344, 8)
    assert int(frame.isna().sum().sum()) == 19


def test_ingest_no_rows_for_years(params: Params, tiny_csv: Path, tmp_path: Path) -> None:
    with pytest.raises(
        NoRowsSelected, match=r"no rows for years \[2020\]; the data has years \[2007, 2008, 2009\]"
    ):
        ingest.run(
            replace_section(params, "ingest", years=(2020,)),
            source=tiny_csv,
            output=tmp_path / "o.csv",
            report=tmp_path / "ingest.json",
        )
    assert not (tmp_path / "o.csv").exists()


def test_ingest_missing_columns_names_them(params: Params, tmp_path: Path) -> None:
    source = tmp_path / "mine.csv"
    source.write_text("species,island,year\nAdelie,Dream,2007\n")
    with pytest.raises(MissingColumns) as caught:
        ingest.run(
            params, source=source, output=tmp_path / "o.csv", report=tmp_path / "ingest.json"
        )
    assert caught.value.missing == [
        "bill_length_mm",
        "bill_depth_mm",
        "flipper_length_mm",
        "body_mass_g",
        "sex",
    ]
    assert "mine.csv" in str(caught.value)


def test_ingest_missing_and_empty_files(params: Params, tmp_path: Path) -> None:
    with pytest.raises(FileMissing, match="data file not found"):
        ingest.run(
            params,
            source=tmp_path / "absent.csv",
            output=tmp_path / "o.csv",
            report=tmp_path / "ingest.json",
        )
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataFileEmpty) as caught:
        ingest.run(params, source=empty, output=tmp_path / "o.csv", report=tmp_path / "ingest.json")
    assert "ingest.source in params.yaml" in (caught.value.hint or "")  # the path came from there
    header_only = tmp_path / "header.csv"
    header_only.write_text("species,island\n")
    with pytest.raises(DataFileEmpty):
        ingest.run(
            params, source=header_only, output=tmp_path / "o.csv", report=tmp_path / "ingest.json"
        )


def test_ingest_reads_parquet(params: Params, tiny_csv: Path, tmp_path: Path) -> None:
    source = tmp_path / "tiny.parquet"
    pd.read_csv(tiny_csv).to_parquet(source)
    from_parquet, from_csv = tmp_path / "p.csv", tmp_path / "c.csv"
    ingest.run(params, source=source, output=from_parquet, report=tmp_path / "ingest.json")
    ingest.run(params, source=tiny_csv, output=from_csv, report=tmp_path / "ingest.json")
    assert from_parquet.read_bytes() == from_csv.read_bytes()


def test_failed_ingest_keeps_earlier_output(params: Params, tiny_csv: Path, tmp_path: Path) -> None:
    output = tmp_path / "raw.csv"
    ingest.run(params, source=tiny_csv, output=output, report=tmp_path / "ingest.json")
    before = output.read_bytes()
    with pytest.raises(FileMissing):
        ingest.run(
            params, source=tmp_path / "absent.csv", output=output, report=tmp_path / "ingest.json"
        )
    assert output.read_bytes() == before


def test_split_is_stratified_and_seeded(params: Params, tiny_csv: Path, tmp_path: Path) -> None:
    frame = pd.read_csv(tiny_csv)
    train_rows, test_rows = split.split_frame(frame, target="species", test_size=0.25, seed=1)
    assert len(train_rows) == 9 and len(test_rows) == 3
    assert sorted(test_rows["species"]) == ["Adelie", "Chinstrap", "Gentoo"]
    again = split.split_frame(frame, target="species", test_size=0.25, seed=1)
    assert again[1].equals(test_rows)
    assert frame.equals(pd.read_csv(tiny_csv))  # input not mutated


def test_split_rejects_singleton_class(tmp_path: Path, tiny_csv: Path) -> None:
    frame = pd.read_csv(tiny_csv)
    frame.loc[0, "species"] = "Emperor"
    with pytest.raises(Exception, match=r"Emperor \(1\)"):
        split.split_frame(frame, target="species", test_size=0.25, seed=1)


def test_split_with_fewer_test_rows_than_classes_names_the_key_to_change() -> None:
    """30 rows of 10 classes: a quarter is 8 test rows, too few for a row of each class."""
    frame = pd.DataFrame({"x": range(30), "y": [f"c{i % 10}" for i in range(30)]})
    with pytest.raises(TooFewRows, match="10 classes in 30 rows") as raised:
        split.split_frame(frame, target="y", test_size=0.25, seed=1)
    assert "split.test_size" in str(raised.value.hint) and "0.34" in str(raised.value.hint)
    train, test = split.split_frame(frame, target="y", test_size=0.34, seed=1)
    assert set(test["y"]) == set(train["y"]) == set(frame["y"])


@pytest.mark.parametrize("estimator", ["logistic_regression", "random_forest"])
def test_train_predicts_from_raw_columns(
    params: Params, tiny_csv: Path, tmp_path: Path, estimator: str
) -> None:
    from cli.adapters.model_store import load_model

    chosen = replace_section(params, "train", estimator=estimator)
    model, meta = tmp_path / "m.skops", tmp_path / "m.json"
    train.run(chosen, train_data=tiny_csv, model=model, meta=meta)
    pipeline = load_model(model)
    raw = pd.read_csv(tiny_csv).drop(columns=["species", "year"])  # NaNs and strings, as they come
    assert list(pipeline.predict(raw)) and set(pipeline.predict(raw)) <= {
        "Adelie",
        "Chinstrap",
        "Gentoo",
    }
    assert json.loads(meta.read_text())["estimator"] == estimator


def test_curve_file_names_are_safe() -> None:
    assert evaluate.file_stem("Adelie") == "Adelie"
    assert evaluate.file_stem("a/b c") == "a_b_c"
    assert evaluate.file_stem("../..") == "class"
