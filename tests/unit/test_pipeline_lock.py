"""dvc.lock is untrusted: malformed entries never crash the one reader of its outputs."""

from __future__ import annotations

from typing import Any

import pytest

from cli.core.lock import LockedOutput, locked_outputs, outputs_by_path

MALFORMED = [
    None,
    [],
    {"stages": []},
    {"stages": [1]},
    {"stages": "x"},
    {"stages": {"train": None}},
    {"stages": {"train": [1]}},
    {"stages": {"train": "x"}},
    {"stages": {"train": {"outs": {"path": "x"}}}},
    {"stages": {"train": {"outs": "x"}}},
    {"stages": {"train": {"outs": [{"md5": "abc"}, "models/model.skops", {"path": 3}, [1]]}}},
]


@pytest.mark.parametrize("lock", MALFORMED)
def test_malformed_locks_record_no_outputs(lock: Any) -> None:
    assert locked_outputs(lock) == {}
    assert outputs_by_path(lock) == {}


def test_well_formed_outputs_are_kept_beside_malformed_ones() -> None:
    lock = {
        "stages": {
            "train": {"outs": [{"path": "models/model.skops", "md5": "abc"}, {"md5": "x"}]},
            "prepare": {"outs": [{"path": "data/d", "md5": "d.dir", "nfiles": 2, "size": 9}]},
            "broken": "not a mapping",
            "listed": [1],
        }
    }
    model = LockedOutput(path="models/model.skops", stage="train", md5="abc")
    folder = LockedOutput(path="data/d", stage="prepare", md5="d.dir", nfiles=2)
    assert locked_outputs(lock) == {("train", model.path): model, ("prepare", "data/d"): folder}
    assert outputs_by_path(lock) == {model.path: model, "data/d": folder}


@pytest.mark.parametrize("md5, nfiles", [(None, "2"), (3, True), ([], 2.5)])
def test_fields_of_the_wrong_type_are_left_empty(md5: Any, nfiles: Any) -> None:
    lock = {"stages": {"s": {"outs": [{"path": "p", "md5": md5, "nfiles": nfiles}]}}}
    assert outputs_by_path(lock) == {"p": LockedOutput(path="p", stage="s", md5="")}


@pytest.mark.parametrize(
    "lock",
    [None, {"stages": [1]}, {"stages": {"evaluate": "x"}}, {"stages": {"evaluate": {"deps": 3}}}],
)
def test_malformed_locks_record_no_deps(lock: Any) -> None:
    from cli.core.lock import locked_deps

    assert locked_deps(lock) == {}


def test_well_formed_deps_are_kept_beside_malformed_ones() -> None:
    from cli.core.lock import locked_deps

    lock = {"stages": {"evaluate": {"deps": [{"path": "models/model.skops", "md5": "m"}, 7]}}}
    assert locked_deps(lock) == {("evaluate", "models/model.skops"): "m"}
