"""segmenter's wheel, built here as pip builds it, installs where xlwings Lite runs it (Pyodide).

The wheel must be pure Python, require only packages that Pyodide ships (the lists recorded in
lite/pyodide_packages.json from the pyodide npm package, by scripts/pyodide_packages.py), and
import, with ``pip install --no-deps``, into a clean environment that holds nothing but those
packages and xlwings' pure-Python wheel (no Windows or macOS parts, no Rust extension).
Lite itself no longer needs the wheel (lite/main.py carries the packages, tests/test_lite_bundle.py);
the wheel serves a self-hosted Lite with a private package index, and pip users.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
import venv
import zipfile
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.conftest import PROJECT

PYPROJECT = tomllib.loads((PROJECT / "pyproject.toml").read_text())
PYODIDE = json.loads((PROJECT / "lite" / "pyodide_packages.json").read_text())
PACKAGES = PYPROJECT["tool"]["setuptools"]["packages"]
TOP_LEVEL = sorted({package.split(".")[0] for package in PACKAGES})
MODULES = PYPROJECT["tool"]["setuptools"]["py-modules"]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel pip builds from a clean copy of the sources (no stale build/ folder)."""
    source, dist = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("dist")
    shutil.copy(PROJECT / "pyproject.toml", source)
    for module in MODULES:
        shutil.copy(PROJECT / f"{module}.py", source)
    for package in TOP_LEVEL:
        shutil.copytree(PROJECT / package, source / package, ignore=shutil.ignore_patterns("__pycache__"))
    # without build isolation: the test extra installs the build backend (setuptools) beforehand
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            str(source),
            "-w",
            str(dist),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    (built,) = dist.glob("*.whl")
    return built


def _metadata(wheel: Path) -> str:
    with zipfile.ZipFile(wheel) as archive:
        return archive.read(next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))).decode()


def runtime_requirements(wheel: Path) -> list[Requirement]:
    requirements = [
        Requirement(line.split(":", 1)[1].strip())
        for line in _metadata(wheel).splitlines()
        if line.startswith("Requires-Dist:")
    ]
    return [r for r in requirements if r.marker is None]


def test_wheel_is_pure_python(wheel):
    assert wheel.name.endswith("-py3-none-any.whl")
    with zipfile.ZipFile(wheel) as archive:
        assert (
            "Root-Is-Purelib: true"
            in archive.read(next(n for n in archive.namelist() if n.endswith("/WHEEL"))).decode()
        )
        assert not [n for n in archive.namelist() if n.endswith((".so", ".pyd", ".dll", ".dylib"))]


def test_runtime_requirements_are_all_in_every_checked_pyodide_release(wheel):
    requirements = runtime_requirements(wheel)
    assert {canonicalize_name(r.name) for r in requirements} == {"numpy", "pandas", "scipy"}
    for release, listing in PYODIDE.items():
        shipped = {canonicalize_name(name): version for name, version in listing["packages"].items()}
        for requirement in requirements:
            version = shipped.get(canonicalize_name(requirement.name))
            assert version is not None, f"Pyodide {release} has no {requirement.name}"
            assert requirement.specifier.contains(version), f"Pyodide {release}: {requirement.name} {version}"


def test_desktop_and_file_libraries_are_extras(wheel):
    extras = {
        str(Requirement(line.split(":", 1)[1].strip()).name): line
        for line in _metadata(wheel).splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" in line
    }
    assert 'extra == "excel"' in extras["xlwings"]
    assert 'extra == "cli"' in extras["openpyxl"]


