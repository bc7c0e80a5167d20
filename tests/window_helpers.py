"""Helpers for tests that drive the main window."""

from __future__ import annotations

from typing import Any


def settle(qtbot: Any, window: Any, timeout: int = 10_000) -> None:
    """Wait until the window's writes (and undos) have reached the database and what they changed is shown again:
    writes run on the window's writer thread, and the list and the detail pane re-read on workers."""
    qtbot.waitUntil(lambda: not window.ops.busy and window.tasks.pending == 0, timeout=timeout)
