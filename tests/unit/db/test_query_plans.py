"""The hot reads use the indexes made for them (migration 0011): SQLite's own EXPLAIN QUERY PLAN of the statements
the code really runs, captured as it runs them. At 100,000 contacts a wrong plan costs a sort of every row or a
visit to every contact, which no small test would notice by its time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import event, insert
from sqlalchemy.orm import Session

from netdesk.core.model import ContactDTO
from netdesk.db import repository, stars
from netdesk.db.tables import SyncAccount, SyncBook, SyncItem
from netdesk.services import NetDesk
from netdesk.services.sync import BookSync
from netdesk.services.sync_types import BookTarget

Statement = tuple[str, Any]


@contextmanager
def _captured(session: Session) -> Iterator[tuple[list[Statement], list[Statement]]]:
    """The statements run while inside: through SQLAlchemy (any session of the engine) with their parameters, and
    on ``session``'s connection as SQLite expanded them (``list_rows`` runs on the bare DBAPI cursor)."""
    through_sqlalchemy: list[Statement] = []
    on_connection: list[Statement] = []
    engine = session.get_bind()

    def listen(_conn: object, _cursor: object, statement: str, params: Any, *_rest: object) -> None:
        through_sqlalchemy.append((statement, params))

    raw = session.connection().connection.driver_connection
    event.listen(engine, "before_cursor_execute", listen)
    raw.set_trace_callback(lambda statement: on_connection.append((statement, ())))
    try:
        yield through_sqlalchemy, on_connection
    finally:
        raw.set_trace_callback(None)
        event.remove(engine, "before_cursor_execute", listen)


def _plan(session: Session, run: Callable[[], object], table_word: str) -> str:
    """The plan of the one SELECT of ``run`` whose text names ``table_word``."""
    with _captured(session) as (through_sqlalchemy, on_connection):
        run()
    for seen in (through_sqlalchemy, on_connection):
        selects = [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT") and table_word in s]
        if selects:
            break
    assert len(selects) == 1, selects
    ((statement, params),) = selects
    rows = session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params or ()).all()
    return " / ".join(row[-1] for row in rows)


def _people(nd: NetDesk) -> dict[str, int]:
    names = ["Zoë Adeyemi", "Priya Raman", "Marco Rossi", "Ana Lima", "Kenji Sato", "Ingrid Holm"]
    ids = {n: nd.contacts.create(ContactDTO(given_name=n.split()[0], family_name=n.split()[1])).value.id for n in names}
    nd.contacts.set_starred([ids["Priya Raman"], ids["Zoë Adeyemi"], ids["Kenji Sato"]])
    nd.contacts.delete([ids["Kenji Sato"], ids["Ingrid Holm"]])
    return ids


def test_contact_list_reads_live_contacts_in_order_from_its_index_without_a_sort(nd: NetDesk) -> None:
    ids = _people(nd)
    with nd.sessions() as s:
        plan = _plan(s, lambda: repository.list_rows(s), "FROM contacts")
        # Not reported as COVERING (deleted_at is in the index's WHERE, not its columns), but SQLite never reads the
        # table: the one term is implied by the partial index, and every listed column is in it.
        assert "ix_contacts_live_list" in plan and "TEMP B-TREE" not in plan, plan
        rows = repository.list_rows(s)
        plan = _plan(s, lambda: repository.search_ids(s), "FROM contacts")
        assert "ix_contacts_live_list" in plan and "TEMP B-TREE" not in plan, plan
    expected = ["Ana Lima", "Marco Rossi", "Priya Raman", "Zoë Adeyemi"]  # by sort key; the trashed two left out
    assert [r.name for r in rows] == expected
    assert [r.id for r in rows] == [ids[n] for n in expected]


def test_starred_filter_and_count_read_only_the_starred_index(nd: NetDesk) -> None:
    ids = _people(nd)
    with nd.sessions() as s:
        for run in (
            lambda: stars.starred_count(s),
            lambda: repository.search_ids(s, starred=True),
            lambda: repository.match_ids(s, starred=True),
        ):
            plan = _plan(s, run, "FROM contacts")
            assert "ix_contacts_starred" in plan and "TEMP B-TREE" not in plan, plan
        assert stars.starred_count(s) == 2  # Kenji's star went to the trash with him
        assert repository.search_ids(s, starred=True) == [ids["Priya Raman"], ids["Zoë Adeyemi"]]


def test_sync_anything_to_send_check_reads_the_book_from_its_index(nd: NetDesk) -> None:
    ids = _people(nd)
    now = datetime(2026, 12, 1, 9, 0)
    with nd.sessions.begin() as s:
        account = s.scalar(
            insert(SyncAccount)
            .values(name="home", url="https://dav.example", username="me", created_at=now)
            .returning(SyncAccount.id)
        )
        book = s.scalar(
            insert(SyncBook)
            .values(account_id=account, url="https://dav.example/book/", tag="phone")
            .returning(SyncBook.id)
        )
        s.execute(
            insert(SyncItem),
            [{"book_id": book, "href": f"/book/{i}.vcf", "contact_id": cid} for i, cid in enumerate(ids.values())],
        )
    assert book is not None
    sync = BookSync(nd.sessions, None, BookTarget(book, "https://dav.example/book/", "phone", ""), source="home")  # type: ignore[arg-type]
    with nd.sessions() as s:
        plan = _plan(s, lambda: sync._anything_to_send(), "sync_items")
    assert "ix_sync_items_book_contact_stamp" in plan and "COVERING INDEX ix_sync_items_book_contact_stamp" in plan, (
        plan
    )
    assert "COVERING INDEX ix_contact_tags_tag_contact" in plan, plan
    assert sync._anything_to_send()
