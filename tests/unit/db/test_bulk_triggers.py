"""Triggers set aside for a bulk write: put back exactly as they were, and the Due list still sees the write."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from netdesk.core.model import ContactDTO
from netdesk.db.bulk_triggers import triggers_set_aside
from netdesk.services import NetDesk, open_netdesk
from netdesk.services.linkedin_import import BULK_ROWS


def _triggers(nd: NetDesk) -> list[tuple[str, str]]:
    with nd.engine.connect() as conn:
        return sorted(conn.execute(text("SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger'")).all())


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
