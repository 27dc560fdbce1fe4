"""End to end: the real `dvc repro` in temporary git repositories built from this working tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cli import api
from cli.adapters.files import md5_file
from tests.isolation import isolated_git_env
from tests.registry_repo import write_dvc_local_config

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def isolated_env(home: Path) -> dict[str, str]:
    return {**os.environ, **isolated_git_env(home)}


def sh(
    argv: list[str], cwd: Path, env: dict[str, str], check: bool = True
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"{argv} exited {done.returncode}\n{done.stdout}\n{done.stderr}")
    return done


def tracked_files() -> list[str]:
    listing = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [line for line in listing.stdout.splitlines() if (ROOT / line).is_file()]


def make_repo(dest: Path, env: dict[str, str]) -> Path:
    """A git repository holding this working tree's tracked and new files (no outputs, no cache)."""
    for name in tracked_files():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)
    sh(["git", "init", "-q", "-b", "main"], dest, env)
    sh(["git", "add", "-A"], dest, env)
    sh(["git", "commit", "-q", "-m", "snapshot"], dest, env)
    write_dvc_local_config(dest, {"core": {"site_cache_dir": str(dest.parent / "site-cache")}})
    return dest


@pytest.fixture(scope="session")
def e2e_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return isolated_env(tmp_path_factory.mktemp("home"))


@pytest.fixture(scope="session")
def built_repo(tmp_path_factory: pytest.TempPathFactory, e2e_env: dict[str, str]) -> Path:
    """A repository where `dvc repro` has run once from scratch."""
    repo = make_repo(tmp_path_factory.mktemp("built") / "repo", e2e_env)
    sh(["dvc", "repro"], repo, e2e_env)
    return repo


@pytest.fixture
def repo_copy(built_repo: Path, tmp_path: Path, e2e_env: dict[str, str]) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(built_repo, copy, symlinks=True)
    write_dvc_local_config(copy, {"core": {"site_cache_dir": str(tmp_path / "site-cache")}})
    return copy


def ran_stages(output: str) -> list[str]:
    return [line.split("'")[1] for line in output.splitlines() if line.startswith("Running stage")]


def test_fresh_repro_matches_committed_lock(built_repo: Path, e2e_env: dict[str, str]) -> None:
    assert sh(["git", "status", "--porcelain", "dvc.lock"], built_repo, e2e_env).stdout == ""
    metrics = sh(["dvc", "metrics", "show", "--json"], built_repo, e2e_env).stdout
    assert "balanced_accuracy" in metrics


