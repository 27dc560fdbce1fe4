"""Write bytecode for the modules a pipeline run and the CLI import, and for no others.

`make install` runs this instead of compiling the whole venv: the libraries' other
modules (their test suites, optional backends) stay source only, so the venv holds
bytecode for what a run loads. Bytecode is written even when the environment sets
PYTHONDONTWRITEBYTECODE, so the first run is as fast as later ones.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

sys.dont_write_bytecode = False

# What `dvc repro`, `dvc metrics/plots/exp show` and the stages' function-level imports load.
LIBRARIES = (
    "dvc.cli",
    "dvc.repo",
    "dvc.repo.reproduce",
    "dvc.repo.experiments",
    "dvc.commands.repro",
    "dvc.commands.metrics",
    "dvc.commands.plots",
    "dvc.commands.params",
    "dvc.commands.status",
    "dvc.commands.experiments",
    "pandas",
    "pyarrow.csv",
    "pyarrow.compute",
    "pyarrow.json",
    "pyarrow.parquet",
    "sklearn.compose",
    "sklearn.dummy",
    "sklearn.ensemble",
    "sklearn.impute",
    "sklearn.linear_model",
    "sklearn.metrics",
    "sklearn.model_selection",
    "sklearn.pipeline",
    "sklearn.preprocessing",
    "skops.io",
    "jsonschema",
    "yaml",
    "typer",
    # `mlvc serve` (imported inside its functions, so the command modules above miss them)
    "fastapi",
    "starlette.applications",
    "uvicorn",
    "uvicorn.protocols.http.httptools_impl",
    "prometheus_client",
)


def project_modules() -> list[str]:
    """Every CLI command module and stage, so each command's own imports are covered."""
    import cli.commands
    import stages

    return [
        f"{package.__name__}.{info.name}"
        for package in (cli.commands, stages)
        for info in pkgutil.iter_modules(package.__path__)
    ]


def main() -> None:
    for name in (*LIBRARIES, "cli.app", "cli.api", "cli.render", *project_modules()):
        importlib.import_module(name)


if __name__ == "__main__":
    main()
