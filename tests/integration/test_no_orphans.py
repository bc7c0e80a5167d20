"""Parse workers exit when the process that started them is killed with SIGKILL (no handler can run there)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="reads process trees from /proc")

PARENT = """
import sys
from netdesk.io.report import ImportReport
from netdesk.io.vcard import parse_cards
card = "BEGIN:VCARD\\r\\nVERSION:3.0\\r\\nFN:Worker Test {0}\\r\\nEMAIL:w{0}@example.org\\r\\nEND:VCARD\\r\\n"
items = [("cards.vcf", i * 5 + 1, card.format(i)) for i in range(4000)]
while True:  # parse again and again, so that the workers are alive whenever the parent is killed
    parse_cards(items, ImportReport(), workers=2)
"""


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found.update(int(c) for c in text)
    return found


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "\nState:\tZ" not in status  # a zombie has exited; only its exit status waits to be collected


def test_workers_exit_within_seconds_of_their_parent_being_killed(tmp_path: Path) -> None:
    parent = subprocess.Popen([sys.executable, "-c", PARENT], cwd=tmp_path)
    try:
        deadline = time.monotonic() + 60
        workers: set[int] = set()
        while len(workers) < 2 and time.monotonic() < deadline:
            workers = {c for c in _children(parent.pid) if "spawn_main" in Path(f"/proc/{c}/cmdline").read_text()}
            time.sleep(0.1)
        assert len(workers) >= 2, "the parse workers never started"
    except BaseException:
        parent.kill()
        raise
    os.kill(parent.pid, signal.SIGKILL)
    parent.wait()
    killed_at = time.monotonic()
    while any(_alive(w) for w in workers) and time.monotonic() - killed_at < 10:
        time.sleep(0.1)
    survivors = [w for w in workers if _alive(w)]
    for w in survivors:
        os.kill(w, signal.SIGKILL)
    assert not survivors, f"workers {survivors} outlived their parent"
    gone_after = time.monotonic() - killed_at
    print(f"workers gone {gone_after:.2f} s after the parent's SIGKILL")
    assert gone_after < 5
