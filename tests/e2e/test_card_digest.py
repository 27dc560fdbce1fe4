"""One parameters digest: `mlvc card build`, the `card` stage and the release tag agree."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from tests.e2e.test_pipeline_e2e import isolated_env, make_repo, sh

pytestmark = pytest.mark.slow

MLVC = str(Path(sys.executable).parent / "mlvc")
NAME = "penguins-classifier"
CARD = "models/README.md"
CARD_DIGEST = re.compile(r"\| parameters \(canonical JSON\) \| `([0-9a-f]{32})` \|")


def test_card_build_matches_the_stage_and_the_release_tag_records_its_digest(
    tmp_path: Path,
) -> None:
    env = isolated_env(tmp_path / "home")
    repo = make_repo(tmp_path / "repo", env)
    sh(["dvc", "repro", "-q"], repo, env)
    sh(["git", "add", "-A"], repo, env)
    sh(["git", "commit", "-q", "--allow-empty", "-m", "reproduced"], repo, env)
    staged = (repo / CARD).read_bytes()

    sh([MLVC, "card", "build"], repo, env)
    assert (repo / CARD).read_bytes() == staged
    assert sh(["dvc", "status", "--json"], repo, env).stdout.strip() == "{}"
    assert sh(["git", "status", "--porcelain"], repo, env).stdout == ""

    sh([MLVC, "release"], repo, env)
    message = sh(["git", "tag", "-l", "--format=%(contents)", f"{NAME}@v0.0.1"], repo, env).stdout
    (tag_digest,) = re.findall(r"^params_digest: ([0-9a-f]{32})$", message, re.M)
    (card_digest,) = CARD_DIGEST.findall(staged.decode())
    assert tag_digest == card_digest
