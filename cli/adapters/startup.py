"""Work the CLI entry (``cli/entry.py``) starts before the app is imported.

``mlvc registry`` reads every registry tag with one ``git for-each-ref``; the entry
starts it at once, so git runs while Python imports Typer and the app, and hands the
running child to the command. Library callers never see it: ``cli.api.registry``
runs git itself unless given a started listing.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import NamedTuple

from cli.adapters import process

FIELD, RECORD = "\x1f", "\x1e"
# name, object type, the commit an annotated tag points at, tagger time, message
TAG_FORMAT = (
    FIELD.join(
        [
            "%(refname:strip=2)",
            "%(objecttype)",
            "%(*objectname)",
            "%(taggerdate:unix)",
            "%(contents)",
        ]
    )
    + RECORD
)
TAG_LISTING = ("git", "for-each-ref", f"--format={TAG_FORMAT}")
# The listing's pipe holds this much (Linux's default limit for an unprivileged process):
# git writes a listing up to this size while Python imports, without waiting for a reader.
# A larger listing waits for the command to read it, as with the system's default pipe.
LISTING_PIPE_BYTES = 1 << 20


class TagListing(NamedTuple):
    """A ``git for-each-ref refs/tags`` started in ``folder`` (absolute)."""

    folder: Path
    child: subprocess.Popen[str]

    def output(self) -> str:
        """Its standard output once it ends (CommandFailed on a non-zero exit)."""
        return process.finish(self.child).stdout

    def discard(self) -> None:
        """Stop the child if it still runs, and reap it."""
        with self.child:
            if self.child.poll() is None:
                self.child.kill()
            self.child.wait()


def start_tag_listing(folder: Path) -> TagListing:
    """Start listing the annotated tags of the repository holding ``folder`` (absolute)."""
    child = process.start([*TAG_LISTING, "refs/tags"], cwd=folder, pipe_bytes=LISTING_PIPE_BYTES)
    return TagListing(folder, child)
