"""Settings kept in the database itself: the phone region its numbers are normalised with.

The region decides how a number written without a country code ("020 7946 0958") is matched, so it belongs with the
numbers it was applied to; changing it normalises every stored number again, in one transaction.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.changes import ChangeSet, Written
from netdesk.core.normalize import FALLBACK_REGION, contact_region, normalize_phone, set_default_region
from netdesk.db.tables import AddressRow, AppSetting, ContactPointRow

KEY_PHONE_REGION = "phone_region"


class SettingsService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    def phone_region(self) -> str | None:
        """The stored phone region, None when none was set yet (the front end then proposes one)."""
        with self._sessions() as s:
            value = s.get(AppSetting, KEY_PHONE_REGION)
            return value.value if value is not None and value.value else None

    def apply(self, fallback: str | None = None) -> str:
        """Make the stored region (else ``fallback``, else US) the default for phone numbers; returns it."""
        region = self.phone_region() or fallback or FALLBACK_REGION
        try:
            set_default_region(region)
        except ValueError:
            region = FALLBACK_REGION
            set_default_region(region)
        return region

    def set_phone_region(self, region: str) -> Written[str]:
        """Store ``region`` and normalise every stored number with it (a contact's own address country still wins).

        Raises ValueError for a code that is not a known region.
        """
        code = region.strip().upper()
        set_default_region(code)  # validates before anything is written
        with self._sessions.begin() as s:
            row = s.get(AppSetting, KEY_PHONE_REGION)
            if row is None:
                s.add(AppSetting(key=KEY_PHONE_REGION, value=code))
            else:
                row.value = code
            countries: dict[int, list[str]] = {}
            for cid, country in s.execute(
                select(AddressRow.contact_id, AddressRow.country).order_by(AddressRow.contact_id, AddressRow.position)
            ):
                countries.setdefault(cid, []).append(country)
            changed: set[int] = set()
            phones = s.execute(
                select(
                    ContactPointRow.id, ContactPointRow.contact_id, ContactPointRow.value, ContactPointRow.normalized
                ).where(ContactPointRow.kind == "phone")
            ).all()
            updates = []
            for point_id, cid, value, old in phones:
                new = normalize_phone(value, contact_region(countries.get(cid, [])))
                if new != old:
                    updates.append({"id": point_id, "normalized": new})
                    changed.add(cid)
            if updates:
                s.execute(update(ContactPointRow), updates)
        return Written(
            code, ChangeSet(contacts=frozenset(changed), records=frozenset({"settings"}), label="phone region")
        )
