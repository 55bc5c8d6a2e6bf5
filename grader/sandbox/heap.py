"""glibc's malloc thresholds set to their own steady state from the first allocation.

glibc serves a block above its mmap threshold (128 KiB at start) with a fresh mmap and
gives it back on free, and trims the top of the heap above its trim threshold; it raises
both as a program frees large blocks, up to 32 MiB and 64 MiB.  Until it has, every
tensor of a few MiB costs a mapping, a page fault per 4 KiB and the zeroing of each page:
the reference of the 10240-token attention case (tiles of 4 MiB, freed as soon as used)
spent a third of its time there, in the grader and again in the learner's worker.

``settle()`` sets the two thresholds where glibc's own rule ends up, so nothing is kept
that glibc would not keep after its first large free: blocks above 32 MiB are still
mapped and unmapped alone, and free memory at the top of the heap is reused by the next
allocation before the heap grows (a worker's memory limit sees the same peak).
"""

from __future__ import annotations

import ctypes

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 32 << 20  # glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64-bit systems
TRIM_THRESHOLD = 2 * MMAP_THRESHOLD  # what glibc sets beside a raised mmap threshold


def settle() -> bool:
    """Set the thresholds for this process (and the processes it forks); False where the
    C library has no mallopt (not glibc), which changes nothing but speed."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD))
