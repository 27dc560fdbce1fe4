"""``.ci/local-ci.sh`` (``make ci``): the sequence of ci.yml against a bare git remote.

Slow (a fresh virtual environment from the lock files, one test file, a full
``dvc repro``; not lint: the session running this test lints the same tree): minutes.
Skipped inside a local CI run, which would otherwise start itself.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(bool(os.environ.get("MLVC_LOCAL_CI")), reason="already inside a local CI run")
def test_local_ci_passes_and_writes_the_pull_request_report(tmp_path: Path) -> None:
    out = tmp_path / "artifacts"
    env = dict(os.environ)
    env.update(
        LOCAL_CI_TEST_TARGET="test-fast",
        # the session that runs this test lints the same tree (make lint, then make test)
        LOCAL_CI_SKIP_LINT="1",
        # The outer session runs every test once; in the clone, one file shows that the
        # fresh environment runs pytest (the fast suite twice would double its time).
        PYTEST_ADDOPTS="tests/test_docs.py",
        LOCAL_CI_OUT=str(out),
        TMPDIR=str(tmp_path),
    )
    done = subprocess.run(
        ["bash", str(ROOT / ".ci" / "local-ci.sh")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    log = f"{done.stdout[-3000:]}\n--- stderr ---\n{done.stderr[-5000:]}"
    assert done.returncode == 0, log
    assert "==> local CI passed" in done.stderr
    assert "==> make lint (skipped: LOCAL_CI_SKIP_LINT=1" in done.stderr
    assert "==> dvc.lock committed up to date: git diff --exit-code dvc.lock" in done.stderr
    assert "==> reproducibility gate: mlvc pipeline verify" in done.stderr
    assert "reproducible: all " in done.stdout  # every stage rerun without any cache
    report = (out / "report.md").read_text()
    assert report.startswith("<!-- mlvc-report -->\n## mlvc report: `origin/main (")
    assert "```mermaid\n" in report and "| actual \\ predicted |" in report
    assert json.loads((out / "report.json").read_text())["ok"] is True
    assert (out / "README.md").read_text().startswith("---\n")
    assert "vega" in (out / "index.html").read_text()  # dvc plots diff, base and head
    assert "\n<!-- mlvc-report -->\n## mlvc report: `origin/main (" in done.stdout  # the comment
    assert not list(tmp_path.glob("mlvc-local-ci.*")), "the temporary folder is removed"
