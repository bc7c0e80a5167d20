"""The duplicates review, as a user meets it: import an old phone's address book and a LinkedIn export with the same
people written differently, review the pairs side by side, merge one (choosing a name), keep one apart, undo, and
import both files again: the pair kept apart does not come back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import duplicates_story as story
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QRadioButton

from netdesk.services import NetDesk
from netdesk.settings import ThemeChoice
from netdesk.ui.duplicates_review import DuplicatesDialog
from netdesk.ui.import_dialog import ImportReportDialog
from netdesk.ui.main_window import MainWindow
from netdesk.ui.theme import apply_theme, contrast


def import_file(qtbot, window: MainWindow, path: Path, review: bool = False) -> str:  # type: ignore[no-untyped-def]
    """Import as from File → Import; returns what the report says of duplicates kept for review ("" for nothing).
    With ``review``, the report's "Review duplicates…" button closes it and opens the review."""
    window.import_files([path])
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, ImportReportDialog), timeout=20000)
    report = window.current_dialog
    assert isinstance(report, ImportReportDialog)
    kept = report.findChild(QLabel, "duplicatesKeptLabel")
    said = kept.text() if kept is not None else ""
    button = report.findChild(QPushButton, "reviewDuplicatesButton")
    assert (button is not None) == bool(said)
    if review:
        assert button is not None
        button.click()
    else:
        report.accept()
    qtbot.waitUntil(lambda: window.current_dialog is None and window.tasks.pending == 0, timeout=10000)
    return said


def pairs_shown(dialog: DuplicatesDialog) -> list[str]:
    return [dialog.pair_list.item(i).text().split("\n")[0] for i in range(dialog.pair_list.count())]


def open_review(qtbot, window: MainWindow) -> DuplicatesDialog:  # type: ignore[no-untyped-def]
    action = window.findChild(type(window.edit_action), "reviewDuplicatesAction")
    assert action is not None and action.isEnabled()
    assert "Review &duplicates…" in [a.text() for a in window.menuBar().actions()[1].menu().actions()]  # type: ignore[union-attr]
    action.trigger()
    dialog = window.findChild(DuplicatesDialog, "duplicatesDialog")
    assert isinstance(dialog, DuplicatesDialog)
    qtbot.waitUntil(dialog.isVisible)
    return dialog


