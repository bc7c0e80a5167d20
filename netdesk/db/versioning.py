"""Record versions: every ORM update of a contact or an interaction raises its ``version``, so that a save based on an
older version is recognised (and merged field by field by the services) instead of writing stale values back.

Raised here in the flush rather than by a database trigger: undo (services/undo.py) replays the inverse of each row
change as plain SQL, which a trigger would see as edits of its own, half-way through the replay; undo raises the
versions of what it touched itself, once, above every version they had. Bookkeeping written with plain SQL
(last_contacted, the exchange facts, deleted_at) leaves the version alone.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import event, inspect
from sqlalchemy.orm import InstanceState

from netdesk.db.tables import Contact, Interaction


def _raise_version(_mapper: Any, _connection: Any, target: Contact | Interaction) -> None:
    state = cast(InstanceState[Any], inspect(target))
    changed = [a.key for a in state.mapper.column_attrs if state.attrs[a.key].history.has_changes()]
    if changed and "version" not in changed:  # a write that sets the version itself is left as it is
        target.version = (target.version or 0) + 1


for _model in (Contact, Interaction):
    event.listen(_model, "before_update", _raise_version)
