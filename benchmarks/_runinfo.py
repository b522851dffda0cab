"""One line saying what was measured: code revision, interpreter, machine.

Benchmarks on a shared machine are only comparable within a run; this line lets a reader of a
results table tell which code (including uncommitted edits: ``-dirty``) produced it.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def git_revision() -> str:
    try:
        done = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return done.stdout.strip()


def describe_run() -> str:
    return (
        f"revision {git_revision()}; python {platform.python_version()} ({sys.executable}); "
        f"sqlite {sqlite3.sqlite_version}; {os.cpu_count()} cpus; {platform.platform()}"
    )
