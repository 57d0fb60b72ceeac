"""The house rules that an import statement can break, checked on the source with ``ast``.

- No private name (``_x``, or a module ``_x``) is imported or reached from another top-level
  package: a name another package needs is public and documented.
- core/ is pure: it imports no xlwings, no file or process modules and nothing from the
  packages around it (data flows one way: cells or files -> core -> a writer).
"""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("app", "core", "readers", "writers", "warehouse", "udfs", "lite", "scripts", "bench")
SCRIPTS = ("segmenter.py", "excel_setup.py")
PROJECT = set(PACKAGES) | {Path(name).stem for name in SCRIPTS}
#: Modules core/ may not import: Excel, files and processes, and the packages that call core.
CORE_FORBIDDEN = {
    "xlwings",
    "os",
    "io",
    "pathlib",
    "shutil",
    "tempfile",
    "glob",
    "csv",
    "subprocess",
    "openpyxl",
    "python_calamine",
    "fastexcel",
    "rust_xlsxwriter",
    "pyarrow",
    "ibis",
    "duckdb",
    "pyspark",
} | (PROJECT - {"core"})


def project_files() -> list[Path]:
    files = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]
    return files + [ROOT / name for name in SCRIPTS]


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(source: str, package: str) -> list[str]:
    """Each use, in ``source`` (a module of top-level ``package``), of a private name of another
    project package: ``from core.x import _y``, ``import core._x``, ``from core._x import y``,
    and ``x._y`` where ``x`` was imported from another package. One line per finding."""
    tree = ast.parse(source)
    found, imported = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] not in PROJECT - {package}:
                continue
            if any(map(_private, node.module.split("."))):
                found.append(f"line {node.lineno}: from {node.module} import ...")
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"line {node.lineno}: from {node.module} import {alias.name}")
                imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] not in PROJECT - {package}:
                    continue
                if any(map(_private, alias.name.split("."))):
                    found.append(f"line {node.lineno}: import {alias.name}")
                imported[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _private(node.attr):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id in imported:
                found.append(f"line {node.lineno}: {ast.unparse(node)} ({base.id} is {imported[base.id]})")
    return sorted(found, key=lambda line: int(line.split(":")[0].removeprefix("line ")))


def imported_modules(source: str) -> set[str]:
    """The top-level names of the modules ``source`` imports (absolute imports only)."""
    tops = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            tops |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            tops.add(node.module.split(".")[0])
    return tops


def opens_files(source: str) -> list[int]:
    """Lines that call the built-in ``open``."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "open"
    ]


def test_the_checks_see_every_form_of_a_private_import():
    source = (
        "from core.accounts import _roles, header_role\n"
        "import core._hidden\n"
        "from core._hidden import shown\n"
        "import core.report as report\n"
        "report._growth(1)\n"
        "header_role._cache\n"
        "from warehouse.run import _own\n"
        "from core.x import __version__\n"
    )
    assert private_imports(source, "warehouse") == [
        "line 1: from core.accounts import _roles",
        "line 2: import core._hidden",
        "line 3: from core._hidden import ...",
        "line 5: report._growth (report is core.report)",
        "line 6: header_role._cache (header_role is core.accounts.header_role)",
    ]
    assert private_imports(source, "core") == ["line 7: from warehouse.run import _own"]
    assert imported_modules("import os.path\nfrom xlwings import func\nfrom . import x\n") == {"os", "xlwings"}
    assert opens_files("x = 1\nwith open(path) as f:\n    pass\n") == [2]


def test_the_checks_read_every_package():
    files = project_files()
    assert {path.relative_to(ROOT).parts[0] for path in files} == set(PACKAGES) | set(SCRIPTS)
    assert ROOT / "core" / "accounts.py" in files and ROOT / "core" / "customers" / "report.py" in files


@pytest.mark.parametrize("path", project_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_no_private_name_is_imported_from_another_package(path):
    package = path.relative_to(ROOT).parts[0].removesuffix(".py")
    assert private_imports(path.read_text(encoding="utf-8"), package) == []


@pytest.mark.parametrize("path", sorted((ROOT / "core").rglob("*.py")), ids=lambda path: str(path.relative_to(ROOT)))
def test_core_imports_no_excel_no_files_and_nothing_around_it(path):
    source = path.read_text(encoding="utf-8")
    assert imported_modules(source) & CORE_FORBIDDEN == set()
    assert opens_files(source) == []


def test_a_warning_from_our_own_code_fails_the_test_and_a_library_s_does_not():
    # the filter pyproject.toml's [tool.pytest.ini_options] installs for every test
    with pytest.raises(DeprecationWarning, match="deprecated in pandas 4"):
        warnings.warn_explicit("deprecated in pandas 4", DeprecationWarning, "core/cells.py", 1, module="core.cells")
    errors = [module for action, _, _, module, _ in warnings.filters if action == "error" and module is not None]
    assert any(m.match("warehouse.report") for m in errors) and any(m.match("segmenter") for m in errors)
    assert not any(
        m.match(name)
        for m in errors
        for name in ("pandas.core.frame", "ibis.backends", "tests.test_x", "core_extras", "segmenter_tools")
    )
