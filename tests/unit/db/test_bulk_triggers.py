"""Triggers set aside for a bulk write: put back exactly as they were, and the Due list still sees the write."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from netdesk.core.model import ContactDTO
from netdesk.db.bulk_triggers import (
    BULK_CACHE_KIB,
    BULK_FTS_HASHSIZE,
    FTS_TABLES,
    indexes_set_aside,
    indexes_worth_setting_aside,
    page_cache_enlarged,
    search_index_buffered,
    triggers_set_aside,
)
from netdesk.services import NetDesk, open_netdesk
from netdesk.services.linkedin_import import BULK_ROWS


def _triggers(nd: NetDesk) -> list[tuple[str, str]]:
    with nd.engine.connect() as conn:
        return sorted(conn.execute(text("SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger'")).all())


def _indexes(nd: NetDesk) -> list[tuple[str, str]]:
    with nd.engine.connect() as conn:
        sql = "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        return sorted(conn.execute(text(sql)).all())


def _export(folder: Path, count: int) -> Path:
    folder.mkdir()
    rows = ["First Name,Last Name,URL,Email Address,Company,Position,Connected On"]
    rows += [f"Given{n},Family{n},https://www.linkedin.com/in/p-{n},,Acme,Engineer,15 Mar 2021" for n in range(count)]
    (folder / "Connections.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


def test_a_bulk_import_puts_the_triggers_back_and_the_due_list_follows(
    nd: NetDesk, db_path: Path, tmp_path: Path
) -> None:
    triggers = _triggers(nd)
    assert len(triggers) > 20
    today = date(2021, 4, 1)
    assert nd.networking.due(today) == []  # read once: the list is kept and refreshed from the change log
    report = nd.imports.import_paths([_export(tmp_path / "li", BULK_ROWS)]).value
    assert len(report.created) == BULK_ROWS
    assert _triggers(nd) == triggers
    with nd.engine.connect() as conn:
        assert conn.execute(text("SELECT what FROM due_changes ORDER BY seq DESC LIMIT 1")).scalar() == "every_contact"
    due = nd.networking.due(today)
    assert len(due) >= BULK_ROWS  # every new connection is a follow-up to send
    fresh = open_netdesk(db_path)  # no list kept: reads everything
    try:
        assert fresh.networking.due(today) == due
    finally:
        fresh.close()
    # The triggers work again: one edit is one contact in the log, as before.
    with nd.engine.connect() as conn:
        before = conn.execute(text("SELECT MAX(seq) FROM due_changes")).scalar()
    ada = nd.contacts.create(ContactDTO(given_name="Ada", family_name="Single")).value
    with nd.engine.connect() as conn:
        logged = conn.execute(text("SELECT what, contact_id FROM due_changes WHERE seq > :s"), {"s": before}).all()
    assert ("contact", ada.id) in logged


def test_an_error_inside_puts_the_triggers_back(nd: NetDesk) -> None:
    triggers = _triggers(nd)
    with pytest.raises(RuntimeError), nd.sessions.begin() as s, triggers_set_aside(s):
        raise RuntimeError("boom")
    assert _triggers(nd) == triggers


def test_a_bulk_import_into_a_small_database_builds_the_indexes_again(nd: NetDesk, tmp_path: Path) -> None:
    indexes = _indexes(nd)
    assert any(name == "ix_contacts_sort_key" for name, _ in indexes)
    with nd.sessions.begin() as s:
        assert indexes_worth_setting_aside(s, BULK_ROWS)  # an empty database: building them afterwards is cheaper
    report = nd.imports.import_paths([_export(tmp_path / "li", BULK_ROWS)]).value
    assert len(report.created) == BULK_ROWS
    assert _indexes(nd) == indexes
    with nd.engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"  # every index holds every row
        plan = conn.execute(text("EXPLAIN QUERY PLAN SELECT id FROM contacts WHERE sort_key = 'given7 family7'")).all()
        assert "ix_contacts" in " ".join(str(row) for row in plan)
    found = nd.contacts.search_ids("Family1999")  # the last row imported: prefix of no other name
    assert [nd.contacts.get(i).name for i in found] == ["Given1999 Family1999"]
    with nd.sessions.begin() as s:
        # Now the database holds as many rows as a second import of that size would bring: the indexes stay.
        assert not indexes_worth_setting_aside(s, BULK_ROWS - 1)


def test_an_error_inside_puts_the_indexes_back(nd: NetDesk) -> None:
    indexes = _indexes(nd)
    inside = "SELECT COUNT(*) FROM main.sqlite_master WHERE name = 'ix_contacts_sort_key'"
    with pytest.raises(RuntimeError), nd.sessions.begin() as s, indexes_set_aside(s):
        assert s.execute(text(inside)).scalar() == 0  # gone inside the write transaction
        raise RuntimeError("boom")
    assert _indexes(nd) == indexes


def _search_settings(nd: NetDesk) -> list[tuple[str, str, object]]:
    with nd.engine.connect() as conn:
        return [
            (table, *row)
            for table in FTS_TABLES
            for row in conn.execute(text(f"SELECT k, v FROM {table}_config ORDER BY k")).all()
        ]


def test_a_bulk_import_buffers_the_search_index_and_leaves_its_settings_as_they_were(
    nd: NetDesk, tmp_path: Path
) -> None:
    settings = _search_settings(nd)
    assert not any(key == "hashsize" for _table, key, _value in settings)  # the default, stored nowhere
    inside = "SELECT v FROM interactions_fts_config WHERE k = 'hashsize'"
    with nd.sessions.begin() as s, search_index_buffered(s):
        assert s.execute(text(inside)).scalar() == BULK_FTS_HASHSIZE
    assert _search_settings(nd) == settings
    report = nd.imports.import_paths([_export(tmp_path / "li", BULK_ROWS)]).value
    assert len(report.created) == BULK_ROWS
    assert _search_settings(nd) == settings
    found = nd.contacts.search_ids("Family1999")  # written through the larger buffer, found as before
    assert [nd.contacts.get(i).name for i in found] == ["Given1999 Family1999"]
    # A setting of the user's own is put back as it was, also after an error.
    with nd.sessions.begin() as s:
        s.execute(text("INSERT INTO contacts_fts(contacts_fts, rank) VALUES ('hashsize', 2000000)"))
    with pytest.raises(RuntimeError), nd.sessions.begin() as s, search_index_buffered(s):
        raise RuntimeError("boom")
    with nd.sessions.begin() as s, search_index_buffered(s):
        pass
    with nd.engine.connect() as conn:
        assert conn.execute(text("SELECT v FROM contacts_fts_config WHERE k = 'hashsize'")).scalar() == 2000000


def test_a_bulk_write_has_a_larger_page_cache_and_the_connection_gets_its_own_back(nd: NetDesk) -> None:
    size = "PRAGMA cache_size"
    with nd.sessions.begin() as s:
        own = s.execute(text(size)).scalar()
        assert own is not None and -own < BULK_CACHE_KIB
        with page_cache_enlarged(s):
            assert s.execute(text(size)).scalar() == -BULK_CACHE_KIB
        assert s.execute(text(size)).scalar() == own
        with pytest.raises(RuntimeError), page_cache_enlarged(s):
            raise RuntimeError("boom")
        assert s.execute(text(size)).scalar() == own
