"""Every path the pipeline and toolkit use, in one place.

Relative to the repository root; no side effects at import. ``dvc.yaml`` must
name the same paths: ``tests/test_contract.py`` checks that they agree.
"""

from __future__ import annotations

from pathlib import Path

PARAMS = Path("params.yaml")
DVC_YAML = Path("dvc.yaml")
DVC_LOCK = Path("dvc.lock")

EXTERNAL_DIR = Path("data/external")  # bring-your-own data files live here
RAW_DATA = Path("data/raw/penguins.csv")
TRAIN_DATA = Path("data/prepared/train.csv")
TEST_DATA = Path("data/prepared/test.csv")

MODEL = Path("models/model.skops")
MODEL_META = Path("models/model.meta.json")
MODEL_CARD = Path("models/README.md")

METRICS = Path("metrics/metrics.json")
SLICE_METRICS = Path("metrics/slices.json")
CONFUSION_PLOT = Path("plots/confusion.csv")
ROC_DIR = Path("plots/roc")  # one CSV per class: fpr, tpr
PR_DIR = Path("plots/pr")  # one CSV per class: recall, precision

PARAMS_SCHEMA = Path(__file__).parent / "schemas" / "params.schema.json"
