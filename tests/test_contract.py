"""dvc.yaml, cli/paths.py, params.yaml and stages/ must agree."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from cli import paths
from cli.adapters.card_sources import CardSources
from cli.core.modeling import TASKS
from cli.core.plots import plots_section
from cli.params import load_stage_params
from stages import card, evaluate, ingest, split, train

ROOT = Path(__file__).resolve().parent.parent
PIPELINE = yaml.safe_load((ROOT / "dvc.yaml").read_text())
STAGES = PIPELINE["stages"]
PARAMS = yaml.safe_load((ROOT / "params.yaml").read_text())

NOT_OUTPUTS = {
    "PARAMS",
    "DVC_YAML",
    "DVC_LOCK",
    "EXTERNAL_DIR",
    "RAW_DIR",  # the raw file itself is raw_data(data.name), resolved below
    "CARD_INPUT",
    "DATA_SCHEMA",
    "SCHEMAS",
    "PARAMS_SCHEMA",
    "CARD_INPUT_SCHEMA",
    "MODEL_CARD_SCHEMA",
    "MODEL_META_SCHEMA",
    "TABLE_RULES_SCHEMA",
}


def resolve(text: str) -> str:
    """``text`` with DVC's ``${section.key}`` placeholders filled from params.yaml."""

    def value(match: re.Match[str]) -> str:
        node: Any = PARAMS
        for part in match.group(1).split("."):
            node = node[part]
        return str(node)

    return re.sub(r"\$\{([^}]+)\}", value, text)


def entry_path(entry: Any) -> str:
    return resolve(entry if isinstance(entry, str) else next(iter(entry)))


def stage_outputs(stage: dict[str, Any]) -> set[str]:
    return {entry_path(e) for kind in ("outs", "metrics", "plots") for e in stage.get(kind, [])}


