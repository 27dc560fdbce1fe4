"""The prediction log: rotation by size, sampling, excluded columns, switched off, read back."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from cli.adapters.prediction_log import LogSettings, PredictionLog, read_prediction_log
from cli.params import load_params, params_from_dict


def rows(n: int, start: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    inputs = pd.DataFrame(
        {
            "bill_length_mm": [40.0 + i % 7 for i in range(start, start + n)],
            "island": ["Dream"] * n,
            "email": [f"user{i}@example.org" for i in range(start, start + n)],
        }
    )
    outputs = pd.DataFrame(
        {"prediction": ["Adelie"] * n, "proba_Adelie": [0.9] * n, "model_version": "v0.1.0"}
    )
    return inputs, outputs


def parts(root: Path) -> list[Path]:
    return sorted((root / "monitoring").rglob("part-*.parquet"))


def test_rows_are_logged_with_time_model_version_inputs_and_outputs(tmp_path: Path) -> None:
    with PredictionLog(LogSettings(), tmp_path) as log:
        log.append(*rows(3), model="clf", version="v0.1.0")
    frame = read_prediction_log(tmp_path, "clf")
    assert list(frame.columns) == [
        "logged_at",
        "model",
        "model_version",
        "bill_length_mm",
        "island",
        "email",
        "prediction",
        "proba_Adelie",
    ]
    assert len(frame) == 3 and set(frame["model_version"]) == {"v0.1.0"}
    assert frame["logged_at"].str.endswith("+00:00").all()
    (part,) = parts(tmp_path)
    assert part.parent.parent.name == "clf" and len(part.parent.name) == len("2026-01-01")
    assert not list((tmp_path / "monitoring").rglob(".*"))  # no temporary file is left


def test_files_rotate_by_size(tmp_path: Path) -> None:
    limit_mb = 0.01  # about 10 KiB of rows per file
    log = PredictionLog(LogSettings(max_file_mb=limit_mb), tmp_path)
    for start in range(0, 2000, 100):
        log.append(*rows(100, start), model="clf", version="v1")
    log.close()
    files = parts(tmp_path)
    assert len(files) >= 3
    sizes = [pq.read_metadata(f).num_rows for f in files]
    assert sum(sizes) == 2000
    for f in files[:-1]:  # each closed file holds about the limit, never much more
        assert pq.read_table(f).nbytes < 3 * limit_mb * (1 << 20)
    assert read_prediction_log(tmp_path, "clf")["email"].tolist()[-1] == "user1999@example.org"


def test_sampling_is_deterministic_with_a_seed(tmp_path: Path) -> None:
    kept = []
    for run in ("a", "b"):
        with PredictionLog(LogSettings(sample_rate=0.25, seed=7), tmp_path / run) as log:
            log.append(*rows(1000), model="clf", version="v1")
        kept.append(read_prediction_log(tmp_path / run, "clf")["email"].tolist())
    assert kept[0] == kept[1]
    assert 150 < len(kept[0]) < 350


def test_excluded_columns_are_never_written(tmp_path: Path) -> None:
    with PredictionLog(LogSettings(exclude_columns=("email",)), tmp_path) as log:
        log.append(*rows(5), model="clf", version="v1")
    (part,) = parts(tmp_path)
    assert "email" not in pq.read_schema(part).names
    assert b"example.org" not in part.read_bytes()


def test_logging_switched_off_writes_nothing(tmp_path: Path) -> None:
    for settings in (LogSettings(log=False), LogSettings(sample_rate=0.0)):
        with PredictionLog(settings, tmp_path) as log:
            assert log.append(*rows(5), model="clf", version="v1") == 0
    assert not (tmp_path / "monitoring").exists()
    assert read_prediction_log(tmp_path, "clf").empty


def test_reading_back_from_a_day_on(tmp_path: Path) -> None:
    with PredictionLog(LogSettings(), tmp_path) as log:
        log.append(*rows(2), model="clf", version="v1")
    assert len(read_prediction_log(tmp_path, "clf", since="2000-01-01")) == 2
    assert read_prediction_log(tmp_path, "clf", since="2999-01-01").empty


def test_the_monitoring_section_is_validated_and_optional() -> None:
    import copy

    import yaml

    from cli.errors import ParamsInvalid

    params = Path(__file__).resolve().parents[2] / "params.yaml"
    document = yaml.safe_load(params.read_text())
    assert load_params(params).monitoring.sample_rate == 1.0
    partial = copy.deepcopy(document)
    partial["monitoring"] = {"log": False}
    assert params_from_dict(partial).monitoring.log is False
    assert params_from_dict(partial).monitoring.max_file_mb == 64.0
    document.pop("monitoring")
    assert params_from_dict(document).monitoring.log is True
    document["monitoring"] = {"sample_rate": 2}
    with pytest.raises(ParamsInvalid, match="sample_rate"):
        params_from_dict(document)


def test_buffered_rows_reach_disk_after_the_flush_interval(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cli.adapters import prediction_log

    now = [100.0]
    monkeypatch.setattr(prediction_log.time, "monotonic", lambda: now[0])
    log = PredictionLog(LogSettings(), tmp_path)
    log.append(*rows(2), model="clf", version="v1")
    now[0] += prediction_log.FLUSH_SECONDS - 1
    log.append(*rows(2), model="clf", version="v1")
    assert not parts(tmp_path)  # far below the rotation size: buffered
    now[0] += 1
    log.append(*rows(2), model="clf", version="v1")
    assert len(parts(tmp_path)) == 1  # a minute later: written without close()


def test_threads_may_share_one_log(tmp_path: Path) -> None:
    from concurrent.futures import ThreadPoolExecutor

    log = PredictionLog(LogSettings(max_file_mb=0.005), tmp_path)
    with ThreadPoolExecutor(4) as pool:
        list(
            pool.map(lambda i: log.append(*rows(50, i * 50), model="clf", version="v1"), range(40))
        )
    log.close()
    emails = read_prediction_log(tmp_path, "clf")["email"]
    assert len(emails) == 2000 and emails.is_unique
