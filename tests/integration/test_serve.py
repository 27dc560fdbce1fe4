"""``mlvc serve``: a real uvicorn server on a free loopback port, started and stopped here.

The model is fitted in the test on the tiny penguins fixture and saved with
``cli.api.save_model`` into a temporary work tree beside the repository's data contract.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli import api
from cli.adapters.http_listen import bind, is_loopback
from cli.adapters.http_server import ModelServer, ServeLimits
from cli.app import app
from cli.commands.serve import schema_lines
from cli.core.modeling import build_pipeline
from tests.conftest import PENGUIN_ROW, ROOT, TINY_CSV

NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
CATEGORICAL = ["island", "sex"]
ROW = PENGUIN_ROW
CLASSES = ["Adelie", "Chinstrap", "Gentoo"]
BOUND = 30.0  # seconds any wait in these tests may take before it fails


def fit_model(path: Path, *, estimator: str = "logistic_regression") -> None:
    """Fit a small pipeline on the tiny fixture and save it at ``path`` (atomically)."""
    frame = pd.read_csv(TINY_CSV)
    hyper = (
        {"C": 1.0, "max_iter": 200}
        if estimator == "logistic_regression"
        else {"n_estimators": 3, "max_depth": 2, "min_samples_leaf": 1}
    )
    pipeline = build_pipeline(
        numeric=NUMERIC,
        categorical=CATEGORICAL,
        estimator=estimator,
        hyperparameters=hyper,
        seed=0,
    )
    pipeline.fit(frame[NUMERIC + CATEGORICAL], frame["species"].astype(str))
    api.save_model(pipeline, path)


@pytest.fixture
def worktree(tmp_path: Path) -> Path:
    """A work tree holding the contract, the metadata and a fitted model."""
    (tmp_path / "data").mkdir()
    shutil.copy(ROOT / "data" / "schema.json", tmp_path / "data" / "schema.json")
    (tmp_path / "models").mkdir()
    meta = {
        "estimator": "logistic_regression",
        "target": "species",
        "classes": CLASSES,
        "features": [{"name": n, "dtype": "float64"} for n in NUMERIC]
        + [{"name": n, "dtype": "object"} for n in CATEGORICAL],
    }
    (tmp_path / "models" / "model.meta.json").write_text(json.dumps(meta))
    (tmp_path / "metrics").mkdir()
    (tmp_path / "metrics" / "metrics.json").write_text(json.dumps({"accuracy": 0.9, "n": 3}))
    fit_model(tmp_path / "models" / "model.skops")
    return tmp_path


def call(method: str, url: str, body: Any = None, *, raw: bytes | None = None) -> tuple[int, Any]:
    """(status, parsed JSON or text) of one request; HTTP errors are returned, not raised."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=BOUND) as response:
            status, text = response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode()
    try:
        return status, json.loads(text)
    except json.JSONDecodeError:
        return status, text


