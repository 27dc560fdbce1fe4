"""`mlvc release --push` against an S3-compatible remote: dvc-s3 and moto's S3 server on loopback.

Each test starts its own ``moto_server`` on a free 127.0.0.1 port, creates a bucket with
boto3 and points a ``--local`` DVC remote at it; the server is stopped in teardown. Only a
few bytes are pushed (moto keeps objects in memory). The git remote is a bare repository.
"""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from cli import api as reg
from cli import errors
from cli.adapters import dvc_cli, git
from tests.registry_repo import (
    MODEL,
    NAME,
    copy_repo,
    run,
    template_repo,
    write_dvc_local_config,
)

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
KEY = "testing"  # moto accepts any credentials
# the developer's own AWS settings must not reach the test's DVC remote
AWS_USER_SETTINGS = (
    "AWS_PROFILE",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CONFIG_FILE",
    "AWS_SHARED_CREDENTIALS_FILE",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_MAX_ATTEMPTS",
)


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The registry test project, with AWS settings of the user's own machine removed."""
    extra = {"AWS_EC2_METADATA_DISABLED": "true"}  # never probe 169.254.169.254 for credentials
    with template_repo(tmp_path_factory, extra_env=extra, unset=AWS_USER_SETTINGS) as repo:
        yield repo


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class S3Server:
    """A running moto S3 server and the bucket created in it."""

    process: subprocess.Popen[bytes]
    endpoint: str
    bucket: str
    log: Path

    def client(self):  # boto3's client type is generated at run time
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            aws_access_key_id=KEY,
            aws_secret_access_key=KEY,
            region_name="us-east-1",
        )

    def keys(self) -> dict[str, bytes]:
        client = self.client()
        listed = client.list_objects_v2(Bucket=self.bucket).get("Contents", [])
        return {
            o["Key"]: client.get_object(Bucket=self.bucket, Key=o["Key"])["Body"].read()
            for o in listed
        }

    def stop(self) -> None:
        """SIGTERM, then wait; SIGKILL if it does not exit within 10 s."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


@pytest.fixture
def s3(tmp_path: Path) -> Iterator[S3Server]:
    """``moto_server`` on a free loopback port with a fresh bucket; stopped in teardown."""
    executable = BIN / "moto_server"
    if not executable.is_file():
        pytest.fail(
            f"{executable} not found: install the dev extra (moto[server], boto3, dvc-s3)",
            pytrace=False,
        )
    port = free_port()
    log = tmp_path / "moto.log"
    with log.open("wb") as out:  # a file, not a pipe: a full pipe would block the server
        process = subprocess.Popen(
            [str(executable), "-H", "127.0.0.1", "-p", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = S3Server(process, f"http://127.0.0.1:{port}", f"mlvc-{uuid.uuid4().hex[:12]}", log)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"moto_server exited {process.returncode}:\n{log.read_text()}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"moto_server did not listen on port {port} within 30 s")
                time.sleep(0.05)
        server.client().create_bucket(Bucket=server.bucket)
        yield server
    finally:
        server.stop()


@pytest.fixture
def repo(template: Path, tmp_path: Path, s3: S3Server) -> Path:
    """A copy of the template with a bare git origin and the S3 bucket as default DVC remote."""
    copy = copy_repo(template, tmp_path)
    bare = tmp_path / "origin.git"
    run(["git", "init", "-q", "--bare", str(bare)], tmp_path)
    run(["git", "remote", "add", "origin", str(bare)], copy)
    # what `dvc remote add -d --local s3r URL` and `dvc remote modify --local` write
    remote = {
        "url": f"s3://{s3.bucket}/store",
        "endpointurl": s3.endpoint,
        "access_key_id": KEY,
        "secret_access_key": KEY,
    }
    site = {"site_cache_dir": str(tmp_path / "site"), "remote": "s3r"}
    write_dvc_local_config(copy, {"core": site, "'remote \"s3r\"'": remote})
    return copy


def tags(path: Path) -> list[str]:
    return run(["git", "tag", "--list"], path).stdout.split()


def test_release_push_publishes_objects_to_s3_then_the_tag(repo: Path, s3: S3Server) -> None:
    assert s3.keys() == {}
    result = reg.release(repo=repo, push=True)
    assert result.created and result.pushed and result.remote == "origin"
    assert tags(repo.parent / "origin.git") == [f"{NAME}@v0.0.1"]
    model = (repo / MODEL).read_bytes()
    md5 = hashlib.md5(model, usedforsecurity=False).hexdigest()
    lock = yaml.safe_load((repo / "dvc.lock").read_text())
    outs = {o["path"]: o["md5"] for o in lock["stages"]["train"]["outs"]}
    assert outs[MODEL] == md5
    # DVC 3's object layout: <remote url>/files/md5/<first 2 hex>/<remaining 30 hex>
    assert s3.keys() == {f"store/files/md5/{md5[:2]}/{md5[2:]}": model}
    assert run(["dvc", "status", "--cloud", "--json"], repo).stdout.strip() in ("{}", "")


@pytest.mark.parametrize(
    ("stop_before", "failed_command"),
    [
        pytest.param("push", "'dvc push", id="server-stops-before-the-upload"),
        pytest.param(
            "remote_missing",
            "'dvc status --cloud",
            id="server-stops-after-upload-before-the-check",
        ),
    ],
)
def test_server_stopping_during_the_push_publishes_no_tag(
    repo: Path,
    s3: S3Server,
    monkeypatch: pytest.MonkeyPatch,
    stop_before: str,
    failed_command: str,
) -> None:
    """The tag exists locally when the push starts; a dead S3 endpoint must remove it.

    ``push``: the server is stopped (and reaped) just before the real ``dvc push``, so the
    upload meets a closed port and dvc exits non-zero. ``remote_missing``: the upload
    succeeds, then the server is stopped before ``dvc status --cloud``, so the verification
    step itself fails. Either way no tag may reach the git remote.
    """
    real = getattr(dvc_cli, stop_before)
    seen: list[tuple[list[str], int]] = []  # (local tags, objects in the bucket) at the stop

    def stop_then_call(*args, **kwargs):
        seen.append((tags(repo), len(s3.keys())))
        s3.stop()
        return real(*args, **kwargs)

    monkeypatch.setattr(dvc_cli, stop_before, stop_then_call)
    # botocore's default 5 attempts with back-off take 5-12 s against a closed port
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with pytest.raises(
        errors.ReleaseFailed, match=rf"release not published, local tag '{NAME}@v0\.0\.1' removed"
    ) as failure:
        reg.release(repo=repo, push=True)
    uploaded = 1 if stop_before == "remote_missing" else 0
    assert seen == [([f"{NAME}@v0.0.1"], uploaded)]  # the tag existed when the server stopped
    assert s3.process.returncode is not None  # the server really was down
    assert failed_command in failure.value.message and "exited" in failure.value.message
    assert tags(repo) == []
    assert tags(repo.parent / "origin.git") == []
    with git.registry_lock(repo):  # released: the next command takes it
        pass


def test_failed_push_names_the_cause(
    repo: Path, s3: S3Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    s3.stop()
    monkeypatch.setenv("AWS_MAX_ATTEMPTS", "1")
    with pytest.raises(errors.ReleaseFailed) as failure:
        reg.release(repo=repo, push=True)
    assert "Could not connect to the endpoint URL" in failure.value.message
    assert "Having any troubles" not in failure.value.message
