"""Importing a vCard file as a stream: parse, match and store it segment by segment inside the import's transaction.

Memory stays bounded whatever the file's size (a 1,000,000-card file is ~49 MB): only a few segments of cards are
held at once (``netdesk.io.vcard_stream``), matching asks the database's indexes about each segment's keys (what
earlier segments stored is found there too), and the contacts changed are counted rather than listed once there are
more than ``ChangedContacts.LIMIT``.

Most cards of an import are new people: their rows are computed in the parse workers (``prepare_contact``) and
inserted as they come. A card that may be someone already stored, or shares a key with another card of its segment,
is parsed again here and goes through the general path (``import_contacts_in``), which matches and merges it.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy.orm import Session

from netdesk.core.changes import ChangeSet
from netdesk.core.model import ContactDTO
from netdesk.db.bulk_insert import insert_prepared
from netdesk.db.bulk_triggers import BULK_TABLES, search_index_buffered, triggers_set_aside
from netdesk.db.checkpoint import defer_checkpoint
from netdesk.db.rows import PreparedContact, prepare_contact
from netdesk.io.report import ImportReport
from netdesk.io.vcard import CardError, parse_card_checked
from netdesk.io.vcard_stream import ParsedCard, stream_vcard_file
from netdesk.services.contact_import import ImportCancelled, import_contacts_in
from netdesk.services.formats import CancelCheck, Progress

# From this file size on (a few thousand cards), an import sets the per-row triggers aside (netdesk.db.bulk_triggers).
BULK_FILE_BYTES = 1024 * 1024


class ChangedContacts:
    """The ids of the contacts an import touched, up to ``LIMIT``; beyond it only that there were many."""

    LIMIT = 20_000

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.many = False
        # Notes the general path added to timelines (a job change seen on re-import).
        self.interactions: list[int] = []

    def add(self, ids: Sequence[int]) -> None:
        if self.many:
            return
        self.ids += ids
        if len(self.ids) > self.LIMIT:
            self.ids = []
            self.many = True


def _keys(p: PreparedContact) -> list[str]:
    return (
        ([f"u{p.uid}"] if p.uid else [])
        + [f"e{e}" for e in p.emails]
        + [f"p{x}" for x in p.phones]
        + [f"l{u}" for u in p.urls]
    )


def _known_keys(s: Session, keys: set[str]) -> set[str]:
    """Which of ``keys`` (see ``_keys``) a stored contact already has: index lookups, one query per kind.

    Any contact with the UID counts (a trashed one is revived by the general path); emails, phones and LinkedIn URLs
    count on live contacts only, as in ``import_contacts_in``.
    """
    by_kind: dict[str, list[str]] = {}
    for key in keys:
        by_kind.setdefault(key[0], []).append(key[1:])
    known: set[str] = set()
    cursor = s.connection().connection.cursor()
    try:
        if by_kind.get("u"):
            cursor.execute(
                "SELECT uid FROM contacts WHERE uid IN (SELECT value FROM json_each(?))", (json.dumps(by_kind["u"]),)
            )
            known.update("u" + uid for (uid,) in cursor.fetchall())
        for prefix, kind in (("e", "email"), ("p", "phone"), ("l", "url")):
            if by_kind.get(prefix):
                cursor.execute(
                    "SELECT DISTINCT p.normalized FROM contact_points p JOIN contacts c ON c.id = p.contact_id "
                    "WHERE p.kind = ? AND p.normalized IN (SELECT value FROM json_each(?)) AND c.deleted_at IS NULL",
                    (kind, json.dumps(by_kind[prefix])),
                )
                known.update(prefix + value for (value,) in cursor.fetchall())
    finally:
        cursor.close()
    return known


def import_segment(
    s: Session,
    cards: Sequence[ParsedCard],
    report: ImportReport,
    *,
    cancel: CancelCheck | None = None,
    interactions: list[int] | None = None,
) -> list[int]:
    """Store one segment's cards (``value`` a PreparedContact); the ids of the contacts created or matched."""
    prepared: list[PreparedContact] = [c.value for c in cards]
    counts = Counter(k for p in prepared for k in _keys(p))
    known = _known_keys(s, set(counts))
    fresh: list[PreparedContact] = []
    others: list[ParsedCard] = []
    for card, p in zip(cards, prepared, strict=True):
        keys = _keys(p)
        if any(counts[k] > 1 or k in known for k in keys):
            others.append(card)
        else:
            fresh.append(p)
    ids = insert_prepared(s, fresh)
    report.created.extend((p.name for p in fresh), len(fresh))
    if others:
        contacts: list[ContactDTO] = []
        for card in others:
            try:  # parsed once already, in a worker; its problems are reported
                contacts.append(parse_card_checked(card.text, line=card.line)[0])
            except CardError:  # pragma: no cover - it parsed in the worker
                continue
        result = import_contacts_in(s, contacts, report, cancel=cancel)
        ids += [i for i in result.ids if i is not None]
        if interactions is not None:
            interactions += result.interactions
    return ids


def import_vcard_stream(
    s: Session,
    path: Path,
    report: ImportReport,
    changed: ChangedContacts,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
    workers: int | None = None,
) -> None:
    """Import the vCard file ``path`` inside the caller's transaction, segment by segment."""
    with ExitStack() as bulk:
        if path.is_file() and path.stat().st_size >= BULK_FILE_BYTES:
            # Thousands of cards: the per-row change-tracking triggers are set aside and said once at the end, and
            # the search index buffers more terms between its segment writes (as a LinkedIn import does). The
            # indexes stay: each segment is matched through them against what the earlier ones stored.
            bulk.enter_context(triggers_set_aside(s, (*BULK_TABLES, "contact_tags")))
            bulk.enter_context(search_index_buffered(s, ("contacts_fts",)))
            defer_checkpoint(s)
        for segment in stream_vcard_file(path, report, finish=prepare_contact, workers=workers):
            if cancel is not None and cancel():
                raise ImportCancelled()
            if progress is not None and segment.total_bytes:
                progress(segment.done_bytes * 100 // segment.total_bytes, 100, f"importing {path.name}")  # per cent
            changed.add(import_segment(s, segment.cards, report, cancel=cancel, interactions=changed.interactions))


def import_changes(changed: ChangedContacts, interaction_ids: Sequence[int], files: int = 0) -> ChangeSet:
    """The change-set of an import: its contacts (or that there were many), interactions, and what follows."""
    if not (changed.ids or changed.many or interaction_ids):
        return ChangeSet()
    return ChangeSet(
        contacts=frozenset(changed.ids),
        many_contacts=changed.many,
        interactions=frozenset(interaction_ids),
        tags=True,
        networking=True,
        goals=True,
        label=f"import of {files} files" if files > 1 else "import",
    )
