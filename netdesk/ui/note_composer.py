"""The personal-note composer: a draft from an editable template filled with what the record says about the person.

Copy the draft, or open their profile link to paste it there; "Mark as sent" logs it as the user's message (so the
follow-up pipeline moves on and the Due item leaves).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.notes import PLACEHOLDERS, NoteContext, NoteTemplate, fill
from netdesk.services import NetDesk
from netdesk.ui.ops import failure_text, ops_for
from netdesk.ui.theme import error_style, themed_style_sheet

TEMPLATE_KEY = "notes/template/{key}"


def load_templates(settings: QSettings | None, defaults: tuple[NoteTemplate, ...]) -> list[NoteTemplate]:
    """The shipped templates with the user's edits (kept in the settings) applied."""
    if settings is None:
        return list(defaults)
    result = []
    for t in defaults:
        body = settings.value(TEMPLATE_KEY.format(key=t.key))
        result.append(NoteTemplate(t.key, t.name, str(body)) if body else t)
    return result


class NoteComposer(QDialog):
    sent = Signal(int)  # the contact id, after "Mark as sent" logged the note

    def __init__(
        self,
        nd: NetDesk,
        contact_id: int,
        contact_name: str,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        initial: str = "personal",
    ) -> None:
        super().__init__(parent)
        self.setObjectName("noteComposer")
        self.setWindowTitle(f"Personal note to {contact_name}")
        self._nd = nd
        self._settings = settings
        self.contact_id = contact_id
        self.context: NoteContext = nd.notes.context(contact_id)
        self.templates = load_templates(settings, nd.notes.templates())

        self.template_combo = QComboBox()
        self.template_combo.setObjectName("noteTemplate")
        for t in self.templates:
            self.template_combo.addItem(t.name, t.key)
        self.template_edit = QPlainTextEdit()
        self.template_edit.setObjectName("noteTemplateText")
        self.template_edit.setToolTip("Placeholders: " + ", ".join(f"{{{k}}} ({v})" for k, v in PLACEHOLDERS.items()))
        self.template_edit.setMaximumHeight(110)
        self.save_template_button = QPushButton("Save template")
        self.save_template_button.setObjectName("noteSaveTemplate")
        self.draft_edit = QPlainTextEdit()
        self.draft_edit.setObjectName("noteDraft")
        for edit in (self.template_edit, self.draft_edit):
            edit.setTabChangesFocus(True)  # Tab goes on to the buttons
        self.error_label = QLabel()
        self.error_label.setObjectName("noteError")
        themed_style_sheet(self.error_label, error_style)
        self.error_label.hide()
        self.copy_button = QPushButton("Copy")
        self.copy_button.setObjectName("noteCopy")
        self.profile_button = QPushButton("Open profile")
        self.profile_button.setObjectName("noteProfile")
        self.profile_button.setEnabled(self.context.profile_url.startswith(("https://", "http://")))
        self.sent_button = QPushButton("Mark as sent")
        self.sent_button.setObjectName("noteMarkSent")
        self.sent_button.setDefault(True)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(QLabel("Template:"))
        top.addWidget(self.template_combo, 1)
        top.addWidget(self.save_template_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.profile_button)
        buttons.addStretch(1)
        buttons.addWidget(self.sent_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.template_edit)
        layout.addWidget(QLabel("Draft (edit freely):"))
        layout.addWidget(self.draft_edit, 1)
        layout.addWidget(self.error_label)
        layout.addLayout(buttons)
        self.resize(560, 480)

        self.template_combo.currentIndexChanged.connect(self._template_chosen)
        self.template_edit.textChanged.connect(self._refill)
        self.save_template_button.clicked.connect(self.save_template)
        self.copy_button.clicked.connect(self.copy)
        self.profile_button.clicked.connect(self.open_profile)
        self.sent_button.clicked.connect(self.mark_sent)
        index = max(0, self.template_combo.findData(initial))
        self.template_combo.setCurrentIndex(index)
        self._template_chosen(index)

    def _template_chosen(self, index: int) -> None:
        self.template_edit.setPlainText(self.templates[index].body)  # refills the draft

    def _refill(self) -> None:
        self.draft_edit.setPlainText(fill(self.template_edit.toPlainText(), self.context))

    def save_template(self) -> None:
        index = self.template_combo.currentIndex()
        t = self.templates[index]
        self.templates[index] = NoteTemplate(t.key, t.name, self.template_edit.toPlainText())
        if self._settings is not None:
            self._settings.setValue(TEMPLATE_KEY.format(key=t.key), self.template_edit.toPlainText())

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.draft_edit.toPlainText())

    def open_profile(self) -> None:
        url = QUrl(self.context.profile_url)
        if url.scheme() in ("https", "http"):  # only web links: a stored URL is never run as anything else
            QDesktopServices.openUrl(url)

    def mark_sent(self) -> None:
        """Through the window's one write path: undoable, and every view refreshes from the bus; the composer closes
        once the note is logged, or shows the refusal."""
        text, followups, contact_id = self.draft_edit.toPlainText(), self._nd.followups, self.contact_id
        self.sent_button.setEnabled(False)

        def done(_logged: object) -> None:
            self.sent_button.setEnabled(True)
            self.sent.emit(contact_id)
            self.accept()

        def refused(exc: BaseException) -> None:
            self.sent_button.setEnabled(True)
            self.error_label.setText(failure_text(exc))
            self.error_label.show()

        ops_for(self, self._nd).run(lambda: followups.note_sent(contact_id, text), done, on_error=refused)
