"""build_report in temporary git repositories made from tests/fixtures/report; the golden report.

Set MLVC_UPDATE_GOLDEN=1 to rewrite tests/golden/report.md after an intended change.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cli.adapters.files import md5_file
from cli.api import build_report
from cli.core.report import RegressionPolicy
from cli.errors import DocumentInvalid, FileMissing, ToolkitError
from cli.render import render
from cli.results.report import BETTER, NEW, SAME, WORSE

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests/fixtures/report"
GOLDEN = ROOT / "tests/golden/report.md"
TRAIN = "data/prepared/train.csv"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


def put_side(repo: Path, side: str) -> None:
    """Replace the project files of ``repo`` with the fixture side ``side``."""
    for name in ("metrics", "plots", "data/validation.json", "params.yaml", "dvc.lock"):
        target = repo / name
        if target.is_dir():
            shutil.rmtree(target)
        else:
            target.unlink(missing_ok=True)
    shutil.copytree(FIXTURES / side, repo, dirs_exist_ok=True)


def cache(repo: Path, data: Path) -> None:
    """Store ``data`` in the repository's DVC cache, as `dvc commit` would."""
    md5 = md5_file(data)
    target = repo / ".dvc/cache/files/md5" / md5[:2] / md5[2:]
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(data, target)


@pytest.fixture
def repo(tmp_path: Path, git_env: dict) -> Path:
    """Base committed; head in the workspace (train split on disk, the base one in the cache)."""
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / ".gitignore").write_text("/data/prepared/\n/.dvc/cache/\n")
    put_side(repo, "base")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    put_side(repo, "head")
    (repo / TRAIN).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "data/train_head.csv", repo / TRAIN)
    cache(repo, FIXTURES / "data/train_base.csv")
    return repo


def masked(text: str, *commits: str | None) -> str:
    for commit in commits:
        if commit:
            text = text.replace(commit[:7], "<commit>")
    return text


def test_golden_markdown_report(repo: Path) -> None:
    report = build_report(repo=repo)
    text = masked(render(report, "markdown"), report.base.commit, report.head.commit) + "\n"
    if os.environ.get("MLVC_UPDATE_GOLDEN"):
        GOLDEN.write_text(text)
    assert text == GOLDEN.read_text(), "rerun with MLVC_UPDATE_GOLDEN=1 if the change is intended"


def test_report_contents(repo: Path) -> None:
    report = build_report(repo=repo)
    assert report.base.label.startswith("HEAD (") and report.head.label == "workspace"
    metrics = {(m.path, m.key): m for m in report.metrics}
    assert metrics[("metrics/metrics.json", "accuracy")].status == WORSE
    assert metrics[("metrics/metrics.json", "log_loss")].status == BETTER
    assert metrics[("metrics/metrics.json", "roc_auc_ovr")].status == SAME
    assert [m.key for m in report.regressions] == ["accuracy"]
    assert not report.ok
    assert not metrics[("metrics/slices.json", "island.Biscoe.accuracy")].regression
    assert {p.key for p in report.params} == {
        "evaluate.min_slice_size",
        "train.random_forest.max_depth",
        "train.random_forest.n_estimators",
    }
    data = {d.path: d for d in report.data}
    assert (data[TRAIN].base_rows, data[TRAIN].head_rows) == (5, 7)  # a quoted comma stays a cell
    assert data["data/validation.json"].status == NEW
    assert report.data_unchanged == 3  # raw, test split, plots/roc
    assert report.schema is not None and report.schema.failing_rows == 2
    assert report.confusion is not None and report.confusion.changed
    changed = {(c.kind, c.label) for c in report.curves if c.changed}
    assert changed == {("roc", "Chinstrap"), ("pr", "Adelie")}


def test_rows_are_na_when_the_base_data_is_not_in_the_cache(repo: Path) -> None:
    shutil.rmtree(repo / ".dvc/cache")
    (data,) = [d for d in build_report(repo=repo).data if d.path == TRAIN]
    assert (data.base_rows, data.head_rows) == (None, 7)
    text = render(build_report(repo=repo), "markdown")
    assert f"| `{TRAIN}` | split | n/a | 7 |" in text
    assert "not in the local DVC cache" in text


