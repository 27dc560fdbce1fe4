"""Process state for the ``mlvc`` command: glibc's malloc settings and the worker pools.

Only the CLI edge calls :func:`configure` (``cli/commands/schema.py``, once per process);
``cli.api`` functions receive the :class:`Pools` it returns as an argument and run serially
without them, so that a program calling ``cli.api`` gets no thread and no allocator change.

Malloc: checking a chunk allocates and frees many arrays of a few MiB, on several threads.
glibc's defaults return such freed blocks to the system (``munmap``, heap trimming) and
fault them in again on the next chunk. With these settings freed blocks under
``MMAP_THRESHOLD`` stay in the process for reuse, and a heap gives memory back once
``TRIM_THRESHOLD`` of it is free at its top. Memory stays bounded: chunks are bounded,
larger blocks are still mapped and unmapped as before, and each thread's heap keeps at
most what that thread used at once. The settings change no result.

Pools: CSV ranges are parsed on half the cores (the checks of earlier ranges take the
others; parsing on every core first would leave the checks alone at the end, where they
use cores less well); a chunk's columns are checked on every core (Arrow and NumPy release
the GIL). The benchmarks (``benchmarks/bench_schema.py``) measure both choices.
"""

from __future__ import annotations

import functools
import os
import sys
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass

MMAP_THRESHOLD = 16 << 20
TRIM_THRESHOLD = 32 << 20
# mallopt parameter numbers, from glibc's <malloc.h>
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


@functools.cache
def keep_freed_memory() -> bool:
    """Set glibc's malloc thresholds above (once per process); whether they took.

    A no-op returning False where the C library has no ``mallopt`` (macOS, Windows)
    or ignores it (musl).
    """
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the process already runs on
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    took_mmap = mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1
    took_trim = mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1
    return took_mmap and took_trim


@dataclass(frozen=True)
class Pools:
    """Executors for table work; ``None`` runs that part serially in the calling thread."""

    parse: Executor | None = None  # CSV ranges, parsed ahead of the checks
    check: Executor | None = None  # the columns of one chunk


@functools.cache
def configure() -> Pools:
    """Set the malloc thresholds and build the process's pools (once per process)."""
    keep_freed_memory()
    cores = os.cpu_count() or 1
    return Pools(
        parse=ThreadPoolExecutor(max_workers=max(1, cores // 2), thread_name_prefix="mlvc-csv"),
        check=ThreadPoolExecutor(max_workers=cores, thread_name_prefix="mlvc-schema"),
    )