def wait_for(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + BOUND
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@contextmanager
def running(server: ModelServer, *, ready: bool = True) -> Iterator[str]:
    """Run ``server`` on a free loopback port in a thread; its base URL; stop it after."""
    thread = threading.Thread(
        target=server.run, kwargs={"host": "127.0.0.1", "port": 0}, daemon=True
    )
    thread.start()
    wait_for(lambda: server.address is not None, "the server to bind")
    assert server.address is not None
    base = f"http://127.0.0.1:{server.address[1]}"
    if ready:
        wait_for(lambda: call("GET", f"{base}/health")[0] == 200, "the model to load")
    try:
        yield base
    finally:
        server.stop()
        thread.join(timeout=BOUND)
        assert not thread.is_alive(), "the server did not stop"


def serve_worktree(worktree: Path, **limits: int) -> ModelServer:
    """The server ``mlvc serve`` runs, on the work tree's model (by its path)."""
    reference = str(worktree / "models" / "model.skops")
    return ModelServer(
        lambda: api.resolve_model(reference, repo=worktree),
        limits=ServeLimits(**limits),
        describe=schema_lines,
    )


def test_predicts_an_object_a_list_and_mlflow_shapes(worktree: Path) -> None:
    with running(serve_worktree(worktree)) as base:
        status, one = call("POST", f"{base}/predict", ROW)
        assert status == 200, one
        assert len(one["predictions"]) == 1 and one["predictions"][0] in CLASSES
        assert set(one["probabilities"][0]) == set(CLASSES)
        assert abs(sum(one["probabilities"][0].values()) - 1) < 1e-9
        assert one["version"] is None and one["model"] == "model"  # a path: no registry version
        # the target may be present (a labelled row) or absent
        status, many = call("POST", f"{base}/predict", [ROW, {**ROW, "species": "Adelie"}])
        assert status == 200 and len(many["predictions"]) == 2, many
        status, records = call("POST", f"{base}/predict", {"dataframe_records": [ROW, ROW]})
        assert status == 200 and records["predictions"] == [one["predictions"][0]] * 2
        split = {"columns": list(ROW), "data": [list(ROW.values())]}
        status, by_split = call("POST", f"{base}/predict", {"dataframe_split": split})
        assert status == 200 and by_split["predictions"] == one["predictions"], by_split


def test_an_invalid_row_is_422_naming_every_column_and_keyword_as_schema_check(
    worktree: Path,
) -> None:
    bad = [ROW, {**ROW, "bill_length_mm": "long", "island": "Atlantis"}]
    with running(serve_worktree(worktree)) as base:
        status, body = call("POST", f"{base}/predict", bad)
        missing_status, missing = call("POST", f"{base}/predict", {"island": "Dream"})
        shape_status, shape = call("POST", f"{base}/predict", [1, 2])
        empty = [call("POST", f"{base}/predict", body) for body in ({}, [{}])]
        json_status, _ = call("POST", f"{base}/predict", raw=b"{not json")
    assert status == 422, body
    failing = {(v["column"], v["keyword"]) for v in body["violations"]}
    assert failing == {("bill_length_mm", "type"), ("island", "enum")}
    assert body["failing_rows"] == 1 and body["rows"] == 2
    # the words of `mlvc schema check` (its text renderer), row numbers in the request
    assert any(
        line.startswith('request::island: enum ["Biscoe", "Dream", "Torgersen"]: 1 row(s) fail')
        and "rows 2;" in line
        for line in body["detail"]
    ), body["detail"]
    assert any(line.startswith("request::bill_length_mm: type") for line in body["detail"])
    assert body["detail"][-1].startswith("INVALID: 1 of 2 rows of request break")
    # every feature the row lacks is named; the target (species) and year are not required
    assert missing_status == 422
    assert set(missing["missing_columns"]) == {*NUMERIC, "sex"}
    for status_of_empty, body_of_empty in empty:  # a row holding no key lacks every feature
        assert status_of_empty == 422, body_of_empty
        assert set(body_of_empty["missing_columns"]) == {*NUMERIC, *CATEGORICAL}
        assert body_of_empty["rows"] == body_of_empty["failing_rows"] == 1
    assert shape_status == 422 and "item 1 is a JSON number" in shape["detail"]
    assert json_status == 400


def test_a_body_or_a_batch_past_the_limits_is_413(worktree: Path) -> None:
    with running(serve_worktree(worktree, max_body_bytes=600, max_rows=2)) as base:
        ok, _ = call("POST", f"{base}/predict", [ROW, ROW])
        rows, rows_body = call("POST", f"{base}/predict", {"dataframe_records": [ROW] * 3})
        big, big_body = call("POST", f"{base}/predict", raw=b" " * 601)
    assert ok == 200
    assert rows == 413 and "3 rows in one request (limit 2)" in rows_body["detail"]
    assert big == 413 and "over 600 bytes" in big_body["detail"]


def test_health_is_503_until_the_model_is_loaded_then_200(worktree: Path) -> None:
    gate = threading.Event()

    def slow_load() -> Any:
        assert gate.wait(BOUND)
        return api.resolve_model(str(worktree / "models" / "model.skops"), repo=worktree)

    server = ModelServer(slow_load)
    with running(server, ready=False) as base:
        before, state = call("GET", f"{base}/health")
        predict_before, _ = call("POST", f"{base}/predict", ROW)
        gate.set()
        wait_for(lambda: call("GET", f"{base}/health")[0] == 200, "the model to load")
        after, ready = call("GET", f"{base}/health")
        model_status, model = call("GET", f"{base}/model")
    assert (before, state) == (503, {"status": "loading"})
    assert predict_before == 503
    assert after == 200 and ready["status"] == "ok"
    assert model_status == 200
    # a .skops path has no release: no recorded metrics (a registry reference has them)
    assert model["name"] == "model" and model["version"] is None and model["metrics"] == {}
    assert model["classes"] == CLASSES and model["features"] == NUMERIC + CATEGORICAL


def test_metrics_are_prometheus_text_with_every_family(worktree: Path) -> None:
    from prometheus_client.parser import text_string_to_metric_families

    with running(serve_worktree(worktree)) as base:
        call("POST", f"{base}/predict", [ROW, ROW, ROW])
        call("POST", f"{base}/predict", {**ROW, "island": "Atlantis", "wings": 2})
        request = urllib.request.urlopen(f"{base}/metrics", timeout=BOUND)
        text = request.read().decode()
        content_type = request.headers["Content-Type"]
    assert content_type.startswith("text/plain")
    families = {f.name: f for f in text_string_to_metric_families(text)}
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in families.values()
        for s in family.samples
    }
    assert samples[("mlvc_serve_requests_total", (("endpoint", "/predict"), ("status", "200")))]
    assert samples[("mlvc_serve_requests_total", (("endpoint", "/predict"), ("status", "422")))]
    assert families["mlvc_serve_request_duration_seconds"].type == "histogram"
    assert samples[("mlvc_serve_rows_predicted_total", ())] == 3
    failures = {
        dict(labels)["column"]: value
        for (name, labels), value in samples.items()
        if name == "mlvc_serve_validation_failures_total"
    }
    # a column the contract does not describe is a key column (as in predict), not a failure
    assert failures == {"island": 1}
    predicted = sum(
        value for (name, _), value in samples.items() if name == "mlvc_serve_predictions_total"
    )
    assert predicted == 3
    info = [labels for (name, labels), _ in samples.items() if name == "mlvc_serve_model_info"]
    assert len(info) == 1 and dict(info[0])["version"] == ""  # a path: no registry version


