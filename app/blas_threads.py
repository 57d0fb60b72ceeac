"""OpenBLAS's idle worker threads put to sleep at once, so that they leave the cores to the work.

After each call OpenBLAS's worker threads wait for the next by spinning (``sched_yield`` in a
loop) for 2^28 clock cycles, about 0.1 s, before they sleep. The purchase models' fits sum their
log-likelihood (``counts @ ll``, which OpenBLAS splits between its two threads) every few
milliseconds, so while they run numpy's OpenBLAS and scipy's each keep a worker spinning: on
1,000,000 order lines about 7 of the analysis's 24 CPU seconds, taken from the fits and the
parameter draws running on the same two cores. With ``OPENBLAS_THREAD_TIMEOUT`` (OpenBLAS's own
setting) at :data:`BLAS_THREAD_TIMEOUT` a worker sleeps at once and the next call wakes it (some
microseconds).

The setting is read when a library is loaded, and numpy and scipy are loaded before a front end
starts: :func:`quiet_idle_blas_threads` sets it, has each OpenBLAS library already loaded read it
again (``openblas_read_env``) and stops its workers (``blas_thread_shutdown_``, what OpenBLAS
does before a fork); the library's next threaded call starts as many as before. The number of
threads, hence how each product is split between them and summed, is unchanged, so every figure
is the same to the bit. A library loaded later reads the setting itself.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading

#: The wait of an idle OpenBLAS worker, as OpenBLAS reads it: 2^4 clock cycles (its least), then sleep.
BLAS_THREAD_TIMEOUT = "4"
_DONE: list[bool] = []
_LOCK = threading.Lock()


def quiet_idle_blas_threads() -> list[str]:
    """Have the OpenBLAS libraries loaded (numpy's, scipy's) put their idle workers to sleep at
    once; the paths of the libraries changed. Done once per process.

    Only on Linux (the loaded libraries are found in ``/proc/self/maps``; the CLI and the bench
    run there), only while no other Python thread runs (none can then be inside OpenBLAS), and
    not when the user has set ``OPENBLAS_THREAD_TIMEOUT`` (OpenBLAS read it at load). A library
    without these two functions is left as it is.
    """
    with _LOCK:
        if _DONE or not sys.platform.startswith("linux") or "OPENBLAS_THREAD_TIMEOUT" in os.environ:
            return []
        if threading.active_count() > 1:
            return []
        _DONE.append(True)
        try:
            with open("/proc/self/maps", encoding="utf-8", errors="replace") as maps:
                paths = sorted({path for path in map(_mapped_file, maps) if _is_openblas(path)})
        except OSError:
            return []
        os.environ["OPENBLAS_THREAD_TIMEOUT"] = BLAS_THREAD_TIMEOUT
        changed = []
        for path in paths:
            try:
                library = ctypes.CDLL(path)  # the library already loaded: the same handle
                read_settings, stop_workers = library.openblas_read_env, library.blas_thread_shutdown_
            except (OSError, AttributeError):
                continue
            read_settings()
            stop_workers()
            changed.append(path)
        return changed


def _mapped_file(line: str) -> str:
    """The file a line of ``/proc/self/maps`` maps ('' for none).

    >>> _mapped_file("7f12-7f34 r-xp 00000000 08:01 1234   /usr/lib/libopenblas.so.0\\n")
    '/usr/lib/libopenblas.so.0'
    >>> _mapped_file("7ffd-7ffe rw-p 00000000 00:00 0   [stack]\\n")
    ''
    """
    fields = line.split(maxsplit=5)
    path = fields[5].strip() if len(fields) == 6 else ""
    return path if path.startswith("/") else ""


def _is_openblas(path: str) -> bool:
    """Whether ``path`` is an OpenBLAS shared library (numpy's and scipy's wheels: ``libscipy_openblas*.so``).

    >>> _is_openblas("/x/numpy.libs/libscipy_openblas64_-32a4b2a6.so"), _is_openblas("/usr/lib/libm.so.6")
    (True, False)
    """
    name = path.rsplit("/", 1)[-1].lower()
    return "openblas" in name and ".so" in name
