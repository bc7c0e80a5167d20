"""The record was changed elsewhere while it was being edited, and some fields were changed both ways: show both
values of each such field and let the user choose. Everything changed on one side only is already merged."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.errors import EditConflict, NetDeskError

T = TypeVar("T")
R = TypeVar("R")

_FIELD_LABELS = {
    "formatted_name": "Display name",
    "given_name": "First name",
    "family_name": "Last name",
    "additional_name": "Middle name",
    "organization": "Organisation",
    "emails": "Emails",
    "phones": "Phones",
    "urls": "Web pages",
    "ims": "Messaging",
    "occurred_at": "When",
}


def field_label(name: str) -> str:
    return _FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def shown_value(value: Any) -> str:
    """A value as the user knows it: points by their values, dates in ISO form, nothing as "(empty)"."""
    if value is None or value == "" or value == ():
        return "(empty)"
    if hasattr(value, "iso"):
        return str(value.iso())
    if hasattr(value, "isoformat"):
        return str(value.isoformat(" ", "minutes") if hasattr(value, "hour") else value.isoformat())
    if isinstance(value, Iterable) and not isinstance(value, str):
        return ", ".join(shown_value(getattr(v, "value", getattr(v, "name", v))) for v in value)
    text = str(getattr(value, "value", value))
    return text if len(text) <= 300 else text[:297] + "…"


class EditConflictDialog(QDialog):
    """One row per conflicting field: the value being saved ("Yours", chosen by default) and the one stored since."""

    def __init__(self, conflict: EditConflict, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("editConflictDialog")
        self.setWindowTitle("Changed elsewhere meanwhile")
        self._conflict = conflict
        intro = QLabel(
            "This was changed elsewhere (an import, another window) while you edited it. Their other changes and "
            "yours are both kept. These fields were changed both ways: choose which value to keep."
        )
        intro.setWordWrap(True)
        grid = QGridLayout()
        self.mine: dict[str, QRadioButton] = {}
        self.theirs: dict[str, QRadioButton] = {}
        for row, (name, mine, theirs) in enumerate(conflict.conflicts):
            grid.addWidget(QLabel(f"<b>{field_label(name)}</b>"), row, 0)
            keep_mine = QRadioButton(f"Yours: {shown_value(mine)}")
            keep_mine.setObjectName(f"mine_{name}")
            keep_theirs = QRadioButton(f"Saved meanwhile: {shown_value(theirs)}")
            keep_theirs.setObjectName(f"theirs_{name}")
            group = QButtonGroup(self)
            group.addButton(keep_mine)
            group.addButton(keep_theirs)
            keep_mine.setChecked(True)
            grid.addWidget(keep_mine, row, 1)
            grid.addWidget(keep_theirs, row, 2)
            self.mine[name], self.theirs[name] = keep_mine, keep_theirs
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(grid)
        layout.addWidget(self.buttons)

    def resolved(self) -> Any:
        """The merged record with the chosen value in each conflicting field."""
        chosen = {
            name: mine if self.mine[name].isChecked() else theirs for name, mine, theirs in self._conflict.conflicts
        }
        return self._conflict.merged.replace(**chosen)


def ask_to_resolve(conflict: EditConflict, parent: QWidget | None = None) -> Any | None:
    """Show the conflict; the record to save (based on ``conflict.current``), or None when the user cancels."""
    dialog = EditConflictDialog(conflict, parent)
    try:
        return dialog.resolved() if dialog.exec() == QDialog.DialogCode.Accepted else None
    finally:
        dialog.deleteLater()


def resolve_or_refuse(
    exc: BaseException, retry: Callable[[Any, Any], None], parent: QWidget | None = None
) -> BaseException | None:
    """After a save on the writer thread failed: an edit conflict is asked about and, when the user chooses, saved
    again with ``retry(record, base)`` (None returned); otherwise the failure for the form to show."""
    if not isinstance(exc, EditConflict):
        return exc
    chosen = ask_to_resolve(exc, parent)
    if chosen is None:
        return NetDeskError(f"Not saved: {exc}")
    retry(chosen, exc.current)
    return None


def save_merging(save: Callable[[T, T | None], R], record: T, base: T | None, parent: QWidget | None = None) -> R:
    """``save(record, base)``; on a conflict, ask the user and save their choice on top of what is stored now.

    Each attempt is its own write (the question is asked between them, never inside one). Raises NetDeskError
    ("not saved") when the user cancels, so the editing dialog stays open with its values.
    """
    while True:
        try:
            return save(record, base)
        except EditConflict as conflict:
            chosen = ask_to_resolve(conflict, parent)
            if chosen is None:
                raise NetDeskError(f"Not saved: {conflict}") from None
            record, base = chosen, conflict.current
