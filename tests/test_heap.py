"""app.heap: glibc's malloc told to keep freed memory for reuse, once, in the process that asks."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's mallopt: Linux only")
def test_the_three_settings_are_applied_once_in_a_fresh_process():
    code = (
        "from app.heap import keep_freed_memory, SETTINGS\n"
        "first, second = keep_freed_memory(), keep_freed_memory()\n"
        "import pyarrow as pa\n"
        "print(sorted(first) == sorted(SETTINGS), first['M_MMAP_THRESHOLD'] == 32 << 20, second,"
        " pa.default_memory_pool().backend_name)\n"
        "import numpy as np\n"
        "blocks = [np.ones(1_000_000) for _ in range(20)]  # arrays made and freed still work\n"
        "del blocks\n"
        "print(float(np.ones(4_000_000).sum()))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split("\n")
    assert out[0] == "True True {} system"
    assert out[1] == "4000000.0"


def test_elsewhere_nothing_is_set(monkeypatch):
    import app.heap as heap

    monkeypatch.setattr(heap, "_DONE", [])
    monkeypatch.setattr(heap.sys, "platform", "win32")
    assert heap.keep_freed_memory() == {}
