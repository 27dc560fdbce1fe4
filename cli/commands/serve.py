"""``mlvc serve``: an HTTP server that predicts with a model, checking every row first."""

from __future__ import annotations

import json
import os
from typing import Annotated, Any

import typer

from cli.commands._shared import funnel

# Carries the settings of `mlvc serve --workers N` to the worker processes (uvicorn starts
# each one fresh and calls worker_app there).
WORKER_SETTINGS = "MLVC_SERVE_SETTINGS"
WORKER_FACTORY = "cli.commands.serve:worker_app"


def schema_lines(report: Any) -> list[str]:
    """A refused request (a ``SchemaReport``) in the words of ``mlvc schema check``: the
    lines of its text report."""
    from cli.formats import Format
    from cli.render import render

    return render(report, Format.text).splitlines()


@funnel
def serve(
    model: Annotated[
        str,
        typer.Option(
            "--model",
            "-m",
            metavar="REF",
            help="The model to serve: NAME@vX.Y.Z, NAME#STAGE (the version the stage holds "
            "now; /reload or SIGHUP re-resolves it), NAME@latest, or a path to a .skops file.",
        ),
    ],
    host: Annotated[
        str,
        typer.Option(
            metavar="HOST",
            help="Address to listen on. Loopback by default; any other address prints a warning.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(
            min=0, max=65535, metavar="PORT", help="Port to listen on (0: any free port)."
        ),
    ] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            metavar="N",
            help="Worker processes, each loading the model; SIGHUP restarts them "
            "(so each re-resolves the reference). /metrics and /reload then speak for the "
            "worker that answers only.",
        ),
    ] = 1,
    max_body_bytes: Annotated[
        int,
        typer.Option(
            min=1, metavar="BYTES", help="Largest /predict request body, in bytes (413 past it)."
        ),
    ] = 10 << 20,
    max_rows: Annotated[
        int,
        typer.Option(
            min=1, metavar="ROWS", help="Most rows in one /predict request (413 past it)."
        ),
    ] = 10_000,
) -> int:
    """Serve a released model over HTTP, every request row checked against its contract.

    POST /predict; GET /health, /model, /metrics (Prometheus), /docs; POST /reload or
    SIGHUP re-resolves the model. Ctrl-C or SIGTERM stops it after the requests in
    flight. Exit 0 when stopped, 2 when it could not start.
    """
    from cli import api
    from cli.adapters.signals import serving_signals

    if workers > 1:
        settings = {"reference": model, "max_body_bytes": max_body_bytes, "max_rows": max_rows}
        os.environ[WORKER_SETTINGS] = json.dumps(settings)  # inherited by the workers
    stopped = api.serve_model(
        reference=model,
        host=host,
        port=port,
        workers=workers,
        max_body_bytes=max_body_bytes,
        max_rows=max_rows,
        describe=schema_lines,
        signals=serving_signals,
        worker_factory=WORKER_FACTORY,
    )
    served = f" (last served: {stopped.version})" if stopped.version else ""
    typer.echo(f"mlvc serve: stopped on {stopped.host}:{stopped.port}{served}", err=True)
    return 0


def worker_app() -> Any:
    """The app of one worker of ``mlvc serve --workers N`` (uvicorn's factory)."""
    from cli import api

    settings = json.loads(os.environ[WORKER_SETTINGS])
    return api.serving_app(
        reference=settings["reference"],
        max_body_bytes=settings["max_body_bytes"],
        max_rows=settings["max_rows"],
        describe=schema_lines,
    )
