"""Standalone networking views (due list, timeline, goals, dashboard, introductions) for the main window.

Each view is a QWidget built over the NetDesk facade: ``View(nd)``, ``refresh()`` reloads it, and the
``contactActivated(int)`` signal asks the window to show a contact. Views load synchronously: every query behind
them is a set-based aggregate that answers in milliseconds, so a worker thread would add risk without benefit.

Imports are lazy so that opening the due list does not pay for pyqtgraph (only the dashboard needs it).
"""

from __future__ import annotations

import importlib
from typing import Any

_VIEWS = {
    "DashboardView": "netdesk.ui.views.dashboard_view",
    "DueView": "netdesk.ui.views.due_view",
    "GoalsView": "netdesk.ui.views.goals_view",
    "IntroductionsView": "netdesk.ui.views.introductions_view",
    "TimelineView": "netdesk.ui.views.timeline_view",
}


def __getattr__(name: str) -> Any:
    if name in _VIEWS:
        return getattr(importlib.import_module(_VIEWS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = sorted(_VIEWS)
