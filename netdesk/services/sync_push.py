"""The push half of a book's sync (``sync.BookSync``): what changed here since each card was last in step goes to the
server. Edits go with If-Match, new contacts with If-None-Match, deletes with If-Match; a 412 means the server
changed the card meanwhile: it is fetched, merged (sync/merge.py) and sent again. Each card's new state is committed
right after the server took it, so a crash between the two costs a re-check, not data.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.model import ContactDTO
from netdesk.core.normalize import fold
from netdesk.db import bulk
from netdesk.db import repository as repo
from netdesk.db.tables import Contact, ContactTag, SyncItem, Tag
from netdesk.io.vdir import vdir_file_name
from netdesk.services.sync_types import BookTarget, SyncCounts
from netdesk.sync.cards import (
    card_version,
    contact_to_card,
    normal_contact,
    patch_card,
    readable_card,
    same_card_content,
)
from netdesk.sync.dav import (
    Card,
    ConnectionFailed,
    DavClient,
    PreconditionFailed,
    SyncCancelled,
    SyncError,
    canonical_href,
)
from netdesk.sync.merge import FieldConflict, merge_three_way

PUSH_BATCH = 500  # new contacts read per batch for a first upload
MAX_412_RETRIES = 3


class PushSteps:
    """Mixed into ``BookSync``, which provides the state below and the pull-side steps a push reuses (a card the
    server changed meanwhile is applied as pulled)."""

    _sessions: sessionmaker[Session]
    _client: DavClient
    _book: BookTarget
    counts: SyncCounts

    if TYPE_CHECKING:

        def _check_cancel(self) -> None: ...
        def _report(self, done: int, total: int, what: str) -> None: ...
        def _apply_pulled(self, cards: Sequence[Card], parsed: dict[str, ContactDTO | str] | None = None) -> None: ...
        def _write(self, s: Session, row: Contact, dto: ContactDTO, before: ContactDTO) -> None: ...
        def _keep_conflicts(self, s: Session, contact_id: int, conflicts: Sequence[FieldConflict]) -> None: ...

    def push(self) -> None:
        if not self._anything_to_send():
            return
        self._push_deletes()
        self._push_edits()
        self._push_new()

    def _new_contacts(self) -> Select[Any]:
        """Contacts in the book's tag that are not in step with any of its cards yet."""
        linked = exists().where(SyncItem.book_id == self._book.id, SyncItem.contact_id == Contact.id)
        return (
            select(Contact.id)
            .join(ContactTag, ContactTag.contact_id == Contact.id)
            .join(Tag, Tag.id == ContactTag.tag_id)
            .where(Tag.name_folded == fold(self._book.tag), Contact.deleted_at.is_(None), ~linked)
        )

    def _anything_to_send(self) -> bool:
        """One cheap look before the three pushes: a card whose contact was deleted or changed since it was last in
        step, or a contact in the book's tag without a card. A sync with nothing to do stops here."""
        out_of_step = (
            select(SyncItem.id)
            .outerjoin(Contact, Contact.id == SyncItem.contact_id)
            .where(
                SyncItem.book_id == self._book.id,
                SyncItem.contact_id.is_(None)
                | Contact.deleted_at.is_not(None)
                | SyncItem.local_stamp.is_(None)
                | (SyncItem.local_stamp != Contact.updated_at),
            )
            .limit(1)
        )
        with self._sessions() as s:
            return s.scalar(select(exists(out_of_step) | exists(self._new_contacts().limit(1)))) or False

    def _push_deletes(self) -> None:
        with self._sessions() as s:
            rows = s.execute(
                select(SyncItem.id, SyncItem.href, SyncItem.etag)
                .outerjoin(Contact, Contact.id == SyncItem.contact_id)
                .where(
                    SyncItem.book_id == self._book.id,
                    (SyncItem.contact_id.is_(None)) | (Contact.deleted_at.is_not(None)),
                )
            ).all()
        for item_id, href, etag in rows:
            self._check_cancel()
            try:
                self._client.delete(href, etag=etag)
            except PreconditionFailed:
                # Changed on the server since: the server's version comes back here instead (nothing is lost).
                got = self._client.get(href)
                if got is not None:
                    self._apply_pulled([(href, got[1], got[0])])
                    continue
            except (ConnectionFailed, SyncCancelled):
                raise
            except SyncError as exc:  # refused for this card alone: reported, tried again next time
                self.counts.errors.append(str(exc))
                continue
            with self._sessions.begin() as s:
                item = s.get(SyncItem, item_id)
                if item is not None:
                    s.delete(item)
            self.counts.deleted_there += 1

    def _push_edits(self) -> None:
        with self._sessions() as s:
            ids = list(
                s.scalars(
                    select(SyncItem.id)
                    .join(Contact, Contact.id == SyncItem.contact_id)
                    .where(
                        SyncItem.book_id == self._book.id,
                        Contact.deleted_at.is_(None),
                        (SyncItem.local_stamp.is_(None)) | (SyncItem.local_stamp != Contact.updated_at),
                    )
                )
            )
        for n, item_id in enumerate(ids):
            self._check_cancel()
            self._report(n, len(ids), "sending changes")
            self._push_guarded(item_id, None)

    def _push_new(self) -> None:
        with self._sessions() as s:
            ids = list(s.scalars(self._new_contacts().order_by(Contact.id)))
        # A book's first upload sends every tagged contact: they are read a batch at a time with the bulk reads (a
        # few queries a batch instead of five a contact), each batch in a short read transaction of its own.
        n = 0
        for start in range(0, len(ids), PUSH_BATCH):
            for dto, stamp in self._live_batch(ids[start : start + PUSH_BATCH]):
                self._check_cancel()
                self._report(n, len(ids), "sending new contacts")
                n += 1
                self._push_guarded(None, dto.id, (dto, stamp))

    def _live_batch(self, ids: Sequence[int]) -> list[tuple[ContactDTO, datetime]]:
        """The contacts ``ids`` still live, with the stamp their upload is recorded with (their updated_at)."""
        with self._sessions() as s:
            live = set(s.scalars(select(Contact.id).where(Contact.id.in_(ids), Contact.deleted_at.is_(None))))
            chosen = [i for i in ids if i in live]
            return [
                (dto, dto.updated_at)
                for batch in bulk.iter_contact_batches(s, chosen, batch_size=PUSH_BATCH)
                for dto in batch
                if dto.updated_at is not None
            ]

    def _push_guarded(
        self, item_id: int | None, contact_id: int | None, local: tuple[ContactDTO, datetime] | None = None
    ) -> None:
        """One card the server refuses (a 4xx for that card alone) is reported and the others still go out."""
        try:
            self._push_one(item_id, contact_id, local)
        except (ConnectionFailed, SyncCancelled):
            raise
        except SyncError as exc:
            self.counts.errors.append(str(exc))

    def _local(self, contact_id: int) -> tuple[ContactDTO, datetime] | None:
        with self._sessions() as s:
            row = s.get(Contact, contact_id)
            if row is None or row.deleted_at is not None:
                return None
            (dto,) = repo.load_dtos(s, [contact_id])
            return dto, row.updated_at

    def _push_one(
        self, item_id: int | None, contact_id: int | None = None, local: tuple[ContactDTO, datetime] | None = None
    ) -> None:
        """Send one contact (an item's, or a new one's, already read as ``local``), merging with the server's
        version on a 412."""
        href, etag, base_text = "", "", ""
        if item_id is not None:
            with self._sessions() as s:
                item = s.get(SyncItem, item_id)
                if item is None or item.contact_id is None:
                    return
                href, etag, base_text, contact_id = item.href, item.etag, item.card, item.contact_id
        assert contact_id is not None
        local = local or self._local(contact_id)
        if local is None:
            return
        dto, stamp = local
        if not href:
            href = self._free_href(dto.uid)
        version = card_version(base_text) if base_text else "3.0"
        # Each card keeps its own UID: two server cards merged here into one contact stay two cards there.
        card_uid = dto.uid
        base_dto: ContactDTO | None = None  # the card as last in step, parsed once: compared, merged, patched
        if base_text:
            base_dto = readable_card(base_text, self._book.tag)
            card_uid = base_dto.uid if base_dto is not None and base_dto.uid else dto.uid
            if base_dto is not None and same_card_content(base_dto, dto.replace(uid=card_uid)):
                # touched but not changed (an edit undone, say): nothing to send
                self._store_item(item_id, href, etag, base_text, contact_id, stamp)
                return
        for _attempt in range(MAX_412_RETRIES):
            card = self._card(dto.replace(uid=card_uid), base_text, base_dto, version)
            try:
                new_etag = self._client.put(href, card, etag=etag or None)
            except PreconditionFailed:
                got = self._client.get(href)
                if got is None:
                    etag, base_text, base_dto = "", "", None
                    continue
                remote_text, etag = got
                remote = readable_card(remote_text, self._book.tag)
                if item_id is None and (remote is None or remote.uid != card_uid):
                    # A new card's name is taken by another card (one this sync could not read): not ours to merge.
                    href, etag = self._free_href(card_uid, fresh=True), ""
                    continue
                if remote is None:
                    unreadable = f"{href} changed on the server into a card NetDesk cannot read"
                    raise SyncError(f"{self._client.host}: {unreadable}") from None
                merged, conflicts = merge_three_way(base_dto, dto, remote)
                with self._sessions.begin() as s:
                    row = s.get(Contact, contact_id)
                    if row is None:
                        return
                    self._write(s, row, merged, dto)
                    self._keep_conflicts(s, contact_id, conflicts)
                    s.flush()
                    stamp = row.updated_at
                self.counts.merged += 1
                dto, base_text, base_dto = merged, remote_text, remote
                continue
            self._store_item(item_id, href, new_etag, card, contact_id, stamp)
            self.counts.pushed += 1
            return
        raise PreconditionFailed(f"{self._client.host}: {href} keeps changing on the server; try again later")

    def _free_href(self, uid: str, *, fresh: bool = False) -> str:
        """A name for a card new to the book: ``<UID>.vcf`` as vdir names it, unless a card of the book has that name
        already (two UIDs can make one name: "müller" and "möller" both make m_ller.vcf), or ``fresh``: then a
        random one."""
        href = canonical_href(urljoin(self._book.url, vdir_file_name(uid)))
        if not fresh:
            with self._sessions() as s:
                taken = s.scalar(select(SyncItem.id).where(SyncItem.book_id == self._book.id, SyncItem.href == href))
            if taken is None:
                return href
        return canonical_href(urljoin(self._book.url, f"{uuid.uuid4()}.vcf"))

    def _card(self, dto: ContactDTO, base_text: str, base: ContactDTO | None, version: str) -> str:
        """The card to send: the server's card (``base_text``, read as ``base``) with the changed properties
        rewritten (``patch_card``), or NetDesk's writing of the contact for a card the server has not seen."""
        written = contact_to_card(normal_contact(dto), self._book.tag, version)
        if not base_text or base is None:
            return written
        base_written = contact_to_card(normal_contact(base.replace(uid=dto.uid)), self._book.tag, version)
        return patch_card(base_text, base_written, written)

    def _store_item(
        self, item_id: int | None, href: str, etag: str, card: str, contact_id: int, stamp: datetime
    ) -> None:
        with self._sessions.begin() as s:
            item = s.get(SyncItem, item_id) if item_id is not None else None
            if item is None:
                item = s.scalar(select(SyncItem).where(SyncItem.book_id == self._book.id, SyncItem.href == href))
            if item is None:
                item = SyncItem(book_id=self._book.id, href=href)
                s.add(item)
            # No ETag back means the server changed the card as it stored it: the next pull fetches its version.
            item.etag, item.card, item.contact_id, item.local_stamp = etag, card, contact_id, stamp
