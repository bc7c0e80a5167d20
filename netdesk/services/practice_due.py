"""The Due list's items from the practices kept as records (issue 15): introduction steps unmoved for days, and
lapsed contribution and community rhythms. One source, read inside the Due list's own session."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from netdesk.core.networking import DueItem
from netdesk.services.communities import lapsed_community_items
from netdesk.services.contributions import lapsed_contribution_items
from netdesk.services.introductions import stalled_items


def practice_due_items(s: Session, today: date) -> list[DueItem]:
    return [*stalled_items(s, today), *lapsed_contribution_items(s, today), *lapsed_community_items(s, today)]
