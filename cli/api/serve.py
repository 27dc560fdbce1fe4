"""``serve_model`` and ``serving_app``: the Python API of ``mlvc serve``.

``serve_model`` runs the server until it is stopped; ``serving_app`` builds the same ASGI
app without running it (for ``--workers``, where uvicorn builds one per process, or to
mount it in a server of one's own). Process state comes in as an argument: the caller
passes ``signals`` (the CLI's ``serving_signals``), so a library caller keeps its own.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cli.adapters.http_server import ModelServer
    from cli.results.models import ServeStopped
    from cli.results.schema import SchemaReport

Describe = Callable[["SchemaReport"], list[str]]
Signals = Callable[..., AbstractContextManager[None]]


def _server(
    reference: str,
    repo: Path | None,
    max_body_bytes: int | None,
    max_rows: int | None,
    describe: Describe | None,
) -> ModelServer:
    from cli.adapters.http_server import (
        DEFAULT_MAX_BODY_BYTES,
        DEFAULT_MAX_ROWS,
        ModelServer,
        ServeLimits,
    )
    from cli.adapters.prediction_log import open_prediction_log
    from cli.api.models import resolve_model

    root = repo if repo is not None else Path()
    limits = ServeLimits(
        max_body_bytes=max_body_bytes or DEFAULT_MAX_BODY_BYTES,
        max_rows=max_rows or DEFAULT_MAX_ROWS,
    )
    # The reference is resolved again on every load: a stage reference (NAME#prod) follows
    # the registry, so a reload after `mlvc promote` serves the version promoted.
    return ModelServer(
        lambda: resolve_model(reference, repo=root),
        limits=limits,
        describe=describe,
        log=open_prediction_log(root),
    )


def serving_app(
    *,
    reference: str,
    repo: Path | None = None,
    max_body_bytes: int | None = None,
    max_rows: int | None = None,
    describe: Describe | None = None,
) -> Any:
    """The ASGI app that serves the model ``reference`` names (loaded when the app starts).

    ``describe`` words a refused request's :class:`~cli.results.schema.SchemaReport`
    (the CLI passes the ``schema check`` text renderer).
    """
    return _server(reference, repo, max_body_bytes, max_rows, describe).app


def serve_model(
    *,
    reference: str,
    host: str,
    port: int,
    repo: Path | None = None,
    workers: int = 1,
    max_body_bytes: int | None = None,
    max_rows: int | None = None,
    describe: Describe | None = None,
    signals: Signals | None = None,
    worker_factory: str | None = None,
) -> ServeStopped:
    """Serve the model ``reference`` names on ``host:port`` until stopped.

    One process: the model loads after the server listens (``/health`` is 503 until
    then); ``signals(stop=..., reload=...)`` wraps the run (stop after the requests in
    flight; reload re-resolves ``reference`` and swaps the model in). Several workers:
    ``worker_factory`` (``module:function``, building :func:`serving_app` in each
    process) is run by uvicorn's supervisor, which restarts the workers on SIGHUP.
    """
    from contextlib import nullcontext

    from cli.api.models import check_model_reference, resolve_model
    from cli.results.models import ServeStopped

    if workers > 1:
        from cli.adapters.http_listen import run_workers

        if worker_factory is None:
            raise ValueError("several workers need a worker_factory (module:function)")
        resolve_model(reference, repo=repo)  # a bad reference or model fails once, not per worker
        run_workers(factory=worker_factory, host=host, port=port, workers=workers)
        return ServeStopped(reference, host, port, workers, None)
    # A reference that names no model is refused before the server listens; the model
    # itself loads after (``/health`` is 503 until then).
    check_model_reference(reference, repo=repo)
    server = _server(reference, repo, max_body_bytes, max_rows, describe)
    scope = (
        signals(stop=server.stop, reload=server.reload_in_background) if signals else nullcontext()
    )
    with scope:
        server.run(host=host, port=port)
    loaded = server.slot.current
    return ServeStopped(reference, host, port, workers, loaded.model.version if loaded else None)
