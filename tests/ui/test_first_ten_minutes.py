"""A user's first ten minutes: welcome, import a LinkedIn export, Due, log, a rhythm, a favour; then undo every
step back to the import and redo them all, checking what the user sees after each step."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog
from window_helpers import settle

from netdesk.core.model import InteractionKind
from netdesk.services import NetDesk
from netdesk.ui.import_dialog import ImportReportDialog
from netdesk.ui.interaction_dialog import InteractionDialog
from netdesk.ui.main_window import MainWindow
from netdesk.ui.navigation import View


def linkedin_export(folder: Path) -> Path:
    """A LinkedIn data export as downloaded: a ZIP with the connections (one made this week) and messages."""
    recent = (date.today() - timedelta(days=4)).strftime("%d %b %Y")
    connections = (
        "Notes:\n"
        '"When exporting your connection data, you may notice that some of the email addresses are missing."\n'
        "\n"
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        f"Nia,Okoye,https://www.linkedin.com/in/nia-okoye,,Lagos Robotics,CTO,{recent}\n"
        "Tomás,Berg,https://www.linkedin.com/in/tomas-berg,tomas@example.org,Fjord Labs,Engineer,03 Feb 2020\n"
    )
    messages = (
        "CONVERSATION ID,CONVERSATION TITLE,FROM,SENDER PROFILE URL,TO,RECIPIENT PROFILE URLS,DATE,SUBJECT,CONTENT,"
        "FOLDER,ATTACHMENTS\n"
        "c1,,Tomás Berg,https://www.linkedin.com/in/tomas-berg,Me Myself,https://www.linkedin.com/in/me-myself,"
        "2024-06-01 10:00:00 UTC,,Great to meet you at the fjord meetup,INBOX,\n"
        "c1,,Me Myself,https://www.linkedin.com/in/me-myself,Tomás Berg,https://www.linkedin.com/in/tomas-berg,"
        "2024-06-01 11:00:00 UTC,,Likewise - let's keep in touch,INBOX,\n"
    )
    target = folder / "Basic_LinkedInDataExport.zip"
    with zipfile.ZipFile(target, "w") as z:
        z.writestr("Connections.csv", connections)
        z.writestr("messages.csv", messages)
    return target


def due_titles(window: MainWindow) -> list[str]:
    page = window.navigation.view(View.DUE)
    return [row.title_button.text() for row in page.rows]  # type: ignore[attr-defined]


def test_first_ten_minutes_then_undo_and_redo_everything(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk, tmp_path: Path
) -> None:
    window = make_window(view=None)
    assert window.welcome.isVisible() and not window.table.isVisible()
    assert window.welcome.import_button.isDefault()  # Enter imports

    # 1. Import the LinkedIn export: the welcome's LinkedIn button, then the ZIP in the file dialog.
    export = linkedin_export(tmp_path)
    window.welcome.linkedin_button.click()
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, QFileDialog))
    chooser = window.current_dialog
    assert isinstance(chooser, QFileDialog) and chooser.selectedNameFilter().startswith("LinkedIn data export")
    chooser.setDirectory(str(export.parent))
    chooser.selectFile(export.name)
    chooser.accept()
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, ImportReportDialog), timeout=20000)
    report = window.current_dialog
    assert isinstance(report, ImportReportDialog) and "2 created" in report.report.summary()
    report.accept()
    qtbot.waitUntil(lambda: window.model.total == 2 and not window.welcome.isVisible(), timeout=10000)
    assert window.undo_action.text() == "&Undo import"
    nia = next(r.id for r in window.model.all_rows() if r.name == "Nia Okoye")

    # 2. Due: the new connection waits for a personal message.
    window.navigation.show_view(View.DUE)
    qtbot.waitUntil(lambda: any("Nia Okoye" in t for t in due_titles(window)), timeout=10000)

    # 3. Log a message to her from the Due list.
    due = window.navigation.view(View.DUE)
    row = next(r for r in due.rows if r.item.contact_id == nia)  # type: ignore[attr-defined]
    row.buttons["Log…"].click()
    qtbot.waitUntil(lambda: isinstance(due.active_dialog, InteractionDialog))  # type: ignore[attr-defined]
    log = due.active_dialog  # type: ignore[attr-defined]
    log.kind_combo.setCurrentIndex(log.kind_combo.findData(InteractionKind.MESSAGE))
    log.summary_edit.setText("Congratulated her on the new role")
    log.save()
    settle(qtbot, window)
    assert window.undo_action.text() == "&Undo log with Nia Okoye"
    assert [i.summary for i in db.timeline.for_contact(nia) if i.kind is InteractionKind.MESSAGE] == [
        "Congratulated her on the new role"
    ]
    # She has her note: the Due list lets her go and says the day's work is done.
    qtbot.waitUntil(lambda: not any("Nia Okoye" in t for t in due_titles(window)), timeout=10000)
    assert due.summary_label.text().startswith("Nothing due")  # type: ignore[attr-defined]

    # 4. Set a rhythm for her, from her detail pane.
    window.navigation.open_contact(nia)
    qtbot.waitUntil(lambda: window.selected_id() == nia)
    panel = window.detail.networking
    assert panel is not None
    panel.change_cadence()
    dialog = panel.active_dialog
    assert isinstance(dialog, QInputDialog)
    dialog.setIntValue(30)
    dialog.accept()
    qtbot.waitUntil(lambda: "every 30 days" in panel.cadence_label.text())
    assert window.undo_action.text() == "&Undo rhythm for Nia Okoye"

    # 5. Add a favour she is owed (Ctrl+L logs for whoever is selected).
    window.log_action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, InteractionDialog))
    favour = window.current_dialog
    assert isinstance(favour, InteractionDialog)
    favour.kind_combo.setCurrentIndex(favour.kind_combo.findData(InteractionKind.FAVOUR_GIVEN))
    favour.summary_edit.setText("Introduce her to a recruiter")
    favour.open_favour_check.setChecked(True)
    favour.save()
    qtbot.waitUntil(lambda: "Introduce her to a recruiter" in window.detail.text())
    assert window.undo_action.text() == "&Undo favour with Nia Okoye"

    # Undo every step back to the import, checking what is shown after each.
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: "Introduce her to a recruiter" not in window.detail.text())
    assert window.statusBar().currentMessage() == "Undone: favour with Nia Okoye"
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: "every 30 days" not in panel.cadence_label.text())
    assert window.statusBar().currentMessage() == "Undone: rhythm for Nia Okoye"
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: "Congratulated her" not in window.detail.text())
    assert window.undo_action.text() == "&Undo import" and window.redo_action.text() == "&Redo log with Nia Okoye"
    window.navigation.show_view(View.DUE)
    qtbot.waitUntil(lambda: any("Nia Okoye" in t for t in due_titles(window)), timeout=10000)

    # Redo them all, watching her details: the log, the rhythm and the favour come back one by one.
    window.navigation.open_contact(nia)
    qtbot.waitUntil(lambda: window.selected_id() == nia)
    assert "Congratulated her" not in window.detail.text() and "every 30 days" not in panel.cadence_label.text()
    redone = {
        "log with Nia Okoye": lambda: "Congratulated her on the new role" in window.detail.text(),
        "rhythm for Nia Okoye": lambda: "every 30 days" in panel.cadence_label.text(),
        "favour with Nia Okoye": lambda: "Introduce her to a recruiter" in window.detail.text(),
    }
    for label, shown in redone.items():
        assert window.redo_action.text() == f"&Redo {label}" and not shown()
        window.redo_action.trigger()
        qtbot.waitUntil(shown, timeout=10000)
        settle(qtbot, window)
        assert window.statusBar().currentMessage() == f"Redone: {label}"
    assert not window.redo_action.isEnabled() and window.undo_action.text() == "&Undo favour with Nia Okoye"
    assert all(shown() for shown in redone.values())
    # On Due her note is done again; what is left is the favour she was promised.
    window.navigation.show_view(View.DUE)
    promised = ["You promised Nia Okoye: Introduce her to a recruiter"]
    qtbot.waitUntil(lambda: due_titles(window) == promised, timeout=10000)

    # And the import itself undoes: the welcome is back.
    window.navigation.show_view(View.CONTACTS)
    for _ in range(4):  # pressed in a row: the undos queue up, newest first
        window.undo_action.trigger()
    qtbot.waitUntil(lambda: window.welcome.isVisible(), timeout=10000)
    assert window.model.total == 0 and window.redo_action.text() == "&Redo import"
    assert db.contacts.count() == 0 and not window.undo_action.isEnabled()
    assert [w for w in QApplication.topLevelWidgets() if w.objectName() == "errorBox" and w.isVisible()] == []
