"""The GitHub workflows: triggers, least privilege, pinned actions, thin steps that run locally.

Every ``run:`` line must start a command that also exists outside GitHub: a make
target of the Makefile, an ``mlvc`` command registered in ``cli.app``, or one of a
few plain tools (git, gh, dvc, echo, cat). ``.ci/local-ci.sh`` must run the same
sequence as ``ci.yml``.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from cli.app import app

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = ROOT / ".github" / "workflows"
FILES = {"ci": WORKFLOWS / "ci.yml", "ct": WORKFLOWS / "ct.yml"}
TOOLS = {"git", "gh", "dvc", "echo", "cat"}
SHELL_KEYWORDS = {"if", "then", "else", "elif", "fi", "!"}
SHELL_BUILTINS = {"["}
SEPARATORS = {"&&", "||", "|", ";", "(", ")"}
# (workflow, job, scope) allowed to write; everything else reads at most
WRITES = {("ci", "comment", "pull-requests"), ("ct", "train", "contents")}
SHA_PIN = re.compile(r"^\s*(?:-\s+)?uses:\s*([\w.-]+/[\w./-]+)@([0-9a-f]{40})\s+#\s*v\d[\w.]*\s*$")


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load(FILES[name].read_text())


def triggers(doc: dict[str, Any]) -> dict[str, Any]:
    """The ``on:`` mapping (YAML 1.1 reads the key ``on`` as True)."""
    return doc.get("on", doc.get(True))


def steps(doc: dict[str, Any]) -> Iterator[tuple[str, int, dict[str, Any]]]:
    for job, spec in doc["jobs"].items():
        for index, step in enumerate(spec.get("steps", [])):
            yield job, index, step


def make_targets() -> set[str]:
    text = (ROOT / "Makefile").read_text()
    return {m.group(1) for m in re.finditer(r"^([a-z][\w-]*):(?!=)", text, re.M)}


def mlvc_commands(group: typer.Typer = app, prefix: tuple[str, ...] = ()) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for command in group.registered_commands:
        found.add((*prefix, command.name or command.callback.__name__))
    for sub in group.registered_groups:
        found |= mlvc_commands(sub.typer_instance, (*prefix, sub.name))
    return found


def substitutions(line: str) -> tuple[str, list[str]]:
    """``line`` with every ``$(...)`` replaced by a placeholder, and the scripts inside them."""
    inner: list[str] = []
    while (start := line.find("$(")) != -1:
        depth, quote, end = 1, None, len(line)
        for i in range(start + 2, len(line)):
            char = line[i]
            if quote:
                quote = None if char == quote else quote
            elif char in "'\"":
                quote = char
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    end = i
                    break
        inner.append(line[start + 2 : end])
        line = line[:start] + "SUBSTITUTED" + line[end + 1 :]
    return line, inner


def command_words(script: str) -> list[list[str]]:
    """The words of every simple command in a shell script (pipelines, lists, substitutions)."""
    commands: list[list[str]] = []
    for raw in script.splitlines():
        line, inner = substitutions(raw.strip())
        for sub in inner:
            commands += command_words(sub)
        if not line or line.startswith("#"):
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        current: list[str] = []
        for token in [*lexer, ";"]:
            if token in SEPARATORS:
                if current:
                    commands.append(current)
                current = []
            elif not current and (token in SHELL_KEYWORDS or re.match(r"^\w+=", token)):
                continue  # `if`, `then`, ...; variable assignments before a command
            else:
                current.append(token)
    return commands


def run_commands(name: str) -> list[tuple[str, list[str]]]:
    return [
        (job, words)
        for job, _, step in steps(load(name))
        if "run" in step
        for words in command_words(step["run"])
    ]


def test_command_parser() -> None:
    script = (
        'id=$(gh api "x/$Y" --jq \'[.[] | select(.a and (.b | f("c")))][0].id // empty\')\n'
        'if [ -n "$id" ]; then\n  gh api -F body=@r.md\nfi\n'
        'git diff --cached --quiet || git commit -m "a (b)"\n'
        'echo "rev=$(git describe 2>/dev/null || git rev-list HEAD)" >> "$OUT"\n'
    )
    assert [w[0] for w in command_words(script)] == [
        "gh", "[", "gh", "git", "git", "git", "git", "echo"
    ]  # fmt: skip


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_run_step_is_a_local_command(name: str) -> None:
    targets, commands = make_targets(), mlvc_commands()
    assert run_commands(name), f"{name}: no run steps found"
    for job, words in run_commands(name):
        tool = words[0]
        where = f"{name}.yml job {job}: {' '.join(words)}"
        if tool == "make":
            named = [w for w in words[1:] if not w.startswith("-")]  # make's flags: -s
            assert named and named[0] in targets, f"{where}: not a make target"
        elif tool == "mlvc":
            assert tuple(words[1:2]) in commands or tuple(words[1:3]) in commands, (
                f"{where}: not an mlvc command registered in cli/app.py"
            )
        else:
            assert tool in TOOLS | SHELL_BUILTINS, f"{where}: use a make target or mlvc command"


def test_triggers() -> None:
    ci, ct = triggers(load("ci")), triggers(load("ct"))
    assert set(ci) == {"push", "pull_request"}
    assert ci["push"]["branches"] == ["main"]
    assert set(ct) == {"push", "schedule", "workflow_dispatch"}
    assert ct["push"]["branches"] == ["main"]
    assert {"data/**", "params.yaml", "dvc.yaml", "stages/**", "cli/**"} <= set(ct["push"]["paths"])
    assert re.fullmatch(r"[\d*]+ [\d*]+ \* \* [\d*]", ct["schedule"][0]["cron"])


@pytest.mark.parametrize("name", sorted(FILES))
def test_no_dangerous_triggers(name: str) -> None:
    assert not {"pull_request_target", "workflow_run"} & set(triggers(load(name)))


@pytest.mark.parametrize("name", sorted(FILES))
def test_least_privilege_permissions(name: str) -> None:
    doc = load(name)
    assert doc["permissions"] in ({}, {"contents": "read"}), "top level: nothing, or read"
    for job, spec in doc["jobs"].items():
        permissions = spec.get("permissions")
        assert isinstance(permissions, dict), f"{name}.yml job {job}: set permissions per job"
        for scope, level in permissions.items():
            assert level in ("read", "write", "none")
            if level == "write":
                assert (name, job, scope) in WRITES, f"{name}.yml job {job}: {scope}: write"


@pytest.mark.parametrize("name", sorted(FILES))
def test_concurrency_and_timeouts(name: str) -> None:
    doc = load(name)
    assert "group" in doc["concurrency"]
    for job, spec in doc["jobs"].items():
        assert 0 < spec["timeout-minutes"] <= 60, f"{name}.yml job {job}: timeout-minutes"


@pytest.mark.parametrize("name", sorted(FILES))
def test_actions_are_pinned_by_commit_sha_with_a_version_comment(name: str) -> None:
    text = FILES[name].read_text()
    used = [step["uses"] for _, _, step in steps(load(name)) if "uses" in step]
    lines = [line for line in text.splitlines() if re.match(r"^\s*(-\s+)?uses:", line)]
    assert used and len(lines) == len(used)
    for line in lines:
        assert SHA_PIN.match(line), f"{name}.yml: pin by full SHA with a '# vX' comment: {line}"


@pytest.mark.parametrize("name", sorted(FILES))
def test_no_expressions_inside_run_scripts(name: str) -> None:
    for job, index, step in steps(load(name)):
        assert "${{" not in step.get("run", ""), f"{name}.yml job {job} step {index}: use env:"


def walk(node: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk(value, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, (*path, index))
    elif isinstance(node, str):
        yield path, node


@pytest.mark.parametrize("name", sorted(FILES))
def test_tokens_and_secrets_only_in_the_env_of_steps_that_use_them(name: str) -> None:
    for path, value in walk(load(name)):
        if "secrets." in value or "github.token" in value:
            assert path[0] == "jobs" and path[2] == "steps" and path[4] == "env", (
                f"{name}.yml: {'.'.join(map(str, path))}: secrets belong in a step's env"
            )


@pytest.mark.parametrize("name", sorted(FILES))
def test_no_checkout_keeps_the_token(name: str) -> None:
    """`make install` and `dvc repro` run code from packages and stages: no token in .git/config."""
    for job, index, step in steps(load(name)):
        if step.get("uses", "").startswith("actions/checkout@"):
            keep = step.get("with", {}).get("persist-credentials")
            assert keep is False, f"{name}.yml job {job} step {index}: persist-credentials: false"


def pushes(step: dict[str, Any]) -> bool:
    """The step runs `git push`, or `mlvc release --push` (which runs it)."""
    return any(
        words[:2] == ["git", "push"] or (words[:2] == ["mlvc", "release"] and "--push" in words)
        for words in command_words(step.get("run", ""))
    )


def test_git_gets_the_token_only_in_the_steps_that_push() -> None:
    train = [step for job, _, step in steps(load("ct")) if job == "train"]
    pushing = [step for step in train if pushes(step)]
    assert len(pushing) == 2  # the pipeline commit; the release tag
    for step in train:
        env = step.get("env", {})
        helper = env.get("GIT_CONFIG_KEY_0") == "credential.helper"
        assert helper is pushes(step), f"ct.yml train: {step.get('name')}: credential helper"
        if "github.token" in str(env):
            assert pushes(step) or step["run"].startswith("gh release create"), step.get("name")
    untrusted = ["make install", "dvc pull", "dvc repro"]
    before_push = [s for s in train[: train.index(pushing[0])] if s.get("run") in untrusted]
    assert len(before_push) == len(untrusted)
    assert not any("github.token" in str(s.get("env", {})) for s in before_push)


def test_the_credential_helper_answers_git_with_the_steps_token(tmp_path: Path) -> None:
    """Run the helper as the push steps configure it: git's `credential fill` gets the token."""
    import subprocess

    from tests.isolation import isolated_git_env

    (step, *_) = [s for j, _, s in steps(load("ct")) if j == "train" and pushes(s)]
    env = {
        **isolated_git_env(tmp_path),
        **{k: v for k, v in step["env"].items() if k.startswith("GIT_CONFIG_")},
        "GH_TOKEN": "token-from-the-step-env",
        "GIT_TERMINAL_PROMPT": "0",
    }
    done = subprocess.run(
        ["git", "credential", "fill"],
        input="protocol=https\nhost=github.com\n\n",
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "username=x-access-token\npassword=token-from-the-step-env\n" in done.stdout


@pytest.mark.parametrize("name", sorted(FILES))
def test_secrets_are_read_only_in_jobs_that_run_in_an_environment(name: str) -> None:
    """The DVC remote's secrets live in GitHub environments a repository can protect."""
    for job, spec in load(name)["jobs"].items():
        if "secrets." in str(spec.get("steps", [])):
            assert spec.get("environment"), f"{name}.yml job {job}: environment"
    assert load("ct")["jobs"]["train"]["environment"] == "release"


def test_make_lint_runs_zizmor_as_the_auditor() -> None:
    lint = (ROOT / "Makefile").read_text().split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "zizmor --offline --persona=auditor" in lint


def step_commands(name: str, job: str) -> list[str]:
    return [
        " ".join(words)
        for _, _, step in [s for s in steps(load(name)) if s[0] == job]
        if "run" in step
        for words in command_words(step["run"])
    ]


def first_index(commands: list[str], prefix: str) -> int:
    return next(i for i, c in enumerate(commands) if c.startswith(prefix))


def assert_in_order(commands: list[str], prefixes: list[str]) -> None:
    """Each prefix starts a command, and their first commands come in this order."""
    positions = [first_index(commands, prefix) for prefix in prefixes]
    assert positions == sorted(positions)


def test_ci_pipeline_order_cache_and_sticky_comment() -> None:
    from cli.render.report import MARKER

    test = step_commands("ci", "test")
    assert test == ["make install", "make lint", "make test"]
    pipeline = step_commands("ci", "pipeline")
    order = [
        "make install",
        "dvc repro",
        "git diff --exit-code dvc.lock",
        "mlvc pipeline verify",
        "mlvc card check",
        "mlvc report --base",
    ]
    assert_in_order(pipeline, order)
    doc = load("ci")
    (cache,) = [s for _, _, s in steps(doc) if s.get("uses", "").startswith("actions/cache@")]
    assert cache["with"]["path"] == ".dvc/cache"
    assert "hashFiles('dvc.lock')" in cache["with"]["key"]
    uploads = [s for _, _, s in steps(doc) if s.get("uses", "").startswith("actions/upload-")]
    assert {"report.md", "models/README.md"} <= set(uploads[0]["with"]["path"].split())
    comment = "\n".join(s.get("run", "") for j, _, s in steps(doc) if j == "comment")
    assert MARKER in comment and "--method PATCH" in comment


def test_the_reproducibility_gate_reruns_every_stage_without_a_cache() -> None:
    """After the cache restore, `dvc repro` skips every unchanged stage: the gate must not."""
    doc = load("ci")
    pipeline = [step for job, _, step in steps(doc) if job == "pipeline"]
    restore = max(i for i, s in enumerate(pipeline) if "actions/cache@" in s.get("uses", ""))
    after = [" ".join(w) for s in pipeline[restore + 1 :] for w in command_words(s.get("run", ""))]
    gates = [
        c
        for c in after
        if c.startswith("mlvc pipeline verify")
        or (c.startswith("dvc repro") and {"--force", "--no-run-cache"} <= set(c.split()))
    ]
    assert gates, "ci.yml: no rerun of every stage from raw inputs after the cache restore"
    script = (ROOT / ".ci" / "local-ci.sh").read_text()
    assert "\nmlvc pipeline verify\n" in script


def test_ct_retrains_gates_commits_releases_and_publishes_in_one_job() -> None:
    train = step_commands("ct", "train")
    order = [
        "dvc pull",
        "dvc repro",
        "mlvc card check",
        "mlvc report --base HEAD --fail-on-regression",
        "git add dvc.lock",
        "git -c user.name",
        "git push origin HEAD:main",
        "mlvc release --bump",
        "gh release create",
    ]
    assert_in_order(train, order)
    assert "--push" in train[first_index(train, "mlvc release")]
    decide = step_commands("ct", "decide")
    assert "make ct-check" in decide
    doc = load("ct")
    retrain = doc["jobs"]["decide"]["outputs"]["retrain"]
    assert "github.event_name != 'schedule'" in retrain and "steps.drift.outcome" in retrain
    pull = [s for j, _, s in steps(doc) if j == "train" and s.get("run") == "dvc pull"]
    assert pull and pull[0]["continue-on-error"] is True


def test_local_ci_runs_the_ci_sequence() -> None:
    script = (ROOT / ".ci" / "local-ci.sh").read_text()
    for job in ("test", "pipeline"):
        for command in step_commands("ci", job):
            if command.startswith(("echo", "cat")):
                continue  # GitHub's PATH and job summary
            command = command.replace(" test", ' "${LOCAL_CI_TEST_TARGET:-test}"')
            command = command.replace("origin/$BASE_REF", "origin/main")
            assert command.split(" >")[0] in script, f".ci/local-ci.sh lacks: {command}"
    assert (ROOT / ".ci" / "local-ci.sh").stat().st_mode & 0o111


def test_the_scheduled_check_monitors_the_prod_model_when_a_log_exists() -> None:
    """`make ct-check`: `mlvc monitor NAME#prod` with a log under monitoring/NAME, else drift;
    NAME is dvc.yaml's model artifact, never written in the recipe; tags are fetched."""
    recipe = (ROOT / "Makefile").read_text().split("\nct-check:", 1)[1].split("\n\n", 1)[0]
    assert 'compgen -G "monitoring/$$model/' in recipe
    monitor = recipe.index('$(VENV)/bin/mlvc monitor --model "$$model#prod"')
    drift = recipe.index("$(VENV)/bin/mlvc drift --reference")
    assert monitor < drift and "$(MODEL_NAME)" in recipe
    assert "penguins" not in recipe  # the raw file too comes from params.yaml's data.name
    name_command = (ROOT / "Makefile").read_text().split("\nMODEL_NAME = ", 1)[1].split("\n")[0]
    assert "artifacts()" in name_command
    assert "penguins" not in (ROOT / ".github/workflows/ct.yml").read_text()
    decide = load("ct")["jobs"]["decide"]
    (checkout,) = [s for s in decide["steps"] if s.get("uses", "").startswith("actions/checkout@")]
    assert checkout["with"]["fetch-depth"] == 0
    (check,) = [s for s in decide["steps"] if s.get("run") == "make ct-check"]
    assert check["id"] == "drift" and check["continue-on-error"] is True
