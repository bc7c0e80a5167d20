"""The main window driven like a user would: typing, clicking, keyboard shortcuts, dialogs."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox
from window_helpers import settle

from netdesk.core.model import ContactDTO
from netdesk.io.report import ImportReport
from netdesk.services import NetDesk
from netdesk.ui.contact_dialog import ContactDialog
from netdesk.ui.contact_table_model import Column
from netdesk.ui.controllers.contact_list import DETAIL_DELAY_MS
from netdesk.ui.interaction_dialog import InteractionDialog
from netdesk.ui.main_window import MainWindow
from netdesk.ui.trash_dialog import TrashDialog

REPO_ROOT = Path(__file__).resolve().parents[2]


def names(window: MainWindow) -> list[str]:
    return [window.model.index(r, Column.NAME).data() for r in range(window.model.rowCount())]


def open_dialog(qtbot, window: MainWindow, trigger: Callable[[], object], kind: type):  # type: ignore[no-untyped-def]
    trigger()
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, kind) and window.current_dialog.isVisible())
    return window.current_dialog


def cli_list(db: NetDesk) -> list[dict[str, object]]:
    out = subprocess.run(
        [sys.executable, "-m", "netdesk", "list", "--db", str(db.path), "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    return json.loads(out.stdout)


def test_loads_rows_in_background_and_shows_counts(window: MainWindow) -> None:
    assert window.model.total == 6
    assert window.count_label.text() == "6 shown / 6 total"
    assert "Ada Lovelace" in names(window)
    tags = [window.tag_list.item(i).text() for i in range(window.tag_list.count())]
    assert tags[0] == "All contacts"
    assert "mentor  (2)" in tags and "alumni  (2)" in tags


def test_search_as_you_type_shrinks_list(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.search_edit.hasFocus()
    qtbot.keyClicks(window.search_edit, "hop")
    qtbot.waitUntil(lambda: names(window) == ["Grace Hopper"])
    assert window.count_label.text() == "1 shown / 6 total"
    window.search_edit.clear()
    qtbot.waitUntil(lambda: window.model.shown == 6)


def test_stale_search_results_are_dropped(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.list_search.forget()  # as before the in-memory index is built: each search asks the database on a worker
    window.search_edit.setText("ada")
    window.run_search()
    window.search_edit.setText("turing")
    window.run_search()
    with qtbot.waitSignal(window.search_finished):
        pass
    qtbot.waitUntil(lambda: window.tasks.pending == 0)
    assert names(window) == ["Alan Turing"]


def test_tag_filter(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    item = next(
        window.tag_list.item(i)
        for i in range(window.tag_list.count())
        if window.tag_list.item(i).text().startswith("mentor")
    )
    rect = window.tag_list.visualItemRect(item)
    qtbot.mouseClick(window.tag_list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: sorted(names(window)) == ["Ada Lovelace", "Grace Hopper"])
    assert window.count_label.text() == "2 shown / 6 total"
    window.select_tag(None)
    qtbot.waitUntil(lambda: window.model.shown == 6)


def test_sorting_by_clicking_header(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.resize(1600, 1000)  # narrower, the Title column is hidden to make room (tests/ui/test_layout.py)
    header = window.table.horizontalHeader()
    qtbot.waitUntil(lambda: not header.isSectionHidden(Column.TITLE))
    x = header.sectionViewportPosition(Column.TITLE) + 10
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=header.rect().center().__class__(x, 5))
    titles = [window.model.index(r, Column.TITLE).data() for r in range(window.model.rowCount())]
    filled = [t for t in titles if t]
    assert filled == sorted(filled, key=str.casefold) or filled == sorted(filled, key=str.casefold, reverse=True)
    assert titles[-1] == ""  # the organisation has no title and goes last


def test_create_contact_through_dialog(qtbot, window: MainWindow, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, ContactDialog))
    dialog = window.current_dialog
    assert isinstance(dialog, ContactDialog)
    qtbot.keyClicks(dialog.given_edit, "Katherine")
    qtbot.keyClicks(dialog.family_edit, "Johnson")
    qtbot.keyClicks(dialog.organization_edit, "NASA")
    qtbot.keyClicks(dialog.title_edit, "Mathematician")
    qtbot.mouseClick(dialog.emails_editor.add_button, Qt.MouseButton.LeftButton)
    row = dialog.emails_editor.rows[0]
    qtbot.keyClicks(row.value_edit, "kj@nasa.example")
    row.label_combo.setCurrentText("lab")  # a custom label
    row.pref_check.setChecked(True)
    qtbot.mouseClick(dialog.phones_editor.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.phones_editor.rows[0].value_edit, "+1 555 0100")
    dialog.birthday_editor.set_date(26, 8, None)
    qtbot.keyClicks(dialog.tags_edit, "pioneer, mentor")
    dialog.notes_edit.setPlainText("Computed trajectories.")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: "Katherine Johnson" in names(window))
    assert window.count_label.text() == "7 shown / 7 total"
    assert window.detail.contact is not None and window.detail.contact.name == "Katherine Johnson"
    assert "26 August" in window.detail.text()
    listed = {c["name"]: c for c in cli_list(db)}
    kj = listed["Katherine Johnson"]
    assert kj["emails"] == ["kj@nasa.example"]
    assert kj["phones"] == ["+1 555 0100"]
    assert kj["birthday"] == "--08-26"
    assert kj["tags"] == ["mentor", "pioneer"]
    assert kj["organization"] == "NASA"
    saved = db.contacts.get(int(kj["id"]))  # type: ignore[arg-type]
    assert saved.emails[0].label == "lab" and saved.emails[0].pref

    # Undo of a creation deletes it; redo brings it back.
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Katherine Johnson" not in names(window))
    assert "Katherine Johnson" not in {c["name"] for c in cli_list(db)}
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: "Katherine Johnson" in names(window))


def test_invalid_email_shows_inline_error_and_keeps_dialog(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, window, window.new_action.trigger, ContactDialog)
    qtbot.keyClicks(dialog.given_edit, "Broken")
    dialog.emails_editor.add_row()
    qtbot.keyClicks(dialog.emails_editor.rows[0].value_edit, "not-an-email")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    errors = dialog.visible_errors()
    assert list(errors) == ["emailsError"]
    assert "not-an-email" in errors["emailsError"]
    assert dialog.emails_editor.error.isVisible()
    # Fixing it saves.
    dialog.emails_editor.rows[0].value_edit.setText("broken@example.com")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Broken" in names(window))


def test_empty_contact_and_bad_birthday_show_inline_errors(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    dialog = open_dialog(qtbot, window, window.new_action.trigger, ContactDialog)
    dialog.save_button.click()
    assert "nameError" in dialog.visible_errors()
    dialog.given_edit.setText("Feb")
    dialog.birthday_editor.set_date(30, 2, 2001)
    dialog.save_button.click()
    assert list(dialog.visible_errors()) == ["birthdayError"]
    dialog.reject()


def test_edit_contact_with_return_and_undo(qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    ada = sample["Ada Lovelace"]
    assert window.select_contact(ada)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, ContactDialog))
    dialog = window.current_dialog
    assert isinstance(dialog, ContactDialog)
    assert dialog.given_edit.text() == "Ada"
    dialog.title_edit.setText("Countess")
    dialog.nickname_edit.setText("Enchantress of Numbers")
    with qtbot.waitSignal(window.model.dataChanged):
        dialog.save_button.click()
    settle(qtbot, window)
    row = window.model.row_of(ada)
    assert row is not None
    assert window.model.index(row, Column.TITLE).data() == "Countess"
    assert "Enchantress of Numbers" in window.detail.text()
    assert db.contacts.get(ada).title == "Countess"
    window.undo_action.trigger()
    settle(qtbot, window)
    assert db.contacts.get(ada).title == "Mathematician"
    assert window.model.index(window.model.row_of(ada) or 0, Column.TITLE).data() == "Mathematician"


def test_delete_confirm_then_ctrl_z_restores(qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    alan = sample["Alan Turing"]
    window.select_contact(alan)
    window.table.setFocus()
    qtbot.keyClick(window.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, QMessageBox))
    box = window.current_dialog
    assert isinstance(box, QMessageBox) and "Alan Turing" in box.text()
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: "Alan Turing" not in names(window))
    assert window.count_label.text() == "5 shown / 5 total"
    assert [t.name for t in db.contacts.trash()] == ["Alan Turing"]

    window.activateWindow()  # the offscreen platform gives the focus back to nobody when the box closes
    qtbot.waitUntil(lambda: window.undo_action.isEnabled() and window.isActiveWindow())
    qtbot.keyClick(window.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Alan Turing" in names(window))
    assert db.contacts.trash() == []
    assert window.selected_id() == alan


def test_cancelled_delete_keeps_contact(qtbot, window: MainWindow, sample: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    window.select_contact(sample["Grace Hopper"])
    box = open_dialog(qtbot, window, window.delete_action.trigger, QMessageBox)
    box.button(QMessageBox.StandardButton.Cancel).click()
    assert "Grace Hopper" in names(window)
    assert not window.ops.can_undo


def test_trash_dialog_restores(qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    linus = sample["Linus Torvalds"]
    window.select_contact(linus)
    window.delete_contacts([linus], "Linus Torvalds")
    settle(qtbot, window)
    assert "Linus Torvalds" not in names(window)
    dialog = open_dialog(qtbot, window, window.trash_action.trigger, TrashDialog)
    assert dialog.names() == ["Linus Torvalds"]
    assert dialog.table.item(0, 1).text()  # the deletion date
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert dialog.names() == []
    qtbot.waitUntil(lambda: "Linus Torvalds" in names(window))
    assert db.contacts.trash() == []


def test_log_interaction_updates_timeline_and_last_contacted(
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk
) -> None:  # type: ignore[no-untyped-def]
    grace = sample["Grace Hopper"]
    window.select_contact(grace)
    assert "nothing logged yet" in window.detail.timeline_title.text()
    dialog = open_dialog(qtbot, window, window.detail.log_button.click, InteractionDialog)
    assert dialog.participant_ids() == [grace]
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findText("Call"))
    qtbot.keyClicks(dialog.summary_edit, "Talked about compilers")
    dialog.add_participant(sample["Alan Turing"], "Alan Turing")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: window.detail.timeline_list.count() == 1)
    entry = window.detail.timeline_list.item(0).text()
    assert "Talked about compilers" in entry and "Call" in entry and "With Alan Turing" in entry
    for cid in (grace, sample["Alan Turing"]):
        row = window.model.row_of(cid)
        assert row is not None
        assert window.model.index(row, Column.LAST_CONTACTED).data() != ""
    assert len(db.timeline.for_contact(sample["Alan Turing"])) == 1


def test_interaction_participant_picker(qtbot, window: MainWindow, sample: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QTimer

    from netdesk.ui.interaction_dialog import ContactPicker

    window.select_contact(sample["Grace Hopper"])
    dialog = open_dialog(qtbot, window, window.log_action.trigger, InteractionDialog)

    def choose() -> None:
        picker = dialog.findChild(ContactPicker)
        qtbot.keyClicks(picker.search_edit, "marg")
        assert picker.list.count() == 1
        picker.accept()

    QTimer.singleShot(50, choose)
    dialog.pick_participant()
    assert dialog.participant_ids() == [sample["Grace Hopper"], sample["Margaret Hamilton"]]
    dialog.reject()


def test_organisation_detail_lists_people_and_link_filters(qtbot, window: MainWindow, sample: dict[str, int]) -> None:  # type: ignore[no-untyped-def]
    window.select_contact(sample["Analytical Engines"])
    text = window.detail.text()
    assert "People (2)" in text and "Ada Lovelace" in text and "Margaret Hamilton" in text
    window.select_contact(sample["Ada Lovelace"])
    window.detail.organization_clicked.emit("Analytical Engines")
    qtbot.waitUntil(lambda: window.filter_banner.isVisible())
    assert names(window) == ["Analytical Engines", "Ada Lovelace", "Margaret Hamilton"]
    window.clear_filters()
    qtbot.waitUntil(lambda: window.model.shown == 6 and window.filter_banner.isHidden())


def test_settings_round_trip(qtbot, make_window, sample: dict[str, int], settings_path: Path) -> None:  # type: ignore[no-untyped-def]
    first = make_window()
    # The detail pane fills in from a worker, and its content bounds the splitter: compare like with like.
    qtbot.waitUntil(lambda: first.selected_id() is None or first.detail.contact is not None)
    first.table.horizontalHeader().resizeSection(Column.ORGANIZATION, 123)  # the name column takes what is left
    first.resize(760, 540)
    qtbot.waitUntil(lambda: first.width() == 760 and first.splitter.width() <= 760)
    first.splitter.setSizes([100, 500, 400])
    sizes = first.splitter.sizes()
    first.sidebar_action.setChecked(False)
    qtbot.wait(50)
    after_hiding = first.splitter.sizes()
    first.close()
    assert settings_path.exists()
    assert QSettings(str(settings_path), QSettings.Format.IniFormat).contains("contactTable/header")

    second = make_window()
    qtbot.waitUntil(lambda: second.selected_id() is None or second.detail.contact is not None)
    second_header = second.table.horizontalHeader()
    if second_header.isSectionHidden(Column.ORGANIZATION):  # no room for it at 760 px: its width comes back with room
        second.resize(1600, 1000)
        qtbot.waitUntil(lambda: not second_header.isSectionHidden(Column.ORGANIZATION))
    assert second_header.sectionSize(Column.ORGANIZATION) == 123
    second.resize(760, 540)
    assert (second.size().width(), second.size().height()) == (760, 540)

    # The hidden side bar's width goes to the other panes, in the saved proportion (as it was before the side bar
    # was hidden, or after, depending on whether Qt had laid the window out again when it closed), once the layout
    # has settled.
    def proportion_kept() -> bool:
        restored = second.splitter.sizes()
        return any(abs(restored[1] / restored[2] - s[1] / s[2]) < 0.02 for s in (sizes, after_hiding))

    qtbot.waitUntil(proportion_kept, timeout=5000)
    assert not second.sidebar_action.isChecked() and second.tag_list.isHidden()


def test_about_dialog_shows_version(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    from netdesk import __version__
    from netdesk.ui.about import AboutDialog

    dialog = open_dialog(qtbot, window, window.about_action.trigger, AboutDialog)
    assert __version__ in dialog.findChild(type(window.count_label), "aboutText").text()
    dialog.reject()


def test_menus_have_the_documented_actions(window: MainWindow) -> None:
    menus = {
        m.title().replace("&", ""): [a.text().replace("&", "") for a in m.actions() if a.text()]
        for m in (a.menu() for a in window.menuBar().actions())
        if m is not None
    }
    assert list(menus) == ["File", "Edit", "View", "Help"]
    assert "Quit" in menus["File"] and "New contact…" in menus["File"]
    assert {"Edit contact…", "Delete contact"} <= set(menus["Edit"])
    assert {"Trash…", "Show side bar"} <= set(menus["View"])
    assert window.quit_action.shortcut().toString() == "Ctrl+Q"


def test_empty_database_window(qtbot, make_window) -> None:  # type: ignore[no-untyped-def]
    window = make_window()
    assert window.count_label.text() == "0 shown / 0 total"
    assert not window.delete_action.isEnabled()
    window.edit_selected()  # nothing selected: nothing happens
    assert window.current_dialog is None


def test_photo_choose_and_remove(
    qtbot, window: MainWindow, tmp_path: Path, db: NetDesk, sample: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor, QImage

    image = QImage(40, 40, QImage.Format.Format_RGB32)
    image.fill(QColor("teal"))
    png = tmp_path / "face.png"
    image.save(str(png))
    (tmp_path / "junk.png").write_text("not an image")
    window.select_contact(sample["Grace Hopper"])
    dialog = open_dialog(qtbot, window, window.edit_action.trigger, ContactDialog)
    assert not dialog.set_photo_file(tmp_path / "junk.png")
    assert "photoError" in dialog.visible_errors()
    assert dialog.set_photo_file(png)
    assert not dialog.photo_label.pixmap().isNull()
    dialog.save_button.click()
    qtbot.waitUntil(lambda: window.current_dialog is None)
    saved: ContactDTO = db.contacts.get(sample["Grace Hopper"])
    assert saved.photo and saved.photo_mime == "image/png"


def test_moving_through_the_list_reads_details_off_the_gui_thread(
    qtbot, window: MainWindow, sample: dict[str, int]
) -> None:  # type: ignore[no-untyped-def]
    """Arrow keys through the list: each contact's details are read on a worker; only the last one is shown."""
    window.table.setFocus()
    window.table.selectRow(0)
    first = window.model.contact_id(0)
    with qtbot.waitSignal(window.detail_shown, timeout=10_000):
        pass
    assert window.detail.contact is not None and window.detail.contact.id == first
    gui_thread_reads: list[int] = []
    read = window.contact_list.read_detail

    def spy(contact_id: int):  # type: ignore[no-untyped-def]
        if threading.current_thread() is threading.main_thread():
            gui_thread_reads.append(contact_id)
        return read(contact_id)

    window.contact_list.read_detail = spy  # type: ignore[method-assign]
    for _ in range(3):
        qtbot.keyClick(window.table, Qt.Key.Key_Down)
    last = window.model.contact_id(3)
    qtbot.waitUntil(lambda: window.detail.contact is not None and window.detail.contact.id == last, timeout=10_000)
    assert last is not None and last != first
    assert gui_thread_reads == []
    assert window.detail.contact.name in window.detail.text()


