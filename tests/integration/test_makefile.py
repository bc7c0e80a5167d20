"""The Makefile's promises: every target it names as phony exists, and ``make test`` runs lint, the type check, the
suite and the benchmarks' smoke run (what README.md says it does)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
MAKEFILE = REPO_ROOT / "Makefile"


def targets() -> set[str]:
    return set(re.findall(r"^([A-Za-z][\w-]*):(?!=)", MAKEFILE.read_text(encoding="utf-8"), re.MULTILINE))


def test_every_phony_target_is_a_real_target() -> None:
    [phony] = re.findall(r"^\.PHONY:(.*)$", MAKEFILE.read_text(encoding="utf-8"), re.MULTILINE)
    named = set(phony.split())
    assert named and named <= targets(), sorted(named - targets())


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_runs_lint_typecheck_suite_and_benchmark_smoke(tmp_path: Path) -> None:
    # An install stamp newer than pyproject.toml, so the dry run installs nothing. Not the Makefile itself: make
    # remakes an out-of-date makefile even under -n, and a fresh clone may leave pyproject.toml the newer file.
    stamp = tmp_path / "installed"
    stamp.touch()
    newer = (REPO_ROOT / "pyproject.toml").stat().st_mtime + 60
    os.utime(stamp, (newer, newer))
    out = subprocess.run(
        ["make", "-n", "--no-print-directory", "test", f"STAMP={stamp}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    steps = ["ruff check", "ruff format --check", "mypy", "pytest", "run_all.py --smoke"]
    positions = [out.find(step) for step in steps]
    assert -1 not in positions and positions == sorted(positions), out
