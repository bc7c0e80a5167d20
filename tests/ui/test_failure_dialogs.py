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


def test_writes_that_fail_one_after_another_show_one_dialog(qtbot, window, db, sample) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication, QMessageBox
    from sqlalchemy import event
    from window_helpers import settle

    from netdesk.ui import starred

    def read_only(dbapi, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi.execute("PRAGMA query_only=1")  # as a database file made read-only while the window is open

    def error_boxes() -> list[QMessageBox]:
        return [w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible()]

    event.listen(db.engine, "connect", read_only)
    db.engine.dispose()
    people = [sample["Ada Lovelace"], sample["Grace Hopper"], sample["Alan Turing"]]
    for cid in people:  # three clicks on Star while the first write is still failing
        starred.set_star(window, [cid], True)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: bool(error_boxes()))
    boxes = error_boxes()
    assert len(boxes) == 1, [b.text() for b in boxes]
    assert "read-only" in boxes[0].text() and "nothing was saved" in boxes[0].text()
    assert not any(r.starred for r in db.contacts.rows(people))
    boxes[0].accept()

    event.remove(db.engine, "connect", read_only)  # writable again: the same click works
    db.engine.dispose()
    starred.set_star(window, people[:1], True)
    settle(qtbot, window)
    assert db.contacts.rows(people[:1])[0].starred and not error_boxes()
