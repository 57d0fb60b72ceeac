"""segmenter's commands, the same on Windows, macOS and Linux (standard library only).

    ./run demo        bash, zsh, PowerShell (run, run.ps1)     run demo   cmd (run.cmd)
    python run.py demo                                           any shell, any OS

Commands (each sets up ``.venv`` beside this file on first use: Python 3.11+ with pip):

    demo [-o FILE]     segment the bundled sample accounts: prints a summary, writes segmenter-demo.xlsx
    excel              install for Excel: xlwings.conf names this .venv's Python (segmenter setup),
                       and the segmenter.xlam add-in goes where Excel loads add-ins (segmenter install)
    test [pytest args] ruff (lint and format check), then the whole test suite (what CI runs).
                       On Linux as root with apt, installs
                       LibreOffice and poppler for the rendering tests and Java for the Spark tests
                       when missing; without them those tests skip and say why
    wheel              dist/segmenter-<version>-py3-none-any.whl
    lite               lite/main.py and lite/requirements.txt for xlwings Lite (no venv needed)
    addin              rebuild segmenter.xlsm and segmenter.xlam from workbook/ and udfs/ (build extra)

The virtual environment keeps its Python in ``.venv\\Scripts\\python.exe`` on Windows and in
``.venv/bin/python`` elsewhere. ``SEGMENTER_RUN_PLATFORM=win32`` runs the Windows branch on any
machine and ``SEGMENTER_RUN_DRY=1`` prints the commands instead of running them (the tests use both).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

ROOT = Path(__file__).resolve().parent
VENV = ".venv"
MINIMUM = (3, 11)
EXTRAS = {
    "demo": "[excel,cli]",  # the environment Excel is then pointed at (docs/excel-setup.md)
    "excel": "[excel,cli]",
    "test": "[excel,cli,test,build,warehouse]",
    "wheel": "",
    "addin": "[excel,cli,build]",
}
USAGE = "usage: run demo [-o FILE] | run excel | run test [pytest args] | run wheel | run lite | run addin"


def is_windows(platform: str) -> bool:
    """Whether ``platform`` (a ``sys.platform`` value) is Windows.

    Examples
    --------
    >>> is_windows("win32"), is_windows("darwin"), is_windows("linux")
    (True, False, False)
    """
    return platform.startswith("win")


def venv_python(platform: str) -> str:
    """The virtual environment's Python, relative to this folder, as the platform writes it.

    Examples
    --------
    >>> venv_python("win32"), venv_python("linux")
    ('.venv\\\\Scripts\\\\python.exe', '.venv/bin/python')
    """
    if is_windows(platform):
        return str(PureWindowsPath(VENV, "Scripts", "python.exe"))
    return str(PurePosixPath(VENV, "bin", "python"))


def plan(
    command: str, args: list[str], platform: str, *, base_python: str = sys.executable, venv_exists: bool = False
) -> list[list[str]]:
    """The commands ``run <command> <args>`` runs, in order, from this folder.

    Examples
    --------
    >>> plan("demo", [], "win32", base_python="py", venv_exists=True)[-1]
    ['.venv\\\\Scripts\\\\python.exe', 'segmenter.py', 'demo']
    """
    if command == "lite":
        return [[base_python, str(PurePosixPath("scripts", "build_lite.py")), *args]]
    if command not in EXTRAS:
        raise SystemExit(USAGE)
    python = venv_python(platform)
    steps = [] if venv_exists else [[base_python, "-m", "venv", VENV]]
    steps.append(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", "." + EXTRAS[command]]
    )
    if command == "demo":
        steps.append([python, "segmenter.py", "demo", *args])
    elif command == "excel":
        steps += [[python, "segmenter.py", "setup", *args], [python, "segmenter.py", "install"]]
    elif command == "test":  # the linter and the formatter's check first: a finding stops the run
        steps += [[python, "-m", "ruff", "check", "."], [python, "-m", "ruff", "format", "--check", "."]]
        steps.append([python, "-m", "pytest", "-q", *args])
    elif command == "wheel":
        steps.append([python, "-m", "pip", "wheel", "--no-deps", "--quiet", ".", "-w", "dist"])
    elif command == "addin":
        steps += [
            [python, str(PurePosixPath("scripts", "build_workbook.py"))],
            [python, str(PurePosixPath("scripts", "build_addin.py"))],
        ]
    return steps


def _apt_install(what: str, packages: list[str]) -> None:
    """Install Debian packages for the tests that need them, saying so; a failure only warns."""
    print(f"installing {what} (apt) for the tests that need it...", file=sys.stderr)
    quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=quiet)
        subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=True, env=quiet, stdout=subprocess.DEVNULL)
    except (OSError, subprocess.CalledProcessError):
        print(f"apt install of {what} failed: those tests will skip", file=sys.stderr)


def _java_package() -> str | None:
    """openjdk 21 or 17 (what PySpark 4 runs on), whichever apt can install."""
    for version in (21, 17):
        name = f"openjdk-{version}-jre-headless"
        policy = subprocess.run(["apt-cache", "policy", name], capture_output=True, text=True).stdout
        if "Candidate: " in policy and "Candidate: (none)" not in policy:
            return name
    return None


def test_tools(platform: str) -> None:
    """On Linux as root with apt: LibreOffice Calc and poppler (rendering tests), Java (Spark tests)."""
    if is_windows(platform) or not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    if not shutil.which("soffice"):
        _apt_install("LibreOffice Calc and poppler-utils", ["libreoffice-calc-nogui", "poppler-utils"])
    if not shutil.which("java"):
        java = _java_package()
        if java:
            _apt_install("Java (PySpark 4 needs Java 17 or 21)", [java])
        else:
            print("no Java 17 or 21 package in apt: the Spark tests will skip", file=sys.stderr)


def _shown(step: list[str], platform: str) -> str:
    return subprocess.list2cmdline(step) if is_windows(platform) else " ".join(step)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__ if argv else USAGE, file=sys.stderr)
        return 0 if argv else 2
    if sys.version_info < MINIMUM:
        print(
            f"segmenter needs Python {'.'.join(map(str, MINIMUM))} or later; this is {sys.version.split()[0]} "
            f"({sys.executable}). Install it from python.org and run this again.",
            file=sys.stderr,
        )
        return 2
    platform = os.environ.get("SEGMENTER_RUN_PLATFORM", sys.platform)
    dry = os.environ.get("SEGMENTER_RUN_DRY") == "1"
    command, args = argv[0], argv[1:]
    if command not in EXTRAS and command != "lite":
        print(USAGE, file=sys.stderr)
        return 2
    steps = plan(command, args, platform, venv_exists=(ROOT / venv_python(platform)).exists())
    if command == "test" and not dry:
        test_tools(platform)
    for step in steps:
        if dry:
            print(_shown(step, platform))
            continue
        # the venv's Python by its full path: Windows resolves a relative program against the caller's folder
        program = str(ROOT / step[0]) if step[0].startswith(VENV) else step[0]
        code = subprocess.run([program, *step[1:]], cwd=ROOT).returncode
        if code:
            return code
    return 0


if __name__ == "__main__":
    sys.exit(main())
