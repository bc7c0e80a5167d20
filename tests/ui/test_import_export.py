"""File → Import… / Export… and drag and drop, driven through the real dialogs with real files."""

from __future__ import annotations

import csv
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog

from netdesk.services import NetDesk
from netdesk.services.exporting import ExportFormat
from netdesk.ui.contact_table_model import Column
from netdesk.ui.export_dialog import ExportDialog
from netdesk.ui.import_dialog import ImportProgressDialog, ImportReportDialog
from netdesk.ui.main_window import MainWindow

REPO_ROOT = Path(__file__).resolve().parents[2]
PEER_FIXTURES = REPO_ROOT / "tests" / "data" / "peer"

NASA_VCF = """\
BEGIN:VCARD
VERSION:3.0
FN:Katherine Johnson
N:Johnson;Katherine;;;
ORG:NASA
EMAIL;TYPE=work:kj@nasa.example
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Dorothy Vaughan
N:Vaughan;Dorothy;;;
ORG:NASA
END:VCARD
BEGIN:VCARD
VERSION:3.0
N:;;;;
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Ada Lovelace
N:Lovelace;Ada;;;
EMAIL:ada@example.com
END:VCARD
"""

HOPPER_VCF = """\
BEGIN:VCARD
VERSION:4.0
FN:Mary Jackson
N:Jackson;Mary;;;
TEL;VALUE=uri:tel:+1-555-0199
END:VCARD
"""


def names(window: MainWindow) -> list[str]:
    return [window.model.index(r, Column.NAME).data() for r in range(window.model.rowCount())]


def wait_dialog(qtbot, window: MainWindow, kind: type, timeout: int = 5000):  # type: ignore[no-untyped-def]
    qtbot.waitUntil(
        lambda: isinstance(window.current_dialog, kind) and window.current_dialog.isVisible(), timeout=timeout
    )
    return window.current_dialog


def wait_report(qtbot, window: MainWindow) -> ImportReportDialog:  # type: ignore[no-untyped-def]
    report = wait_dialog(qtbot, window, ImportReportDialog, timeout=30_000)  # 5,000 cards on a busy machine
    qtbot.waitUntil(lambda: window.tasks.pending == 0 and not window.import_running, timeout=10000)
    return report


def counts(report: ImportReportDialog) -> dict[str, str]:
    return {key: label.text() for key, label in report.count_labels.items()}


