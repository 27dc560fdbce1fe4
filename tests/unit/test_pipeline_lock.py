"""dvc.lock is untrusted: malformed entries never crash the reader."""

from __future__ import annotations

from typing import Any

import pytest

from cli.adapters.pipeline import locked_outputs


@pytest.mark.parametrize(
    "lock",
    [
        None,
        [],
        {"stages": []},
        {"stages": {"train": None}},
        {"stages": {"train": {"outs": {"path": "x"}}}},
        {"stages": {"train": {"outs": [{"md5": "abc"}, "models/model.skops", {"path": 3}]}}},
    ],
)
def test_malformed_locks_record_no_outputs(lock: Any) -> None:
    assert locked_outputs(lock) == {}


def test_well_formed_outputs_are_kept_beside_malformed_ones() -> None:
    lock = {
        "stages": {
            "train": {"outs": [{"path": "models/model.skops", "md5": "abc"}, {"md5": "x"}]},
            "broken": "not a mapping",
        }
    }
    assert locked_outputs(lock) == {("train", "models/model.skops"): "abc"}
