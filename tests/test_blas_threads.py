"""OpenBLAS's idle workers put to sleep at once (app/blas_threads.py): the products, hence every
figure, are the same to the bit, and the workers no longer spin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import app.blas_threads as blas_threads

_CHECK = """
import threading, time
import numpy as np
import app.blas_threads as blas_threads

def worker_seconds():
    # CPU seconds of the process's threads other than this one: OpenBLAS's workers
    import os
    total = 0.0
    for tid in os.listdir("/proc/self/task"):
        if int(tid) == threading.get_native_id():
            continue
        fields = open(f"/proc/self/task/{tid}/stat").read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total

def products():
    # a fit's two products on 150,000 rows (OpenBLAS splits a dot product between its threads from 10,000)
    start = worker_seconds()
    for _ in range(80):
        values = (counts @ ll, counts @ gradient)
        time.sleep(0.005)  # the rest of a likelihood evaluation, in which the workers wait
    return values, worker_seconds() - start

rng = np.random.default_rng(5)
counts, ll, gradient = rng.random(150_000), rng.normal(size=150_000), rng.normal(size=(150_000, 4))
before, spun = products()
changed = blas_threads.quiet_idle_blas_threads()
after, slept = products()
again = blas_threads.quiet_idle_blas_threads()
same = before[0] == after[0] and bool(np.array_equal(before[1], after[1]))
print(len(changed), len(again), same, round(spun, 2), round(slept, 2))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the libraries are found in /proc/self/maps")
def test_products_are_the_same_to_the_bit_and_the_workers_sleep():
    """In a fresh process (the workers still spin as OpenBLAS starts them): numpy's OpenBLAS is
    the one loaded; after it the same products give the same bits, and its worker, which spun
    about 0.1 s after each product, spins no more."""
    environment = {k: v for k, v in os.environ.items() if k != "OPENBLAS_THREAD_TIMEOUT"}
    output = subprocess.run(
        [sys.executable, "-c", _CHECK],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
        env=environment,
        check=True,
    ).stdout.split()
    changed, again, same, spun, slept = int(output[0]), int(output[1]), output[2], float(output[3]), float(output[4])
    assert changed >= 1 and again == 0 and same == "True"
    if os.cpu_count() and os.cpu_count() > 1:  # one core: OpenBLAS starts no worker
        assert slept < 0.1 < spun


def test_the_blas_threads_are_left_alone_when_the_user_set_the_wait(monkeypatch):
    monkeypatch.setenv("OPENBLAS_THREAD_TIMEOUT", "10")
    monkeypatch.setattr(blas_threads, "_DONE", [])
    assert blas_threads.quiet_idle_blas_threads() == []
    assert blas_threads._DONE == []


def test_the_blas_threads_are_left_alone_while_another_thread_runs(monkeypatch):
    import threading

    monkeypatch.delenv("OPENBLAS_THREAD_TIMEOUT", raising=False)
    monkeypatch.setattr(blas_threads, "_DONE", [])
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert blas_threads.quiet_idle_blas_threads() == []
    finally:
        release.set()
        other.join()
    assert blas_threads._DONE == [] and "OPENBLAS_THREAD_TIMEOUT" not in os.environ
