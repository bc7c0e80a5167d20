"""The forms that used to write on the GUI thread (the practice pages' dialogs, the trash, the goal target panel, the
note composer) now write like every other form: on the window's writer thread, one undo entry with a short label,
and what the user sees follows the undo and the redo."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from window_helpers import settle

from netdesk.core.model import ContactDTO
from netdesk.services import NetDesk
from netdesk.services.communities import CommunityDTO
from netdesk.ui.interaction_dialog import InteractionDialog
from netdesk.ui.main_window import MainWindow
from netdesk.ui.navigation import View
from netdesk.ui.note_composer import NoteComposer
from netdesk.ui.pages.communities import CommunitiesPage
from netdesk.ui.trash_dialog import TrashDialog
from netdesk.ui.views.goals_view import GoalsView


def add(db: NetDesk, given: str, family: str) -> int:
    return db.contacts.create(ContactDTO(given_name=given, family_name=family)).value.id or 0


def undo_then_redo(qtbot, window: MainWindow, undone: Callable[[], bool], redone: Callable[[], bool]) -> None:  # type: ignore[no-untyped-def]
    window.undo_action.trigger()
    settle(qtbot, window)
    qtbot.waitUntil(undone)
    window.redo_action.trigger()
    settle(qtbot, window)
    qtbot.waitUntil(redone)


def test_a_log_on_a_community_page_is_one_undo_step(qtbot, make_window: Callable[..., MainWindow], db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    ann = add(db, "Ann", "Lee")
    summit = db.communities.save(CommunityDTO("Platform Summit")).value
    db.communities.link_person(summit.id or 0, ann, "met_at")
    window = make_window()
    window.navigation.show_view(View.COMMUNITIES)
    page = window.navigation.current_page()
    assert isinstance(page, CommunitiesPage)
    page.people_list.setCurrentRow(0)
    dialog = page.log_interaction()
    assert isinstance(dialog, InteractionDialog) and dialog.participant_ids() == [ann]
    dialog.summary_edit.setText("Coffee after the keynote")
    dialog.save_button.click()
    settle(qtbot, window)
    qtbot.waitUntil(lambda: page.active_dialog is None)
    assert window.undo_action.text() == "&Undo log with Ann Lee"  # the log and its community: one step
    assert "Your activity: 1" in page.detail_label.text()

    def logged() -> bool:
        return [i.summary for i in db.timeline.for_contact(ann)] == ["Coffee after the keynote"]

    assert logged()
    undo_then_redo(
        qtbot,
        window,
        lambda: db.timeline.for_contact(ann) == [] and "Your activity: 0" in page.detail_label.text(),
        lambda: logged() and "Your activity: 1" in page.detail_label.text(),
    )
    assert window.ops.undo_count == 1


def test_trash_restore_and_empty_run_on_the_writer_thread_and_undo(
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk
) -> None:  # type: ignore[no-untyped-def]
    ann, ben = add(db, "Ann", "Lee"), add(db, "Ben", "Lee")
    db.contacts.delete([ann, ben])
    window = make_window()
    window.trash_action.trigger()
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, TrashDialog))
    dialog = window.current_dialog
    assert isinstance(dialog, TrashDialog) and sorted(dialog.names()) == ["Ann Lee", "Ben Lee"]
    dialog.table.selectRow(dialog.names().index("Ann Lee"))
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert window.ops.busy  # written on the window's writer thread, not while the click is handled
    settle(qtbot, window)
    qtbot.waitUntil(lambda: dialog.names() == ["Ben Lee"])
    assert window.undo_action.text() == "&Undo restore Ann Lee"

    def answer_yes() -> None:  # "Delete the contact in the trash for good?"
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        box.button(QMessageBox.StandardButton.Yes).click()

    QTimer.singleShot(0, answer_yes)
    qtbot.mouseClick(dialog.empty_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: dialog.names() == [])
    assert window.undo_action.text() == "&Undo empty the trash"
    assert [t.name for t in db.contacts.trash()] == []
    window.undo_action.trigger()
    settle(qtbot, window)
    assert [t.name for t in db.contacts.trash()] == ["Ben Lee"]  # emptied for good, and back by Undo
    window.undo_action.trigger()
    settle(qtbot, window)
    assert sorted(t.name for t in db.contacts.trash()) == ["Ann Lee", "Ben Lee"]


def test_a_goal_target_is_undone_and_redone(qtbot, make_window: Callable[..., MainWindow], db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    goal = db.networking.create_goal("Two talks").value
    window = make_window()
    window.navigation.show_view(View.GOALS)
    goals = window.navigation.current_page()
    assert isinstance(goals, GoalsView)
    goals.goal_list.setCurrentRow([g.goal_id for g in goals.overview].index(goal.id))
    panel = goals.target_panel
    panel.target_spin.setValue(2)
    panel.metric_combo.setCurrentIndex(panel.metric_combo.findData("contributions"))
    panel.focus_edit.setText("talk")
    qtbot.mouseClick(panel.set_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    qtbot.waitUntil(lambda: panel.progress_label.text().startswith("0 of 2 contributions"))
    assert window.undo_action.text() == "&Undo target of Two talks"
    undo_then_redo(
        qtbot,
        window,
        lambda: db.goal_targets.progress_of(goal.id).target is None,
        lambda: db.goal_targets.progress_of(goal.id).target is not None,
    )


def test_mark_as_sent_is_undoable(qtbot, make_window: Callable[..., MainWindow], db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    ann = add(db, "Ann", "Lee")
    window = make_window()
    window.select_contact(ann)
    window.detail.show_tab("Networking")
    panel = window.detail.networking
    assert panel is not None
    panel.write_note_button.click()
    composer = panel.active_dialog
    assert isinstance(composer, NoteComposer)
    composer.draft_edit.setPlainText("Hi Ann, good to meet you.")
    composer.sent_button.click()
    assert not composer.sent_button.isEnabled()  # written on the window's writer thread
    settle(qtbot, window)
    qtbot.waitUntil(lambda: panel.active_dialog is None)
    assert window.undo_action.text() == "&Undo note to Ann Lee"

    def notes() -> list[str]:
        return [i.notes for i in db.timeline.for_contact(ann)]

    assert notes() == ["Hi Ann, good to meet you."]
    undo_then_redo(qtbot, window, lambda: notes() == [], lambda: notes() == ["Hi Ann, good to meet you."])