def test_review_merge_keep_apart_undo_and_import_again(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk, tmp_path: Path
) -> None:
    window = make_window()
    phone, linkedin = story.phone_book(tmp_path / "phone"), story.linkedin_export(tmp_path / "li")
    import_file(qtbot, window, phone)
    said = import_file(qtbot, window, linkedin, review=True)
    assert said == "3 possible duplicates kept for review: Edit → Review duplicates…"

    dialog = window.findChild(DuplicatesDialog, "duplicatesDialog")
    assert isinstance(dialog, DuplicatesDialog)
    qtbot.waitUntil(dialog.isVisible)
    assert pairs_shown(dialog) == [
        "Bob Smith and Robert Smith",
        "Jon Baker and Jonathan Baker",
        "Priya R. and Priya Raman",
    ]
    assert dialog.status_label.text() == "3 pairs to review"
    # Side by side, the fields that differ highlighted; where both are set differently, a choice.
    assert (dialog.first_header.text(), dialog.second_header.text()) == ("Bob Smith", "Robert Smith")
    assert dialog.differing_fields() == ["given_name", "organization", "title", "emails", "phones", "urls", "birthday"]
    family = next(r for r in dialog.rows if r.compared.field == "family_name")
    assert family.backgroundRole() != QPalette.ColorRole.AlternateBase and family.group is None
    given = next(r for r in dialog.rows if r.compared.field == "given_name")
    assert given.autoFillBackground() and given.backgroundRole() == QPalette.ColorRole.AlternateBase
    radios = {b.objectName(): b for b in given.findChildren(QRadioButton)}
    assert radios["given_name_first"].text() == "Bob" and radios["given_name_first"].isChecked()

    # Keyboard: Tab reaches the choice, an arrow key picks Robert, and Alt+M merges.
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.pair_list.setFocus()
    for _ in range(20):
        if radios["given_name_first"].hasFocus():
            break
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert radios["given_name_first"].hasFocus()
    qtbot.keyClick(radios["given_name_first"], Qt.Key.Key_Right)
    assert radios["given_name_second"].isChecked()
    qtbot.keyClick(dialog, Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: "Bob Smith and Robert Smith" not in pairs_shown(dialog))
    merged = db.contacts.get(next(r.id for r in db.contacts.rows() if r.name == "Robert Smith"))
    assert (merged.given_name, merged.organization) == ("Robert", "Acme")
    assert [e.value for e in merged.emails] == ["bob@smith-family.example"]
    assert window.undo_action.text() == "&Undo merge into Robert Smith"
    qtbot.waitUntil(lambda: "Bob Smith" not in [r.name for r in window.model.all_rows()])  # the list followed

    # Jon and Jonathan are father and son.
    assert dialog.current() is not None and dialog.current().first_name == "Jon Baker"  # type: ignore[union-attr]
    qtbot.keyClick(dialog, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: pairs_shown(dialog) == ["Priya R. and Priya Raman"])
    assert window.undo_action.text() == "&Undo keep Jon Baker and Jonathan Baker apart"

    # Undo: each decision is one step, and the review follows.
    window.undo_action.trigger()  # the keep-apart
    qtbot.waitUntil(lambda: "Jon Baker and Jonathan Baker" in pairs_shown(dialog))
    window.undo_action.trigger()  # the merge: two people again, and their pair is back
    qtbot.waitUntil(lambda: "Bob Smith and Robert Smith" in pairs_shown(dialog))
    qtbot.waitUntil(lambda: {"Bob Smith", "Robert Smith"} <= {r.name for r in window.model.all_rows()})
    assert len(pairs_shown(dialog)) == 3
    window.redo_action.trigger()
    window.redo_action.trigger()
    qtbot.waitUntil(lambda: pairs_shown(dialog) == ["Priya R. and Priya Raman"])
    qtbot.waitUntil(lambda: "Bob Smith" not in {r.name for r in window.model.all_rows()})  # the list follows

    # Both files again: nothing new to review, and the pair kept apart is not back.
    import_file(qtbot, window, phone)
    assert import_file(qtbot, window, linkedin) == ""
    assert pairs_shown(dialog) == ["Priya R. and Priya Raman"]
    assert "Jonathan Baker" in {r.name for r in window.model.all_rows()}
    dialog.close()


@pytest.mark.parametrize("theme", [ThemeChoice.LIGHT, ThemeChoice.DARK])
def test_the_review_is_legible_and_safe_when_empty(  # type: ignore[no-untyped-def]
    qtbot, make_window: Callable[..., MainWindow], db: NetDesk, tmp_path: Path, theme: ThemeChoice
) -> None:
    window = make_window()
    apply_theme(theme)
    QApplication.processEvents()
    try:
        dialog = open_review(qtbot, window)
        assert pairs_shown(dialog) == [] and not dialog.merge_button.isEnabled() and not dialog.keep_button.isEnabled()
        dialog.merge()
        dialog.keep_apart()  # nothing selected: nothing happens
        dialog.find_button.click()
        qtbot.waitUntil(lambda: dialog.status_label.text().startswith("0 new possible duplicates found."))
        from netdesk.core.model import ContactDTO

        db.contacts.create(ContactDTO(given_name="<b>Kate</b>", family_name="Bush", title="<img src='file:///etc'>"))
        db.contacts.create(ContactDTO(given_name="<b>Katie</b>", family_name="Bush", title="Writer"))
        dialog.find_button.click()
        qtbot.waitUntil(lambda: dialog.pair_list.count() == 1)
        for label in dialog.findChildren(QLabel):
            if label.isVisibleTo(dialog) and label.text():
                assert label.textFormat() == Qt.TextFormat.PlainText
                own = label.palette()
                bg = label.parentWidget().backgroundRole() if label.parentWidget() else label.backgroundRole()  # type: ignore[union-attr]
                assert contrast(own.color(label.foregroundRole()), own.color(bg)) >= 4.5, (theme, label.text())
        titles = next(r for r in dialog.rows if r.compared.field == "title")
        assert "<img src='file:///etc'>" in [b.text() for b in titles.findChildren(QRadioButton)]
        dialog.close()
    finally:
        apply_theme(ThemeChoice.SYSTEM)
