"""The model ``mlvc serve`` serves, in a slot swapped whole on reload.

Invariant: the model a request uses is read once from ``ModelSlot.current``; a reload
builds the new model off the request path and swaps it in with one assignment, so a
request in flight finishes on the model it started with. A failed load changes nothing.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cli.errors import ToolkitError

if TYPE_CHECKING:
    from cli.results.models import ResolvedModel

LOG = logging.getLogger("uvicorn.error")  # configured by uvicorn: one format for every line


@dataclass(frozen=True)
class Loaded:
    """A model ready to serve: the resolved model and its contract as requests meet it
    (:func:`cli.core.models.prediction_contract`, the one ``mlvc predict`` checks)."""

    model: ResolvedModel
    contract: Mapping[str, Any] | bool


@dataclass(frozen=True)
class ReloadOutcome:
    """What a reload did: the version serving now, the one before, and why a load failed."""

    ok: bool
    version: str | None
    previous: str | None
    error: str | None = None


def _loaded(model: ResolvedModel) -> Loaded:
    from cli.core.models import prediction_contract

    return Loaded(model, prediction_contract(model.schema, model.target, model.features))


class ModelSlot:
    """The model being served: loaded by ``load`` (the reference re-resolved), swapped whole."""

    def __init__(
        self,
        load: Callable[[], ResolvedModel],
        on_swap: Callable[[Loaded | None, Loaded], None] = lambda old, new: None,
    ) -> None:
        self._load = load
        self._on_swap = on_swap
        self._lock = threading.Lock()  # one load at a time; requests never take it
        self.current: Loaded | None = None
        self.error: str | None = None  # why the last load failed, until one succeeds

    def reload(self) -> ReloadOutcome:
        """Load the reference again and swap it in; on failure keep what serves now."""
        with self._lock:
            old = self.current
            previous = old.model.version if old else None
            try:
                new = _loaded(self._load())
            except ToolkitError as exc:
                return self._failed(previous, str(exc))
            except Exception as exc:  # a load must never take the serving model down
                return self._failed(previous, f"unexpected {type(exc).__name__}: {exc}")
            self._on_swap(old, new)
            self.current = new  # the swap: one reference assignment
            self.error = None
            LOG.info(
                "serving %s %s (md5 %s)", new.model.name, new.model.version, new.model.model_md5
            )
            return ReloadOutcome(True, new.model.version, previous)

    def _failed(self, previous: str | None, error: str) -> ReloadOutcome:
        self.error = error
        keeps = f"; still serving {previous}" if previous else ""
        LOG.error("model load failed: %s%s", error, keeps)
        return ReloadOutcome(False, previous, previous, error)
