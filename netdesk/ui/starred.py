"""Google's star in the window: the rail's "Starred" entry, a filter the database applies (``match_ids(starred=True)``),
and Star / Unstar for the selected contacts, from the list's context menu and the detail pane's button. A star is a
plain write through ``Ops`` (one undo step, published on the bus like any edit) and is exported as Google writes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QListWidgetItem

from netdesk.core.model import ContactRow
from netdesk.core.words import plural
from netdesk.ui.icons import action_icon
from netdesk.ui.safe_text import plain_tooltip

if TYPE_CHECKING:
    from netdesk.ui.controllers.host import Host

STARRED_ROLE = Qt.ItemDataRole.UserRole + 2  # on the rail's Starred entry (TAG_ROLE, UserRole + 1, is None there)


def starred_item(count: int) -> QListWidgetItem:
    """The rail's entry below "All contacts": always there, so that the filter can be found before the first star."""
    item = QListWidgetItem(action_icon("star"), f"Starred  ({count})")
    item.setData(STARRED_ROLE, True)
    item.setToolTip(plain_tooltip(f"{plural(count, 'contact')} starred (Google Contacts' star)"))
    return item


def is_starred_item(item: QListWidgetItem | None) -> bool:
    return item is not None and item.data(STARRED_ROLE) is True


def star_target(rows: Sequence[ContactRow]) -> bool | None:
    """What Star/Unstar does to ``rows``: star them unless every one is starred already; None for no rows."""
    return None if not rows else not all(r.starred for r in rows)


def star_entry(host: Host, rows: Sequence[ContactRow]) -> tuple[str, Callable[[], None] | None]:
    """The list's context-menu entry for the selected ``rows``: ("Star", handler), ("Unstar", handler) or disabled."""
    target = star_target(rows)
    if target is None:
        return "Star", None
    ids = [r.id for r in rows]
    return ("Star" if target else "Unstar"), (lambda: set_star(host, ids, target))


def set_star(host: Host, ids: Sequence[int], starred: bool) -> None:
    """Star or unstar ``ids`` through the window's one write path (undo, and every view refreshed from the bus)."""
    contacts = host.nd.contacts
    host.ops.run(lambda: contacts.set_starred(ids, starred), title="Could not change the star")
