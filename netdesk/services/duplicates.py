"""DuplicateService: possible duplicates kept for review, merged or kept apart (issue 13).

Pairs are found by the import's own matching rules (``core.duplicates``) when an import ends, inside its
transaction, and by "Find duplicates" over the whole database. Each pair is stored once
(``duplicate_suggestions``) with the user's decision: a pair kept apart, or merged, is never suggested again. Every
write is a plain change inside one transaction, so the generic undo (services/undo.py) reverses it in one step.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, aliased, sessionmaker

from netdesk.core.changes import ChangeSet, Written
from netdesk.core.duplicates import PersonName, bare_initial, candidate_pairs
from netdesk.core.errors import NotFoundError, ValidationError
from netdesk.core.merge import SCALAR_FIELDS
from netdesk.core.model import ContactDTO, ContactPoint, PartialDate, PostalAddress
from netdesk.db import repository as repo
from netdesk.db.tables import Contact, DuplicateSuggestionRow
from netdesk.services.contacts import merge_in

RECORD = "duplicates"  # the ChangeSet record kind the review refreshes on
KEPT_APART = "kept_apart"
MERGED = "merged"
Side = Literal["first", "second"]

FIELD_LABELS = {
    "formatted_name": "Full name",
    "prefix": "Prefix",
    "given_name": "Given name",
    "additional_name": "Middle name",
    "family_name": "Family name",
    "suffix": "Suffix",
    "nickname": "Nickname",
    "organization": "Organisation",
    "department": "Department",
    "title": "Title",
    "role": "Role",
    "gender": "Gender",
    "photo_uri": "Photo link",
}
# Shown side by side too, but united by a merge (nothing to choose): every value of both is kept.
UNITED = (
    ("emails", "Emails"),
    ("phones", "Phones"),
    ("urls", "Links"),
    ("addresses", "Addresses"),
    ("tags", "Tags"),
    ("birthday", "Birthday"),
    ("notes", "Notes"),
)


@dataclass(frozen=True, slots=True)
class DuplicateSuggestion:
    id: int
    first_id: int
    first_name: str
    second_id: int
    second_name: str
    reason: str
    found_by: str  # import | scan
    found_at: datetime


@dataclass(frozen=True, slots=True)
class ComparedField:
    field: str
    label: str
    first: str
    second: str
    choosable: bool  # a single value set differently on both sides: the user picks the one kept

    @property
    def differs(self) -> bool:
        return self.first != self.second


@dataclass(frozen=True, slots=True)
class DuplicateComparison:
    suggestion: DuplicateSuggestion
    fields: tuple[ComparedField, ...]

    @property
    def choices(self) -> list[ComparedField]:
        return [f for f in self.fields if f.choosable]


def _text(value: object) -> str:
    if isinstance(value, PartialDate):
        return value.iso()
    if isinstance(value, tuple):
        return "\n".join(_one(v) for v in value)
    return "" if value is None else str(value)


def _one(value: object) -> str:
    if isinstance(value, ContactPoint):
        return f"{value.value} ({value.label})" if value.label else value.value
    if isinstance(value, PostalAddress):
        return value.one_line()
    return str(value)


def compare(first: ContactDTO, second: ContactDTO) -> list[ComparedField]:
    """Both records field by field (fields empty on both sides left out)."""
    rows = []
    for name in SCALAR_FIELDS:
        a, b = getattr(first, name), getattr(second, name)
        if a or b:
            rows.append(ComparedField(name, FIELD_LABELS[name], a, b, bool(a and b and a != b)))
    for name, label in UNITED:
        a, b = _text(getattr(first, name)), _text(getattr(second, name))
        if a or b:
            rows.append(ComparedField(name, label, a, b, False))
    return rows


def _raw(s: Session) -> Any:
    """The session's own sqlite3 connection (same transaction): 100,000 rows as plain tuples, no per-row work."""
    return s.connection().connection.driver_connection


_PEOPLE_COLUMNS = "id, given_name, family_name, formatted_name, additional_name"
_LIVE_PEOPLE = f"SELECT {_PEOPLE_COLUMNS} FROM contacts WHERE deleted_at IS NULL AND kind != 'organization'"
_IN = "IN (SELECT value FROM json_each(?))"


# A cheap test in SQL that lets through every person whose folded family name may start with one of some letters
# (a JSON list of their code points, either case): a family name that starts with one of them, with anything else
# than an ASCII letter (an accent, a space: folded in Python), and a contact with neither given nor family name (its
# family is the formatted name's last word). unicode() costs about nothing next to reading the row.
_FIRST_LETTER_MAY_BE = f"""(
    unicode(family_name) {_IN}
    OR unicode(family_name) NOT BETWEEN 65 AND 122
    OR unicode(family_name) BETWEEN 91 AND 96
    OR (given_name = '' AND family_name = '')
)"""


def _live_people(s: Session) -> list[PersonName]:
    return [PersonName.of(*r) for r in _raw(s).execute(_LIVE_PEOPLE).fetchall()]


