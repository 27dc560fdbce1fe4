"""The Prometheus metrics of ``mlvc serve``, in a registry per server, and the ASGI
middleware (:class:`Measured`) that counts and times every request.

Never prometheus-client's global registry, so two servers in one process count apart.
Label values come from the contract's columns and the model's classes (anything else is
counted as ``(unexpected)``): a request cannot create labels without bound.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from cli.adapters.model_slot import Loaded
    from cli.core.serving import RowsChecked
    from cli.results.models import ResolvedModel

UNEXPECTED = "(unexpected)"
# Endpoints counted by name; any other path is counted as "other" (bounded labels).
ENDPOINTS = ("/predict", "/health", "/model", "/metrics", "/reload", "/openapi.json", "/docs")


class Metrics:
    """The server's Prometheus metrics, in a registry of its own."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

        self.registry: CollectorRegistry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Counter(
            "mlvc_serve_requests", "HTTP requests by endpoint and status.",
            ["endpoint", "status"], registry=r,
        )  # fmt: skip
        self.latency = Histogram(
            "mlvc_serve_request_duration_seconds", "Time to answer a request, by endpoint.",
            ["endpoint"], registry=r,
        )  # fmt: skip
        self.rows = Counter("mlvc_serve_rows_predicted", "Rows scored by /predict.", registry=r)
        self.invalid = Counter(
            "mlvc_serve_validation_failures",
            "Rows refused by the data contract, by column and keyword.",
            ["column", "keyword"], registry=r,
        )  # fmt: skip
        self.classes = Counter(
            "mlvc_serve_predictions", "Predictions by predicted class (classifiers).",
            ["class"], registry=r,
        )  # fmt: skip
        self.values = Histogram(
            "mlvc_serve_predicted_value", "Predicted values (regression models).", registry=r
        )
        self.model = Gauge(
            "mlvc_serve_model_info", "The model version being served (value 1).",
            ["name", "version", "stage", "commit", "md5"], registry=r,
        )  # fmt: skip
        self.reloads = Counter(
            "mlvc_serve_reloads", "Model loads by outcome.", ["outcome"], registry=r
        )

    def swapped(self, old: Loaded | None, new: Loaded) -> None:
        """The version gauge follows the swap: the old version's series is removed."""
        if old is not None:
            self.model.remove(*self._labels(old.model))
        self.model.labels(*self._labels(new.model)).set(1)

    @staticmethod
    def _labels(model: ResolvedModel) -> list[str]:
        return [
            model.name,
            model.version or "",
            model.stage or "",
            model.commit or "",
            model.model_md5,
        ]

    def refused(self, checked: RowsChecked, contract: Mapping[str, Any] | bool) -> None:
        known = set(contract.get("properties") or {}) if isinstance(contract, Mapping) else set()
        known.add("(row)")
        for v in checked.violations:
            column = v.column if v.column in known else UNEXPECTED
            self.invalid.labels(column, v.keyword).inc(v.count)

    def too_slow(self, column: str, contract: Mapping[str, Any] | bool) -> None:
        """A request refused because a pattern outlived its budget on ``column``."""
        known = set(contract.get("properties") or {}) if isinstance(contract, Mapping) else set()
        self.invalid.labels(column if column in known | {"(row)"} else UNEXPECTED, "pattern").inc()

    def scored(self, predictions: Sequence[Any], classes: Sequence[str]) -> None:
        self.rows.inc(len(predictions))
        if classes:
            from collections import Counter

            known = set(classes)
            for text, count in Counter(str(label) for label in predictions).items():
                self.classes.labels(text if text in known else UNEXPECTED).inc(count)
        else:
            for value in predictions:
                if isinstance(value, int | float):
                    self.values.observe(float(value))


class Measured:
    """ASGI middleware: every HTTP request counted by endpoint and status, and timed.

    Plain ASGI (not Starlette's BaseHTTPMiddleware): the response passes through as the
    app sends it, untouched.
    """

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        path = scope.get("path", "")
        endpoint = path if path in ENDPOINTS else "other"
        status = [500]  # unless the app starts a response

        async def sending(message: Any) -> None:
            if message["type"] == "http.response.start":
                status[0] = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            self.metrics.requests.labels(endpoint, str(status[0])).inc()
            self.metrics.latency.labels(endpoint).observe(time.perf_counter() - start)
