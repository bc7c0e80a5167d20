"""No lost update: a contact edited in the dialog while an import (another process) or another window changes it
keeps both sides' changes; a field changed both ways is shown with both values and never silently reverted."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox
from window_helpers import settle

from netdesk.core.errors import EditConflict
from netdesk.core.model import (
    ContactDTO,
    ContactPoint,
    InteractionDTO,
    InteractionKind,
    Participant,
    ParticipantRole,
)
from netdesk.io.report import ImportReport
from netdesk.services import NetDesk
from netdesk.ui.contact_dialog import ContactDialog
from netdesk.ui.edit_conflict_dialog import EditConflictDialog


def _import_in_another_process(db: NetDesk, tmp_path: Path, uid: str, title: str) -> None:
    card = tmp_path / "update.vcf"
    card.write_text(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:Priya Raman\r\nN:Raman;Priya;;;\r\n"
        f"EMAIL:priya@example.org\r\nTITLE:{title}\r\nEND:VCARD\r\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "netdesk", "import", "--db", str(db.path), str(card)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "1 updated" in result.stdout, result.stdout + result.stderr


@pytest.fixture
def priya(db: NetDesk) -> ContactDTO:
    return db.contacts.create(
        ContactDTO(uid="priya-1", given_name="Priya", family_name="Raman", emails=(ContactPoint("priya@example.org"),))
    ).value


def test_an_import_during_the_edit_is_kept_with_the_edit(qtbot, db: NetDesk, priya: ContactDTO, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = ContactDialog(db.contacts, db.contacts.get(priya.id))  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.notes_edit.setPlainText("Met at PyCon; wants an intro to the data team")
    _import_in_another_process(db, tmp_path, "priya-1", "CTO")  # the CLI sets a title meanwhile
    dialog.save_button.click()
    assert dialog.saved is not None, dialog.visible_errors()
    stored = db.contacts.get(priya.id)  # type: ignore[arg-type]
    assert stored.title == "CTO"  # not reverted by the stale dialog
    assert stored.notes == "Met at PyCon; wants an intro to the data team"


def _answer_conflict(choose: str) -> list[list[str]]:
    """When the conflict dialog shows, record what it shows, pick ``choose`` ("mine"/"theirs") and press Save."""
    seen: list[list[str]] = []

    def answer() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, EditConflictDialog) and widget.isVisible():
                seen.append([b.text() for b in (*widget.mine.values(), *widget.theirs.values())])
                for button in (widget.mine if choose == "mine" else widget.theirs).values():
                    button.setChecked(True)
                widget.buttons.button(QDialogButtonBox.StandardButton.Save).click()
                return
        QTimer.singleShot(20, answer)

    QTimer.singleShot(0, answer)
    return seen


def test_a_real_conflict_shows_both_values_and_the_choice_is_saved(
    qtbot, db: NetDesk, priya: ContactDTO, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    dialog = ContactDialog(db.contacts, db.contacts.get(priya.id))  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("VP Engineering")
    dialog.notes_edit.setPlainText("Promoted?")
    current = db.contacts.get(priya.id)  # type: ignore[arg-type]
    db.imports.import_contacts([current.replace(id=None, title="CTO", version=0)], ImportReport())  # meanwhile
    seen = _answer_conflict("theirs")
    dialog.save_button.click()
    assert dialog.saved is not None, dialog.visible_errors()
    assert seen == [["Yours: VP Engineering", "Saved meanwhile: CTO"]]
    stored = db.contacts.get(priya.id)  # type: ignore[arg-type]
    assert (stored.title, stored.notes) == ("CTO", "Promoted?")


def test_two_windows_editing_the_same_contact_keep_both_changes(qtbot, db: NetDesk, priya: ContactDTO) -> None:  # type: ignore[no-untyped-def]
    first = ContactDialog(db.contacts, db.contacts.get(priya.id))  # type: ignore[arg-type]
    second = ContactDialog(db.contacts, db.contacts.get(priya.id))  # type: ignore[arg-type]
    qtbot.addWidget(first)
    qtbot.addWidget(second)
    first.nickname_edit.setText("PR")
    first.save_button.click()
    second.tags_edit.setText("python, mentors")
    second.save_button.click()
    assert first.saved is not None and second.saved is not None
    stored = db.contacts.get(priya.id)  # type: ignore[arg-type]
    assert stored.nickname == "PR" and set(stored.tags) == {"python", "mentors"}


def test_cancelling_the_conflict_saves_nothing_and_keeps_the_dialog_open(qtbot, db: NetDesk, priya: ContactDTO) -> None:  # type: ignore[no-untyped-def]
    first = ContactDialog(db.contacts, db.contacts.get(priya.id))  # type: ignore[arg-type]
    second = ContactDialog(db.contacts, db.contacts.get(priya.id))  # type: ignore[arg-type]
    qtbot.addWidget(first)
    qtbot.addWidget(second)
    first.title_edit.setText("CTO")
    first.save_button.click()

    def cancel() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, EditConflictDialog) and widget.isVisible():
                widget.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()
                return
        QTimer.singleShot(20, cancel)

    QTimer.singleShot(0, cancel)
    second.title_edit.setText("Founder")
    second.save_button.click()
    assert second.saved is None
    assert any("Not saved" in e and "title" in e for e in second.visible_errors().values())
    assert db.contacts.get(priya.id).title == "CTO"  # type: ignore[arg-type]


def test_interactions_merge_and_conflict_too(db: NetDesk, priya: ContactDTO) -> None:
    logged = db.timeline.log(
        InteractionDTO(
            occurred_at=datetime(2026, 11, 20, 10, 0),
            kind=InteractionKind.MEETING,
            summary="Coffee",
            participants=(Participant(priya.id or 0, ParticipantRole.PARTICIPANT),),
        )
    ).value
    db.timeline.update(logged.replace(notes="She is hiring"), base=logged)
    merged = db.timeline.update(logged.replace(summary="Coffee at the station"), base=logged).value
    assert (merged.summary, merged.notes) == ("Coffee at the station", "She is hiring")
    with pytest.raises(EditConflict) as caught:
        db.timeline.update(logged.replace(summary="Lunch"), base=logged)
    assert caught.value.conflicts == [("summary", "Lunch", "Coffee at the station")]
    assert db.timeline.get(logged.id or 0).summary == "Coffee at the station"


def test_in_the_main_window_a_resolved_conflict_is_one_undoable_edit(qtbot, window, sample, db: NetDesk) -> None:  # type: ignore[no-untyped-def]
    ada = sample["Ada Lovelace"]
    assert window.select_contact(ada)
    window.edit_selected()
    qtbot.waitUntil(lambda: isinstance(window.current_dialog, ContactDialog))
    dialog = window.current_dialog
    dialog.title_edit.setText("Countess")
    dialog.notes_edit.setPlainText("Wrote the first program")
    current = db.contacts.get(ada)
    db.imports.import_contacts([current.replace(id=None, title="Analyst", version=0)], ImportReport())  # meanwhile
    seen = _answer_conflict("mine")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.saved is not None)
    assert seen == [["Yours: Countess", "Saved meanwhile: Analyst"]]
    stored = db.contacts.get(ada)
    assert (stored.title, stored.notes) == ("Countess", "Wrote the first program")
    window.undo_action.trigger()  # undoes the edit, not the import
    settle(qtbot, window)
    assert db.contacts.get(ada).title == "Analyst"
