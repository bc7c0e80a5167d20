"""SyncService: the CardDAV accounts of a database (add, list, remove, choose books) and running their sync.

Passwords never reach the database: the caller passes one in (from the keyring, $NETDESK_PASSWORD or stdin) for
each call that talks to the server.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from netdesk.core.changes import ChangeSet, Written
from netdesk.core.errors import NotFoundError, ValidationError
from netdesk.core.normalize import fold
from netdesk.db import repository as repo
from netdesk.db.tables import SyncAccount, SyncBook, SyncItem
from netdesk.services.collector import paused_collector
from netdesk.services.formats import CancelCheck, Progress
from netdesk.services.sync import BookSync
from netdesk.services.sync_types import AccountDTO, BookDTO, BookTarget, SyncCounts
from netdesk.sync.dav import ConnectionFailed, DavClient, RetryPolicy, SyncCancelled, SyncError
from netdesk.sync.discovery import BookInfo, discover_books

# (url, username, password, pinned certificate PEM) -> a client; tests and the benchmark may pass their own.
ClientFactory = Callable[[str, str, str, str], DavClient]


def _free_tag(wanted: str, account: str, taken: set[str]) -> str:
    """A book's default tag: its name, unless another book syncs into that tag already. Every contact in a book's tag
    is sent to the book, so two books sharing a tag (two "Contacts", on one account or two) would each receive the
    other's cards; the second gets "Contacts (work)" instead, or "Contacts (work 2)" … A book without a name (whose
    tag is the account's name) gets "work 2" …"""
    if fold(wanted) == fold(account):
        candidates = [wanted, *(f"{wanted} {n}" for n in range(2, 3 + len(taken)))]
    else:
        candidates = [wanted, f"{wanted} ({account})", *(f"{wanted} ({account} {n})" for n in range(2, 2 + len(taken)))]
    return next(c for c in candidates if fold(c) not in taken)


