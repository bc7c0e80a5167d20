"""A job change seen on a re-import (a LinkedIn export's Company/Position, a vCard's ORG/TITLE): besides the contact's
history, a dated note on their timeline ("New role: CTO at Initech (was VP Engineering at Globex)"). A note is not an
exchange (core.exchange): it moves neither last contact nor strength. The Due list's "Congratulate …" item reads the
history (services/due.py), for JOB_CHANGE_DAYS from the day the change was seen."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from netdesk.core.model import ContactDTO, InteractionDTO, InteractionKind, Participant
from netdesk.core.normalize import fold

# Where a contact's new job can come from without the user having typed it: an import of a file they were sent or
# exported again. (Their own edits, a merge or a sync conflict say nothing new to congratulate.)
JOB_CHANGE_SOURCES = ("linkedin", "import")
JOB_FIELDS = ("organization", "title")


def _role(title: str, organization: str) -> str:
    return " at ".join(p for p in (title.strip(), organization.strip()) if p)


def job_change_notes(
    added: Iterable[tuple[object, str, str, str]],
    before: Mapping[int, ContactDTO],
    after: Mapping[int, ContactDTO],
    source: str,
    seen: datetime,
) -> list[InteractionDTO]:
    """One note per contact whose organisation or title an import just changed (``added``: the history entries
    stored, as (contact, field, old, new)); none for other sources or other fields."""
    if source not in JOB_CHANGE_SOURCES:
        return []
    changed = sorted({cid for cid, f, old, _ in added if f in JOB_FIELDS and old and isinstance(cid, int)})
    notes = []
    for cid in changed:
        old, new = before.get(cid), after.get(cid)
        if old is None or new is None:
            continue
        role, was = _role(new.title, new.organization), _role(old.title, old.organization)
        if fold(role) == fold(was):  # the incoming value lost a merge: the role the contact has did not change
            continue
        notes.append(
            InteractionDTO(
                occurred_at=seen,
                kind=InteractionKind.NOTE,
                summary=f"New role: {role}" + (f" (was {was})" if was else ""),
                participants=(Participant(cid),),
                source=source,
                external_id=f"job:{cid}:{fold(role)}",
            )
        )
    return notes
