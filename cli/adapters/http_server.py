"""The HTTP server of ``mlvc serve``: a FastAPI app over one swappable model, run by uvicorn.

IO only: requests in, responses out; what a request means (its rows, their check against
the data contract, the predictions' shape) is pure, in :mod:`cli.core.serving`. The app's
routes and its life cycle are here; the bodies ``/predict`` reads and answers with are in
:mod:`cli.adapters.http_bodies`, the counting of requests in :mod:`cli.adapters.serve_metrics`.

Invariants:

- The model a request uses is read once, from one attribute (``ModelSlot.current``), at
  the start of the request; a reload builds the new model off the request path and
  swaps it in with one assignment, so a request in flight finishes on the model it
  started with and no request sees a half-loaded one.
- A failed load changes nothing: the model that served before serves on.
- Metrics live in a registry per app (never prometheus-client's global one), so two
  apps in one process count apart; label values come from the contract's columns and
  the model's classes (a column the contract does not know is counted as
  ``(unexpected)``): a request cannot create labels without bound.
- Nothing is unpickled: models load through the model store's trusted-types check.
- A request's values are untrusted: the contract's ``pattern`` keywords run in the
  time-bounded child process of :mod:`cli.adapters.pattern_worker`, never with ``re`` in
  this process, so no value can hold a worker (past the budget: 422 naming the column).
- Every row scored is offered to the prediction log (which samples, drops the excluded
  columns, or is off, as ``params.yaml`` says); the log is flushed when the app stops.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

# Loaded only by `mlvc serve` (cli.api.serve imports this module inside its functions), so
# the server's libraries load at the top: FastAPI reads the endpoints' annotations at run time.
from fastapi import FastAPI, Request
from starlette.responses import Response

from cli.adapters.http_bodies import (
    BodyTooLarge,
    error_response,
    pattern_body,
    plain_lines,
    read_body,
    request_report,
)
from cli.adapters.http_listen import bind, uvicorn_server, warn_if_exposed
from cli.adapters.model_slot import LOG, Loaded, ModelSlot, ReloadOutcome
from cli.adapters.pattern_worker import PatternWorker
from cli.adapters.serve_metrics import Measured, Metrics

if TYPE_CHECKING:
    from cli.adapters.prediction_log import PredictionLog
    from cli.core.serving import Scored
    from cli.results.models import ResolvedModel
    from cli.results.schema import SchemaReport


DEFAULT_MAX_BODY_BYTES = 10 << 20
"""Largest request body ``/predict`` reads (bytes); past it, 413."""
DEFAULT_MAX_ROWS = 10_000
"""Most rows one ``/predict`` request may hold; past it, 413."""
SCORING_THREADS = 1
"""Threads that check and score large requests at once (the others queue for a thread)."""
INLINE_ROWS = 200
"""A request of at most this many rows, on a contract without patterns, is checked and
scored on the event loop itself (no thread hand-off); larger ones go to a scoring thread,
so the loop (``/health``, ``/metrics``) is never held for long."""


@dataclass(frozen=True)
class ServeLimits:
    """Request limits of ``/predict``: a larger body or more rows is refused with 413."""

    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES
    max_rows: int = DEFAULT_MAX_ROWS


class ModelServer:
    """The app, its model slot and metrics; :meth:`run` serves it with uvicorn."""

    def __init__(
        self,
        load: Callable[[], ResolvedModel],
        *,
        limits: ServeLimits | None = None,
        describe: Callable[[SchemaReport], list[str]] | None = None,
        log: PredictionLog | None = None,
    ) -> None:
        self.limits = limits or ServeLimits()
        self.log = log  # the prediction log (None: nothing logged)
        self.patterns = PatternWorker()  # the contract's patterns, time-bounded
        # Large requests are checked and scored on SCORING_THREADS threads at most: the work
        # holds the GIL, and more threads only take turns at it (each one's latency grows).
        self._scoring: Any = None  # an anyio CapacityLimiter, made in the app's event loop
        # per model: whether its contract has no pattern, and jsonschema's is_valid if so
        self._screen: tuple[Loaded | None, Callable[[Any], bool] | None] = (None, None)
        self.metrics = Metrics()
        self.slot = ModelSlot(load, self.metrics.swapped)
        self.describe = describe or plain_lines
        self.failure: str | None = None  # why the first load failed (the server then stops)
        self.address: tuple[str, int] | None = None  # where it listens, once bound
        self._server: Any = None  # the uvicorn server while running
        self.app = self._build_app()

    # -- loading -----------------------------------------------------------

    def reload(self) -> ReloadOutcome:
        """Re-resolve the reference and swap the model in (see :class:`ModelSlot`)."""
        outcome = self.slot.reload()
        self.metrics.reloads.labels("ok" if outcome.ok else "failed").inc()
        return outcome

    def reload_in_background(self) -> None:
        """Start a reload on a thread of its own (a signal handler must not wait for it)."""
        threading.Thread(target=self.reload, name="mlvc-reload", daemon=True).start()

    def _first_load(self) -> None:
        outcome = self.reload()
        if not outcome.ok:
            self.failure = outcome.error
            self.stop()

    def stop(self) -> None:
        """Stop the running server after the requests in flight; asked again, at once.

        Safe from any thread and from a signal handler (it only sets flags).
        """
        if self._server is None:
            return
        if self._server.should_exit:
            self._server.force_exit = True
        self._server.should_exit = True

    # -- the app -----------------------------------------------------------

    def _build_app(self) -> FastAPI:
        from contextlib import asynccontextmanager

        from fastapi import FastAPI

        @asynccontextmanager
        async def lifespan(_app: FastAPI) -> Any:
            # Listening starts before the model is loaded: /health says 503 until it is.
            import anyio

            self._scoring = anyio.CapacityLimiter(SCORING_THREADS)
            threading.Thread(target=self._first_load, name="mlvc-load", daemon=True).start()
            try:
                yield
            finally:  # the requests in flight have finished: flush what they logged
                self.patterns.close()
                if self.log is not None:
                    self.log.close()

        app = FastAPI(
            title="mlvc serve",
            description="Predictions from a versioned model; every row is checked against "
            "the model's data contract.",
            lifespan=lifespan,
        )
        app.add_middleware(Measured, metrics=self.metrics)
        app.add_api_route(
            "/predict",
            self._predict,
            methods=["POST"],
            summary="Predict from rows checked against the data contract",
            openapi_extra={"requestBody": {"required": True, "content": {}}},
        )
        app.add_api_route("/health", self._health, methods=["GET"], summary="Liveness, readiness")
        app.add_api_route("/model", self._model, methods=["GET"], summary="The model served")
        app.add_api_route("/metrics", self._metrics, methods=["GET"], summary="Prometheus metrics")
        app.add_api_route("/reload", self._reload, methods=["POST"], summary="Re-resolve, swap")
        # FastAPI documents replacing app.openapi to customise the document; mypy reads the
        # assignment to a method as an error.
        app.openapi = lambda: self._openapi(app)  # type: ignore[method-assign]
        return app

    def _openapi(self, app: FastAPI) -> dict[str, Any]:
        """The OpenAPI document; its /predict request schema is the contract now served."""
        from fastapi.openapi.utils import get_openapi

        from cli.core.serving import request_schema

        document = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes
        )
        loaded = self.slot.current
        schema = request_schema(loaded.contract if loaded else True)
        body = document["paths"]["/predict"]["post"]["requestBody"]
        body["content"] = {"application/json": {"schema": schema}}
        return document

    async def _predict(self, request: Request) -> Response:
        import anyio
        from fastapi.responses import JSONResponse

        from cli.core.documents import ParseLimitExceeded, load_json
        from cli.core.serving import RequestShapeInvalid, request_rows

        loaded = self.slot.current  # read once: this request finishes on this model
        if loaded is None:
            return error_response(503, "the model is not loaded yet; retry when /health says ok")
        try:
            body = await read_body(request, self.limits.max_body_bytes)
        except BodyTooLarge:
            return error_response(413, f"request body over {self.limits.max_body_bytes} bytes")
        try:
            rows = request_rows(load_json(body.decode("utf-8")))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            return error_response(400, f"the request body is not JSON text: {exc}")
        except ParseLimitExceeded as exc:
            return error_response(400, f"the request body: {exc.detail}")
        except RequestShapeInvalid as exc:
            return error_response(422, exc.detail)
        if len(rows) > self.limits.max_rows:
            limit = self.limits.max_rows
            return error_response(413, f"{len(rows)} rows in one request (limit {limit})")
        if len(rows) <= INLINE_ROWS and self._quick(loaded) is not None:
            status, payload = self._score(loaded, rows)
        else:
            status, payload = await anyio.to_thread.run_sync(
                self._score, loaded, rows, limiter=self._scoring
            )
        return JSONResponse(payload, status_code=status)

    def _quick(self, loaded: Loaded) -> Callable[[Any], bool] | None:
        """jsonschema's ``is_valid`` for ``loaded``'s contract, or None when the contract has
        a pattern (a pattern waits on the pattern worker, off the event loop)."""
        from cli.core.serving import quick_validator

        model, quick = self._screen
        if model is not loaded:
            quick = quick_validator(loaded.contract)
            self._screen = (loaded, quick)
        return quick

    def _score(self, loaded: Loaded, rows: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
        from cli.core.schema.checker import PatternTimedOut
        from cli.core.serving import check_rows, prediction_body, score_rows, violation_body

        model = loaded.model
        try:
            checked = check_rows(
                loaded.contract, rows, search=self.patterns.failing, quick=self._quick(loaded)
            )
        except PatternTimedOut as exc:
            self.metrics.too_slow(exc.column, loaded.contract)
            return 422, pattern_body(exc)
        if not checked.ok:
            self.metrics.refused(checked, loaded.contract)
            name = f"the data contract of {model.label}"
            lines = self.describe(request_report(checked, name))
            return 422, violation_body(checked, lines)
        scored = score_rows(model.pipeline, rows, model.features, model.classes)
        self.metrics.scored(scored.predictions, model.classes)
        if self.log is not None:
            self._log(model, rows, scored)
        return 200, prediction_body(scored, model=model.name, version=model.version)

    def _log(self, model: ResolvedModel, rows: list[dict[str, Any]], scored: Scored) -> None:
        """Append the scored rows to the prediction log; a failure there never fails a request."""
        from cli.core.models import probability_columns

        outputs: dict[str, list[Any]] = {"prediction": scored.predictions}
        if scored.probabilities is not None:
            labels = list(scored.probabilities[0])
            for column, label in zip(probability_columns(labels), labels, strict=True):
                outputs[column] = [p[label] for p in scored.probabilities]
        version = model.version or f"file:{model.model_md5[:12]}"  # as mlvc predict logs it
        try:
            assert self.log is not None
            self.log.append_records(rows, outputs, model=model.name, version=version)
        except Exception as exc:  # the log is a side channel: the answer stands without it
            LOG.error("prediction log: %s: %s", type(exc).__name__, exc)

    async def _health(self) -> Response:
        from fastapi.responses import JSONResponse

        loaded = self.slot.current
        if loaded is None:
            state = {"status": "failed", "error": self.failure} if self.failure else {}
            return JSONResponse(state or {"status": "loading"}, status_code=503)
        model = loaded.model
        return JSONResponse({"status": "ok", "model": model.name, "version": model.version})

    async def _model(self) -> Response:
        from fastapi.responses import JSONResponse

        loaded = self.slot.current
        if loaded is None:
            return error_response(503, "the model is not loaded yet")
        m = loaded.model
        return JSONResponse(
            {
                "name": m.name,
                "version": m.version,
                "stage": m.stage,
                "commit": m.commit,
                "trained_at": m.trained_at,
                "task": m.task,
                "target": m.target,
                "features": list(m.features),
                "classes": list(m.classes),
                "metrics": m.metrics,
                "model_md5": m.model_md5,
            }
        )

    async def _metrics(self) -> Response:
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
        from starlette.responses import Response

        return Response(generate_latest(self.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    async def _reload(self) -> Response:
        from fastapi.responses import JSONResponse
        from starlette.concurrency import run_in_threadpool

        outcome = await run_in_threadpool(self.reload)
        body = {"reloaded": outcome.ok, "version": outcome.version, "previous": outcome.previous}
        if not outcome.ok:
            body["error"] = outcome.error
        return JSONResponse(body, status_code=200 if outcome.ok else 500)

    # -- running -----------------------------------------------------------

    def run(self, *, host: str, port: int, graceful_seconds: int = 10) -> None:
        """Serve on ``host:port`` until :meth:`stop` (the requests in flight finish first).

        Raises ServeAddressUnavailable when the address cannot be bound, and
        ModelNotServable when the first load fails (the server stops then).
        """
        import uvicorn

        from cli.errors import ModelNotServable

        sock = bind(host, port)
        config = uvicorn.Config(
            self.app, log_level="info", timeout_graceful_shutdown=graceful_seconds
        )
        self.address = sock.getsockname()[:2]
        self._server = uvicorn_server()(config)
        warn_if_exposed(host)
        try:
            self._server.run(sockets=[sock])
        finally:
            sock.close()
        if self.failure is not None:
            raise ModelNotServable(self.failure)
