"""You, in Preferences: your name, headline, email addresses, profile links and what you offer (the owner profile,
filled from your LinkedIn export and yours to edit)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFormLayout, QGroupBox, QLineEdit, QPlainTextEdit, QWidget

from netdesk.services import NetDesk
from netdesk.services.owner import OwnerDTO
from netdesk.ui.ops import failure_text, ops_for
from netdesk.ui.widgets.error_label import error_label


def _lines(edit: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(line.strip() for line in edit.toPlainText().splitlines() if line.strip())


class OwnerForm(QGroupBox):
    def __init__(self, nd: NetDesk, parent: QWidget | None = None) -> None:
        super().__init__("You", parent)
        self.setObjectName("ownerForm")
        self._nd = nd
        owner = nd.owner.get()
        self.name_edit = QLineEdit(owner.name)
        self.name_edit.setObjectName("ownerName")
        self.headline_edit = QLineEdit(owner.headline)
        self.headline_edit.setObjectName("ownerHeadline")
        self.emails_edit = QPlainTextEdit("\n".join(owner.emails))
        self.emails_edit.setObjectName("ownerEmails")
        self.links_edit = QPlainTextEdit("\n".join(owner.links))
        self.links_edit.setObjectName("ownerLinks")
        self.offers_edit = QPlainTextEdit("\n".join(owner.offers))
        self.offers_edit.setObjectName("ownerOffers")
        for edit in (self.emails_edit, self.links_edit, self.offers_edit):
            edit.setMaximumHeight(70)
            edit.setTabChangesFocus(True)
        self.error_label = error_label("ownerError")
        form = QFormLayout(self)
        form.addRow("Your &name:", self.name_edit)
        form.addRow("&Headline:", self.headline_edit)
        form.addRow("Email &addresses:", self.emails_edit)
        form.addRow("Profile &links:", self.links_edit)
        form.addRow("What I &offer:", self.offers_edit)
        form.addRow(self.error_label)
        self._loaded = self.owner()

    def owner(self) -> OwnerDTO:
        return OwnerDTO(
            self.name_edit.text(),
            self.headline_edit.text(),
            _lines(self.emails_edit),
            _lines(self.links_edit),
            _lines(self.offers_edit),
        )

    def save(self, on_saved: Callable[[], None]) -> None:
        """Store the profile through the window's one write path (undoable), then ``on_saved``; a profile that is not
        valid is refused beside the form. An unchanged profile is not written (no empty undo entry)."""
        owner = self.owner()
        if owner == self._loaded:
            on_saved()
            return
        self.error_label.hide()
        service = self._nd.owner

        def refused(exc: BaseException) -> None:
            self.error_label.setText(failure_text(exc))
            self.error_label.show()

        ops_for(self, self._nd).run(lambda: service.update(owner), lambda _saved: on_saved(), on_error=refused)
