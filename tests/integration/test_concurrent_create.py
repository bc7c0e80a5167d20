"""Several starts on a file that does not exist yet (a window and a CLI import, two windows) all open it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

OPEN = """
import sys, time
from netdesk.services import open_netdesk
start = float(sys.argv[2])
while time.time() < start:  # all of them at once
    time.sleep(0.001)
open_netdesk(sys.argv[1]).close()
"""


@pytest.mark.parametrize("run", range(2))
def test_starts_that_create_the_same_new_database_at_once_all_succeed(tmp_path: Path, run: int) -> None:
    import time

    db = tmp_path / "new.sqlite3"
    at = str(time.time() + 3)  # after every interpreter has started
    children = [
        subprocess.Popen([sys.executable, "-c", OPEN, str(db), at], stderr=subprocess.PIPE, text=True) for _ in range(4)
    ]
    failures = [(c.wait(timeout=90), c.stderr.read() if c.stderr else "") for c in children]
    assert [code for code, _ in failures] == [0, 0, 0, 0], failures