def test_import_file_through_dialog_shows_report_and_new_contacts(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    vcf = tmp_path / "nasa.vcf"
    vcf.write_text(NASA_VCF)
    qtbot.keyClick(window, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    chooser = wait_dialog(qtbot, window, QFileDialog)
    assert "All files (*)" in chooser.nameFilters()
    chooser.selectFile(str(vcf))
    chooser.accept()

    report = wait_report(qtbot, window)
    assert counts(report) == {
        "created": "2",
        "updated": "0",
        "merged": "0",
        "unchanged": "1",  # Ada Lovelace, matched by e-mail, brings nothing new
        "skipped": "1",  # the card with an empty N: every card read is counted once
        "interactions": "0",
    }
    assert report.problem_rows() == [
        ("nasa.vcf", "14", "card holds nothing to import (nothing but VERSION, UID or REV)")
    ]
    assert report.problems_table.isVisibleTo(report)

    report.copy_button.click()
    copied = QGuiApplication.clipboard().text()
    assert "2 created" in copied and "nasa.vcf:14: card holds nothing to import" in copied

    qtbot.waitUntil(lambda: "Katherine Johnson" in names(window) and "Dorothy Vaughan" in names(window))
    assert window.model.total == 8
    assert window.count_label.text() == "8 shown / 8 total"
    assert window.statusBar().currentMessage().startswith("Import finished: 2 created")
    report.accept()
    assert window.current_dialog is None


def test_import_peer_folder_lists_broken_card(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.import_folder_action.trigger()
    chooser = wait_dialog(qtbot, window, QFileDialog)
    assert chooser.fileMode() == QFileDialog.FileMode.Directory
    chooser.selectFile(str(PEER_FIXTURES / "khard"))
    chooser.accept()

    report = wait_report(qtbot, window)
    assert report.count_labels["created"].text() == "12"  # the unclosed card too, as far as it goes
    rows = report.problem_rows()
    assert len(rows) == 1
    assert rows[0][0] == "unparsable.vcf" and rows[0][1] == "1" and "END:VCARD" in rows[0][2]
    qtbot.waitUntil(lambda: window.model.total == 6 + 12)


def test_import_files_from_command_line_goes_through_progress_and_report(
    qtbot, window: MainWindow, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.vcf").write_text(NASA_VCF)
    (tmp_path / "b.vcf").write_text(HOPPER_VCF)
    window.import_files([tmp_path / "a.vcf", tmp_path / "b.vcf"])
    assert isinstance(window.current_dialog, ImportProgressDialog)
    window.import_files([tmp_path / "b.vcf"])  # a second import waits its turn instead of racing the first
    assert "already running" in window.statusBar().currentMessage()
    report = wait_report(qtbot, window)
    assert report.count_labels["created"].text() == "3"
    qtbot.waitUntil(lambda: "Mary Jackson" in names(window))


@pytest.fixture(scope="module")
def big_vcf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5,000 cards: parsing them takes the service a second or more, long enough to cancel or search meanwhile."""
    path = tmp_path_factory.mktemp("big") / "big.vcf"
    path.write_text(
        "".join(
            f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nN:{i};Person;;;\r\nEMAIL:p{i}@example.com\r\nEND:VCARD\r\n"
            for i in range(5000)
        )
    )
    return path


def test_cancel_import_saves_nothing(qtbot, window: MainWindow, db: NetDesk, big_vcf: Path) -> None:  # type: ignore[no-untyped-def]
    window.import_files([big_vcf])
    progress = window.current_dialog
    assert isinstance(progress, ImportProgressDialog) and progress.isVisible()
    # Cancel once the worker is under way (past the service's first cancel check), not before it starts. A file this
    # large is imported in a child process, which first has to start (seconds on a busy machine).
    qtbot.waitUntil(lambda: progress.step_label.text().startswith("Reading"), timeout=30000)
    qtbot.mouseClick(progress.cancel_button, Qt.MouseButton.LeftButton)
    assert not progress.cancel_button.isEnabled()
    assert "Cancelling" in progress.step_label.text()
    qtbot.waitUntil(lambda: not window.import_running, timeout=15000)
    assert window.current_dialog is None  # no report for a cancelled import
    assert "cancelled" in window.statusBar().currentMessage()
    assert db.contacts.count() == 6
    qtbot.waitUntil(lambda: window.tasks.pending == 0)
    assert window.model.total == 6


def test_window_stays_responsive_during_import(qtbot, window: MainWindow, db: NetDesk, big_vcf: Path) -> None:  # type: ignore[no-untyped-def]
    window.import_files([big_vcf])
    qtbot.keyClicks(window.search_edit, "hop")
    qtbot.waitUntil(lambda: names(window) == ["Grace Hopper"])
    assert window.import_running  # the search was answered while the import was still parsing
    report = wait_report(qtbot, window)
    assert report.count_labels["created"].text() == "5,000"
    qtbot.waitUntil(lambda: window.model.total == 5006)
    assert db.contacts.count() == 5006


def test_progress_dialog_shows_service_totals(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "a.vcf").write_text(NASA_VCF)
    window.import_files([tmp_path / "a.vcf"])
    progress = window.current_dialog
    assert isinstance(progress, ImportProgressDialog)
    progress.set_progress(500, 2000, "matching")  # what the service reports while matching
    assert (progress.bar.minimum(), progress.bar.maximum(), progress.bar.value()) == (0, 2000, 500)
    assert progress.step_label.text() == "Matching (500 of 2,000)"
    wait_report(qtbot, window)


def drop(window: MainWindow, paths: list[Path]) -> tuple[bool, bool]:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = window.rect().center()
    with warnings.catch_warnings():
        # PySide flags this constructor as deprecated, yet Qt 6 has no other way to build a drag-enter event.
        warnings.simplefilter("ignore", DeprecationWarning)
        enter = QDragEnterEvent(
            QPoint(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
    QApplication.sendEvent(window, enter)
    event = QDropEvent(
        QPointF(centre), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(window, event)
    return enter.isAccepted(), event.isAccepted()


def test_drop_files_and_folder_starts_import(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert window.acceptDrops()
    (tmp_path / "b.vcf").write_text(HOPPER_VCF)
    assert drop(window, [tmp_path / "b.vcf", PEER_FIXTURES / "khard"]) == (True, True)
    report = wait_report(qtbot, window)
    assert report.count_labels["created"].text() == "13"
    assert [r[0] for r in report.problem_rows()] == ["unparsable.vcf"]
    qtbot.waitUntil(lambda: "Mary Jackson" in names(window))


def test_drop_of_unsupported_files_is_refused(qtbot, window: MainWindow, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    note = tmp_path / "notes.txt"
    note.write_text("not contacts")
    assert drop(window, [note]) == (False, False)
    assert window.current_dialog is None and not window.import_running


# --- export ------------------------------------------------------------------------------------------------------


def export_through_dialogs(qtbot, window: MainWindow, fmt: ExportFormat, scope: str, target: Path) -> None:  # type: ignore[no-untyped-def]
    window.export_action.trigger()
    dialog = wait_dialog(qtbot, window, ExportDialog)
    dialog.set_format(fmt)
    dialog.set_scope(scope)
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    chooser = wait_dialog(qtbot, window, QFileDialog)
    if fmt is ExportFormat.VDIR:
        assert chooser.fileMode() == QFileDialog.FileMode.Directory
        target.mkdir()
    else:
        assert chooser.acceptMode() == QFileDialog.AcceptMode.AcceptSave
    chooser.selectFile(str(target))
    chooser.accept()
    qtbot.waitUntil(lambda: window.statusBar().currentMessage().startswith("Exported"), timeout=10000)
    assert window.current_dialog is None


def exported_count(fmt: ExportFormat, target: Path) -> int:
    if fmt is ExportFormat.VDIR:
        files = list(target.glob("*.vcf"))
        assert all(f.read_text().count("BEGIN:VCARD") == 1 for f in files)
        return len(files)
    text = target.read_text(encoding="utf-8-sig")
    if fmt is ExportFormat.CSV:
        rows = list(csv.DictReader(text.splitlines()))
        return len(rows)
    version = "VERSION:4.0" if fmt is ExportFormat.VCARD4 else "VERSION:3.0"
    assert text.count(version) == text.count("BEGIN:VCARD") == text.count("END:VCARD")
    return text.count("BEGIN:VCARD")


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_export_each_scope(
    qtbot, window: MainWindow, sample: dict[str, int], tmp_path: Path, fmt: ExportFormat
) -> None:  # type: ignore[no-untyped-def]
    suffix = {"csv": ".csv", "vdir": ""}.get(fmt.value, ".vcf")
    # The filter: everyone tagged alumni (Ada, Alan); the selection: both of them.
    window.select_tag("alumni")
    qtbot.waitUntil(lambda: window.model.shown == 2)
    window.select_contact(sample["Ada Lovelace"])
    window.table.selectionModel().select(
        window.model.index(window.model.row_of(sample["Alan Turing"]) or 0, 0),
        window.table.selectionModel().SelectionFlag.Select | window.table.selectionModel().SelectionFlag.Rows,
    )
    scopes = {s.key: s for s in window.export_scopes()}
    assert (scopes["all"].count, scopes["selection"].count, scopes["filter"].count) == (6, 2, 2)
    assert scopes["filter"].tag == "alumni"

    window.select_tag(None)
    window.search_edit.setText("analytical")  # Ada, Margaret and the organisation itself
    window.run_search()
    qtbot.waitUntil(lambda: window.model.shown == 3)
    window.select_contact(sample["Ada Lovelace"])
    filter_scope = next(s for s in window.export_scopes() if s.key == "filter")
    assert (filter_scope.query, filter_scope.tag, filter_scope.count) == ("analytical", None, 3)
    expected = {"all": 6, "selection": 1, "filter": 3}
    for scope, count in expected.items():
        target = tmp_path / f"{scope}{suffix}"
        export_through_dialogs(qtbot, window, fmt, scope, target)
        assert exported_count(fmt, target) == count, scope
        assert f"Exported {count} contact" in window.statusBar().currentMessage()


def test_export_dialog_states_counts_and_disables_empty_scopes(qtbot, window: MainWindow) -> None:  # type: ignore[no-untyped-def]
    window.table.clearSelection()
    window.export_action.trigger()
    dialog = wait_dialog(qtbot, window, ExportDialog)
    assert dialog.scope_buttons["all"].text() == "All contacts (6 contacts)"
    assert not dialog.scope_buttons["selection"].isEnabled()
    assert not dialog.scope_buttons["filter"].isEnabled()
    assert dialog.scope_buttons["all"].isChecked()
    dialog.reject()
    assert window.current_dialog is None


def test_export_of_people_at_an_organisation(qtbot, window: MainWindow, sample: dict[str, int], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window.show_organization("Analytical Engines")
    qtbot.waitUntil(lambda: window.model.shown == 3)  # the organisation, Ada and Margaret
    filter_scope = next(s for s in window.export_scopes() if s.key == "filter")
    assert filter_scope.count == 3 and "Analytical Engines" in filter_scope.label
    target = tmp_path / "org.vcf"
    export_through_dialogs(qtbot, window, ExportFormat.VCARD4, "filter", target)
    text = target.read_text()
    assert text.count("BEGIN:VCARD") == 3 and "Margaret" in text and "Grace" not in text


def test_drop_then_export_round_trip(qtbot, make_window: Callable[..., MainWindow], tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = make_window()  # an empty database
    (tmp_path / "in.vcf").write_text(NASA_VCF)
    drop(window, [tmp_path / "in.vcf"])
    wait_report(qtbot, window)
    qtbot.waitUntil(lambda: window.model.total == 3)
    target = tmp_path / "out.csv"
    export_through_dialogs(qtbot, window, ExportFormat.CSV, "all", target)
    with target.open(encoding="utf-8-sig", newline="") as f:
        assert len(list(csv.DictReader(f))) == 3


def test_a_huge_import_reloads_the_list_and_undoes(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, db: NetDesk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netdesk.services import import_stream

    # More contacts than a change-set lists: it says "many contacts changed", and the window reloads its list.
    monkeypatch.setattr(import_stream.ChangedContacts, "LIMIT", 2)
    vcf = tmp_path / "nasa.vcf"
    vcf.write_text(NASA_VCF + HOPPER_VCF)
    window.import_files([vcf])
    report = wait_report(qtbot, window)
    assert counts(report)["created"] == "3"
    report.accept()
    qtbot.waitUntil(lambda: {"Katherine Johnson", "Dorothy Vaughan", "Mary Jackson"} <= set(names(window)))
    assert window.count_label.text() == "9 shown / 9 total"

    assert window.undo_action.text() == "&Undo import"
    window.undo_action.trigger()
    qtbot.waitUntil(lambda: "Mary Jackson" not in names(window), timeout=10000)
    assert window.model.total == 6 and "Katherine Johnson" not in names(window)
    assert db.contacts.search("Jackson") == []


def test_an_import_that_adds_to_the_selected_contact_shows_it_in_the_detail_pane(  # type: ignore[no-untyped-def]
    qtbot, window: MainWindow, sample: dict[str, int], tmp_path: Path
) -> None:
    ada = sample["Ada Lovelace"]
    assert window.select_contact(ada)
    qtbot.waitUntil(lambda: "Ada Lovelace" in window.detail.text())
    assert "+44 20 7946 0001" not in window.detail.text()
    vcf = tmp_path / "phone.vcf"
    vcf.write_text(  # Ada again, with a phone number, and someone new: the list is searched again for him
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nN:Lovelace;Ada;;;\nEMAIL:ada@example.com\n"
        "TEL:+44 20 7946 0001\nEND:VCARD\n" + HOPPER_VCF
    )
    window.import_files([vcf])
    report = wait_report(qtbot, window)
    assert report.count_labels["created"].text() == "1" and report.count_labels["merged"].text() == "1"
    report.accept()
    qtbot.waitUntil(lambda: "Mary Jackson" in names(window))
    assert window.selected_id() == ada
    qtbot.waitUntil(lambda: "+44 20 7946 0001" in window.detail.text())

    window.undo_action.trigger()
    qtbot.waitUntil(lambda: "Mary Jackson" not in names(window))
    assert window.selected_id() == ada
    qtbot.waitUntil(lambda: "+44 20 7946 0001" not in window.detail.text())
