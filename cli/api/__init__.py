"""The public Python API: typed keyword arguments in, frozen results out.

Commands, stages and tests call these functions. They never print and never
exit; failures raise :class:`cli.errors.ToolkitError` subclasses. One module per
feature; every public function is re-exported here, so ``from cli import api``
reaches them all. The feature modules import nothing heavy at module level
(pandas, pyarrow, scikit-learn, DVC, jsonschema and YAML load inside the
functions), so importing this package stays cheap.
"""

from __future__ import annotations

from cli.api.card import CardSources, build_card, check_card
from cli.api.drift import check_drift, drift_policy, drift_settings
from cli.api.init import init_project
from cli.api.models import check_model_reference, resolve_model
from cli.api.monitor import monitor
from cli.api.params import check_params
from cli.api.pipeline import verify_reproduction
from cli.api.predict import predict_table
from cli.api.registry import checkout, registry, registry_history
from cli.api.release import promote, release, rollback
from cli.api.report import build_report
from cli.api.schema import check_schema, infer_schema
from cli.api.serve import serve_model, serving_app
from cli.api.stage_io import (
    load_model,
    load_stage_params,
    md5_file,
    read_json,
    read_table,
    save_model,
    write_csv,
    write_json,
    write_text,
)

__all__ = [
    "CardSources",
    "build_card",
    "build_report",
    "check_card",
    "check_drift",
    "check_model_reference",
    "check_params",
    "check_schema",
    "checkout",
    "drift_policy",
    "drift_settings",
    "infer_schema",
    "init_project",
    "load_model",
    "load_stage_params",
    "md5_file",
    "monitor",
    "predict_table",
    "promote",
    "read_json",
    "read_table",
    "registry",
    "registry_history",
    "release",
    "resolve_model",
    "rollback",
    "save_model",
    "serve_model",
    "serving_app",
    "verify_reproduction",
    "write_csv",
    "write_json",
    "write_text",
]