def test_two_commits_and_a_policy_argument(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "head")
    report = build_report(base="HEAD~1", head="HEAD", repo=repo)
    assert report.head.label.startswith("HEAD (")
    assert [m.key for m in report.regressions] == ["accuracy"]
    (data,) = [d for d in report.data if d.path == TRAIN]
    assert data.head_rows == 7  # found in the workspace: its md5 matches dvc.lock at HEAD
    lenient = build_report(
        base="HEAD~1", head="HEAD", repo=repo, policy=RegressionPolicy(tolerances={"accuracy": 0.1})
    )
    assert lenient.ok


def test_policy_comes_from_params_at_head(repo: Path) -> None:
    params = repo / "params.yaml"
    params.write_text(params.read_text() + "report:\n  tolerances:\n    accuracy: 0.05\n")
    assert build_report(repo=repo).ok
    params.write_text(params.read_text().replace("accuracy: 0.05", "accuracy: -1"))
    with pytest.raises(
        DocumentInvalid,
        match=r"params.yaml: 'report.tolerances.accuracy' must be a finite number >= 0",
    ):
        build_report(repo=repo)


def test_a_base_without_metrics_shows_everything_new(tmp_path: Path, git_env: dict) -> None:
    repo = tmp_path / "fresh"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "README.md").write_text("nothing yet\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "empty")
    put_side(repo, "head")
    report = build_report(repo=repo, policy=RegressionPolicy())
    assert {m.status for m in report.metrics} == {NEW}
    assert report.ok
    assert {p.status for p in report.params} == {NEW}
    assert report.confusion is not None and report.confusion.base is None
    assert all(c.base is None for c in report.curves)
    text = render(report, "markdown")
    assert "🆕 new" in text and "Test-set counts at head (new (no base))" in text
    assert json.loads(render(report, "json"))["ok"] is True


def test_errors_name_the_place_and_the_next_step(repo: Path, tmp_path: Path) -> None:
    with pytest.raises(ToolkitError, match="unknown revision 'origin/main'") as caught:
        build_report(base="origin/main", repo=repo)
    assert caught.value.hint == "fetch it first: git fetch origin main"
    with pytest.raises(ToolkitError, match="not a git repository"):
        build_report(repo=tmp_path)
    shutil.rmtree(repo / "metrics")
    with pytest.raises(FileMissing, match=r"metrics/metrics.json \(in the workspace\)"):
        build_report(repo=repo)
    (repo / "metrics").mkdir()
    (repo / "metrics/metrics.json").write_text("{not json")
    with pytest.raises(ToolkitError, match=r"metrics/metrics\.json: cannot read"):
        build_report(repo=repo)


def test_card_summary_for_release_notes(repo: Path) -> None:
    card = repo / "models/README.md"
    card.parent.mkdir()
    shutil.copy(ROOT / "tests/golden/model_card.md", card)
    report = build_report(repo=repo, card=Path("models/README.md"))
    assert report.card is not None and report.card.model == "penguins-classifier"
    assert "### Model: `penguins-classifier`" in render(report, "markdown")
    with pytest.raises(FileMissing, match="model card not found"):
        build_report(repo=repo, card=Path("nope.md"))


def test_text_report(repo: Path) -> None:
    lines = render(build_report(repo=repo), "text").splitlines()
    assert lines[0].startswith("mlvc report: HEAD (") and lines[0].endswith(") -> workspace")
    assert (
        "  accuracy            0.9767 ->   0.9535  -0.0233 ↓  worse (beyond tolerance 0.01)"
        "  (baseline 0.4419)" in lines
    )
    assert "  train.random_forest.n_estimators: 100 -> 200" in lines
    assert (
        "  data/prepared/train.csv (split): changed, md5 6eb72a9 -> 014ceec, rows 5 -> 7 (+2)"
        in lines
    )
    assert "roc curves: 1 of 3 changed (Chinstrap)" in lines
    assert lines[-1] == "REGRESSION: accuracy -0.0233 (tolerance 0.01)"


def test_rows_are_never_read_outside_the_repository(repo: Path) -> None:
    """dvc.lock is untrusted: an output path outside the repository is never opened."""
    outside = repo.parent / "outside.csv"
    outside.write_text("a\n1\n2\n3\n")
    lock = (repo / "dvc.lock").read_text()
    lock = lock.replace(TRAIN, "../outside.csv").replace(
        "014ceec50cb3508f64f3966cc32b5e96", md5_file(outside)
    )
    (repo / "dvc.lock").write_text(lock)
    (data,) = [d for d in build_report(repo=repo).data if d.path == "../outside.csv"]
    assert data.head_rows is None