# Only values two or more contacts share (found on the (kind, normalized) index), then their live holders.
_SHARED_POINTS = """
WITH shared AS (
    SELECT kind, normalized FROM contact_points WHERE kind IN ('email', 'phone', 'url') AND normalized != ''
    GROUP BY kind, normalized HAVING COUNT(*) > 1
)
SELECT p.kind, p.normalized, p.contact_id FROM shared s
JOIN contact_points p ON p.kind = s.kind AND p.normalized = s.normalized
JOIN contacts c ON c.id = p.contact_id
WHERE c.deleted_at IS NULL
"""


def _live_points(s: Session) -> list[tuple[str, str, int]]:
    rows = _raw(s).execute(_SHARED_POINTS).fetchall()
    # Phone numbers too short to be a number ("112", text in a phone field) identify nobody.
    return [(k, v, c) for k, v, c in rows if k != "phone" or len(v.lstrip("+")) >= 6]


def _people_near(s: Session, among: set[int]) -> list[PersonName]:
    """``among`` and every live person the name rules can compare with them (``pairs_by_name``): the same family
    name (its whole bucket, so that the bucket's size rules hold), a family name given as their initial, and, where
    an initial is involved, everyone whose family name starts with it. The other contacts cannot form a pair with
    ``among``, so their names are not read."""
    raw = _raw(s)
    ids = json.dumps(sorted(among))
    mine = [PersonName.of(*r) for r in raw.execute(f"{_LIVE_PEOPLE} AND id {_IN}", (ids,)).fetchall()]
    families = {p.family for p in mine if p.family}
    if not families:
        return mine
    # One pass in SQLite over the name columns lets through only the people whose family name may start with one of
    # their families' letters (no index holds folded family names); those are folded here, as PersonName folds them.
    letters = {f[:1] for f in families}
    codes = json.dumps(sorted({ord(c) for letter in letters for c in {letter, letter.upper()} if len(c) == 1}))
    # NOT INDEXED: a scan of the table reads each row once; the live-list index would look up every row besides.
    scan = _LIVE_PEOPLE.replace("FROM contacts", "FROM contacts NOT INDEXED")
    rows = raw.execute(f"{scan} AND {_FIRST_LETTER_MAY_BE}", (codes,)).fetchall()
    near = [p for p in (PersonName.of(*r) for r in rows) if p.family[:1] in letters]
    # A family name given as an initial ("Priya R.") is compared with everyone whose family name starts with it.
    initials = {p.family for p in (*mine, *near) if bare_initial(p.family) and p.family in letters}
    people = {p.id: p for p in near if p.family in families or p.family in letters or p.family[:1] in initials}
    people.update((p.id, p) for p in mine)
    return list(people.values())


def _points_near(s: Session, among: set[int]) -> list[tuple[str, str, int]]:
    """The emails, phones and URLs of ``among`` with every live contact holding each (index lookups)."""
    raw = _raw(s)
    values: dict[str, list[str]] = {}
    for kind, value in raw.execute(
        # "+kind": by the contact_id index (a few rows), not by the kind index (every email of the database).
        f"SELECT DISTINCT kind, normalized FROM contact_points WHERE contact_id {_IN}"
        " AND +kind IN ('email', 'phone', 'url') AND normalized != ''",
        (json.dumps(sorted(among)),),
    ):
        values.setdefault(kind, []).append(value)
    rows: list[tuple[str, str, int]] = []
    for kind, wanted in values.items():
        rows += raw.execute(
            "SELECT p.kind, p.normalized, p.contact_id FROM contact_points p JOIN contacts c ON c.id = p.contact_id"
            f" WHERE p.kind = ? AND p.normalized {_IN} AND c.deleted_at IS NULL",
            (kind, json.dumps(wanted)),
        ).fetchall()
    return [(k, v, c) for k, v, c in rows if k != "phone" or len(v.lstrip("+")) >= 6]


def found_pairs(s: Session, among: set[int] | None) -> dict[tuple[int, int], str]:
    """The candidate pairs of the whole database, or (``among``) those touching these contacts: the same pairs as
    the whole scan would keep for them, read through the indexes and the wanted families only."""
    if among is None:
        return candidate_pairs(_live_points(s), _live_people(s))
    return candidate_pairs(_points_near(s, among), _people_near(s, among), among)


def record_suggestions(s: Session, among: Iterable[int] | None, found_by: str) -> int:
    """Store the candidate pairs not seen before (``among``: only pairs touching these contacts, an import's), in
    the caller's transaction. Returns how many are new."""
    scope = set(among) if among is not None else None
    if scope is not None and not scope:
        return 0
    found = found_pairs(s, scope)
    if not found:
        return 0
    known = {(a, b) for a, b in s.execute(select(DuplicateSuggestionRow.first_id, DuplicateSuggestionRow.second_id))}
    now = repo.utcnow()
    new = [
        {"first_id": a, "second_id": b, "reason": why, "found_by": found_by, "found_at": now, "decision": ""}
        for (a, b), why in sorted(found.items())
        if (a, b) not in known
    ]
    if new:
        s.execute(DuplicateSuggestionRow.__table__.insert(), new)  # type: ignore[attr-defined]
    return len(new)