def leaf_keys(doc: dict[str, Any], prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for key, value in doc.items():
        dotted = f"{prefix}{key}"
        keys |= leaf_keys(value, dotted + ".") if isinstance(value, dict) else {dotted}
    return keys


def test_stage_names_match_modules_and_commands() -> None:
    modules = {p.stem for p in (ROOT / "stages").glob("*.py") if not p.stem.startswith("_")}
    assert set(STAGES) == modules
    for name, stage in STAGES.items():
        assert stage["cmd"] == f"python -m stages.{name}"
        module = importlib.import_module(f"stages.{name}")
        assert callable(module.run) and callable(module.main)
        assert module.__doc__ and name in module.__doc__.splitlines()[0]


def plot_paths(entries: list[Any]) -> set[str]:
    return {entry_path(e) for e in entries}


def test_outputs_match_paths_module() -> None:
    """Every output constant is declared, or is a plot of a task other than the shipped one."""
    declared = set().union(*(stage_outputs(s) for s in STAGES.values()))
    every_task_plot = set().union(*(plot_paths(plots_section(task)) for task in TASKS))
    constants = {
        str(value)
        for name, value in vars(paths).items()
        if isinstance(value, Path) and name.isupper() and name not in NOT_OUTPUTS
    }
    constants.add(str(paths.raw_data(PARAMS["data"]["name"])))
    assert declared | every_task_plot == constants


def test_evaluate_plots_are_the_shipped_tasks_section() -> None:
    """dvc.yaml's plots are plots_section(data.task) verbatim, so init can swap them."""
    assert STAGES["evaluate"]["plots"] == plots_section(PARAMS["data"]["task"])


def test_stage_deps_exist_and_list_imported_cli_modules() -> None:
    for name, stage in STAGES.items():
        deps = {resolve(d) for d in stage["deps"]}
        for dep in deps:
            assert (ROOT / dep).exists() or dep in stage_outputs_of_others(name), (
                f"{name}: {dep} missing"
            )
        assert f"stages/{name}.py" in deps
        tree = ast.parse((ROOT / "stages" / f"{name}.py").read_text())
        imported: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module == "cli":
                imported |= {f"cli.{alias.name}" for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
        for module in sorted(m for m in imported if m.startswith("cli.")):
            assert module_file(module) in deps, f"stage {name} imports {module}; list it in deps"


def top_level_cli_imports(source: Path) -> set[str]:
    """The ``cli.*`` modules a file imports on import (not inside functions or TYPE_CHECKING)."""
    imported: set[str] = set()
    for node in ast.parse(source.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.module:
            # "from cli.adapters import process" imports a module; "from cli.paths import X" a name
            imported.add(node.module)
            imported |= {f"{node.module}.{alias.name}" for alias in node.names}
        elif isinstance(node, ast.Import):
            imported |= {alias.name for alias in node.names}
    return {m for m in imported if m.startswith("cli.") and has_code(ROOT / module_file(m))}


def has_code(path: Path) -> bool:
    """Whether a module file exists and holds more than a docstring (a package's bare
    ``__init__.py`` cannot change what a stage writes)."""
    if not path.exists():
        return False
    body = ast.parse(path.read_text()).body
    return not (len(body) <= 1 and all(isinstance(n, ast.Expr) for n in body))


def module_file(module: str) -> str:
    """The file of a module: ``cli/x.py``, or ``cli/x/__init__.py`` for a package."""
    path = module.replace(".", "/")
    return f"{path}/__init__.py" if (ROOT / path).is_dir() else f"{path}.py"


def test_listed_cli_modules_list_what_they_import() -> None:
    """A listed module's own imports are listed too, or DVC misses a change to them."""
    for name, stage in STAGES.items():
        deps = set(stage["deps"])
        for dep in sorted(
            d for d in deps if d.startswith(("cli/", "stages/")) and d.endswith(".py")
        ):
            for module in sorted(top_level_cli_imports(ROOT / dep)):
                assert module_file(module) in deps, (
                    f"stage {name}: {dep} imports {module}; list {module_file(module)} in deps"
                )


def stage_outputs_of_others(name: str) -> set[str]:
    return set().union(*(stage_outputs(s) for n, s in STAGES.items() if n != name))


TOOLKIT_SECTIONS = {"release", "drift", "report", "monitoring"}  # read by mlvc commands only


def test_declared_params_exist_and_every_tunable_is_used() -> None:
    leaves = {k for k in leaf_keys(PARAMS) if k.split(".")[0] not in TOOLKIT_SECTIONS}
    declared: set[str] = set()
    for stage in STAGES.values():
        for key in stage.get("params", []):
            assert any(leaf == key or leaf.startswith(key + ".") for leaf in leaves), key
            declared |= {leaf for leaf in leaves if leaf == key or leaf.startswith(key + ".")}
    assert declared == leaves, f"tunables no stage declares: {sorted(leaves - declared)}"


def test_model_artifact_matches_paths() -> None:
    (artifact,) = PIPELINE["artifacts"].values()
    assert artifact["path"] == str(paths.MODEL) and artifact["type"] == "model"


def test_stages_read_only_declared_params(tmp_path: Path, tiny_csv: Path) -> None:
    """Every stage runs on the fixture with the guard of its real dvc.yaml entry."""
    params_file = tmp_path / "params.yaml"
    doc = {
        **PARAMS,
        "train": {
            **PARAMS["train"],
            "random_forest": {**PARAMS["train"]["random_forest"], "n_estimators": 3},
        },
    }
    params_file.write_text(yaml.safe_dump(doc))

    def guarded(stage: str) -> Any:
        return load_stage_params(stage, path=params_file, dvc_yaml=ROOT / "dvc.yaml")

    out = tmp_path / "out"
    ingest.run(
        guarded("ingest"), source=tiny_csv, output=out / "raw.csv", report=out / "ingest.json"
    )
    split.run(guarded("split"), raw=out / "raw.csv", train=out / "train.csv", test=out / "test.csv")
    train.run(
        guarded("train"), train_data=out / "train.csv", model=out / "m.skops", meta=out / "m.json"
    )
    evaluate.run(
        guarded("evaluate"),
        model=out / "m.skops",
        test_data=out / "test.csv",
        train_data=out / "train.csv",
        metrics=out / "metrics.json",
        slices=out / "slices.json",
        plots=evaluate.Plots(
            confusion=out / "confusion.csv",
            roc=out / "roc",
            pr=out / "pr",
            predictions=out / "predictions.csv",
            residuals=out / "residuals.csv",
        ),
    )
    card.run(
        guarded("card"),
        sources=CardSources(
            metrics=out / "metrics.json",
            slices=out / "slices.json",
            meta=out / "m.json",
            model=out / "m.skops",
            raw=out / "raw.csv",
            train=out / "train.csv",
            test=out / "test.csv",
            human=ROOT / "models/card.yaml",
            dvc_yaml=ROOT / "dvc.yaml",
            dvc_lock=out / "dvc.lock",
        ),
        card=out / "README.md",
    )
    assert (out / "metrics.json").is_file() and (out / "README.md").is_file()


@pytest.mark.parametrize("estimator", ["logistic_regression", "random_forest"])
def test_train_guard_covers_every_estimator(tmp_path: Path, tiny_csv: Path, estimator: str) -> None:
    params_file = tmp_path / "params.yaml"
    params_file.write_text(
        yaml.safe_dump({**PARAMS, "train": {**PARAMS["train"], "estimator": estimator}})
    )
    params = load_stage_params("train", path=params_file, dvc_yaml=ROOT / "dvc.yaml")
    train.run(params, train_data=tiny_csv, model=tmp_path / "m.skops", meta=tmp_path / "m.json")
