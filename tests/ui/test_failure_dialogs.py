"""A failure while the app runs reaches the user in the dialog they are in, as one line: here a database that
cannot grow (PRAGMA max_page_count, as on a full disk) while a contact is saved."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from netdesk.core.model import ContactDTO, ContactPoint
from netdesk.io.report import ImportReport
from netdesk.services import open_netdesk


def _make_db(path: Path) -> Path:
    nd = open_netdesk(path)
    people = [
        ContactDTO(given_name=f"Known{i:04d}", family_name="Person", emails=(ContactPoint(f"k{i}@example.org"),))
        for i in range(300)
    ]
    nd.imports.import_contacts(people, ImportReport())
    nd.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def test_a_full_database_in_the_gui_is_one_line_in_the_contact_dialog(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    from netdesk.ui.contact_dialog import ContactDialog

    nd = open_netdesk(_make_db(tmp_path / "netdesk.sqlite3"))
    try:
        with nd.engine.connect() as conn:
            pages = conn.exec_driver_sql("PRAGMA page_count").scalar()
        # The disk is full for SQLite once the file may not grow: every connection capped at today's size.
        event.listen(nd.engine, "connect", lambda dbapi, _rec: dbapi.execute(f"PRAGMA max_page_count={pages}"))
        nd.engine.dispose()
        contact = nd.contacts.get(nd.contacts.rows()[0].id)
        dialog = ContactDialog(nd.contacts, contact)
        qtbot.addWidget(dialog)
        dialog.notes_edit.setPlainText("A long note from a long meeting. " * 2_000)  # 66 KB: new pages needed
        dialog.save_button.click()
        assert dialog.saved is None
        shown = dialog.visible_errors()
        assert any("is full" in e and "nothing was saved" in e for e in shown.values()), shown
        assert nd.contacts.get(contact.id).notes == contact.notes  # type: ignore[arg-type]
    finally:
        nd.close()
