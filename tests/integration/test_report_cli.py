"""``mlvc report`` through typer's CliRunner, in temporary git repositories with two commits."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.app import app

runner = CliRunner()
METRICS = {
    "accuracy": 0.95,
    "balanced_accuracy": 0.94,
    "f1_macro": 0.93,
    "roc_auc_ovr": 0.99,
    "log_loss": 0.20,
    "n": 86,
}


def invoke(repo: Path, *args: str) -> Any:
    return runner.invoke(app, ["report", "--repo", str(repo), *args])


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)


def commit(repo: Path, message: str, files: dict[str, str]) -> None:
    for name, text in files.items():
        target = repo / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def metrics(**changes: float) -> str:
    return json.dumps({**METRICS, **changes}, indent=2)


@pytest.fixture
def repo(tmp_path: Path, git_env: dict) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "first", {"metrics/metrics.json": metrics(), "params.yaml": "train:\n  C: 1.0\n"})
    commit(
        repo,
        "second",
        {
            "metrics/metrics.json": metrics(accuracy=0.90, log_loss=0.10),
            "params.yaml": "train:\n  C: 0.5\n",
        },
    )
    return repo


def test_json_between_two_commits(repo: Path) -> None:
    result = invoke(repo, "--base", "HEAD~1", "--head", "HEAD", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    statuses = {m["key"]: m["status"] for m in document["metrics"]}
    assert statuses == {
        "accuracy": "worse",
        "balanced_accuracy": "same",
        "f1_macro": "same",
        "roc_auc_ovr": "same",
        "log_loss": "better",
        "n": "same",
    }
    assert document["ok"] is False
    assert document["params"] == [{"key": "train.C", "base": 1.0, "head": 0.5, "status": "changed"}]
    assert document["base"]["rev"] == "HEAD~1" and len(document["base"]["commit"]) == 40


def test_fail_on_regression_exits_1_with_the_metric_named(repo: Path) -> None:
    result = invoke(repo, "--base", "HEAD~1", "--fail-on-regression")
    assert result.exit_code == 1
    assert "REGRESSION: accuracy -0.0500 (tolerance 0.01)" in result.stdout
    lenient = repo / "params.yaml"
    lenient.write_text("train:\n  C: 0.5\nreport:\n  tolerances:\n    accuracy: 0.1\n")
    assert invoke(repo, "--base", "HEAD~1", "--fail-on-regression").exit_code == 0


def test_markdown_starts_with_the_comment_marker(repo: Path) -> None:
    for fmt in ("md", "markdown"):
        result = invoke(repo, "--base", "HEAD~1", "--format", fmt)
        assert result.exit_code == 0
        lines = result.stdout.splitlines()
        assert lines[0] == "<!-- mlvc-report -->"
        assert "| `accuracy` | 0.9500 | 0.9000 | -0.0500 ↓ | ❌ worse (tolerance 0.01) |" in lines


def test_base_without_metrics_is_all_new(tmp_path: Path, git_env: dict) -> None:
    repo = tmp_path / "new"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    commit(repo, "empty", {"README.md": "hello\n"})
    commit(repo, "metrics", {"metrics/metrics.json": metrics()})
    result = invoke(repo, "--base", "HEAD~1", "--fail-on-regression", "--format", "json")
    assert result.exit_code == 0, result.output
    assert {m["status"] for m in json.loads(result.stdout)["metrics"]} == {"new"}


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("{}", "INVALID: accuracy missing at head"),
        ("[]", "INVALID: accuracy missing at head (the metrics file is list, not an object)"),
        (metrics(accuracy="high"), 'INVALID: accuracy not a number at head: "high"'),  # type: ignore[arg-type]
        (metrics(accuracy=None), "INVALID: accuracy not a number at head: null"),  # type: ignore[arg-type]
        (metrics(accuracy=float("nan")), "INVALID: accuracy not finite at head: nan"),
        ('{"accuracy": NaN, "log_loss": NaN}', "INVALID: accuracy not finite at head: nan"),
        (metrics().replace("0.2,", "1e999,"), "log_loss not finite at head: inf"),
        (
            metrics().replace("0.95,", "1" + "0" * 400 + ","),
            "INVALID: accuracy not finite at head: about 10^400 (an integer too large for a float)",
        ),
    ],
)
def test_fail_on_regression_fails_closed_on_unusable_head_metrics(
    repo: Path, text: str, line: str
) -> None:
    (repo / "metrics/metrics.json").write_text(text)
    result = invoke(repo, "--base", "HEAD", "--fail-on-regression")
    assert result.exit_code == 1, result.output
    assert line in result.stdout
    assert "no regressions beyond tolerance" not in result.stdout
    assert invoke(repo, "--base", "HEAD").exit_code == 0  # without the flag: a report only


def test_could_not_run_is_one_line_exit_2(repo: Path, tmp_path: Path) -> None:
    unknown = invoke(repo, "--base", "origin/main")
    assert unknown.exit_code == 2
    assert unknown.stdout == ""
    assert unknown.stderr.strip() == (
        f"error: {repo}: unknown revision 'origin/main'; next: fetch it first: "
        "git fetch origin main"
    )
    outside = invoke(tmp_path)
    assert outside.exit_code == 2 and "not a git repository" in outside.stderr
    (repo / "metrics/metrics.json").unlink()
    missing = invoke(repo)
    assert missing.exit_code == 2
    assert "metrics file not found; next: run 'dvc repro' first" in missing.stderr


def test_help_lists_every_option() -> None:
    result = runner.invoke(app, ["report", "--help"])
    assert result.exit_code == 0
    for option in ("--base", "--head", "--format", "--fail-on-regression", "--card", "--repo"):
        assert option in result.output


@pytest.mark.parametrize("value", [".nan", ".inf", "-.inf"])
def test_a_non_finite_tolerance_is_refused_with_its_key_path(repo: Path, value: str) -> None:
    (repo / "params.yaml").write_text(f"report:\n  tolerances:\n    accuracy: {value}\n")
    result = invoke(repo, "--base", "HEAD~1", "--fail-on-regression")
    assert result.exit_code == 2, result.output
    assert "'report.tolerances.accuracy' must be a finite number >= 0" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def experiment(repo: Path, name: str, files: dict[str, str], *, baseline: str = "HEAD") -> str:
    """Commit ``files`` on ``baseline`` and store it as DVC does: refs/exps/<2>/<38>/<name>."""
    base = subprocess.run(
        ["git", "rev-parse", baseline], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    git(repo, "checkout", "-q", "--detach", base)
    commit(repo, f"exp {name}", files)
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.strip()
    git(repo, "checkout", "-q", "main")
    git(repo, "update-ref", f"refs/exps/{base[:2]}/{base[2:]}/{name}", sha)
    return sha


def test_head_and_base_accept_a_dvc_experiment_name(repo: Path) -> None:
    subprocess.run(["dvc", "init", "-q"], cwd=repo, capture_output=True, check=True)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "dvc init")
    sha = experiment(repo, "my-exp", {"metrics/metrics.json": metrics(accuracy=0.99)})
    listed = subprocess.run(
        ["dvc", "exp", "list", "--name-only"], cwd=repo, capture_output=True, text=True
    )
    assert listed.stdout.split() == ["my-exp"], listed.stderr  # DVC sees the ref we made
    result = invoke(repo, "--base", "HEAD", "--head", "my-exp", "--format", "json")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["head"] == {"rev": "my-exp", "commit": sha}
    accuracy = next(m for m in document["metrics"] if m["key"] == "accuracy")
    assert (accuracy["base"], accuracy["head"], accuracy["status"]) == (0.9, 0.99, "better")
    backwards = invoke(repo, "--base", "my-exp", "--head", "HEAD", "--fail-on-regression")
    assert backwards.exit_code == 1 and "REGRESSION: accuracy -0.0900" in backwards.stdout


def test_a_branch_wins_over_an_experiment_of_the_same_name(repo: Path) -> None:
    experiment(repo, "tune", {"metrics/metrics.json": metrics(accuracy=0.99)})
    git(repo, "branch", "tune", "HEAD~1")
    result = invoke(repo, "--base", "HEAD", "--head", "tune", "--format", "json")
    assert result.exit_code == 0, result.output
    accuracy = next(m for m in json.loads(result.stdout)["metrics"] if m["key"] == "accuracy")
    assert accuracy["head"] == 0.95  # the branch (HEAD~1), not the experiment (0.99)


def test_an_experiment_name_on_several_baselines(repo: Path) -> None:
    experiment(repo, "dup", {"metrics/metrics.json": metrics(accuracy=0.91)}, baseline="HEAD~1")
    git(repo, "commit", "-q", "--allow-empty", "-m", "third")
    experiment(repo, "dup", {"metrics/metrics.json": metrics(accuracy=0.93)}, baseline="HEAD~1")
    ambiguous = invoke(repo, "--base", "HEAD", "--head", "dup")
    assert ambiguous.exit_code == 2
    assert "experiment name 'dup' is ambiguous: refs/exps/" in ambiguous.stderr
    assert "next: pass the full ref, e.g. --head refs/exps/" in ambiguous.stderr
    current = experiment(repo, "dup", {"metrics/metrics.json": metrics(accuracy=0.94)})
    result = invoke(repo, "--base", "HEAD", "--head", "dup", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["head"]["commit"] == current  # the one on HEAD wins
    unknown = invoke(repo, "--head", "nope")
    assert unknown.exit_code == 2 and "'dvc exp list'" in unknown.stderr


def test_a_metric_past_the_int_digit_limit_is_one_line_exit_2(repo: Path) -> None:
    (repo / "metrics/metrics.json").write_text('{"f1": ' + "1" * 5000 + "}")
    result = invoke(repo, "--base", "HEAD", "--fail-on-regression")
    assert result.exit_code == 2
    (line,) = result.stderr.strip().splitlines()
    assert "metrics.json: a number with more than 4,300 digits at column 8" in line
    assert "unexpected" not in line


@pytest.mark.parametrize(
    "lock",
    [
        "stages: [1]\n",
        "stages:\n  train: [1]\n",
        "stages:\n  train: x\n",
        "stages:\n  train:\n    outs: [1, {path: 3}, {md5: abc}]\n",
    ],
)
def test_a_malformed_dvc_lock_is_reported_without_its_outputs(repo: Path, lock: str) -> None:
    commit(repo, "malformed lock", {"dvc.lock": lock})
    result = invoke(repo, "--base", "HEAD~1", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["data"] == []
    assert "unexpected" not in result.output


def test_a_card_that_is_not_text_is_one_line_exit_2(repo: Path, tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_bytes(b"\x8f\x00\xffbinary")
    result = invoke(repo, "--base", "HEAD~1", "--card", str(card))
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == (
        f"error: {card}: the model card is not UTF-8 text (invalid start byte at byte 0); "
        "next: pass the model card itself, saved as UTF-8"
    )
