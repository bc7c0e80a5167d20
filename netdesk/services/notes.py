"""NoteService: what the personal-note composer fills a template with, read from the record."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.errors import NotFoundError
from netdesk.core.notes import DEFAULT_TEMPLATES, NoteContext, NoteTemplate, fill
from netdesk.db import repository as repo

_LAST_SQL = """
SELECT i.notes, i.summary FROM interaction_participants p CROSS JOIN interactions i ON i.id = p.interaction_id
WHERE p.contact_id = :id AND p.role = 'participant' AND {where}
ORDER BY i.occurred_at DESC, i.id DESC LIMIT 1
"""
_INVITATION = "i.kind = 'connection_request' AND trim(i.notes) != ''"
_THEIRS = "i.kind IN ('message', 'email') AND i.direction = 'in'"
_GOALS_SQL = """
SELECT g.name FROM goal_contacts gc JOIN goals g ON g.id = gc.goal_id
WHERE gc.contact_id = :id AND g.archived = 0 ORDER BY g.position, g.id
"""


def _first_line(value: str, limit: int = 120) -> str:
    line = next((ln.strip() for ln in value.splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 1] + "…"


class NoteService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    @staticmethod
    def templates() -> tuple[NoteTemplate, ...]:
        return DEFAULT_TEMPLATES

    def context(self, contact_id: int, my_name: str = "") -> NoteContext:
        with self._sessions() as s:
            dtos = repo.load_dtos(s, [contact_id], with_photo=False)
            if not dtos:
                raise NotFoundError(f"no contact with id {contact_id}")
            c = dtos[0]
            goals = [name for (name,) in s.execute(text(_GOALS_SQL), {"id": contact_id})]
            invitation = s.execute(
                text(_LAST_SQL.format(where="i.kind = 'connection_request' AND trim(i.notes) != ''")),
                {"id": contact_id},
            ).first()
            theirs = s.execute(
                text(_LAST_SQL.format(where="i.kind IN ('message', 'email') AND i.direction = 'in'")),
                {"id": contact_id},
            ).first()
        role = " at ".join(p for p in (c.title.strip(), c.organization.strip()) if p)
        profile = next((u.value for u in c.urls if "linkedin.com" in u.value.casefold()), "")
        values = {
            "first_name": c.given_name or c.nickname or c.name.split(" ")[0],
            "name": c.name,
            "title": c.title,
            "company": c.organization,
            "role": role,
            "how_we_met": _first_line(c.notes),
            "shared": ", ".join([*c.tags, *goals]),
            "invitation": _first_line(invitation[0]) if invitation else "",
            "their_last_message": _first_line(theirs[0] or theirs[1]) if theirs else "",
            "my_name": my_name,
        }
        return NoteContext(values, profile or (c.urls[0].value if c.urls else ""))

    def draft(self, contact_id: int, template: str, my_name: str = "") -> str:
        return fill(template, self.context(contact_id, my_name))
