"""File → Import…: choosing files, a cancellable progress dialog, and the report shown at the end."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from netdesk.core.changes import Written
from netdesk.core.words import plural
from netdesk.services.undo import UndoStep
from netdesk.services.write_process import PROCESS_BYTES, input_bytes, recorded_import, run_in_process
from netdesk.ui.ops import Ops
from netdesk.ui.safe_text import plain_tooltip

if TYPE_CHECKING:
    from netdesk.services import NetDesk
    from netdesk.services.importing import ImportReport

# What a drop or the file dialog may hand to the importer; folders (vdir, LinkedIn export) are accepted too.
IMPORTABLE_SUFFIXES = frozenset({".vcf", ".vcard", ".zip", ".csv"})
LINKEDIN_FILTER = "LinkedIn data export (*.zip *.csv)"
IMPORT_FILTERS = (
    "Contacts (*.vcf *.vcard *.zip *.csv)",
    "vCard files (*.vcf *.vcard)",
    LINKEDIN_FILTER,
    "Contact CSV (*.csv)",
    "All files (*)",
)
COUNT_FIELDS = ("created", "updated", "merged", "unchanged", "skipped", "interactions")


def importable(path: Path) -> bool:
    return path.is_dir() or path.suffix.lower() in IMPORTABLE_SUFFIXES


def import_file_dialog(parent: QWidget | None, folder: bool = False) -> QFileDialog:
    """A Qt (not native) file dialog, so it can be opened without blocking and driven by tests."""
    dialog = QFileDialog(parent, "Import folder" if folder else "Import contacts")
    dialog.setObjectName("importFolderDialog" if folder else "importFileDialog")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    if folder:
        dialog.setFileMode(QFileDialog.FileMode.Directory)
        dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    else:
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters(list(IMPORT_FILTERS))
    return dialog


class ImportJob(QObject):
    """One import running on a worker thread: relays its progress to the GUI thread and carries the cancel flag.

    The object lives in the GUI thread, so ``progressed`` emitted from the worker is delivered there (queued).
    """

    progressed = Signal(int, int, str)
    finished = Signal(object)  # ImportReport
    failed = Signal(object)  # BaseException

    def __init__(self, nd: NetDesk, paths: Sequence[Path], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.paths = [Path(p) for p in paths]
        self._nd = nd
        self._cancel = threading.Event()

    def start(self, ops: Ops) -> None:
        """Run off the GUI thread as one undoable write ("Undo import" removes what it created, restores the rest)."""
        ops.run_recorded(self._run, self.finished.emit, on_error=self.failed.emit)

    def _run(self) -> tuple[Written[ImportReport], UndoStep | None]:
        """A large input is imported in a child process (see services.write_process), a small one on this thread."""
        nd, progress, cancel = self._nd, self.progressed.emit, self._cancel.is_set
        if nd.path is not None and not nd.writes_refused and input_bytes(self.paths) >= PROCESS_BYTES:
            return run_in_process(nd.path, partial(recorded_import, self.paths), progress, cancel)
        return recorded_import(self.paths, nd, progress, cancel)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()


class ImportProgressDialog(QDialog):
    """Shows what the import is doing; Cancel asks the service to stop (it rolls back, nothing is saved)."""

    def __init__(self, job: ImportJob, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importProgressDialog")
        self.setWindowTitle("Importing")
        self.job = job
        names = ", ".join(p.name for p in job.paths[:3]) + (
            f" and {len(job.paths) - 3} more" if len(job.paths) > 3 else ""
        )
        self.title_label = QLabel(f"Importing {names}…")
        self.title_label.setWordWrap(True)
        self.step_label = QLabel("Starting…")
        self.step_label.setObjectName("importStepLabel")
        self.bar = QProgressBar()
        self.bar.setObjectName("importProgressBar")
        self.bar.setRange(0, 0)  # busy until the service reports a total
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelImportButton")
        self.cancel_button.clicked.connect(self.request_cancel)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.bar)
        layout.addWidget(self.step_label)
        layout.addLayout(buttons)
        self.resize(420, 140)
        job.progressed.connect(self.set_progress)

    def set_progress(self, done: int, total: int, what: str) -> None:
        if self.job.cancel_requested:
            return
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        else:
            self.bar.setRange(0, 0)
        step = what[:1].upper() + what[1:]  # not str.capitalize(): it would lower-case file names
        self.step_label.setText(f"{step} ({done:,} of {total:,})" if total > 1 else step)

    def request_cancel(self) -> None:
        self.job.cancel()
        self.cancel_button.setEnabled(False)
        self.step_label.setText("Cancelling… nothing will be saved.")
        self.bar.setRange(0, 0)

    def reject(self) -> None:
        # Escape or the window's close button cancel the import; the dialog closes when the worker has stopped.
        self.request_cancel()


class ImportReportDialog(QDialog):
    """The counts, every problem (file, line, reason) and possible duplicates, with a copy-to-clipboard button."""

    def __init__(self, report: ImportReport, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importReportDialog")
        self.setWindowTitle("Import finished")
        self.report = report
        self.resize(640, 480)

        headline = QLabel(report.summary())
        headline.setObjectName("importSummary")
        headline.setWordWrap(True)
        values = {
            "created": len(report.created),
            "updated": len(report.updated),
            "merged": len(report.merged),
            "unchanged": len(report.unchanged),
            "skipped": len(report.skipped),
            "interactions": report.interactions_added,
        }
        labels = {"interactions": "Interactions added"}
        counts = QFormLayout()
        self.count_labels: dict[str, QLabel] = {}
        for key in COUNT_FIELDS:
            value = QLabel(f"{values[key]:,}")
            value.setObjectName(f"count_{key}")
            self.count_labels[key] = value
            counts.addRow(labels.get(key, key.capitalize()) + ":", value)

        self.problems_table = QTableWidget(len(report.errors), 3)
        self.problems_table.setObjectName("problemsTable")
        self.problems_table.setHorizontalHeaderLabels(["File", "Line", "Problem"])
        self.problems_table.verticalHeader().hide()
        self.problems_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.problems_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.problems_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        for row, problem in enumerate(report.errors):
            file_item = QTableWidgetItem(Path(problem.file).name)
            file_item.setToolTip(plain_tooltip(problem.file))
            line_item = QTableWidgetItem("" if problem.line is None else str(problem.line))
            line_item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            reason_item = QTableWidgetItem(problem.reason)
            reason_item.setToolTip(plain_tooltip(problem.reason))
            for column, item in enumerate((file_item, line_item, reason_item)):
                self.problems_table.setItem(row, column, item)
        self.problems_table.resizeColumnToContents(0)

        self.suggestions_list = QListWidget()
        self.suggestions_list.setObjectName("suggestionsList")
        self.suggestions_list.addItems(report.suggestions)

        layout = QVBoxLayout(self)
        layout.addWidget(headline)
        layout.addLayout(counts)
        problems_title = QLabel(f"<b>Problems ({len(report.errors)})</b>" if report.errors else "No problems.")
        layout.addWidget(problems_title)
        if report.errors:
            layout.addWidget(self.problems_table, 2)
        else:
            self.problems_table.hide()
        if report.suggestions:
            layout.addWidget(QLabel(f"<b>Possible duplicates to check ({len(report.suggestions)})</b>"))
            layout.addWidget(self.suggestions_list, 1)
        else:
            self.suggestions_list.hide()
        # Pairs kept in the database for the review (ui/duplicates_review.py): one click away when the window has it.
        self.review_action = parent.findChild(QAction, "reviewDuplicatesAction") if parent is not None else None
        if report.duplicates_found:
            review = QLabel(
                f"{plural(report.duplicates_found, 'possible duplicate')} kept for review: Edit → Review duplicates…"
            )
            review.setObjectName("duplicatesKeptLabel")
            review.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(review)

        self.copy_button = QPushButton("Copy report")
        self.copy_button.setObjectName("copyReportButton")
        self.copy_button.clicked.connect(self.copy_to_clipboard)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        if report.duplicates_found and isinstance(self.review_action, QAction):
            self.review_button = QPushButton("&Review duplicates…")
            self.review_button.setObjectName("reviewDuplicatesButton")
            self.review_button.clicked.connect(self._review_duplicates)
            buttons.addButton(self.review_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).clicked.connect(self.accept)
        layout.addWidget(buttons)

    def _review_duplicates(self) -> None:
        self.accept()
        if isinstance(self.review_action, QAction):
            self.review_action.trigger()

    def problem_rows(self) -> list[tuple[str, str, str]]:
        def text(row: int, column: int) -> str:
            item = self.problems_table.item(row, column)
            return item.text() if item is not None else ""

        return [(text(r, 0), text(r, 1), text(r, 2)) for r in range(self.problems_table.rowCount())]

    def report_text(self) -> str:
        """Plain text for a bug report or an e-mail: summary, then one line per problem and suggestion."""
        lines = [f"Import: {self.report.summary()}"]
        if self.report.errors:
            lines += ["", "Problems:"] + [f"  {p}" for p in self.report.errors]
        if self.report.suggestions:
            lines += ["", "Possible duplicates:"] + [f"  {s}" for s in self.report.suggestions]
        return "\n".join(lines) + "\n"

    def copy_to_clipboard(self) -> None:
        QGuiApplication.clipboard().setText(self.report_text())