def test_wheel_holds_the_runtime_sources_and_nothing_else(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = {n for n in archive.namelist() if ".dist-info/" not in n}
    expected = {f"{m}.py" for m in MODULES}
    for package in TOP_LEVEL:  # every module of every sub-package: pyproject must list them all
        expected |= {
            p.relative_to(PROJECT).as_posix() for p in (PROJECT / package).rglob("*.py") if "__pycache__" not in p.parts
        }
    for package, patterns in PYPROJECT["tool"]["setuptools"].get("package-data", {}).items():
        for pattern in patterns:
            expected |= {p.relative_to(PROJECT).as_posix() for p in (PROJECT / package).glob(pattern)}
    assert names == expected
    assert not {n.split("/")[0] for n in names} & {"tests", "lite", "bench", "scripts", "workbook", "docs"}


# In the clean environment: core/ alone, then the Lite edition (lite/lite_edition.py) on the installed wheel,
# one function and one script through xlwings' Lite call path. Prints what it found as JSON.
CLEAN_ENV_CHECK = textwrap.dedent("""
    import asyncio, importlib, importlib.util, json, os, pkgutil, sys
    os.environ["XLWINGS_ON_SERVER"] = "true"            # as xlwings Lite runs it
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"  # xlwings.server below stands in for Lite
    import core
    for info in pkgutil.walk_packages(core.__path__, "core."):
        importlib.import_module(info.name)
    core_alone = not any(m in sys.modules for m in ("xlwings", "openpyxl"))
    spec = importlib.util.spec_from_file_location("segmenter_lite", sys.argv[1])
    main = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(main)
    import segmenter
    import xlwings as xw
    from xlwings import server
    accounts = [["Account", "Revenue", "Profit"], ["a", 50, 10], ["b", 30, 6], ["c", 20, -2]]
    payload = {"func_name": "segment_tier", "args": [accounts], "caller_address": "Sheet1!D1", "version": "x",
               "client": "Office.js", "runtime": "1.4", "culture_info_name": "en-US", "date_format": "M/d/yyyy"}
    tiers = asyncio.run(server.custom_functions_call(payload, main))
    book = xw.Book(json={"client": "Office.js", "version": xw.__version__, "names": [],
                         "book": {"name": "Book1.xlsx", "active_sheet_index": 0, "selection": "A1"},
                         "sheets": [{"name": "Sheet1", "pictures": [], "tables": [], "values": accounts}]})
    asyncio.run(server.custom_scripts_call(main, "segment_selection", typehint_to_value={xw.Book: book}))
    added = [a["args"][1] for a in book.json()["actions"] if a["func"] == "addSheet"]
    print(json.dumps({"core_alone": core_alone, "tiers": [list(r) for r in tiers], "sheets": added,
                      "foreign": sorted(m for m in ("pythoncom", "pywintypes", "win32com", "appscript", "psutil",
                                        "openpyxl", "xlwings.xlwingslib", "xlwings._xlwindows", "xlwings._xlmac")
                                        if m in sys.modules),
                      "segmenter_from": segmenter.__file__}))
""")


def _closure(names: list[str]) -> set[str]:
    """Installed distributions these need to run (their runtime requirements, recursively)."""
    found, todo = set(), list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        found.add(name)
        for line in metadata.distribution(name).requires or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return found


def clean_env(env: Path) -> Path:
    """A venv at ``env`` holding only what Lite has: numpy, pandas, scipy (and what they need),
    linked from this environment, and xlwings as its pure-Python wheel. Returns its Python."""
    venv.create(env, with_pip=False)
    site = next(env.glob("lib/python*/site-packages"))
    # Pyodide's packages, taken from this environment by linking their installed files
    for name in _closure(["numpy", "pandas", "scipy"]):
        for top in {Path(str(f)).parts[0] for f in metadata.distribution(name).files}:
            origin = Path(metadata.distribution(name).locate_file(top))
            if origin.exists() and not (site / top).exists():
                (site / top).symlink_to(origin)
    # xlwings as its pure-Python wheel (what Lite installs): this one less its Rust extension
    installed = Path(metadata.distribution("xlwings").locate_file("xlwings"))
    shutil.copytree(installed, site / "xlwings", ignore=shutil.ignore_patterns("xlwingslib*", "__pycache__"))
    return env / "bin" / "python"


def test_wheel_installs_with_no_deps_into_a_clean_venv_and_runs_lite_main_without_desktop_parts(wheel, tmp_path):
    env = tmp_path / "clean"
    clean_env(env)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(env / "bin" / "python"),
            "install",
            "--no-deps",
            "--quiet",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr
    completed = subprocess.run(
        [str(env / "bin" / "python"), "-c", CLEAN_ENV_CHECK, str(PROJECT / "lite" / "lite_edition.py")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=300,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["core_alone"]  # core/ imported with neither xlwings nor openpyxl loaded
    assert result["tiers"] == [["Tier"], ["A"], ["A"], ["B"]]
    assert result["sheets"][0] == "Overview" and {"Segments", "Data issues"} <= set(result["sheets"])
    assert result["foreign"] == []
    assert re.search(r"site-packages/segmenter\.py$", result["segmenter_from"])
