"""skops archives: byte-identical across saves, and refused when they hold untrusted types."""

from __future__ import annotations

import math
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import FunctionTransformer

from cli.adapters.model_store import load_model, save_model
from cli.errors import FileMissing, UntrustedModel


def fitted_model() -> LogisticRegression:
    x = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.7], [0.9, 0.1]])
    return LogisticRegression(random_state=0).fit(x, ["a", "b", "a", "b"])


def test_two_saves_are_byte_identical(tmp_path: Path) -> None:
    model = fitted_model()
    save_model(model, tmp_path / "one.skops")
    save_model(model, tmp_path / "two.skops")
    assert (tmp_path / "one.skops").read_bytes() == (tmp_path / "two.skops").read_bytes()


def test_saves_in_separate_processes_are_byte_identical(tmp_path: Path) -> None:
    script = (
        "import sys, numpy as np\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "from cli.adapters.model_store import save_model\n"
        "x = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.7], [0.9, 0.1]])\n"
        "model = LogisticRegression(random_state=0).fit(x, ['a', 'b', 'a', 'b'])\n"
        "save_model(model, __import__('pathlib').Path(sys.argv[1]))\n"
    )
    for name in ("p1.skops", "p2.skops"):
        subprocess.run([sys.executable, "-c", script, str(tmp_path / name)], check=True)
    assert (tmp_path / "p1.skops").read_bytes() == (tmp_path / "p2.skops").read_bytes()


def test_archive_has_fixed_timestamps_and_round_trips(tmp_path: Path) -> None:
    model = fitted_model()
    path = tmp_path / "m.skops"
    save_model(model, path)
    with zipfile.ZipFile(path) as archive:
        assert {info.date_time for info in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
    loaded = load_model(path)
    x = np.array([[0.2, 0.8], [0.8, 0.3]])
    assert np.array_equal(loaded.predict_proba(x), model.predict_proba(x))


def test_untrusted_types_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.skops"
    save_model(FunctionTransformer(func=math.sqrt), path)
    with pytest.raises(UntrustedModel, match=r"untrusted types: math\.sqrt"):
        load_model(path)


def test_missing_model(tmp_path: Path) -> None:
    with pytest.raises(FileMissing, match="run 'dvc repro'"):
        load_model(tmp_path / "absent.skops")
