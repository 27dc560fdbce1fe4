"""The pattern worker: re.search's verdict in a child process, killed past its budget."""

from __future__ import annotations

import re
import time

import pytest

from cli.adapters.pattern_worker import PatternWorker

TEXTS = ["abc", "", "x1", "ABC", "é", "a\nb", "1b"]


@pytest.mark.parametrize("pattern", ["^a", "b$", "[0-9]", "(?i)abc", "^$", "é", "^a$"])
def test_same_verdict_as_re_search(pattern: str) -> None:
    with PatternWorker() as worker:
        failing = worker.failing(pattern, TEXTS)
    assert failing == [i for i, text in enumerate(TEXTS) if re.search(pattern, text) is None]


def test_past_its_budget_the_child_is_killed_and_the_next_batch_runs() -> None:
    with PatternWorker(base_seconds=0.3) as worker:
        start = time.monotonic()
        with pytest.raises(TimeoutError) as caught:
            worker.failing("^(a+)+$", ["a" * 40 + "!"])
        assert time.monotonic() - start < 5 and caught.value.args[0] == pytest.approx(0.3, abs=0.01)
        assert worker.running == 0  # the stuck child is gone
        assert worker.failing("^a+$", ["aa", "b"]) == [1]


def test_closed_worker_ends_its_child_and_refuses_work() -> None:
    worker = PatternWorker()
    assert worker.running == 0  # started on first use only
    worker.failing("a", ["a"])
    assert worker.running == 1
    worker.close()
    assert worker.running == 0
    with pytest.raises(RuntimeError, match="closed"):
        worker.failing("a", ["a"])


def test_a_large_batch_split_over_children_keeps_the_order() -> None:
    texts = [f"x{i}" if i % 7 else f"y{i}" for i in range(3 * 65_536 + 5)]
    with PatternWorker() as worker:
        worker.parallel = 3
        failing = worker.failing("^x", texts)
        assert worker.running == 3
    assert failing == [i for i in range(len(texts)) if i % 7 == 0]
