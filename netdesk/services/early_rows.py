"""The contact list's rows for the window's frame at start-up, before the services (and SQLAlchemy) are loaded."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from netdesk.core.model import ContactRow


def rows_before_open(path: Path) -> list[ContactRow] | None:
    """The rows of ``path`` when it passed the open's checks (whole, at the newest schema revision), else None:
    the open itself then refuses the file unchanged, offers a way out or upgrades it."""
    from netdesk.db.health import LOCK_TIMEOUT_S
    from netdesk.db.list_read import rows_of_current_file

    return rows_of_current_file(path, LOCK_TIMEOUT_S)
