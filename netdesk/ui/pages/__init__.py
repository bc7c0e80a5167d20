"""Pages of the main window for the essays' practices (introductions, communities, contributions, offers and needs).

Like the views in netdesk/ui/views: ``Page(nd)``, ``refresh()`` reloads it, ``contactActivated(int)`` asks the
window to show a contact, ``contactsChanged(list)`` says a write touched contacts (or other records: an empty list).
What they share (the form dialog, the page's write and error line, lists wired to the page's actions, layout helpers)
is in ``base.py``.
"""

from __future__ import annotations

import importlib
from typing import Any

_PAGES = {
    "CommunitiesPage": "netdesk.ui.pages.communities",
    "ContributionsPage": "netdesk.ui.pages.contributions",
    "IntroductionStepsPage": "netdesk.ui.pages.introduction_steps",
    "OffersPage": "netdesk.ui.pages.offers",
}


def __getattr__(name: str) -> Any:
    if name in _PAGES:
        return getattr(importlib.import_module(_PAGES[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = sorted(_PAGES)
