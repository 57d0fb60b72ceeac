"""run.py, the one set-up script behind run (bash/zsh), run.ps1 (PowerShell) and run.cmd (cmd):
its Windows branch run on this machine, and the README's Windows commands checked against it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def dry_run(args: list[str], platform: str) -> list[str]:
    """What ``run.py args`` would run on ``platform`` (the commands, one a line), from a fresh process."""
    env = {**os.environ, "SEGMENTER_RUN_PLATFORM": platform, "SEGMENTER_RUN_DRY": "1"}
    done = subprocess.run(
        [sys.executable, str(ROOT / "run.py"), *args], env=env, capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def windows_section() -> str:
    start = README.index("### Windows")
    return README[start : README.index("\n## ", start)]


def readme_windows_commands() -> list[list[str]]:
    """The commands the README's Windows section has the user type, as run.py arguments."""
    section = windows_section()
    block = re.search(r"```powershell\n(.*?)```", section, re.S)[1]
    typed = [line.strip() for line in block.splitlines() if line.strip()]
    # the inline ones: cmd's "run demo" and PowerShell's fallback ".\run.cmd demo"
    typed += re.findall(r"`((?:\.\\)?run(?:\.cmd)? [a-z]+)`", section)
    commands = []
    for line in typed:
        program, *args = line.split()
        assert program in (r".\run", "run", r".\run.cmd"), line  # run.ps1 / run.cmd, both hand over to run.py
        commands.append(args)
    return commands


def test_the_readme_windows_section_starts_from_the_download_and_unblocks_a_zip():
    section = windows_section()
    assert "Download ZIP" in section and "git clone" in section
    assert "Get-ChildItem -Recurse | Unblock-File" in section and "**Unblock**" in section
    assert r"%APPDATA%\Microsoft\AddIns" in section


def test_every_windows_command_of_the_readme_runs_the_windows_branch_with_scripts_paths():
    commands = readme_windows_commands()
    assert {args[0] for args in commands} >= {"demo", "excel", "test"}
    for args in commands:
        steps = dry_run(args, "win32")
        # the venv is made by the Python that runs run.py; everything else runs in .venv\Scripts
        assert steps[0].endswith("-m venv .venv") or steps[0].startswith(".venv\\Scripts\\python.exe")
        assert all(step.startswith(".venv\\Scripts\\python.exe ") for step in steps[1:]), steps
        assert "/" not in " ".join(steps[1:]).replace("-e .[", ""), steps  # no POSIX path on Windows
    assert dry_run(["demo"], "win32")[-1] == r".venv\Scripts\python.exe segmenter.py demo"
    assert dry_run(["excel"], "win32")[-2:] == [
        r".venv\Scripts\python.exe segmenter.py setup",
        r".venv\Scripts\python.exe segmenter.py install",
    ]


def test_the_other_platforms_use_bin_python_and_test_is_what_ci_runs():
    for platform in ("linux", "darwin"):
        steps = dry_run(["test", "-x"], platform)
        assert steps[-4].startswith(".venv/bin/python -m pip install") and steps[-4].endswith(
            "-e .[excel,cli,test,build,warehouse]"
        )
        # ruff's lint and format check run first; a finding stops the run before the suite
        assert steps[-3:] == [
            ".venv/bin/python -m ruff check .",
            ".venv/bin/python -m ruff format --check .",
            ".venv/bin/python -m pytest -q -x",
        ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "./run test" in ci


def test_the_shell_wrappers_hand_every_argument_to_run_py():
    bash = (ROOT / "run").read_text(encoding="utf-8")
    assert 'exec python3 run.py "$@"' in bash
    cmd = (ROOT / "run.cmd").read_bytes()
    ps1 = (ROOT / "run.ps1").read_bytes()
    assert b'"%~dp0run.py" %*' in cmd and b"\r\n" in cmd  # cmd reads CRLF batch files reliably
    assert b'"$PSScriptRoot\\run.py" @args' in ps1 and b"exit $LASTEXITCODE" in ps1
    assert (ROOT / ".gitattributes").read_text().count("eol=crlf") == 2


def test_an_unknown_command_says_the_usage_and_exits_2():
    done = subprocess.run([sys.executable, str(ROOT / "run.py"), "deploy"], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 2 and "usage: run demo" in done.stderr


@pytest.mark.parametrize("platform, python", [("win32", r".venv\Scripts\python.exe"), ("linux", ".venv/bin/python")])
def test_plan_is_importable_and_says_the_same(platform, python):
    sys.path.insert(0, str(ROOT))
    try:
        import run
    finally:
        sys.path.remove(str(ROOT))
    assert run.venv_python(platform) == python
    assert run.plan("wheel", [], platform, base_python="py", venv_exists=True) == [
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-e", "."],
        [python, "-m", "pip", "wheel", "--no-deps", "--quiet", ".", "-w", "dist"],
    ]
