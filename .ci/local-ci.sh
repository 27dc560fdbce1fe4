#!/usr/bin/env bash
# Run the sequence of .github/workflows/ci.yml on this machine, without GitHub:
#
#   1. a bare git remote in a temporary folder whose `main` is this checkout's HEAD (the
#      pull request's base), and a local DVC remote beside it;
#   2. a fresh clone of it with this working tree (tracked and new files, as
#      `git ls-files -co --exclude-standard` lists them) committed on a branch: the pull request;
#   3. job `test`:     make install, make lint, make test;
#   4. job `pipeline`: dvc pull (the cache restore; soft), dvc repro, git diff --exit-code
#      dvc.lock (committed up to date), the reproducibility gate (mlvc pipeline verify: every
#      stage rerun in a clean clone without any cache), mlvc card check, mlvc report against
#      origin/main (printed: it is the pull-request comment), dvc plots diff, the regression
#      gate, and dvc push (the cache save).
#
# Usage: .ci/local-ci.sh   (or `make ci`). Exit status: the first failing step's.
# Environment:
#   LOCAL_CI_TEST_TARGET  make target for the tests (default: test; `test-fast` skips slow ones)
#   LOCAL_CI_SKIP_LINT=1  skip `make lint` (for a caller that lints the same tree itself)
#   LOCAL_CI_OUT          copy the artifacts (report.md, report.json, the plots' index.html,
#                         models/README.md) here
#   LOCAL_CI_KEEP=1       keep the temporary folder (its path is printed)
# Git runs with its own empty global config and a CI identity, never yours.
set -euo pipefail

src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/mlvc-local-ci.XXXXXX")"
cleanup() {
    if [ "${LOCAL_CI_KEEP:-0}" = 1 ]; then
        echo "local-ci: kept $tmp" >&2
    else
        rm -rf "$tmp"
    fi
}
trap cleanup EXIT

export DVC_NO_ANALYTICS=1
export MLVC_LOCAL_CI=1 # tests/e2e/test_local_ci.py skips itself inside a local CI run
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$tmp/gitconfig"
export GIT_AUTHOR_NAME="mlvc local-ci" GIT_AUTHOR_EMAIL="local-ci@mlvc.invalid"
export GIT_COMMITTER_NAME="mlvc local-ci" GIT_COMMITTER_EMAIL="local-ci@mlvc.invalid"
: >"$GIT_CONFIG_GLOBAL"

step() { printf '\n==> %s\n' "$*" >&2; }

step "bare git remote and local DVC remote in $tmp"
git init -q --bare "$tmp/origin.git"
git -C "$tmp/origin.git" fetch -q "$src" "HEAD:refs/heads/main"
mkdir "$tmp/dvc-remote"

step "clone; this working tree as the pull request"
git clone -q "$tmp/origin.git" "$tmp/work"
cd "$tmp/work"
git checkout -q -b local-ci
git rm -q -r --ignore-unmatch .
while IFS= read -r -d '' name; do
    if [ -f "$src/$name" ]; then
        mkdir -p "$(dirname "$name")"
        cp -p "$src/$name" "$name"
    fi
done < <(git -C "$src" ls-files -z -co --exclude-standard)
git add -A
git commit -q --allow-empty -m "local-ci: working tree of $src"
git push -q origin local-ci

# ---- job: test -------------------------------------------------------------------------
step "make install"
make install
export PATH="$tmp/work/.venv/bin:$PATH" # what ci.yml appends to GITHUB_PATH
if [ "${LOCAL_CI_SKIP_LINT:-0}" = 1 ]; then
    step "make lint (skipped: LOCAL_CI_SKIP_LINT=1, the caller lints this tree itself)"
else
    step "make lint"
    make lint
fi
step "make ${LOCAL_CI_TEST_TARGET:-test}"
make "${LOCAL_CI_TEST_TARGET:-test}"

# ---- job: pipeline ---------------------------------------------------------------------
dvc remote add --local --default ci "$tmp/dvc-remote"
dvc config --local core.site_cache_dir "$tmp/site-cache"
step "dvc pull (restores the cache; soft, like a cache miss)"
dvc pull || echo "local-ci: nothing to pull yet" >&2
step "dvc repro"
dvc repro
step "dvc.lock committed up to date: git diff --exit-code dvc.lock"
git diff --exit-code dvc.lock
step "reproducibility gate: mlvc pipeline verify (clean clone, empty cache, every stage)"
mlvc pipeline verify
step "mlvc card check"
mlvc card check
step "mlvc report --base origin/main"
mlvc report --base origin/main --format md >"$tmp/report.md"
mlvc report --base origin/main --format json >"$tmp/report.json"
dvc plots diff origin/main --out dvc_plots
if [ -n "${LOCAL_CI_OUT:-}" ]; then
    mkdir -p "$LOCAL_CI_OUT"
    cp "$tmp/report.md" "$tmp/report.json" dvc_plots/index.html models/README.md "$LOCAL_CI_OUT/"
    echo "local-ci: artifacts in $LOCAL_CI_OUT" >&2
fi
step "the pull-request comment"
cat "$tmp/report.md"
step "regression gate: mlvc report --base origin/main --fail-on-regression"
mlvc report --base origin/main --fail-on-regression
step "dvc push (saves the cache)"
dvc push
step "local CI passed"
