"""Record the packages a Pyodide release ships, from the pyodide-lock.json of its npm package.

    python scripts/pyodide_packages.py 0.27.5 0.29.5     # rewrites lite/pyodide_packages.json

xlwings Lite runs Python in Pyodide; segmenter's runtime dependencies must all be in this list
(tests/test_lite_wheel.py checks the wheel's Requires-Dist against it). Needs npm on the PATH.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "lite" / "pyodide_packages.json"


def lock_of(version: str) -> dict:
    """pyodide-lock.json of the ``pyodide`` npm package at ``version``."""
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(["npm", "pack", f"pyodide@{version}", "--silent"], cwd=folder, check=True, capture_output=True)
        archive = next(Path(folder).glob("pyodide-*.tgz"))
        with tarfile.open(archive) as tar:
            return json.load(tar.extractfile("package/pyodide-lock.json"))


def main(versions: list[str]) -> None:
    releases = {}
    for version in versions:
        lock = lock_of(version)
        releases[version] = {
            "python": lock["info"]["python"],
            "packages": {name: info["version"] for name, info in sorted(lock["packages"].items())},
        }
    OUTPUT.write_text(json.dumps(releases, indent=1) + "\n")
    print(f"wrote {OUTPUT}: " + ", ".join(f"{v} ({len(r['packages'])} packages)" for v, r in releases.items()))


if __name__ == "__main__":
    main(sys.argv[1:] or ["0.27.5", "0.29.5"])