def test_verify_reproduction_passes_and_detects_a_tampered_lock(
    built_repo: Path, tmp_path: Path, e2e_env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for key, value in e2e_env.items():
        monkeypatch.setenv(key, value)
    repo = make_repo(tmp_path / "verify", e2e_env)
    report = api.verify_reproduction(repo=repo)
    assert report.ok, [o for o in report.outputs if not o.ok]
    assert {o.path for o in report.outputs} >= {"models/model.skops", "metrics/metrics.json"}

    lock = yaml.safe_load((repo / "dvc.lock").read_text())
    model_out = next(
        o for o in lock["stages"]["train"]["outs"] if o["path"] == "models/model.skops"
    )
    model_out["md5"] = "0" * 32
    (repo / "dvc.lock").write_text(yaml.safe_dump(lock, sort_keys=False))
    sh(["git", "commit", "-q", "-am", "tamper"], repo, e2e_env)
    tampered = api.verify_reproduction(repo=repo)
    assert not tampered.ok
    assert [o.path for o in tampered.outputs if not o.ok] == ["models/model.skops"]


def test_changing_a_train_param_reruns_only_train_and_after(
    repo_copy: Path, e2e_env: dict[str, str]
) -> None:
    params = yaml.safe_load((repo_copy / "params.yaml").read_text())
    params["train"]["random_forest"]["n_estimators"] += 1
    (repo_copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    status = sh(["dvc", "status", "--json"], repo_copy, e2e_env).stdout
    # train reads the key; card declares every section, since it records a digest of all of them
    assert set(yaml.safe_load(status)) == {"train", "card"}
    ran = ran_stages(sh(["dvc", "repro"], repo_copy, e2e_env).stdout)
    assert ran == ["train", "evaluate", "card"]
    params_diff = yaml.safe_load(sh(["dvc", "params", "diff", "--json"], repo_copy, e2e_env).stdout)
    assert set(params_diff["params.yaml"]) == {"train.random_forest.n_estimators"}
    metrics_diff = sh(["dvc", "metrics", "diff", "--json"], repo_copy, e2e_env).stdout
    assert "metrics/metrics.json" in metrics_diff or metrics_diff.strip() == "{}"


def test_bad_params_stop_repro_with_one_line_and_keep_outputs(
    repo_copy: Path, e2e_env: dict[str, str]
) -> None:
    before = md5_file(repo_copy / "models/model.skops")
    params = yaml.safe_load((repo_copy / "params.yaml").read_text())
    params["train"]["estimator"] = "xgboost"
    (repo_copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    # run the stage directly: DVC itself deletes declared outputs before running a stage
    done = sh([sys.executable, "-m", "stages.train"], repo_copy, e2e_env, check=False)
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith('error: params.yaml: train.estimator: got "xgboost"; allowed: one of')
    assert "Traceback" not in done.stderr
    assert md5_file(repo_copy / "models/model.skops") == before
    repro = sh(["dvc", "repro"], repo_copy, e2e_env, check=False)
    assert repro.returncode != 0
    assert "train.estimator" in repro.stdout + repro.stderr
    # dvc.lock still names the last good model, and the cache still holds it
    sh(["dvc", "checkout", "models/model.skops"], repo_copy, e2e_env)
    assert md5_file(repo_copy / "models/model.skops") == before


def test_user_data_lacking_columns(repo_copy: Path, e2e_env: dict[str, str]) -> None:
    (repo_copy / "data/external/mine.csv").write_text("species,island,year\nAdelie,Dream,2007\n")
    params = yaml.safe_load((repo_copy / "params.yaml").read_text())
    params["ingest"]["source"] = "data/external/mine.csv"
    (repo_copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    done = sh([sys.executable, "-m", "stages.ingest"], repo_copy, e2e_env, check=False)
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: data/external/mine.csv: missing column(s) bill_length_mm")


def test_push_delete_cache_pull_round_trip(
    repo_copy: Path, tmp_path: Path, e2e_env: dict[str, str]
) -> None:
    remote = tmp_path / "remote"
    sh(["dvc", "remote", "modify", "--local", "local", "url", str(remote)], repo_copy, e2e_env)
    sh(["dvc", "push"], repo_copy, e2e_env)
    model = repo_copy / "models/model.skops"
    expected = md5_file(model)
    shutil.rmtree(repo_copy / ".dvc/cache")
    model.unlink()
    (repo_copy / "data/raw/penguins.csv").unlink()
    sh(["dvc", "pull"], repo_copy, e2e_env)
    assert md5_file(model) == expected
    assert (repo_copy / "data/raw/penguins.csv").is_file()
    assert sh(["dvc", "status", "--json"], repo_copy, e2e_env).stdout.strip() == "{}"


def test_bad_data_stops_repro_before_training(repo_copy: Path, e2e_env: dict[str, str]) -> None:
    raw = (repo_copy / "data/raw/penguins.csv").read_text().splitlines()
    raw[1] = raw[1].replace("Torgersen", "Atlantis").replace(",181,", ",-5,")
    (repo_copy / "data/external/bad.csv").write_text("\n".join(raw) + "\n")
    params = yaml.safe_load((repo_copy / "params.yaml").read_text())
    params["ingest"]["source"] = "data/external/bad.csv"
    (repo_copy / "params.yaml").write_text(yaml.safe_dump(params, sort_keys=False))
    model_before = md5_file(repo_copy / "models/model.skops")
    done = sh(["dvc", "repro"], repo_copy, e2e_env, check=False)
    assert done.returncode != 0
    assert ran_stages(done.stdout) == ["ingest", "validate"]
    assert "1 of 344 rows break data/schema.json" in done.stdout + done.stderr
    report = yaml.safe_load((repo_copy / "data/validation.json").read_text())
    found = {(v["column"], v["keyword"]): v["rows"] for v in report["violations"]}
    assert found == {("island", "enum"): [1], ("flipper_length_mm", "minimum"): [1]}
    assert md5_file(repo_copy / "models/model.skops") == model_before


def test_pipeline_verify_is_not_fooled_by_a_cache_holding_the_real_outputs(
    repo_copy: Path, e2e_env: dict[str, str]
) -> None:
    """A tampered output md5 in the committed dvc.lock fails `mlvc pipeline verify` (exit 1).

    The repository's `.dvc/cache` holds every real output (and its run-cache), and
    the committed `.dvc/config` points `cache.dir` at it: a rerun that trusted any
    cache would skip the stages and keep the tampered hash.
    """
    cache = repo_copy / ".dvc" / "cache"
    assert any(cache.rglob("*")), "the reproduced copy has a filled cache"
    lock = yaml.safe_load((repo_copy / "dvc.lock").read_text())
    train_csv = next(o for o in lock["stages"]["split"]["outs"] if o["path"].endswith("train.csv"))
    train_csv["md5"] = "f" * 32
    (repo_copy / "dvc.lock").write_text(yaml.safe_dump(lock, sort_keys=False))
    sh(["dvc", "config", "cache.dir", str(cache)], repo_copy, e2e_env)  # committed .dvc/config
    sh(["git", "add", "dvc.lock", ".dvc/config"], repo_copy, e2e_env)
    sh(["git", "commit", "-q", "-m", "tamper, with a shared cache"], repo_copy, e2e_env)
    mlvc = str(Path(sys.executable).parent / "mlvc")
    done = sh([mlvc, "pipeline", "verify", "--repo", str(repo_copy)], repo_copy, e2e_env, False)
    assert done.returncode == 1, done.stdout + done.stderr
    diffs = [line for line in done.stdout.splitlines() if line.startswith("DIFF")]
    assert len(diffs) == 1 and diffs[0].split()[1:3] == ["split", "data/prepared/train.csv"]
    assert f"dvc.lock {'f' * 32} != rerun " in diffs[0]
    assert "NOT reproducible: 1 of" in done.stdout
