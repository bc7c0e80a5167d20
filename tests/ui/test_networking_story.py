"""A user's morning with NetDesk: import a LinkedIn export and a phone address book, open Due, see the sections,
write a personal note from a template, mark it sent, and watch the item leave and the reply rate change."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtGui import QGuiApplication

from netdesk.core.networking import Section
from netdesk.services import NetDesk
from netdesk.ui.note_composer import NoteComposer
from netdesk.ui.views.dashboard_view import DashboardView
from netdesk.ui.views.due_view import DueView


def test_import_write_a_note_mark_it_sent(qtbot, nd: NetDesk, story: Any, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    today = date.today()
    nd.imports.import_paths([story.address_book(tmp_path / "phone")])
    report = nd.imports.import_paths([story.linkedin_export(tmp_path / "li", day=today)]).value
    assert report.errors  # the bad rows were reported, the rest imported

    dashboard = DashboardView(nd)
    qtbot.addWidget(dashboard)
    assert dashboard.reply_label.text().startswith("Reply rate of new connections: 100 % (2 of 2 notes;")

    view = DueView(nd)
    qtbot.addWidget(view)
    qtbot.waitUntil(lambda: not view.loading, timeout=5000)
    assert {s: b.text() for s, b in view.section_labels.items()} == {
        Section.NEW_CONNECTIONS: "▸ New connections (1)",
        Section.REPLIES: "▸ Replies owed (2)",
        Section.INVITATIONS: "▸ Invitations (1)",
    }
    assert [r.title_button.text() for r in view.today_rows] == [
        "Reply to Marcus Webb",  # waiting since the 2nd: the longest first
        "Reply to Priya Raman",
        "Send Lena Fox a personal note",
        "Dana Whitfield invited you",
    ]
    lena = next(r for r in view.today_rows if "Lena" in r.title_button.text())
    lena.buttons["Write note…"].click()
    composer = view.active_dialog
    assert isinstance(composer, NoteComposer)
    draft = composer.draft_edit.toPlainText()
    assert draft.startswith("Hi Lena,\n") and "your work as Data Scientist at Umbrella" in draft
    assert "({how_we_met})" not in draft and "It was good to meet you" not in draft  # no notes: the line is left out
    composer.template_combo.setCurrentIndex(composer.template_combo.findData("offer"))
    assert "Congratulations on the role as Data Scientist at Umbrella." in composer.draft_edit.toPlainText()
    composer.draft_edit.setPlainText("Hi Lena, thanks for connecting! Happy to share our data-quality checklist.")
    composer.copy_button.click()
    assert QGuiApplication.clipboard().text().startswith("Hi Lena, thanks for connecting!")
    assert composer.profile_button.isEnabled()  # her LinkedIn profile is on record

    with qtbot.waitSignal(view.refreshed, timeout=5000):
        composer.sent_button.click()
    assert view.active_dialog is None
    assert not any("Lena" in r.title_button.text() for r in view.rows)
    assert Section.NEW_CONNECTIONS not in view.section_labels
    lena_id = next(r.id for r in nd.contacts.rows() if r.name == "Lena Fox")
    [note] = [i for i in nd.timeline.for_contact(lena_id) if i.direction.value == "out" and i.kind.value == "message"]
    assert note.notes.startswith("Hi Lena, thanks for connecting!")

    dashboard.refresh()
    assert dashboard.reply_label.text() == (
        "Reply rate of new connections: 67 % (2 of 3 notes; 3 new connections in 12 months) · benchmark 25 %"
    )