def test_openapi_request_schema_is_the_data_contract(worktree: Path) -> None:
    with running(serve_worktree(worktree)) as base:
        status, document = call("GET", f"{base}/openapi.json")
        docs, _ = call("GET", f"{base}/docs")
    assert status == 200 and docs == 200
    body = document["paths"]["/predict"]["post"]["requestBody"]
    row = body["content"]["application/json"]["schema"]["anyOf"][0]
    contract = json.loads((worktree / "data" / "schema.json").read_text())
    assert row["properties"] == contract["properties"]
    assert "species" not in row["required"] and "island" in row["required"]


def test_reload_swaps_the_model_with_no_failed_request_under_load(worktree: Path) -> None:
    model = worktree / "models" / "model.skops"
    with running(serve_worktree(worktree)) as base:
        _, before = call("GET", f"{base}/model")
        statuses: list[int] = []

        def client(_: int) -> None:
            for _ in range(50):
                statuses.append(call("POST", f"{base}/predict", [ROW, ROW])[0])

        with ThreadPoolExecutor(4) as pool:
            clients = [pool.submit(client, i) for i in range(4)]
            fit_model(model, estimator="random_forest")  # replaced atomically
            reload_status, reloaded = call("POST", f"{base}/reload")
            for done in clients:
                done.result(timeout=BOUND)
        _, after = call("GET", f"{base}/model")
        model.write_bytes(b"not a model")  # a failed load keeps the old model serving
        failed_status, failed = call("POST", f"{base}/reload")
        still, _ = call("POST", f"{base}/predict", ROW)
        _, kept = call("GET", f"{base}/model")
    assert reload_status == 200 and reloaded["reloaded"] is True, reloaded
    assert statuses == [200] * 200
    assert after["model_md5"] != before["model_md5"]
    assert failed_status == 500 and failed["reloaded"] is False
    assert "not a model" in failed["error"] or "model.skops" in failed["error"], failed
    assert still == 200 and kept["model_md5"] == after["model_md5"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_mlvc_serve_reloads_on_sighup_and_stops_on_sigterm(worktree: Path) -> None:
    port = free_port()
    mlvc = Path(sys.executable).parent / "mlvc"
    command = [str(mlvc), "serve", "--model", "models/model.skops", "--port", str(port)]
    child = subprocess.Popen(
        command, cwd=worktree, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    base = f"http://127.0.0.1:{port}"
    try:

        def healthy() -> bool:
            try:
                return call("GET", f"{base}/health")[0] == 200
            except OSError:
                return False

        wait_for(healthy, "mlvc serve to load the model")
        _, before = call("GET", f"{base}/model")
        fit_model(worktree / "models" / "model.skops", estimator="random_forest")
        child.send_signal(signal.SIGHUP)
        wait_for(
            lambda: call("GET", f"{base}/model")[1]["model_md5"] != before["model_md5"],
            "SIGHUP to swap the model",
        )
        status, _ = call("POST", f"{base}/predict", ROW)
        assert status == 200
        child.send_signal(signal.SIGTERM)
        _, err = child.communicate(timeout=BOUND)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0, err
    assert "Shutting down" in err


def test_a_port_in_use_is_one_line_and_exit_2(worktree: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(worktree)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(
            app, ["serve", "--model", "models/model.skops", "--port", str(port)]
        )
    assert result.exit_code == 2
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output


def test_a_model_that_does_not_load_stops_the_server_with_exit_2(
    worktree: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(worktree)
    (worktree / "models" / "broken.skops").write_bytes(b"not a zip archive")
    result = CliRunner().invoke(app, ["serve", "--model", "models/broken.skops", "--port", "0"])
    assert result.exit_code == 2, result.output
    assert "the model did not load" in result.output and "broken.skops" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("reference", "says"),
    [
        ("models/absent.skops", "models/absent.skops: model file not found"),
        ("penguins-classifier@1.2", "'penguins-classifier@1.2' is not NAME@vX.Y.Z"),
        ("penguins-classifier#", "'penguins-classifier#' is not NAME@vX.Y.Z"),
        ("nomodel@v1.0.0", "not a git repository"),
    ],
)
def test_a_reference_that_names_no_model_is_one_line_before_the_server_starts(
    worktree: Path, monkeypatch: Any, reference: str, says: str
) -> None:
    monkeypatch.chdir(worktree)
    result = CliRunner().invoke(app, ["serve", "--model", reference, "--port", "0"])
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.strip().splitlines()  # no server log: it never started
    assert line.startswith("error: ") and says in line and "; next: " in line


@pytest.mark.parametrize("host", ["no-such-host.invalid", "192.0.2.1"])
def test_a_host_that_is_not_this_machine_names_the_host_option(
    worktree: Path, monkeypatch: Any, host: str
) -> None:
    monkeypatch.chdir(worktree)
    result = CliRunner().invoke(
        app, ["serve", "--model", "models/model.skops", "--host", host, "--port", "0"]
    )
    assert result.exit_code == 2, result.output
    assert f"cannot listen on {host}:0" in result.stderr
    assert "next: give --host an address of this machine" in result.stderr


@pytest.mark.parametrize(
    ("host", "loopback"),
    [("127.0.0.1", True), ("localhost", True), ("::1", True), ("0.0.0.0", False)],
)
def test_only_loopback_hosts_are_quiet(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_mlvc_help_stays_free_of_the_server_libraries() -> None:
    servers = "('fastapi', 'uvicorn', 'prometheus_client', 'starlette')"
    code = (
        "import sys, cli.app; cli.app.build_app(); "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {servers}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=dict(os.environ),
    )
    assert out.stdout.strip() == "[]"


def test_the_listening_socket_is_tcp_so_connections_get_nodelay() -> None:
    # asyncio sets TCP_NODELAY on accepted connections only when the socket's protocol is
    # TCP; a keep-alive client of a socket made without it waits on delayed ACKs per request.
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_a_host_beyond_loopback_gets_one_warning_line() -> None:
    import logging

    from cli.adapters.http_listen import warn_if_exposed

    class Keep(logging.Handler):
        def __init__(self) -> None:
            super().__init__(logging.WARNING)
            self.records: list[logging.LogRecord] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.records.append(record)

    keep = Keep()  # on the logger itself: uvicorn's logging config stops propagation
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(keep)
    try:
        warn_if_exposed("127.0.0.1")
        assert not keep.records
        warn_if_exposed("0.0.0.0")
    finally:
        logger.removeHandler(keep)
    (record,) = keep.records
    assert "listening on 0.0.0.0, not a loopback address" in record.getMessage()


def test_a_backtracking_pattern_on_a_request_value_is_bounded_and_422(worktree: Path) -> None:
    # a request's values are untrusted: '^(a+)+$' on 'aaa…!' backtracks for hours in `re`
    contract_file = worktree / "data" / "schema.json"
    contract = json.loads(contract_file.read_text())
    contract["properties"]["note"] = {"type": "string", "pattern": "^(a+)+$"}
    contract_file.write_text(json.dumps(contract))
    evil = {**ROW, "note": "a" * 34 + "!"}
    with running(serve_worktree(worktree)) as base:
        start = time.monotonic()
        status, body = call("POST", f"{base}/predict", [ROW, evil])
        took = time.monotonic() - start
        ok, good = call("POST", f"{base}/predict", {**ROW, "note": "aaa"})
        health, _ = call("GET", f"{base}/health")
        metrics = urllib.request.urlopen(f"{base}/metrics", timeout=BOUND).read().decode()
    assert status == 422, body
    assert (body["column"], body["keyword"], body["expected"]) == ("note", "pattern", "^(a+)+$")
    assert body["detail"][0].startswith("request: pattern '^(a+)+$' of column 'note' took more")
    assert took < 10, took  # the budget (about a second) and a child process's start
    assert ok == 200 and len(good["predictions"]) == 1, good
    assert health == 200
    counted = 'mlvc_serve_validation_failures_total{column="note",keyword="pattern"} 1.0'
    assert counted in metrics


def test_a_non_finite_request_value_is_422_showing_it_as_text(worktree: Path) -> None:
    template = json.dumps({**ROW, "bill_length_mm": "X"})  # "X": the raw JSON number
    with running(serve_worktree(worktree)) as base:
        answers = [
            call("POST", f"{base}/predict", raw=template.replace('"X"', text).encode())
            for text in ("1e999", "Infinity", "-Infinity", "[1e999]")
        ]
    for (status, body), shown in zip(answers, ["inf", "inf", "-inf", ["inf"]], strict=True):
        assert status == 422, body  # a JSON body, not a 500
        (bill,) = [v for v in body["violations"] if v["column"] == "bill_length_mm"]
        assert bill["values"] == [shown], bill


def test_predict_and_serve_accept_and_refuse_the_same_rows(worktree: Path) -> None:
    """One contract for both: the model's features required, the target and other columns
    optional (``year`` is in the data contract but no feature of this model)."""
    rows = [
        {k: v for k, v in ROW.items() if k != "year"},  # no year: not a feature
        {**ROW, "species": "Adelie"},  # the target present
        {**ROW, "penguin_id": "p3"},  # a column the contract does not describe: a key
        {k: v for k, v in ROW.items() if k != "bill_length_mm"},  # a feature absent
        {**ROW, "island": "Atlantis"},  # a feature out of its enum
        {**ROW, "year": "2007"},  # year present, of the wrong type
    ]
    refused = {4, 5, 6}
    data = worktree / "rows.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    batch = api.predict_table(
        model=str(worktree / "models" / "model.skops"),
        data=data,
        output=worktree / "out.csv",
        rejects=worktree / "rejects.csv",
        repo=worktree,
        log=False,
    )
    assert set(pd.read_csv(worktree / "rejects.csv")["row"]) == refused
    assert batch.scored == len(rows) - len(refused)
    with running(serve_worktree(worktree)) as base:
        statuses = [call("POST", f"{base}/predict", row)[0] for row in rows]
    assert {n for n, status in enumerate(statuses, start=1) if status == 422} == refused
    assert {status for n, status in enumerate(statuses, start=1) if n not in refused} == {200}