def test_details_are_read_once_the_selection_rests(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    """Contacts passed over (an arrow key held, a search's first row replaced by the next) are never read: only the
    one the selection rests on, after the list has painted."""
    reads: list[int] = []
    read = window.contact_list.read_detail

    def spy(contact_id: int):  # type: ignore[no-untyped-def]
        reads.append(contact_id)
        return read(contact_id)

    window.contact_list.read_detail = spy  # type: ignore[method-assign]
    passed_over = [window.model.contact_id(row) or 0 for row in range(3)]
    for contact_id in passed_over:
        window.contact_list.show_detail(contact_id, background=True)
    rested = passed_over[-1]
    qtbot.waitUntil(lambda: window.detail.contact is not None and window.detail.contact.id == rested, timeout=10_000)
    qtbot.wait(DETAIL_DELAY_MS * 3)
    assert reads == [rested]


def test_a_large_change_reads_its_rows_off_the_gui_thread(qtbot, window: MainWindow, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    """An address book imported elsewhere: the list shows the new people without the window reading 210 rows."""
    people = [ContactDTO(given_name="Guest", family_name=f"Number {n:03d}", organization="Expo") for n in range(210)]
    ids = db.imports.import_contacts(people, ImportReport()).value.ids  # one write, as an import elsewhere makes
    assert len(ids) == 210
    gui_thread_reads: list[int] = []
    rows = window.nd.contacts.rows

    def spy(wanted=None):  # type: ignore[no-untyped-def]
        if threading.current_thread() is threading.main_thread() and wanted is not None:
            gui_thread_reads.append(len(wanted))
        return rows(wanted)

    window.nd.contacts.rows = spy  # type: ignore[method-assign]
    window.contacts_changed([i for i in ids if i is not None])
    qtbot.waitUntil(lambda: window.model.total == 216 and "Guest Number 209" in names(window), timeout=10_000)
    assert gui_thread_reads == []


def test_a_date_before_1990_or_in_the_future_is_refused_in_the_dialog(
    qtbot, window: MainWindow, sample: dict[str, int], db: NetDesk
) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QDate, QDateTime, QTime

    grace = sample["Grace Hopper"]
    window.select_contact(grace)
    dialog = open_dialog(qtbot, window, window.detail.log_button.click, InteractionDialog)
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findText("Call"))
    qtbot.keyClicks(dialog.summary_edit, "A call from long ago")
    for when, reason in ((QDate(1985, 6, 1), "before 1990"), (QDate.currentDate().addYears(2), "in the future")):
        dialog.when_edit.setDateTime(QDateTime(when, QTime(12, 0)))
        dialog.save_button.click()
        assert dialog.isVisible() and reason in dialog.form_error.text()
    assert db.timeline.for_contact(grace) == []
    dialog.reject()


def test_removing_the_filtered_tag_takes_the_contact_out_of_the_filtered_list(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int]
) -> None:
    window.select_tag("mentor")
    qtbot.waitUntil(lambda: sorted(names(window)) == ["Ada Lovelace", "Grace Hopper"])
    window.select_contact(sample["Ada Lovelace"])
    dialog = open_dialog(qtbot, window, window.edit_action.trigger, ContactDialog)
    dialog.tags_edit.setText("alumni, speaker")
    dialog.save_button.click()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: "mentor  (1)" in [window.tag_list.item(i).text() for i in range(window.tag_list.count())])
    qtbot.waitUntil(lambda: names(window) == ["Grace Hopper"])
    assert window.count_label.text() == "1 shown / 6 total"
    window.undo_action.trigger()  # and back
    qtbot.waitUntil(lambda: sorted(names(window)) == ["Ada Lovelace", "Grace Hopper"])
