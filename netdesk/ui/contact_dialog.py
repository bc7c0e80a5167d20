"""Create or edit a contact: every field the core models, with inline validation messages."""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.changes import Written
from netdesk.core.errors import NetDeskError, ValidationError
from netdesk.core.model import ContactDTO, ContactKind
from netdesk.core.validation import validate_contact
from netdesk.services.contacts import ContactService
from netdesk.ui.edit_conflict_dialog import resolve_or_refuse, save_merging
from netdesk.ui.ops import failure_text, write_directly
from netdesk.ui.widgets.contact_fields import AddressListEditor, BirthdayEditor, PointListEditor
from netdesk.ui.widgets.error_label import error_label

PHOTO_SIZE = 96

# (the write, what to do with the saved contact, what to do with a failure)
WriteLater = Callable[
    [Callable[[], Written[ContactDTO]], Callable[[ContactDTO], None], Callable[[BaseException], None]], None
]


class ContactDialog(QDialog):
    """Saves through the service itself so that a ValidationError keeps the dialog open with the message shown."""

    def __init__(
        self,
        contacts: ContactService,
        contact: ContactDTO | None = None,
        known_tags: Sequence[str] = (),
        parent: QWidget | None = None,
        write: Callable[[Callable[[], Written[ContactDTO]]], ContactDTO] = write_directly,
        write_later: WriteLater | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("contactDialog")
        self._contacts = contacts
        self._write = write  # for a dialog without a window: written here and now
        # The window's Ops.run: written on the writer thread, then the undo entry and the bus; the dialog closes
        # when the write is done, or shows its error beside the field.
        self._write_later = write_later
        self.original = contact
        self.saved: ContactDTO | None = None
        c = contact or ContactDTO()
        self.setWindowTitle(f"Edit {c.name}" if contact else "New contact")
        self.resize(720, 760)

        body = QWidget()
        form_layout = QVBoxLayout(body)

        # --- identity ---------------------------------------------------------------------------------------
        identity = QGroupBox("Name")
        top = QHBoxLayout(identity)
        names = QFormLayout()
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindCombo")
        self.kind_combo.addItem("Person", ContactKind.PERSON)
        self.kind_combo.addItem("Organisation", ContactKind.ORGANIZATION)
        self.kind_combo.setCurrentIndex(0 if c.kind is ContactKind.PERSON else 1)
        names.addRow("Kind:", self.kind_combo)
        self.prefix_edit = self._line("prefixEdit", c.prefix, "Dr., Ms. …")
        self.given_edit = self._line("givenEdit", c.given_name)
        self.additional_edit = self._line("additionalEdit", c.additional_name)
        self.family_edit = self._line("familyEdit", c.family_name)
        self.suffix_edit = self._line("suffixEdit", c.suffix, "Jr., PhD …")
        self.nickname_edit = self._line("nicknameEdit", c.nickname)
        self._person_rows: list[QWidget] = []
        for text, widget in (
            ("Prefix:", self.prefix_edit),
            ("Given name:", self.given_edit),
            ("Middle name:", self.additional_edit),
            ("Family name:", self.family_edit),
            ("Suffix:", self.suffix_edit),
            ("Nickname:", self.nickname_edit),
        ):
            names.addRow(text, widget)
            self._person_rows.append(widget)
        self._names_form = names
        self.name_error = error_label("nameError")
        names.addRow("", self.name_error)
        top.addLayout(names, 1)
        top.addLayout(self._photo_box(c))
        form_layout.addWidget(identity)

        work = QGroupBox("Work")
        work_form = QFormLayout(work)
        self.organization_edit = self._line("organizationEdit", c.organization)
        self.department_edit = self._line("departmentEdit", c.department)
        self.title_edit = self._line("titleEdit", c.title)
        self.organization_error = error_label("organizationError")
        work_form.addRow("Organisation:", self.organization_edit)
        work_form.addRow("", self.organization_error)
        work_form.addRow("Department:", self.department_edit)
        work_form.addRow("Title:", self.title_edit)
        form_layout.addWidget(work)

        # --- contact points ---------------------------------------------------------------------------------
        self.emails_editor = PointListEditor("emails", "email", "name@example.com", c.emails)
        self.phones_editor = PointListEditor("phones", "phone", "+44 20 7946 0000", c.phones)
        self.urls_editor = PointListEditor("urls", "URL", "https://", c.urls)
        self.ims_editor = PointListEditor("ims", "IM handle", "xmpp:name@example.com", c.ims)
        self.addresses_editor = AddressListEditor(c.addresses)
        for title, editor in (
            ("Email", self.emails_editor),
            ("Phone", self.phones_editor),
            ("Web", self.urls_editor),
            ("Instant messaging", self.ims_editor),
            ("Addresses", self.addresses_editor),
        ):
            box = QGroupBox(title)
            QVBoxLayout(box).addWidget(editor)
            form_layout.addWidget(box)

        # --- personal -----------------------------------------------------------------------------------------
        personal = QGroupBox("More")
        personal_form = QFormLayout(personal)
        self.birthday_editor = BirthdayEditor(c.birthday)
        self.birthday_error = error_label("birthdayError")
        personal_form.addRow("Birthday:", self.birthday_editor)
        personal_form.addRow("", self.birthday_error)
        self.tags_edit = self._line("tagsEdit", ", ".join(c.tags), "comma-separated, e.g. mentor, fintech")
        self._tag_completer(known_tags)
        personal_form.addRow("Tags:", self.tags_edit)
        self.notes_edit = QPlainTextEdit(c.notes)
        self.notes_edit.setObjectName("notesEdit")
        self.notes_edit.setTabChangesFocus(True)  # Tab goes on to Save, as in every field of the form
        self.notes_edit.setMinimumHeight(90)
        personal_form.addRow("Notes:", self.notes_edit)
        form_layout.addWidget(personal)

        self.form_error = error_label("formError")
        form_layout.addWidget(self.form_error)
        form_layout.addStretch(1)

        self._scroll = QScrollArea()
        self._scroll.setWidgetResizable(True)
        self._scroll.setWidget(body)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveButton")
        self.cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("cancelButton")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        outer = QVBoxLayout(self)
        outer.addWidget(self._scroll)
        outer.addWidget(buttons)

        self.kind_combo.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        (self.organization_edit if c.kind is ContactKind.ORGANIZATION else self.given_edit).setFocus()

    # --- building blocks ----------------------------------------------------------------------------------

    @staticmethod
    def _line(name: str, text: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit(text)
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        return edit

    def _photo_box(self, c: ContactDTO) -> QVBoxLayout:
        self._photo: bytes | None = c.photo
        self._photo_mime = c.photo_mime
        box = QVBoxLayout()
        self.photo_label = QLabel()
        self.photo_label.setObjectName("photoPreview")
        self.photo_label.setFixedSize(PHOTO_SIZE, PHOTO_SIZE)
        self.photo_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.photo_label.setStyleSheet("border: 1px solid palette(mid); border-radius: 4px;")
        choose = QPushButton("Choose photo…")
        choose.setObjectName("choosePhotoButton")
        choose.clicked.connect(self._choose_photo)
        self.remove_photo_button = QPushButton("Remove photo")
        self.remove_photo_button.setObjectName("removePhotoButton")
        self.remove_photo_button.clicked.connect(self.clear_photo)
        self.photo_error = error_label("photoError")
        box.addWidget(self.photo_label, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(choose)
        box.addWidget(self.remove_photo_button)
        box.addWidget(self.photo_error)
        box.addStretch(1)
        self._show_photo()
        return box

    def _tag_completer(self, known_tags: Sequence[str]) -> None:
        """Complete the tag being typed (the text after the last comma) from the existing tags."""
        model = QStringListModel(list(known_tags), self)
        completer = QCompleter(model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setWidget(self.tags_edit)
        self._completer = completer

        def on_edit(text: str) -> None:
            current = text.rsplit(",", 1)[-1].strip()
            if not current:
                popup = completer.popup()
                if popup is not None:
                    popup.hide()
                return
            completer.setCompletionPrefix(current)
            if completer.completionCount():
                completer.complete()

        def insert(tag: str) -> None:
            head = self.tags_edit.text().rsplit(",", 1)[0] if "," in self.tags_edit.text() else ""
            self.tags_edit.setText((head + ", " if head else "") + tag + ", ")

        self.tags_edit.textEdited.connect(on_edit)
        completer.activated.connect(insert)

    def _show_photo(self) -> None:
        pixmap = QPixmap()
        if self._photo and pixmap.loadFromData(self._photo):
            self.photo_label.setPixmap(
                pixmap.scaled(
                    PHOTO_SIZE,
                    PHOTO_SIZE,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.photo_label.setPixmap(QPixmap())
            self.photo_label.setText("No photo")
        self.remove_photo_button.setEnabled(bool(self._photo))

    def _choose_photo(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a photo", "", "Images (*.png *.jpg *.jpeg *.gif *.bmp)")
        if path:
            self.set_photo_file(Path(path))

    def set_photo_file(self, path: Path) -> bool:
        """Load a photo from ``path``; a file that is not an image shows a message instead."""
        self.photo_error.hide()
        try:
            data = path.read_bytes()
        except OSError as exc:
            self._show_error(self.photo_error, f"Cannot read {path.name}: {exc.strerror}")
            return False
        if QImage.fromData(data).isNull():
            self._show_error(self.photo_error, f"{path.name} is not an image NetDesk can show.")
            return False
        self._photo = data
        self._photo_mime = mimetypes.guess_type(path.name)[0] or "image/jpeg"
        self._show_photo()
        return True

    def clear_photo(self) -> None:
        self._photo = None
        self._photo_mime = ""
        self._show_photo()

    def kind(self) -> ContactKind:
        # Qt hands enum item data back as plain strings.
        return ContactKind(self.kind_combo.currentData())

    def _kind_changed(self) -> None:
        is_person = self.kind() is ContactKind.PERSON
        for widget in self._person_rows:
            self._names_form.setRowVisible(widget, is_person)
        self.department_edit.setEnabled(is_person)
        self.title_edit.setEnabled(is_person)

    # --- saving -------------------------------------------------------------------------------------------

    def contact(self) -> ContactDTO:
        """The contact as entered; raises ValidationError for input the form itself can tell is wrong."""
        base = self.original or ContactDTO()
        kind = self.kind()
        person = kind is ContactKind.PERSON
        parts = {
            "prefix": self.prefix_edit.text().strip() if person else "",
            "given_name": self.given_edit.text().strip() if person else "",
            "additional_name": self.additional_edit.text().strip() if person else "",
            "family_name": self.family_edit.text().strip() if person else "",
            "suffix": self.suffix_edit.text().strip() if person else "",
        }
        organization = self.organization_edit.text().strip()
        if person:
            composed = " ".join(p for p in parts.values() if p)
            original_parts = (base.prefix, base.given_name, base.additional_name, base.family_name, base.suffix)
            original_composed = " ".join(p for p in original_parts if p)
            # Keep a hand-written display name (e.g. from a vCard FN) as long as the parts did not change.
            keep = base.formatted_name and base.formatted_name != original_composed and composed == original_composed
            formatted = base.formatted_name if keep else composed
        else:
            formatted = organization
        return base.replace(
            kind=kind,
            formatted_name=formatted,
            nickname=self.nickname_edit.text().strip() if person else "",
            organization=organization,
            department=self.department_edit.text().strip() if person else "",
            title=self.title_edit.text().strip() if person else "",
            emails=self.emails_editor.points(),
            phones=self.phones_editor.points(),
            urls=self.urls_editor.points(),
            ims=self.ims_editor.points(),
            addresses=self.addresses_editor.addresses(),
            birthday=self.birthday_editor.value(),
            notes=self.notes_edit.toPlainText().strip(),
            tags=tuple(t.strip() for t in self.tags_edit.text().split(",") if t.strip()),
            photo=self._photo,
            photo_mime=self._photo_mime if self._photo else "",
            **parts,
        )

    def save(self) -> None:
        self._clear_errors()
        try:
            dto = self.contact()
            if self._write_later is not None:
                validate_contact(dto)  # the same rules the service applies, at once (the write runs on a worker)
                self._save_later(dto, self.original)
                return
            if self.original is None:
                self.saved = self._write(lambda: self._contacts.create(dto))
            else:
                # Edited elsewhere meanwhile: merged field by field, a real conflict asked about (no lost update).
                self.saved = save_merging(
                    lambda c, base: self._write(lambda: self._contacts.update(c, base=base)), dto, self.original, self
                )
        except Exception as exc:
            self._show_failure(exc)
            return
        self.accept()

    def _save_later(self, dto: ContactDTO, base: ContactDTO | None) -> None:
        contacts = self._contacts
        if self.original is None:
            write: Callable[[], Written[ContactDTO]] = lambda: contacts.create(dto)  # noqa: E731
        else:
            write = lambda: contacts.update(dto, base=base)  # noqa: E731
        self._set_saving(True)
        assert self._write_later is not None
        self._write_later(write, self._saved_later, lambda exc: self._save_failed(exc))

    def _set_saving(self, saving: bool) -> None:
        """While the write runs, Save and Cancel wait (the dialog closes when it is done)."""
        self.save_button.setEnabled(not saving)
        self.cancel_button.setEnabled(not saving)
        self.save_button.setText("Saving…" if saving else "Save")

    def _saved_later(self, saved: ContactDTO) -> None:
        self._set_saving(False)
        self.saved = saved
        self.accept()

    def _save_failed(self, exc: BaseException) -> None:
        self._set_saving(False)
        # Edited elsewhere meanwhile: merged field by field, a real conflict asked about (no lost update).
        failure = resolve_or_refuse(exc, self._save_later, self)
        if failure is not None:
            self._show_failure(failure)

    def _show_failure(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self._show_error(self._error_label_for(exc.field), exc.message)
        elif isinstance(exc, NetDeskError):
            self._show_error(self.form_error, str(exc))
        else:
            self._show_error(self.form_error, failure_text(exc))

    def _error_label_for(self, field: str) -> QLabel:
        if field == "name" and self.kind() is ContactKind.ORGANIZATION:
            return self.organization_error
        return {
            "name": self.name_error,
            "organization": self.organization_error,
            "emails": self.emails_editor.error,
            "phones": self.phones_editor.error,
            "urls": self.urls_editor.error,
            "ims": self.ims_editor.error,
            "addresses": self.addresses_editor.error,
            "birthday": self.birthday_error,
        }.get(field, self.form_error)

    def _show_error(self, label: QLabel, message: str) -> None:
        label.setText(message)
        label.show()
        self._scroll.ensureWidgetVisible(label)

    def _clear_errors(self) -> None:
        for label in self.findChildren(QLabel):
            if label.objectName().endswith("Error"):
                label.hide()
                label.clear()

    def visible_errors(self) -> dict[str, str]:
        """Object name -> message of every error message on show (for tests and accessibility checks)."""
        return {
            label.objectName(): label.text()
            for label in self.findChildren(QLabel)
            if label.objectName().endswith("Error") and not label.isHidden()
        }
