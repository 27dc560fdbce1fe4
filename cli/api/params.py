"""``check_params``: the Python API of ``mlvc params check``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from cli import paths

if TYPE_CHECKING:
    from cli.results.params import ParamsReport


def check_params(*, params: Path = paths.PARAMS) -> ParamsReport:
    """Validate a params file against the JSON Schema; every problem is reported."""
    from cli.params import check_params_file
    from cli.results.params import ParamsReport

    return ParamsReport(path=str(params), problems=tuple(check_params_file(params)))
