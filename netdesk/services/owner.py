"""OwnerService: you, as a party. Not a row of the contact list: your name, profile links, email addresses and what
you offer, filled from your LinkedIn export and editable in Preferences. Introductions, templates and favours name
you from here."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import ValidationError
from netdesk.core.normalize import is_valid_email
from netdesk.db import repository as repo
from netdesk.db.tables import OwnerProfile
from netdesk.services.offers import replace_texts, texts_of

OWNER_ID = 1
OWNER_CHANGE = frozenset({"owner"})


@dataclass(frozen=True, slots=True)
class OwnerDTO:
    name: str = ""
    headline: str = ""
    emails: tuple[str, ...] = ()
    links: tuple[str, ...] = ()
    offers: tuple[str, ...] = ()  # "what I offer"

    @property
    def display_name(self) -> str:
        return self.name or "You"


def _clean_list(values: Iterable[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for value in values:
        value = value.strip()
        if value and value.casefold() not in seen:
            seen[value.casefold()] = value
    return tuple(seen.values())


def owner_row(s: Session) -> OwnerProfile:
    row = s.get(OwnerProfile, OWNER_ID)
    if row is None:
        row = OwnerProfile(
            id=OWNER_ID, name="", headline="", emails_json="[]", links_json="[]", updated_at=repo.utcnow()
        )
        s.add(row)
        s.flush()
    return row


def read_owner(s: Session) -> OwnerDTO:
    row = s.get(OwnerProfile, OWNER_ID)
    offers = tuple(texts_of(s, None, "offer"))
    if row is None:
        return OwnerDTO(offers=offers)
    return OwnerDTO(
        row.name, row.headline, tuple(json.loads(row.emails_json)), tuple(json.loads(row.links_json)), offers
    )


def owner_name(s: Session) -> str:
    row = s.get(OwnerProfile, OWNER_ID)
    return row.name if row is not None and row.name else "You"


def fill_from_linkedin(
    s: Session, name: str, url: str, headline: str = "", websites: Sequence[str] = (), emails: Sequence[str] = ()
) -> bool:
    """What a LinkedIn export says about you, added where the profile is silent (never overwriting your edits).

    Runs inside the import's transaction; returns whether anything changed."""
    if not (name or url or headline or websites or emails):
        return False
    row = owner_row(s)
    before = (row.name, row.headline, row.emails_json, row.links_json)
    row.name = row.name or name.strip()
    row.headline = row.headline or headline.strip()
    links = _clean_list([*json.loads(row.links_json), *([url] if url else []), *websites])
    mails = _clean_list([*json.loads(row.emails_json), *(e for e in emails if is_valid_email(e.strip()))])
    row.links_json = json.dumps(list(links), ensure_ascii=False)
    row.emails_json = json.dumps(list(mails), ensure_ascii=False)
    changed = before != (row.name, row.headline, row.emails_json, row.links_json)
    if changed:
        row.updated_at = repo.utcnow()
    return changed


class OwnerService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def get(self) -> OwnerDTO:
        with self._sessions() as s:
            return read_owner(s)

    def update(self, owner: OwnerDTO) -> Written[OwnerDTO]:
        """Replace the profile with ``owner`` (name, headline, emails, links, offers)."""
        emails = _clean_list(owner.emails)
        bad = [e for e in emails if not is_valid_email(e)]
        if bad:
            raise ValidationError("emails", f"Not an email address: {bad[0]}")
        links = _clean_list(owner.links)
        odd = [link for link in links if not link.lower().startswith(("http://", "https://"))]
        if odd:
            raise ValidationError("links", f"A profile link starts with http:// or https://: {odd[0]}")
        with self._sessions.begin() as s:
            row = owner_row(s)
            row.name = " ".join(owner.name.split())
            row.headline = owner.headline.strip()
            row.emails_json = json.dumps(list(emails), ensure_ascii=False)
            row.links_json = json.dumps(list(links), ensure_ascii=False)
            row.updated_at = repo.utcnow()
            replace_texts(s, None, "offer", owner.offers)
            result = read_owner(s)
        return Written(result, ChangeSet(records=OWNER_CHANGE | {"offer"}, label="edit of your profile"))


__all__ = ["OwnerDTO", "OwnerService", "fill_from_linkedin", "owner_name", "read_owner"]
