"""The Prometheus metrics of ``mlvc serve``, in a registry per server.

Never prometheus-client's global registry, so two servers in one process count apart.
Label values come from the contract's columns and the model's classes (anything else is
counted as ``(unexpected)``): a request cannot create labels without bound.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prometheus_client import CollectorRegistry

    from cli.adapters.model_slot import Loaded
    from cli.core.serving import RowsChecked
    from cli.results.models import ResolvedModel

UNEXPECTED = "(unexpected)"


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
