"""Contacts into the database inside the caller's transaction: matching, merging, history and the search index.

The building block of every import (files, LinkedIn exports, sync); ``ImportService`` in ``importing`` wraps it in a
transaction, and ``linkedin_import`` builds on it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from netdesk.core.merge import SCALAR_FIELDS, merge_contacts, same_content, same_person
from netdesk.core.model import ContactDTO, display_name, without_redundant_fn
from netdesk.core.normalize import contact_region, fold, normalize_email, normalize_phone, sort_key
from netdesk.db import repository as repo
from netdesk.db import search
from netdesk.db.bulk_insert import bulk_insert_contacts
from netdesk.db.tables import Contact, ContactHistory, Tag
from netdesk.io.report import ImportReport
from netdesk.services.formats import CancelCheck, Progress
from netdesk.services.job_changes import job_change_notes
from netdesk.services.timeline import bulk_insert_interactions, existing_external_ids


class ImportCancelled(Exception):
    pass


@dataclass(slots=True)
class MatchKeys:
    """What an incoming contact can be recognised by."""

    uid: str
    emails: list[str]
    phones: list[str]
    urls: list[str]
    name_org: str

    @classmethod
    def of(cls, c: ContactDTO, folded_name: str | None = None) -> MatchKeys:
        """``folded_name``: ``fold(display_name(c))`` when the caller has it already."""
        name = fold(display_name(c)) if folded_name is None else folded_name
        region = contact_region(a.country for a in c.addresses) if c.phones else None
        # Each list built only when there is something to build it from (most contacts lack most kinds).
        return cls(
            c.uid,
            [normalize_email(e.value) for e in c.emails if e.value.strip()] if c.emails else [],
            [p for p in (normalize_phone(t.value, region) for t in c.phones) if p.lstrip("+").isdigit() and len(p) >= 6]
            if c.phones
            else [],
            [repo.normalized_point("url", u.value) for u in c.urls if u.label == "linkedin"] if c.urls else [],
            f"{name}\x1f{fold(c.organization)}" if name and c.organization else "",
        )


def _matchable_phone(normalized: str) -> bool:
    return normalized.lstrip("+").isdigit() and len(normalized.lstrip("+")) >= 6


@dataclass
class BatchResult:
    """Database ids of the imported contacts, aligned with the input sequence (None where skipped)."""

    ids: list[int | None] = field(default_factory=list)
    # Notes the import added to timelines (a job change seen: services/job_changes.py).
    interactions: list[int] = field(default_factory=list)


class _Index:
    """Lookup of match keys -> target (an existing contact id, or ("new", n) for one created in this batch)."""

    def __init__(self) -> None:
        self.by_uid: dict[str, object] = {}
        self.by_email: dict[str, object] = {}
        self.by_phone: dict[str, object] = {}
        self.by_url: dict[str, object] = {}
        self.by_name_org: dict[str, object] = {}

    def candidates(self, k: MatchKeys, use_names: bool) -> list[tuple[object, str]]:
        """Every contact ``k`` may be, strongest evidence first: UID, LinkedIn URL, email, phone, name."""
        # Plain lookups and loops: called twice per incoming contact, and most find nothing.
        found: list[tuple[object, str]] = []
        if k.uid and k.uid in self.by_uid:
            found.append((self.by_uid[k.uid], "uid"))
        for u in k.urls:
            if u in self.by_url:
                found.append((self.by_url[u], "url"))
        for e in k.emails:
            if e in self.by_email:
                found.append((self.by_email[e], "email"))
        for p in k.phones:
            if p in self.by_phone:
                found.append((self.by_phone[p], "phone"))
        if use_names and k.name_org and k.name_org in self.by_name_org:
            found.append((self.by_name_org[k.name_org], "name"))
        return found

    def add(self, k: MatchKeys, target: object) -> None:
        if k.uid:
            self.by_uid.setdefault(k.uid, target)
        for url in k.urls:
            self.by_url.setdefault(url, target)
        for e in k.emails:
            self.by_email.setdefault(e, target)
        for p in k.phones:
            self.by_phone.setdefault(p, target)
        if k.name_org:
            self.by_name_org.setdefault(k.name_org, target)


def import_contacts_in(
    s: Session,
    contacts: Sequence[ContactDTO],
    report: ImportReport,
    *,
    source: str = "import",
    match_names: bool = False,
    prefer_incoming: frozenset[str] = frozenset(),
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> BatchResult:
    """Import inside the caller's transaction.

    A contact whose UID is known updates it (the incoming values win, the old ones go to history); one that
    shares an email, phone or LinkedIn URL (or, with ``match_names``, name and organisation) with a contact
    merges into it (existing values win, except for the fields in ``prefer_incoming``; nothing is dropped);
    anything else is created.
    """
    plan = match_contacts(
        s, contacts, report, match_names=match_names, prefer_incoming=prefer_incoming, progress=progress, cancel=cancel
    )
    return write_contacts(s, plan, report, source=source)


@dataclass
class ContactPlan:
    """What an import of contacts will write, decided before anything is written (``match_contacts``)."""

    new_dtos: list[ContactDTO]
    # The existing contacts the import matched, as they were and as they will be.
    original_dtos: dict[int, ContactDTO]
    existing_dtos: dict[int, ContactDTO]
    # Every card that matched an existing contact, in order: (existing id, "updated" | "merged"). Each card is counted
    # once in the report, so that its counts add up to the number of cards read.
    outcome: list[tuple[int, str]]
    # Values that lost against a value kept (existing wins): recorded in history so nothing is dropped.
    lost: list[tuple[object, str, str, str]]
    # Per incoming card: an existing id, or ("new", n) for new_dtos[n].
    targets: list[object]
    # (contact, display name, sort key) per new contact, as matching computed them: not computed again to write.
    named: list[tuple[ContactDTO, str, str]] = field(default_factory=list)

    def changed_ids(self) -> list[int]:
        return [cid for cid, dto in self.existing_dtos.items() if not same_content(dto, self.original_dtos[cid])]

    def new_names(self) -> list[tuple[str, str]]:
        """The display name and sort key of each new contact (computed again for one replaced since matching)."""
        named = self.named
        return [
            (named[n][1], named[n][2]) if n < len(named) and named[n][0] is dto else _name_and_key(dto)
            for n, dto in enumerate(self.new_dtos)
        ]

    def ids(self, first_new_id: int) -> list[int]:
        """The contact id of each incoming card when the new contacts get ids from ``first_new_id`` on."""
        return [first_new_id + t[1] if isinstance(t, tuple) else t for t in self.targets]  # type: ignore[misc]


def match_contacts(
    s: Session,
    contacts: Sequence[ContactDTO],
    report: ImportReport,
    *,
    match_names: bool = False,
    prefer_incoming: frozenset[str] = frozenset(),
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> ContactPlan:
    """Decide, for each incoming contact, whether it updates, merges into or creates a contact (see
    ``import_contacts_in``); nothing is written but trashed contacts whose UID comes in again, brought back."""
    contacts = [without_redundant_fn(c) for c in contacts]
    # Each name once: its folded form is both a match key and (stripped) the sort key the contact is written with.
    names = [display_name(c) for c in contacts]
    folded = [fold(name) for name in names]
    keys = [MatchKeys.of(c, f) for c, f in zip(contacts, folded, strict=True)]
    index = _existing_index(s, keys, match_names)
    _revive_trashed(s, [v for v in index.by_uid.values() if isinstance(v, int)])
    plan = ContactPlan([], {}, {}, [], [], [])
    new_dtos, existing_dtos, targets, named = plan.new_dtos, plan.existing_dtos, plan.targets, plan.named
    total = len(contacts)

    # Nothing found in the database (an import into an empty one): no contact of it is needed.
    found_any = any((index.by_uid, index.by_email, index.by_phone, index.by_url, index.by_name_org))
    needed = (
        {t for k in keys for t, _ in index.candidates(k, match_names) if isinstance(t, int)} if found_any else set()
    )
    for dto in repo.load_dtos(s, sorted(needed)):
        assert dto.id is not None
        plan.original_dtos[dto.id] = existing_dtos[dto.id] = dto

    for n, (c, k) in enumerate(zip(contacts, keys, strict=True)):
        if cancel is not None and n % 200 == 0 and cancel():
            raise ImportCancelled()
        if progress is not None and n % 500 == 0:
            progress(n, total, "matching")
        found = None
        for candidate, how in index.candidates(k, match_names):
            current = new_dtos[candidate[1]] if isinstance(candidate, tuple) else existing_dtos[candidate]  # type: ignore[index]
            # A shared email or phone (an office line, a team address) is not enough to merge two named people.
            if how in ("uid", "url") or same_person(current, c):
                found = (candidate, how)
                break
            report.suggestions.append(f"“{names[n]}” shares the {how} of “{display_name(current)}”; kept apart")
        if found is None:
            target: object = ("new", len(new_dtos))
            new_dtos.append(c)
            named.append((c, names[n], folded[n].strip()))
            index.add(k, target)
            targets.append(target)
            continue
        target, how = found
        targets.append(target)
        # The same rule inside a batch as against the database, so a re-import reaches the same state.
        by_uid = how == "uid"
        current = new_dtos[target[1]] if isinstance(target, tuple) else existing_dtos[target]  # type: ignore[index]
        merged, changes = merge_contacts(current, c, incoming_wins=by_uid, incoming_wins_fields=prefer_incoming)
        if not by_uid:
            plan.lost += [
                (target, ch.field, ch.old_value, ch.new_value) for ch in changes if ch.field not in prefer_incoming
            ]
        merged_name = display_name(merged)
        merged_folded = fold(merged_name)
        if isinstance(target, tuple):
            new_dtos[target[1]] = merged
            named[target[1]] = (merged, merged_name, merged_folded.strip())
            report.merged.append(f"{names[n]} (a duplicate within this import)")
        else:
            assert isinstance(target, int)
            existing_dtos[target] = merged
            plan.outcome.append((target, "updated" if by_uid else "merged"))
        index.add(MatchKeys.of(merged, merged_folded), target)
    if progress is not None:
        progress(total, total, "saving")
    return plan


def write_contacts(
    s: Session,
    plan: ContactPlan,
    report: ImportReport,
    *,
    source: str = "import",
    first_new_id: int | None = None,
    extra_columns: Sequence[str] = (),
    extra: Sequence[tuple[Any, ...]] = (),
) -> BatchResult:
    """Write what ``match_contacts`` decided: the new contacts (from ``first_new_id`` on, when the caller reserved
    their ids; ``extra[n]`` the values of ``extra_columns`` for the n-th), the changed ones with their history, and the
    search index."""
    new_dtos, existing_dtos, original_dtos = plan.new_dtos, plan.existing_dtos, plan.original_dtos
    new_names = plan.new_names()
    new_ids = bulk_insert_contacts(
        s, new_dtos, first_id=first_new_id, extra_columns=extra_columns, extra=extra, names=new_names
    )

    changed_ids = plan.changed_ids()
    rows_by_id = {r.id: r for r in repo.load_contacts(s, changed_ids)}
    tag_cache = {t.name_folded: t for t in s.scalars(select(Tag))} if changed_ids else {}
    for cid in changed_ids:
        repo.apply_dto(s, rows_by_id[cid], existing_dtos[cid], tag_cache)
    # History: the net change of each updated field, plus the values that lost a merge.
    history: list[tuple[object, str, str, str]] = [
        (cid, f, getattr(original_dtos[cid], f), getattr(existing_dtos[cid], f))
        for cid in changed_ids
        for f in SCALAR_FIELDS
        if getattr(original_dtos[cid], f) and getattr(original_dtos[cid], f) != getattr(existing_dtos[cid], f)
    ]
    added = _add_history(s, history, source)
    # A value that lost a merge is kept as a merge keeps it: it is not news about the person (services/job_changes.py).
    lost_values = [(new_ids[t[1]] if isinstance(t, tuple) else t, f, old, new) for t, f, old, new in plan.lost]
    _add_history(s, lost_values, "merge")
    s.flush()
    notes = job_change_notes(added, original_dtos, existing_dtos, source, datetime.now().replace(microsecond=0))
    known_notes = existing_external_ids(s, source) if notes else set()
    noted = bulk_insert_interactions(s, [n for n in notes if n.external_id not in known_notes])

    _index_documents(s, new_ids, new_dtos, [(cid, existing_dtos[cid]) for cid in changed_ids], new_names)

    report.created.extend((name for name, _ in new_names), len(new_dtos))
    changed = set(changed_ids)
    for cid, how in plan.outcome:
        name = display_name(existing_dtos[cid])
        if cid in changed:
            (report.updated if how == "updated" else report.merged).append(name)
        else:
            report.unchanged.append(name)
    ids = [new_ids[t[1]] if isinstance(t, tuple) else t for t in plan.targets]
    return BatchResult(ids, noted)  # type: ignore[arg-type]


def _add_history(
    s: Session, entries: Sequence[tuple[object, str, str, str]], source: str
) -> list[tuple[object, str, str, str]]:
    """Store history entries not already recorded (a re-import must not repeat them); returns those stored."""
    if not entries:
        return []
    ids = sorted({e[0] for e in entries})  # type: ignore[type-var]
    known: set[tuple[object, str, str, str]] = set()
    for start in range(0, len(ids), 900):
        rows = s.execute(
            select(
                ContactHistory.contact_id, ContactHistory.field, ContactHistory.old_value, ContactHistory.new_value
            ).where(ContactHistory.contact_id.in_(ids[start : start + 900]))
        )
        known.update(tuple(r) for r in rows)  # type: ignore[misc]
    now = repo.utcnow()
    added = [entry for entry in dict.fromkeys(entries) if entry not in known]
    for cid, f, old, new in added:
        s.add(ContactHistory(contact_id=cid, field=f, old_value=old, new_value=new, changed_at=now, source=source))
    return added


def _existing_index(s: Session, keys: Sequence[MatchKeys], match_names: bool) -> _Index:
    index = _Index()
    connection = s.connection()
    # One query per kind over a JSON array of the values (index lookups each), not one per 900 bound values.
    uids = sorted({k.uid for k in keys if k.uid})
    if uids:
        found = connection.exec_driver_sql(
            "SELECT id, uid FROM contacts WHERE uid IN (SELECT value FROM json_each(?))", (json.dumps(uids),)
        )
        index.by_uid.update((uid, cid) for cid, uid in found)
    for kind, attr, dest in (
        ("email", "emails", index.by_email),
        ("phone", "phones", index.by_phone),
        ("url", "urls", index.by_url),
    ):
        # No stored point of this kind (an import into an empty database): nothing to sort, send and look up.
        held = "SELECT EXISTS (SELECT 1 FROM contact_points WHERE kind = ?)"
        if not connection.exec_driver_sql(held, (kind,)).scalar():
            continue
        values = sorted({v for k in keys for v in getattr(k, attr)})
        if not values:
            continue
        # The lowest live contact id holding a value gets it (setdefault over rows in contact id order).
        found = connection.exec_driver_sql(
            "SELECT p.normalized, p.contact_id FROM contact_points p JOIN contacts c ON c.id = p.contact_id"
            " WHERE p.kind = ? AND p.normalized IN (SELECT value FROM json_each(?)) AND c.deleted_at IS NULL"
            " ORDER BY p.contact_id",
            (kind, json.dumps(values)),
        )
        for value, cid in found:
            dest.setdefault(value, cid)
    if match_names:
        wanted = {k.name_org for k in keys if k.name_org}
        if wanted:
            people = select(Contact.id, Contact.sort_key, Contact.organization).where(
                Contact.deleted_at.is_(None), Contact.organization != ""
            )
            for cid, key, org in s.execute(people):
                name_org = f"{key}\x1f{fold(org)}"
                if name_org in wanted:
                    index.by_name_org.setdefault(name_org, cid)
    return index


def _revive_trashed(s: Session, ids: Sequence[int]) -> None:
    """A trashed contact whose UID comes in again is brought back rather than duplicated."""
    for start in range(0, len(ids), 900):
        trashed = list(
            s.scalars(
                select(Contact.id).where(Contact.id.in_(ids[start : start + 900]), Contact.deleted_at.is_not(None))
            )
        )
        if trashed:
            repo.set_deleted(s, trashed, None)
            repo.refresh_fts(s, trashed)


def _index_documents(
    s: Session,
    new_ids: Sequence[int],
    new_dtos: Sequence[ContactDTO],
    changed: Sequence[tuple[int, ContactDTO]],
    new_names: Sequence[tuple[str, str]],
) -> None:
    """Index the new contacts (ids in one run; ``new_names`` their display names and sort keys) and index again the
    changed ones."""
    connection = s.connection()
    if new_ids:
        # Ids past the highest one are new: any entry there is a leftover (one range, not one lookup per id).
        connection.exec_driver_sql("DELETE FROM contacts_fts WHERE rowid BETWEEN ? AND ?", (new_ids[0], new_ids[-1]))
    if changed:
        repo.remove_from_fts(s, [cid for cid, _ in changed])
    docs = [
        (cid, search.contact_document(dto, name))
        for cid, dto, (name, _) in zip(new_ids, new_dtos, new_names, strict=True)
    ]
    docs += [(cid, search.contact_document(dto)) for cid, dto in changed]
    if docs:
        connection.exec_driver_sql("INSERT INTO contacts_fts(rowid, body) VALUES (?, ?)", docs)


def _name_and_key(c: ContactDTO) -> tuple[str, str]:
    name = display_name(c)
    return name, sort_key(name)
