"""Freed memory kept for reuse by the C allocator during a headless run, rather than handed back.

A report on a million rows makes and frees arrays of megabytes all the time (a column of a million
floats is 8 MB). glibc's malloc hands large blocks back to the system when they are freed (each
block above its mmap threshold is a mapping of its own; the top of the heap is trimmed), so the
next array of the same size is new memory again, and every one of its pages is faulted in and
zeroed by the kernel. On the machines the benchmarks run on (virtual machines whose memory the
host reclaims) a page fault costs 15-45 microseconds: the 1,048,575-account run spent 5-12 s of
system time in them. :func:`keep_freed_memory` raises glibc's mmap threshold to its largest
(32 MiB), the trim threshold to 1 GiB and the heap's growth to 64 MiB at a time, so that freed
blocks are reused. Measured on that run (``bench.bench_cli.run_segmenter``, fresh processes,
alternated): system time 5.6-12.2 s -> 4.0-4.8 s, the whole run 16.7-24.2 s -> 14.2-18.3 s, the
peak 1,015-1,042 -> 1,250-1,300 MiB (the heap keeps what it freed).

Arrow's buffers are then taken from the same allocator (:func:`_arrow_from_malloc`). Only the CLI
and the benchmarks that time it call it, once, at their start; only with glibc (``mallopt``);
figures are not touched, only where the allocators find memory.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

#: glibc's ``mallopt`` parameters (malloc.h) and the values set.
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
SETTINGS = {
    "M_MMAP_THRESHOLD": (M_MMAP_THRESHOLD, 32 << 20),  # glibc's largest: blocks up to 32 MiB from the heap
    "M_TRIM_THRESHOLD": (M_TRIM_THRESHOLD, 1 << 30),  # the heap's free top handed back past 1 GiB only
    "M_TOP_PAD": (M_TOP_PAD, 64 << 20),  # the heap grown 64 MiB at a time
}
_DONE: list[bool] = []


def keep_freed_memory() -> dict[str, int]:
    """Have glibc's malloc keep freed memory for reuse (see the module docstring); the settings
    applied, by name ({} where the C library is not glibc, or was asked already).

    Setting any of them also stops glibc's own adjustment of the thresholds, which would
    otherwise start from 128 KiB again in a new process.
    """
    if _DONE or not sys.platform.startswith("linux"):
        return {}
    _DONE.append(True)
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return {}
    mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    applied = {name: value for name, (parameter, value) in SETTINGS.items() if mallopt(parameter, value) == 1}
    if applied:
        _arrow_from_malloc()
    return applied


def _arrow_from_malloc() -> None:
    """Arrow's buffers from the C allocator too (``pyarrow.system_memory_pool``), so that they
    come from the heap kept: Arrow's own allocator (mimalloc in the wheels) hands freed memory
    back to the system at once. The 1,048,575-account run, alternated in fresh processes:
    system time 4.8-9.4 s -> 1.3-4.1 s."""
    try:
        import pyarrow as pa
    except ImportError:  # the reader and writer then use pandas' and rust_xlsxwriter's own paths
        return
    pa.set_memory_pool(pa.system_memory_pool())
