"""A person's communities ("member of", "met at"), what they can help with and what they are looking for: a line in
the contact's detail pane."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from netdesk.services import NetDesk


class PersonPractices(QLabel):
    def __init__(self, nd: NetDesk, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("personPractices")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.nd = nd

    def read(self, contact_id: int) -> str:
        """The line for ``contact_id``, from the services only (the detail pane calls it on a worker)."""
        parts = []
        for community, relation in self.nd.communities.of_contact(contact_id):
            parts.append(f"{relation.label.capitalize()} {escape(community.name)}")
        entries = self.nd.offers.of(contact_id)
        if entries.offers:
            parts.append("Can help with: " + escape("; ".join(entries.offers)))
        if entries.needs:
            parts.append("Looking for: " + escape("; ".join(entries.needs)))
        return "<br>".join(parts)

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def show_contact(self, contact_id: int) -> None:
        self.show_text(self.read(contact_id))
