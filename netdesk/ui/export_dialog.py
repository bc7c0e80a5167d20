"""File → Export…: choose a format and which contacts (all, the selection, the current filter), then a target."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.services.exporting import ExportFormat

FORMAT_CHOICES: tuple[tuple[ExportFormat, str], ...] = (
    (ExportFormat.VCARD3, "vCard 3.0 (.vcf) — Apple, Google, most tools"),
    (ExportFormat.VCARD4, "vCard 4.0 (.vcf) — Thunderbird, Android"),
    (ExportFormat.VDIR, "vdir folder — one .vcf per contact (khard, vdirsyncer)"),
    (ExportFormat.CSV, "CSV (.csv) — spreadsheets"),
)


@dataclass(frozen=True, slots=True)
class ExportScope:
    """Which contacts an export writes: explicit ``ids``, or the service's search by ``query`` and ``tag``."""

    key: str  # "all", "selection" or "filter"
    label: str
    count: int
    ids: tuple[int, ...] | None = None
    query: str = ""
    tag: str | None = None


@dataclass(frozen=True, slots=True)
class ExportRequest:
    fmt: ExportFormat
    scope: ExportScope


class ExportDialog(QDialog):
    """Format and scope; each scope says how many contacts it would export, empty scopes cannot be chosen."""

    def __init__(
        self, scopes: Sequence[ExportScope], parent: QWidget | None = None, vcard_version: str = "3.0"
    ) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle("Export contacts")
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("exportFormatCombo")
        for fmt, label in FORMAT_CHOICES:
            self.format_combo.addItem(label, fmt.value)
        # The vCard version chosen in Preferences is the one preselected.
        self.set_format(ExportFormat.VCARD4 if vcard_version == "4.0" else ExportFormat.VCARD3)

        scope_box = QGroupBox("Contacts")
        scope_layout = QVBoxLayout(scope_box)
        self.scope_group = QButtonGroup(self)
        self.scope_buttons: dict[str, QRadioButton] = {}
        self._scopes = {s.key: s for s in scopes}
        for n, scope in enumerate(scopes):
            noun = "contact" if scope.count == 1 else "contacts"
            button = QRadioButton(f"{scope.label} ({scope.count:,} {noun})")
            button.setObjectName(f"scope_{scope.key}")
            button.setEnabled(scope.count > 0)
            self.scope_group.addButton(button, n)
            self.scope_buttons[scope.key] = button
            scope_layout.addWidget(button)
        # Preselect the narrowest non-empty scope: a selection or filter usually means "export these".
        for key in ("selection", "filter", "all"):
            if key in self.scope_buttons and self.scope_buttons[key].isEnabled():
                self.scope_buttons[key].setChecked(True)
                break

        form = QFormLayout()
        form.addRow("Format:", self.format_combo)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.export_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("Export…")
        self.export_button.setObjectName("exportButton")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.scope_group.buttonToggled.connect(lambda *_: self._sync())
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(scope_box)
        layout.addWidget(self.buttons)
        self._sync()

    def _sync(self) -> None:
        self.export_button.setEnabled(self.scope_group.checkedButton() is not None)

    def set_format(self, fmt: ExportFormat) -> None:
        self.format_combo.setCurrentIndex(self.format_combo.findData(fmt.value))

    def set_scope(self, key: str) -> None:
        self.scope_buttons[key].setChecked(True)

    def request(self) -> ExportRequest | None:
        checked = self.scope_group.checkedButton()
        if checked is None:
            return None
        key = next(k for k, b in self.scope_buttons.items() if b is checked)
        return ExportRequest(ExportFormat(self.format_combo.currentData()), self._scopes[key])


def export_target_dialog(fmt: ExportFormat, start_folder: Path, parent: QWidget | None = None) -> QFileDialog:
    """A save-file prompt (or a choose-folder prompt for a vdir); Qt's own dialog so it opens without blocking."""
    dialog = QFileDialog(parent)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setDirectory(str(start_folder))
    if fmt is ExportFormat.VDIR:
        dialog.setObjectName("exportFolderDialog")
        dialog.setWindowTitle("Export to folder")
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        return dialog
    suffix = "csv" if fmt is ExportFormat.CSV else "vcf"
    dialog.setObjectName("exportFileDialog")
    dialog.setWindowTitle("Export contacts as")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setNameFilters(["CSV files (*.csv)" if suffix == "csv" else "vCard files (*.vcf)", "All files (*)"])
    dialog.setDefaultSuffix(suffix)
    dialog.selectFile(f"contacts.{suffix}")
    return dialog