class DuplicateService:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions

    # --- reading ---------------------------------------------------------------------------------------------

    def pending(self) -> list[DuplicateSuggestion]:
        """Pairs still to review, both contacts live, oldest first."""
        with self._sessions() as s:
            return self._pending(s)

    @staticmethod
    def _pending(s: Session, suggestion_id: int | None = None) -> list[DuplicateSuggestion]:
        first, second = aliased(Contact), aliased(Contact)
        stmt = (
            select(DuplicateSuggestionRow, first.display_name, second.display_name)
            .join(first, first.id == DuplicateSuggestionRow.first_id)
            .join(second, second.id == DuplicateSuggestionRow.second_id)
            .where(DuplicateSuggestionRow.decision == "", first.deleted_at.is_(None), second.deleted_at.is_(None))
            .order_by(DuplicateSuggestionRow.id)
        )
        if suggestion_id is not None:
            stmt = stmt.where(DuplicateSuggestionRow.id == suggestion_id)
        return [
            DuplicateSuggestion(
                r.id, r.first_id, first_name, r.second_id, second_name, r.reason, r.found_by, r.found_at
            )
            for r, first_name, second_name in s.execute(stmt)
        ]

    def comparison(self, suggestion_id: int) -> DuplicateComparison:
        with self._sessions() as s:
            return self._comparison(s, suggestion_id)

    def _comparison(self, s: Session, suggestion_id: int) -> DuplicateComparison:
        found = self._pending(s, suggestion_id)
        if not found:
            raise NotFoundError(f"no duplicate suggestion {suggestion_id} to review (merged, kept apart or trashed)")
        suggestion = found[0]
        first, second = repo.load_dtos(s, [suggestion.first_id, suggestion.second_id], with_photo=False)
        return DuplicateComparison(suggestion, tuple(compare(first, second)))

    # --- writing ---------------------------------------------------------------------------------------------

    def find(self) -> Written[int]:
        """ "Find duplicates": every candidate pair in the database not suggested (or decided) before."""
        with self._sessions.begin() as s:
            added = record_suggestions(s, None, "scan")
        changes = ChangeSet(records=frozenset({RECORD}), label="find duplicates") if added else ChangeSet()
        return Written(added, changes)

    def keep_apart(self, suggestion_id: int) -> Written[None]:
        """The two are different people: the pair leaves the review and is never suggested again."""
        with self._sessions.begin() as s:
            suggestion = self._comparison(s, suggestion_id).suggestion
            self._decide(s, suggestion_id, KEPT_APART)
        label = f"keep {suggestion.first_name} and {suggestion.second_name} apart"
        return Written(None, ChangeSet(records=frozenset({RECORD}), label=label))

    def merge(self, suggestion_id: int, winners: Mapping[str, Side] | None = None) -> Written[int]:
        """Merge the pair into its first (older) contact. For a field set differently on both sides, ``winners``
        says whose value is kept (the first's by default); the other value goes to the contact's history, and every
        email, phone, address, tag and interaction of both is kept. Returns the kept contact's id."""
        winners = dict(winners or {})
        with self._sessions.begin() as s:
            comparison = self._comparison(s, suggestion_id)
            choosable = {f.field for f in comparison.choices}
            unknown = sorted(set(winners) - choosable)
            if unknown:
                raise ValidationError("duplicates", f"nothing to choose for {', '.join(unknown)} in this pair")
            if any(side not in ("first", "second") for side in winners.values()):
                raise ValidationError("duplicates", "each choice is 'first' or 'second'")
            other_wins = frozenset(f for f, side in winners.items() if side == "second")
            pair = comparison.suggestion
            written = merge_in(s, pair.first_id, [pair.second_id], other_wins)
            self._decide(s, suggestion_id, MERGED)
        changes = written.changes | ChangeSet(records=frozenset({RECORD}))
        return Written(written.value, changes)

    @staticmethod
    def _decide(s: Session, suggestion_id: int, decision: str) -> None:
        s.execute(
            update(DuplicateSuggestionRow)
            .where(DuplicateSuggestionRow.id == suggestion_id)
            .values(decision=decision, decided_at=repo.utcnow())
        )

    def decided(self) -> list[tuple[int, int, str]]:
        """(first id, second id, decision) of every decided pair: for tests and the CLI's --all."""
        with self._sessions() as s:
            rows = s.execute(
                select(
                    DuplicateSuggestionRow.first_id, DuplicateSuggestionRow.second_id, DuplicateSuggestionRow.decision
                ).where(or_(DuplicateSuggestionRow.decision == KEPT_APART, DuplicateSuggestionRow.decision == MERGED))
            )
            return [tuple(r) for r in rows]  # type: ignore[misc]
