"""Work on two cores: independent computations run on threads where numpy's, scipy's and Arrow's
functions release the GIL, each computed exactly as it would be alone, so no figure depends on
the threads. Pyodide (xlwings Lite) starts no thread: there everything runs in the calling thread.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

#: Threads that independent fits and parameter draws run on (:func:`run_together`): numpy's and
#: scipy's array functions release the GIL, so two of them run at once on two cores (on one core
#: the threads take turns; 1 runs them one after the other in the calling thread). Pyodide (xlwings
#: Lite) starts no thread: there, 1.
WORKERS = 1 if sys.platform == "emscripten" else 2
#: Rows (customers or distinct customer rows) below which the work runs in the calling thread:
#: on small lists the threads' overhead and their turns at the GIL cost more than they save
#: (CDNOW's 2,357 customers ran 15-20 % slower on two threads).
THREAD_MIN_ROWS = 10_000


def workers_for(rows: int) -> int:
    """Threads for work on ``rows`` rows: :data:`WORKERS`, or 1 below :data:`THREAD_MIN_ROWS`.

    >>> workers_for(2_357), workers_for(100_000)
    (1, 2)
    """
    return WORKERS if rows >= THREAD_MIN_ROWS else 1


def run_together(tasks: Sequence[Callable[[], Any]], workers: int | None = None) -> list[Any]:
    """Each task's result, in the tasks' order, the tasks run on ``workers`` threads (default
    :data:`WORKERS`).

    For independent computations (fits of different models, parameter draws): each is computed
    exactly as it would be alone, so the figures do not depend on the threads. The caller's
    floating-point error settings (``np.errstate``) hold in the threads too; the first task's
    exception (in the tasks' order) is raised here, after all have finished.

    >>> run_together([lambda: 1 + 1, lambda: 2 * 3])
    [2, 6]
    """
    workers = WORKERS if workers is None else workers
    settings = np.geterr()

    def run(task: Callable[[], Any]) -> Any:
        with np.errstate(**settings):
            return task()

    if workers < 2 or len(tasks) < 2:
        return [run(task) for task in tasks]
    with ThreadPoolExecutor(min(workers, len(tasks))) as pool:
        futures = [pool.submit(run, task) for task in tasks]
    return [future.result() for future in futures]


class Later:
    """A task started on a thread of its own, its result asked for later (:meth:`result`).

    For work the caller does not need yet (the holdout check's range while the lifetime models
    are fitted): it is computed exactly as it would be at once, so the figures do not depend on
    the thread. With one worker (:data:`WORKERS`, e.g. Pyodide) the task runs at once, in the
    calling thread. The caller's floating-point error settings (``np.errstate``) hold in the
    thread too; the task's exception is raised by :meth:`result`.

    >>> Later(lambda: 2 * 3).result()
    6
    """

    def __init__(self, task: Callable[[], Any]) -> None:
        self._value: Any = None
        self._error: BaseException | None = None
        self._thread: threading.Thread | None = None
        if WORKERS < 2:
            self._run(task, np.geterr())
        else:
            self._thread = threading.Thread(target=self._run, args=(task, np.geterr()), daemon=True)
            self._thread.start()

    def _run(self, task: Callable[[], Any], settings: dict) -> None:
        try:
            with np.errstate(**settings):
                self._value = task()
        except BaseException as error:  # raised by result(), in the caller's thread
            self._error = error

    def result(self) -> Any:
        """The task's result (waiting for it), or its exception raised."""
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error
        return self._value
