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

    def show_contact(self, contact_id: int) -> None:
        parts = []
        for community, relation in self.nd.communities.of_contact(contact_id):
            parts.append(f"{relation.label.capitalize()} {escape(community.name)}")
        entries = self.nd.offers.of(contact_id)
        if entries.offers:
            parts.append("Can help with: " + escape("; ".join(entries.offers)))
        if entries.needs:
            parts.append("Looking for: " + escape("; ".join(entries.needs)))
        self.setText("<br>".join(parts))
        self.setVisible(bool(parts))
