"""card: write the model card from the pipeline's outputs and the human-written YAML.

Inputs: ``metrics/metrics.json``, ``metrics/slices.json``, ``models/model.meta.json``,
``models/model.skops``, the raw/train/test data, ``models/card.yaml``.
Outputs: ``models/README.md`` (Hugging Face format, no timestamps).
Params: the sections dvc.yaml declares for this stage; the card states the hyperparameters
and ``card_params_digest`` of exactly those (the digest ``mlvc release`` records too).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from cli import paths
from cli.api.card import CardSources, build_card
from cli.api.stage_io import load_stage_params
from cli.funnel import stage_errors

if TYPE_CHECKING:
    from cli.api.stage_io import Params


def run(params: Params, *, sources: CardSources, card: Path) -> None:
    """Build the card from ``sources`` into ``card``."""
    build_card(params=params, sources=sources, output=card)


def main() -> None:
    with stage_errors("card", os.environ):
        params = load_stage_params("card")
        sources = CardSources(raw=paths.raw_data(params.data.name))
        run(params, sources=sources, card=paths.MODEL_CARD)


if __name__ == "__main__":
    main()
