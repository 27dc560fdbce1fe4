"""A command builds only its own result types: the registry path loads no other family.

``mlvc registry`` runs in a budget of 1.3x (``import typer`` + ``git for-each-ref``)
(docs/benchmarks.md): every dataclass built at import is start-up it pays. Checked in a
fresh interpreter running the console entry point, by what ends up loaded.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from dataclasses import is_dataclass
from pathlib import Path

from cli.formats import Format
from cli.render import RENDERERS, formats
from cli.results.registry import RegistryView

# Runs `mlvc registry --format json --repo REPO` through the console entry point, then
# prints (to stderr) the cli modules loaded and the classes they define.
RUN_REGISTRY = r"""
import json, sys
sys.argv = ["mlvc", "registry", "--format", "json", "--repo", sys.argv[1]]
from cli.app import main
try:
    main()
except SystemExit:
    pass
loaded = {n: m for n, m in list(sys.modules.items()) if n == "cli" or n.startswith("cli.")}
defined = sorted({k for m in loaded.values() for k, v in vars(m).items() if isinstance(v, type)})
stdlib = sorted(n for n in ("tempfile", "random") if n in sys.modules)
found = {"modules": sorted(loaded), "classes": defined, "stdlib": stdlib}
print(json.dumps(found), file=sys.stderr)
"""

OTHER_FAMILIES = ("DriftReport", "MetricReport", "CardReport", "ParamsReport", "ReproReport")
# what the registry's writes return (cli.results.release): a listing builds none of them
WRITE_RESULTS = ("Gate", "Release", "Promotion", "CheckoutResult")
# adapters only the writes and checkout use (cli.api.release imports them on use)
WRITE_ADAPTERS = ("cli.adapters.dvc_cli", "cli.adapters.dvcfile", "cli.adapters.revisions")
# what checkout, resolve_model, the writes and a table check share: imported on use
ON_USE = ("cli.api.registry_lookup", "cli.api.schema_engine", "cli.adapters.release_files")


def test_the_registry_command_builds_no_other_feature_result(tmp_path: Path) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    identity = ["-c", "user.name=Test", "-c", "user.email=test@mlvc.invalid"]
    commit = ["git", *identity, "commit", "-q", "--allow-empty", "-m", "first"]
    subprocess.run(commit, cwd=tmp_path, check=True)
    done = subprocess.run(
        [sys.executable, "-c", RUN_REGISTRY, str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert json.loads(done.stdout) == {"models": [], "ok": True}, done.stderr
    loaded = json.loads(done.stderr.strip().splitlines()[-1])
    assert "cli.results.registry" in loaded["modules"]
    families = {m for m in loaded["modules"] if m.startswith("cli.results.")}
    # the API facade imports every feature module; each imports its results lazily
    assert families == {"cli.results.registry"}, families
    # a temporary folder is made only by the commands that need one: imported on use
    assert loaded["stdlib"] == [], loaded["stdlib"]
    assert not set(OTHER_FAMILIES) & set(loaded["classes"])
    assert not set(WRITE_RESULTS) & set(loaded["classes"])
    assert "cli.api.release" in loaded["modules"]  # the facade imports every feature module
    assert not set(WRITE_ADAPTERS) & set(loaded["modules"])
    assert not set(ON_USE) & set(loaded["modules"])


def test_every_renderer_key_names_a_result_type_that_renders() -> None:
    for name, fmt in RENDERERS:
        module, _, qualname = name.rpartition(".")
        kind = getattr(importlib.import_module(module), qualname)
        assert is_dataclass(kind) and fmt in formats(kind), name
    assert formats(RegistryView) == (Format.text, Format.json)


# Imports the registry's core with re.compile recorded; prints the patterns compiled.
RECORD_PATTERNS = r"""
import json, re, sys
compiled = []
original = re.compile
re.compile = lambda pattern, flags=0: compiled.append(pattern) or original(pattern, flags)
import cli.core.registry
print(json.dumps([p for p in compiled if isinstance(p, str)]))
"""


def test_the_registry_core_compiles_no_pattern_a_listing_does_not_use() -> None:
    """Shortcuts and a stage message's version are parsed on use: a listing compiles neither."""
    from cli.core.registry import ASSIGNED_VERSION, SHORTCUT, TAG_RE, parse_shortcut

    done = subprocess.run(
        [sys.executable, "-c", RECORD_PATTERNS], capture_output=True, text=True, check=True
    )
    compiled = json.loads(done.stdout)
    assert TAG_RE.pattern in compiled
    assert SHORTCUT not in compiled and ASSIGNED_VERSION not in compiled
    assert parse_shortcut("penguins-classifier#prod").stage == "prod"  # compiled on use
