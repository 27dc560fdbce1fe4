"""``mlvc serve --model NAME#prod`` on released versions: reload after ``mlvc promote``.

The project of ``test_predict_registry`` (``released_project``), with v0.0.1 in prod and
v0.0.2 released, is copied per test;
a real uvicorn server runs on a free loopback port, started and stopped here. Every wait is
bounded.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from cli import api
from cli.adapters.prediction_log import read_prediction_log
from tests.integration.test_predict_registry import NAME, released_project
from tests.integration.test_serve import BOUND, ROW, call, free_port, wait_for
from tests.isolation import isolated_git_environment
from tests.registry_repo import copy_repo

PROD = f"{NAME}#prod"
THREADS, REQUESTS = 4, 50  # the bounded load during the swap


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The project with v0.0.1 (seed 0, in prod) and v0.0.2 (seed 1, released)."""
    with isolated_git_environment(tmp_path_factory.mktemp("home")):
        yield released_project(tmp_path_factory.mktemp("template") / "repo")


def promote_to_prod(repo: Path, version: str) -> None:
    """``mlvc promote`` through every stage (prod's gate asks for staging first)."""
    for stage in ("dev", "staging", "prod"):
        promotion = api.promote(model=NAME, version=version, stage=stage, repo=repo)
        assert promotion.created, promotion


@pytest.fixture
def repo(template: Path, tmp_path: Path) -> Path:
    return copy_repo(template, tmp_path)


@contextmanager
def serving(repo: Path) -> Iterator[str]:
    """``api.serve_model`` on ``NAME#prod`` in a thread, as ``mlvc serve`` runs it; its URL."""
    port = free_port()
    stops: list[Callable[[], None]] = []

    @contextmanager
    def signals(*, stop: Callable[[], None], reload: Callable[[], None]) -> Iterator[None]:
        stops.append(stop)
        yield

    thread = threading.Thread(
        target=api.serve_model,
        kwargs={
            "reference": PROD,
            "host": "127.0.0.1",
            "port": port,
            "repo": repo,
            "signals": signals,
        },
        daemon=True,
    )
    thread.start()
    base = f"http://127.0.0.1:{port}"
    wait_for(lambda: _healthy(base), "the prod version to load")
    try:
        yield base
    finally:
        stops[0]()
        thread.join(timeout=BOUND)
        assert not thread.is_alive(), "the server did not stop"


def _healthy(base: str) -> bool:
    try:
        return call("GET", f"{base}/health")[0] == 200
    except OSError:
        return False


def test_reload_after_promote_serves_the_new_prod_version_with_no_failed_request(
    repo: Path,
) -> None:
    answers: list[list[tuple[int, Any]]] = [[] for _ in range(THREADS)]
    with serving(repo) as base:
        _, before = call("GET", f"{base}/model")

        def client(number: int) -> None:
            for _ in range(REQUESTS):
                status, body = call("POST", f"{base}/predict", [ROW, ROW])
                answers[number].append((status, body.get("version") if status == 200 else body))

        with ThreadPoolExecutor(THREADS) as pool:
            clients = [pool.submit(client, i) for i in range(THREADS)]
            promote_to_prod(repo, "v0.0.2")
            reload_status, reloaded = call("POST", f"{base}/reload")
            after_status, after_reload = call("POST", f"{base}/predict", ROW)
            for done in clients:
                done.result(timeout=BOUND)
        _, after = call("GET", f"{base}/model")
    assert (before["version"], before["stage"]) == ("v0.0.1", "prod")
    assert reload_status == 200, reloaded
    assert (reloaded["reloaded"], reloaded["version"], reloaded["previous"]) == (
        True,
        "v0.0.2",
        "v0.0.1",
    )
    assert after_status == 200 and after_reload["version"] == "v0.0.2"
    assert (after["version"], after["stage"]) == ("v0.0.2", "prod")
    assert after["model_md5"] != before["model_md5"]
    for answered in answers:
        assert [status for status, _ in answered] == [200] * REQUESTS, answered
        versions = [version for _, version in answered]
        # each client sees v0.0.1 then, once swapped, v0.0.2 only
        assert versions == sorted(versions) and set(versions) <= {"v0.0.1", "v0.0.2"}
    # every row served was appended to the prediction log (flushed when the server stopped)
    logged = read_prediction_log(repo, NAME)
    assert len(logged) == THREADS * REQUESTS * 2 + 1
    assert set(logged["model_version"]) == {"v0.0.1", "v0.0.2"}
    assert (logged["island"] == ROW["island"]).all() and "prediction" in logged.columns


def test_sighup_reresolves_the_stage_after_promote(repo: Path) -> None:
    port = free_port()
    mlvc = Path(sys.executable).parent / "mlvc"
    command = [str(mlvc), "serve", "--model", PROD, "--port", str(port)]
    child = subprocess.Popen(
        command, cwd=repo, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _healthy(base), "mlvc serve to load the prod version")
        assert call("GET", f"{base}/model")[1]["version"] == "v0.0.1"
        promote_to_prod(repo, "v0.0.2")
        child.send_signal(signal.SIGHUP)
        wait_for(
            lambda: call("GET", f"{base}/model")[1]["version"] == "v0.0.2",
            "SIGHUP to load the promoted version",
        )
        status, body = call("POST", f"{base}/predict", ROW)
        assert status == 200 and body["version"] == "v0.0.2", body
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=BOUND)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0, err
    assert "v0.0.2" in err  # the swap is logged with the version now served
    assert set(read_prediction_log(repo, NAME)["model_version"]) == {"v0.0.2"}


@pytest.mark.parametrize("off", ["log: false", "sample_rate: 0.0"])
def test_serve_logs_nothing_when_the_log_is_switched_off(repo: Path, off: str) -> None:
    params = repo / "params.yaml"
    key = off.split(":")[0]
    text = params.read_text()
    lines = [
        f"  {off}" if line.strip().startswith(f"{key}:") else line for line in text.splitlines()
    ]
    params.write_text("\n".join(lines) + "\n")
    with serving(repo) as base:
        assert call("POST", f"{base}/predict", [ROW, ROW])[0] == 200
    assert read_prediction_log(repo, NAME).empty
