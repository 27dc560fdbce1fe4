"""``re.search`` for a schema's ``pattern`` keywords in a child process, under a time budget.

Python's ``re`` cannot be interrupted: a pattern such as ``^(a+)+$`` backtracks for hours on
a 35-character text, holding the GIL. jsonschema evaluates ``pattern`` with ``re.search``,
so the verdict must come from ``re`` itself; this worker runs exactly that search in a
separate interpreter and kills it when a batch outlives its budget. The process starts on
the first pattern to evaluate (a schema without patterns never starts it) and serves every
column of one check, one batch at a time.
"""

from __future__ import annotations

import marshal
import os
import selectors
import struct
import subprocess
import sys
import threading
import time
from types import TracebackType

# The child: read (pattern, texts) frames, answer with the indices of the texts the
# pattern does not match (re.search, as jsonschema's "pattern" keyword).
CHILD = """
import marshal, re, struct, sys
read, write = sys.stdin.buffer, sys.stdout.buffer
while True:
    head = read.read(8)
    if len(head) < 8:
        break
    pattern, texts = marshal.loads(read.read(struct.unpack("<Q", head)[0]))
    search = re.compile(pattern).search
    body = marshal.dumps([i for i, text in enumerate(texts) if search(text) is None])
    write.write(struct.pack("<Q", len(body)) + body)
    write.flush()
"""
BASE_SECONDS = 1.0  # every batch gets this much...
SECONDS_PER_MILLION_CHARS = 1.0  # ...plus this much per million characters it holds
SPLIT_TEXTS = 65_536  # a batch of at least twice this many texts is split over children


class PatternWorker:
    """``failing(pattern, texts)``: indices of ``texts`` that ``pattern`` does not match.

    Raises :class:`TimeoutError` (its argument: the budget in seconds) when a batch takes
    longer than its budget; that batch's children are killed. Thread-safe: each batch takes
    children of its own (started on first use, kept for the next batch), so the columns
    that a check runs on several threads search in parallel, outside this process's GIL.
    """

    def __init__(
        self,
        *,
        base_seconds: float = BASE_SECONDS,
        seconds_per_million_chars: float = SECONDS_PER_MILLION_CHARS,
    ) -> None:
        self.base_seconds = base_seconds
        self.per_char = seconds_per_million_chars / 1e6
        self._lock = threading.Lock()  # guards the two sets below and _closed
        self._idle: list[subprocess.Popen[bytes]] = []
        self._children: set[subprocess.Popen[bytes]] = set()
        self._closed = False
        self.parallel = os.cpu_count() or 1

    @property
    def running(self) -> int:
        """How many child processes are running now."""
        with self._lock:
            return sum(child.poll() is None for child in self._children)

    def budget(self, texts: list[str]) -> float:
        """Seconds a batch of ``texts`` may take."""
        return self.base_seconds + self.per_char * sum(map(len, texts))

    def failing(self, pattern: str, texts: list[str]) -> list[int]:
        """Indices of the texts where ``re.search(pattern, text)`` finds nothing.

        A large batch is split over up to one child per core, which search in parallel.
        """
        if not texts:
            return []
        parts = max(1, min(self.parallel, len(texts) // SPLIT_TEXTS))
        size = -(-len(texts) // parts)
        offsets = range(0, len(texts), size)
        batches = [texts[offset : offset + size] for offset in offsets]
        taken: list[subprocess.Popen[bytes]] = []
        try:
            for batch in batches:  # every child reads its whole batch before searching
                taken.append(self._take())
                body = marshal.dumps((pattern, batch))
                stdin = taken[-1].stdin
                assert stdin is not None
                stdin.write(struct.pack("<Q", len(body)) + body)
                stdin.flush()
            replies = [
                self._reply(child, self.budget(batch))
                for child, batch in zip(taken, batches, strict=True)
            ]
        except BaseException:
            for child in taken:
                self._end(child, kill=True)
            raise
        self._give_back(taken)
        return [
            offset + index
            for offset, reply in zip(offsets, replies, strict=True)
            for index in marshal.loads(reply)  # noqa: S302 - our own child's reply: ints
        ]

    def _give_back(self, children: list[subprocess.Popen[bytes]]) -> None:
        """Keep children for the next batch, or end them once the worker is closed."""
        with self._lock:
            keep = not self._closed
            if keep:
                self._idle.extend(children)
        if not keep:
            for child in children:
                self._end(child, kill=False)

    def _take(self) -> subprocess.Popen[bytes]:
        """An idle child, or a new one."""
        with self._lock:
            if self._closed:  # a column thread still running after the check ended
                raise RuntimeError("the pattern worker is closed")
            if self._idle:
                return self._idle.pop()
            child = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", CHILD],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                bufsize=0,
            )
            self._children.add(child)
            return child

    @staticmethod
    def _reply(child: subprocess.Popen[bytes], seconds: float) -> bytes:
        """One framed reply, read within ``seconds`` (else :class:`TimeoutError`)."""
        assert child.stdout is not None
        deadline = time.monotonic() + seconds
        fd = child.stdout.fileno()
        data = bytearray()
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while len(data) < 8 or len(data) < 8 + struct.unpack("<Q", data[:8])[0]:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not selector.select(remaining):
                    raise TimeoutError(seconds)
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise RuntimeError("the pattern worker exited unexpectedly")
                data += chunk
        return bytes(data[8:])

    def _end(self, child: subprocess.Popen[bytes], *, kill: bool) -> None:
        """Stop one child: end of input lets an idle one exit; a busy one is killed."""
        try:
            if kill:
                child.kill()
            elif child.stdin is not None:
                child.stdin.close()
            child.wait(timeout=1)
        except (OSError, subprocess.TimeoutExpired):
            child.kill()
            child.wait()
        for pipe in (child.stdin, child.stdout):
            if pipe is not None:
                pipe.close()
        with self._lock:
            self._children.discard(child)

    def close(self) -> None:
        """End every idle child; a busy one ends when its batch returns."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, []
        for child in idle:
            self._end(child, kill=False)

    def __enter__(self) -> PatternWorker:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