class SyncService:
    def __init__(self, sessions: sessionmaker[Session], retry: RetryPolicy | None = None) -> None:
        self._sessions = sessions
        self.retry = retry or RetryPolicy()

    def client(self, url: str, username: str, password: str, certificate_pem: str = "") -> DavClient:
        return DavClient(url, username, password, certificate_pem=certificate_pem, retry=self.retry)

    # --- accounts -------------------------------------------------------------------------------------------

    def accounts(self) -> list[AccountDTO]:
        with self._sessions() as s:
            return [self._dto(s, a) for a in s.scalars(select(SyncAccount).order_by(SyncAccount.name))]

    def account(self, name: str) -> AccountDTO:
        with self._sessions() as s:
            return self._dto(s, self._row(s, name))

    def has_accounts(self) -> bool:
        with self._sessions() as s:
            return bool(s.scalar(select(func.count()).select_from(SyncAccount)))

    def add_account(
        self,
        name: str,
        url: str,
        username: str,
        password: str,
        *,
        certificate_pem: str = "",
        tags: Mapping[str, str] | None = None,
    ) -> Written[AccountDTO]:
        """Discover the account's address books and store the account; each book syncs into the tag ``tags``
        gives for its URL or display name, else a tag named after the book."""
        books = self.discover(name, url, username, password, certificate_pem=certificate_pem)
        return self.store_account(name, url, username, books, certificate_pem=certificate_pem, tags=tags)

    def discover(
        self, name: str, url: str, username: str, password: str, *, certificate_pem: str = ""
    ) -> list[BookInfo]:
        """The address books a new account would sync (talks to the server, writes nothing): the GUI runs this on
        a network thread and then ``store_account`` through its one write path."""
        self._check_new(name, url)
        with self.client(url, username, password, certificate_pem) as client:
            books = discover_books(client)
        if not books:
            raise SyncError(f"{url}: the account has no address book")
        return books

    def store_account(
        self,
        name: str,
        url: str,
        username: str,
        books: Sequence[BookInfo],
        *,
        certificate_pem: str = "",
        tags: Mapping[str, str] | None = None,
    ) -> Written[AccountDTO]:
        """Store an account whose books ``discover`` found (no network)."""
        name = self._check_new(name, url)
        chosen = tags or {}
        with self._sessions.begin() as s:
            account = SyncAccount(
                name=name, url=url, username=username, certificate=certificate_pem, created_at=repo.utcnow()
            )
            s.add(account)
            s.flush()
            taken = {fold(t) for t in s.scalars(select(SyncBook.tag))}
            for book in books:
                tag = chosen.get(book.url) or chosen.get(book.display_name)
                if not tag:
                    tag = _free_tag(book.display_name or name, name, taken)
                taken.add(fold(tag))
                s.add(SyncBook(account_id=account.id, url=book.url, display_name=book.display_name, tag=tag))
            s.flush()
            dto = self._dto(s, account)
        return Written(dto, ChangeSet(records=frozenset({"account"}), label=f"add sync account {name}"))

    def _check_new(self, name: str, url: str) -> str:
        name = name.strip()
        if not name:
            raise ValidationError("name", "An account needs a name.")
        if not url.startswith(("https://", "http://")):
            raise ValidationError("url", f"Not a server address: {url!r} (expected https://…)")
        if "@" in urlsplit(url).netloc:
            # It would be stored with the account and named in every message about the server.
            raise ValidationError(
                "url",
                "The server address holds a user name or password (user@…): give the user name on its own, "
                "and the password when asked (it goes to the system keyring)",
            )
        with self._sessions() as s:
            if s.scalar(select(SyncAccount.id).where(SyncAccount.name == name)) is not None:
                raise ValidationError("name", f"There is already an account named {name!r}.")
        return name

    def remove_account(self, name: str) -> Written[None]:
        """Forget the account and what was in step with it; the contacts stay."""
        with self._sessions.begin() as s:
            s.delete(self._row(s, name))
        return Written(None, ChangeSet(records=frozenset({"account"}), label=f"remove sync account {name}"))

    def set_book(self, book_id: int, *, tag: str | None = None, enabled: bool | None = None) -> Written[BookDTO]:
        with self._sessions.begin() as s:
            book = s.get(SyncBook, book_id)
            if book is None:
                raise NotFoundError(f"no address book with id {book_id}")
            if tag is not None:
                if not tag.strip():
                    raise ValidationError("tag", "A synced address book needs a tag.")
                book.tag = tag.strip()
            if enabled is not None:
                book.enabled = enabled
            s.flush()
            dto = self._book_dto(s, book)
        what = "tag" if enabled is None else "sync on" if enabled else "sync off"
        label = f"{what} for {dto.display_name or 'address book'}"
        return Written(dto, ChangeSet(records=frozenset({"account"}), label=label))

    def set_interval(self, name: str, minutes: int | None) -> Written[None]:
        with self._sessions.begin() as s:
            self._row(s, name).interval_minutes = minutes if minutes and minutes > 0 else None
        return Written(None, ChangeSet(records=frozenset({"account"}), label=f"sync schedule of {name}"))

    def synced_with(self, contact_id: int) -> list[str]:
        """ "Account (book)" for every book this contact is in step with."""
        with self._sessions() as s:
            rows = s.execute(
                select(SyncAccount.name, SyncBook.display_name, SyncAccount.last_sync_at)
                .join(SyncBook, SyncBook.account_id == SyncAccount.id)
                .join(SyncItem, SyncItem.book_id == SyncBook.id)
                .where(SyncItem.contact_id == contact_id)
                .order_by(SyncAccount.name)
            ).all()
        return [f"{name} ({book})" if book else name for name, book, _when in rows]

    # --- sync -----------------------------------------------------------------------------------------------

    def sync(
        self,
        name: str,
        password: str,
        *,
        progress: Progress | None = None,
        cancel: CancelCheck | None = None,
    ) -> Written[SyncCounts]:
        """Two-way sync of every enabled book of the account (services/sync.py). A SyncError is recorded as the
        account's last error and raised again: one line for the user. One that concerns a single book (gone from the
        server: 404) is that book's error in the counts, and the other books still sync."""
        with self._sessions() as s:
            account = self._row(s, name)
            url, username, certificate = account.url, account.username, account.certificate
            books = [
                BookTarget(b.id, b.url, b.tag, b.sync_token, b.ctag)
                for b in s.scalars(select(SyncBook).where(SyncBook.account_id == account.id, SyncBook.enabled))
            ]
        counts = SyncCounts()
        try:
            # Thousands of short-lived cards and DTOs without cycles: the collector would only walk them again.
            with paused_collector(), self.client(url, username, password, certificate) as client:
                for book in books:
                    part = BookSync(
                        self._sessions, client, book, source=f"sync {name}", progress=progress, cancel=cancel
                    )
                    try:
                        part.run()
                    except (ConnectionFailed, SyncCancelled):
                        raise
                    except SyncError as exc:
                        # This book alone (removed from the server, refused to us …): reported, the others go on.
                        part.counts.errors.append(str(exc))
                    finally:
                        counts.add(part.counts)
        except SyncCancelled:
            self._record(name, "")  # stopped on request: what finished is kept, nothing failed
            raise
        except SyncError as exc:
            self._record(name, str(exc))
            raise
        self._record(name, "; ".join(counts.errors[:3]), synced=True)
        changes = ChangeSet(
            contacts=frozenset(counts.changed_ids),
            tags=bool(counts.changed_ids),
            records=frozenset({"account"}),
            label=f"sync with {name}",
        )
        return Written(counts, changes)

    def _record(self, name: str, error: str, *, synced: bool = False) -> None:
        with self._sessions.begin() as s:
            account = s.scalar(select(SyncAccount).where(SyncAccount.name == name))
            if account is None:
                return
            account.last_error = error
            if synced:
                account.last_sync_at = repo.utcnow()

    # --- helpers --------------------------------------------------------------------------------------------

    @staticmethod
    def _row(s: Session, name: str) -> SyncAccount:
        account = s.scalar(select(SyncAccount).where(SyncAccount.name == name))
        if account is None:
            raise NotFoundError(f"no account named {name!r}")
        return account

    @staticmethod
    def _book_dto(s: Session, b: SyncBook) -> BookDTO:
        cards = s.scalar(select(func.count()).select_from(SyncItem).where(SyncItem.book_id == b.id)) or 0
        return BookDTO(b.id, b.url, b.display_name, b.tag, b.enabled, cards)

    def _dto(self, s: Session, a: SyncAccount) -> AccountDTO:
        books = s.scalars(select(SyncBook).where(SyncBook.account_id == a.id).order_by(SyncBook.url))
        return AccountDTO(
            a.id,
            a.name,
            a.url,
            a.username,
            bool(a.certificate),
            a.interval_minutes,
            a.last_sync_at,
            a.last_error,
            tuple(self._book_dto(s, b) for b in books),
        )
