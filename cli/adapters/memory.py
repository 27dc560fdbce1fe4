"""Process-wide memory settings for chunked, vectorised work (glibc's malloc on Linux).

Checking a chunk allocates and frees many arrays of a few MiB, on several threads.
glibc's defaults return such freed blocks to the system (``munmap``, heap trimming)
and fault them in again on the next chunk: ~9,000 page faults and 10-15% of a 1M-row
schema check's CPU on the 2-core machine the benchmark ran on. With these settings
freed blocks under ``MMAP_THRESHOLD`` stay in the process for reuse, and a heap gives
memory back once ``TRIM_THRESHOLD`` of it is free at its top. Memory stays bounded:
chunks are bounded, and larger blocks are still mapped and unmapped as before; each
thread's heap keeps at most what that thread used at once. The settings are process-wide
(a program calling ``cli.api`` gets them too) and change no result.
"""

from __future__ import annotations

import functools
import sys

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
